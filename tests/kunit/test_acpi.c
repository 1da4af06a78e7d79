/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_acpi.c - host unit tests of kernel/dev/acpi_parse.c on hand-built
 * tables in a buffer that stands for physical memory (map() refuses anything
 * outside it, so a table that points outside is "unreadable"; ASan catches
 * any read past the buffer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "acpi.h"
#include "kunit.h"

#define BASE 0x100000u
#define MEMSZ 0x4000u
#define OFF_XSDT 0x000
#define OFF_RSDT 0x100
#define OFF_FADT 0x200
#define OFF_MADT 0x400
#define OFF_MCFG 0x600
#define OFF_HPET 0x700
#define OFF_DSDT 0x800

struct world {
	uint8_t *mem;      /* MEMSZ bytes at physical BASE */
	uint8_t rsdp[36];
	struct acpi_info info;
};

static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)v); wr16(p + 2, (uint16_t)(v >> 16)); }
static void wr64(uint8_t *p, uint64_t v) { wr32(p, (uint32_t)v); wr32(p + 4, (uint32_t)(v >> 32)); }
static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static const uint8_t *map(void *ctx, uint64_t phys, uint32_t len)
{
	struct world *w = ctx;
	if (phys < BASE || phys - BASE > MEMSZ || len > MEMSZ - (phys - BASE))
		return NULL;
	return w->mem + (phys - BASE);
}

static void hdr(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	wr32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "KUNIT ", 6);
	memcpy(t + 16, "TESTTBL ", 8);
}

/* Recomputes the checksum from the length in the header. */
static void fix(uint8_t *t)
{
	t[9] = 0;
	t[9] = (uint8_t)(0 - acpi_checksum(t, rd32(t + 4)));
}

static void gas(uint8_t *p, uint8_t space, uint8_t width, uint64_t addr)
{
	p[0] = space;
	p[1] = width;
	p[2] = 0;
	p[3] = 0;
	wr64(p + 4, addr);
}

static void fix_rsdp(struct world *w)
{
	w->rsdp[8] = 0;
	w->rsdp[8] = (uint8_t)(0 - acpi_checksum(w->rsdp, 20));
	w->rsdp[32] = 0;
	w->rsdp[32] = (uint8_t)(0 - acpi_checksum(w->rsdp, 36));
}

/* AML: DefName(_S5_, Package(4) { a-encoding, b-encoding, Zero, Zero }) */
static uint32_t put_s5(uint8_t *p, const uint8_t *elems, uint32_t nelem_bytes, uint8_t count)
{
	uint32_t n = 0;
	p[n++] = 0x10; /* some unrelated bytes first: ScopeOp-like noise */
	p[n++] = 0x5F;
	p[n++] = 0x08; /* NameOp */
	memcpy(p + n, "_S5_", 4);
	n += 4;
	p[n++] = 0x12; /* PackageOp */
	p[n++] = (uint8_t)(2 + nelem_bytes); /* PkgLength (one byte) */
	p[n++] = count;
	memcpy(p + n, elems, nelem_bytes);
	n += nelem_bytes;
	return n;
}

/* A complete, valid set: RSDP 2.0 -> XSDT and RSDT -> FADT (rev 6), MADT,
 * MCFG (two segments), HPET; FADT -> DSDT with \_S5 = {5, 7}. */
static struct world *world_new(void)
{
	struct world *w = calloc(1, sizeof(*w));
	w->mem = calloc(1, MEMSZ);
	uint8_t *m = w->mem;

