/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * time.h - calibrated TSC clock.
 *
 * time_init() measures the TSC against the PIT (channel 2, 3 x 10 ms, the
 * median is kept); if the PIT does not answer, CPUID leaf 0x15/0x16 is used,
 * and failing that 2 GHz is assumed (with a warning). Times count from
 * kernel entry (time_mark_start()).
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

void time_init(void);
/* Called first thing at kernel entry: times count from there. */
void time_mark_start(void);
/* Microseconds since time_init(); monotonic. */
uint64_t time_now_us(void);
/* Busy-waits at least us microseconds. */
void time_delay_us(uint64_t us);
/* TSC ticks per second as calibrated. */
uint64_t time_tsc_hz(void);
/* Raw TSC read (cycle counter for benchmarks). */
uint64_t time_rdtsc(void);
/* Converts a TSC delta to microseconds / nanoseconds. */
uint64_t time_tsc_to_us(uint64_t ticks);
uint64_t time_tsc_to_ns(uint64_t ticks);
/* How the frequency was obtained: "PIT", "CPUID" or "assumed". */
const char *time_source(void);

#endif
