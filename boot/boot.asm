; SPDX-License-Identifier: BSD-2-Clause
; boot.asm - Multiboot2 header and 32-bit entry of nvmetk.
;
; GRUB (or any Multiboot2 loader) enters _start in 32-bit protected mode with
; paging off, EAX = 0x36D76289 and EBX = physical address of the boot
; information. We check that the CPU can run 64-bit code, clear the BSS,
; identity-map the first 4 GiB with 2 MiB pages, enter long mode and call
; kernel_main(magic, info). The magic is checked in C, which can report a
; wrong value on every console; the only failure reported from here is a CPU
; without long mode (written to COM1 and to the VGA text buffer).

MB2_MAGIC       equ 0xE85250D6
MB2_ARCH_I386   equ 0
MB2_HDR_LEN     equ mb2_header_end - mb2_header_start

section .multiboot2 progbits alloc noexec nowrite align=8
align 8, db 0
mb2_header_start:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd MB2_HDR_LEN
	dd (0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + MB2_HDR_LEN)) & 0xFFFFFFFF
	; Framebuffer tag (type 5), optional (flags bit 0): under UEFI there is no
	; text mode, so GRUB hands over a linear framebuffer; under BIOS grub.cfg
	; sets gfxpayload=text and we keep the VGA text mode.
	align 8, db 0
	dw 5, 1
	dd 20
	dd 1024, 768, 32
	; End tag.
	align 8, db 0
	dw 0, 0
	dd 8
mb2_header_end:

section .data
global mb2_boot_magic, mb2_boot_info
align 8
mb2_boot_magic: dd 0
mb2_boot_info:  dd 0

; Temporary GDT for the jump into long mode; kernel/gdt.c installs the final
; one (with a TSS) from C.
align 16
gdt64:
	dq 0
	dq 0x00209A0000000000   ; 0x08: 64-bit code, present, ring 0
	dq 0x0000920000000000   ; 0x10: data, present, writable
gdt64_end:
gdt64_ptr:
	dw gdt64_end - gdt64 - 1
	dd gdt64

section .bss
align 4096
global boot_pml4
boot_pml4:      resb 4096
boot_pdpt:      resb 4096
boot_pd:        resb 4096 * 4       ; 4 x 1 GiB of 2 MiB pages
global kernel_stack_bottom, kernel_stack_top
align 16
kernel_stack_bottom:
	resb 65536
kernel_stack_top:

section .text
bits 32
global _start
extern __bss_start, __bss_end
_start:
	cli
	cld
	; Keep the loader's registers in .data (not BSS: we clear BSS next).
	mov [mb2_boot_magic], eax
	mov [mb2_boot_info], ebx
	; The loader leaves ESP undefined. Use our stack now; clearing BSS below
	; wipes it, which is fine because nothing on it is live by then.
	mov esp, kernel_stack_top

	; CPUID available? (EFLAGS.ID toggles)
	pushfd
	pop eax
	mov ecx, eax
	xor eax, 1 << 21
	push eax
	popfd
	pushfd
	pop eax
	push ecx
	popfd
	xor eax, ecx
	jz .no_long_mode
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode

	; Clear BSS (page tables and stack live there).
	mov edi, __bss_start
	mov ecx, __bss_end
	sub ecx, edi
	shr ecx, 2
	xor eax, eax
	rep stosd
	mov esp, kernel_stack_top

	; PML4[0] -> PDPT; PDPT[0..3] -> 4 PDs; each PD entry maps 2 MiB.
	mov eax, boot_pdpt
	or eax, 0x3                     ; present | writable
	mov [boot_pml4], eax
	mov edi, boot_pdpt
	mov eax, boot_pd
	or eax, 0x3
	mov ecx, 4
.fill_pdpt:
	mov [edi], eax
	add eax, 4096
	add edi, 8
	loop .fill_pdpt
	mov edi, boot_pd
	xor eax, eax                    ; physical address bits 0..31
	xor edx, edx                    ; bits 32..
	mov ecx, 2048
.fill_pd:
	mov ebx, eax
	or ebx, 0x83                    ; present | writable | 2 MiB page
	mov [edi], ebx
	mov [edi + 4], edx
	add eax, 0x200000
	adc edx, 0
	add edi, 8
	loop .fill_pd

	mov eax, boot_pml4
	mov cr3, eax
	mov eax, cr4
	or eax, (1 << 5)                ; PAE
	mov cr4, eax
	mov ecx, 0xC0000080             ; EFER
	rdmsr
	or eax, (1 << 8)                ; LME
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1   ; PG | WP | PE
	and eax, ~((1 << 30) | (1 << 29))   ; caches on (CD=0, NW=0)
	mov cr0, eax
	lgdt [gdt64_ptr]
	jmp 0x08:long_mode_entry

.no_long_mode:
	mov esi, msg_no_lm
	call serial_puts32
	; Also on the VGA text screen (harmless when there is none).
	mov esi, msg_no_lm
	mov edi, 0xB8000
.vga:
	lodsb
	test al, al
	jz .halt
	mov ah, 0x4F
	stosw
	jmp .vga
.halt:
	cli
	hlt
	jmp .halt

; Minimal polled COM1 output for the one error we report in 32-bit mode.
serial_puts32:
	mov dx, 0x3F9
	xor al, al
	out dx, al                      ; no interrupts
	mov dx, 0x3FB
	mov al, 0x80
	out dx, al                      ; DLAB
	mov dx, 0x3F8
	mov al, 1
	out dx, al                      ; divisor 1 = 115200
	mov dx, 0x3F9
	xor al, al
	out dx, al
	mov dx, 0x3FB
	mov al, 0x03
	out dx, al                      ; 8N1
.next:
	lodsb
	test al, al
	jz .done
	mov ah, al
	mov ecx, 100000
.wait:
	mov dx, 0x3FD
	in al, dx
	test al, 0x20
	jnz .send
	loop .wait
.send:
	mov dx, 0x3F8
	mov al, ah
	out dx, al
	jmp .next
.done:
	ret

msg_no_lm: db "nvmetk: this CPU does not support 64-bit long mode; halting", 13, 10, 0

bits 64
extern kernel_main
long_mode_entry:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rsp, kernel_stack_top
	xor ebp, ebp
	mov edi, [mb2_boot_magic]
	mov esi, [mb2_boot_info]
	call kernel_main
.hang:
	cli
	hlt
	jmp .hang

; No executable stack needed.
section .note.GNU-stack noalloc noexec nowrite progbits
