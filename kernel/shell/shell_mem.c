/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_mem.c - `mem`: memory map, allocator state, allocation tests. */
#include "shell.h"
#include "bootinfo.h"
#include "console.h"
#include "pmm.h"
#include "vmm.h"
#include "kstring.h"

static void print_size(uint64_t bytes)
{
	if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
		kprintf("%llu GiB", (unsigned long long)(bytes >> 30));
	else if (bytes >= (1ull << 20))
		kprintf("%llu MiB", (unsigned long long)(bytes >> 20));
	else
		kprintf("%llu KiB", (unsigned long long)(bytes >> 10));
}

static int mem_show(void)
{
	kprintf("Memory map (%d entries from the loader):\n", boot_info.mmap_count);
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		kprintf("  %016llx-%016llx %-17s ", (unsigned long long)m->base,
			(unsigned long long)(m->base + m->length - 1), mem_type_name(m->type));
		print_size(m->length);
		kprintf("\n");
	}
	kprintf("Reserved (never allocated):\n");
	for (int i = 0; i < pmm_reserved_count(); i++) {
		uint64_t s, e;
		const char *what;
		pmm_reserved_get(i, &s, &e, &what);
		kprintf("  %016llx-%016llx %s\n", (unsigned long long)s, (unsigned long long)(e - 1), what);
	}
	for (int i = 0; i < boot_info.module_count; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		kprintf("  module %d: \"%s\" at 0x%llx, %llu bytes\n", i, m->name, (unsigned long long)m->start,
			(unsigned long long)(m->end - m->start));
	}
	struct pmm_stats st;
	pmm_get_stats(&st);
	kprintf("Allocator: %llu pages managed (%llu MiB), %llu free (%llu MiB), largest free run "
		"%llu pages (%llu MiB)\n",
		(unsigned long long)st.total_pages, (unsigned long long)(st.total_pages >> 8),
		(unsigned long long)st.free_pages, (unsigned long long)(st.free_pages >> 8),
		(unsigned long long)st.largest_free_run, (unsigned long long)(st.largest_free_run >> 8));
	kprintf("RAM top: 0x%llx (", (unsigned long long)st.highest_phys);
	print_size(st.highest_phys);
	kprintf("), identity-mapped up to 0x%llx, bitmap at 0x%llx (%llu KiB)\n",
		(unsigned long long)vmm_ram_mapped_end(), (unsigned long long)st.bitmap_phys,
		(unsigned long long)(st.bitmap_bytes >> 10));
	uint64_t p2m, p4k, checked, first_bad;
	vmm_identity_pages(&p2m, &p4k);
	uint64_t bad = vmm_check_large_pages(&checked, &first_bad);
	kprintf("Identity map: %llu x 2 MiB + %llu x 4 KiB pages of RAM (4 KiB at range edges); ",
		(unsigned long long)p2m, (unsigned long long)p4k);
	if (bad) {
		kprintf("%llu of %llu large pages NOT RAM throughout (first at 0x%llx)\n",
			(unsigned long long)bad, (unsigned long long)checked, (unsigned long long)first_bad);
		return SHELL_ERR;
	}
	kprintf("all %llu large pages are RAM throughout\n", (unsigned long long)checked);
	return SHELL_OK;
}

static int mem_alloc(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "align", .short_name = 'a', .takes_value = true },
		{ .name = "max", .takes_value = true },
		{ .name = "min", .takes_value = true },
		{ 0 },
	};
	char *pos[1];
	int npos;
	int rc = shell_getopt(argc, argv, opts, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos != 1)
		return shell_usage_error("expected PAGES");
	uint64_t pages, align = 4096, max = 0, min = 0;
	if ((rc = shell_arg_u64("PAGES", pos[0], &pages)) || (rc = shell_opt_u64(&opts[0], &align)) ||
	    (rc = shell_opt_u64(&opts[1], &max)) || (rc = shell_opt_u64(&opts[2], &min)))
		return rc;
	if (pages == 0)
		return shell_usage_error("PAGES must be at least 1");
	if (align & (align - 1))
		return shell_usage_error("alignment must be a power of two");
	uint64_t p = pmm_alloc_pages_range(pages, align, min, max);
	if (!p)
		return shell_error("no run of %llu pages (align 0x%llx) available", (unsigned long long)pages,
				   (unsigned long long)align);
	kprintf("allocated 0x%llx (%llu pages); free with: mem free 0x%llx %llu\n", (unsigned long long)p,
		(unsigned long long)pages, (unsigned long long)p, (unsigned long long)pages);
	return SHELL_OK;
}

