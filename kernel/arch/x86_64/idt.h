/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * idt.h - interrupts: GDT/TSS, IDT, exception reports, vector allocation,
 * local APIC and the (masked) legacy PICs.
 *
 * Vector layout:
 *   0-31     CPU exceptions: a report (vector, error code, RIP, CR2, all
 *            registers, a frame-pointer backtrace) goes to every console,
 *            then the CPU halts (or, with `onpanic=exit` on the kernel
 *            command line, QEMU exits through isa-debug-exit with code 125).
 *   32-47    legacy 8259 PIC range (remapped there and fully masked; a
 *            spurious IRQ 7/15 is ignored)
 *   48-239   free for irq_alloc_vector() (e.g. PCI MSI-X)
 *   255      LAPIC spurious vector
 *
 * For MSI/MSI-X: message address = 0xFEE00000 | (lapic_id() << 12),
 * message data = vector (fixed delivery, edge). Interrupts stay disabled
 * (cli) until someone calls cpu_sti() (cpu.h); that is allowed any time after
 * idt_init().
 */
#ifndef KERNEL_IDT_H
#define KERNEL_IDT_H

#include <stdint.h>
#include <stdbool.h>

/* What the entry stubs (boot/isr.asm) push, lowest address first. */
struct int_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define IRQ_VECTOR_FIRST 48
#define IRQ_VECTOR_LAST 239
#define LAPIC_SPURIOUS_VECTOR 255

typedef void (*irq_handler_t)(void *ctx);

/*
 * Finds a free vector in 48..239, installs handler(ctx) for it and returns
 * the vector, or -1 if none is free or handler is NULL. The handler runs with
 * interrupts disabled; after it returns the dispatcher signals end of
 * interrupt to the local APIC (handlers must not call lapic_eoi()).
 */
int irq_alloc_vector(irq_handler_t handler, void *ctx);
/* Releases a vector from irq_alloc_vector(). */
void irq_free_vector(int vector);

/* Local APIC (xAPIC via MMIO, or x2APIC via MSRs if firmware enabled it). */
bool lapic_present(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
/* Sends a fixed interrupt with this vector to the current CPU (for tests). */
void lapic_self_ipi(int vector);
/*
 * Local APIC timer: a periodic interrupt on vector (from irq_alloc_vector)
 * every us microseconds, until lapic_timer_stop(). The timer's rate is
 * measured against the TSC on first use (10 ms busy wait). Returns false
 * without a local APIC or with a bad vector. Used as a wake-up source for
 * code that waits with `sti; hlt` (the NVMe bench's interrupt mode), so a
 * lost device interrupt cannot stop it for good.
 */
bool lapic_timer_periodic(int vector, uint32_t us);
/* One interrupt on vector after us microseconds (the hybrid polling naps of
 * kernel/nvme/nvme_wait.c); lapic_timer_stop() cancels it. False (nothing
 * changed) while a periodic timer runs. */
bool lapic_timer_oneshot(int vector, uint32_t us);
void lapic_timer_stop(void);

void gdt_init(void);
void idt_init(void);
void pic_disable(void);
void lapic_init(void);

/* Set by main.c from the `onpanic=exit` command-line option. */
extern bool panic_exit_qemu;

/* Prints a report like an exception's and stops. */
__attribute__((noreturn)) void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
