/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * acpi_parse.c - pure parser of the ACPI static tables (see acpi.h).
 *
 * References (ACPI Specification 6.5):
 *   5.2.5  RSDP (checksum over 20 bytes, extended checksum over 36)
 *   5.2.6  system description table header (36 bytes, checksum over length)
 *   5.2.7/8 RSDT (32-bit entries) / XSDT (64-bit entries)
 *   5.2.9  FADT: offsets below, flags table 5.10, GAS 5.2.3.2
 *   5.2.12 MADT: type 0 processor local APIC, 1 I/O APIC, 5 LAPIC address
 *          override, 9 processor local x2APIC
 *   7.4.2  \_S5 package (SLP_TYPa, SLP_TYPb); 4.8.3.2.1 PM1 control
 *          (SLP_TYP bits 12:10, SLP_EN bit 13); 4.8.3.7 sleep control
 *          register (SLP_TYP bits 4:2, SLP_EN bit 5)
 *   20.2   AML encoding: NameOp 08h, PackageOp 12h, PkgLength, integer
 *          constants (ZeroOp 00h, OneOp 01h, BytePrefix 0Ah, WordPrefix 0Bh,
 *          DWordPrefix 0Ch)
 *   MCFG: PCI Firmware Specification 3.x, table 4-3 (44-byte header, then
 *          16-byte allocations: base, segment, start bus, end bus).
 *   HPET: IA-PC HPET Specification 1.0a, table 3 (base address GAS at 40).
 *
 * No libc, no kernel calls: only the map() callback touches memory.
 */
#include <stddef.h>
#include "acpi.h"

#define HDR_LEN 36u

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static uint64_t rd64(const uint8_t *p) { return rd32(p) | ((uint64_t)rd32(p + 4) << 32); }

static bool same4(const uint8_t *p, const char *s)
{
	return p[0] == (uint8_t)s[0] && p[1] == (uint8_t)s[1] && p[2] == (uint8_t)s[2] && p[3] == (uint8_t)s[3];
}

static void zero(void *p, uint64_t n)
{
	uint8_t *b = p;
	while (n--)
		*b++ = 0;
}

/* Copies an ID field, printable characters only, trailing blanks dropped. */
static void copy_id(char *dst, const uint8_t *src, int n)
{
	int last = 0;
	for (int i = 0; i < n; i++) {
		uint8_t ch = src[i];
		dst[i] = (ch >= 0x20 && ch < 0x7F) ? (char)ch : '.';
		if (ch != ' ' && ch != 0)
			last = i + 1;
	}
	dst[last] = 0;
}

uint8_t acpi_checksum(const uint8_t *p, uint32_t len)
{
	uint8_t s = 0;
	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

const char *acpi_status_name(enum acpi_table_status s)
{
	switch (s) {
	case ACPI_TABLE_OK: return "ok";
	case ACPI_TABLE_UNREADABLE: return "unreadable";
	case ACPI_TABLE_BAD_LENGTH: return "bad length";
	case ACPI_TABLE_BAD_CHECKSUM: return "BAD checksum";
	case ACPI_TABLE_BAD_SIGNATURE: return "wrong signature";
	case ACPI_TABLE_NULL: return "null pointer";
	}
	return "?";
}

static struct acpi_gas rd_gas(const uint8_t *p)
{
	struct acpi_gas g;
	g.space = p[0];
	g.bit_width = p[1];
	g.bit_offset = p[2];
	g.access_size = p[3];
	g.address = rd64(p + 4);
	return g;
}

/* Fixed part a table needs before any of its fields is read. */
static uint32_t min_length(const uint8_t *sig)
{
	if (same4(sig, "FACP"))
		return 44;  /* through the DSDT pointer (fields beyond: absent) */
	if (same4(sig, "MCFG") || same4(sig, "APIC"))
		return 44;
	if (same4(sig, "HPET"))
		return 56;
	return HDR_LEN;
}

struct parse {
	acpi_map_fn map;
	void *ctx;
	struct acpi_info *info;
};

/*
 * Reads and validates the table at phys; records it in info->tables.
 * expect: required signature or NULL. Returns the table bytes (length in
 * *len) only when it is fully valid.
 */
static const uint8_t *load(struct parse *ps, uint64_t phys, const char *expect, uint32_t *len)
{
	struct acpi_info *info = ps->info;
	if (info->ntables >= ACPI_MAX_TABLES) {
		info->ndropped++;
		return NULL;
	}
	struct acpi_table *t = &info->tables[info->ntables++];
	zero(t, sizeof(*t));
	t->phys = phys;
	copy_id(t->sig, (const uint8_t *)"????", 4);
	if (phys == 0) {
		t->status = ACPI_TABLE_NULL;
		info->nbad++;
		return NULL;
	}
	const uint8_t *h = ps->map(ps->ctx, phys, HDR_LEN);
	if (!h) {
		t->status = ACPI_TABLE_UNREADABLE;
		info->nbad++;
		return NULL;
	}
	copy_id(t->sig, h, 4);
	copy_id(t->oem, h + 10, 6);
	t->length = rd32(h + 4);
	t->revision = h[8];
	if (expect && !same4(h, expect)) {
		t->status = ACPI_TABLE_BAD_SIGNATURE;
		info->nbad++;
		return NULL;
	}
	if (t->length < min_length(h) || t->length > ACPI_TABLE_MAX_LEN) {
		t->status = ACPI_TABLE_BAD_LENGTH;
		info->nbad++;
		return NULL;
	}
	const uint8_t *p = ps->map(ps->ctx, phys, t->length);
	if (!p) {
		t->status = ACPI_TABLE_UNREADABLE;
		info->nbad++;
		return NULL;
	}
	if (acpi_checksum(p, t->length) != 0) {
		t->status = ACPI_TABLE_BAD_CHECKSUM;
		info->nbad++;
		return NULL;
	}
	*len = t->length;
	return p;
}

/* One AML integer constant usable as a sleep type (0..7); returns its
 * encoded size or -1. */
static int aml_sleep_type(const uint8_t *p, const uint8_t *end, uint8_t *val)
{
	uint32_t v;
	int n;
	if (p >= end)
		return -1;
	switch (*p) {
	case 0x00: v = 0; n = 1; break;
	case 0x01: v = 1; n = 1; break;
	case 0x0A: if (end - p < 2) return -1; v = p[1]; n = 2; break;
	case 0x0B: if (end - p < 3) return -1; v = rd16(p + 1); n = 3; break;
	case 0x0C: if (end - p < 5) return -1; v = rd32(p + 1); n = 5; break;
	default: return -1;
	}
	if (v > 7)
		return -1;
	*val = (uint8_t)v;
	return n;
}

int acpi_find_s5(const uint8_t *aml, uint32_t len, uint8_t *typ_a, uint8_t *typ_b)
{
	const uint8_t *end = aml + len;
	for (uint32_t i = 1; i + 5 < len; i++) {
		const uint8_t *p = aml + i;
		if (!same4(p, "_S5_") || p[4] != 0x12)
			continue;
		/* NameOp _S5_ or NameOp \_S5_ */
		if (!(p[-1] == 0x08 || (p[-1] == '\\' && i >= 2 && p[-2] == 0x08)))
			continue;
		const uint8_t *q = p + 5;
		unsigned follow = (unsigned)(*q >> 6); /* PkgLength: bytes after the lead */
		q += 1 + follow;
		if (q >= end)
			return -1;
		unsigned count = *q++;
		if (count < 1)
			return -1;
		int n = aml_sleep_type(q, end, typ_a);
		if (n < 0)
			return -1;
		q += n;
		if (count < 2 || aml_sleep_type(q, end, typ_b) < 0)
			*typ_b = *typ_a;
		return 0;
	}
	return -1;
}

static void parse_fadt(struct parse *ps, const uint8_t *f, uint32_t len)
{
	struct acpi_info *info = ps->info;
#define HAS(off, size) ((uint32_t)(off) + (uint32_t)(size) <= len)
	info->have_fadt = true;
	info->fadt_revision = f[8];
	info->fadt_flags = HAS(112, 4) ? rd32(f + 112) : 0;
	info->hw_reduced = (info->fadt_flags & ACPI_FADT_HW_REDUCED) != 0;
	uint64_t xdsdt = HAS(140, 8) ? rd64(f + 140) : 0;
	info->dsdt_phys = xdsdt ? xdsdt : rd32(f + 40);
	info->smi_cmd = HAS(48, 4) ? rd32(f + 48) : 0;
	info->acpi_enable = HAS(52, 1) ? f[52] : 0;

	/* PM timer: X_PM_TMR_BLK when it has an I/O or memory address, else
	 * the 32-bit I/O port PM_TMR_BLK with PM_TMR_LEN 4. */
	struct acpi_gas g = { 0 };
	if (HAS(208, 12))
		g = rd_gas(f + 208);
	if (g.address && (g.space == ACPI_GAS_IO || g.space == ACPI_GAS_MEMORY)) {
		info->pm_timer = g;
	} else if (HAS(92, 0) && rd32(f + 76) && f[91] == 4) {
		info->pm_timer.space = ACPI_GAS_IO;
		info->pm_timer.bit_width = 32;
		info->pm_timer.address = rd32(f + 76);
	}
	info->pm_timer_32bit = (info->fadt_flags & ACPI_FADT_TMR_VAL_EXT) != 0;

	/* PM1a/PM1b control: X_ blocks when set, else the 32-bit ports. */
	for (int b = 0; b < 2; b++) {
		struct acpi_gas *dst = b ? &info->pm1b_cnt : &info->pm1a_cnt;
		struct acpi_gas x = { 0 };
		if (HAS(172 + 12 * b, 12))
			x = rd_gas(f + 172 + 12 * b);
		if (x.address && (x.space == ACPI_GAS_IO || x.space == ACPI_GAS_MEMORY)) {
			*dst = x;
		} else if (HAS(68 + 4 * b, 0) && rd32(f + 64 + 4 * b)) {
			dst->space = ACPI_GAS_IO;
			dst->bit_width = 16;
			dst->address = rd32(f + 64 + 4 * b);
		}
	}
	if (HAS(129, 0)) {
		info->reset_reg = rd_gas(f + 116);
		info->reset_value = f[128];
	}
	info->reset_supported = (info->fadt_flags & ACPI_FADT_RESET_REG_SUP) && info->reset_reg.address;
	if (HAS(244, 12))
		info->sleep_control = rd_gas(f + 244);
	if (HAS(256, 12))
		info->sleep_status = rd_gas(f + 256);
#undef HAS
}

static void parse_mcfg(struct acpi_info *info, const uint8_t *t, uint32_t len)
{
	info->have_mcfg = true;
	for (uint32_t off = 44; off + 16 <= len; off += 16) {
		const uint8_t *e = t + off;
		uint64_t base = rd64(e);
		uint8_t start = e[10], end = e[11];
		/* ECAM of bus N is at base + N MiB; the whole range must be a
		 * plausible, page-aligned physical range (52-bit). */
		uint64_t top = base + ((uint64_t)end + 1) * (1u << 20);
		if (base == 0 || (base & 0xFFF) || start > end || top < base || top > (1ull << 52) ||
		    info->nmcfg >= ACPI_MAX_MCFG) {
			info->mcfg_rejected++;
			continue;
		}
		struct acpi_mcfg_entry *m = &info->mcfg[info->nmcfg++];
		m->base = base;
		m->segment = rd16(e + 8);
		m->bus_start = start;
		m->bus_end = end;
	}
}

static void add_cpu(struct acpi_info *info, uint32_t apic_id, uint32_t uid, bool x2)
{
	for (int i = 0; i < info->ncpus; i++)
		if (info->cpus[i].apic_id == apic_id)
			return; /* listed in a LAPIC and an x2APIC entry */
	if (info->ncpus >= ACPI_MAX_CPUS) {
		info->cpus_dropped++;
		return;
	}
	struct acpi_cpu *c = &info->cpus[info->ncpus++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->x2apic = x2;
	if (apic_id > info->max_apic_id)
		info->max_apic_id = apic_id;
}

static void parse_madt(struct acpi_info *info, const uint8_t *t, uint32_t len)
{
	info->have_madt = true;
	info->lapic_address = rd32(t + 36);
	for (uint32_t off = 44; off + 2 <= len;) {
		const uint8_t *e = t + off;
		uint8_t type = e[0], elen = e[1];
		if (elen < 2 || off + elen > len)
			break; /* malformed entry: the rest cannot be framed */
		if (type == 0 && elen >= 8) {
			uint32_t flags = rd32(e + 4);
			if (flags & 3) /* enabled or online capable */
				add_cpu(info, e[3], e[2], false);
		} else if (type == 9 && elen >= 16) {
			uint32_t flags = rd32(e + 8);
			if (flags & 3)
				add_cpu(info, rd32(e + 4), rd32(e + 12), true);
		} else if (type == 1 && elen >= 12 && info->nioapics < ACPI_MAX_IOAPICS) {
			struct acpi_ioapic *io = &info->ioapics[info->nioapics++];
			io->id = e[2];
			io->address = rd32(e + 4);
			io->gsi_base = rd32(e + 8);
		} else if (type == 5 && elen >= 12) {
			info->lapic_address = rd64(e + 4);
		}
		off += elen;
	}
}

static void parse_hpet(struct acpi_info *info, const uint8_t *t)
{
	struct acpi_gas g = rd_gas(t + 40);
	if (g.space != ACPI_GAS_MEMORY || g.address == 0 || (g.address & 0x3FF))
		return; /* listed as a table, not usable as a timer */
	info->have_hpet = true;
	info->hpet_base = g.address;
	info->hpet_number = t[52];
	info->hpet_min_tick = rd16(t + 53);
}

int acpi_parse(const uint8_t *rsdp, uint32_t rsdp_len, acpi_map_fn map, void *ctx,
	       struct acpi_info *info)
{
	zero(info, sizeof(*info));
	struct parse ps = { map, ctx, info };
	if (!rsdp || rsdp_len < 20) {
		info->rsdp_problem = "no RSDP";
		return -1;
	}
	static const char sig[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
	for (int i = 0; i < 8; i++)
		if (rsdp[i] != (uint8_t)sig[i]) {
			info->rsdp_problem = "RSDP signature is not \"RSD PTR \"";
			return -1;
		}
	if (acpi_checksum(rsdp, 20) != 0) {
		info->rsdp_problem = "RSDP checksum is bad";
		return -1;
	}
	info->rsdp_ok = true;
	info->rsdp_revision = rsdp[15];
	copy_id(info->rsdp_oem, rsdp + 9, 6);
	uint32_t rsdt = rd32(rsdp + 16);
	uint64_t xsdt = 0;
	if (rsdp[15] >= 2 && rsdp_len >= 36 && rd32(rsdp + 20) == 36 && acpi_checksum(rsdp, 36) == 0)
		xsdt = rd64(rsdp + 24);

	const uint8_t *root = NULL;
	uint32_t root_len = 0;
	if (xsdt) {
		root = load(&ps, xsdt, "XSDT", &root_len);
		if (root) {
			info->root_phys = xsdt;
			info->root_is_xsdt = true;
		} else {
			info->xsdt_fell_back = rsdt != 0;
		}
	}
	if (!root && rsdt) {
		root = load(&ps, rsdt, "RSDT", &root_len);
		if (root)
			info->root_phys = rsdt;
	}
	if (!root)
		return 0; /* RSDP fine, no usable root table: recorded above */

	uint32_t esize = info->root_is_xsdt ? 8 : 4;
	uint32_t n = (root_len - HDR_LEN) / esize;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = root + HDR_LEN + i * esize;
		uint64_t phys = esize == 8 ? rd64(e) : rd32(e);
		uint32_t len = 0;
		const uint8_t *t = load(&ps, phys, NULL, &len);
		if (!t)
			continue;
		if (same4(t, "FACP") && !info->have_fadt)
			parse_fadt(&ps, t, len);
		else if (same4(t, "MCFG") && !info->have_mcfg)
			parse_mcfg(info, t, len);
		else if (same4(t, "APIC") && !info->have_madt)
			parse_madt(info, t, len);
		else if (same4(t, "HPET") && !info->have_hpet)
			parse_hpet(info, t);
	}
	if (info->have_fadt && info->dsdt_phys) {
		uint32_t len = 0;
		const uint8_t *d = load(&ps, info->dsdt_phys, "DSDT", &len);
		if (d && acpi_find_s5(d + HDR_LEN, len - HDR_LEN, &info->s5_typ_a, &info->s5_typ_b) == 0)
			info->have_s5 = true;
	}
	return 0;
}

static bool gas_writable(const struct acpi_gas *g)
{
	return g->address && (g->space == ACPI_GAS_IO || g->space == ACPI_GAS_MEMORY) &&
	       (g->space != ACPI_GAS_IO || g->address <= 0xFFFF);
}

void acpi_poweroff_plan(const struct acpi_info *info, struct acpi_poweroff_plan *plan)
{
	zero(plan, sizeof(*plan));
	plan->kind = ACPI_POWEROFF_NONE;
	if (!info || !info->have_fadt) {
		plan->why_not = "no FADT";
		return;
	}
	if (!info->have_s5) {
		plan->why_not = "no \\_S5 package in the DSDT";
		return;
	}
	if (info->hw_reduced) {
		if (!gas_writable(&info->sleep_control)) {
			plan->why_not = "hardware-reduced ACPI without a usable sleep control register";
			return;
		}
		plan->kind = ACPI_POWEROFF_SLEEP_CTRL;
		plan->reg_a = info->sleep_control;
		plan->value_a = (uint16_t)(((info->s5_typ_a & 7u) << 2) | (1u << 5));
		return;
	}
	if (!gas_writable(&info->pm1a_cnt)) {
		plan->why_not = "no usable PM1a control block";
		return;
	}
	plan->kind = ACPI_POWEROFF_PM1;
	plan->reg_a = info->pm1a_cnt;
	plan->value_a = (uint16_t)(((info->s5_typ_a & 7u) << 10) | (1u << 13));
	if (gas_writable(&info->pm1b_cnt)) {
		plan->reg_b = info->pm1b_cnt;
		plan->value_b = (uint16_t)(((info->s5_typ_b & 7u) << 10) | (1u << 13));
	}
}

bool acpi_reset_usable(const struct acpi_info *info, const char **why)
{
	const char *w = NULL;
	if (!info || !info->have_fadt)
		w = "no FADT";
	else if (!(info->fadt_flags & ACPI_FADT_RESET_REG_SUP))
		w = "FADT says the reset register is not supported";
	else if (!gas_writable(&info->reset_reg))
		w = "reset register is not in I/O or memory space";
	else if (info->reset_reg.bit_offset != 0 ||
		 (info->reset_reg.bit_width != 8 && info->reset_reg.bit_width != 0))
		w = "reset register is not an 8-bit register at bit offset 0";
	if (why)
		*why = w;
	return w == NULL;
}
