/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arch.c - the riscv64 side of the virt port, in M-mode (-bios none): 16550
 * console, the time CSR with the DTB's timebase-frequency, the sifive_test
 * device to end the run with a status, and trap reporting.
 *
 * M-mode has no address translation: RAM and MMIO are used at their
 * physical addresses and their attributes (cacheable memory, I/O regions
 * with strong ordering) are the platform's physical memory attributes, so
 * arch_map_mmio() only checks its argument. The driver's fences (nvme_arch.h:
 * "fence w,o" before a doorbell, "fence r,r" after a phase tag) order normal
 * memory against those I/O regions.
 *
 * Addresses come from the DTB: the "ns16550a" node /chosen/stdout-path
 * names, or the first one (reg-shift and reg-io-width honoured), /cpus
 * timebase-frequency, the "sifive,test0" node.
 */
#include "port.h"

const char arch_name[] = "riscv64-virt";

/* ------------------------------------------------------------- console */

#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE (1u << 5)
/* Spins waiting for room in the UART before a byte is dropped. */
#define UART_TX_SPIN_MAX 1000000u

static volatile uint8_t *uart;
static uint32_t uart_shift, uart_width = 1;

static uint32_t uart_read(unsigned reg)
{
	volatile uint8_t *p = uart + (reg << uart_shift);
	return uart_width == 4 ? *(volatile uint32_t *)(volatile void *)p : *p;
}

static void uart_write(unsigned reg, uint32_t v)
{
	volatile uint8_t *p = uart + (reg << uart_shift);
	if (uart_width == 4)
		*(volatile uint32_t *)(volatile void *)p = v;
	else
		*p = (uint8_t)v;
}

void arch_putc(char c)
{
	if (uart == NULL)
		return;
	for (uint32_t i = 0; i < UART_TX_SPIN_MAX; i++) {
		if (uart_read(UART_LSR) & UART_LSR_THRE) {
			uart_write(UART_THR, (uint8_t)c);
			return;
		}
	}
}

/* --------------------------------------------------------------- timer */

static uint64_t tick_hz;

uint64_t arch_ticks(void)
{
	uint64_t v;
	__asm__ __volatile__("rdtime %0" : "=r"(v) : : "memory");
	return v;
}

uint64_t arch_tick_hz(void)
{
	return tick_hz;
}

/* ----------------------------------------------------------------- MMIO */

volatile void *arch_map_mmio(uint64_t phys, uint64_t size)
{
	if (size == 0 || phys + size < phys)
		return NULL;
	return (volatile void *)(uintptr_t)phys;
}

/* ---------------------------------------------------------------- exit */

#define SIFIVE_TEST_PASS 0x5555u
#define SIFIVE_TEST_FAIL 0x3333u
/* How long to wait for QEMU to act on the exit write (spins). */
#define EXIT_SPIN_MAX 100000000u

static volatile uint32_t *sifive_test;

void arch_exit(int code)
{
	port_printf("EXIT %d\n", code);
	if (sifive_test != NULL) {
		uint32_t v = code == 0 ? SIFIVE_TEST_PASS : ((uint32_t)code << 16) | SIFIVE_TEST_FAIL;
		*sifive_test = v;
		for (volatile uint32_t i = 0; i < EXIT_SPIN_MAX; i++)
			;
	}
	port_printf("(no sifive,test0 device: halting)\n");
	for (;;)
		__asm__ __volatile__("wfi");
}

static volatile bool in_trap;

void arch_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval);
void arch_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
	if (in_trap)
		for (;;)
			__asm__ __volatile__("wfi");
	in_trap = true;
	port_printf("FATAL: trap mcause 0x%lx mepc 0x%lx mtval 0x%lx\n", mcause, mepc, mtval);
	arch_exit(3);
}

/* ---------------------------------------------------------------- entry */

void arch_entry(const void *dtb);
void arch_entry(const void *dtb)
{
	port_fdt_init(dtb);
	const struct fdt *f = port_fdt();
	struct fdt_node n;
	uint64_t a, s;
	if (fdt_find_stdout(f, "ns16550a", &n) && fdt_reg(f, &n, 0, &a, &s)) {
		uint32_t v;
		if (fdt_prop_u32(f, &n, "reg-shift", &v) && v <= 2)
			uart_shift = v;
		if (fdt_prop_u32(f, &n, "reg-io-width", &v) && (v == 1 || v == 4))
			uart_width = v;
		uart = (volatile uint8_t *)(uintptr_t)a;
	}
	if (fdt_find_compatible(f, "sifive,test0", &n) && fdt_reg(f, &n, 0, &a, &s) && s >= 4)
		sifive_test = (volatile uint32_t *)(uintptr_t)a;
	uint32_t hz;
	if (!fdt_find_path(f, "/cpus", &n) || !fdt_prop_u32(f, &n, "timebase-frequency", &hz) || hz == 0)
		port_fatal("no /cpus timebase-frequency in the device tree");
	tick_hz = hz;
	port_main(dtb);
}
