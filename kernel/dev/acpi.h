/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * acpi.h - ACPI static tables: RSDP, RSDT/XSDT, FADT, DSDT (\_S5 only),
 * MCFG, MADT, HPET (ACPI 6.5 chapter 5; the references are in acpi_parse.c).
 *
 * Two halves:
 *   acpi_parse()  pure: walks the tables through a caller-supplied map()
 *                 callback (physical address -> readable bytes) and fills a
 *                 struct acpi_info. No kernel calls, no globals, no libc: the
 *                 host unit tests (tests/kunit) run it on hand-built tables.
 *   acpi_init()   kernel: runs acpi_parse() on the RSDP the Multiboot2 loader
 *                 gave (tag 15 "ACPI new" preferred over tag 14 "ACPI old"),
 *                 mapping table memory with vmm, keeps the result for
 *                 acpi_get() and prints one line per rejected table.
 *
 * Nothing is trusted: every table's header length (>= 36, <= a cap, and
 * >= the fixed part its signature needs) and its checksum are checked before
 * any field is read; a table that fails is recorded with the reason and never
 * followed. A field beyond a (valid but short, older-revision) table's length
 * reads as absent. Lists are bounded by the ACPI_MAX_* constants below.
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#define ACPI_MAX_TABLES 64     /* tables listed (RSDT/XSDT entries + root + DSDT) */
#define ACPI_MAX_MCFG 16       /* MCFG allocations kept */
#define ACPI_MAX_CPUS 256      /* MADT processor entries kept */
#define ACPI_MAX_IOAPICS 16
#define ACPI_TABLE_MAX_LEN (4u << 20) /* longer tables are refused (DSDTs are < 1 MiB) */

/* Generic Address Structure (ACPI 6.5 section 5.2.3.2). */
#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO 1
#define ACPI_GAS_PCI_CONFIG 2
struct acpi_gas {
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t address; /* 0: not present */
};

enum acpi_table_status {
	ACPI_TABLE_OK = 0,
	ACPI_TABLE_UNREADABLE,   /* map() refused the address or the length */
	ACPI_TABLE_BAD_LENGTH,   /* header length < 36, > cap, or too short for its type */
	ACPI_TABLE_BAD_CHECKSUM,
	ACPI_TABLE_BAD_SIGNATURE, /* DSDT pointer to something that is no DSDT, ... */
	ACPI_TABLE_NULL,         /* a zero pointer in the RSDT/XSDT */
};

struct acpi_table {
	char sig[5];        /* NUL-terminated; "????" when unreadable */
	char oem[7];
	uint64_t phys;
	uint32_t length;    /* from the header (0 when unreadable) */
	uint8_t revision;
	enum acpi_table_status status;
};

struct acpi_mcfg_entry {
	uint64_t base;       /* ECAM base of bus 0 of this segment (even if bus_start > 0) */
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

struct acpi_cpu {
	uint32_t apic_id;
	uint32_t uid;
	bool x2apic;         /* from a type 9 (x2APIC) entry */
};

struct acpi_ioapic {
	uint32_t id, address, gsi_base;
};

/* FADT flags (ACPI 6.5 table 5.10) */
#define ACPI_FADT_TMR_VAL_EXT (1u << 8)
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED (1u << 20)

struct acpi_info {
	/* RSDP */
	bool rsdp_ok;                 /* signature and checksum(s) good */
	const char *rsdp_problem;     /* why not, when !rsdp_ok */
	uint8_t rsdp_revision;
	char rsdp_oem[7];
	uint64_t root_phys;           /* the root table used (XSDT or RSDT) */
	bool root_is_xsdt;
	bool xsdt_fell_back;          /* XSDT was bad, the RSDT was used */

	struct acpi_table tables[ACPI_MAX_TABLES];
	int ntables;
	int nbad;                     /* tables with status != OK */
	int ndropped;                 /* root-table entries beyond ACPI_MAX_TABLES */

