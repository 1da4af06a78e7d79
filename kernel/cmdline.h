/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmdline.h - the kernel command line (from the Multiboot2 loader).
 *
 * Words are separated by spaces; a word is `key`, `key=value`,
 * `key="value with spaces"` or `key='value'` (inside double quotes, \" and \\
 * are escapes). Known keys:
 *   run="cmd1; cmd2"   shell commands run after boot (see shell.h)
 *   onpanic=exit       after an exception report, exit QEMU with code 125
 * Other keys are kept for later options.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

void cmdline_init(const char *raw);
/* Value of `key`: "" for a bare `key`, NULL if the key is absent. The last
 * occurrence wins. */
const char *cmdline_get(const char *key);
/* The line as the loader passed it. */
const char *cmdline_raw(void);

#endif
