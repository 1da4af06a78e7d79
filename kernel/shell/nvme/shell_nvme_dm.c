/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_dm.c - data management commands: `dsm`, `trim`, `write-zeroes`,
 * `compare`, `verify` (nvme_dsm, nvme_trim, nvme_write_zeroes,
 * nvme_compare, nvme_verify).
 *
 * All are optional (ONCS; QEMU 7.2 advertises Compare, DSM and Write Zeroes
 * and implements Verify without ONCS bit 7, which the driver finds in the
 * Commands Supported and Effects log). A controller that does not support
 * one refuses it with the driver's reason; --force sends it anyway.
 * Ranges use the shared syntax (nvsh_parse_range) and are checked before
 * anything is sent; large ranges go in chunks with a progress bar and
 * Ctrl-C between chunks, which the driver splits into commands within the
 * controller's limits (max transfer; Verify/Write Zeroes Size Limits).
 */
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

/* Blocks per chunk of Write Zeroes and Verify (the progress bar's step and
 * where Ctrl-C is checked): the most one command can name (NLB is 16 bits).
 * The driver splits each chunk into commands within the controller's Write
 * Zeroes / Verify Size Limits (Identify CNS 06h; nvm-id-ctrl shows them). */
#define NODATA_CHUNK_BLOCKS NVME_RW_MAX_BLOCKS

/* Confirmation for commands that destroy data in the partition area. */
static int confirm_partition_area(const struct nvsh_target *tg, struct shell_opt *opts, const struct nvsh_range *r,
				  const char *what)
{
	if (!nvsh_touches_partition_area(tg->ns, r))
		return SHELL_OK;
	char rt[NVSH_RANGE_TEXT];
	nvsh_range_text(tg, r, rt, sizeof(rt));
	return nvsh_confirm(tg, nvsh_isset(opts, "yes"),
			    "%s %s: this is inside the first %u bytes (LBA 0..33 in 512-byte units), where "
			    "partition tables live", what, rt, (unsigned)NVSH_PARTITION_AREA_BYTES);
}

static const char *dlfeat_text(const struct nvme_ns *ns)
{
	switch (NVME_GET(ns->dlfeat, NVME_DLFEAT_READ_VALUE)) {
	case NVME_DLFEAT_READ_ZEROES: return "deallocated blocks read as zeroes";
	case NVME_DLFEAT_READ_ONES: return "deallocated blocks read as FFh";
	default: return "what deallocated blocks read as is not reported";
	}
}

/* ------------------------------------------------------------ dsm */

