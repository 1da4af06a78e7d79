/* SPDX-License-Identifier: BSD-2-Clause */
/* test_pci_caps.c - host unit tests of kernel/dev/pci_caps.c on hand-made configuration spaces. */
#include <string.h>
#include "kunit.h"
#include "pci_caps.h"

struct cfg {
	uint8_t b[4096];
	int reads;
	bool all_ones;
};

static uint32_t rd(void *ctx, uint16_t off)
{
	struct cfg *c = ctx;
	c->reads++;
	KCHECK(off % 4 == 0 && off < 4096);
	if (c->all_ones || off >= 4096)
		return 0xFFFFFFFFu;
	return (uint32_t)c->b[off] | (uint32_t)c->b[off + 1] << 8 | (uint32_t)c->b[off + 2] << 16 |
	       (uint32_t)c->b[off + 3] << 24;
}

static void cap(struct cfg *c, uint8_t off, uint8_t id, uint8_t next)
{
	c->b[off] = id;
	c->b[off + 1] = next;
}

static void ext(struct cfg *c, uint16_t off, uint16_t id, uint8_t ver, uint16_t next)
{
	uint32_t h = id | (uint32_t)ver << 16 | (uint32_t)next << 20;
	memcpy(&c->b[off], &h, 4);
}

KTEST(caps_normal_list)
{
	static struct cfg c;
	memset(&c, 0, sizeof(c));
	c.b[0x34] = 0x40;
	cap(&c, 0x40, 0x01, 0x50);
	cap(&c, 0x50, 0x05, 0x72); /* low two bits of a pointer are ignored */
	cap(&c, 0x70, 0x11, 0x00);
	struct pci_cap out[48];
	const char *why;
	int n = pci_caps_list(rd, &c, 0x34, out, 48, &why);
	KCHECK(n == 3 && why == NULL);
	KCHECK(out[0].off == 0x40 && out[0].id == 1 && out[1].off == 0x50 && out[2].off == 0x70 && out[2].id == 0x11);
	/* CardBus bridges keep the pointer at 0x14 */
	memset(&c, 0, sizeof(c));
	c.b[0x14] = 0x80;
	cap(&c, 0x80, 0x10, 0);
	KCHECK(pci_caps_list(rd, &c, 0x14, out, 48, &why) == 1 && out[0].id == 0x10 && !why);
	memset(&c, 0, sizeof(c));
	KCHECK(pci_caps_list(rd, &c, 0x34, out, 48, &why) == 0 && !why); /* empty list */
}

KTEST(caps_loops_and_wild_pointers)
{
	static struct cfg c;
	struct pci_cap out[48];
	const char *why;
	memset(&c, 0, sizeof(c));
	c.b[0x34] = 0x40;
	cap(&c, 0x40, 0x01, 0x40); /* points at itself */
	KCHECK(pci_caps_list(rd, &c, 0x34, out, 48, &why) == 1 && why && strstr(why, "loop"));
	cap(&c, 0x40, 0x01, 0x60);
	cap(&c, 0x60, 0x05, 0x40); /* two-entry cycle */
	KCHECK(pci_caps_list(rd, &c, 0x34, out, 48, &why) == 2 && why && strstr(why, "loop"));
	cap(&c, 0x60, 0x05, 0x10); /* into the header */
	KCHECK(pci_caps_list(rd, &c, 0x34, out, 48, &why) == 2 && why);
	/* every dword a capability pointing at the next: stops at max */
	memset(&c, 0, sizeof(c));
	c.b[0x34] = 0x40;
	for (int o = 0x40; o < 0x100; o += 4)
		cap(&c, (uint8_t)o, 0x09, (uint8_t)(o + 4 < 0x100 ? o + 4 : 0));
	KCHECK(pci_caps_list(rd, &c, 0x34, out, 48, &why) == 48 && why == NULL);
	KCHECK(pci_caps_list(rd, &c, 0x34, out, 10, &why) == 10 && why);
	/* a function that went away */
	c.all_ones = true;
	KCHECK(pci_caps_list(rd, &c, 0x34, out, 48, &why) == 0 && why);
}

KTEST(ext_caps_list)
{
	static struct cfg c;
	struct pci_cap out[96];
	const char *why;
	memset(&c, 0, sizeof(c));
	ext(&c, 0x100, 0x0001, 2, 0x148);
	ext(&c, 0x148, 0x000D, 1, 0x200);
	ext(&c, 0x200, 0x0010, 1, 0);
	int n = pci_ext_caps_list(rd, &c, out, 96, &why);
	KCHECK(n == 3 && !why && out[0].id == 1 && out[0].version == 2 && out[1].off == 0x148 && out[2].id == 0x10);
	memset(&c, 0, sizeof(c)); /* no extended capabilities: header 0 */
	KCHECK(pci_ext_caps_list(rd, &c, out, 96, &why) == 0 && !why);
	c.all_ones = true; /* no ECAM / conventional PCI: all-ones at 0x100 is not trouble */
	KCHECK(pci_ext_caps_list(rd, &c, out, 96, &why) == 0 && !why);
}

KTEST(ext_caps_loops_and_wild_pointers)
{
	static struct cfg c;
	struct pci_cap out[96];
	const char *why;
	memset(&c, 0, sizeof(c));
	ext(&c, 0x100, 0x0001, 1, 0x100); /* itself */
	KCHECK(pci_ext_caps_list(rd, &c, out, 96, &why) == 1 && why && strstr(why, "loop"));
	ext(&c, 0x100, 0x0001, 1, 0x180);
	ext(&c, 0x180, 0x0003, 1, 0x100);
	KCHECK(pci_ext_caps_list(rd, &c, out, 96, &why) == 2 && why && strstr(why, "loop"));
	ext(&c, 0x180, 0x0003, 1, 0x040); /* below 0x100 */
	KCHECK(pci_ext_caps_list(rd, &c, out, 96, &why) == 2 && why);
	ext(&c, 0x180, 0x0003, 1, 0xFFF); /* last dword; its low bits ignored */
	ext(&c, 0xFFC, 0x0018, 1, 0);
	KCHECK(pci_ext_caps_list(rd, &c, out, 96, &why) == 3 && !why && out[2].off == 0xFFC);
	/* a chain longer than max */
	memset(&c, 0, sizeof(c));
	for (int o = 0x100; o < 0x1000; o += 4)
		ext(&c, (uint16_t)o, 0x000B, 1, (uint16_t)(o + 4 < 0x1000 ? o + 4 : 0));
	c.reads = 0;
	KCHECK(pci_ext_caps_list(rd, &c, out, 96, &why) == 96 && why);
	KCHECK(c.reads <= 97);
}