	/* FADT, 276 bytes */
	uint8_t *f = m + OFF_FADT;
	hdr(f, "FACP", 276, 6);
	wr32(f + 40, BASE + OFF_DSDT);
	wr32(f + 48, 0xB2);           /* SMI_CMD */
	f[52] = 0xF1;                 /* ACPI_ENABLE */
	wr32(f + 64, 0x404);          /* PM1a_CNT_BLK */
	wr32(f + 76, 0x408);          /* PM_TMR_BLK */
	f[89] = 2;
	f[91] = 4;                    /* PM_TMR_LEN */
	wr32(f + 112, ACPI_FADT_TMR_VAL_EXT | ACPI_FADT_RESET_REG_SUP);
	gas(f + 116, ACPI_GAS_IO, 8, 0xCF9);
	f[128] = 0x06;
	wr64(f + 140, BASE + OFF_DSDT); /* X_DSDT */
	gas(f + 172, ACPI_GAS_IO, 16, 0x404); /* X_PM1a_CNT_BLK */
	gas(f + 208, ACPI_GAS_IO, 32, 0x408); /* X_PM_TMR_BLK */
	gas(f + 244, ACPI_GAS_IO, 8, 0x500);  /* SLEEP_CONTROL_REG */
	gas(f + 256, ACPI_GAS_IO, 8, 0x501);  /* SLEEP_STATUS_REG */
	fix(f);

	/* MADT: LAPIC 0 (enabled), LAPIC 1 (disabled, not online capable),
	 * I/O APIC, x2APIC 300 (enabled) */
	uint8_t *a = m + OFF_MADT;
	uint32_t n = 44;
	wr32(a + 36, 0xFEE00000);
	a[n] = 0; a[n + 1] = 8; a[n + 2] = 0; a[n + 3] = 0; wr32(a + n + 4, 1); n += 8;
	a[n] = 0; a[n + 1] = 8; a[n + 2] = 1; a[n + 3] = 1; wr32(a + n + 4, 0); n += 8;
	a[n] = 1; a[n + 1] = 12; a[n + 2] = 2; wr32(a + n + 4, 0xFEC00000); wr32(a + n + 8, 0); n += 12;
	a[n] = 9; a[n + 1] = 16; wr32(a + n + 4, 300); wr32(a + n + 8, 1); wr32(a + n + 12, 7); n += 16;
	hdr(a, "APIC", n, 5);
	fix(a);

	/* MCFG: segment 0 buses 0-255, segment 1 buses 0x40-0x7f */
	uint8_t *c = m + OFF_MCFG;
	hdr(c, "MCFG", 44 + 32, 1);
	wr64(c + 44, 0xB0000000);
	wr16(c + 52, 0); c[54] = 0; c[55] = 0xFF;
	wr64(c + 60, 0xC0000000);
	wr16(c + 68, 1); c[70] = 0x40; c[71] = 0x7F;
	fix(c);

	/* HPET */
	uint8_t *h = m + OFF_HPET;
	hdr(h, "HPET", 56, 1);
	wr32(h + 36, 0x8086A201);
	gas(h + 40, ACPI_GAS_MEMORY, 64, 0xFED00000);
	h[52] = 0;
	wr16(h + 53, 0x80);
	fix(h);

	/* DSDT */
	uint8_t *d = m + OFF_DSDT;
	static const uint8_t s5[] = { 0x0A, 0x05, 0x0A, 0x07, 0x00, 0x00 };
	uint32_t dl = 36 + put_s5(d + 36, s5, sizeof(s5), 4);
	hdr(d, "DSDT", dl, 2);
	fix(d);

	/* XSDT and RSDT list the same four tables */
	const uint32_t offs[] = { OFF_FADT, OFF_MADT, OFF_MCFG, OFF_HPET };
	uint8_t *x = m + OFF_XSDT, *r = m + OFF_RSDT;
	hdr(x, "XSDT", 36 + 8 * 4, 1);
	hdr(r, "RSDT", 36 + 4 * 4, 1);
	for (int i = 0; i < 4; i++) {
		wr64(x + 36 + 8 * i, BASE + offs[i]);
		wr32(r + 36 + 4 * i, BASE + offs[i]);
	}
	fix(x);
	fix(r);

