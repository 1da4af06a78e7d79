/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_admin.h - admin commands of the core (nvme_admin.c): passthrough,
 * Identify, Get/Set Features (the one family), Number of Queues, Get Log Page.
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
 * Get/Set Features: the one family (encoders, decoders and the Timestamp
 * helpers are in nvme_features.h). cdw10 is built from fid and save (Set) or
 * sel (Get); cdw11..cdw15 are sent as given, except that the UUID index
 * (dword 14 bits 6:0) comes from uuid_index. buf/len: the feature's data
 * (NULL, 0 if none; any address). *dw0 (may be NULL) receives completion
 * dword 0 (Get: the value), also when the device answers an error.
 *
 * Checked (flags without NVME_FEAT_RAW): Set Number of Queues is refused
 * (NVME_ERR_INVAL: use nvme_ctrl_set_io_queue_count); a Get sel above
 * NVME_FEAT_SEL_SUPPORTED_CAPS is refused; a feature whose value is data
 * (Timestamp, Host Identifier, LBA Range Type, Host Memory Buffer) needs
 * buf, except that a Get of APST without buf reads its table into the
 * driver's buffer. With NVME_CFG_SUPPORT (on with any optional family) it is
 * also gated on what Identify advertises: Select other than current and Save
 * need ONCS bit 4, Volatile Write Cache VWC bit 0, Timestamp ONCS bit 6;
 * NVME_ERR_NOT_ADVERTISED with nothing sent, unless flags has
 * NVME_CMD_FORCE (nvme_support.h). Raw (NVME_FEAT_RAW): the command is sent
 * as built, for tools that pass any value through (nvme-cli's
 * get-feature/set-feature).
 */
#define NVME_FEAT_RAW 0x4000u   /* a flag bit beside nvme_support.h's */
struct nvme_feat_args {
	uint8_t  fid;
	uint8_t  sel;            /* Get: NVME_FEAT_SEL_* */
	bool     save;           /* Set: SV */
	uint8_t  uuid_index;     /* 0..127 (0: none) */
	uint32_t nsid;
	uint32_t cdw11;          /* Set: the value; Get: the instance (e.g. TMPSEL/THSEL), else 0 */
	uint32_t cdw12, cdw13, cdw14, cdw15;
	void    *buf;            /* the feature's data, or NULL */
	size_t   len;            /* bytes at buf (0 without) */
};
int nvme_feat_get(struct nvme_ctrl *c, const struct nvme_feat_args *a, unsigned flags, uint32_t *dw0);
int nvme_feat_set(struct nvme_ctrl *c, const struct nvme_feat_args *a, unsigned flags, uint32_t *dw0);
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