static int cmd_dsm(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "slbs", .short_name = 's', .takes_value = true },
		{ .name = "blocks", .short_name = 'b', .takes_value = true },
		{ .name = "ctx-attrs", .short_name = 'a', .takes_value = true },
		{ .name = "ad", .short_name = 'd' },
		{ .name = "idr", .short_name = 'r' },
		{ .name = "idw", .short_name = 'w' },
		NVSH_OPT_QID, NVSH_OPT_YES, NVSH_OPT_FORCE,
		{ 0 },
	};
	struct nvsh_target tg;
	struct nvme_qpair *q;
	static uint64_t slbs[NVME_DSM_MAX_RANGES], nlbs[NVME_DSM_MAX_RANGES], cas[NVME_DSM_MAX_RANGES];
	uint32_t ns_ = 0, nb = 0, nc = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = nvsh_select_qpair(&tg, opts, &q)))
		return rc;
	struct shell_opt *os = nvsh_opt(opts, "slbs"), *ob = nvsh_opt(opts, "blocks"),
			 *oa = nvsh_opt(opts, "ctx-attrs");
	if (!os->set)
		return shell_usage_error("missing --slbs (start blocks of the ranges)");
	if (!ob->set)
		return shell_usage_error("missing --blocks (lengths of the ranges)");
	if ((rc = nvsh_parse_list("slbs", os->value, slbs, NVME_DSM_MAX_RANGES, UINT64_MAX, &ns_)) ||
	    (rc = nvsh_parse_list("blocks", ob->value, nlbs, NVME_DSM_MAX_RANGES, 0xFFFFFFFFull, &nb)))
		return rc;
	if (oa->set && (rc = nvsh_parse_list("ctx-attrs", oa->value, cas, NVME_DSM_MAX_RANGES, 0xFFFFFFFFull, &nc)))
		return rc;
	if (nb != ns_)
		return shell_usage_error("--slbs has %u entries, --blocks %u: give one length per range",
					 (unsigned)ns_, (unsigned)nb);
	if (oa->set && nc != ns_)
		return shell_usage_error("--ctx-attrs has %u entries, --slbs %u: give one per range", (unsigned)nc,
					 (unsigned)ns_);
	const struct nvme_ns *ns = tg.ns;
	uint64_t total = 0;
	bool partition = false;
	for (uint32_t i = 0; i < ns_; i++) {
		if (nlbs[i] == 0)
			return shell_usage_error("range %u: --blocks 0: at least one block is needed", (unsigned)(i + 1));
		if (slbs[i] >= ns->size)
			return shell_usage_error("range %u: start block %llu is beyond the end of %s (%llu blocks, last "
						 "LBA %llu)", (unsigned)(i + 1), (unsigned long long)slbs[i], tg.name,
						 (unsigned long long)ns->size, (unsigned long long)(ns->size - 1));
		if (nlbs[i] > ns->size - slbs[i])
			return shell_usage_error("range %u: LBA %llu + %llu blocks runs past the end of %s (last LBA %llu)",
						 (unsigned)(i + 1), (unsigned long long)slbs[i],
						 (unsigned long long)nlbs[i], tg.name, (unsigned long long)(ns->size - 1));
		struct nvsh_range r = { slbs[i], nlbs[i] };
		partition |= nvsh_touches_partition_area(ns, &r);
		total += nlbs[i];
	}
	uint32_t attrs = (nvsh_isset(opts, "ad") ? NVME_DSM_ATTR_DEALLOCATE : 0) |
			 (nvsh_isset(opts, "idr") ? NVME_DSM_ATTR_IDR : 0) | (nvsh_isset(opts, "idw") ? NVME_DSM_ATTR_IDW : 0);
	bool force = nvsh_isset(opts, "force");
	if ((rc = nvsh_require(&tg, NVME_OPT_DSM, force, "Dataset Management")))
		return rc;
	const struct nvme_nvm_limits *lim = nvme_ctrl_nvm_limits(tg.c);
	if ((attrs & NVME_DSM_ATTR_DEALLOCATE) && !force && lim->status == 0) {
		/* the controller's processing limits for deallocation (CNS 06h) */
		if (lim->dmrl && ns_ > lim->dmrl)
			return shell_usage_error("%u ranges: %s deallocates at most %u per command (DMRL); --force sends "
						 "it anyway", (unsigned)ns_, tg.t->name, (unsigned)lim->dmrl);
		for (uint32_t i = 0; i < ns_; i++)
			if (lim->dmrsl && nlbs[i] > lim->dmrsl)
				return shell_usage_error("range %u: %llu blocks: %s deallocates at most %u blocks per range "
							 "(DMRSL); --force sends it anyway", (unsigned)(i + 1),
							 (unsigned long long)nlbs[i], tg.t->name, (unsigned)lim->dmrsl);
		if (lim->dmsl && total > lim->dmsl)
			return shell_usage_error("%llu blocks: %s deallocates at most %llu blocks per command (DMSL); "
						 "--force sends it anyway", (unsigned long long)total, tg.t->name,
						 (unsigned long long)lim->dmsl);
	}
	if ((attrs & NVME_DSM_ATTR_DEALLOCATE) && partition &&
	    (rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"),
			       "deallocate blocks of %s inside the first %u bytes (LBA 0..33 in 512-byte units), "
			       "where partition tables live", tg.name, (unsigned)NVSH_PARTITION_AREA_BYTES)))
		return rc;
	/* the range list: 16 bytes each, at most one page (DMA-capable) */
	struct nvme_dsm_range *rl = (struct nvme_dsm_range *)nvsh_scratch;
	memset(nvsh_scratch, 0, sizeof(nvsh_scratch));
	for (uint32_t i = 0; i < ns_; i++) {
		rl[i].slba = slbs[i];
		rl[i].nlb = (uint32_t)nlbs[i];
		rl[i].cattr = oa->set ? (uint32_t)cas[i] : 0;
	}
	rc = nvme_dsm(tg.ns, q, rl, ns_, attrs, force ? NVME_CMD_FORCE : 0);
	if (rc)
		return nvsh_status(&tg, "dsm", rc);
	char at[48];
	ksnprintf(at, sizeof(at), "%s%s%s%s", attrs & NVME_DSM_ATTR_DEALLOCATE ? " AD (deallocate)" : "",
		  attrs & NVME_DSM_ATTR_IDR ? " IDR" : "", attrs & NVME_DSM_ATTR_IDW ? " IDW" : "",
		  attrs ? "" : " none");
	kprintf("dsm: Success: %s, %u range%s, %llu blocks, attributes:%s\n", tg.name, (unsigned)ns_,
		ns_ == 1 ? "" : "s", (unsigned long long)total, at);
	if (attrs & NVME_DSM_ATTR_DEALLOCATE) {
		/* what may change, range by range (the shell fuzzer checks the
		 * image against these) */
		kprintf("dsm: deallocated %s", tg.name);
		for (uint32_t i = 0; i < ns_; i++)
			if (nlbs[i])
				kprintf("%s LBA %llu..%llu", i ? "," : "", (unsigned long long)slbs[i],
					(unsigned long long)(slbs[i] + nlbs[i] - 1));
		kprintf("\n");
	}
	if (attrs & NVME_DSM_ATTR_DEALLOCATE)
		kprintf("note: %s (DLFEAT 0x%02x); a device may also ignore the deallocation\n", dlfeat_text(ns),
			(unsigned)ns->dlfeat);
	return SHELL_OK;
}
NVSH_COMMAND("dsm",
	     "dsm [DEVICE] [-n NSID] -s SLBA[,SLBA...] -b NLB[,NLB...] [-a CA[,CA...]] [-d] [-r] [-w] "
	     "[-q QID] [--yes] [--force]",
	     "Dataset Management: deallocate ranges, or give access hints (nvme-cli dsm)",
	     NVSH_HELP_DEVICE
	     "-s/--slbs: comma-separated start blocks, -b/--blocks: the length of each range in\n"
	     "blocks (1-based, 1..4294967295), -a/--ctx-attrs: context attributes per range\n"
	     "(optional, 32-bit each). Up to 256 ranges (as many as fit the 255-character line).\n"
	     "Every range is checked against the namespace before anything is sent, and with\n"
	     "--ad against the controller's limits for deallocation (DMRL ranges, DMRSL blocks\n"
	     "per range, DMSL blocks in all; nvm-id-ctrl; --force sends it anyway).\n"
	     "-d/--ad deallocate (trim), -r/--idr integral dataset for read, -w/--idw integral\n"
	     "dataset for write. Deallocating blocks in the first 17408 bytes (partition tables)\n"
	     "asks for 'yes' unless --yes. What deallocated blocks read back as is the device's\n"
	     "choice (DLFEAT): QEMU reads zeroes with -drive ...,discard=unmap and keeps the old\n"
	     "data with the default discard=ignore. -q/--qid picks the I/O queue. With -d the\n"
	     "ranges deallocated are listed: 'dsm: deallocated nvme0n1 LBA 300..307, LBA 400..401'.\n"
	     NVSH_HELP_FORCE,
	     cmd_dsm);