	memcpy(w->rsdp, "RSD PTR ", 8);
	memcpy(w->rsdp + 9, "KUNIT ", 6);
	w->rsdp[15] = 2;
	wr32(w->rsdp + 16, BASE + OFF_RSDT);
	wr32(w->rsdp + 20, 36);
	wr64(w->rsdp + 24, BASE + OFF_XSDT);
	fix_rsdp(w);
	return w;
}

static void world_free(struct world *w)
{
	free(w->mem);
	free(w);
}

static int parse(struct world *w)
{
	return acpi_parse(w->rsdp, sizeof(w->rsdp), map, w, &w->info);
}

static const struct acpi_table *find(const struct acpi_info *i, const char *sig)
{
	for (int k = 0; k < i->ntables; k++)
		if (strcmp(i->tables[k].sig, sig) == 0)
			return &i->tables[k];
	return NULL;
}

KTEST(acpi_good_tables)
{
	struct world *w = world_new();
	KCHECK(parse(w) == 0);
	const struct acpi_info *i = &w->info;
	KCHECK(i->rsdp_ok && i->rsdp_revision == 2 && strcmp(i->rsdp_oem, "KUNIT") == 0);
	KCHECK(i->root_is_xsdt && i->root_phys == BASE + OFF_XSDT && !i->xsdt_fell_back);
	KCHECK(i->ntables == 6 && i->nbad == 0); /* XSDT, 4 tables, DSDT */
	KCHECK(find(i, "DSDT") && find(i, "FACP") && strcmp(find(i, "FACP")->oem, "KUNIT") == 0);
	KCHECK(i->have_fadt && i->fadt_revision == 6 && !i->hw_reduced);
	KCHECK(i->dsdt_phys == BASE + OFF_DSDT);
	KCHECK(i->pm_timer.space == ACPI_GAS_IO && i->pm_timer.address == 0x408 && i->pm_timer_32bit);
	KCHECK(i->pm1a_cnt.address == 0x404 && i->pm1b_cnt.address == 0);
	KCHECK(i->reset_supported && i->reset_reg.address == 0xCF9 && i->reset_value == 6);
	KCHECK(i->sleep_control.address == 0x500 && i->sleep_status.address == 0x501);
	KCHECK(i->smi_cmd == 0xB2 && i->acpi_enable == 0xF1);
	KCHECK(i->have_s5 && i->s5_typ_a == 5 && i->s5_typ_b == 7);
	KCHECK(i->have_mcfg && i->nmcfg == 2 && i->mcfg_rejected == 0);
	KCHECK(i->mcfg[0].base == 0xB0000000 && i->mcfg[0].segment == 0 && i->mcfg[0].bus_end == 0xFF);
	KCHECK(i->mcfg[1].segment == 1 && i->mcfg[1].bus_start == 0x40 && i->mcfg[1].bus_end == 0x7F);
	KCHECK(i->have_madt && i->lapic_address == 0xFEE00000);
	KCHECK(i->ncpus == 2 && i->cpus[0].apic_id == 0 && i->cpus[1].apic_id == 300 && i->cpus[1].x2apic);
	KCHECK(i->max_apic_id == 300);
	KCHECK(i->nioapics == 1 && i->ioapics[0].id == 2 && i->ioapics[0].address == 0xFEC00000);
	KCHECK(i->have_hpet && i->hpet_base == 0xFED00000 && i->hpet_min_tick == 0x80);
	world_free(w);
}

KTEST(acpi_bad_checksum_ignored)
{
	struct world *w = world_new();
	w->mem[OFF_MADT + 50] ^= 0x40; /* corrupt an entry, checksum not fixed */
	KCHECK(parse(w) == 0);
	const struct acpi_table *t = find(&w->info, "APIC");
	KCHECK(t && t->status == ACPI_TABLE_BAD_CHECKSUM);
	KCHECK(!w->info.have_madt && w->info.ncpus == 0);
	KCHECK(w->info.nbad == 1 && w->info.have_fadt && w->info.have_mcfg && w->info.have_hpet);
	world_free(w);
}

KTEST(acpi_length_too_short)
{
	struct world *w = world_new();
	wr32(w->mem + OFF_FADT + 4, 20); /* shorter than a header */
	KCHECK(parse(w) == 0);
	const struct acpi_table *t = find(&w->info, "FACP");
	KCHECK(t && t->status == ACPI_TABLE_BAD_LENGTH && !w->info.have_fadt && !w->info.have_s5);
	KCHECK(find(&w->info, "DSDT") == NULL); /* never followed */
	/* a HPET table too short for its base address */
	struct world *w2 = world_new();
	wr32(w2->mem + OFF_HPET + 4, 44);
	fix(w2->mem + OFF_HPET);
	KCHECK(parse(w2) == 0);
	KCHECK(find(&w2->info, "HPET")->status == ACPI_TABLE_BAD_LENGTH && !w2->info.have_hpet);
	world_free(w);
	world_free(w2);
}

KTEST(acpi_length_too_long)
{
	struct world *w = world_new();
	/* runs past the end of memory: unreadable */
	wr32(w->mem + OFF_DSDT + 4, MEMSZ);
	/* larger than the cap */
	wr32(w->mem + OFF_MCFG + 4, ACPI_TABLE_MAX_LEN + 1);
	KCHECK(parse(w) == 0);
	KCHECK(find(&w->info, "DSDT")->status == ACPI_TABLE_UNREADABLE && !w->info.have_s5);
	KCHECK(find(&w->info, "MCFG")->status == ACPI_TABLE_BAD_LENGTH && !w->info.have_mcfg);
	KCHECK(w->info.have_fadt && w->info.nbad == 2);
	world_free(w);
}

KTEST(acpi_xsdt_points_at_garbage)
{
	struct world *w = world_new();
	uint8_t *x = w->mem + OFF_XSDT;
	wr64(x + 36, 0xDEADBEEF000ull);      /* outside memory */
	wr64(x + 44, BASE + 0x3000);          /* zeros: no header */
	wr64(x + 52, 0);                      /* null */
	memset(w->mem + 0x3800, 0xA5, 64);    /* random bytes */
	wr64(x + 60, BASE + 0x3800);
	fix(x);
	KCHECK(parse(w) == 0);
	const struct acpi_info *i = &w->info;
	KCHECK(i->root_is_xsdt && i->ntables == 5 && i->nbad == 4);
	KCHECK(i->tables[1].status == ACPI_TABLE_UNREADABLE);
	KCHECK(i->tables[2].status == ACPI_TABLE_BAD_LENGTH);
	KCHECK(i->tables[3].status == ACPI_TABLE_NULL);
	KCHECK(i->tables[4].status == ACPI_TABLE_BAD_LENGTH || i->tables[4].status == ACPI_TABLE_UNREADABLE);
	KCHECK(!i->have_fadt && !i->have_madt && !i->have_mcfg && !i->have_hpet);
	world_free(w);
}

KTEST(acpi_bad_xsdt_falls_back_to_rsdt)
{
	struct world *w = world_new();
	w->mem[OFF_XSDT + 40] ^= 1;
	KCHECK(parse(w) == 0);
	KCHECK(!w->info.root_is_xsdt && w->info.xsdt_fell_back && w->info.root_phys == BASE + OFF_RSDT);
	KCHECK(w->info.tables[0].status == ACPI_TABLE_BAD_CHECKSUM);
	KCHECK(w->info.have_fadt && w->info.have_madt && w->info.have_mcfg && w->info.have_hpet);
	/* an XSDT pointer to a table with another signature */
	struct world *w2 = world_new();
	wr64(w2->rsdp + 24, BASE + OFF_RSDT);
	fix_rsdp(w2);
	KCHECK(parse(w2) == 0 && w2->info.tables[0].status == ACPI_TABLE_BAD_SIGNATURE);
	KCHECK(!w2->info.root_is_xsdt && w2->info.have_fadt);
	world_free(w);
	world_free(w2);
}

