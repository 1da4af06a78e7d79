/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * abi_other.h - the two mismatched callers of tests_abi.c (abi_other.c built
 * with -DNVME_CFG_MAX_NS=8, and with -DNVME_CFG_SGL=0).
 */
#ifndef ABI_OTHER_H
#define ABI_OTHER_H

#include <stddef.h>
#include <stdint.h>

struct nvme_host;

/* nvme_ctrl_init() from that build on a struct filled with A5h: its status;
 * *untouched: the struct still holds only A5h; diff: nvme_abi_diff() of that
 * build against the driver. */
int abi_small_ns_init(const struct nvme_host *host, uint64_t bar, size_t bar_size,
		      int *untouched, char *diff, size_t len);
int abi_no_sgl_init(const struct nvme_host *host, uint64_t bar, size_t bar_size,
		    int *untouched, char *diff, size_t len);

#endif /* ABI_OTHER_H */