/* ------------------------------------------------------------ trim */

static int cmd_trim(int argc, char **argv)
{
	struct shell_opt opts[] = { NVSH_OPT_NSID, NVSH_RANGE_OPTS, NVSH_OPT_QID, NVSH_OPT_YES, NVSH_OPT_FORCE, { 0 } };
	struct nvsh_target tg;
	struct nvsh_range r;
	struct nvme_qpair *q;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = nvsh_parse_range(&tg, opts, &r)) ||
	    (rc = nvsh_select_qpair(&tg, opts, &q)))
		return rc;
	bool force = nvsh_isset(opts, "force");
	if ((rc = nvsh_require(&tg, NVME_OPT_DSM, force, "Dataset Management")) ||
	    (rc = confirm_partition_area(&tg, opts, &r, "deallocate")))
		return rc;
	if (r.count > 256ull * 0xFFFFFFFFull)
		return shell_usage_error("--count: at most 256 ranges of 4294967295 blocks fit one trim");
	rc = nvme_trim(tg.ns, q, r.lba, r.count, force ? NVME_CMD_FORCE : 0);
	if (rc)
		return nvsh_status(&tg, "trim", rc);
	char rt[NVSH_RANGE_TEXT];
	nvsh_range_text(&tg, &r, rt, sizeof(rt));
	kprintf("trim: Success: deallocated %s\n", rt);
	kprintf("note: %s (DLFEAT 0x%02x); a device may also ignore the deallocation\n", dlfeat_text(tg.ns),
		(unsigned)tg.ns->dlfeat);
	return SHELL_OK;
}
NVSH_COMMAND("trim", "trim [DEVICE] [-n NSID] [-s LBA] [--count N | -c N0 | -z BYTES] [-q QID] [--yes] [--force]",
	     "deallocate a range of blocks (Dataset Management with AD)",
	     NVSH_HELP_DEVICE NVSH_HELP_RANGE
	     "Dataset Management with the deallocate attribute, one range per command of up to\n"
	     "4294967295 blocks, or the controller's DMRSL/DMSL (nvm-id-ctrl) when smaller:\n"
	     "the friendly form of 'dsm -s LBA -b N --ad'. Trimming blocks in the first 17408\n"
	     "bytes (partition tables) asks for 'yes' unless --yes. Afterwards the blocks read\n"
	     "back as DLFEAT says, if the device honours the deallocation (QEMU: zeroes with\n"
	     "discard=unmap; unchanged with discard=ignore).\n"
	     NVSH_HELP_FORCE,
	     cmd_trim);