KTEST(acpi_rsdp_checks)
{
	struct world *w = world_new();
	w->rsdp[3] = 'X';
	KCHECK(parse(w) == -1 && !w->info.rsdp_ok && w->info.rsdp_problem);
	world_free(w);
	w = world_new();
	w->rsdp[8] ^= 1;
	KCHECK(parse(w) == -1 && !w->info.rsdp_ok);
	world_free(w);
	KCHECK(acpi_parse(NULL, 0, map, NULL, &(struct acpi_info){ 0 }) == -1);
	/* bad extended checksum: XSDT not used, RSDT is */
	w = world_new();
	w->rsdp[32] ^= 1;
	KCHECK(parse(w) == 0 && !w->info.root_is_xsdt && w->info.have_fadt);
	world_free(w);
	/* ACPI 1.0 RSDP (20 bytes, revision 0) */
	w = world_new();
	w->rsdp[15] = 0;
	fix_rsdp(w);
	KCHECK(acpi_parse(w->rsdp, 20, map, w, &w->info) == 0 && !w->info.root_is_xsdt);
	KCHECK(w->info.have_fadt && w->info.have_s5);
	world_free(w);
}

KTEST(acpi_rsdt_null_entry)
{
	struct world *w = world_new();
	w->rsdp[15] = 0;
	fix_rsdp(w);
	wr32(w->mem + OFF_RSDT + 36 + 4, 0);
	fix(w->mem + OFF_RSDT);
	KCHECK(parse(w) == 0 && w->info.tables[2].status == ACPI_TABLE_NULL && !w->info.have_madt);
	world_free(w);
}

KTEST(acpi_mcfg_entries)
{
	struct world *w = world_new();
	wr32(w->mem + OFF_MCFG + 4, 44); /* no allocation at all */
	fix(w->mem + OFF_MCFG);
	KCHECK(parse(w) == 0 && w->info.have_mcfg && w->info.nmcfg == 0 && w->info.mcfg_rejected == 0);
	world_free(w);
	w = world_new();
	uint8_t *c = w->mem + OFF_MCFG;
	c[70] = 0x80; c[71] = 0x10;      /* start > end */
	wr64(c + 44, 0);                  /* base 0 */
	fix(c);
	KCHECK(parse(w) == 0 && w->info.nmcfg == 0 && w->info.mcfg_rejected == 2);
	world_free(w);
	w = world_new();
	c = w->mem + OFF_MCFG;
	wr64(c + 44, 0xFFFFFFFFFFF00000ull); /* wraps */
	wr64(c + 60, 0xB0000800);            /* unaligned */
	fix(c);
	KCHECK(parse(w) == 0 && w->info.nmcfg == 0 && w->info.mcfg_rejected == 2);
	world_free(w);
	/* a partial trailing entry is not read */
	w = world_new();
	wr32(w->mem + OFF_MCFG + 4, 44 + 16 + 8);
	fix(w->mem + OFF_MCFG);
	KCHECK(parse(w) == 0 && w->info.nmcfg == 1);
	world_free(w);
}

KTEST(acpi_madt_malformed_entry)
{
	struct world *w = world_new();
	w->mem[OFF_MADT + 44 + 8 + 1] = 0; /* second entry length 0 */
	fix(w->mem + OFF_MADT);
	KCHECK(parse(w) == 0 && w->info.have_madt && w->info.ncpus == 1 && w->info.nioapics == 0);
	world_free(w);
	w = world_new();
	w->mem[OFF_MADT + 44 + 1] = 200; /* first entry runs past the table */
	fix(w->mem + OFF_MADT);
	KCHECK(parse(w) == 0 && w->info.have_madt && w->info.ncpus == 0);
	world_free(w);
}

