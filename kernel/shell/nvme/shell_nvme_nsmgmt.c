/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_nsmgmt.c - namespace management and attachment, as nvme-cli
 * names them: `list-ctrl`, `list-ns` (--all), `create-ns`, `delete-ns`,
 * `attach-ns`, `detach-ns` (nvme_nsmgmt.h). These address the controller;
 * -n/--namespace-id names a namespace that need not be attached here, so
 * they take it themselves instead of through the namespace table.
 */
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

/* Identify lists walked at most this many times (1024 NSIDs each). */
#define NSM_MAX_LISTS 64u

/* The controller named by DEVICE (default: the first); no positional
 * argument else. -n stays the command's own. */
static int nsm_parse(int argc, char **argv, struct shell_opt *opts, struct nvsh_target *tg)
{
	char *pos[3];
	int npos;
	int rc = shell_getopt(argc, argv, opts, pos, 3, &npos);
	if (rc || (rc = nvsh_select(pos, &npos, NULL, NVSH_CTRL, tg)))
		return rc;
	return nvsh_no_more_args(pos, npos);
}

/* -n/--namespace-id NSID, required, 1..FFFFFFFEh (FFFFFFFFh with all_ok). */
static int nsm_nsid(struct shell_opt *opts, bool all_ok, uint32_t *nsid)
{
	uint64_t v = 0;
	if (!nvsh_isset(opts, "namespace-id"))
		return shell_usage_error("missing -n/--namespace-id NSID");
	int rc = nvsh_opt_u64_max(opts, "namespace-id", 0xFFFFFFFFull, &v);
	if (rc)
		return rc;
	if (v == 0 || (v == 0xFFFFFFFFull && !all_ok))
		return shell_usage_error("--namespace-id %llu is not a namespace (1..4294967294)", (unsigned long long)v);
	*nsid = (uint32_t)v;
	return SHELL_OK;
}

/* -c/--controllers LIST into ids (*n 0: none given, this controller). */
static int nsm_ctrls(struct shell_opt *opts, uint16_t *ids, uint32_t max, uint32_t *n)
{
	static uint64_t v[NVME_CTRL_LIST_MAX];
	*n = 0;
	struct shell_opt *o = nvsh_opt(opts, "controllers");
	if (!o->set)
		return SHELL_OK;
	int rc = nvsh_parse_list("controllers", o->value, v, max, 0xFFEF, n);
	if (rc)
		return rc;
	for (uint32_t i = 0; i < *n; i++)
		ids[i] = (uint16_t)v[i];
	return SHELL_OK;
}

static void print_ctrls(const uint16_t *ids, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		kprintf("[%4u]:%#x\n", (unsigned)i, (unsigned)ids[i]);
}

/* ------------------------------------------------------------ list-ctrl */

static int cmd_list_ctrl(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "cntid", .short_name = 'c', .takes_value = true },
		NVSH_OPT_NSID,
		{ 0 },
	};
	struct nvsh_target tg;
	int rc = nsm_parse(argc, argv, opts, &tg);
	if (rc)
		return rc;
	uint64_t first = 0, nsid = 0;
	if ((rc = nvsh_opt_u64_max(opts, "cntid", 0xFFFF, &first)) ||
	    (rc = nvsh_opt_u64_max(opts, "namespace-id", 0xFFFFFFFEull, &nsid)))
		return rc;
	static uint16_t ids[NVME_CTRL_LIST_MAX];
	uint32_t n = 0, total = 0;
	rc = nvme_ctrl_list(tg.c, (uint32_t)nsid, (uint16_t)first, ids, NVME_CTRL_LIST_MAX, &n, &total);
	if (rc == NVME_ERR_UNSUPPORTED)
		return shell_error("list-ctrl: %s has no controller list (Identify CNS %s needs NVMe 1.2)", tg.name,
				   nsid ? "12h" : "13h");
	if (rc)
		return nvsh_fail(nsid ? "Identify CNS 12h (controllers of a namespace)"
				      : "Identify CNS 13h (controllers of the subsystem)", rc);
	kprintf("num of ctrls present: %u\n", (unsigned)n);
	print_ctrls(ids, n);
	kprintf("(this controller: %#x)\n", (unsigned)nvme_ctrl_cntlid(tg.c));
	return SHELL_OK;
}
NVSH_COMMAND("list-ctrl", "list-ctrl [DEVICE] [-c CNTID] [-n NSID]",
	     "controllers of the NVM subsystem, or attached to a namespace (nvme-cli list-ctrl)",
	     NVSH_HELP_CTRL
	     "Without -n: every controller of the subsystem (Identify CNS 13h); with -n NSID:\n"
	     "the controllers that namespace is attached to (CNS 12h), attached here or not.\n"
	     "-c/--cntid lists identifiers from CNTID on. The list from the device is checked\n"
	     "(at most 2047 increasing identifiers).\n",
	     cmd_list_ctrl);

