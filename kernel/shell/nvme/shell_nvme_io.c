/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_io.c - `read`, `write`, `flush`.
 *
 * Data goes through DMA buffers from pmm (nvsh_run_range: up to 1 MiB per
 * chunk, in RAM above 4 GiB when there is any); each chunk is one
 * nvsh_read/nvsh_write call: by bus address (nvme_read_phys/nvme_write_phys,
 * split at the max transfer), shell_nvme_dma.c.
 */
#include "shell_nvme.h"
#include "shell_nvme_pi.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

static void print_done(const char *verb, const struct nvsh_target *tg, const struct nvsh_range *r,
		       const char *what, uint64_t ns)
{
	char rt[NVSH_RANGE_TEXT], rate[24], took[24];
	nvsh_range_text(tg, r, rt, sizeof(rt));
	nvsh_fmt_rate(r->count << tg->ns->lba_shift, ns, rate, sizeof(rate));
	nvsh_fmt_elapsed(ns, took, sizeof(took));
	kprintf("%s: Success: %s%s%s, %s, %s\n", verb, rt, what[0] ? ", " : "", what, took, rate);
}

static void print_buffer(const struct nvsh_op *op, struct nvme_qpair *q)
{
	char size[24];
	nvsh_fmt_size(op->buf_bytes, size, sizeof(size));
	kprintf("buffer: %s at 0x%llx%s, queue %u\n", size, (unsigned long long)op->buf_phys,
		op->buf_phys >= (1ull << 32) ? " (above 4 GiB)" : "", q ? (unsigned)nvme_qpair_id(q) : 1u);
}

/* ------------------------------------------------------------ write */

struct write_ctx {
	struct nvme_ns *ns;
	struct nvme_qpair *q;
	struct pattern pat;
	struct nvsh_pi pi;
};

static int write_chunk(void *vctx, uint64_t lba, uint32_t n, uint8_t *buf)
{
	struct write_ctx *w = vctx;
	pattern_fill(&w->pat, lba << w->ns->lba_shift, buf, (size_t)n << w->ns->lba_shift);
	if (w->pi.on)
		return nvsh_pi_io(&w->pi, w->ns, w->q, true, lba, n, buf);
	return nvsh_write(w->ns, w->q, lba, n, buf);
}

static int cmd_write(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID, NVSH_RANGE_OPTS,
		{ .name = "pattern", .short_name = 'p', .takes_value = true },
		{ .name = "seed", .takes_value = true },
		{ .name = "data", .short_name = 'd', .takes_value = true },
		NVSH_OPT_QID, NVSH_OPT_YES,
		{ .name = "verbose", .short_name = 'v' },
		NVSH_PI_OPTS_WRITE,
		{ 0 },
	};
	struct nvsh_target tg;
	struct nvsh_range r;
	static struct write_ctx w;
	memset(&w, 0, sizeof(w));
	bool have;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = nvsh_parse_range(&tg, opts, &r)) ||
	    (rc = nvsh_parse_pattern(opts, "pattern", &tg, &r, &w.pat, &have)) ||
	    (rc = nvsh_select_qpair(&tg, opts, &w.q)))
		return rc;
	if (!have)
		return shell_usage_error("missing --pattern or --data: what should be written?");
	if ((rc = nvsh_pi_parse(opts, &tg, &r, true, &w.pi)))
		return rc;
	w.ns = tg.ns;
	char desc[48], size[24];
	pattern_describe(&w.pat, desc, sizeof(desc));
	if (nvsh_touches_partition_area(tg.ns, &r)) {
		nvsh_fmt_size(r.count << tg.ns->lba_shift, size, sizeof(size));
		rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"),
				  "overwrite %s LBA %llu..%llu (%s) with %s: this is inside the first %u bytes "
				  "(LBA 0..33 in 512-byte units), where partition tables live",
				  tg.name, (unsigned long long)r.lba, (unsigned long long)(r.lba + r.count - 1),
				  size, desc, (unsigned)NVSH_PARTITION_AREA_BYTES);
		if (rc) {
			nvsh_pi_free(&w.pi);
			return rc;
		}
	}
	struct nvsh_op op = { .verb = "write", .past = "written", .fn = write_chunk, .ctx = &w,
			      .need_buffer = true, .progress = true };
	uint64_t t0 = time_rdtsc();
	rc = nvsh_run_range(&tg, &r, &op, NULL);
	uint64_t ns = time_tsc_to_ns(time_rdtsc() - t0);
	nvsh_pi_free(&w.pi);
	if (nvsh_isset(opts, "verbose") && op.buf_bytes)
		print_buffer(&op, w.q);
	if (rc)
		return rc;
	print_done("write", &tg, &r, desc, ns);
	return SHELL_OK;
}
NVSH_COMMAND("write",
	     "write [DEVICE] [-s LBA] [--count N | -c N0 | -z BYTES] (--pattern P [--seed S] | --data HEX) "
	     "[--prinfo N] [-r REFTAG] [-a APPTAG] [-m MASK] [-M HEX] [--metadata-size B] [-q QID] [--yes] [-v]",
	     "write a pattern or hex bytes to a range of blocks (nvme-cli write)",
	     NVSH_HELP_DEVICE NVSH_HELP_RANGE NVSH_HELP_PATTERNS
	     "Writes that touch the first 17408 bytes (LBA 0..33 in 512-byte units; LBA 0..4 with\n"
	     "4 KiB blocks) show the controller's model and serial and ask for 'yes' unless\n"
	     "-y/--yes is given. -q/--qid picks the I/O queue (default: the first). Large\n"
	     "writes show a progress bar; Ctrl-C stops between 1 MiB chunks and says how much\n"
	     "was written. -v prints the data buffer's address.\n" NVSH_HELP_PI,
	     cmd_write);

