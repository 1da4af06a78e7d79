/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_support.h - optional-command support detection and the gate of the
 * optional families (nvme_support.c), and the flags they share.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_SUPPORT_H
#define NVME_SUPPORT_H

/*
 * Every optional command below is checked against what Identify Controller
 * advertises before it is sent (nvme_support.c). A command the controller
 * does not advertise fails fast with NVME_ERR_NOT_ADVERTISED and nothing is
 * sent; nvme_ctrl_refusal() then returns one line naming the bit, e.g.
 *   "Firmware Image Download: not supported by this controller: OACS bit 2
 *    (Firmware Download/Commit) is clear (OACS=010Ah)"
 * NVME_CMD_FORCE in a flags argument sends the command anyway; the device's
 * answer comes back as is (e.g. Invalid Command Opcode, which
 * nvme_status_describe() decodes).
 *
 * Opcode-level bits (ONCS, OACS): when the bit is clear and LPA bit 1 says
 * the Commands Supported and Effects log exists, the driver reads that log
 * once (cached until the next reset) and accepts the command if the log
 * marks its opcode supported (CSUPP). Each call checks the opcode of the
 * command it sends (Firmware Image Download 11h, Firmware Commit 10h,
 * Reservation Register 0Dh / Report 0Eh / Acquire 11h / Release 15h) and the
 * refusal names that opcode. QEMU 7.2 needs this: its ONCS lacks
 * Verify, which it implements and lists in the log. Capability bits below
 * the opcode (SANICAP actions, FRMW activation without reset, FNA crypto
 * erase, VWC, LPA) are taken from Identify only.
 */

/* Flags of the optional-command functions (combine with |). */
#define NVME_IO_FUA            0x0001u /* Force Unit Access (Write Zeroes, Compare, Verify) */
#define NVME_IO_LIMITED_RETRY  0x0002u /* Limited Retry */
#define NVME_WZ_DEALLOCATE     0x0004u /* Write Zeroes: deallocate the blocks too (DEAC) */
#define NVME_RESV_IEKEY        0x0008u /* Reservations: Ignore Existing Key */
#define NVME_CMD_FORCE         0x8000u /* send even if the controller does not advertise it */

/* What nvme_ctrl_supports() can be asked about. */
enum nvme_opt {
	NVME_OPT_COMPARE = 0,        /* ONCS bit 0 */
	NVME_OPT_WRITE_UNCORRECTABLE,/* ONCS bit 1 */
	NVME_OPT_DSM,                /* ONCS bit 2 */
	NVME_OPT_WRITE_ZEROES,       /* ONCS bit 3 */
	NVME_OPT_SAVE_SELECT,        /* ONCS bit 4: Save in Set Features, Select in Get Features */
	NVME_OPT_RESERVATIONS,       /* ONCS bit 5 */
	NVME_OPT_TIMESTAMP,          /* ONCS bit 6 */
	NVME_OPT_VERIFY,             /* ONCS bit 7 */
	NVME_OPT_COPY,               /* ONCS bit 8 */
	NVME_OPT_SECURITY,           /* OACS bit 0 */
	NVME_OPT_FORMAT,             /* OACS bit 1 */
	NVME_OPT_FIRMWARE,           /* OACS bit 2 */
	NVME_OPT_NS_MGMT,            /* OACS bit 3 */
	NVME_OPT_SELF_TEST,          /* OACS bit 4 */
	NVME_OPT_DIRECTIVES,         /* OACS bit 5 */
	NVME_OPT_DBBUF,              /* OACS bit 8 */
	NVME_OPT_FW_ACTIVATE_NOW,    /* FRMW bit 4: activation without reset */
	NVME_OPT_SANITIZE_CRYPTO,    /* SANICAP bit 0 */
	NVME_OPT_SANITIZE_BLOCK,     /* SANICAP bit 1 */
	NVME_OPT_SANITIZE_OVERWRITE, /* SANICAP bit 2 */
	NVME_OPT_FORMAT_CRYPTO,      /* FNA bit 2: cryptographic erase in Format NVM */
	NVME_OPT_VWC,                /* VWC bit 0: volatile write cache present */
	NVME_OPT_SMART_PER_NS,       /* LPA bit 0 */
	NVME_OPT_EFFECTS_LOG,        /* LPA bit 1: Commands Supported and Effects log */
	NVME_OPT_LOG_EXTENDED,       /* LPA bit 2: Get Log Page offsets and NUMDU */
	NVME_OPT_COUNT
};

#if NVME_CFG_SUPPORT
/*
 * 0 if the controller supports opt, NVME_ERR_NOT_ADVERTISED if not
 * (NVME_ERR_INVAL for a bad opt, or the status of reading the effects log
 * when that failed for a reason other than "not supported"). why (may be
 * NULL) receives one line either way, e.g. "ONCS bit 2 (Dataset
 * Management) is set" or "SANICAP: block erase not supported
 * (SANICAP=00000000h)". May read the Commands Supported and Effects log.
 * When the bit covers several commands (OACS bit 2: 10h and 11h; ONCS bit 5:
 * 0Dh, 0Eh, 11h, 15h; OACS bit 0: 81h, 82h; bit 3: 0Dh, 15h; bit 5: 19h,
 * 1Ah) and is clear, the log must list every one of them; the reason names
 * each opcode ("does not list admin opcodes 10h (Firmware Commit) and 11h
 * (Firmware Image Download)").
 */
int nvme_ctrl_supports(struct nvme_ctrl *c, enum nvme_opt opt, char *why, size_t len);
/*
 * The same question for one command of opt, by its opcode: the effects log
 * fallback and the reason are about that opcode only ("... does not list
 * admin opcode 11h (Firmware Image Download)"). NVME_ERR_INVAL when opt does
 * not cover opcode. This is the check the driver's own calls make.
 */
int nvme_ctrl_supports_cmd(struct nvme_ctrl *c, enum nvme_opt opt, uint8_t opcode, char *why, size_t len);
/* Short name of opt ("Verify", "Sanitize (block erase)"); "?" if invalid. */
const char *nvme_opt_name(enum nvme_opt opt);
/* The line explaining the last NVME_ERR_NOT_ADVERTISED ("" if none yet). */
const char *nvme_ctrl_refusal(const struct nvme_ctrl *c);
#endif /* NVME_CFG_SUPPORT */

#endif /* NVME_SUPPORT_H */
