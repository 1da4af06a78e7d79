/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * time.h - calibrated TSC clock.
 *
 * time_init() (after acpi_init()) takes the TSC rate from the best source
 * present: CPUID leaf 15h (with the crystal frequency) or 16h, else measured
 * against the HPET, else the ACPI PM timer, else PIT channel 2 (3 x 20 ms,
 * the median is kept). A counter that does not count (a gated PIT, a dead
 * HPET) is detected in bounded time and skipped. If no source works, a 10 GHz
 * TSC is assumed (with a message): higher than any real one, so timeouts last
 * longer, never shorter. Times count from kernel entry (time_mark_start()).
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdbool.h>
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
/* How the frequency was obtained: "CPUID 15h", "CPUID 16h", "HPET",
 * "ACPI PM timer", "PIT" or "assumed 10 GHz". */
const char *time_source(void);
/* CPUID 80000007h EDX bit 8: the TSC runs at a constant rate in every
 * P-, C- and T-state. */
bool time_tsc_invariant(void);

#endif
