; SPDX-License-Identifier: BSD-2-Clause
; isr.asm - interrupt entry stubs for all 256 vectors.
;
; Each stub pushes a dummy error code when the CPU does not push one, then the
; vector number, and jumps to a common path that saves the general registers
; and calls isr_dispatch(struct int_frame *). The layout pushed here must match
; struct int_frame in kernel/idt.h.

bits 64
section .text
extern isr_dispatch

%macro STUB 1
isr_stub_%1:
%if (%1 == 8) || (%1 >= 10 && %1 <= 14) || (%1 == 17) || (%1 == 21) || (%1 == 29) || (%1 == 30)
	push qword %1
%else
	push qword 0
	push qword %1
%endif
	jmp isr_common
%endmacro

%assign i 0
%rep 256
STUB i
%assign i i+1
%endrep

isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	; The CPU aligned RSP to 16 before pushing its frame; 5+2+15 words
	; keep it 16-byte aligned here.
	call isr_dispatch
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16                     ; vector and error code
	iretq

section .rodata
global isr_stub_table
align 8
isr_stub_table:
%assign i 0
%rep 256
	dq isr_stub_%+i
%assign i i+1
%endrep

; No executable stack needed.
section .note.GNU-stack noalloc noexec nowrite progbits
