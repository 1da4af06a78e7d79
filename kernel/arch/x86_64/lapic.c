/* SPDX-License-Identifier: BSD-2-Clause */
/* lapic.c - local APIC bring-up and the legacy 8259 PICs (remapped, masked). */
#include "idt.h"
#include "cpu.h"
#include "vmm.h"
#include "console.h"
#include "time.h"

#define IA32_APIC_BASE 0x1B
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)

#define REG_ID 0x20
#define REG_TPR 0x80
#define REG_EOI 0xB0
#define REG_SVR 0xF0
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR 0x390
#define REG_TIMER_DIV 0x3E0

#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define TIMER_DIV_16 0x3u

static volatile uint32_t *lapic_mmio;
static bool x2apic;
static bool present;

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(0x800 + (reg >> 4));
	return lapic_mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + (reg >> 4), v);
	else
		lapic_mmio[reg / 4] = v;
}

void pic_disable(void)
{
	/* ICW1..ICW4: remap master to 0x20, slave to 0x28, then mask all. */
	outb(0x20, 0x11); io_wait();
	outb(0xA0, 0x11); io_wait();
	outb(0x21, 0x20); io_wait();
	outb(0xA1, 0x28); io_wait();
	outb(0x21, 0x04); io_wait();
	outb(0xA1, 0x02); io_wait();
	outb(0x21, 0x01); io_wait();
	outb(0xA1, 0x01); io_wait();
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
}

void lapic_init(void)
{
	uint32_t a, b, c, d;
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & (1u << 9))) {
		kprintf("lapic: CPU has no local APIC\n");
		return;
	}
	uint64_t base = rdmsr(IA32_APIC_BASE);
	if (base & APIC_BASE_X2APIC) {
		x2apic = true;
	} else {
		lapic_mmio = vmm_map_mmio(base & 0xFFFFFF000ull, 4096);
		if (!lapic_mmio) {
			kprintf("lapic: cannot map the local APIC\n");
			return;
		}
	}
	wrmsr(IA32_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic_write(REG_TPR, 0);
	lapic_write(REG_SVR, 0x100 | LAPIC_SPURIOUS_VECTOR);
	present = true;
}

bool lapic_present(void) { return present; }

uint32_t lapic_id(void)
{
	if (!present)
		return 0;
	uint32_t id = lapic_read(REG_ID);
	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	if (present)
		lapic_write(REG_EOI, 0);
}

void lapic_self_ipi(int vector)
{
	if (!present || vector < 32 || vector > 255)
		return;
	if (x2apic) {
		wrmsr(0x83F, (uint32_t)vector);
		return;
	}
	/* ICR: fixed delivery, edge, destination shorthand "self". */
	lapic_write(0x310, 0);
	lapic_write(0x300, 0x40000u | (uint32_t)vector);
}

/* ------------------------------------------------------------ timer */

/* Timer ticks (divide by 16) per millisecond, measured against the TSC on
 * first use; 0 until then. */
static uint32_t timer_ticks_per_ms;
/* A periodic timer is running: one-shots must not replace it. */
static bool timer_periodic_on;

static uint32_t timer_calibrate(void)
{
	if (timer_ticks_per_ms)
		return timer_ticks_per_ms;
	lapic_write(REG_LVT_TIMER, LVT_MASKED);
	lapic_write(REG_TIMER_DIV, TIMER_DIV_16);
	lapic_write(REG_TIMER_INIT, 0xFFFFFFFFu);
	uint64_t t0 = time_rdtsc();
	uint64_t ticks = time_tsc_hz() / 100; /* 10 ms */
	while (time_rdtsc() - t0 < ticks)
		cpu_pause();
	uint32_t left = lapic_read(REG_TIMER_CUR);
	lapic_write(REG_TIMER_INIT, 0);
	uint32_t per_ms = (0xFFFFFFFFu - left) / 10;
	timer_ticks_per_ms = per_ms ? per_ms : 1;
	return timer_ticks_per_ms;
}

/* The timer's initial count (divide by 16) for us microseconds: 1 to 2^32-1. */
static uint32_t timer_count(uint32_t us)
{
	uint64_t count = (uint64_t)timer_calibrate() * us / 1000;
	if (count == 0)
		count = 1;
	if (count > 0xFFFFFFFFu)
		count = 0xFFFFFFFFu;
	return (uint32_t)count;
}

bool lapic_timer_periodic(int vector, uint32_t us)
{
	if (!present || vector < 32 || vector > 255 || us == 0)
		return false;
	uint32_t count = timer_count(us);
	lapic_write(REG_TIMER_DIV, TIMER_DIV_16);
	lapic_write(REG_LVT_TIMER, LVT_PERIODIC | (uint32_t)vector);
	lapic_write(REG_TIMER_INIT, count);
	timer_periodic_on = true;
	return true;
}

bool lapic_timer_oneshot(int vector, uint32_t us)
{
	if (!present || vector < 32 || vector > 255 || us == 0 || timer_periodic_on)
		return false;
	uint32_t count = timer_count(us);
	/* LVT mode bits 0: one-shot; writing the initial count starts it */
	lapic_write(REG_TIMER_DIV, TIMER_DIV_16);
	lapic_write(REG_LVT_TIMER, (uint32_t)vector);
	lapic_write(REG_TIMER_INIT, count);
	return true;
}

void lapic_timer_stop(void)
{
	if (!present)
		return;
	lapic_write(REG_LVT_TIMER, LVT_MASKED);
	lapic_write(REG_TIMER_INIT, 0);
	timer_periodic_on = false;
}
