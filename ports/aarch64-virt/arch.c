/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch.c - the aarch64 side of the virt port: PL011 console, generic timer,
 * MMU with identity-mapped RAM (Normal write-back) and MMIO (Device-nGnRE),
 * exception reporting, and the exit (semihosting, or PSCI SYSTEM_OFF).
 *
 * Addresses come from the DTB: /memory, the "arm,pl011" node that
 * /chosen/stdout-path names (or the first one), /psci's method; PCIe MMIO is mapped on demand
 * (arch_map_mmio) when the shared code asks for ECAM or BAR0.
 *
 * Memory types: MAIR attribute 0 Device-nGnRE (MMIO: no gathering, no
 * reordering, early write acknowledgement allowed, as PCIe posted writes
 * are), attribute 1 Normal inner/outer write-back read/write-allocate (RAM,
 * inner shareable). The driver's barriers (nvme_arch.h: dmb oshst before a
 * doorbell, dmb oshld after a CQE's phase tag) are what orders Normal-memory
 * queue entries against Device-memory doorbells; with the MMU off every access
 * would be Device-nGnRnE and those barriers would never be tested.
 */
#include "port.h"

const char arch_name[] = "aarch64-virt";

/* ------------------------------------------------------------- console */

#define PL011_DR   0x00
#define PL011_FR   0x18
#define PL011_FR_TXFF (1u << 5)
/* Spins waiting for room in the UART FIFO before a byte is dropped. */
#define UART_TX_SPIN_MAX 1000000u

static volatile uint32_t *uart;

void arch_putc(char c)
{
	if (uart == NULL)
		return;
	for (uint32_t i = 0; i < UART_TX_SPIN_MAX; i++) {
		if ((uart[PL011_FR / 4] & PL011_FR_TXFF) == 0) {
			uart[PL011_DR / 4] = (uint8_t)c;
			return;
		}
	}
}

/* --------------------------------------------------------------- timer */

static uint64_t tick_hz;

uint64_t arch_ticks(void)
{
	uint64_t v;
	/* isb: the counter read is not taken early, before the code it times */
	__asm__ __volatile__("isb; mrs %0, cntpct_el0" : "=r"(v) : : "memory");
	return v;
}

uint64_t arch_tick_hz(void)
{
	return tick_hz;
}

/* ---------------------------------------------------------------- exit */

static bool psci_smc;          /* /psci method "smc" (else "hvc") */
static volatile bool in_semihosting;

#define PSCI_SYSTEM_OFF 0x84000008u
#define SEMIHOST_SYS_EXIT 0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static __attribute__((noreturn)) void psci_off(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
	if (psci_smc)
		__asm__ __volatile__("smc #0" : "+r"(x0) : : "memory");
	else
		__asm__ __volatile__("hvc #0" : "+r"(x0) : : "memory");
	for (;;)
		__asm__ __volatile__("wfe");
}

/*
 * The exit status reaches the host through semihosting SYS_EXIT (QEMU
 * -semihosting): on A64 it takes a block {reason, subcode} and QEMU exits
 * with the subcode. Without -semihosting the HLT is an undefined instruction:
 * the exception handler sees in_semihosting and powers off through PSCI
 * instead (QEMU then exits 0; the console's RESULT line still tells).
 */
