/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * script.h - the fixed test script and the benchmark the ports run once
 * the NVMe controller's BAR0 is assigned (script.c).
 */
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stdint.h>

#include "nvme_host.h"

struct port_env {
	struct nvme_host host;
	uint64_t ram_start, ram_end;
	uint64_t dma_bytes;          /* DMA memory the driver holds */
	uint64_t bar0, bar0_size;    /* the controller's BAR0 (CPU address) */
};

/* Attach, run the script (or the benchmark with the option "bench"), shut
 * down. Returns the exit status: 0 all passed, 1 a step failed, 2 the
 * controller did not attach. */
int script_run(struct port_env *env);

#endif /* SCRIPT_H */
