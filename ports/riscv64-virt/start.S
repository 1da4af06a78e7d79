/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * start.S - entry of the riscv64 virt port, in M-mode: QEMU -bios none
 * -kernel loads this ELF at 0x80000000 and its reset vector jumps here with
 * a0 = hart id, a1 = the DTB's physical address. Harts other than 0 park.
 * Trap vector, stack, BSS cleared, then arch_entry(dtb) in C.
 */
	.section .text.head, "ax"
	.globl	_start
_start:
	csrw	mie, zero
	la	t0, trap_entry
	csrw	mtvec, t0
	bnez	a0, park
	mv	s0, a1
	la	sp, __stack_top
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	mv	a0, s0
	call	arch_entry
park:
	wfi
	j	park

/* Direct-mode trap vector (4-byte aligned): report and end the run. */
	.balign	4
trap_entry:
	la	sp, __stack_top
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	call	arch_trap
	j	park

	.section .bss.stack, "aw", %nobits
	.balign	16
	.space	65536
	.globl	__stack_top
__stack_top:
