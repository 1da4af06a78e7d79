/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vmm_plan.h - which page sizes identity-map one range of RAM (a pure
 * function, shared by vmm.c and the host unit test tests/host/tests_vmm_plan.c).
 *
 * A 2 MiB page has one memory type for all of it. If it reached past the end
 * of a RAM range into a hole (MMIO, firmware-reserved memory the MTRRs make
 * uncached), the write-back type of the page would cover that hole too, and
 * the CPU may speculatively read or prefetch into device memory. So a RAM
 * range [base, end) is mapped as:
 *
 *   head  [s, m0)   4 KiB pages, from the range's first page up to the first
 *                   2 MiB boundary inside it
 *   mid   [m0, m1)  2 MiB pages, only 2 MiB blocks that lie wholly inside
 *   tail  [m1, e)   4 KiB pages, from the last 2 MiB boundary to the end
 *
 * where s = base rounded down and e = end rounded up to 4 KiB (a page that
 * holds any RAM is mapped: nothing finer exists). When no whole 2 MiB block
 * fits, everything is head and mid and tail are empty. Ranges at or above
 * VMM_PLAN_LIMIT are cut there (the identity map's reach).
 */
#ifndef KERNEL_VMM_PLAN_H
#define KERNEL_VMM_PLAN_H

#include <stdint.h>

#define VMM_PLAN_4K (1ull << 12)
#define VMM_PLAN_2M (1ull << 21)
#define VMM_PLAN_LIMIT (1ull << 47)

struct vmm_plan {
	uint64_t head_start, head_end;  /* 4 KiB pages */
	uint64_t mid_start, mid_end;    /* 2 MiB pages */
	uint64_t tail_start, tail_end;  /* 4 KiB pages */
};

static inline void vmm_plan_range(uint64_t base, uint64_t end, struct vmm_plan *p)
{
	p->head_start = p->head_end = p->mid_start = p->mid_end = p->tail_start = p->tail_end = 0;
	if (end > VMM_PLAN_LIMIT)
		end = VMM_PLAN_LIMIT;
	if (base >= end)
		return;
	uint64_t s = base & ~(VMM_PLAN_4K - 1);
	uint64_t e = (end + VMM_PLAN_4K - 1) & ~(VMM_PLAN_4K - 1);
	uint64_t m0 = (s + VMM_PLAN_2M - 1) & ~(VMM_PLAN_2M - 1);
	uint64_t m1 = e & ~(VMM_PLAN_2M - 1);
	if (m0 >= m1) {
		p->head_start = s;
		p->head_end = e;
		return;
	}
	p->head_start = s;
	p->head_end = m0;
	p->mid_start = m0;
	p->mid_end = m1;
	p->tail_start = m1;
	p->tail_end = e;
}

#endif