/* ------------------------------------------------------------ read */

struct read_ctx {
	struct nvme_ns *ns;
	struct nvme_qpair *q;
	bool dump, check;
	struct nvsh_hexdump hd;
	struct pattern pat;
	uint64_t bad_bytes, bad_blocks;
	uint64_t first_lba;
	uint32_t first_off;
	uint8_t first_exp, first_got;
	struct nvsh_pi pi;
};

static int read_chunk(void *vctx, uint64_t lba, uint32_t n, uint8_t *buf)
{
	struct read_ctx *x = vctx;
	size_t bs = x->ns->lba_size;
	int rc = x->pi.on ? nvsh_pi_io(&x->pi, x->ns, x->q, false, lba, n, buf) : nvsh_read(x->ns, x->q, lba, n, buf);
	if (rc)
		return rc;
	if (x->dump)
		nvsh_hexdump_feed(&x->hd, buf, (size_t)n * bs);
	if (x->check) {
		for (uint32_t i = 0; i < n; i++) {
			size_t first;
			uint8_t e, g;
			uint64_t bad = pattern_check(&x->pat, (lba + i) << x->ns->lba_shift, buf + i * bs, bs,
						     &first, &e, &g);
			if (!bad)
				continue;
			if (x->bad_bytes == 0) {
				x->first_lba = lba + i;
				x->first_off = (uint32_t)first;
				x->first_exp = e;
				x->first_got = g;
			}
			x->bad_bytes += bad;
			x->bad_blocks++;
		}
	}
	return 0;
}

