/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_dbbuf.h - shadow doorbells (nvme_dbbuf.c): registered by init and
 * after every reset unless cfg.no_shadow_doorbells (README.md "Shadow
 * doorbells").
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_DBBUF_H
#define NVME_DBBUF_H

/* Shadow doorbells registered now (Doorbell Buffer Config succeeded since
 * the last init or reset; cfg.no_shadow_doorbells clear). */
bool     nvme_ctrl_shadow_doorbells(const struct nvme_ctrl *c);

#endif /* NVME_DBBUF_H */
