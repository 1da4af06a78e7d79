/* SPDX-License-Identifier: BSD-2-Clause */
/* idt.c - IDT, exception reports, vector allocation and dispatch. */
#include <stdarg.h>
#include "idt.h"
#include "console.h"
#include "cpu.h"
#include "vmm.h"
#include "system.h"
#include "kstring.h"

struct idt_entry {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_entry) == 16, "IDT entry layout");

extern const uint64_t isr_stub_table[256];
extern char kernel_stack_bottom[], kernel_stack_top[];

static struct idt_entry idt[256] __attribute__((aligned(16)));
static struct {
	irq_handler_t fn;
	void *ctx;
} handlers[256];
bool panic_exit_qemu;
static int in_exception;

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26",
	"reserved 27", "#HV hypervisor injection", "#VC VMM communication", "#SX security",
	"reserved 31",
};

static void set_gate(int vec, uint64_t handler, uint8_t ist)
{
	struct idt_entry *e = &idt[vec];
	e->offset_lo = (uint16_t)handler;
	e->selector = 0x08;
	e->ist = ist;
	e->type_attr = 0x8E; /* present, ring 0, 64-bit interrupt gate */
	e->offset_mid = (uint16_t)(handler >> 16);
	e->offset_hi = (uint32_t)(handler >> 32);
	e->zero = 0;
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint8_t ist = (v == 2 || v == 8 || v == 18) ? 1 : 0;
		set_gate(v, isr_stub_table[v], ist);
	}
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

int irq_alloc_vector(irq_handler_t handler, void *ctx)
{
	if (!handler)
		return -1;
	uint64_t flags = read_rflags();
	cpu_cli();
	int found = -1;
	for (int v = IRQ_VECTOR_FIRST; v <= IRQ_VECTOR_LAST; v++) {
		if (!handlers[v].fn) {
			handlers[v].ctx = ctx;
			handlers[v].fn = handler;
			found = v;
			break;
		}
	}
	if (flags & (1u << 9))
		cpu_sti();
	return found;
}

void irq_free_vector(int vector)
{
	if (vector < IRQ_VECTOR_FIRST || vector > IRQ_VECTOR_LAST)
		return;
	uint64_t flags = read_rflags();
	cpu_cli();
	handlers[vector].fn = NULL;
	handlers[vector].ctx = NULL;
	if (flags & (1u << 9))
		cpu_sti();
}

static bool stack_addr_ok(uint64_t a)
{
	return (a & 7) == 0 && a != 0 && vmm_is_mapped((const void *)(uintptr_t)a) &&
	       vmm_is_mapped((const void *)(uintptr_t)(a + 8));
}

static void backtrace(uint64_t rbp)
{
	kprintf("backtrace (frame pointers):");
	for (int depth = 0; depth < 16 && stack_addr_ok(rbp); depth++) {
		uint64_t *frame = (uint64_t *)(uintptr_t)rbp;
		uint64_t ret = frame[1];
		if (ret == 0)
			break;
		kprintf(" %llx", (unsigned long long)ret);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	kprintf("\n");
}

__attribute__((noreturn)) static void stop(void)
{
	kprintf("System halted.\n");
	if (panic_exit_qemu)
		qemu_debug_exit(PANIC_EXIT_CODE);
	cpu_halt_forever();
}

static void dump_regs(const struct int_frame *f)
{
	kprintf("RIP=%016llx CS=%04llx RFLAGS=%016llx\n", (unsigned long long)f->rip,
		(unsigned long long)f->cs, (unsigned long long)f->rflags);
	kprintf("RSP=%016llx SS=%04llx\n", (unsigned long long)f->rsp, (unsigned long long)f->ss);
	kprintf("RAX=%016llx RBX=%016llx RCX=%016llx\n", (unsigned long long)f->rax,
		(unsigned long long)f->rbx, (unsigned long long)f->rcx);
	kprintf("RDX=%016llx RSI=%016llx RDI=%016llx\n", (unsigned long long)f->rdx,
		(unsigned long long)f->rsi, (unsigned long long)f->rdi);
	kprintf("RBP=%016llx R8 =%016llx R9 =%016llx\n", (unsigned long long)f->rbp,
		(unsigned long long)f->r8, (unsigned long long)f->r9);
	kprintf("R10=%016llx R11=%016llx R12=%016llx\n", (unsigned long long)f->r10,
		(unsigned long long)f->r11, (unsigned long long)f->r12);
	kprintf("R13=%016llx R14=%016llx R15=%016llx\n", (unsigned long long)f->r13,
		(unsigned long long)f->r14, (unsigned long long)f->r15);
	kprintf("CR0=%016llx CR2=%016llx CR3=%016llx CR4=%016llx\n",
		(unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

static void exception(struct int_frame *f)
{
	if (in_exception++) {
		/* A fault while reporting a fault: say the minimum and stop. */
		kprintf("\nnested exception %llu at RIP=%llx while reporting another; halting\n",
			(unsigned long long)f->vector, (unsigned long long)f->rip);
		stop();
	}
	uint64_t cr2 = read_cr2();
	kprintf("\n*** EXCEPTION %llu (%s) error code 0x%llx\n", (unsigned long long)f->vector,
		exc_names[f->vector], (unsigned long long)f->error_code);
	if (f->vector == 14) {
		uint64_t e = f->error_code;
		kprintf("page fault at CR2=0x%016llx: %s, %s access, %s mode%s%s\n",
			(unsigned long long)cr2, (e & 1) ? "protection violation" : "page not present",
			(e & 2) ? "write" : ((e & 16) ? "instruction fetch" : "read"),
			(e & 4) ? "user" : "kernel", (e & 8) ? ", reserved bit set" : "",
			(cr2 < 4096) ? " (NULL pointer?)" : "");
	}
	uint64_t guard = (uint64_t)(uintptr_t)kernel_stack_bottom - 4096;
	if ((f->vector == 14 || f->vector == 8) && cr2 >= guard && cr2 < guard + 4096)
		kprintf("CR2 is in the kernel stack guard page: kernel stack overflow\n");
	dump_regs(f);
	backtrace(f->rbp);
	stop();
}

void isr_dispatch(struct int_frame *f)
{
	uint64_t v = f->vector;
	if (v < 32) {
		exception(f);
		return;
	}
	if (v >= 32 && v < 48)
		return; /* masked legacy PIC: only spurious IRQ 7/15 arrive, no EOI */
	if (v == LAPIC_SPURIOUS_VECTOR)
		return; /* spurious: no EOI */
	if (handlers[v].fn)
		handlers[v].fn(handlers[v].ctx);
	lapic_eoi();
}

void panic(const char *fmt, ...)
{
	va_list ap;
	cpu_cli();
	kprintf("\n*** PANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace((uint64_t)(uintptr_t)__builtin_frame_address(0));
	stop();
}