/* ------------------------------------------------------------ write-zeroes, verify */

struct nodata_ctx {
	struct nvme_ns *ns;
	struct nvme_qpair *q;
	unsigned flags;
	bool zeroes;
};

static int nodata_chunk(void *vctx, uint64_t lba, uint32_t n, uint8_t *buf)
{
	struct nodata_ctx *x = vctx;
	(void)buf;
	return x->zeroes ? nvme_write_zeroes(x->ns, x->q, lba, n, x->flags) : nvme_verify(x->ns, x->q, lba, n, x->flags);
}

static unsigned io_flags(struct shell_opt *opts)
{
	return (nvsh_isset(opts, "force-unit-access") ? NVME_IO_FUA : 0) |
	       (nvsh_isset(opts, "limited-retry") ? NVME_IO_LIMITED_RETRY : 0) |
	       (nvsh_isset(opts, "force") ? NVME_CMD_FORCE : 0);
}

static void print_done(const char *verb, const struct nvsh_target *tg, const struct nvsh_range *r, const char *what,
		       uint64_t us)
{
	char rt[NVSH_RANGE_TEXT];
	nvsh_range_text(tg, r, rt, sizeof(rt));
	kprintf("%s: Success: %s%s%s, %llu ms\n", verb, rt, what[0] ? ", " : "", what, (unsigned long long)(us / 1000));
}

#define NVSH_IO_FLAG_OPTS                                        \
	{ .name = "force-unit-access", .short_name = 'f' },      \
	{ .name = "limited-retry", .short_name = 'l' }

