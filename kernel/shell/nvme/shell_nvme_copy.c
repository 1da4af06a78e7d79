/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_copy.c - `copy`: the Copy command (nvme_copy), with nvme-cli's
 * options. The controller copies source ranges of a namespace to one
 * destination LBA of the same namespace; the data never crosses the host.
 * Ranges and destination are checked against the namespace, the command
 * against ONCS bit 8 and the namespace's limits (MSRC+1 ranges, MSSRL
 * blocks per range, MCL blocks in all) before anything is sent; the blocks
 * it overwrites are named and confirmed unless --yes.
 */
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

#define COPY_MAX NVME_COPY_MAX_RANGES

/* A comma-separated per-range list: absent (n 0), or one value per range. */
static int per_range(struct shell_opt *opts, const char *name, uint64_t *out, uint64_t limit, uint32_t nr,
		     bool *have)
{
	struct shell_opt *o = nvsh_opt(opts, name);
	uint32_t n = 0;
	*have = o->set;
	if (!o->set)
		return SHELL_OK;
	int rc = nvsh_parse_list(name, o->value, out, COPY_MAX, limit, &n);
	if (rc)
		return rc;
	if (n != nr)
		return shell_usage_error("--%s has %u entries, --slbs %u: give one per range", name, (unsigned)n,
					 (unsigned)nr);
	return SHELL_OK;
}

