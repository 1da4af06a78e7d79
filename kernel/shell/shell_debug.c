/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_debug.c - low-level diagnostics: MMIO access, forced faults, IRQ self-test. */
#include "shell.h"
#include "console.h"
#include "cpu.h"
#include "idt.h"
#include "time.h"
#include "vmm.h"
#include "kstring.h"

static int cmd_mmio(int argc, char **argv)
{
	if (argc < 3)
		return shell_usage_error("expected r32|w32 ADDR");
	uint64_t addr, arg = 1;
	int rc = shell_arg_u64("ADDR", argv[2], &addr);
	if (rc)
		return rc;
	if (addr & 3)
		return shell_usage_error("ADDR must be 4-byte aligned");
	bool write = strcmp(argv[1], "w32") == 0;
	if (!write && strcmp(argv[1], "r32") != 0)
		return shell_usage_error("unknown access '%s' (r32 or w32)", argv[1]);
	if (argc > 4 || (write && argc != 4))
		return shell_usage_error(write ? "w32 needs ADDR VALUE" : "r32 takes ADDR [COUNT]");
	if (argc == 4 && (rc = shell_arg_u64(write ? "VALUE" : "COUNT", argv[3], &arg)))
		return rc;
	if (write && arg > 0xFFFFFFFFull)
		return shell_usage_error("VALUE must fit in 32 bits");
	if (!write && (arg == 0 || arg > 1024))
		return shell_usage_error("COUNT must be 1..1024");
	uint64_t len = write ? 4 : arg * 4;
	volatile uint32_t *p = vmm_map_mmio(addr, len);
	if (!p)
		return shell_error("cannot map 0x%llx", (unsigned long long)addr);
	if (write) {
		p[0] = (uint32_t)arg;
		kprintf("0x%016llx <- 0x%08x\n", (unsigned long long)addr, (uint32_t)arg);
	} else {
		for (uint64_t i = 0; i < arg; i++) {
			if (i % 4 == 0)
				kprintf("%s0x%016llx:", i ? "\n" : "", (unsigned long long)(addr + i * 4));
			kprintf(" %08x", p[i]);
		}
		kprintf("\n");
	}
	return SHELL_OK;
}
SHELL_COMMAND_HELP("mmio", "mmio r32 ADDR [COUNT] | mmio w32 ADDR VALUE",
		   "read/write 32-bit words at a physical address (mapped uncached)",
		   "Maps the address with vmm_map_mmio() (identity, PCD|PWT; works above 4 GiB)\n"
		   "and does 32-bit accesses. The mapping stays in place. Careful: writes go to\n"
		   "hardware as given.",
		   cmd_mmio);

__attribute__((noinline)) static void fault_null(void)
{
	/* Through a volatile so the compiler cannot see the constant. */
	static volatile uintptr_t addr = 16;
	volatile uint64_t *p = (volatile uint64_t *)addr;
	*p = 0x1234;
}

__attribute__((noinline)) static int recurse(int n)
{
	volatile char pad[512];
	pad[0] = (char)n;
	/* The bound is far beyond the 64 KiB stack: the guard page stops us. */
	if (n > 1000000)
		return 0;
	return recurse(n + 1) + pad[0];
}

static int cmd_fault(int argc, char **argv)
{
	if (argc != 2)
		return shell_usage_error("expected KIND");
	const char *k = argv[1];
	if (strcmp(k, "pf") == 0) {
		fault_null();
	} else if (strcmp(k, "pfhigh") == 0) {
		volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)0x7F0000000000ull;
		(void)*p;
	} else if (strcmp(k, "ud") == 0) {
		__asm__ volatile("ud2");
	} else if (strcmp(k, "gp") == 0) {
		/* non-canonical address */
		volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)0x8000000000000000ull;
		(void)*p;
	} else if (strcmp(k, "de") == 0) {
		/* Inline asm: GCC rewrites 1 / x without a division. */
		uint32_t eax = 1, edx = 0, zero = 0;
		__asm__ volatile("divl %2" : "+a"(eax), "+d"(edx) : "r"(zero));
	} else if (strcmp(k, "bp") == 0) {
		__asm__ volatile("int3");
	} else if (strcmp(k, "stack") == 0) {
		return recurse(0);
	} else {
		return shell_usage_error("unknown KIND '%s'", k);
	}
	return shell_error("the fault did not happen");
}
SHELL_COMMAND_HELP("fault", "fault pf|pfhigh|ud|gp|de|bp|stack", "raise a CPU exception (tests the report)",
		   "pf: write near NULL; pfhigh: read unmapped memory; ud: invalid opcode;\n"
		   "gp: non-canonical address; de: divide by zero; bp: int3; stack: overflow\n"
		   "into the guard page (reported via the double-fault stack). The kernel halts\n"
		   "after the report (or exits QEMU with code 125 given onpanic=exit).",
		   cmd_fault);

static volatile int irq_hits;
static void irq_test_handler(void *ctx)
{
	(void)ctx;
	irq_hits++;
}

static int cmd_irqtest(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage_error("no arguments expected");
	if (!lapic_present())
		return shell_error("no local APIC");
	int v = irq_alloc_vector(irq_test_handler, NULL);
	if (v < 0)
		return shell_error("no free interrupt vector");
	irq_hits = 0;
	bool was_on = interrupts_enabled();
	cpu_sti();
	for (int i = 0; i < 3; i++)
		lapic_self_ipi(v);
	uint64_t end = time_now_us() + 100000;
	while (irq_hits < 3 && time_now_us() < end)
		cpu_pause();
	if (!was_on)
		cpu_cli();
	irq_free_vector(v);
	kprintf("vector %d, LAPIC id %u: %d of 3 self-IPIs delivered\n", v, lapic_id(), irq_hits);
	return irq_hits == 3 ? SHELL_OK : shell_error("interrupts were not delivered");
}
SHELL_COMMAND("irqtest", "irqtest", "allocate a vector and deliver self-IPIs through the LAPIC", cmd_irqtest);

static int cmd_progress(int argc, char **argv)
{
	uint64_t n = 50;
	if (argc > 2)
		return shell_usage_error("too many arguments");
	if (argc == 2) {
		int rc = shell_arg_u64("STEPS", argv[1], &n);
		if (rc)
			return rc;
	}
	for (uint64_t i = 0; i <= n; i++) {
		if (console_check_interrupt()) {
			kprintf("\ninterrupted\n");
			return SHELL_ERR;
		}
		console_progress("demo", i, n);
		time_delay_us(2000);
	}
	return SHELL_OK;
}
SHELL_COMMAND("progress", "progress [STEPS]", "show the progress bar (Ctrl-C interrupts)", cmd_progress);