void arch_exit(int code)
{
	port_printf("EXIT %d\n", code);
	static uint64_t block[2];
	block[0] = ADP_STOPPED_APPLICATION_EXIT;
	block[1] = (uint64_t)(uint32_t)code;
	in_semihosting = true;
	register uint64_t x0 __asm__("x0") = SEMIHOST_SYS_EXIT;
	register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;
	__asm__ __volatile__("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	psci_off();
}

void arch_exception(uint64_t kind, uint64_t *frame);
void arch_exception(uint64_t kind, uint64_t *frame)
{
	uint64_t esr, elr, far;
	__asm__ __volatile__("mrs %0, esr_el1" : "=r"(esr));
	__asm__ __volatile__("mrs %0, elr_el1" : "=r"(elr));
	__asm__ __volatile__("mrs %0, far_el1" : "=r"(far));
	if (in_semihosting) {
		port_printf("(no semihosting: powering off through PSCI, exit status lost)\n");
		psci_off();
	}
	in_semihosting = true; /* a fault while exiting must not loop */
	port_printf("FATAL: exception %lu (ESR 0x%lx EC 0x%lx, ELR 0x%lx, FAR 0x%lx, x30 0x%lx)\n", kind,
		    esr, (esr >> 26) & 0x3fu, elr, far, frame[19]);
	arch_exit(3);
}

/* ----------------------------------------------------------------- MMU */

#define PT_ENTRIES     512u
/* Translation tables: one L0, and L1/L2/L3 tables taken as needed. */
#define PT_POOL_PAGES  64u

#define PTE_VALID      (1ull << 0)
#define PTE_TABLE      (1ull << 1)   /* at L0-L2: next-level table; at L3: page */
#define PTE_ATTR(i)    ((uint64_t)(i) << 2)
#define PTE_SH_INNER   (3ull << 8)
#define PTE_AF         (1ull << 10)
#define PTE_PXN        (1ull << 53)
#define PTE_UXN        (1ull << 54)
#define PTE_ADDR_MASK  0x0000fffffffff000ull

#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1
#define MAIR_DEVICE_nGnRE 0x04ull
#define MAIR_NORMAL_WB    0xffull    /* inner and outer write-back, RW-allocate */

#define ATTR_DEVICE (PTE_ATTR(MAIR_IDX_DEVICE) | PTE_AF | PTE_PXN | PTE_UXN)
#define ATTR_NORMAL (PTE_ATTR(MAIR_IDX_NORMAL) | PTE_AF | PTE_SH_INNER)
#define ATTR_MASK   (PTE_ATTR(7) | PTE_AF | PTE_SH_INNER | PTE_PXN | PTE_UXN)

static uint64_t pt_pool[PT_POOL_PAGES][PT_ENTRIES] __attribute__((aligned(4096)));
static unsigned pt_used;
static uint64_t *pt_l0;
static bool mmu_on;
static uint64_t pa_limit;      /* 1 << PARange bits */

static uint64_t *pt_new(void)
{
	if (pt_used == PT_POOL_PAGES)
		return NULL;
	return pt_pool[pt_used++]; /* zeroed: BSS */
}

/* Map [pa, pa + size) at the same virtual address with attrs, using the
 * largest blocks that fit (1 GiB at L1, 2 MiB at L2, 4 KiB pages at L3).
 * A part already mapped with the same attributes is kept; a conflict fails. */
static int map_range(uint64_t pa, uint64_t size, uint64_t attrs)
{
	uint64_t end = pa + size;
	pa &= ~0xfffull;
	end = (end + 0xfffu) & ~0xfffull;
	if (end < pa || end > pa_limit)
		return -1;
	while (pa < end) {
		uint64_t *t = pt_l0;
		for (unsigned level = 0; level <= 3; level++) {
			unsigned shift = 39 - 9 * level;
			uint64_t blk = 1ull << shift;
			uint64_t *e = &t[(pa >> shift) & (PT_ENTRIES - 1)];
			bool can_block = level >= 1 && (pa & (blk - 1)) == 0 && end - pa >= blk;
			if (*e & PTE_VALID) {
				bool table = level < 3 && (*e & PTE_TABLE);
				if (!table) {
					/* a block or page already there */
					if ((*e & ATTR_MASK) != attrs)
						return -1;
					pa = (pa & ~(blk - 1)) + blk;
					break;
				}
				t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK);
				continue;
			}
			if (can_block || level == 3) {
				*e = pa | attrs | PTE_VALID | (level == 3 ? PTE_TABLE : 0);
				pa += blk;
				break;
			}
			uint64_t *n = pt_new();
			if (n == NULL)
				return -1;
			*e = (uint64_t)(uintptr_t)n | PTE_TABLE | PTE_VALID;
			t = n;
		}
	}
	if (mmu_on) {
		/* new entries (invalid before): make the table stores visible
		 * to the walker, then drop anything cached */
		__asm__ __volatile__("dsb ishst; tlbi vmalle1; dsb ish; isb" ::: "memory");
	}
	return 0;
}

volatile void *arch_map_mmio(uint64_t phys, uint64_t size)
{
	if (size == 0 || phys + size < phys || map_range(phys, size, ATTR_DEVICE) != 0)
		return NULL;
	return (volatile void *)(uintptr_t)phys;
}

