/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * textcon.c - VGA text and framebuffer consoles sharing one text grid engine.
 *
 * The engine keeps a shadow copy of every cell (character + colour). Writing
 * or scrolling compares the new cell with the shadow and only redraws cells
 * that changed, which keeps framebuffer scrolling cheap (text is mostly
 * blanks) and never reads back from video memory.
 */
#include "textcon.h"
#include "font.h"
#include "vmm.h"
#include "cpu.h"
#include "kstring.h"
#include "kformat.h"

#define MAX_COLS 256
#define MAX_ROWS 128
#define DEFAULT_ATTR 0x07 /* light grey on black */

struct grid {
	bool active;
	int cols, rows;
	int cx, cy;
	uint8_t attr;
	uint16_t *cells; /* shadow: char | attr << 8 */
	void (*draw)(struct grid *g, int x, int y, uint16_t cell, bool cursor);
	void (*cursor_hw)(struct grid *g); /* VGA moves a hardware cursor */
	bool soft_cursor; /* framebuffer draws the cursor as an inverted cell */
	/* Escape sequence parser. */
	int esc; /* 0 none, 1 after ESC, 2 in CSI */
	int params[4];
	int nparams;
};

static void grid_set(struct grid *g, int x, int y, uint16_t cell)
{
	uint16_t *p = &g->cells[y * g->cols + x];
	if (*p != cell) {
		*p = cell;
		g->draw(g, x, y, cell, false);
	}
}

static void grid_scroll(struct grid *g)
{
	for (int y = 0; y < g->rows - 1; y++)
		for (int x = 0; x < g->cols; x++)
			grid_set(g, x, y, g->cells[(y + 1) * g->cols + x]);
	for (int x = 0; x < g->cols; x++)
		grid_set(g, x, g->rows - 1, (uint16_t)(' ' | (g->attr << 8)));
}

static void grid_newline(struct grid *g)
{
	g->cx = 0;
	if (++g->cy >= g->rows) {
		g->cy = g->rows - 1;
		grid_scroll(g);
	}
}

static void grid_clear_eol(struct grid *g)
{
	for (int x = g->cx; x < g->cols; x++)
		grid_set(g, x, g->cy, (uint16_t)(' ' | (g->attr << 8)));
}

static void grid_sgr(struct grid *g)
{
	static const uint8_t ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

	if (g->nparams == 0)
		g->params[g->nparams++] = 0;
	for (int i = 0; i < g->nparams; i++) {
		int p = g->params[i];
		if (p == 0)
			g->attr = DEFAULT_ATTR;
		else if (p == 1)
			g->attr |= 0x08;
		else if (p >= 30 && p <= 37)
			g->attr = (uint8_t)((g->attr & 0xf8) | ansi_to_vga[p - 30]);
		else if (p >= 90 && p <= 97)
			g->attr = (uint8_t)((g->attr & 0xf0) | 0x08 | ansi_to_vga[p - 90]);
		else if (p == 39)
			g->attr = (uint8_t)((g->attr & 0xf0) | (DEFAULT_ATTR & 0x0f));
	}
}

static void grid_csi(struct grid *g, char fin)
{
	int n = g->nparams ? g->params[0] : 0;
	int count = n > 0 ? n : 1;

	switch (fin) {
	case 'C':
		g->cx = g->cx + count < g->cols ? g->cx + count : g->cols - 1;
		break;
	case 'D':
		g->cx = g->cx - count > 0 ? g->cx - count : 0;
		break;
	case 'K':
		if (n == 0)
			grid_clear_eol(g);
		break;
	case 'J':
		if (n == 2)
			for (int y = 0; y < g->rows; y++)
				for (int x = 0; x < g->cols; x++)
					grid_set(g, x, y, (uint16_t)(' ' | (g->attr << 8)));
		break;
	case 'H':
		g->cx = 0;
		g->cy = 0;
		break;
	case 'm':
		grid_sgr(g);
		break;
	default:
		break;
	}
}

