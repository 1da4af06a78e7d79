/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tsc_cpuid.h - the TSC frequency a CPU reports in CPUID leaves 15h and 16h,
 * decoded without touching the CPU (kernel/dev/time.c passes the registers;
 * tests/kunit/test_tsc_cpuid.c passes values of real and broken CPUs).
 */
#ifndef KERNEL_TSC_CPUID_H
#define KERNEL_TSC_CPUID_H

#include <stdint.h>

/* A TSC rate outside this range is not believed, whatever reported it. */
#define TSC_MIN_HZ 10000000ull    /* 10 MHz */
#define TSC_MAX_HZ 17000000000ull /* 17 GHz: time_tsc_to_ns() needs < 18 GHz */

/* The registers of the leaves that matter; a leaf above max_leaf is not read. */
struct tsc_cpuid_regs {
	uint32_t max_leaf;              /* CPUID 0 EAX */
	uint32_t l15_eax, l15_ebx, l15_ecx; /* 15h: denominator, numerator, crystal Hz */
	uint32_t l16_eax;               /* 16h: processor base frequency, MHz in bits 15:0 */
};

/*
 * The TSC rate in Hz, or 0 when neither leaf gives a plausible one. Leaf 15h
 * counts only with all three values non-zero (many CPUs leave the crystal
 * frequency ECX at 0); leaf 16h is the base frequency, which is the TSC rate
 * on the CPUs that report it. *leaf is set to 0x15 or 0x16 on success.
 */
uint64_t tsc_hz_from_cpuid(const struct tsc_cpuid_regs *r, unsigned *leaf);

#endif
