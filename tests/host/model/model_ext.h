/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_ext.h - internal state of the model's optional commands (firmware,
 * sanitize, format, data management, reservations, namespace changes, the
 * write cache, SMART), shared by model_ext.c, model_dm.c, model_fw.c,
 * model_sanitize.c and model_resv.c. The public knobs are in
 * nvme_model_ext.h.
 *
 * The core model (model_int.h) holds one pointer to this state
 * (nvme_model.ext) and calls model_ext_create/destroy/reset; the commands
 * are registered through the provider tables model_ext_admin_ops /
 * model_ext_io_ops, listed last so that they can wrap core handlers.
 */
#ifndef MODEL_EXT_H
#define MODEL_EXT_H

#include "model_int.h"
#include "nvme_model_ext.h"

#define EXT_FW_MAX_IMAGE    (4u << 20)    /* largest image the model accepts */
#define EXT_FW_PIECE_LOG    256u
#define EXT_MAX_BAD_BLOCKS  32u
#define EXT_RESV_MAX_NS     16u
#define EXT_RESV_MAX_REG    8u

/* One block saved before a cached write (power-loss simulation). */
struct ext_undo {
	uint32_t nsid;
	uint64_t lba;
	uint8_t *old;             /* lba_size bytes; NULL = was all zeros */
};

/* Reservation state of one namespace. */
struct ext_registrant {
	bool     used;
	uint16_t cntlid;
	uint8_t  hostid[16];
	uint64_t key;
};
struct ext_resv_ns {
	uint32_t nsid;            /* 0 = unused */
	uint32_t gen;
	uint8_t  rtype;           /* 0 = no reservation */
	int      holder;          /* registrant index holding it (RO types), -1 none */
	struct ext_registrant reg[EXT_RESV_MAX_REG];
};
/* Shared by the models of one "NVM subsystem" (nvme_model_share_reservations). */
struct ext_resv_domain {
	unsigned refs;
	struct ext_resv_ns ns[EXT_RESV_MAX_NS];
};

struct model_ext {
	struct nvme_model_ext_stats stats;

	/* Identify: commands supported without their Identify bit */
	bool     hidden_io[256], hidden_admin[256];
	bool     effects_log;     /* LPA bit 1 and log 05h */

	/* host identifier (Set Features 81h), else derived from CNTLID */
	uint8_t  hostid[16];
	bool     hostid_set, hostid_ext;

	/* SMART */
	uint16_t temp_k;
	uint8_t  cw;              /* critical warning bits set by the test */
	uint8_t  percent_used, avail_spare, spare_thresh;
	uint64_t poh_base;        /* power on hours at time 0 */
	uint64_t media_errors;
	uint64_t extra_reads, extra_read_512;   /* Compare: host reads, 512-byte units */
	struct { uint32_t nsid; uint64_t lba; } bad[EXT_MAX_BAD_BLOCKS];
	unsigned nbad;

	/* volatile write cache tracking */
	bool     vwc_track;
	struct ext_undo *undo;
	size_t   nundo, cap_undo;

	/* namespace changes */
	uint32_t changed[NVME_NS_LIST_ENTRIES];
	uint32_t nchanged;
	bool     changed_overflow;

	/* firmware */
	uint8_t  nslots;
	bool     slot1_ro;
	char     slot_rev[NVME_FW_MAX_SLOTS][9];   /* "" = empty */
	uint8_t  active_slot;
	uint8_t  next_slot;       /* activated at the next reset of next_kind or stronger */
	enum nvme_model_fw_reset next_kind;
	enum nvme_model_fw_reset reset_required;  /* what an activation needs */
	uint8_t *image;           /* image being downloaded */
	uint32_t image_len;       /* bytes received (contiguous from 0) */
	bool     image_tail;      /* a short (final) piece was received */
	uint32_t piece_off[EXT_FW_PIECE_LOG], piece_len[EXT_FW_PIECE_LOG];
	unsigned npieces;

	/* sanitize */
	bool     san_running, san_failed_mode, san_restricted;
	uint16_t sstat, sprog;
	uint32_t scdw10;
	bool     global_erased;
	uint8_t  san_action, san_passes;
	bool     san_ndas;
	unsigned san_steps, san_fail_at, san_step;
	uint64_t san_step_us, san_start_us;
	uint32_t est[6];          /* ETO, ETBE, ETCE, ETOND, ETBEND, ETCEND */
	unsigned san_log_reads;

