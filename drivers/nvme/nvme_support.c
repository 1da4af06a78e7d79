/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_support.c - which optional commands a controller supports, and the
 * gate every optional command goes through.
 *
 * The answer comes from Identify Controller: ONCS (NVM commands), OACS
 * (admin commands), FRMW, SANICAP, FNA, VWC and LPA. For the opcode-level
 * bits (ONCS, OACS) a clear bit is not the last word when the controller
 * has the Commands Supported and Effects log (LPA bit 1): the log lists
 * every opcode the controller implements (CSUPP), and QEMU 7.2 implements
 * Verify without setting ONCS bit 7. The log is read once, on the first
 * question it can answer, and only its CSUPP bits are kept (64 bytes); a
 * reset forgets them (new firmware may differ).
 *
 * One bit may cover several commands (OACS bit 2: Firmware Commit 10h and
 * Firmware Image Download 11h; ONCS bit 5: the four reservation commands).
 * A command the driver sends is checked with its own opcode
 * (nvme_require_cmd, nvme_ctrl_supports_cmd), so the log fallback and the
 * reason name the opcode actually sent; a question about the whole option
 * (nvme_ctrl_supports) needs every one of its opcodes listed.
 *
 * A refusal is one line in c->refusal that a shell can print verbatim:
 *   "Sanitize: not supported by this controller: SANICAP: block erase not
 *    supported (SANICAP=00000000h)"
 */
#include "nvme_internal.h"

#if NVME_CFG_SUPPORT   /* optional (nvme.h): the file is empty without it */

/* Where a capability bit lives. */
enum opt_reg { R_ONCS, R_OACS, R_FRMW, R_SANICAP, R_FNA, R_VWC, R_LPA };

#define OPT_MAX_OPC 4

struct opt_def {
	uint8_t     reg;        /* enum opt_reg */
	uint8_t     bit;
	uint8_t     nopc;       /* commands the bit covers (effects log fallback); 0: none */
	uint8_t     opc[OPT_MAX_OPC];
	bool        io;         /* the opcodes are I/O (else admin) commands */
	const char *name;       /* nvme_opt_name() */
	const char *bitname;    /* in the reason text */
};

#define OPC1(a)          1, { a }
#define OPC2(a, b)       2, { a, b }
#define OPC4(a, b, c, d) 4, { a, b, c, d }
#define NOPC             0, { 0 }

