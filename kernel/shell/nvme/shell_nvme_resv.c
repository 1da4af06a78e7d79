/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_resv.c - reservations: `resv-register`, `resv-acquire`,
 * `resv-release`, `resv-report` (nvme_resv_*), with nvme-cli's options.
 * Reservations are ONCS bit 5; QEMU 7.2 has neither the bit nor the
 * commands, so they are refused there with the driver's reason (--force
 * sends them and QEMU answers Invalid Command Opcode).
 */
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

#define RESV_OPTS NVSH_OPT_NSID, { .name = "crkey", .short_name = 'c', .takes_value = true }, \
	{ .name = "iekey", .short_name = 'i' }, NVSH_OPT_QID, NVSH_OPT_FORCE

#define HELP_RESV_TYPES                                                                            \
	"Reservation types (-t/--rtype): 1 Write Exclusive, 2 Exclusive Access, 3 Write\n"       \
	"Exclusive - Registrants Only, 4 Exclusive Access - Registrants Only, 5 Write\n"          \
	"Exclusive - All Registrants, 6 Exclusive Access - All Registrants.\n"

/* Common start of the four commands: target, keys, queue, support. */
static int resv_begin(int argc, char **argv, struct shell_opt *opts, struct nvsh_target *tg, struct nvme_qpair **q,
		      uint64_t *crkey, unsigned *flags)
{
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, tg);
	if (rc || (rc = nvsh_opt_u64(opts, "crkey", crkey)) || (rc = nvsh_select_qpair(tg, opts, q)))
		return rc;
	bool force = nvsh_isset(opts, "force");
	*flags = (force ? NVME_CMD_FORCE : 0) | (nvsh_isset(opts, "iekey") ? NVME_RESV_IEKEY : 0);
	return SHELL_OK;
}

static int resv_done(const struct nvsh_target *tg, const char *what, int rc)
{
	if (rc)
		return nvsh_status(tg, what, rc);
	kprintf("NVME %s: success (%s)\n", what, tg->name);
	return SHELL_OK;
}

static int cmd_resv_register(int argc, char **argv)
{
	struct shell_opt opts[] = {
		RESV_OPTS,
		{ .name = "nrkey", .short_name = 'k', .takes_value = true },
		{ .name = "rrega", .short_name = 'r', .takes_value = true },
		{ .name = "cptpl", .short_name = 'p', .takes_value = true },
		{ 0 },
	};
	struct nvsh_target tg;
	struct nvme_qpair *q;
	uint64_t crkey = 0, nrkey = 0, rrega = 0, cptpl = 0;
	unsigned flags;
	int rc = resv_begin(argc, argv, opts, &tg, &q, &crkey, &flags);
	if (rc || (rc = nvsh_opt_u64(opts, "nrkey", &nrkey)) || (rc = nvsh_opt_u64_max(opts, "rrega", 2, &rrega)) ||
	    (rc = nvsh_opt_u64_max(opts, "cptpl", 3, &cptpl)))
		return rc;
	if (cptpl == 1)
		return shell_usage_error("--cptpl 1 is reserved (0 no change, 2 clear, 3 persist through power loss)");
	if ((rc = nvsh_require_cmd(&tg, NVME_OPT_RESERVATIONS, NVME_CMD_RESV_REGISTER, nvsh_isset(opts, "force"),
				  "Reservation Register")))
		return rc;
	rc = nvme_resv_register(tg.ns, q, (uint8_t)rrega, crkey, nrkey, (uint8_t)cptpl, flags);
	return resv_done(&tg, "Reservation Register", rc);
}
NVSH_COMMAND("resv-register",
	     "resv-register [DEVICE] [-n NSID] [-c CRKEY] [-k NRKEY] [-r RREGA] [-p CPTPL] [-i] [-q QID] [--force]",
	     "register, unregister or replace a reservation key (nvme-cli resv-register)",
	     NVSH_HELP_DEVICE
	     "-r/--rrega 0 register NRKEY, 1 unregister CRKEY, 2 replace CRKEY by NRKEY;\n"
	     "-c/--crkey current key, -k/--nrkey new key (64-bit), -i/--iekey ignore the\n"
	     "existing key, -p/--cptpl 0 no change, 2 clear, 3 persist through power loss.\n"
	     "Needs ONCS bit 5 (QEMU 7.2: not set).\n" NVSH_HELP_FORCE,
	     cmd_resv_register);

