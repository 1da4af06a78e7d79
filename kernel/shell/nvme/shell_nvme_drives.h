/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_drives.h - shell helpers for real drives' features (issue 13):
 * the host memory buffer state and the Host Memory Buffer feature decoded
 * (shell_nvme_hmb.c), used by list -v, id-ctrl -H and get-feature.
 */
#ifndef SHELL_NVME_DRIVES_H
#define SHELL_NVME_DRIVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "nvme.h"

/* "<name>: host memory buffer: ..." (state, size, chunks, or why none). */
void nvsh_print_hmb(const char *name, const struct nvme_ctrl *c);
/* Decoded lines of Get Features 0Dh: dword 0 and the attributes data
 * (data may be NULL / short). */
void nvsh_decode_hmb_feature(uint32_t dw0, const uint8_t *data, size_t len);

#endif /* SHELL_NVME_DRIVES_H */