static int cmd_read(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID, NVSH_RANGE_OPTS,
		{ .name = "dump", .short_name = 'D' },
		{ .name = "check", .short_name = 'C', .takes_value = true },
		{ .name = "seed", .takes_value = true },
		{ .name = "data", .short_name = 'd', .takes_value = true },
		NVSH_OPT_QID,
		{ .name = "verbose", .short_name = 'v' },
		NVSH_PI_OPTS_READ,
		{ 0 },
	};
	struct nvsh_target tg;
	struct nvsh_range r;
	static struct read_ctx x;
	memset(&x, 0, sizeof(x));
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = nvsh_parse_range(&tg, opts, &r)) ||
	    (rc = nvsh_parse_pattern(opts, "check", &tg, &r, &x.pat, &x.check)) ||
	    (rc = nvsh_select_qpair(&tg, opts, &x.q)) || (rc = nvsh_pi_parse(opts, &tg, &r, false, &x.pi)))
		return rc;
	x.ns = tg.ns;
	x.dump = nvsh_isset(opts, "dump");
	if (x.dump)
		nvsh_hexdump_begin(&x.hd, r.lba << tg.ns->lba_shift);
	struct nvsh_op op = { .verb = "read", .past = "read", .fn = read_chunk, .ctx = &x,
			      .need_buffer = true, .progress = !x.dump,
			      .chunk_bytes = x.dump ? 64u * 1024u : 0 };
	uint64_t done = 0, t0 = time_rdtsc();
	rc = nvsh_run_range(&tg, &r, &op, &done);
	uint64_t ns = time_tsc_to_ns(time_rdtsc() - t0);
	nvsh_pi_free(&x.pi);
	if (x.dump && done)
		nvsh_hexdump_end(&x.hd);
	if (nvsh_isset(opts, "verbose") && op.buf_bytes)
		print_buffer(&op, x.q);
	char desc[48];
	if (x.check)
		pattern_describe(&x.pat, desc, sizeof(desc));
	if (x.check && x.bad_bytes) {
		uint64_t off = (x.first_lba << tg.ns->lba_shift) + x.first_off;
		kprintf("first mismatch: LBA %llu, byte %u (namespace offset 0x%llx): expected 0x%02x, got "
			"0x%02x\n", (unsigned long long)x.first_lba, (unsigned)x.first_off,
			(unsigned long long)off, x.first_exp, x.first_got);
		return shell_error("check failed: %llu byte%s in %llu of %llu blocks differ from %s",
				   (unsigned long long)x.bad_bytes, x.bad_bytes == 1 ? "" : "s",
				   (unsigned long long)x.bad_blocks, (unsigned long long)done, desc);
	}
	if (rc)
		return rc;
	char what[64] = "";
	if (x.check)
		ksnprintf(what, sizeof(what), "matches %s", desc);
	print_done("read", &tg, &r, what, ns);
	return SHELL_OK;
}
NVSH_COMMAND("read",
	     "read [DEVICE] [-s LBA] [--count N | -c N0 | -z BYTES] [--dump] [--check P [--seed S] | "
	     "--data HEX] [-p PRINFO] [-r REFTAG] [-a APPTAG] [-m MASK] [-M] [-y BYTES] [-q QID] [-v]",
	     "read a range of blocks: hexdump it and/or check a pattern (nvme-cli read)",
	     NVSH_HELP_DEVICE NVSH_HELP_RANGE
	     "-D/--dump prints the data like hexdump -C (offsets are namespace byte offsets;\n"
	     "repeated lines collapse into '*'). -C/--check P compares with pattern P (as for\n"
	     "write) and reports the first mismatch (LBA, byte, expected, got) and how many\n"
	     "bytes and blocks differ; --data HEX compares with hex bytes repeated from the\n"
	     "range's first byte. Without either, the data is only read (timing).\n"
	     NVSH_HELP_PATTERNS
	     "Large reads show a progress bar; Ctrl-C stops between chunks. -q/--qid picks the\n"
	     "I/O queue, -v prints the data buffer's address.\n" NVSH_HELP_PI,
	     cmd_read);

/* ------------------------------------------------------------ flush */

static int cmd_flush(int argc, char **argv)
{
	struct shell_opt opts[] = { NVSH_OPT_NSID, NVSH_OPT_QID, { 0 } };
	struct nvsh_target tg;
	struct nvme_qpair *q;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = nvsh_select_qpair(&tg, opts, &q)))
		return rc;
	rc = nvme_flush(tg.ns, q);
	if (rc)
		return nvsh_fail("flush", rc);
	kprintf("NVMe Flush: success (%s)\n", tg.name);
	return SHELL_OK;
}
NVSH_COMMAND("flush", "flush [DEVICE] [-n NSID] [-q QID]",
	     "commit a namespace's volatile write cache to media (nvme-cli flush)",
	     NVSH_HELP_DEVICE "-q/--qid picks the I/O queue (default: the first).", cmd_flush);
