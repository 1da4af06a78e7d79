/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_admin.h - admin commands of the core (nvme_admin.c): passthrough,
 * Identify, Get/Set Features, Number of Queues, Get Log Page.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_ADMIN_H
#define NVME_ADMIN_H

/*
 * Submit a caller-built command. The driver overwrites sqe->cid and, when
 * len > 0, the data pointer (dptr) and the PSDT bits of sqe->flags;
 * everything else (opcode, NSID, cdw2..15, mptr) is sent as given. With
 * len 0 the dptr and PSDT are sent as given too (for commands that carry
 * physical addresses there, e.g. Doorbell Buffer Config; zero it otherwise).
 * The data direction comes from opcode bits 1:0 (01b host to controller, 10b
 * controller to host, 11b both, 00b none: then buf must be NULL and len 0).
 * len may be any size up to the max transfer (NVME_ERR_TOO_LARGE above). cqe_out (may be NULL) receives the
 * completion entry, also when the status is an error. Admin commands use
 * PRP; I/O commands follow cfg.dptr_mode.
 */
int nvme_admin_passthru(struct nvme_ctrl *c, const struct nvme_sqe *sqe,
			void *buf, size_t len, struct nvme_cqe *cqe_out);

/* Identify with CNS cns into buf (4096 bytes, any address). */
int nvme_identify(struct nvme_ctrl *c, uint8_t cns, uint32_t nsid, uint16_t cntid, void *buf);
/*
 * Set/Get Features. buf/len optional data (NULL, 0 if none). *dw0 (may be
 * NULL) receives completion dword 0. sel is NVME_FEAT_SEL_*.
 */
int nvme_set_features(struct nvme_ctrl *c, uint8_t fid, uint32_t nsid, uint32_t cdw11,
		      bool save, void *buf, size_t len, uint32_t *dw0);
int nvme_get_features(struct nvme_ctrl *c, uint8_t fid, uint8_t sel, uint32_t nsid,
		      uint32_t cdw11, void *buf, size_t len, uint32_t *dw0);
/*
 * Number of Queues (FID 07h): ask for nsq/ncq I/O queues (1..65535, 1's
 * based here); *nsq_granted and *ncq_granted (1's based) receive the answer.
 * An answer of FFFFh (65536 queues) is NVME_ERR_BAD_QUEUE_GRANT.
 * Set may only be used once after a reset (use nvme_ctrl_set_io_queue_count).
 */
int nvme_set_num_queues(struct nvme_ctrl *c, uint32_t nsq, uint32_t ncq,
			uint32_t *nsq_granted, uint32_t *ncq_granted);
int nvme_get_num_queues(struct nvme_ctrl *c, uint32_t *nsq, uint32_t *ncq);
#if NVME_CFG_LOGS || NVME_CFG_SUPPORT
/*
 * Get Log Page lid into buf: len bytes (dword multiple, > 0) from byte
 * offset off (dword aligned). Offsets and lengths above 256 KiB need
 * LPA.EXTENDED_DATA (else NVME_ERR_BAD_LOG_LENGTH). A len above the max
 * transfer is read in several commands at increasing offsets (which needs
 * LPA.EXTENDED_DATA too); all but the last are sent with RAE set, so an
 * event is only released when the whole range was read. rae sets Retain
 * Asynchronous Event.
 */
int nvme_get_log_page(struct nvme_ctrl *c, uint8_t lid, uint8_t lsp, uint32_t nsid,
		      uint64_t off, void *buf, size_t len, bool rae);
#endif

#endif /* NVME_ADMIN_H */