/* ------------------------------------------------------------ list-ns */

static int cmd_list_ns(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "all", .short_name = 'a' },
		{ 0 },
	};
	struct nvsh_target tg;
	int rc = nsm_parse(argc, argv, opts, &tg);
	if (rc)
		return rc;
	uint64_t from = 1;
	if ((rc = nvsh_opt_u64_max(opts, "namespace-id", 0xFFFFFFFEull, &from)))
		return rc;
	bool all = nvsh_isset(opts, "all");
	static uint32_t ids[NVME_NS_LIST_ENTRIES];
	uint32_t after = from != 0 ? (uint32_t)from - 1u : 0, shown = 0;
	for (uint32_t lists = 0; lists < NSM_MAX_LISTS; lists++) {
		uint32_t n = 0;
		rc = all ? nvme_ns_list_allocated(tg.c, after, ids, NVME_NS_LIST_ENTRIES, &n)
			 : nvme_ns_list_active(tg.c, after, ids, NVME_NS_LIST_ENTRIES, &n);
		if (rc == NVME_ERR_UNSUPPORTED)
			return shell_error("list-ns: %s has no %s namespace list (Identify CNS %s)", tg.name,
					   all ? "allocated" : "active", all ? "10h needs NVMe 1.2" : "02h needs NVMe 1.1");
		if (rc)
			return nvsh_fail(all ? "Identify CNS 10h (allocated namespaces)" : "Identify CNS 02h (active namespaces)",
					 rc);
		for (uint32_t i = 0; i < n; i++) {
			if (all)
				kprintf("[%4u]:%#x%s\n", (unsigned)shown, (unsigned)ids[i],
					nvme_ns_get(tg.c, ids[i]) ? "" : " (not attached here)");
			else
				kprintf("[%4u]:%#x\n", (unsigned)shown, (unsigned)ids[i]);
			shown++;
		}
		if (n < NVME_NS_LIST_ENTRIES)
			return SHELL_OK;
		after = ids[n - 1];
	}
	kprintf("(stopped after %u namespaces)\n", (unsigned)shown);
	return SHELL_OK;
}
NVSH_COMMAND("list-ns", "list-ns [DEVICE] [-n NSID] [-a]",
	     "namespace IDs: active on this controller, or all allocated (nvme-cli list-ns)",
	     NVSH_HELP_CTRL
	     "Without -a: the namespaces active on this controller (Identify CNS 02h); -a/--all:\n"
	     "every namespace allocated in the subsystem (CNS 10h), attached here or not (those\n"
	     "not attached here are marked). -n/--namespace-id lists from NSID on.\n",
	     cmd_list_ns);

/* ------------------------------------------------------------ attach-ns, detach-ns */

static int attach_detach(int argc, char **argv, bool attach)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "controllers", .short_name = 'c', .takes_value = true },
		NVSH_OPT_YES, NVSH_OPT_FORCE,
		{ 0 },
	};
	const char *what = attach ? "attach-ns" : "detach-ns";
	struct nvsh_target tg;
	uint32_t nsid = 0, n = 0;
	static uint16_t ids[NVME_CTRL_LIST_MAX];
	int rc = nsm_parse(argc, argv, opts, &tg);
	if (rc || (rc = nsm_nsid(opts, false, &nsid)) || (rc = nsm_ctrls(opts, ids, NVME_CTRL_LIST_MAX, &n)))
		return rc;
	bool force = nvsh_isset(opts, "force");
	if ((rc = nvsh_require_cmd(&tg, NVME_OPT_NS_MGMT, NVME_ADMIN_NS_ATTACHMENT, force, "Namespace Attachment")))
		return rc;
	char list[64];
	if (n == 0) {
		ksnprintf(list, sizeof(list), "this controller (%#x)", (unsigned)nvme_ctrl_cntlid(tg.c));
	} else {
		size_t pos = (size_t)ksnprintf(list, sizeof(list), "controller%s", n == 1 ? "" : "s");
		for (uint32_t i = 0; i < n && pos < sizeof(list); i++)
			pos += (size_t)ksnprintf(list + pos, sizeof(list) - pos, "%s%#x", i ? "," : " ", (unsigned)ids[i]);
	}
	if (!attach && (rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"),
					  "detach namespace %u from %s: it disappears from %s (its data stays)",
					  (unsigned)nsid, list, n == 0 ? "this controller" : "them")))
		return rc;
	unsigned flags = force ? NVME_CMD_FORCE : 0;
	rc = attach ? nvme_ns_attach(tg.c, nsid, n ? ids : NULL, n, flags) : nvme_ns_detach(tg.c, nsid, n ? ids : NULL, n, flags);
	if (rc)
		return nvsh_status(&tg, attach ? "Namespace Attachment (attach)" : "Namespace Attachment (detach)", rc);
	kprintf("%s: Success, nsid:%u (%s); %s has %u namespace%s now\n", what, (unsigned)nsid, list, tg.t->name,
		(unsigned)nvme_ns_count(tg.c), nvme_ns_count(tg.c) == 1 ? "" : "s");
	return SHELL_OK;
}