static const struct opt_def opts[NVME_OPT_COUNT] = {
	[NVME_OPT_COMPARE]      = { R_ONCS, 0, OPC1(NVME_CMD_COMPARE), true, "Compare", "Compare" },
	[NVME_OPT_WRITE_UNCORRECTABLE] = { R_ONCS, 1, OPC1(NVME_CMD_WRITE_UNCORRECTABLE), true,
					   "Write Uncorrectable", "Write Uncorrectable" },
	[NVME_OPT_DSM]          = { R_ONCS, 2, OPC1(NVME_CMD_DSM), true, "Dataset Management", "Dataset Management" },
	[NVME_OPT_WRITE_ZEROES] = { R_ONCS, 3, OPC1(NVME_CMD_WRITE_ZEROES), true, "Write Zeroes", "Write Zeroes" },
	[NVME_OPT_SAVE_SELECT]  = { R_ONCS, 4, NOPC, false, "Features Save/Select", "Save and Select in Set/Get Features" },
	[NVME_OPT_RESERVATIONS] = { R_ONCS, 5, OPC4(NVME_CMD_RESV_REGISTER, NVME_CMD_RESV_REPORT, NVME_CMD_RESV_ACQUIRE,
						NVME_CMD_RESV_RELEASE), true, "Reservations", "Reservations" },
	[NVME_OPT_TIMESTAMP]    = { R_ONCS, 6, NOPC, false, "Timestamp", "Timestamp feature" },
	[NVME_OPT_VERIFY]       = { R_ONCS, 7, OPC1(NVME_CMD_VERIFY), true, "Verify", "Verify" },
	[NVME_OPT_COPY]         = { R_ONCS, 8, OPC1(NVME_CMD_COPY), true, "Copy", "Copy" },
	[NVME_OPT_SECURITY]     = { R_OACS, 0, OPC2(NVME_ADMIN_SECURITY_SEND, NVME_ADMIN_SECURITY_RECV), false,
				    "Security Send/Receive", "Security Send/Receive" },
	[NVME_OPT_FORMAT]       = { R_OACS, 1, OPC1(NVME_ADMIN_FORMAT_NVM), false, "Format NVM", "Format NVM" },
	[NVME_OPT_FIRMWARE]     = { R_OACS, 2, OPC2(NVME_ADMIN_FW_COMMIT, NVME_ADMIN_FW_DOWNLOAD), false,
				    "Firmware Download/Commit", "Firmware Download/Commit" },
	[NVME_OPT_NS_MGMT]      = { R_OACS, 3, OPC2(NVME_ADMIN_NS_MANAGEMENT, NVME_ADMIN_NS_ATTACHMENT), false,
				    "Namespace Management", "Namespace Management/Attachment" },
	[NVME_OPT_SELF_TEST]    = { R_OACS, 4, OPC1(NVME_ADMIN_DEVICE_SELF_TEST), false, "Device Self-test",
				    "Device Self-test" },
	[NVME_OPT_DIRECTIVES]   = { R_OACS, 5, OPC2(NVME_ADMIN_DIRECTIVE_SEND, NVME_ADMIN_DIRECTIVE_RECV), false,
				    "Directives", "Directives" },
	[NVME_OPT_DBBUF]        = { R_OACS, 8, OPC1(NVME_ADMIN_DOORBELL_BUFFER_CONFIG), false, "Doorbell Buffer Config",
				    "Doorbell Buffer Config" },
	[NVME_OPT_FW_ACTIVATE_NOW] = { R_FRMW, 4, NOPC, false, "Firmware activation without reset",
				       "activation without reset" },
	[NVME_OPT_SANITIZE_CRYPTO] = { R_SANICAP, 0, NOPC, false, "Sanitize (crypto erase)", "crypto erase" },
	[NVME_OPT_SANITIZE_BLOCK]  = { R_SANICAP, 1, NOPC, false, "Sanitize (block erase)", "block erase" },
	[NVME_OPT_SANITIZE_OVERWRITE] = { R_SANICAP, 2, NOPC, false, "Sanitize (overwrite)", "overwrite" },
	[NVME_OPT_FORMAT_CRYPTO] = { R_FNA, 2, NOPC, false, "Format NVM cryptographic erase", "cryptographic erase" },
	[NVME_OPT_VWC]          = { R_VWC, 0, NOPC, false, "Volatile write cache", "volatile write cache present" },
	[NVME_OPT_SMART_PER_NS] = { R_LPA, 0, NOPC, false, "Per-namespace SMART log", "SMART log per namespace" },
	[NVME_OPT_EFFECTS_LOG]  = { R_LPA, 1, NOPC, false, "Commands Supported and Effects log",
				    "Commands Supported and Effects log" },
	[NVME_OPT_LOG_EXTENDED] = { R_LPA, 2, NOPC, false, "Extended Get Log Page", "extended data for Get Log Page" },
};

