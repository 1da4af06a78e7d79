/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * start.S - entry of the aarch64 virt port, booted by QEMU's -kernel as an
 * arm64 Linux "Image" (Documentation/arm64/booting.rst): the 64-byte header
 * below makes QEMU load the file at RAM base + 2 MiB (text_offset 0, which
 * QEMU moves past its boot stub) and enter it at EL1 with the MMU off and
 * x0 = the DTB's physical address. (An ELF would be entered at its entry
 * point with x0 = 0: QEMU documents the DTB at the start of RAM for such
 * "bare-metal" images, an address this port would have to assume.)
 *
 * Here: check that we run where we were linked, drop from EL2 to EL1 if
 * entered at EL2, stack, BSS cleared, exception vectors, then
 * arch_entry(dtb) in C.
 */
	.section .text.head, "ax"
	.globl _image_start_entry
_image_start_entry:
	b	real_start              /* code0 */
	.long	0                       /* code1 */
	.quad	0                       /* text_offset: 0 from a 2 MiB boundary */
	.quad	_image_size             /* image_size incl. BSS: QEMU keeps the DTB clear of it */
	.quad	0x2                     /* flags: little endian, 4 KiB pages, 2 MiB-aligned base */
	.quad	0                       /* res2 */
	.quad	0                       /* res3 */
	.quad	0                       /* res4 */
	.ascii	"ARM\x64"               /* magic */
	.long	0                       /* res5 (PE header offset: none) */

real_start:
	mov	x19, x0                 /* DTB */
	/* Linked (not position-independent): the load address must match. */
	adr	x1, _image_start_entry
	ldr	x2, =_image_start
	cmp	x1, x2
	b.ne	hang
	/* EL1 (QEMU's default); from EL2 (-M virt,virtualization=on) drop to
	 * EL1: AArch64 at EL1, the physical counter usable there, no virtual
	 * offset, SCTLR_EL1 in a known state (MMU off), then eret to EL1h with
	 * interrupts masked. EL3 is not supported. */
	mrs	x1, CurrentEL
	lsr	x20, x1, #2             /* the entry EL, reported by arch_entry */
	cmp	x1, #(1 << 2)
	b.eq	at_el1
	cmp	x1, #(2 << 2)
	b.ne	hang
	mov	x1, #(1 << 31)          /* HCR_EL2.RW: EL1 is AArch64 */
	msr	hcr_el2, x1
	mrs	x1, cnthctl_el2
	orr	x1, x1, #3              /* EL1PCTEN, EL1PCEN */
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	ldr	x1, =0x30d00800         /* SCTLR_EL1 RES1 bits, MMU and caches off */
	msr	sctlr_el1, x1
	mov	x1, #0x3c5              /* SPSR: D, A, I, F masked; EL1h */
	msr	spsr_el2, x1
	adr	x1, at_el1
	msr	elr_el2, x1
	isb
	eret
at_el1:
	ldr	x1, =__stack_top
	mov	sp, x1
	/* clear BSS (8-byte aligned by the linker script) */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	ldr	x1, =vectors
	msr	VBAR_EL1, x1
	isb
	mov	x0, x19
	mov	x1, x20
	bl	arch_entry
hang:
	wfe
	b	hang

/*
 * Exception vectors: 16 entries of 128 bytes, 2 KiB aligned. Every entry
 * saves the registers a C call may clobber and calls arch_exception(kind,
 * frame), which reports and ends the run (see arch.c).
 */
	.macro	vec kind
	.balign	0x80
	sub	sp, sp, #(32 * 8)
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
	mov	x0, #\kind
	mov	x1, sp
	b	exc_common
	.endm

	.balign	0x800
vectors:
	vec 0
	vec 1
	vec 2
	vec 3
	vec 4
	vec 5
	vec 6
	vec 7
	vec 8
	vec 9
	vec 10
	vec 11
	vec 12
	vec 13
	vec 14
	vec 15

exc_common:
	bl	arch_exception      /* does not return */
	b	hang

	.section .bss.stack, "aw", %nobits
	.balign	16
	.space	65536
	.globl	__stack_top
__stack_top:
