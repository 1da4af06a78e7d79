/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_progress.c - console_progress() (platform.h), built on kprintf only,
 * so the kernel and the simulator draw the same bar.
 */
#include "platform.h"

void console_progress(const char *label, uint64_t done, uint64_t total)
{
	static const char *last_label;
	static int last_pct = -1;
	int pct;

	if (total == 0 || done >= total) {
		pct = 100;
	} else {
		uint64_t d = done, t = total;
		while (t > (1ull << 56)) { /* keep d * 100 from overflowing */
			d >>= 8;
			t >>= 8;
		}
		pct = (int)(d * 100 / t);
	}
	if (label == last_label && pct == last_pct)
		return;
	last_label = label;
	last_pct = pct;

	char bar[21];
	int filled = pct / 5;
	for (int i = 0; i < 20; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[20] = 0;
	kprintf("\r%s [%s] %3d%% (%llu/%llu)\x1b[K", label ? label : "", bar, pct,
		(unsigned long long)done, (unsigned long long)total);
	if (pct == 100) {
		kprintf("\n");
		last_label = NULL;
		last_pct = -1;
	}
}