static void grid_putc(struct grid *g, char c)
{
	if (g->esc == 1) {
		if (c == '[') {
			g->esc = 2;
			g->nparams = 0;
			g->params[0] = 0;
		} else {
			g->esc = 0;
		}
		return;
	}
	if (g->esc == 2) {
		if (k_isdigit(c)) {
			if (g->nparams == 0)
				g->nparams = 1;
			int *p = &g->params[g->nparams - 1];
			if (*p < 1000)
				*p = *p * 10 + (c - '0');
		} else if (c == ';') {
			if (g->nparams == 0)
				g->nparams = 1;
			if (g->nparams < 4)
				g->params[g->nparams++] = 0;
		} else if (c == '?') {
			/* private sequences: parameters are ignored below */
		} else {
			g->esc = 0;
			grid_csi(g, c);
		}
		return;
	}

	switch (c) {
	case '\x1b':
		g->esc = 1;
		return;
	case '\n':
		grid_newline(g);
		return;
	case '\r':
		g->cx = 0;
		return;
	case '\b':
		if (g->cx > 0)
			g->cx--;
		return;
	case '\t':
		do {
			grid_set(g, g->cx, g->cy, (uint16_t)(' ' | (g->attr << 8)));
			g->cx++;
		} while (g->cx % 8 && g->cx < g->cols);
		if (g->cx >= g->cols)
			grid_newline(g);
		return;
	case '\a':
		return;
	default:
		break;
	}
	if ((unsigned char)c < 0x20)
		return;
	grid_set(g, g->cx, g->cy, (uint16_t)((unsigned char)c | (g->attr << 8)));
	if (++g->cx >= g->cols)
		grid_newline(g);
}

static void grid_write(struct grid *g, const char *s, size_t n)
{
	if (!g->active)
		return;
	int ox = g->cx, oy = g->cy;
	if (g->soft_cursor)
		g->draw(g, ox, oy, g->cells[oy * g->cols + ox], false);
	for (size_t i = 0; i < n; i++)
		grid_putc(g, s[i]);
	if (g->soft_cursor)
		g->draw(g, g->cx, g->cy, g->cells[g->cy * g->cols + g->cx], true);
	if (g->cursor_hw)
		g->cursor_hw(g);
}

/* ------------------------------------------------------------ VGA text */

static struct grid vga;
static uint16_t vga_cells[80 * 50];
static volatile uint16_t *vga_mem;

static void vga_draw(struct grid *g, int x, int y, uint16_t cell, bool cursor)
{
	(void)cursor;
	vga_mem[y * g->cols + x] = cell;
}

static void vga_cursor(struct grid *g)
{
	uint16_t pos = (uint16_t)(g->cy * g->cols + g->cx);
	outb(0x3D4, 0x0F);
	outb(0x3D5, (uint8_t)pos);
	outb(0x3D4, 0x0E);
	outb(0x3D5, (uint8_t)(pos >> 8));
}

bool vgacon_init(uint64_t phys, uint32_t cols, uint32_t rows)
{
	if (cols == 0 || rows == 0 || cols * rows > sizeof(vga_cells) / sizeof(vga_cells[0]))
		return false;
	vga_mem = vmm_map_mmio(phys, cols * rows * 2);
	if (!vga_mem)
		return false;
	vga.cols = (int)cols;
	vga.rows = (int)rows;
	vga.cells = vga_cells;
	vga.attr = DEFAULT_ATTR;
	vga.draw = vga_draw;
	vga.cursor_hw = vga_cursor;
	/* Start from a clean screen (GRUB leaves its menu there). */
	for (uint32_t i = 0; i < cols * rows; i++) {
		vga_cells[i] = (uint16_t)(' ' | (DEFAULT_ATTR << 8));
		vga_mem[i] = vga_cells[i];
	}
	vga.active = true;
	vga_cursor(&vga);
	return true;
}