/* Names of the opcodes above, for the reason text. */
NVME_COLD static const char *opc_name(bool io, unsigned opc)
{
	if (io) {
		switch (opc) {
		case NVME_CMD_COMPARE: return "Compare";
		case NVME_CMD_WRITE_UNCORRECTABLE: return "Write Uncorrectable";
		case NVME_CMD_DSM: return "Dataset Management";
		case NVME_CMD_WRITE_ZEROES: return "Write Zeroes";
		case NVME_CMD_VERIFY: return "Verify";
		case NVME_CMD_RESV_REGISTER: return "Reservation Register";
		case NVME_CMD_RESV_REPORT: return "Reservation Report";
		case NVME_CMD_RESV_ACQUIRE: return "Reservation Acquire";
		case NVME_CMD_RESV_RELEASE: return "Reservation Release";
		case NVME_CMD_COPY: return "Copy";
		default: return "?";
		}
	}
	switch (opc) {
	case NVME_ADMIN_SECURITY_SEND: return "Security Send";
	case NVME_ADMIN_SECURITY_RECV: return "Security Receive";
	case NVME_ADMIN_FORMAT_NVM: return "Format NVM";
	case NVME_ADMIN_FW_COMMIT: return "Firmware Commit";
	case NVME_ADMIN_FW_DOWNLOAD: return "Firmware Image Download";
	case NVME_ADMIN_NS_MANAGEMENT: return "Namespace Management";
	case NVME_ADMIN_NS_ATTACHMENT: return "Namespace Attachment";
	case NVME_ADMIN_DEVICE_SELF_TEST: return "Device Self-test";
	case NVME_ADMIN_DIRECTIVE_SEND: return "Directive Send";
	case NVME_ADMIN_DIRECTIVE_RECV: return "Directive Receive";
	case NVME_ADMIN_DOORBELL_BUFFER_CONFIG: return "Doorbell Buffer Config";
	default: return "?";
	}
}

static const char *const reg_names[] = { "ONCS", "OACS", "FRMW", "SANICAP", "FNA", "VWC", "LPA" };

NVME_COLD const char *nvme_opt_name(enum nvme_opt opt)
{
	return (unsigned)opt < NVME_OPT_COUNT ? opts[opt].name : "?";
}

NVME_COLD const char *nvme_ctrl_refusal(const struct nvme_ctrl *c)
{
	return c != NULL ? c->refusal : "";
}

NVME_COLD void nvme_support_reset(struct nvme_ctrl *c)
{
	c->effects_state = 0;
	__builtin_memset(c->effects_acs, 0, sizeof(c->effects_acs));
	__builtin_memset(c->effects_iocs, 0, sizeof(c->effects_iocs));
}

NVME_COLD static uint32_t reg_value(const struct nvme_ctrl *c, unsigned reg)
{
	switch (reg) {
	case R_ONCS:    return c->id.oncs;
	case R_OACS:    return c->id.oacs;
	case R_FRMW:    return c->id.frmw;
	case R_SANICAP: return c->id.sanicap;
	case R_FNA:     return c->id.fna;
	case R_VWC:     return c->id.vwc;
	default:        return c->id.lpa;
	}
}

/* Read the Commands Supported and Effects log once; 0 or its status. */
NVME_COLD static int effects_load(struct nvme_ctrl *c)
{
	if (c->effects_state == 1)
		return 0;
	if (c->effects_state == 2)
		return NVME_ERR_UNSUPPORTED;
	if (!NVME_GET(c->id.lpa, NVME_LPA_CMD_EFFECTS) || c->idbuf == NULL) {
		c->effects_state = 2;
		return NVME_ERR_UNSUPPORTED;
	}
	int rc = nvme_get_log_page(c, NVME_LID_CMD_EFFECTS, 0, 0, 0, c->idbuf, sizeof(struct nvme_cmd_effects_log),
				   false);
	if (rc != 0) {
		nvme_dbg(c, "Commands Supported and Effects log: %s", nvme_strerror(rc));
		if (nvme_status_is_device(rc)) {
			c->effects_state = 2;   /* the device refused: never ask again */
			return NVME_ERR_UNSUPPORTED;
		}
		return rc;   /* e.g. timeout: may work later */
	}
	const struct nvme_cmd_effects_log *log = c->idbuf;
	for (unsigned i = 0; i < 256; i++) {
		if (NVME_GET(log->acs[i], NVME_CMD_EFFECTS_CSUPP))
			c->effects_acs[i >> 3] |= (uint8_t)(1u << (i & 7u));
		if (NVME_GET(log->iocs[i], NVME_CMD_EFFECTS_CSUPP))
			c->effects_iocs[i >> 3] |= (uint8_t)(1u << (i & 7u));
	}
	c->effects_state = 1;
	return 0;
}