KTEST(acpi_dsdt_wrong_signature)
{
	struct world *w = world_new();
	memcpy(w->mem + OFF_DSDT, "SSDT", 4);
	fix(w->mem + OFF_DSDT);
	KCHECK(parse(w) == 0 && find(&w->info, "SSDT")->status == ACPI_TABLE_BAD_SIGNATURE);
	KCHECK(!w->info.have_s5);
	world_free(w);
}

KTEST(acpi_s5_encodings)
{
	uint8_t aml[64], a = 9, b = 9;
	static const uint8_t zero_one[] = { 0x00, 0x01 };
	uint32_t n = put_s5(aml, zero_one, 2, 2);
	KCHECK(acpi_find_s5(aml, n, &a, &b) == 0 && a == 0 && b == 1);
	static const uint8_t words[] = { 0x0B, 0x03, 0x00, 0x0C, 0x04, 0, 0, 0 };
	n = put_s5(aml, words, sizeof(words), 2);
	KCHECK(acpi_find_s5(aml, n, &a, &b) == 0 && a == 3 && b == 4);
	static const uint8_t one_elem[] = { 0x0A, 0x05 };
	n = put_s5(aml, one_elem, 2, 1);
	KCHECK(acpi_find_s5(aml, n, &a, &b) == 0 && a == 5 && b == 5);
	static const uint8_t too_big[] = { 0x0A, 0x08, 0x00 };
	n = put_s5(aml, too_big, 3, 2);
	KCHECK(acpi_find_s5(aml, n, &a, &b) == -1);
	static const uint8_t method[] = { 0x0A, 0x05, 0x00 };
	n = put_s5(aml, method, 3, 2);
	aml[2] = 0x14; /* MethodOp, not NameOp: not the \_S5 object */
	KCHECK(acpi_find_s5(aml, n, &a, &b) == -1);
	/* \_S5_ with a root prefix */
	uint8_t r[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0A, 0x05, 0x0A, 0x06, 0, 0 };
	KCHECK(acpi_find_s5(r, sizeof(r), &a, &b) == 0 && a == 5 && b == 6);
	/* truncated in the middle of the package: no read past the end */
	for (uint32_t cut = 0; cut < sizeof(r); cut++) {
		uint8_t *t = malloc(cut ? cut : 1);
		memcpy(t, r, cut);
		int rc = acpi_find_s5(t, cut, &a, &b);
		KCHECK(cut >= 11 || rc == -1);
		free(t);
	}
}

KTEST(acpi_old_fadt)
{
	struct world *w = world_new();
	uint8_t *f = w->mem + OFF_FADT;
	wr32(f + 4, 116); /* ACPI 1.0 FADT: flags, but no reset register, no X_ fields */
	f[8] = 1;
	wr32(f + 112, ACPI_FADT_RESET_REG_SUP);
	fix(f);
	KCHECK(parse(w) == 0 && w->info.have_fadt && w->info.fadt_flags == ACPI_FADT_RESET_REG_SUP);
	KCHECK(w->info.pm_timer.address == 0x408 && !w->info.pm_timer_32bit);
	KCHECK(w->info.pm1a_cnt.address == 0x404 && !w->info.reset_supported);
	KCHECK(w->info.sleep_control.address == 0 && w->info.have_s5);
	const char *why = NULL;
	KCHECK(!acpi_reset_usable(&w->info, &why) && why);
	world_free(w);
}