void vgacon_write(const char *s, size_t n) { grid_write(&vga, s, n); }
bool vgacon_active(void) { return vga.active; }

/* ------------------------------------------------------------ framebuffer */

static struct grid fb;
static uint16_t fb_cells[MAX_COLS * MAX_ROWS];
static volatile uint8_t *fb_mem;
static uint32_t fb_pitch, fb_width, fb_height, fb_bpp, fb_scale;
static uint64_t fb_phys;
static uint32_t fb_palette[16];
static uint8_t font_bits[96][FONT_ROWS]; /* 95 printable + 1 unknown */

static uint32_t rgb(uint8_t r, uint8_t g, uint8_t b, uint8_t rpos, uint8_t rsize, uint8_t gpos,
		    uint8_t gsize, uint8_t bpos, uint8_t bsize)
{
	return ((uint32_t)(r >> (8 - rsize)) << rpos) | ((uint32_t)(g >> (8 - gsize)) << gpos) |
	       ((uint32_t)(b >> (8 - bsize)) << bpos);
}

static inline void fb_pixel(uint32_t x, uint32_t y, uint32_t color)
{
	volatile uint8_t *p = fb_mem + (uint64_t)y * fb_pitch + x * (fb_bpp / 8);
	if (fb_bpp == 32) {
		*(volatile uint32_t *)p = color;
	} else {
		p[0] = (uint8_t)color;
		p[1] = (uint8_t)(color >> 8);
		p[2] = (uint8_t)(color >> 16);
	}
}

static void fb_draw(struct grid *g, int cx, int cy, uint16_t cell, bool cursor)
{
	(void)g;
	int ch = cell & 0xff;
	uint8_t attr = (uint8_t)(cell >> 8);
	uint32_t fg = fb_palette[attr & 0x0f], bg = fb_palette[(attr >> 4) & 0x0f];
	const uint8_t *rows = font_bits[(ch >= 0x20 && ch < 0x7f) ? ch - 0x20 : 95];
	uint32_t s = fb_scale;
	uint32_t x0 = (uint32_t)cx * FONT_CELL_W * s, y0 = (uint32_t)cy * FONT_CELL_H * s;

	if (cursor) {
		uint32_t t = fg;
		fg = bg;
		bg = t;
	}
	for (uint32_t uy = 0; uy < FONT_CELL_H; uy++) {
		/* Unit row 0 is the gap above the glyph. */
		uint8_t bits = (uy >= 1 && uy <= FONT_ROWS) ? rows[uy - 1] : 0;
		for (uint32_t sy = 0; sy < s; sy++) {
			uint32_t py = y0 + uy * s + sy;
			for (uint32_t ux = 0; ux < FONT_CELL_W; ux++) {
				bool on = ux < FONT_COLS && (bits & (1u << (FONT_COLS - 1 - ux)));
				uint32_t color = on ? fg : bg;
				for (uint32_t sx = 0; sx < s; sx++)
					fb_pixel(x0 + ux * s + sx, py, color);
			}
		}
	}
}

