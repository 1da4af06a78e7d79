/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_vmm_plan.c - the test kernel's page-size plan for identity-mapping a
 * RAM range (kernel/mm/vmm_plan.h, a pure function): 2 MiB pages only for
 * 2 MiB blocks wholly inside the range, 4 KiB pages at the edges, the pieces
 * covering exactly the range's pages. Fixed cases from real memory maps
 * (QEMU SeaBIOS and OVMF), then seeded random ranges checked against those
 * rules. (Built like the driver tests; it uses no driver function.)
 */
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "../../kernel/mm/vmm_plan.h"

#define K4 VMM_PLAN_4K
#define M2 VMM_PLAN_2M

struct want {
	uint64_t base, end;
	uint64_t hs, he, ms, me, ts, te;
};

static void check_one(const struct want *w)
{
	struct vmm_plan p;
	vmm_plan_range(w->base, w->end, &p);
	CHECK_EQX(p.head_start, w->hs);
	CHECK_EQX(p.head_end, w->he);
	CHECK_EQX(p.mid_start, w->ms);
	CHECK_EQX(p.mid_end, w->me);
	CHECK_EQX(p.tail_start, w->ts);
	CHECK_EQX(p.tail_end, w->te);
}

static void vmm_plan_fixed_cases(void)
{
	static const struct want cases[] = {
		/* aligned on both sides: 2 MiB pages only */
		{ 2 * M2, 8 * M2, 2 * M2, 2 * M2, 2 * M2, 8 * M2, 8 * M2, 8 * M2 },
		/* SeaBIOS 128 MiB: RAM 2 MiB .. 0x7fd7000, then reserved */
		{ 0x200000, 0x7fd7000, 0x200000, 0x200000, 0x200000, 0x7e00000, 0x7e00000, 0x7fd7000 },
		/* OVMF: 0x900000-0x6a9ffff available, reserved from 0x6aa0000 */
		{ 0x900000, 0x6aa0000, 0x900000, 0xa00000, 0xa00000, 0x6a00000, 0x6a00000, 0x6aa0000 },
		/* OVMF: 0x808000-0x80ffff (32 KiB between two ACPI NVS ranges) */
		{ 0x808000, 0x810000, 0x808000, 0x810000, 0, 0, 0, 0 },
		/* crosses a 2 MiB boundary without holding a whole block */
		{ M2 - 5 * K4, 2 * M2 - K4, M2 - 5 * K4, 2 * M2 - K4, 0, 0, 0, 0 },
		/* exactly one block, unaligned by one page at the start */
		{ M2 - K4, 2 * M2, M2 - K4, M2, M2, 2 * M2, 2 * M2, 2 * M2 },
		/* unaligned bytes: pages holding any RAM (0x9fc00 style ends) */
		{ 0x9f000 + 0x10, 0x9fc00, 0x9f000, 0xa0000, 0, 0, 0, 0 },
		/* above 4 GiB */
		{ 0x100000000ull, 0x1c0000000ull, 0x100000000ull, 0x100000000ull, 0x100000000ull,
		  0x1c0000000ull, 0x1c0000000ull, 0x1c0000000ull },
		/* empty and inverted ranges */
		{ 0x5000, 0x5000, 0, 0, 0, 0, 0, 0 },
		{ 0x9000, 0x5000, 0, 0, 0, 0, 0, 0 },
		/* past the identity limit: cut there */
		{ VMM_PLAN_LIMIT - 3 * M2, ~0ull, VMM_PLAN_LIMIT - 3 * M2, VMM_PLAN_LIMIT - 3 * M2,
		  VMM_PLAN_LIMIT - 3 * M2, VMM_PLAN_LIMIT, VMM_PLAN_LIMIT, VMM_PLAN_LIMIT },
		{ VMM_PLAN_LIMIT, ~0ull, 0, 0, 0, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_one(&cases[i]);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A boundary-heavy random address: near a 2 MiB or 4 KiB boundary. */
static uint64_t rnd_addr(void)
{
	uint64_t a = (1 + rnd() % 4096) * M2;   /* never near 0 or the limit */
	switch (rnd() % 4) {
	case 0: return a;
	case 1: return a + (rnd() % 512) * K4;
	case 2: return a - (rnd() % 3) * K4 + (rnd() % 2);
	default: return a + (rnd() % M2);
	}
}

static void vmm_plan_random_ranges(void)
{
	for (int i = 0; i < 200000; i++) {
		uint64_t b = rnd_addr(), e = b + rnd() % (8 * M2);
		if (rnd() % 8 == 0)
			e = rnd_addr();
		struct vmm_plan p;
		vmm_plan_range(b, e, &p);
		if (b >= e) {
			CHECK(p.head_start == 0 && p.head_end == 0 && p.mid_end == 0 && p.tail_end == 0);
			continue;
		}
		uint64_t s = b & ~(K4 - 1), en = (e + K4 - 1) & ~(K4 - 1);
		/* the pieces are contiguous and cover exactly [s, en) */
		CHECK_EQX(p.head_start, s);
		uint64_t last = p.head_end;
		if (p.mid_start != p.mid_end) {
			CHECK_EQX(p.mid_start, p.head_end);
			CHECK_EQX(p.tail_start, p.mid_end);
			last = p.tail_end;
			/* 2 MiB pages: aligned and wholly inside the RAM pages */
			CHECK_EQX(p.mid_start % M2, 0);
			CHECK_EQX(p.mid_end % M2, 0);
			CHECK(p.mid_start >= s && p.mid_end <= en);
			/* and as many as fit: the edges are shorter than a block */
			CHECK(p.head_end - p.head_start < M2);
			CHECK(p.tail_end - p.tail_start < M2);
		} else {
			CHECK(p.tail_start == p.tail_end);
			/* no whole aligned block fits inside [s, en) */
			uint64_t m0 = (s + M2 - 1) & ~(M2 - 1);
			CHECK(m0 + M2 > en);
		}
		CHECK_EQX(last, en);
		CHECK_EQX(p.head_start % K4, 0);
		CHECK_EQX(p.head_end % K4, 0);
		if (check_failures() > 0) {
			fprintf(stderr, "range [%#llx, %#llx)\n", (unsigned long long)b, (unsigned long long)e);
			return;
		}
	}
}

static const struct check_test tests[] = {
	CHECK_TEST(vmm_plan_fixed_cases),
	CHECK_TEST(vmm_plan_random_ranges),
};

int main(int argc, char **argv)
{
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