/* Append "%02Xh (name)" for the opcodes of d whose bit in mask is set, as
 * "a", "a and b" or "a, b and c". */
NVME_COLD static size_t cat_opcodes(char *why, size_t len, size_t pos, const struct opt_def *d, unsigned mask)
{
	unsigned n = 0, total = 0;
	for (unsigned i = 0; i < d->nopc; i++)
		total += (mask >> i) & 1u;
	for (unsigned i = 0; i < d->nopc; i++) {
		if (!((mask >> i) & 1u))
			continue;
		n++;
		pos = nvme_cat(why, len, pos, "%s%02Xh (%s)", n == 1 ? "" : n == total ? " and " : ", ",
			       (unsigned)d->opc[i], opc_name(d->io, d->opc[i]));
	}
	return pos;
}

/*
 * The answer for opt, its fallback limited to the opcodes in mask (bit i =
 * d->opc[i]): supported when the Identify bit is set, or when the effects
 * log lists every opcode of mask.
 */
NVME_COLD static int supports(struct nvme_ctrl *c, enum nvme_opt opt, unsigned mask, char *why, size_t len)
{
	char dummy[1];
	if (why == NULL) {
		why = dummy;
		len = sizeof(dummy);
	}
	if (len != 0)
		why[0] = '\0';
	const struct opt_def *d = &opts[opt];
	uint32_t v = reg_value(c, d->reg);
	bool set = ((v >> d->bit) & 1u) != 0;
	const char *reg = reg_names[d->reg];

	if (opt == NVME_OPT_WRITE_ZEROES && (c->quirks & NVME_QUIRK_NO_WRITE_ZEROES)) {
		(void)nvme_format(why, len, "Write Zeroes is broken on this controller (quirk %s)",
				  nvme_quirk_name(NVME_QUIRK_NO_WRITE_ZEROES));
		return NVME_ERR_NOT_ADVERTISED;
	}

	if (d->reg == R_SANICAP) {
		(void)nvme_format(why, len, "SANICAP: %s %ssupported (SANICAP=%08Xh)", d->bitname,
				  set ? "" : "not ", (unsigned)v);
		return set ? 0 : NVME_ERR_NOT_ADVERTISED;
	}
	unsigned width = (d->reg == R_ONCS || d->reg == R_OACS) ? 4u : 2u;
	char val[16];
	(void)nvme_format(val, sizeof(val), width == 4 ? "%04Xh" : "%02Xh", (unsigned)v);
	if (set) {
		(void)nvme_format(why, len, "%s bit %u (%s) is set", reg, (unsigned)d->bit, d->bitname);
		return 0;
	}
	size_t pos = nvme_cat(why, len, 0, "%s bit %u (%s) is clear (%s=%s)", reg, (unsigned)d->bit, d->bitname,
			      reg, val);
	if (mask == 0)
		return NVME_ERR_NOT_ADVERTISED;

	/* The effects log may still list the opcodes. */
	int rc = effects_load(c);
	if (rc == NVME_ERR_UNSUPPORTED) {
		if (NVME_GET(c->id.lpa, NVME_LPA_CMD_EFFECTS))
			(void)nvme_cat(why, len, pos, "; the Commands Supported and Effects log is not available");
		return NVME_ERR_NOT_ADVERTISED;
	}
	if (rc != 0) {
		(void)nvme_cat(why, len, pos, "; reading the Commands Supported and Effects log failed: %s",
			       nvme_strerror(rc));
		return rc;
	}
	const uint8_t *bits = d->io ? c->effects_iocs : c->effects_acs;
	unsigned listed = 0, asked = 0;
	for (unsigned i = 0; i < d->nopc; i++) {
		if (!((mask >> i) & 1u))
			continue;
		asked++;
		unsigned opc = d->opc[i];
		if ((bits[opc >> 3] >> (opc & 7u)) & 1u)
			listed |= 1u << i;
	}
	unsigned nlisted = 0;
	for (unsigned i = 0; i < d->nopc; i++)
		nlisted += (listed >> i) & 1u;
	const char *kind = d->io ? "I/O" : "admin";
	const char *plural = asked > 1 ? "s" : "";
	if (nlisted == asked) {
		pos = nvme_cat(why, len, pos, "; but the Commands Supported and Effects log lists %s opcode%s ", kind,
			       plural);
		(void)cat_opcodes(why, len, pos, d, mask);
		return 0;
	}
	if (nlisted == 0) {
		pos = nvme_cat(why, len, pos, " and the Commands Supported and Effects log does not list %s opcode%s ",
			       kind, plural);
		(void)cat_opcodes(why, len, pos, d, mask);
		return NVME_ERR_NOT_ADVERTISED;
	}
	pos = nvme_cat(why, len, pos, " and the Commands Supported and Effects log lists %s opcode%s ", kind,
		       nlisted > 1 ? "s" : "");
	pos = cat_opcodes(why, len, pos, d, listed);
	pos = nvme_cat(why, len, pos, " but not ");
	(void)cat_opcodes(why, len, pos, d, mask & ~listed);
	return NVME_ERR_NOT_ADVERTISED;
}

