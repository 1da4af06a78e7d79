/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * abi_other.c - a caller of the driver built with other NVME_CFG_* switches
 * than the driver (the Makefile compiles it twice: ABI_OTHER names the
 * functions of each build). tests_abi.c checks that nvme_ctrl_init()
 * refuses it and leaves its struct nvme_ctrl alone.
 */
#include <string.h>

#include "abi_other.h"
#include "nvme_all.h"

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

int CAT(ABI_OTHER, _init)(const struct nvme_host *host, uint64_t bar, size_t bar_size,
			  int *untouched, char *diff, size_t len)
{
	static struct nvme_ctrl c;   /* this build's layout */
	static unsigned char pattern[sizeof(struct nvme_ctrl)];

	memset(&c, 0xA5, sizeof(c));
	memset(pattern, 0xA5, sizeof(pattern));
	int rc = nvme_ctrl_init(&c, host, bar, bar_size, NULL);
	*untouched = memcmp(&c, pattern, sizeof(c)) == 0;
	nvme_abi_diff(&NVME_ABI_CALLER, diff, len);
	if (rc == 0)
		nvme_ctrl_detach(&c);
	return rc;
}