static int mem_free(int argc, char **argv)
{
	if (argc != 4)
		return shell_usage_error("expected PHYS PAGES");
	uint64_t phys, pages;
	int rc;
	if ((rc = shell_arg_u64("PHYS", argv[2], &phys)) || (rc = shell_arg_u64("PAGES", argv[3], &pages)))
		return rc;
	if (!pmm_free_pages(phys, pages))
		return shell_error("free refused");
	kprintf("freed 0x%llx (%llu pages)\n", (unsigned long long)phys, (unsigned long long)pages);
	return SHELL_OK;
}

/* Checks a run: within RAM, aligned, zeroed, writable, mapped virt == phys. */
static bool check_run(uint64_t p, uint64_t pages, uint64_t align, const char *what)
{
	if (!p) {
		kprintf("  FAIL %s: allocation failed\n", what);
		return false;
	}
	if (p & (align - 1)) {
		kprintf("  FAIL %s: 0x%llx not aligned to 0x%llx\n", what, (unsigned long long)p,
			(unsigned long long)align);
		return false;
	}
	uint64_t *w = (uint64_t *)(uintptr_t)p;
	uint64_t n = pages * PAGE_SIZE / 8;
	for (uint64_t i = 0; i < n; i += 511) {
		if (w[i] != 0) {
			kprintf("  FAIL %s: not zeroed at 0x%llx\n", what, (unsigned long long)(p + i * 8));
			return false;
		}
		w[i] = p + i;
	}
	for (uint64_t i = 0; i < n; i += 511) {
		if (w[i] != p + i) {
			kprintf("  FAIL %s: readback mismatch at 0x%llx\n", what, (unsigned long long)(p + i * 8));
			return false;
		}
	}
	uint64_t phys;
	if (vmm_virt_to_phys(w, &phys) != 0 || phys != p) {
		kprintf("  FAIL %s: virt_to_phys mismatch\n", what);
		return false;
	}
	kprintf("  ok   %s: 0x%llx\n", what, (unsigned long long)p);
	return true;
}

/* vmm_virt_to_phys remembers the leaves it walked to: a page it has
 * translated and that is then unmapped must not translate any more. The
 * page is one past the mapped RAM that nothing maps (left unmapped after;
 * the page tables made to map it stay). */
static bool check_xlat(void)
{
	uint64_t pa = (vmm_ram_mapped_end() + (2ull << 20)) & ~((2ull << 20) - 1);
	for (int tries = 0; tries < 64 && vmm_is_mapped((const volatile void *)(uintptr_t)pa); tries++)
		pa += 2ull << 20;
	if (vmm_is_mapped((const volatile void *)(uintptr_t)pa)) {
		kprintf("  skip translation after unmap: no unmapped page found past RAM\n");
		return true;
	}
	volatile uint8_t *v = (volatile uint8_t *)vmm_map_mmio(pa, PAGE_SIZE);
	uint64_t a = 0, b = 0;
	bool ok = v && vmm_virt_to_phys(v, &a) == 0 && vmm_virt_to_phys(v + 8, &b) == 0 && a == pa && b == pa + 8;
	if (v)
		vmm_unmap_mmio(v, PAGE_SIZE);
	if (!ok) {
		kprintf("  FAIL translation of a mapped page at 0x%llx\n", (unsigned long long)pa);
		return false;
	}
	if (vmm_virt_to_phys(v, &a) == 0) {
		kprintf("  FAIL page at 0x%llx still translates after unmap\n", (unsigned long long)pa);
		return false;
	}
	kprintf("  ok   translation after unmap: 0x%llx\n", (unsigned long long)pa);
	return true;
}

