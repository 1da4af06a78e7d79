/* SPDX-License-Identifier: BSD-2-Clause */
/* test_tsc_cpuid.c - host unit tests of kernel/dev/tsc_cpuid.c (CPUID 15h/16h). */
#include "kunit.h"
#include "tsc_cpuid.h"

KTEST(tsc_cpuid_leaf15_crystal)
{
	/* a 24 MHz crystal, ratio 188/2: 2.256 GHz */
	struct tsc_cpuid_regs r = { .max_leaf = 0x16, .l15_eax = 2, .l15_ebx = 188,
				    .l15_ecx = 24000000, .l16_eax = 2200 };
	unsigned leaf = 0;
	KCHECK(tsc_hz_from_cpuid(&r, &leaf) == 2256000000ull);
	KCHECK(leaf == 0x15);
	/* 38.4 MHz crystal (Apollo Lake style), ratio 62/2 */
	struct tsc_cpuid_regs s = { .max_leaf = 0x15, .l15_eax = 2, .l15_ebx = 62, .l15_ecx = 38400000 };
	KCHECK(tsc_hz_from_cpuid(&s, &leaf) == 1190400000ull);
}

KTEST(tsc_cpuid_leaf15_without_crystal_falls_to_16h)
{
	/* Skylake client parts report the ratio but ECX = 0 */
	struct tsc_cpuid_regs r = { .max_leaf = 0x16, .l15_eax = 2, .l15_ebx = 300,
				    .l15_ecx = 0, .l16_eax = 3400 };
	unsigned leaf = 0;
	KCHECK(tsc_hz_from_cpuid(&r, &leaf) == 3400000000ull);
	KCHECK(leaf == 0x16);
	/* bits above 15 of 16h EAX are reserved, not MHz */
	r.l16_eax = 0xABCD0000u | 3400;
	KCHECK(tsc_hz_from_cpuid(&r, &leaf) == 3400000000ull);
}

KTEST(tsc_cpuid_nothing_plausible)
{
	unsigned leaf = 7;
	struct tsc_cpuid_regs none = { .max_leaf = 0x0D };
	KCHECK(tsc_hz_from_cpuid(&none, &leaf) == 0);
	/* leaves above max_leaf are ignored even when the struct has values */
	struct tsc_cpuid_regs hidden = { .max_leaf = 0x14, .l15_eax = 2, .l15_ebx = 188,
					 .l15_ecx = 24000000, .l16_eax = 2200 };
	KCHECK(tsc_hz_from_cpuid(&hidden, &leaf) == 0);
	/* a zero denominator must not divide; a 1 MHz or 65 GHz answer is refused */
	struct tsc_cpuid_regs zero = { .max_leaf = 0x15, .l15_eax = 0, .l15_ebx = 188, .l15_ecx = 24000000 };
	KCHECK(tsc_hz_from_cpuid(&zero, &leaf) == 0);
	struct tsc_cpuid_regs slow = { .max_leaf = 0x16, .l16_eax = 1 };
	KCHECK(tsc_hz_from_cpuid(&slow, &leaf) == 0);
	struct tsc_cpuid_regs huge = { .max_leaf = 0x15, .l15_eax = 1, .l15_ebx = 0xFFFFFFFFu,
				       .l15_ecx = 0xFFFFFFFFu };
	KCHECK(tsc_hz_from_cpuid(&huge, &leaf) == 0);
	KCHECK(leaf == 7); /* untouched on failure */
}