static int run_nodata(int argc, char **argv, struct shell_opt *opts, bool zeroes)
{
	struct nvsh_target tg;
	struct nvsh_range r;
	struct nodata_ctx x = { 0 };
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = nvsh_parse_range(&tg, opts, &r)) ||
	    (rc = nvsh_select_qpair(&tg, opts, &x.q)))
		return rc;
	x.ns = tg.ns;
	x.zeroes = zeroes;
	x.flags = io_flags(opts);
	if (zeroes && nvsh_isset(opts, "deac"))
		x.flags |= NVME_WZ_DEALLOCATE;
	if ((rc = nvsh_require(&tg, zeroes ? NVME_OPT_WRITE_ZEROES : NVME_OPT_VERIFY, nvsh_isset(opts, "force"),
			       zeroes ? "Write Zeroes" : "Verify")))
		return rc;
	if (zeroes && (rc = confirm_partition_area(&tg, opts, &r, "zero")))
		return rc;
	const char *verb = zeroes ? "write-zeroes" : "verify";
	struct nvsh_op op = { .verb = verb, .past = zeroes ? "zeroed" : "verified", .fn = nodata_chunk, .ctx = &x,
			      .progress = true, .chunk_bytes = (size_t)NODATA_CHUNK_BLOCKS << tg.ns->lba_shift };
	uint64_t t0 = time_now_us();
	rc = nvsh_run_range(&tg, &r, &op, NULL);
	uint64_t us = time_now_us() - t0;
	if (rc)
		return rc;
	char what[64] = "";
	if (zeroes)
		ksnprintf(what, sizeof(what), "%s%s", x.flags & NVME_WZ_DEALLOCATE ? "DEAC (deallocate if possible)" : "",
			  x.flags & NVME_IO_FUA ? (x.flags & NVME_WZ_DEALLOCATE ? ", FUA" : "FUA") : "");
	else
		ksnprintf(what, sizeof(what), "the device read and checked them%s", x.flags & NVME_IO_FUA ? " (FUA)" : "");
	print_done(verb, &tg, &r, what, us);
	return SHELL_OK;
}

static int cmd_write_zeroes(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID, NVSH_RANGE_OPTS, NVSH_IO_FLAG_OPTS, { .name = "deac", .short_name = 'd' },
		NVSH_OPT_QID, NVSH_OPT_YES, NVSH_OPT_FORCE, { 0 },
	};
	return run_nodata(argc, argv, opts, true);
}

static int cmd_verify(int argc, char **argv)
{
	struct shell_opt opts[] = { NVSH_OPT_NSID, NVSH_RANGE_OPTS, NVSH_IO_FLAG_OPTS, NVSH_OPT_QID, NVSH_OPT_FORCE, { 0 } };
	return run_nodata(argc, argv, opts, false);
}

NVSH_COMMAND("write-zeroes",
	     "write-zeroes [DEVICE] [-n NSID] [-s LBA] [--count N | -c N0 | -z BYTES] [-d] [-f] [-l] [-q QID] "
	     "[--yes] [--force]",
	     "set a range of blocks to zeroes without sending data (nvme-cli write-zeroes)",
	     NVSH_HELP_DEVICE NVSH_HELP_RANGE
	     "-d/--deac: the device may deallocate the blocks (DLFEAT bit 3 says whether it\n"
	     "does; they read as zeroes either way), -f/--force-unit-access, -l/--limited-retry.\n"
	     "Ranges go in chunks of 65536 blocks, with a progress bar when there are several;\n"
	     "Ctrl-C stops between them. The driver sends each chunk in commands within the\n"
	     "controller's Write Zeroes Size Limit (WZSL, see nvm-id-ctrl; QEMU 7.2: none, so\n"
	     "65536 blocks), or of the max transfer when the controller does not report it.\n"
	     "Zeroing blocks in the first 17408 bytes (partition tables) asks for 'yes' unless\n"
	     "--yes. -q/--qid picks the I/O queue.\n"
	     NVSH_HELP_FORCE,
	     cmd_write_zeroes);
