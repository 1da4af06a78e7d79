/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_hmb.c - the host memory buffer as the shell shows it (list -v,
 * id-ctrl -H) and the Host Memory Buffer feature (0Dh) decoded for
 * get-feature.
 */
#include "shell_nvme.h"
#include "shell_nvme_drives.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"
#include "nvme_hmb.h"

void nvsh_print_hmb(const char *name, const struct nvme_ctrl *c)
{
#if NVME_CFG_HMB
	struct nvme_hmb_info hi;
	if (nvme_hmb_info(c, &hi) != 0)
		return;
	if (hi.preferred == 0) {
		kprintf("%s: host memory buffer: not asked for (HMPRE 0)\n", name);
		return;
	}
	if (hi.bytes != 0) {
		kprintf("%s: host memory buffer: %s, %llu KiB in %u chunk(s) (largest %llu KiB); controller "
			"prefers %llu KiB, needs %llu KiB\n", name, hi.enabled ? "enabled" : "disabled",
			(unsigned long long)(hi.bytes >> 10), (unsigned)hi.chunks,
			(unsigned long long)(hi.largest_chunk >> 10), (unsigned long long)(hi.preferred >> 10),
			(unsigned long long)(hi.minimum >> 10));
		return;
	}
	char why[96];
	nvme_status_describe(hi.status, why, sizeof(why));
	kprintf("%s: host memory buffer: none given (%s); controller prefers %llu KiB, needs %llu KiB\n", name, why,
		(unsigned long long)(hi.preferred >> 10), (unsigned long long)(hi.minimum >> 10));
#else
	(void)c;
	kprintf("%s: host memory buffer: not built (NVME_CFG_HMB=0)\n", name);
#endif
}

void nvsh_decode_hmb_feature(uint32_t dw0, const uint8_t *data, size_t len)
{
	kprintf("\tEnable Host Memory (EHM): %u\n", (unsigned)(dw0 & 1u));
	kprintf("\tMemory Return (MR): %u\n", (unsigned)((dw0 >> 1) & 1u));
	if (data == NULL || len < 16)
		return;
	uint32_t a[4];
	memcpy(a, data, sizeof(a));
	kprintf("\tHost Memory Buffer Size (HSIZE): %u pages\n", (unsigned)a[0]);
	kprintf("\tHost Memory Descriptor List Address (HMDLAU/HMDLAL): 0x%08x%08x\n", (unsigned)a[2],
		(unsigned)a[1]);
	kprintf("\tHost Memory Descriptor List Entry Count (HMDLEC): %u\n", (unsigned)a[3]);
}