	/* NVM command set limits (Identify CNS 06h, model_dm.c) */
	bool     nvm_refused;     /* CNS 06h answers Invalid Field */
	struct nvme_model_nvm_limits nvm;
	bool     nvm_raw_on;
	uint8_t  nvm_raw[16];

	/* format */
	bool     format_fpi;      /* Identify Namespace reports FPI */
	uint8_t  format_fpi_raw;  /* 0xFF: computed from the time left */
	uint64_t format_start;    /* when the pending format was fetched */
	uint64_t format_us;       /* duration of a Format NVM */
	bool     format_pending;  /* its completion is due at format_due */
	uint64_t format_due;
	struct nvme_cqe format_cqe;
	uint16_t format_cqid;

	/* reservations */
	struct ext_resv_domain *resv;
	uint32_t fake_regctl;     /* ~0u: none */

	/* log patches: one per LID */
	struct { bool on; uint32_t off; uint8_t len; uint8_t bytes[16]; } log_patch[256];
};

static inline struct model_ext *EXT(struct nvme_model *m) { return m->ext; }

/* model_ext.c */
struct model_ns *ext_io_ns(struct model_cmd *c);
/* 0, or the status that blocks command c (sanitize in progress / failed) */
uint16_t ext_sanitize_gate(struct nvme_model *m);
/* LBA range of an LBA command: LBA Out of Range status or 0 */
uint16_t ext_lba_range(struct model_cmd *c, const struct model_ns *ns, uint64_t *slba, uint64_t *nlb);
/* The command is supported: its Identify bit, or hidden-supported */
bool ext_io_supported(struct nvme_model *m, uint8_t opc);
bool ext_admin_supported(struct nvme_model *m, uint8_t opc);
/* 0 if admin command c may run: Invalid Command Opcode when it is not
 * supported, else ext_sanitize_gate() */
uint16_t ext_admin_gate(struct model_cmd *c);
/* Before blocks are changed by a write-class command (cache tracking,
 * Global Data Erased). */
void ext_before_write(struct nvme_model *m, struct model_ns *ns, uint64_t lba, uint64_t n, bool fua);
void ext_drop_undo(struct nvme_model *m, uint32_t nsid);   /* 0 = all */
/* Return a log page buffer to the host with the core's offset/length/RAE rules. */
void ext_log_reply(struct model_cmd *c, const void *log, size_t size);
/* Bad block check for reads: status or 0 (and media_errors++) */
uint16_t ext_media_check(struct nvme_model *m, uint32_t nsid, uint64_t lba, uint64_t n);
/* Namespace free and data reset helpers */
void ext_ns_erase(struct model_ns *ns);
/* nsid joined or left the active list (namespace attachment): Changed
 * Namespace List entry and Namespace Attribute Changed event. */
void model_ext_ns_changed(struct nvme_model *m, uint32_t nsid);
/* Raise an event unless the same one is queued or not yet cleared. */
void ext_event(struct nvme_model *m, uint8_t type, uint8_t info, uint8_t lid);
/* SMART event if enabled (type SMART, info) */
void ext_smart_event(struct nvme_model *m, uint8_t info);

/* model_dm.c (and Identify CNS 06h, FPI) */
extern const struct model_opcode ext_dm_ops[];
extern const struct model_opcode ext_dm_admin_ops[];
/* model_fw.c */
extern const struct model_opcode ext_fw_ops[];
void ext_fw_init(struct nvme_model *m);
void ext_fw_free(struct nvme_model *m);
void ext_fw_reset(struct nvme_model *m, enum nvme_model_fw_reset kind);
void ext_fw_slot_log(struct nvme_model *m, struct nvme_fw_slot_log *log);
/* model_sanitize.c (sanitize and format) */
extern const struct model_opcode ext_san_ops[];
void ext_san_init(struct nvme_model *m);
void ext_san_log(struct nvme_model *m, struct nvme_sanitize_log *log);   /* advances progress */
void ext_san_poll(struct nvme_model *m);   /* time-based progress only */
uint8_t ext_format_fpi(struct nvme_model *m);   /* Identify Namespace FPI byte */
/* model_resv.c */
extern const struct model_opcode ext_resv_ops[];
void ext_resv_init(struct nvme_model *m);
void ext_resv_free(struct nvme_model *m);
/* Reservation Conflict status for an I/O command of class write/read, or 0 */
uint16_t ext_resv_gate(struct nvme_model *m, uint32_t nsid, bool write);
void ext_resv_ns_removed(struct nvme_model *m, uint32_t nsid);

#endif /* MODEL_EXT_H */