NVME_COLD int nvme_ctrl_supports(struct nvme_ctrl *c, enum nvme_opt opt, char *why, size_t len)
{
	if (why != NULL && len != 0)
		why[0] = '\0';
	if (c == NULL || (unsigned)opt >= NVME_OPT_COUNT)
		return NVME_ERR_INVAL;
	return supports(c, opt, (1u << opts[opt].nopc) - 1u, why, len);
}

/* Bit of opcode in opts[opt].opc, or 0 when opt does not cover it. */
NVME_COLD static unsigned opc_mask(enum nvme_opt opt, uint8_t opcode)
{
	for (unsigned i = 0; i < opts[opt].nopc; i++)
		if (opts[opt].opc[i] == opcode)
			return 1u << i;
	return 0;
}

NVME_COLD int nvme_ctrl_supports_cmd(struct nvme_ctrl *c, enum nvme_opt opt, uint8_t opcode, char *why, size_t len)
{
	if (why != NULL && len != 0)
		why[0] = '\0';
	if (c == NULL || (unsigned)opt >= NVME_OPT_COUNT)
		return NVME_ERR_INVAL;
	unsigned mask = opc_mask(opt, opcode);
	if (mask == 0)
		return NVME_ERR_INVAL;
	return supports(c, opt, mask, why, len);
}

NVME_COLD int nvme_refuse(struct nvme_ctrl *c, const char *what, const char *why)
{
	(void)nvme_format(c->refusal, sizeof(c->refusal), "%s: not supported by this controller: %s", what, why);
	nvme_dbg(c, "%s", c->refusal);   /* the caller prints it (nvme_ctrl_refusal) */
	return NVME_ERR_NOT_ADVERTISED;
}

NVME_COLD static int require(struct nvme_ctrl *c, enum nvme_opt opt, unsigned mask, unsigned flags, const char *what)
{
	char why[sizeof(c->refusal)];
	if ((flags & NVME_CMD_FORCE) != 0)
		return 0;
	int rc = supports(c, opt, mask, why, sizeof(why));
	if (rc == 0)
		return 0;
	if (rc != NVME_ERR_NOT_ADVERTISED)
		return rc;
	return nvme_refuse(c, what, why);
}

NVME_COLD int nvme_require(struct nvme_ctrl *c, enum nvme_opt opt, unsigned flags, const char *what)
{
	return require(c, opt, (1u << opts[opt].nopc) - 1u, flags, what);
}

NVME_COLD int nvme_require_cmd(struct nvme_ctrl *c, enum nvme_opt opt, uint8_t opcode, unsigned flags, const char *what)
{
	unsigned mask = opc_mask(opt, opcode);
	if (mask == 0)
		return NVME_ERR_INVAL;   /* a driver bug: opt does not cover opcode */
	return require(c, opt, mask, flags, what);
}

#else
typedef int nvme_support_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_SUPPORT */