static int cmd_copy(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "sdlba", .short_name = 'd', .takes_value = true },
		{ .name = "slbs", .short_name = 's', .takes_value = true },
		{ .name = "blocks", .short_name = 'b', .takes_value = true },
		{ .name = "count", .takes_value = true },
		{ .name = "format", .short_name = 'F', .takes_value = true },
		{ .name = "limited-retry", .short_name = 'l' },
		{ .name = "force-unit-access", .short_name = 'f' },
		{ .name = "prinfow", .short_name = 'p', .takes_value = true },
		{ .name = "prinfor", .short_name = 'P', .takes_value = true },
		{ .name = "ref-tag", .short_name = 'r', .takes_value = true },
		{ .name = "expected-ref-tags", .short_name = 'R', .takes_value = true },
		{ .name = "app-tag", .short_name = 'a', .takes_value = true },
		{ .name = "expected-app-tags", .short_name = 'A', .takes_value = true },
		{ .name = "app-mask", .short_name = 'm', .takes_value = true },
		{ .name = "expected-app-masks", .short_name = 'M', .takes_value = true },
		NVSH_OPT_QID, NVSH_OPT_YES, NVSH_OPT_FORCE,
		{ 0 },
	};
	static uint64_t slbs[COPY_MAX], nlbs[COPY_MAX], reft[COPY_MAX], appt[COPY_MAX], appm[COPY_MAX];
	static struct nvme_copy_range ranges[COPY_MAX];
	struct nvsh_target tg;
	struct nvme_qpair *q;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = nvsh_select_qpair(&tg, opts, &q)))
		return rc;
	struct shell_opt *od = nvsh_opt(opts, "sdlba"), *os = nvsh_opt(opts, "slbs"), *ob = nvsh_opt(opts, "blocks"),
			 *oc = nvsh_opt(opts, "count");
	if (!od->set)
		return shell_usage_error("missing -d/--sdlba (the destination LBA)");
	if (!os->set)
		return shell_usage_error("missing -s/--slbs (start blocks of the source ranges)");
	if (ob->set == oc->set)
		return shell_usage_error("give the range lengths with -b/--blocks (0's based, as nvme-cli) or --count "
					 "(1-based), one of them");
	uint64_t sdlba = 0;
	uint32_t nr = 0, nl = 0;
	if ((rc = nvsh_opt_u64(opts, "sdlba", &sdlba)) ||
	    (rc = nvsh_parse_list("slbs", os->value, slbs, COPY_MAX, UINT64_MAX, &nr)))
		return rc;
	if (ob->set)
		rc = nvsh_parse_list("blocks", ob->value, nlbs, COPY_MAX, NVME_COPY_RANGE_MAX_BLOCKS - 1u, &nl);
	else
		rc = nvsh_parse_list("count", oc->value, nlbs, COPY_MAX, NVME_COPY_RANGE_MAX_BLOCKS, &nl);
	if (rc)
		return rc;
	if (nl != nr)
		return shell_usage_error("--slbs has %u entries, --%s %u: give one length per range", (unsigned)nr,
					 ob->set ? "blocks" : "count", (unsigned)nl);
	struct nvme_copy_limits lim;
	(void)nvme_copy_limits(tg.ns, &lim);
	uint64_t fmt = lim.format;
	if ((rc = nvsh_opt_u64_max(opts, "format", 1, &fmt)))
		return rc;
	uint64_t tag_max = fmt == NVME_COPY_FORMAT_0 ? 0xFFFFFFFFull : 0xFFFFFFFFFFFFull;
	bool have_r, have_a, have_m;
	if ((rc = per_range(opts, "expected-ref-tags", reft, tag_max, nr, &have_r)) ||
	    (rc = per_range(opts, "expected-app-tags", appt, 0xFFFF, nr, &have_a)) ||
	    (rc = per_range(opts, "expected-app-masks", appm, 0xFFFF, nr, &have_m)))
		return rc;
	struct nvme_copy_pi pi;
	memset(&pi, 0, sizeof(pi));
	uint64_t v;
	bool have_pi = false;
	const char *pi_opts[] = { "prinfow", "prinfor", "ref-tag", "app-tag", "app-mask" };
	const uint64_t pi_max[] = { 15, 15, tag_max, 0xFFFF, 0xFFFF };
	for (unsigned i = 0; i < 5; i++) {
		v = 0;
		if ((rc = nvsh_opt_u64_max(opts, pi_opts[i], pi_max[i], &v)))
			return rc;
		have_pi |= nvsh_isset(opts, pi_opts[i]);
		switch (i) {
		case 0: pi.prinfow = (uint8_t)v; break;
		case 1: pi.prinfor = (uint8_t)v; break;
		case 2: pi.ilbrt = v; break;
		case 3: pi.lbat = (uint16_t)v; break;
		default: pi.lbatm = (uint16_t)v; break;
		}
	}
	const struct nvme_ns *ns = tg.ns;
	uint64_t total = 0;
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t n = ob->set ? nlbs[i] + 1u : nlbs[i];
		if (n == 0)
			return shell_usage_error("range %u: --count 0: at least one block is needed", (unsigned)(i + 1));
		if (slbs[i] >= ns->size || n > ns->size - slbs[i])
			return shell_usage_error("range %u: LBA %llu + %llu blocks is outside %s (%llu blocks, last LBA "
						 "%llu)", (unsigned)(i + 1), (unsigned long long)slbs[i],
						 (unsigned long long)n, tg.name, (unsigned long long)ns->size,
						 (unsigned long long)(ns->size - 1));
		ranges[i] = (struct nvme_copy_range){ .slba = slbs[i], .nlb = (uint32_t)n,
						      .eilbrt = have_r ? reft[i] : 0,
						      .elbat = have_a ? (uint16_t)appt[i] : 0,
						      .elbatm = have_m ? (uint16_t)appm[i] : 0 };
		total += n;
	}
	if (sdlba >= ns->size || total > ns->size - sdlba)
		return shell_usage_error("destination LBA %llu + %llu blocks is outside %s (%llu blocks, last LBA %llu)",
					 (unsigned long long)sdlba, (unsigned long long)total, tg.name,
					 (unsigned long long)ns->size, (unsigned long long)(ns->size - 1));
	bool force = nvsh_isset(opts, "force");
	if ((rc = nvsh_require_cmd(&tg, NVME_OPT_COPY, NVME_CMD_COPY, force, "Copy")))
		return rc;
	if (!force) {
		/* the namespace's limits, before asking (the driver checks them again) */
		uint64_t longest = 0;
		uint32_t li = 0;
		for (uint32_t i = 0; i < nr; i++)
			if (ranges[i].nlb > longest) {
				longest = ranges[i].nlb;
				li = i;
			}
		if (fmt != lim.format)
			return shell_usage_error("Copy: descriptor format %u does not fit %s (it takes format %u); "
						 "--force sends it anyway", (unsigned)fmt, tg.name, (unsigned)lim.format);
		if (lim.mssrl == 0 || lim.mcl == 0)
			return shell_usage_error("Copy: %s allows no copy (MSSRL %u, MCL %u); --force sends it anyway",
						 tg.name, (unsigned)lim.mssrl, (unsigned)lim.mcl);
		if (nr > lim.max_ranges)
			return shell_usage_error("Copy: %u ranges, %s takes %u (MSRC %u); --force sends it anyway",
						 (unsigned)nr, tg.name, (unsigned)lim.max_ranges,
						 (unsigned)(lim.max_ranges - 1u));
		if (longest > lim.mssrl)
			return shell_usage_error("Copy: range %u has %llu blocks, %s takes %u per range (MSSRL); --force "
						 "sends it anyway", (unsigned)(li + 1), (unsigned long long)longest, tg.name,
						 (unsigned)lim.mssrl);
		if (total > lim.mcl)
			return shell_usage_error("Copy: %llu blocks in all, %s takes %u per command (MCL); --force sends "
						 "it anyway", (unsigned long long)total, tg.name, (unsigned)lim.mcl);
	}
	struct nvsh_range dst = { sdlba, total };
	char rt[NVSH_RANGE_TEXT];
	nvsh_range_text(&tg, &dst, rt, sizeof(rt));
	if ((rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"), "copy %u range%s over %s: the data there is overwritten",
			       (unsigned)nr, nr == 1 ? "" : "s", rt)))
		return rc;
	size_t len = nvme_copy_desc_size((unsigned)fmt, nr);
	struct nvsh_buf b;
	if (!nvsh_buf_alloc(&b, len, len))
		return shell_error("copy: no memory for the %u-byte source range list", (unsigned)len);
	rc = nvme_copy_encode(b.p, b.bytes, (unsigned)fmt, ranges, nr);
	if (rc == 0) {
		unsigned flags = (force ? NVME_CMD_FORCE : 0) | (nvsh_isset(opts, "limited-retry") ? NVME_IO_LIMITED_RETRY : 0) |
				 (nvsh_isset(opts, "force-unit-access") ? NVME_IO_FUA : 0);
		rc = nvme_copy(tg.ns, q, sdlba, b.p, nr, (unsigned)fmt, have_pi ? &pi : NULL, flags);
	}
	nvsh_buf_free(&b);
	if (rc == NVME_ERR_TOO_LARGE || rc == NVME_ERR_UNSUPPORTED ||
	    (rc == NVME_ERR_INVAL && strncmp(nvme_ctrl_refusal(tg.c), "Copy: ", 6) == 0)) {
		/* a limit or the format: the driver's line names it; nothing was sent */
		return shell_usage_error("%s; nothing was sent (--force sends it anyway)", nvme_ctrl_refusal(tg.c));
	}
	if (rc)
		return nvsh_status(&tg, "copy", rc);
	kprintf("copy: Success: %s, %u range%s, %llu blocks to %s (descriptor format %u)\n", tg.name, (unsigned)nr,
		nr == 1 ? "" : "s", (unsigned long long)total, rt, (unsigned)fmt);
	return SHELL_OK;
}
NVSH_COMMAND("copy",
	     "copy [DEVICE] [-n NSID] -d SDLBA -s SLBA[,SLBA...] (-b NLB[,NLB...] | --count N[,N...]) [-F 0|1] "
	     "[-l] [-f] [-p PRINFOW] [-P PRINFOR] [-r REFTAG] [-R REFTAG,...] [-a APPTAG] [-A APPTAG,...] "
	     "[-m MASK] [-M MASK,...] [-q QID] [--yes] [--force]",
	     "Copy: the controller copies block ranges to one destination LBA (nvme-cli copy)",
	     NVSH_HELP_DEVICE
	     "-d/--sdlba first destination block; -s/--slbs comma-separated start blocks of the\n"
	     "source ranges; their lengths as -b/--blocks (0's based, as nvme-cli: -b 0 is one\n"
	     "block) or --count (1-based). The ranges land one after the other from SDLBA.\n"
	     "-F/--format descriptor format: 0 (namespaces with a 16-bit guard or no protection\n"
	     "information) or 1 (32/64-bit guard); default: the one the namespace takes.\n"
	     "-l/--limited-retry, -f/--force-unit-access; protection information: -p/--prinfow,\n"
	     "-P/--prinfor (PRINFO 0..15), -r/--ref-tag, -a/--app-tag, -m/--app-mask of the\n"
	     "destination, -R/--expected-ref-tags, -A/--expected-app-tags,\n"
	     "-M/--expected-app-masks one per source range.\n"
	     "Checked before sending: every range and the destination inside the namespace,\n"
	     "ONCS bit 8, and the namespace's limits (id-ns: MSRC+1 ranges, MSSRL blocks per\n"
	     "range, MCL blocks in all; QEMU 7.2 reports them only for -device nvme-ns, with\n"
	     "-device nvme,drive= they are 0 and no copy is possible). The destination blocks\n"
	     "are overwritten: asks for 'yes' unless --yes. -q/--qid picks the I/O queue.\n"
	     NVSH_HELP_FORCE,
	     cmd_copy);