static int cmd_resv_acquire(int argc, char **argv)
{
	struct shell_opt opts[] = {
		RESV_OPTS,
		{ .name = "prkey", .short_name = 'p', .takes_value = true },
		{ .name = "rtype", .short_name = 't', .takes_value = true },
		{ .name = "racqa", .short_name = 'a', .takes_value = true },
		{ 0 },
	};
	struct nvsh_target tg;
	struct nvme_qpair *q;
	uint64_t crkey = 0, prkey = 0, rtype = 0, racqa = 0;
	unsigned flags;
	int rc = resv_begin(argc, argv, opts, &tg, &q, &crkey, &flags);
	if (rc || (rc = nvsh_opt_u64(opts, "prkey", &prkey)) || (rc = nvsh_opt_u64_max(opts, "rtype", 6, &rtype)) ||
	    (rc = nvsh_opt_u64_max(opts, "racqa", 2, &racqa)))
		return rc;
	if (!nvsh_isset(opts, "rtype") || rtype == 0)
		return shell_usage_error("missing --rtype 1..6 (the reservation type)");
	if ((rc = nvsh_require_cmd(&tg, NVME_OPT_RESERVATIONS, NVME_CMD_RESV_ACQUIRE, nvsh_isset(opts, "force"),
				  "Reservation Acquire")))
		return rc;
	rc = nvme_resv_acquire(tg.ns, q, (uint8_t)racqa, (uint8_t)rtype, crkey, prkey, flags);
	return resv_done(&tg, "Reservation Acquire", rc);
}
NVSH_COMMAND("resv-acquire",
	     "resv-acquire [DEVICE] [-n NSID] -t RTYPE [-c CRKEY] [-p PRKEY] [-a RACQA] [-i] [-q QID] [--force]",
	     "acquire or preempt a reservation (nvme-cli resv-acquire)",
	     NVSH_HELP_DEVICE
	     "-a/--racqa 0 acquire, 1 preempt, 2 preempt and abort; -c/--crkey current key,\n"
	     "-p/--prkey the key to preempt, -i/--iekey ignore the existing key.\n"
	     HELP_RESV_TYPES "Needs ONCS bit 5 (QEMU 7.2: not set).\n" NVSH_HELP_FORCE,
	     cmd_resv_acquire);

static int cmd_resv_release(int argc, char **argv)
{
	struct shell_opt opts[] = {
		RESV_OPTS,
		{ .name = "rtype", .short_name = 't', .takes_value = true },
		{ .name = "rrela", .short_name = 'a', .takes_value = true },
		{ 0 },
	};
	struct nvsh_target tg;
	struct nvme_qpair *q;
	uint64_t crkey = 0, rtype = 0, rrela = 0;
	unsigned flags;
	int rc = resv_begin(argc, argv, opts, &tg, &q, &crkey, &flags);
	if (rc || (rc = nvsh_opt_u64_max(opts, "rtype", 6, &rtype)) || (rc = nvsh_opt_u64_max(opts, "rrela", 1, &rrela)))
		return rc;
	if ((rc = nvsh_require_cmd(&tg, NVME_OPT_RESERVATIONS, NVME_CMD_RESV_RELEASE, nvsh_isset(opts, "force"),
				  "Reservation Release")))
		return rc;
	rc = nvme_resv_release(tg.ns, q, (uint8_t)rrela, (uint8_t)rtype, crkey, flags);
	return resv_done(&tg, "Reservation Release", rc);
}
NVSH_COMMAND("resv-release", "resv-release [DEVICE] [-n NSID] [-t RTYPE] [-c CRKEY] [-a RRELA] [-i] [-q QID] [--force]",
	     "release or clear a reservation (nvme-cli resv-release)",
	     NVSH_HELP_DEVICE
	     "-a/--rrela 0 release (give -t the type held), 1 clear (every registration and the\n"
	     "reservation); -c/--crkey current key, -i/--iekey ignore the existing key.\n"
	     HELP_RESV_TYPES "Needs ONCS bit 5 (QEMU 7.2: not set).\n" NVSH_HELP_FORCE,
	     cmd_resv_release);