NVSH_COMMAND("verify", "verify [DEVICE] [-n NSID] [-s LBA] [--count N | -c N0 | -z BYTES] [-f] [-l] [-q QID] [--force]",
	     "let the device read and check a range of blocks, no data moved (nvme-cli verify)",
	     NVSH_HELP_DEVICE NVSH_HELP_RANGE
	     "The device reads the blocks (and checks protection information, if any) without\n"
	     "transferring them; an unreadable block fails with the device's status. Ranges go\n"
	     "in chunks of 65536 blocks, with a progress bar when there are several; Ctrl-C\n"
	     "stops between them. The driver sends each chunk in commands within the\n"
	     "controller's Verify Size Limit (VSL, see nvm-id-ctrl; QEMU 7.2: 512 KiB), or of\n"
	     "the max transfer when the controller does not report it. -f/--force-unit-access,\n"
	     "-l/--limited-retry. Verify is ONCS bit 7; a controller without it may still list\n"
	     "it in its Commands Supported and Effects log (QEMU 7.2 does), which the driver\n"
	     "accepts.\n" NVSH_HELP_FORCE,
	     cmd_verify);

/* ------------------------------------------------------------ compare */

struct compare_ctx {
	struct nvme_ns *ns;
	struct nvme_qpair *q;
	struct pattern pat;
	unsigned flags;
	bool mismatch;
	uint64_t bad_lba;        /* the Compare command that mismatched (the driver's split) */
	uint32_t bad_n;
	int bad_status;          /* its completion status as received */
	uint64_t matched;        /* blocks that matched before it */
	int read_rc;             /* reading that command's blocks back to find the difference */
	uint64_t diff_off;       /* namespace byte offset of the first difference */
	uint8_t diff_exp, diff_got;
	uint64_t diff_bytes;
};

static int compare_chunk(void *vctx, uint64_t lba, uint32_t n, uint8_t *buf)
{
	struct compare_ctx *x = vctx;
	size_t bytes = (size_t)n << x->ns->lba_shift;
	pattern_fill(&x->pat, lba << x->ns->lba_shift, buf, bytes);
	struct nvme_compare_result res;
	int rc = nvme_compare(x->ns, x->q, lba, n, buf, x->flags, &res);
	if (rc != NVME_ERR_COMPARE_MISMATCH) {
		if (rc == 0)
			x->matched += n;
		return rc;
	}
	/* the driver says which of its commands failed, and how */
	x->mismatch = true;
	x->bad_lba = res.lba;
	x->bad_n = res.count;
	x->bad_status = res.device_status;
	x->matched += res.matched;
	/* Read that command's blocks back to say where the data differ. */
	uint8_t *p = buf + ((size_t)(res.lba - lba) << x->ns->lba_shift);
	size_t pbytes = (size_t)res.count << x->ns->lba_shift;
	x->read_rc = nvme_read(x->ns, x->q, res.lba, res.count, p);
	if (x->read_rc == 0) {
		size_t first;
		x->diff_bytes = pattern_check(&x->pat, res.lba << x->ns->lba_shift, p, pbytes, &first, &x->diff_exp,
					      &x->diff_got);
		x->diff_off = (res.lba << x->ns->lba_shift) + first;
	}
	return NVSH_STOP;
}

