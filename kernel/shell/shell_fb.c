/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_fb.c - `fb`: the framebuffer's mapping and memory type, PAT, a fill benchmark. */
#include "shell.h"
#include "console.h"
#include "textcon.h"
#include "time.h"
#include "vmm.h"
#include "kstring.h"

/* Passes of `fb bench` without an argument, and the most allowed. */
#define FB_BENCH_PASSES 3
#define FB_BENCH_MAX_PASSES 100

static void print_pat(void)
{
	bool present;
	uint64_t fw, now;
	vmm_pat_info(&present, &fw, &now);
	if (!present) {
		kprintf("PAT: not supported by this CPU (CPUID.01h:EDX bit 16 clear): framebuffer uncached\n");
		return;
	}
	kprintf("PAT: IA32_PAT 0x%016llx (firmware left 0x%016llx), entry 4 %s\n", (unsigned long long)now,
		(unsigned long long)fw, vmm_mem_type_name((int)((now >> 32) & 7)));
}

static int fb_show(void)
{
	print_pat();
	struct fbcon_info fi;
	if (!fbcon_info(&fi)) {
		kprintf("framebuffer: none (VGA text or no screen console)\n");
		return SHELL_OK;
	}
	kprintf("framebuffer: 0x%llx, %llu bytes, %ux%u %ubpp, pitch %u\n", (unsigned long long)fi.phys,
		(unsigned long long)fi.bytes, fi.width, fi.height, fi.bpp, fi.pitch);
	const volatile uint8_t *last = fi.mem + fi.bytes - 1;
	int first_t = vmm_mem_type(fi.mem), last_t = vmm_mem_type(last);
	kprintf("framebuffer mapping: first page %s, last page %s (page tables + IA32_PAT)\n",
		vmm_mem_type_name(first_t), vmm_mem_type_name(last_t));
	/* every page, not just the ends */
	uint64_t pages = 0, other = 0;
	for (uint64_t off = 0; off < fi.bytes; off += 4096, pages++)
		if (vmm_mem_type(fi.mem + off) != first_t)
			other++;
	if (other)
		kprintf("framebuffer mapping: %llu of %llu pages differ from the first\n",
			(unsigned long long)other, (unsigned long long)pages);
	return SHELL_OK;
}

/* Fills the whole framebuffer `passes` times with a 32-bit value (24 bpp:
 * bytes), returns microseconds. */
static uint64_t fill(const struct fbcon_info *fi, unsigned passes)
{
	uint64_t t0 = time_now_us();
	for (unsigned p = 0; p < passes; p++) {
		uint32_t v = (p & 1) ? 0x00202020u : 0u;
		for (uint32_t y = 0; y < fi->height; y++) {
			volatile uint8_t *row = fi->mem + (uint64_t)y * fi->pitch;
			if (fi->bpp == 32) {
				for (uint32_t x = 0; x < fi->width; x++)
					((volatile uint32_t *)row)[x] = v;
			} else {
				for (uint32_t x = 0; x < fi->width * 3u; x++)
					row[x] = (uint8_t)v;
			}
		}
		__asm__ volatile("sfence" ::: "memory");
	}
	return time_now_us() - t0;
}

static void report(const char *what, const struct fbcon_info *fi, unsigned passes, uint64_t us)
{
	uint64_t bytes = (uint64_t)fi->width * (fi->bpp / 8u) * fi->height * passes;
	uint64_t mbs = us ? bytes / us : 0; /* bytes/us = MB/s */
	kprintf("  %-22s %u pass%s in %llu.%03llu ms: %llu MB/s\n", what, passes, passes == 1 ? "" : "es",
		(unsigned long long)(us / 1000), (unsigned long long)(us % 1000), (unsigned long long)mbs);
}

static int fb_bench(int argc, char **argv)
{
	uint64_t passes = FB_BENCH_PASSES;
	if (argc > 3)
		return shell_usage_error("too many arguments");
	if (argc == 3) {
		int rc = shell_arg_u64("PASSES", argv[2], &passes);
		if (rc)
			return rc;
		if (passes < 1 || passes > FB_BENCH_MAX_PASSES)
			return shell_usage_error("PASSES must be 1..%u", FB_BENCH_MAX_PASSES);
	}
	struct fbcon_info fi;
	if (!fbcon_info(&fi))
		return shell_error("no framebuffer console (BIOS boots use VGA text)");
	int was = vmm_mem_type(fi.mem);
	kprintf("fb bench: %ux%u %ubpp (%llu bytes), per mapping %u fill%s and a redraw of\n"
		"every text cell (what a full-screen scroll costs at most)\n", fi.width, fi.height,
		fi.bpp, (unsigned long long)fi.bytes, (unsigned)passes, passes == 1 ? "" : "s");
	uint64_t us_now = fill(&fi, (unsigned)passes);
	uint64_t t0 = time_now_us();
	fbcon_redraw();
	uint64_t redraw_now = time_now_us() - t0;
	/* the same pages uncached: the identity address stays, only the
	 * attributes change (the sfences drained the WC buffers) */
	if (!vmm_map_mmio(fi.phys, fi.bytes))
		return shell_error("cannot remap the framebuffer uncached");
	uint64_t us_uc = fill(&fi, (unsigned)passes);
	t0 = time_now_us();
	fbcon_redraw();
	uint64_t redraw_uc = time_now_us() - t0;
	if (!vmm_map_wc(fi.phys, fi.bytes))
		return shell_error("cannot map the framebuffer back");
	int back = vmm_mem_type(fi.mem);
	fbcon_redraw();
	report(vmm_mem_type_name(was), &fi, (unsigned)passes, us_now);
	report(vmm_mem_type_name(VMM_MT_UC), &fi, (unsigned)passes, us_uc);
	kprintf("  redraw: %llu.%03llu ms %s, %llu.%03llu ms uncached\n",
		(unsigned long long)(redraw_now / 1000), (unsigned long long)(redraw_now % 1000),
		was == VMM_MT_WC ? "write-combining" : "as mapped", (unsigned long long)(redraw_uc / 1000),
		(unsigned long long)(redraw_uc % 1000));
	kprintf("  mapping restored: %s (under QEMU TCG the memory type changes nothing)\n",
		vmm_mem_type_name(back));
	return SHELL_OK;
}

static int cmd_fb(int argc, char **argv)
{
	if (argc == 1)
		return fb_show();
	if (strcmp(argv[1], "bench") == 0)
		return fb_bench(argc, argv);
	return shell_usage_error("unknown subcommand '%s'", argv[1]);
}
SHELL_COMMAND_HELP("fb", "fb [bench [PASSES]]", "framebuffer mapping, memory type and PAT; fill benchmark",
		   "fb                the framebuffer's address, size and mode; the memory type of\n"
		   "                  its pages, read back from the page tables and IA32_PAT\n"
		   "                  (write-combining when the CPU has a PAT); the PAT MSR as the\n"
		   "                  firmware left it and as it is now\n"
		   "fb bench [PASSES] fill the whole framebuffer PASSES times (default 3, at most\n"
		   "                  100) mapped as now (write-combining), then mapped uncached,\n"
		   "                  and redraw every text cell once with each (a full-screen\n"
		   "                  scroll at most); prints the times and MB/s. The screen is\n"
		   "                  redrawn afterwards. A measurement, never a pass/fail criterion.",
		   cmd_fb);
