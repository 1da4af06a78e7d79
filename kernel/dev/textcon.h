/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * textcon.h - text-grid consoles on screen: VGA text mode (BIOS) and a linear
 * framebuffer drawn with the built-in font (UEFI).
 *
 * Both understand the small ANSI subset the shell's line editor emits:
 * CR, LF, BS, TAB, ESC[nC (right), ESC[nD (left), ESC[K (erase to end of
 * line), ESC[2J / ESC[H (clear, home) and ESC[...m colours (30-37, 90-97,
 * 0 reset, 1 bright). Other sequences are swallowed.
 */
#ifndef KERNEL_TEXTCON_H
#define KERNEL_TEXTCON_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* VGA text mode at physical 0xB8000 (cols x rows as reported by the loader). */
bool vgacon_init(uint64_t phys, uint32_t cols, uint32_t rows);

/* Linear framebuffer: 32 or 24 bits per pixel, direct RGB. The framebuffer is
 * mapped with vmm_map_wc() (write-combining where the CPU has a PAT, else
 * uncached); every fbcon_write ends with an sfence. Returns false (and the
 * console stays off) for formats we do not draw. */
bool fbcon_init(uint64_t phys, uint32_t pitch, uint32_t width, uint32_t height, uint8_t bpp,
		uint8_t rpos, uint8_t rsize, uint8_t gpos, uint8_t gsize, uint8_t bpos, uint8_t bsize);

void vgacon_write(const char *s, size_t n);
void fbcon_write(const char *s, size_t n);
bool vgacon_active(void);
bool fbcon_active(void);
/* "1024x768 32bpp, 85x34 text, font scale 2, write-combining" for the boot
 * log (the memory type is read back from the page tables). */
void fbcon_describe(char *buf, size_t size);

/* The framebuffer console's mapping, for the `fb` command. */
struct fbcon_info {
	uint64_t phys, bytes;
	volatile uint8_t *mem;
	uint32_t pitch, width, height, bpp;
};
bool fbcon_info(struct fbcon_info *out);
/* Clears the framebuffer and draws every cell again. */
void fbcon_redraw(void);

#endif
