/* SPDX-License-Identifier: BSD-2-Clause */
/* time.c - TSC calibration against the 8254 PIT and time helpers. */
#include "time.h"
#include "cpu.h"
#include "console.h"

#define PIT_HZ 1193182ull

static uint64_t tsc_hz = 2000000000ull; /* until calibrated */
static uint64_t tsc_base;
static const char *source = "assumed";

uint64_t time_rdtsc(void) { return rdtsc(); }
uint64_t time_tsc_hz(void) { return tsc_hz; }
const char *time_source(void) { return source; }

uint64_t time_tsc_to_us(uint64_t t) { return t / tsc_hz * 1000000ull + (t % tsc_hz) * 1000000ull / tsc_hz; }
uint64_t time_tsc_to_ns(uint64_t t)
{
	/* (t % hz) * 1e9 fits in 64 bits for hz < 18 GHz. */
	return t / tsc_hz * 1000000000ull + (t % tsc_hz) * 1000000000ull / tsc_hz;
}

uint64_t time_now_us(void) { return time_tsc_to_us(rdtsc() - tsc_base); }

void time_delay_us(uint64_t us)
{
	uint64_t start = rdtsc();
	uint64_t ticks = us / 1000000ull * tsc_hz + (us % 1000000ull) * tsc_hz / 1000000ull;
	while (rdtsc() - start < ticks)
		cpu_pause();
}

/* One PIT measurement of `ms` milliseconds; returns TSC ticks or 0. */
static uint64_t pit_measure(unsigned ms)
{
	uint32_t count = (uint32_t)(PIT_HZ * ms / 1000);
	uint8_t p61 = inb(0x61);
	outb(0x61, (uint8_t)((p61 & ~0x02) | 0x01)); /* gate on, speaker off */
	outb(0x43, 0xB0);                              /* ch2, lo/hi, mode 0 */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	/* Restart the count by toggling the gate. */
	uint8_t v = inb(0x61) & (uint8_t)~0x01;
	outb(0x61, v);
	outb(0x61, v | 0x01);
	uint64_t t0 = rdtsc();
	uint64_t limit = 50000000000ull; /* give up after ~50 G ticks */
	while (!(inb(0x61) & 0x20)) {
		if (rdtsc() - t0 > limit) {
			outb(0x61, p61);
			return 0;
		}
	}
	uint64_t t1 = rdtsc();
	outb(0x61, p61);
	return (t1 - t0) * 1000 / ms;
}

void time_init(void)
{
	uint64_t m[3];
	int ok = 0;
	for (int i = 0; i < 3; i++) {
		m[i] = pit_measure(10);
		if (m[i])
			ok++;
	}
	if (ok == 3) {
		/* median of three */
		uint64_t a = m[0], b = m[1], c = m[2], t;
		if (a > b) { t = a; a = b; b = t; }
		if (b > c) { t = b; b = c; c = t; }
		if (a > b) { t = a; a = b; b = t; }
		tsc_hz = b;
		source = "PIT";
	} else {
		uint32_t a, b, c, d, max;
		cpuid(0, 0, &max, &b, &c, &d);
		if (max >= 0x15) {
			cpuid(0x15, 0, &a, &b, &c, &d);
			if (a && b && c) {
				tsc_hz = (uint64_t)c * b / a;
				source = "CPUID";
			}
		}
		if (source[0] != 'C' && max >= 0x16) {
			cpuid(0x16, 0, &a, &b, &c, &d);
			if (a & 0xffff) {
				tsc_hz = (uint64_t)(a & 0xffff) * 1000000ull;
				source = "CPUID";
			}
		}
		if (source[0] != 'C')
			kprintf("time: PIT did not answer and CPUID has no TSC frequency; assuming 2 GHz\n");
	}
	if (tsc_hz < 1000000)
		tsc_hz = 1000000;
	if (!tsc_base)
		tsc_base = rdtsc();
}

void time_mark_start(void) { tsc_base = rdtsc(); }