	/* FADT */
	bool have_fadt;
	uint8_t fadt_revision;
	uint32_t fadt_flags;
	bool hw_reduced;
	uint64_t dsdt_phys;           /* X_DSDT if nonzero, else DSDT */
	struct acpi_gas pm_timer;     /* X_PM_TMR_BLK if usable, else PM_TMR_BLK (I/O) */
	bool pm_timer_32bit;          /* TMR_VAL_EXT: 32-bit counter, else 24 */
	struct acpi_gas pm1a_cnt, pm1b_cnt;
	bool reset_supported;         /* RESET_REG_SUP and a register address */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	struct acpi_gas sleep_control, sleep_status; /* hardware-reduced ACPI */
	uint32_t smi_cmd;
	uint8_t acpi_enable;

	/* \_S5 from the DSDT */
	bool have_s5;
	uint8_t s5_typ_a, s5_typ_b;

	/* MCFG */
	bool have_mcfg;
	struct acpi_mcfg_entry mcfg[ACPI_MAX_MCFG];
	int nmcfg;
	int mcfg_rejected;            /* entries dropped (start > end, base 0, too many) */

	/* MADT */
	bool have_madt;
	uint64_t lapic_address;
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	int ncpus;                    /* enabled or online-capable processors kept */
	int cpus_dropped;
	uint32_t max_apic_id;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	int nioapics;

	/* HPET */
	bool have_hpet;
	uint64_t hpet_base;           /* system memory address, 0: none usable */
	uint8_t hpet_number;
	uint16_t hpet_min_tick;
};

/*
 * map(ctx, phys, len) returns a pointer to len readable bytes at physical
 * address phys, or NULL if that range cannot be read (not memory, beyond the
 * buffer, ...). Pointers stay valid until acpi_parse() returns.
 *
 * rsdp/rsdp_len: the RSDP bytes as the loader copied them (20 for ACPI 1.0,
 * 36 for 2.0+). Returns 0 when the RSDP was usable (individual tables may
 * still be bad: see info->tables[i].status), -1 when there is no usable RSDP.
 * info is fully overwritten.
 */
typedef const uint8_t *(*acpi_map_fn)(void *ctx, uint64_t phys, uint32_t len);
int acpi_parse(const uint8_t *rsdp, uint32_t rsdp_len, acpi_map_fn map, void *ctx,
	       struct acpi_info *info);

/* Sums len bytes mod 256 (a table is valid when this is 0). */
uint8_t acpi_checksum(const uint8_t *p, uint32_t len);
const char *acpi_status_name(enum acpi_table_status s);
/* Finds \_S5 in AML (DSDT body) and returns its SLP_TYPa/b; 0 if found. */
int acpi_find_s5(const uint8_t *aml, uint32_t len, uint8_t *typ_a, uint8_t *typ_b);

/*
 * Power-off plan (pure, so it can be tested): which register writes put the
 * machine into S5 according to info. kind NONE when the tables give no way.
 */
enum acpi_poweroff_kind { ACPI_POWEROFF_NONE, ACPI_POWEROFF_SLEEP_CTRL, ACPI_POWEROFF_PM1 };
struct acpi_poweroff_plan {
	enum acpi_poweroff_kind kind;
	const char *why_not;          /* for NONE */
	struct acpi_gas reg_a, reg_b; /* reg_b.address 0: no second write */
	uint16_t value_a, value_b;
};
void acpi_poweroff_plan(const struct acpi_info *info, struct acpi_poweroff_plan *plan);

/* Reset register check (pure): true if info's reset register can be used,
 * else false with *why set. */
bool acpi_reset_usable(const struct acpi_info *info, const char **why);

/* ---- kernel side (acpi.c) ---- */
void acpi_init(void);
/* The parsed tables, or NULL when the loader gave no RSDP or it was bad. */
const struct acpi_info *acpi_get(void);
/* Writes value to a GAS register (I/O or memory space, 8/16/32 bits);
 * -1 if the register is not usable. */
int acpi_gas_write(const struct acpi_gas *g, uint32_t value);
/* Reads a GAS register; -1 if not usable. */
int acpi_gas_read(const struct acpi_gas *g, uint32_t *value);

#endif
