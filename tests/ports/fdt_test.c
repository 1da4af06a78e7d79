/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fdt_test.c - host test of the ports' device tree walker (ports/common/fdt.c)
 * under ASan and UBSan: on a DTB QEMU dumped (-M virt,dumpdtb=F) it must find
 * what the ports look for; on thousands of corrupted copies of it (bytes of
 * the header, structure and strings blocks changed, deterministic seeds) it
 * must never read outside the blob, whatever it answers.
 *
 *   fdt_test NAME FILE.dtb [MUTATIONS]
 *
 * Prints PASS/FAIL lines (docs/DEVELOPING.md) named ports/fdt-NAME-*.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"

static int fails;

static void result(const char *name, const char *test, const char *why)
{
	if (why == NULL) {
		printf("PASS ports/fdt-%s-%s\n", name, test);
	} else {
		printf("FAIL ports/fdt-%s-%s: %s\n", name, test, why);
		fails++;
	}
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Everything the ports do with a DTB; returns a checksum of what was found
 * so that the compiler keeps every read. */
static uint64_t exercise(const struct fdt *f, int *nodes, int *bad_walk)
{
	uint64_t sum = 0;
	struct fdt_iter it;
	struct fdt_node n;
	bool bad = false;
	*nodes = 0;
	fdt_iter_init(&it);
	while (fdt_iter_next(f, &it, &n, &bad)) {
		(*nodes)++;
		uint64_t a, s;
		for (uint32_t i = 0; i < 4 && fdt_reg(f, &n, i, &a, &s); i++)
			sum += a + s;
		const char *t = fdt_prop_str(f, &n, "device_type");
		if (t)
			sum += strlen(t);
		uint32_t v;
		if (fdt_prop_u32(f, &n, "#address-cells", &v))
			sum += v;
		sum += fdt_compatible(f, &n, "ns16550a");
		uint32_t len;
		const uint8_t *r = fdt_prop(f, &n, "ranges", &len);
		for (uint32_t k = 0; r && k < len; k++)
			sum += r[k];
	}
	*bad_walk = bad;
	const char *compats[] = { "pci-host-ecam-generic", "arm,pl011", "sifive,test0", "arm,psci-0.2" };
	for (unsigned i = 0; i < 4; i++)
		if (fdt_find_compatible(f, compats[i], &n))
			sum += n.off;
	if (fdt_find_stdout(f, "arm,pl011", &n) || fdt_find_stdout(f, "ns16550a", &n))
		sum += n.off;
	const char *paths[] = { "/chosen", "/cpus", "/memory", "/soc/serial", "/", "/a/b/c/d" };
	for (unsigned i = 0; i < 6; i++)
		if (fdt_find_path(f, paths[i], &n))
			sum += n.off + (uint64_t)n.depth;
	uint64_t a, s;
	for (uint32_t i = 0; i < 64 && fdt_rsv(f, i, &a, &s); i++)
		sum += a ^ s;
	return sum;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: fdt_test NAME FILE.dtb [MUTATIONS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* lines out before a sanitizer abort */
	const char *name = argv[1];
	long mutations = argc > 3 ? strtol(argv[3], NULL, 10) : 2000;
	FILE *fp = fopen(argv[2], "rb");
	if (!fp) {
		result(name, "read", "cannot open the DTB");
		return 1;
	}
	static uint8_t file[FDT_MAX_SIZE];
	size_t flen = fread(file, 1, sizeof(file), fp);
	fclose(fp);

	/* the real one: 8-byte aligned copy of exactly totalsize bytes */
	uint32_t total = flen >= 8 ? be32(file + 4) : 0;
	char why[160] = "";
	if (total < 40 || total > flen) {
		result(name, "real", "the file is not a DTB of its own totalsize");
		return 1;
	}
	uint8_t *blob = aligned_alloc(8, (total + 7) & ~7u);
	memcpy(blob, file, total);
	struct fdt f;
	const char *err;
	int nodes = 0, bad = 0;
	struct fdt_node n;
	if (fdt_init(&f, blob, &err) != 0) {
		snprintf(why, sizeof(why), "fdt_init: %s", err);
	} else {
		exercise(&f, &nodes, &bad);
		uint64_t a, s;
		if (bad || nodes < 10)
			snprintf(why, sizeof(why), "walk: %d nodes, malformed %d", nodes, bad);
		else if (!fdt_find_compatible(&f, "pci-host-ecam-generic", &n) || !fdt_reg(&f, &n, 0, &a, &s) ||
			 s < (1u << 20))
			snprintf(why, sizeof(why), "no pci-host-ecam-generic reg");
		else if (!fdt_find_path(&f, "/chosen", &n))
			snprintf(why, sizeof(why), "no /chosen");
		else if (!fdt_find_path(&f, "/memory", &n) || !fdt_reg(&f, &n, 0, &a, &s) || s == 0)
			snprintf(why, sizeof(why), "no /memory reg");
		else if (!fdt_find_stdout(&f, "arm,pl011", &n) && !fdt_find_stdout(&f, "ns16550a", &n))
			snprintf(why, sizeof(why), "no UART");
		else {
			/* the UART found is the one /chosen/stdout-path names */
			struct fdt_node ch;
			const char *sp = fdt_find_path(&f, "/chosen", &ch) ? fdt_prop_str(&f, &ch, "stdout-path") : NULL;
			const char *last = sp ? strrchr(sp, '/') : NULL;
			if (last == NULL || strcmp(last + 1, n.name) != 0)
				snprintf(why, sizeof(why), "the UART found (%s) is not stdout-path (%s)", n.name,
					 sp ? sp : "none");
		}
	}
	result(name, "real", why[0] ? why : NULL);
	free(blob);

	/* corrupted copies: 1-8 random bytes changed, a third of them in the
	 * header, the others in the structure and strings blocks (QEMU pads
	 * the aarch64 DTB to 1 MiB: bytes after them are not read); each copy
	 * sized by its (possibly corrupted) totalsize so ASan sees any read
	 * past it */
	uint32_t lo = be32(file + 8), hi = be32(file + 12) + be32(file + 32);
	if (be32(file + 16) < lo)
		lo = be32(file + 16);
	if (be32(file + 8) + be32(file + 36) > hi)
		hi = be32(file + 8) + be32(file + 36);
	if (hi > total || lo >= hi) {
		lo = 0;
		hi = total;
	} else if (hi < total) {
		/* drop the padding (QEMU's aarch64 DTB is 1 MiB for a few KiB):
		 * the same tree with totalsize at the end of its last block,
		 * so that each corrupted copy is small */
		total = (hi + 7) & ~7u;
		file[4] = (uint8_t)(total >> 24);
		file[5] = (uint8_t)(total >> 16);
		file[6] = (uint8_t)(total >> 8);
		file[7] = (uint8_t)total;
	}
	unsigned long refused = 0, walked = 0;
	srand(1);
	for (long m = 0; m < mutations; m++) {
		static uint8_t mut[FDT_MAX_SIZE];
		memcpy(mut, file, total);
		int k = 1 + rand() % 8;
		for (int j = 0; j < k; j++) {
			uint32_t at = (rand() % 3 == 0) ? (uint32_t)(rand() % 40) : lo + (uint32_t)rand() % (hi - lo);
			mut[at] = (uint8_t)rand();
		}
		uint32_t mt = be32(mut + 4);
		if (mt > FDT_MAX_SIZE || mt < 40) {
			/* fdt_init must refuse without reading past the header */
			uint8_t *small = aligned_alloc(8, 40);
			memcpy(small, mut, 40);
			if (fdt_init(&f, small, &err) == 0) {
				snprintf(why, sizeof(why), "mutation %ld: totalsize 0x%x accepted", m, mt);
				free(small);
				break;
			}
			free(small);
			refused++;
			continue;
		}
		uint8_t *b = aligned_alloc(8, (mt + 7) & ~7u);
		memset(b, 0, mt);
		memcpy(b, mut, mt < total ? mt : total);
		if (fdt_init(&f, b, &err) != 0) {
			refused++;
		} else {
			exercise(&f, &nodes, &bad);
			walked++;
		}
		free(b);
	}
	if (why[0] == '\0' && walked == 0)
		snprintf(why, sizeof(why), "no corrupted copy got past fdt_init: the walk was not exercised");
	if (why[0] == '\0')
		printf("# %s: %ld corrupted copies, %lu refused by fdt_init, %lu walked\n", name, mutations,
		       refused, walked);
	result(name, "corrupted", why[0] ? why : NULL);
	return fails ? 1 : 0;
}