static int cmd_resv_report(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "numd", .short_name = 'd', .takes_value = true },
		{ .name = "eds", .short_name = 'e' },
		{ .name = "dump" },
		NVSH_OPT_QID, NVSH_OPT_FORCE,
		{ 0 },
	};
	struct nvsh_target tg;
	struct nvme_qpair *q;
	uint64_t numd = sizeof(nvsh_scratch) / 4 - 1;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = nvsh_opt_u64_max(opts, "numd", sizeof(nvsh_scratch) / 4 - 1, &numd)) ||
	    (rc = nvsh_select_qpair(&tg, opts, &q)))
		return rc;
	bool ext = nvsh_isset(opts, "eds");
	size_t len = (size_t)(numd + 1) * 4;
	if (len < (ext ? 64u : 24u))
		return shell_usage_error("--numd %llu: the report header alone is %u bytes (%u dwords, 0's based %u)",
					 (unsigned long long)numd, ext ? 64u : 24u, ext ? 16u : 6u, ext ? 15u : 5u);
	bool force = nvsh_isset(opts, "force");
	if ((rc = nvsh_require_cmd(&tg, NVME_OPT_RESERVATIONS, NVME_CMD_RESV_REPORT, force, "Reservation Report")))
		return rc;
	struct nvme_resv_info info;
	memset(nvsh_scratch, 0, sizeof(nvsh_scratch));
	rc = nvme_resv_report(tg.ns, q, nvsh_scratch, len, ext, force ? NVME_CMD_FORCE : 0, &info);
	if (rc)
		return nvsh_status(&tg, "resv-report", rc);
	kprintf("NVME Reservation status:\n\n");
	kprintf("gen       : %u\n", (unsigned)info.gen);
	kprintf("rtype     : %u (%s)\n", (unsigned)info.rtype, nvme_resv_type_name(info.rtype));
	kprintf("regctl    : %u%s\n", (unsigned)info.regctl, info.truncated ? " (more than fit the buffer)" : "");
	kprintf("ptpls     : %u\n", (unsigned)info.ptpls);
	for (uint32_t i = 0; i < info.nentries; i++) {
		struct nvme_resv_entry e;
		if (nvme_resv_report_entry(nvsh_scratch, len, &info, i, &e))
			break;
		kprintf("\nregctl[%u] :\n  cntlid  : %#x\n  rcsts   : %#x%s\n  hostid  : ", (unsigned)i,
			(unsigned)e.cntlid, e.holder ? 1u : 0u, e.holder ? " (holds the reservation)" : "");
		for (unsigned b = 0; b < (ext ? 16u : 8u); b++)
			kprintf("%02x", e.hostid[b]);
		kprintf("\n  rkey    : %#llx\n", (unsigned long long)e.rkey);
	}
	if (nvsh_isset(opts, "dump"))
		nvsh_hexdump(0, nvsh_scratch, len);
	return SHELL_OK;
}
NVSH_COMMAND("resv-report", "resv-report [DEVICE] [-n NSID] [-d NUMD] [-e] [--dump] [-q QID] [--force]",
	     "show the reservation status and registrants (nvme-cli resv-report)",
	     NVSH_HELP_DEVICE
	     "-d/--numd dwords to read, 0's based (default 1023: 4 KiB), -e/--eds extended data\n"
	     "structure (128-bit host identifiers), --dump adds a hexdump. Prints generation,\n"
	     "reservation type, registrant count, persist-through-power-loss state and each\n"
	     "registrant (controller ID, holder, host ID, key). Needs ONCS bit 5.\n" NVSH_HELP_FORCE,
	     cmd_resv_report);
