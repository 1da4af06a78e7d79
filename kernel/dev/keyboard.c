/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keyboard.c - polled PS/2 keyboard. Firmware (SeaBIOS, OVMF) leaves the
 * i8042 translating to scan code set 1, which is what we decode. Mouse bytes
 * (status bit 5) are dropped.
 */
#include "keyboard.h"
#include "console.h"
#include "cpu.h"

#define KBC_DATA 0x60
#define KBC_STATUS 0x64
#define ST_OBF 0x01
#define ST_AUX 0x20

static bool present;
static bool shift_l, shift_r, ctrl, caps, e0;

static const char map_plain[0x3A] = {
	0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
	'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0, 'a', 's',
	'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
	'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};
static const char map_shift[0x3A] = {
	0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
	'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0, 'A', 'S',
	'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
	'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

bool ps2_init(void)
{
	uint8_t st = inb(KBC_STATUS);
	/* No controller: the bus floats to 0xFF. */
	if (st == 0xFF)
		return present = false;
	for (int i = 0; i < 64 && (inb(KBC_STATUS) & ST_OBF); i++)
		(void)inb(KBC_DATA);
	return present = true;
}

bool ps2_present(void) { return present; }

static int decode(uint8_t sc)
{
	if (sc == 0xE0) {
		e0 = true;
		return -1;
	}
	bool release = sc & 0x80;
	uint8_t code = sc & 0x7f;
	bool ext = e0;
	e0 = false;

	if (ext) {
		if (code == 0x1D) { /* right ctrl */
			ctrl = !release;
			return -1;
		}
		if (release || code == 0x2A || code == 0x36) /* fake shifts */
			return -1;
		switch (code) {
		case 0x48: return KEY_UP;
		case 0x50: return KEY_DOWN;
		case 0x4B: return KEY_LEFT;
		case 0x4D: return KEY_RIGHT;
		case 0x47: return KEY_HOME;
		case 0x4F: return KEY_END;
		case 0x53: return KEY_DELETE;
		case 0x1C: return '\n'; /* keypad enter */
		case 0x35: return '/';
		default: return -1;
		}
	}
	switch (code) {
	case 0x2A: shift_l = !release; return -1;
	case 0x36: shift_r = !release; return -1;
	case 0x1D: ctrl = !release; return -1;
	case 0x3A: if (!release) caps = !caps; return -1;
	default: break;
	}
	if (release || code >= sizeof(map_plain))
		return -1;
	bool shift = shift_l || shift_r;
	char c = shift ? map_shift[code] : map_plain[code];
	if (!c)
		return -1;
	if (caps && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		c ^= 0x20;
	if (ctrl) {
		if (c >= 'a' && c <= 'z')
			return c - 'a' + 1;
		if (c >= 'A' && c <= 'Z')
			return c - 'A' + 1;
	}
	return c;
}

int ps2_trygetc(void)
{
	if (!present)
		return -1;
	for (int i = 0; i < 16; i++) {
		uint8_t st = inb(KBC_STATUS);
		if (!(st & ST_OBF))
			return -1;
		uint8_t sc = inb(KBC_DATA);
		if (st & ST_AUX)
			continue;
		int k = decode(sc);
		if (k >= 0)
			return k;
	}
	return -1;
}
