/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_irq.h - MSI-X interrupts for the NVMe controllers of the test kernel
 * (the interrupt side of the driver's host contract, drivers/nvme/README.md
 * "Interrupt mode").
 *
 * The driver itself never handles interrupts: a queue pair created with
 * nvme_qpair_opts.interrupts gets IEN=1 and IV=vector in Create I/O CQ, and
 * the host decides what an interrupt does. Here:
 *
 *   - nvme_irq_enable() finds the function's MSI-X capability, maps its table
 *     (BAR0 + table offset; QEMU's NVMe device puts it at BAR0+0x2000), masks
 *     every entry and sets MSI-X Enable (INTx was disabled at attach). It must
 *     run before the interrupt-driven CQs are created: QEMU only delivers on
 *     vectors a CQ claimed while MSI-X was on.
 *   - nvme_irq_bind(t, qid) gives table entry qid (the IV the bench uses for
 *     I/O queue qid) its own LAPIC vector from irq_alloc_vector(), programs
 *     the message (address 0xFEE00000 | LAPIC id << 12, data = vector, fixed,
 *     edge) and unmasks it. Entry 0 (the admin queue, polled) stays masked.
 *   - The interrupt handler only records that the queue has work
 *     (nvme_irq_take() reads and clears it). The thread that owns the queue
 *     clears the flag, then reaps everything with nvme_qpair_poll(): an
 *     interrupt that arrives after the clear sets it again, so nothing is
 *     lost. The handler never touches the driver.
 *
 * Interrupts stay disabled (cli) outside code that waits for them with
 * `sti; hlt`; a pending MSI waits in the LAPIC until then.
 */
#ifndef KERNEL_NVME_IRQ_H
#define KERNEL_NVME_IRQ_H

#include <stdbool.h>
#include <stdint.h>
#include "nvme_port.h"

/* Table entries the glue manages per controller (entry = qid). */
#define NVME_IRQ_MAX_ENTRIES (NVME_CFG_MAX_IO_QUEUES + 1)

/* Enables MSI-X on t's PCI function (idempotent). 0, or a negative value
 * after printing why (no MSI-X capability, table too small or outside
 * BAR0, no local APIC). */
int nvme_irq_enable(struct nvmetk_ctrl *t);
/* Binds table entry qid to a LAPIC vector and unmasks it (idempotent).
 * Returns the LAPIC vector, or -1. */
int nvme_irq_bind(struct nvmetk_ctrl *t, uint16_t qid);
/* Masks entry qid again (the vector stays allocated for the next bind). */
void nvme_irq_mask(struct nvmetk_ctrl *t, uint16_t qid);
/* Masks (open false) or unmasks entry qid of a bound queue with one MMIO
 * write, for a caller that polls for a while (nvme_wait.h, hybrid's gate):
 * the device keeps what it would have sent as the entry's Pending bit and
 * sends it when the entry is unmasked, so a halt after the unmask still
 * wakes. Unmasking returns whether that Pending bit was set (a message was
 * held back; false when the PBA is not in BAR0). Does nothing (false) for
 * an entry nvme_irq_bind() has not programmed. */
bool nvme_irq_gate(struct nvmetk_ctrl *t, uint16_t qid, bool open);
/* Interrupts on entry qid since the last call (cleared). */
uint32_t nvme_irq_take(struct nvmetk_ctrl *t, uint16_t qid);
/* Interrupts on entry qid since boot. */
uint64_t nvme_irq_total(const struct nvmetk_ctrl *t, uint16_t qid);

#endif