static int cmd_attach_ns(int argc, char **argv) { return attach_detach(argc, argv, true); }
static int cmd_detach_ns(int argc, char **argv) { return attach_detach(argc, argv, false); }

#define HELP_ATTACH                                                                               \
	"-n/--namespace-id NSID (need not be attached here); -c/--controllers comma-separated\n"  \
	"controller identifiers (list-ctrl); default: this controller. Needs OACS bit 3.\n"       \
	"The namespace table is read again afterwards.\n"

NVSH_COMMAND("attach-ns", "attach-ns [DEVICE] -n NSID [-c CNTID[,CNTID...]] [--force]",
	     "attach a namespace to controllers (nvme-cli attach-ns)",
	     NVSH_HELP_CTRL HELP_ATTACH
	     "A private namespace (NMIC 0) goes to one controller only (Namespace Is Private).\n"
	     NVSH_HELP_FORCE,
	     cmd_attach_ns);
NVSH_COMMAND("detach-ns", "detach-ns [DEVICE] -n NSID [-c CNTID[,CNTID...]] [--yes] [--force]",
	     "detach a namespace from controllers (nvme-cli detach-ns)",
	     NVSH_HELP_CTRL HELP_ATTACH
	     "The namespace disappears from those controllers; its data stays (attach-ns brings\n"
	     "it back). Asks for 'yes' unless --yes.\n" NVSH_HELP_FORCE,
	     cmd_detach_ns);

/* ------------------------------------------------------------ create-ns, delete-ns */

static int cmd_create_ns(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "nsze", .short_name = 's', .takes_value = true },
		{ .name = "ncap", .short_name = 'c', .takes_value = true },
		{ .name = "flbas", .short_name = 'f', .takes_value = true },
		{ .name = "block-size", .short_name = 'b', .takes_value = true },
		{ .name = "dps", .short_name = 'd', .takes_value = true },
		{ .name = "nmic", .short_name = 'm', .takes_value = true },
		{ .name = "csi", .short_name = 'y', .takes_value = true },
		NVSH_OPT_FORCE,
		{ 0 },
	};
	struct nvsh_target tg;
	int rc = nsm_parse(argc, argv, opts, &tg);
	if (rc)
		return rc;
	uint64_t nsze = 0, ncap = 0, flbas = 0, bs = 0, dps = 0, nmic = 0, csi = 0;
	if (!nvsh_isset(opts, "nsze"))
		return shell_usage_error("missing -s/--nsze (size in blocks)");
	if ((rc = nvsh_opt_u64(opts, "nsze", &nsze)) || (rc = nvsh_opt_u64(opts, "ncap", &ncap)) ||
	    (rc = nvsh_opt_u64_max(opts, "flbas", 0x7F, &flbas)) || (rc = nvsh_opt_u64_max(opts, "block-size", 65536, &bs)) ||
	    (rc = nvsh_opt_u64_max(opts, "dps", 0xF, &dps)) || (rc = nvsh_opt_u64_max(opts, "nmic", 1, &nmic)) ||
	    (rc = nvsh_opt_u64_max(opts, "csi", 0xFF, &csi)))
		return rc;
	if (nsze == 0)
		return shell_usage_error("--nsze 0: a namespace needs at least one block");
	if (!nvsh_isset(opts, "ncap"))
		ncap = nsze;
	if (ncap > nsze)
		return shell_usage_error("--ncap %llu is above --nsze %llu", (unsigned long long)ncap,
					 (unsigned long long)nsze);
	if (nvsh_isset(opts, "block-size")) {
		if (nvsh_isset(opts, "flbas"))
			return shell_usage_error("give -f/--flbas or -b/--block-size, not both");
		/* the formats the controller's namespaces offer (first namespace) */
		const struct nvme_ns *ref = nvme_ns_at(tg.c, 0);
		int found = -1;
		for (unsigned i = 0; ref && i < ref->format_count; i++)
			if (ref->formats[i].data_size == bs && ref->formats[i].meta_size == 0) {
				found = (int)i;
				break;
			}
		if (found < 0)
			return shell_usage_error("--block-size %llu: no LBA format of that size without metadata is known "
						 "(the first namespace's formats are used; give -f/--flbas)",
						 (unsigned long long)bs);
		flbas = (uint64_t)found;
		if (found > 15)
			flbas = (uint64_t)((found & 0xF) | ((found >> 4) << 5));
	}
	bool force = nvsh_isset(opts, "force");
	if ((rc = nvsh_require_cmd(&tg, NVME_OPT_NS_MGMT, NVME_ADMIN_NS_MANAGEMENT, force, "Namespace Management")))
		return rc;
	struct nvme_ns_create_args a = { .nsze = nsze, .ncap = ncap, .flbas = (uint8_t)flbas, .dps = (uint8_t)dps,
					 .shared = nmic != 0, .csi = (uint8_t)csi };
	uint32_t nsid = 0;
	rc = nvme_ns_create(tg.c, &a, force ? NVME_CMD_FORCE : 0, &nsid);
	if (rc)
		return nvsh_status(&tg, "Namespace Management (create)", rc);
	kprintf("create-ns: Success, created nsid:%u (not attached yet: attach-ns -n %u)\n", (unsigned)nsid,
		(unsigned)nsid);
	return SHELL_OK;
}
NVSH_COMMAND("create-ns",
	     "create-ns [DEVICE] -s NSZE [-c NCAP] [-f FLBAS | -b BYTES] [-d DPS] [-m NMIC] [-y CSI] [--force]",
	     "create a namespace (nvme-cli create-ns)",
	     NVSH_HELP_CTRL
	     "-s/--nsze size and -c/--ncap capacity in blocks (default NCAP = NSZE), -f/--flbas\n"
	     "LBA format (FLBAS byte: index, bit 4 extended metadata), or -b/--block-size BYTES\n"
	     "to pick the format of that size without metadata among the first namespace's\n"
	     "formats; -d/--dps protection settings (0 none), -m/--nmic 1 shared (may be\n"
	     "attached to several controllers), -y/--csi command set (0 NVM). The new\n"
	     "namespace is attached to no controller: attach-ns makes it usable. Needs OACS\n"
	     "bit 3; QEMU 7.2 sets that bit for attachment but answers Namespace Management\n"
	     "with Invalid Command Opcode.\n" NVSH_HELP_FORCE,
	     cmd_create_ns);