bool fbcon_init(uint64_t phys, uint32_t pitch, uint32_t width, uint32_t height, uint8_t bpp,
		uint8_t rpos, uint8_t rsize, uint8_t gpos, uint8_t gsize, uint8_t bpos, uint8_t bsize)
{
	if ((bpp != 32 && bpp != 24) || width < 160 || height < 100 || pitch < width * (bpp / 8u))
		return false;
	if (rsize == 0 || rsize > 8 || gsize == 0 || gsize > 8 || bsize == 0 || bsize > 8)
		return false;
	/* Write-combining where the PAT allows (vmm.h): an uncached
	 * framebuffer takes one bus transaction per pixel store. */
	fb_mem = vmm_map_wc(phys, (uint64_t)pitch * height);
	if (!fb_mem)
		return false;
	fb_phys = phys;
	fb_pitch = pitch;
	fb_width = width;
	fb_height = height;
	fb_bpp = bpp;
	/* Integer scale: as large as still gives at least 80x25 cells. */
	fb_scale = 1;
	while (width / (FONT_CELL_W * (fb_scale + 1)) >= 80 && height / (FONT_CELL_H * (fb_scale + 1)) >= 25)
		fb_scale++;
	int cols = (int)(width / (FONT_CELL_W * fb_scale));
	int rows = (int)(height / (FONT_CELL_H * fb_scale));
	if (cols > MAX_COLS)
		cols = MAX_COLS;
	if (rows > MAX_ROWS)
		rows = MAX_ROWS;

	/* VGA's 16 colours, so both consoles look alike. */
	static const uint8_t pal[16][3] = {
		{ 0, 0, 0 },       { 0, 0, 170 },     { 0, 170, 0 },     { 0, 170, 170 },
		{ 170, 0, 0 },     { 170, 0, 170 },   { 170, 85, 0 },    { 200, 200, 200 },
		{ 85, 85, 85 },    { 85, 85, 255 },   { 85, 255, 85 },   { 85, 255, 255 },
		{ 255, 85, 85 },   { 255, 85, 255 },  { 255, 255, 85 },  { 255, 255, 255 },
	};
	for (int i = 0; i < 16; i++)
		fb_palette[i] = rgb(pal[i][0], pal[i][1], pal[i][2], rpos, rsize, gpos, gsize, bpos, bsize);
	for (int c = 0; c < 96; c++)
		font_glyph_rows(c < 95 ? c + 0x20 : 0x7f, font_bits[c]);

	/* Clear the whole framebuffer once (also the margins right and below). */
	for (uint32_t y = 0; y < height; y++)
		for (uint32_t x = 0; x < width; x++)
			fb_pixel(x, y, fb_palette[0]);

	fb.cols = cols;
	fb.rows = rows;
	fb.cells = fb_cells;
	fb.attr = DEFAULT_ATTR;
	fb.draw = fb_draw;
	fb.soft_cursor = true;
	for (int i = 0; i < cols * rows; i++)
		fb_cells[i] = (uint16_t)(' ' | (DEFAULT_ATTR << 8));
	fb.active = true;
	return true;
}

void fbcon_write(const char *s, size_t n)
{
	grid_write(&fb, s, n);
	if (fb.active)
		__asm__ volatile("sfence" ::: "memory"); /* WC buffers out now */
}
bool fbcon_active(void) { return fb.active; }

void fbcon_describe(char *buf, size_t size)
{
	int mt = fb.active ? vmm_mem_type(fb_mem) : -1;
	ksnprintf(buf, size, "%ux%u %ubpp, %dx%d text, font scale %u, %s", fb_width, fb_height, fb_bpp,
		  fb.cols, fb.rows, fb_scale,
		  mt == VMM_MT_WC ? "write-combining" : mt == VMM_MT_UC ? "uncached" : "other memory type");
}

bool fbcon_info(struct fbcon_info *out)
{
	if (!fb.active)
		return false;
	out->phys = fb_phys;
	out->mem = fb_mem;
	out->bytes = (uint64_t)fb_pitch * fb_height;
	out->pitch = fb_pitch;
	out->width = fb_width;
	out->height = fb_height;
	out->bpp = fb_bpp;
	return true;
}

void fbcon_redraw(void)
{
	if (!fb.active)
		return;
	for (uint32_t y = 0; y < fb_height; y++)
		for (uint32_t x = 0; x < fb_width; x++)
			fb_pixel(x, y, fb_palette[0]);
	for (int y = 0; y < fb.rows; y++)
		for (int x = 0; x < fb.cols; x++)
			fb_draw(&fb, x, y, fb_cells[y * fb.cols + x], false);
	__asm__ volatile("sfence" ::: "memory");
}
