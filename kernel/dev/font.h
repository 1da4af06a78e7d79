/* SPDX-License-Identifier: BSD-2-Clause */
/* font.h - built-in bitmap font for the framebuffer console (see font.c). */
#ifndef KERNEL_FONT_H
#define KERNEL_FONT_H

#include <stdint.h>

#define FONT_COLS 5 /* glyph width in font units */
#define FONT_ROWS 9 /* glyph height: 7 body rows + 2 descender rows */
#define FONT_CELL_W 6 /* character cell in font units (1 unit gap at right) */
#define FONT_CELL_H 11 /* 1 unit gap above, 1 below */

/* Bit rows of character c (bit FONT_COLS-1 = leftmost column). */
void font_glyph_rows(int c, uint8_t rows[FONT_ROWS]);

#endif