static int cmd_delete_ns(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		NVSH_OPT_YES, NVSH_OPT_FORCE,
		{ 0 },
	};
	struct nvsh_target tg;
	uint32_t nsid = 0;
	int rc = nsm_parse(argc, argv, opts, &tg);
	if (rc || (rc = nsm_nsid(opts, true, &nsid)))
		return rc;
	bool force = nvsh_isset(opts, "force");
	if ((rc = nvsh_require_cmd(&tg, NVME_OPT_NS_MGMT, NVME_ADMIN_NS_MANAGEMENT, force, "Namespace Management")))
		return rc;
	const struct nvme_ns *ns = nsid != NVME_NSID_ALL ? nvme_ns_get(tg.c, nsid) : NULL;
	char sz[32] = "";
	if (ns != NULL) {
		char s[16];
		nvsh_fmt_size(ns->size << ns->lba_shift, s, sizeof(s));
		ksnprintf(sz, sizeof(sz), " (%s)", s);
	}
	if (nsid == NVME_NSID_ALL)
		rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"),
				  "delete EVERY namespace of the subsystem: all their data is lost");
	else
		rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"),
				  "delete namespace %u%s: all its data is lost and it is detached from every controller",
				  (unsigned)nsid, sz);
	if (rc)
		return rc;
	rc = nvme_ns_delete(tg.c, nsid, (force ? NVME_CMD_FORCE : 0) | NVME_NSMGMT_ALL);
	if (rc)
		return nvsh_status(&tg, "Namespace Management (delete)", rc);
	kprintf("delete-ns: Success, deleted nsid:%u; %s has %u namespace%s now\n", (unsigned)nsid, tg.t->name,
		(unsigned)nvme_ns_count(tg.c), nvme_ns_count(tg.c) == 1 ? "" : "s");
	return SHELL_OK;
}
NVSH_COMMAND("delete-ns", "delete-ns [DEVICE] -n NSID [--yes] [--force]",
	     "delete a namespace and its data (nvme-cli delete-ns)",
	     NVSH_HELP_CTRL
	     "-n/--namespace-id NSID (0xffffffff: every namespace). The namespace's data is lost\n"
	     "and it is detached from every controller: asks for 'yes' unless --yes. Needs OACS\n"
	     "bit 3 (QEMU 7.2: answered Invalid Command Opcode). The namespace table is read\n"
	     "again afterwards.\n" NVSH_HELP_FORCE,
	     cmd_delete_ns);
