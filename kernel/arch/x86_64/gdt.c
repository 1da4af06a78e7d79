/* SPDX-License-Identifier: BSD-2-Clause */
/* gdt.c - the final GDT: kernel code/data and a TSS whose IST1 stack takes
 * double faults, NMIs and machine checks (so a kernel stack overflow still
 * produces a report). */
#include <stdint.h>
#include "idt.h"
#include "kstring.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

static struct tss tss;
static uint64_t gdt[5]; /* null, code, data, TSS (two slots) */
static uint8_t ist1_stack[16384] __attribute__((aligned(16)));

void gdt_init(void)
{
	memset(&tss, 0, sizeof(tss));
	tss.ist[0] = (uint64_t)(uintptr_t)(ist1_stack + sizeof(ist1_stack));
	tss.iomap_base = sizeof(tss);

	gdt[0] = 0;
	gdt[1] = 0x00209A0000000000ull; /* 0x08 code64 */
	gdt[2] = 0x0000920000000000ull; /* 0x10 data */
	uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;

	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };

	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq $0x08\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw $0x10, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"movw $0x18, %%ax\n\t"
		"ltr %%ax\n\t"
		:
		: "m"(gdtr)
		: "rax", "memory");
}