static int mem_test(void)
{
	struct pmm_stats before, after;
	/* first: the page tables it may create stay (not a leak below) */
	bool ok = check_xlat();
	pmm_get_stats(&before);
	struct {
		uint64_t pages, align, min, max;
		const char *what;
	} cases[] = {
		{ 1, 4096, 0, 0, "1 page" },
		{ 16, 65536, 0, 0, "16 pages, 64 KiB aligned" },
		{ 512, 2u << 20, 0, 0, "2 MiB run, 2 MiB aligned" },
		{ 3, 4096, 0, 1ull << 32, "3 pages below 4 GiB" },
		{ 1, 4096, 0, 16ull << 20, "1 page below 16 MiB" },
	};
	uint64_t got[8] = { 0 };
	int ncases = (int)(sizeof(cases) / sizeof(cases[0]));
	for (int i = 0; i < ncases; i++) {
		got[i] = pmm_alloc_pages_range(cases[i].pages, cases[i].align, cases[i].min, cases[i].max);
		ok &= check_run(got[i], cases[i].pages, cases[i].align, cases[i].what);
		if (got[i] && cases[i].max && got[i] + cases[i].pages * PAGE_SIZE > cases[i].max) {
			kprintf("  FAIL %s: above the limit\n", cases[i].what);
			ok = false;
		}
	}
	/* Above 4 GiB, if there is RAM there. */
	if (before.highest_phys > (1ull << 32) + (4ull << 20)) {
		uint64_t hi = pmm_alloc_pages_range(256, 1u << 20, 1ull << 32, 0);
		ok &= check_run(hi, 256, 1u << 20, "1 MiB run above 4 GiB");
		if (hi && hi < (1ull << 32)) {
			kprintf("  FAIL: run above 4 GiB is at 0x%llx\n", (unsigned long long)hi);
			ok = false;
		}
		if (hi)
			pmm_free_pages(hi, 256);
	} else {
		kprintf("  skip run above 4 GiB: no RAM there\n");
	}
	/* Impossible requests must fail cleanly. */
	if (pmm_alloc_pages(before.total_pages + 1, 0, 0) != 0) {
		kprintf("  FAIL: allocating more than all memory succeeded\n");
		ok = false;
	}
	if (pmm_alloc_pages(1, 3 * 4096, 0) != 0) {
		kprintf("  FAIL: non-power-of-two alignment accepted\n");
		ok = false;
	}
	for (int i = 0; i < ncases; i++)
		if (got[i])
			pmm_free_pages(got[i], cases[i].pages);
	pmm_get_stats(&after);
	if (after.free_pages != before.free_pages) {
		kprintf("  FAIL: free pages %llu before, %llu after\n", (unsigned long long)before.free_pages,
			(unsigned long long)after.free_pages);
		ok = false;
	}
	kprintf("mem test: %s\n", ok ? "passed" : "FAILED");
	return ok ? SHELL_OK : SHELL_ERR;
}

static int cmd_mem(int argc, char **argv)
{
	if (argc == 1)
		return mem_show();
	if (strcmp(argv[1], "alloc") == 0)
		return mem_alloc(argc - 1, argv + 1);
	if (strcmp(argv[1], "free") == 0)
		return mem_free(argc, argv);
	if (strcmp(argv[1], "test") == 0) {
		if (argc != 2)
			return shell_usage_error("'mem test' takes no arguments");
		return mem_test();
	}
	return shell_usage_error("unknown subcommand '%s'", argv[1]);
}
SHELL_COMMAND_HELP("mem", "mem [alloc PAGES [--align N] [--min ADDR] [--max ADDR] | free PHYS PAGES | test]",
		   "memory map and page allocator state; allocate/free/test runs",
		   "mem                 memory map, reserved ranges, allocator state, identity\n"
		   "                    map page counts and a check, read from the live page\n"
		   "                    tables, that every 2 MiB page is RAM throughout (fails\n"
		   "                    if one is not)\n"
		   "mem alloc PAGES     allocate a zeroed contiguous run (--align bytes, power of\n"
		   "                    two; --min/--max physical bounds, max exclusive)\n"
		   "mem free PHYS PAGES give a run back (bad frees are refused with a warning)\n"
		   "mem test            allocate, check and free runs of several shapes, also\n"
		   "                    above 4 GiB when there is RAM there",
		   cmd_mem);