KTEST(acpi_poweroff_plans)
{
	struct world *w = world_new();
	struct acpi_poweroff_plan p;
	KCHECK(parse(w) == 0);
	acpi_poweroff_plan(&w->info, &p);
	KCHECK(p.kind == ACPI_POWEROFF_PM1 && p.reg_a.address == 0x404 && p.value_a == ((5 << 10) | (1 << 13)));
	KCHECK(p.reg_b.address == 0);
	/* hardware-reduced: the sleep control register, SLP_TYP << 2 | SLP_EN */
	uint8_t *f = w->mem + OFF_FADT;
	wr32(f + 112, rd32(f + 112) | ACPI_FADT_HW_REDUCED);
	fix(f);
	KCHECK(parse(w) == 0 && w->info.hw_reduced);
	acpi_poweroff_plan(&w->info, &p);
	KCHECK(p.kind == ACPI_POWEROFF_SLEEP_CTRL && p.reg_a.address == 0x500 && p.value_a == ((5 << 2) | (1 << 5)));
	/* hardware-reduced without a sleep control register */
	gas(f + 244, ACPI_GAS_IO, 8, 0);
	fix(f);
	KCHECK(parse(w) == 0);
	acpi_poweroff_plan(&w->info, &p);
	KCHECK(p.kind == ACPI_POWEROFF_NONE && p.why_not);
	/* no \_S5 */
	memcpy(w->mem + OFF_DSDT + 36 + 3, "_S4_", 4);
	fix(w->mem + OFF_DSDT);
	KCHECK(parse(w) == 0 && !w->info.have_s5);
	acpi_poweroff_plan(&w->info, &p);
	KCHECK(p.kind == ACPI_POWEROFF_NONE);
	acpi_poweroff_plan(NULL, &p);
	KCHECK(p.kind == ACPI_POWEROFF_NONE);
	world_free(w);
}

KTEST(acpi_reset_register)
{
	struct world *w = world_new();
	const char *why = "x";
	KCHECK(parse(w) == 0 && acpi_reset_usable(&w->info, &why) && why == NULL);
	uint8_t *f = w->mem + OFF_FADT;
	gas(f + 116, ACPI_GAS_PCI_CONFIG, 8, 0x0000000F000CF9ull);
	fix(f);
	KCHECK(parse(w) == 0 && !acpi_reset_usable(&w->info, &why) && why);
	gas(f + 116, ACPI_GAS_IO, 16, 0xCF9);
	fix(f);
	KCHECK(parse(w) == 0 && !acpi_reset_usable(&w->info, NULL));
	gas(f + 116, ACPI_GAS_IO, 8, 0x12345); /* beyond the I/O space */
	fix(f);
	KCHECK(parse(w) == 0 && !acpi_reset_usable(&w->info, NULL));
	gas(f + 116, ACPI_GAS_MEMORY, 8, 0xFED00000);
	wr32(f + 112, 0); /* RESET_REG_SUP clear */
	fix(f);
	KCHECK(parse(w) == 0 && !acpi_reset_usable(&w->info, NULL));
	world_free(w);
}

KTEST(acpi_random_tables_survive)
{
	/* Random bytes behind valid checksums: nothing may crash or read out of
	 * bounds (ASan), and every count stays within its limit. */
	uint32_t seed = 12345;
	for (int iter = 0; iter < 3000; iter++) {
		struct world *w = world_new();
		for (uint32_t k = 0; k < MEMSZ; k++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 7 == 0)
				w->mem[k] = (uint8_t)(seed >> 24);
		}
		/* re-fix some checksums so random content gets parsed */
		const uint32_t offs[] = { OFF_XSDT, OFF_FADT, OFF_MADT, OFF_MCFG, OFF_HPET, OFF_DSDT };
		for (int t = 0; t < 6; t++)
			if (rd32(w->mem + offs[t] + 4) <= MEMSZ - offs[t] && (iter + t) % 3)
				fix(w->mem + offs[t]);
		parse(w);
		const struct acpi_info *i = &w->info;
		KCHECK(i->ntables <= ACPI_MAX_TABLES && i->nmcfg <= ACPI_MAX_MCFG);
		KCHECK(i->ncpus <= ACPI_MAX_CPUS && i->nioapics <= ACPI_MAX_IOAPICS);
		KCHECK(!i->have_s5 || (i->s5_typ_a <= 7 && i->s5_typ_b <= 7));
		world_free(w);
	}
}
