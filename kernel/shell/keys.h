/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keys.h - keys beyond ASCII that console_getc()/console_trygetc() return,
 * shared by the kernel's consoles (kernel/dev/console.h) and the shell's
 * platform services (platform.h), so both platforms decode the same codes.
 */
#ifndef NVMETK_KEYS_H
#define NVMETK_KEYS_H

enum {
	KEY_UP = 0x100,
	KEY_DOWN,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_HOME,
	KEY_END,
	KEY_DELETE,
};
#define KEY_CTRL(c) ((c) & 0x1f) /* KEY_CTRL('c') == 3 */

#endif
