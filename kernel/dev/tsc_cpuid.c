/* SPDX-License-Identifier: BSD-2-Clause */
/* tsc_cpuid.c - decode CPUID 15h/16h into a TSC rate (see tsc_cpuid.h). */
#include "tsc_cpuid.h"

static int plausible(uint64_t hz) { return hz >= TSC_MIN_HZ && hz <= TSC_MAX_HZ; }

uint64_t tsc_hz_from_cpuid(const struct tsc_cpuid_regs *r, unsigned *leaf)
{
	if (r->max_leaf >= 0x15 && r->l15_eax && r->l15_ebx && r->l15_ecx) {
		/* crystal * numerator / denominator; 32x32 bits fit in 64 */
		uint64_t hz = (uint64_t)r->l15_ecx * r->l15_ebx / r->l15_eax;
		if (plausible(hz)) {
			*leaf = 0x15;
			return hz;
		}
	}
	if (r->max_leaf >= 0x16) {
		uint64_t hz = (uint64_t)(r->l16_eax & 0xFFFF) * 1000000ull;
		if (plausible(hz)) {
			*leaf = 0x16;
			return hz;
		}
	}
	return 0;
}