static int cmd_compare(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID, NVSH_RANGE_OPTS, NVSH_IO_FLAG_OPTS,
		{ .name = "pattern", .short_name = 'p', .takes_value = true },
		{ .name = "seed", .takes_value = true },
		{ .name = "data", .short_name = 'd', .takes_value = true },
		NVSH_OPT_QID, NVSH_OPT_FORCE,
		{ 0 },
	};
	struct nvsh_target tg;
	struct nvsh_range r;
	static struct compare_ctx x;
	memset(&x, 0, sizeof(x));
	bool have;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = nvsh_parse_range(&tg, opts, &r)) ||
	    (rc = nvsh_parse_pattern(opts, "pattern", &tg, &r, &x.pat, &have)) ||
	    (rc = nvsh_select_qpair(&tg, opts, &x.q)))
		return rc;
	if (!have)
		return shell_usage_error("missing --pattern or --data: what should the blocks hold?");
	x.ns = tg.ns;
	x.flags = io_flags(opts);
	if ((rc = nvsh_require(&tg, NVME_OPT_COMPARE, nvsh_isset(opts, "force"), "Compare")))
		return rc;
	char desc[48];
	pattern_describe(&x.pat, desc, sizeof(desc));
	struct nvsh_op op = { .verb = "compare", .past = "compared", .fn = compare_chunk, .ctx = &x,
			      .need_buffer = true, .progress = true };
	uint64_t t0 = time_now_us();
	rc = nvsh_run_range(&tg, &r, &op, NULL);
	uint64_t us = time_now_us() - t0;
	if (x.mismatch) {
		char st[96];
		nvme_status_describe(x.bad_status, st, sizeof(st));
		kprintf("compare: MISMATCH (Compare Failure, SCT 2h SC 85h): %s LBA %llu..%llu differs from %s\n",
			tg.name, (unsigned long long)x.bad_lba, (unsigned long long)(x.bad_lba + x.bad_n - 1), desc);
		kprintf("device status: %04Xh: %s (the Compare command of LBA %llu..%llu)\n",
			nvme_status_field(x.bad_status), st, (unsigned long long)x.bad_lba,
			(unsigned long long)(x.bad_lba + x.bad_n - 1));
		if (x.read_rc == 0 && x.diff_bytes)
			kprintf("first difference (read back): LBA %llu, byte %u (namespace offset 0x%llx): expected "
				"0x%02x, got 0x%02x; %llu byte%s differ in LBA %llu..%llu\n",
				(unsigned long long)(x.diff_off >> tg.ns->lba_shift),
				(unsigned)(x.diff_off & (tg.ns->lba_size - 1)), (unsigned long long)x.diff_off,
				x.diff_exp, x.diff_got, (unsigned long long)x.diff_bytes, x.diff_bytes == 1 ? "" : "s",
				(unsigned long long)x.bad_lba, (unsigned long long)(x.bad_lba + x.bad_n - 1));
		else if (x.read_rc == 0)
			kprintf("reading LBA %llu..%llu back shows no difference (the data changed meanwhile?)\n",
				(unsigned long long)x.bad_lba, (unsigned long long)(x.bad_lba + x.bad_n - 1));
		else
			kprintf("reading LBA %llu..%llu back to find the difference failed: %s\n",
				(unsigned long long)x.bad_lba, (unsigned long long)(x.bad_lba + x.bad_n - 1),
				nvme_strerror(x.read_rc));
		kprintf("%llu of %llu blocks matched before that command; the rest was not compared\n",
			(unsigned long long)x.matched, (unsigned long long)r.count);
		return NVSH_MISMATCH;
	}
	if (rc)
		return rc;
	char what[64];
	ksnprintf(what, sizeof(what), "matches %s", desc);
	print_done("compare", &tg, &r, what, us);
	return SHELL_OK;
}
NVSH_COMMAND("compare",
	     "compare [DEVICE] [-n NSID] [-s LBA] [--count N | -c N0 | -z BYTES] (--pattern P [--seed S] | "
	     "--data HEX) [-f] [-l] [-q QID] [--force]",
	     "let the device compare blocks with a pattern (nvme-cli compare)",
	     NVSH_HELP_DEVICE NVSH_HELP_RANGE
	     "The data (a pattern, as for write, or --data HEX) goes to the device, which\n"
	     "compares it with the blocks (1 MiB chunks, which the driver splits into Compare\n"
	     "commands at the max transfer; progress bar and Ctrl-C between chunks). Equal:\n"
	     "'compare: Success: ... matches ...', status 0. Different: 'compare: MISMATCH\n"
	     "(Compare Failure, SCT 2h SC 85h): ...' naming the LBA range of the Compare\n"
	     "command that failed, its raw device status (e.g. 0285h), the first differing byte\n"
	     "found by reading that range back, and how many blocks matched before it; status\n"
	     "3 (errors are 1, bad arguments 2). -f/--force-unit-access, -l/--limited-retry.\n"
	     NVSH_HELP_PATTERNS NVSH_HELP_FORCE,
	     cmd_compare);