static void mmu_enable(uint64_t ram_start, uint64_t ram_size)
{
	uint64_t mmfr0;
	__asm__ __volatile__("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	static const uint8_t pa_bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned parange = mmfr0 & 0xfu;
	if (parange > 5)
		parange = 5; /* 48-bit tables: 52-bit output needs LPA */
	pa_limit = 1ull << pa_bits[parange];

	pt_l0 = pt_new();
	if (map_range(ram_start, ram_size, ATTR_NORMAL) != 0)
		port_fatal("cannot map RAM 0x%lx+0x%lx", ram_start, ram_size);
	uint64_t uart_pa = (uint64_t)(uintptr_t)uart;
	if (uart_pa && map_range(uart_pa, 0x1000, ATTR_DEVICE) != 0)
		port_fatal("cannot map the UART");

	uint64_t mair = MAIR_DEVICE_nGnRE << (8 * MAIR_IDX_DEVICE) | MAIR_NORMAL_WB << (8 * MAIR_IDX_NORMAL);
	/* T0SZ 16 (48-bit VA, walk from L0), 4 KiB granule, table walks
	 * inner/outer WB and inner shareable, TTBR1 walks off (EPD1), IPS
	 * from PARange. */
	uint64_t tcr = 16u | (1u << 8) | (1u << 10) | (3u << 12) | (0u << 14) | (1u << 23) |
		       ((uint64_t)parange << 32);
	/* The tables were written with the MMU and caches off (straight to
	 * memory); clean+invalidate their lines so no stale cache line can
	 * shadow them once walks are cacheable. */
	uint64_t ctr;
	__asm__ __volatile__("mrs %0, ctr_el0" : "=r"(ctr));
	uint64_t line = 4u << ((ctr >> 16) & 0xfu);
	for (uint64_t a = (uint64_t)(uintptr_t)pt_pool; a < (uint64_t)(uintptr_t)(pt_pool + pt_used); a += line)
		__asm__ __volatile__("dc civac, %0" : : "r"(a) : "memory");
	__asm__ __volatile__(
		"dsb sy\n"
		"msr mair_el1, %0\n"
		"msr tcr_el1, %1\n"
		"msr ttbr0_el1, %2\n"
		"isb\n"
		"tlbi vmalle1\n"
		"dsb ish\n"
		"isb\n"
		: : "r"(mair), "r"(tcr), "r"((uint64_t)(uintptr_t)pt_l0) : "memory");
	uint64_t sctlr;
	__asm__ __volatile__("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= (1u << 0) | (1u << 2) | (1u << 12);   /* M, C, I */
	sctlr &= ~(uint64_t)((1u << 1) | (1u << 19));  /* no alignment faults, WXN off */
	__asm__ __volatile__("msr sctlr_el1, %0; isb" : : "r"(sctlr) : "memory");
	mmu_on = true;
}

/* ---------------------------------------------------------------- entry */

void arch_entry(const void *dtb, uint64_t entry_el);
void arch_entry(const void *dtb, uint64_t entry_el)
{
	port_fdt_init(dtb);
	const struct fdt *f = port_fdt();
	struct fdt_node n;
	uint64_t a, s;
	if (fdt_find_stdout(f, "arm,pl011", &n) && fdt_reg(f, &n, 0, &a, &s))
		uart = (volatile uint32_t *)(uintptr_t)a;
	if (fdt_find_compatible(f, "arm,psci-0.2", &n) || fdt_find_compatible(f, "arm,psci", &n)) {
		const char *m = fdt_prop_str(f, &n, "method");
		psci_smc = m != NULL && strcmp(m, "smc") == 0;
	}
	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(tick_hz));
	if (tick_hz == 0)
		port_fatal("CNTFRQ_EL0 is 0: the generic timer frequency is unknown");

	/* RAM: the /memory range holding this program */
	struct fdt_iter it;
	uint64_t img = (uint64_t)(uintptr_t)_image_start, ram = 0, ram_size = 0;
	fdt_iter_init(&it);
	while (ram_size == 0 && fdt_iter_next(f, &it, &n, NULL)) {
		const char *t = fdt_prop_str(f, &n, "device_type");
		for (uint32_t i = 0; t && strcmp(t, "memory") == 0 && fdt_reg(f, &n, i, &a, &s); i++)
			if (img >= a && img - a < s) {
				ram = a;
				ram_size = s;
			}
	}
	if (ram_size == 0)
		port_fatal("no /memory range in the DTB holds this program");
	mmu_enable(ram, ram_size);
	port_printf("\naarch64: entered at EL%lu%s, running at EL1 with the MMU on; PSCI conduit %s\n",
		    entry_el, entry_el == 2 ? " (dropped to EL1)" : "", psci_smc ? "smc" : "hvc");
	port_main(dtb);
}
