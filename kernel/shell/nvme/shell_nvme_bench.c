/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_bench.c - `bench`: an fio-like load generator on the driver's
 * asynchronous API, printing IOPS, bandwidth, latency percentiles and MMIO
 * doorbell writes per I/O, plus one machine-readable BENCH line per job.
 *
 * Each queue pair keeps --qd commands in flight. The completion callback
 * records the latency (TSC at submit to TSC in the callback, converted with
 * the PIT-calibrated TSC rate) and submits the next command at once. A
 * reaping pass is bracketed by nvme_qpair_batch_begin/_end, so all the
 * commands resubmitted by one pass's callbacks go out with one SQ doorbell;
 * the driver writes the CQ head doorbell once half the CQ is consumed.
 *
 * Polling (--poll, default): interrupts off, every queue is polled in turn;
 * a pass that reaps nothing waits with the --wait strategy (nvme_wait.h,
 * default the `poll-wait` setting): spin, sleep (LAPIC one-shot naps of a
 * quarter of the time since the last completion) or halt (the queues get
 * MSI-X vectors as in --irq, and the CPU halts until one fires), each after
 * --spin-us of spinning.
 * Interrupts (--irq): the queues are recreated with MSI-X (one LAPIC vector
 * per queue, nvme_irq.h), the CPU sleeps in `sti; hlt` until a vector (or
 * the 1 ms LAPIC timer that bounds every sleep) fires, and only the queues
 * whose interrupt came are reaped. The queues go back to polled mode
 * afterwards.
 *
 * --no-lat: no per-I/O timestamps and no latency statistics (the callback
 * only counts and resubmits; the loop alone watches the clock), to measure
 * what the bench's own accounting costs against `bench-floor`.
 *
 * Commands go through the driver's asynchronous API, nvme_read_async /
 * nvme_write_async (its fast path where the queue allows one: a one-page
 * transfer by PRP1 unless nvmedptr=sgl; see dptr= and nvmedptr= in
 * bench/README.md), as a port would call it.
 *
 * Offsets: random ones come from a seeded xorshift64* per queue, scaled to
 * whole --bs units with a 64x64->128 multiply (no division); sequential ones
 * walk the queue's share of the namespace and wrap. No data is checked: this
 * measures, it does not verify.
 */
#include "shell_nvme.h"
#include "console.h"
#include "cpu.h"
#include "idt.h"
#include "kformat.h"
#include "kstring.h"
#include "nvme_irq.h"
#include "nvme_wait.h"
#include "time.h"

enum bench_rw { RW_RANDREAD, RW_RANDWRITE, RW_READ, RW_WRITE, RW_RW, RW_RANDRW };
static const char *const rw_names[] = { "randread", "randwrite", "read", "write", "rw", "randrw" };

#define BENCH_MAX_QUEUES NVME_CFG_MAX_IO_QUEUES
#define BENCH_MAX_QD 1024u
/* Latency histogram: 64 linear buckets per power of two of TSC ticks
 * (under 1.6 % relative error). */
#define HIST_SUB_BITS 6u
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS ((64u - HIST_SUB_BITS + 1u) * HIST_SUB)
/* The periodic LAPIC timer that bounds every halt of --irq and --wait halt
 * (a lost MSI-X, the time limit, Ctrl-C) and paces the driver's timeout and
 * no-progress checks. */
#define BENCH_HALT_BOUND_US 1000u
/* How long the drain after a run waits for the commands in flight: longer
 * than the driver's default I/O timeout (30 s), which ends them with an
 * error first. */
#define BENCH_DRAIN_S 35u

struct bench_q;

struct bench_io {
	struct bench_q *bq;
	uint8_t *buf;
	uint64_t t0;             /* TSC at submit */
};

struct bench_q {
	struct nvme_qpair *q;
	uint16_t qid;
	uint64_t rng;
	uint64_t seq_next, seq_first, seq_end;   /* sequential region (LBAs) */
	uint32_t inflight;
	struct bench_io *io;
};

struct bench {
	struct nvme_ns *ns;
	enum bench_rw rw;
	bool random, mixed, write_only;
	uint32_t nlb;            /* blocks per I/O */
	uint64_t units;          /* ns->size / nlb */
	uint64_t end_tsc, ramp_tsc;
	bool measuring, stop;
	bool lat;                /* per-I/O timestamps and latency statistics (not --no-lat) */
	int first_error;
	uint64_t ios, reads, writes, errors, submit_errors;
	uint64_t lat_sum, lat_min, lat_max;
	/* how the run waited, in the measured window: passes that reaped
	 * nothing, halts, what ended each halt (an MSI-X of a bench queue,
	 * else a timer tick, else something else), TSC ticks halted */
	uint64_t empty, halts, wake_msi, wake_timer, wake_other, halted_tsc;
	/* what the pass after a halt found: a timer wake-up with completions
	 * waiting (the MSI-X that should have ended the halt was late or
	 * lost), an MSI-X wake-up with nothing (an interrupt for completions
	 * an earlier pass reaped already: an extra halt) */
	uint64_t timer_found, msi_empty;
	/* reaping passes (one queue's nvme_qpair_poll inside a batch) that
	 * found completions: ios / reaps = completions per pass, and each
	 * such pass resubmits with one SQ tail update */
	uint64_t reaps;
	/* halts entered straight after a pass that reaped (--wait halt
	 * without spinning: no empty poll first; see bench_run) */
	uint64_t direct;
	/* --wait hybrid: waits that ended while spinning, spun their whole
	 * budget, or started with spinning off; windows that turned it off */
	uint64_t spin_hits, spin_misses, spin_skipped, spin_offs, spin_ons, gate_closes, gate_held;
	/* queue interrupts taken in waits that did not halt (hybrid's spin
	 * windows: with the MSI-X masked, at most the one already sent when
	 * the mask closed, per queue) */
	uint64_t spin_irqs;
	int last_wake;           /* WAKE_* of the last halt, until the next pass */
	uint32_t hist[HIST_BUCKETS];
	struct bench_q qs[BENCH_MAX_QUEUES];
	struct bench_io ios_tab[BENCH_MAX_QUEUES * BENCH_MAX_QD];
};

static struct bench B;

/* ------------------------------------------------------------ helpers */

static inline uint64_t rng_next(uint64_t *s)
{
	/* xorshift64* */
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static inline unsigned hist_bucket(uint64_t v)
{
	if (v < HIST_SUB)
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v);   /* >= HIST_SUB_BITS */
	return (e - HIST_SUB_BITS + 1u) * HIST_SUB + (unsigned)((v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1u));
}

/* Middle of bucket i, in TSC ticks. */
static uint64_t hist_value(unsigned i)
{
	if (i < HIST_SUB)
		return i;
	unsigned e = i / HIST_SUB + HIST_SUB_BITS - 1u;
	uint64_t sub = i % HIST_SUB;
	uint64_t width = 1ull << (e - HIST_SUB_BITS);
	return ((HIST_SUB + sub) << (e - HIST_SUB_BITS)) + width / 2;
}

/* Latency (ticks) at quantile num/den. */
static uint64_t hist_quantile(uint64_t num, uint64_t den)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		n += B.hist[i];
	if (n == 0)
		return 0;
	uint64_t want = (n * num + den - 1) / den;
	if (want == 0)
		want = 1;
	uint64_t acc = 0;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		acc += B.hist[i];
		if (acc >= want) {
			uint64_t v = hist_value(i);
			if (v > B.lat_max)
				v = B.lat_max;
			if (v < B.lat_min)
				v = B.lat_min;
			return v;
		}
	}
	return B.lat_max;
}

/* "123.4" from tenths */
static void fmt_tenths(uint64_t tenths, char *buf, size_t len)
{
	ksnprintf(buf, len, "%llu.%llu", (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10));
}

/* ticks -> tenths of a microsecond */
static uint64_t ticks_to_tenth_us(uint64_t ticks)
{
	return (time_tsc_to_ns(ticks) + 50) / 100;
}

/* ------------------------------------------------------------ I/O path */

static void bench_done(void *arg, int status, const struct nvme_cqe *cqe);

static int submit(struct bench_io *io, uint64_t now)
{
	struct bench_q *bq = io->bq;
	uint64_t lba;
	if (B.random) {
		uint64_t r = rng_next(&bq->rng);
		lba = (uint64_t)(((unsigned __int128)r * B.units) >> 64) * B.nlb;
	} else {
		lba = bq->seq_next;
		bq->seq_next += B.nlb;
		if (bq->seq_next + B.nlb > bq->seq_end)
			bq->seq_next = bq->seq_first;
	}
	bool write = B.write_only || (B.mixed && (rng_next(&bq->rng) >> 63));
	io->t0 = now;
	int rc = write ? nvme_write_async(B.ns, bq->q, lba, B.nlb, io->buf, bench_done, io)
		       : nvme_read_async(B.ns, bq->q, lba, B.nlb, io->buf, bench_done, io);
	if (rc != 0) {
		B.submit_errors++;
		if (!B.first_error)
			B.first_error = rc;
		B.stop = true;
		return rc;
	}
	bq->inflight++;
	if (write)
		B.writes++;
	else
		B.reads++;
	return 0;
}

static void bench_done(void *arg, int status, const struct nvme_cqe *cqe)
{
	(void)cqe;
	struct bench_io *io = arg;
	io->bq->inflight--;
	if (status != 0) {
		B.errors++;
		if (!B.first_error)
			B.first_error = status;
		B.stop = true;
		return;
	}
	if (!B.lat) {
		/* --no-lat: no clock read; the run loop stops the run */
		if (B.measuring)
			B.ios++;
		if (!B.stop)
			(void)submit(io, 0);
		return;
	}
	uint64_t now = rdtsc();
	if (B.measuring) {
		uint64_t lat = now - io->t0;
		B.ios++;
		B.lat_sum += lat;
		if (lat < B.lat_min)
			B.lat_min = lat;
		if (lat > B.lat_max)
			B.lat_max = lat;
		B.hist[hist_bucket(lat)]++;
	}
	if (B.stop || now >= B.end_tsc)
		return;
	(void)submit(io, now);
}

/* One reaping pass over bq: returns commands completed or a driver error. */
static inline int reap(struct bench_q *bq)
{
	nvme_qpair_batch_begin(bq->q);
	int n = nvme_qpair_poll(bq->q, 0);
	nvme_qpair_batch_end(bq->q);
	return n;
}

/* ------------------------------------------------------------ queues */

/* Interrupts of the bench's periodic timer (wake-up accounting). */
static volatile uint64_t timer_ticks;

static void timer_tick(void *ctx)
{
	(void)ctx;
	timer_ticks++;
}

struct qsetup {
	bool created;     /* made by the bench (deleted afterwards) */
	bool changed;     /* recreated with interrupts (recreated polled afterwards) */
	uint32_t depth;
};

/* Makes I/O queue pairs 1..nq exist, with interrupts (vector = qid) when
 * irq, else polled. */
static int queues_prepare(struct nvsh_target *tg, unsigned nq, bool irq, struct qsetup *qs)
{
	struct nvme_qpair_opts opts = { .interrupts = irq, .vector = 0, .priority = NVME_QPRIO_MEDIUM };
	for (unsigned i = 0; i < nq; i++) {
		uint16_t qid = (uint16_t)(i + 1);
		struct nvme_qpair *q = nvme_ctrl_io_qpair(tg->c, i);
		qs[i].created = false;
		qs[i].changed = false;
		qs[i].depth = q ? nvme_qpair_depth(q) : 0;
		opts.vector = irq ? qid : 0;
		if (irq && nvme_irq_bind(tg->t, qid) < 0)
			return shell_error("cannot bind MSI-X entry %u of %s", (unsigned)qid, tg->t->name);
		if (q && !irq)
			continue;   /* the kernel's queues are polled */
		if (q) {
			int rc = nvme_qpair_delete(tg->c, qid);
			if (rc)
				return nvsh_fail("delete queue for interrupt mode", rc);
			qs[i].changed = true;
		} else {
			qs[i].created = true;
		}
		int rc = nvme_qpair_create(tg->c, qid, qs[i].depth, &opts);
		if (rc) {
			char what[48];
			ksnprintf(what, sizeof(what), "create I/O queue %u", (unsigned)qid);
			return nvsh_fail(what, rc);
		}
	}
	return SHELL_OK;
}

static void queues_restore(struct nvsh_target *tg, unsigned nq, bool irq, const struct qsetup *qs)
{
	for (unsigned i = 0; i < nq; i++) {
		uint16_t qid = (uint16_t)(i + 1);
		if (irq)
			nvme_irq_mask(tg->t, qid);
		if (nvme_port_removing(tg->t))
			continue;   /* shut down for removal: detach frees the queues */
		if (qs[i].created) {
			(void)nvme_qpair_delete(tg->c, qid);
		} else if (qs[i].changed) {
			(void)nvme_qpair_delete(tg->c, qid);
			int rc = nvme_qpair_create(tg->c, qid, qs[i].depth, NULL);
			if (rc)
				(void)nvsh_fail("recreate polled I/O queue", rc);
		}
	}
}

/* ------------------------------------------------------------ the command */

struct db_counts {
	uint64_t sq_mmio, cq_mmio, sq_shadow, cq_shadow, kicks, submitted, completed, sgl;
};

static void db_snapshot(unsigned nq, struct db_counts *d)
{
	memset(d, 0, sizeof(*d));
	for (unsigned i = 0; i < nq; i++) {
		struct nvme_qpair_stats s;
		nvme_qpair_stats_get(B.qs[i].q, &s);
		d->sq_mmio += s.sq_doorbells;
		d->cq_mmio += s.cq_doorbells;
		d->sq_shadow += s.sq_shadow;
		d->cq_shadow += s.cq_shadow;
		d->kicks += s.db_kicks;
		d->submitted += s.submitted;
		d->completed += s.completed;
		d->sgl += s.sgl_commands;
	}
}

static bool parse_rw(const char *s, enum bench_rw *rw)
{
	for (unsigned i = 0; i < sizeof(rw_names) / sizeof(rw_names[0]); i++) {
		if (strcmp(s, rw_names[i]) == 0) {
			*rw = (enum bench_rw)i;
			return true;
		}
	}
	return false;
}

static void fmt_bs(uint64_t bs, char *buf, size_t len)
{
	if (bs % (1024 * 1024) == 0)
		ksnprintf(buf, len, "%lluM", (unsigned long long)(bs >> 20));
	else if (bs % 1024 == 0)
		ksnprintf(buf, len, "%lluk", (unsigned long long)(bs >> 10));
	else
		ksnprintf(buf, len, "%llu", (unsigned long long)bs);
}

/* The command line, checked: everything the run needs. */
struct bench_cfg {
	enum bench_rw rw;
	uint64_t bs, qd, secs, ramp, nq, seed;
	uint32_t nlb;            /* blocks per I/O */
	bool irq, writes, shadow;
	bool lat;                /* per-I/O latency (not --no-lat) */
	bool armed;              /* queues with MSI-X and the 1 ms timer: --irq, --wait halt or hybrid */
	enum nvme_wait_mode wait;
	uint32_t spin_us;
	char bsz[16], name[48];
};

/* What the run measured, for the report. */
struct bench_result {
	uint64_t t_meas, t_end;  /* TSC: start of the measured window, end of the run */
	bool was_measuring, interrupted;
	int poll_err;
	/* the controller's removal stopped the run (nvme_port_removing) */
	bool removal;
	uint32_t rm_inflight;    /* commands in flight at that moment */
	uint64_t rm_errors0;     /* B.errors at that moment */
	struct db_counts d0, d1;
	uint64_t irq0, irq1;
};

/* Parse: the target and the options, checked against the namespace; writes
 * are confirmed here, before anything changes. */
static int bench_parse(int argc, char **argv, struct nvsh_target *tg, struct bench_cfg *cfg)
{
	struct shell_opt opts[] = {
		{ .name = "rw", .takes_value = true },
		{ .name = "bs", .takes_value = true },
		{ .name = "qd", .takes_value = true },
		{ .name = "time", .takes_value = true },
		{ .name = "ramp", .takes_value = true },
		{ .name = "ns", .takes_value = true },
		{ .name = "queues", .takes_value = true },
		{ .name = "irq" },
		{ .name = "poll" },
		{ .name = "mode", .takes_value = true },
		{ .name = "wait", .takes_value = true },
		{ .name = "spin-us", .takes_value = true },
		{ .name = "seed", .takes_value = true },
		{ .name = "name", .takes_value = true },
		{ .name = "no-lat" },
		NVSH_OPT_NSID,
		NVSH_OPT_YES,
		{ 0 },
	};
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO | NVSH_DEVICE_NS_OPT, tg);
	if (rc)
		return rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->rw = RW_RANDREAD;
	struct shell_opt *rwo = nvsh_opt(opts, "rw");
	if (rwo->set && !parse_rw(rwo->value, &cfg->rw))
		return shell_usage_error("bad --rw '%s' (expected randread, randwrite, read, write, rw or "
					 "randrw)", rwo->value);
	cfg->bs = 4096;
	cfg->qd = 1;
	cfg->secs = 5;
	cfg->ramp = 0;
	cfg->nq = 1;
	cfg->seed = 1;
	if ((rc = nvsh_opt_u64(opts, "bs", &cfg->bs)) ||
	    (rc = nvsh_opt_u64_max(opts, "qd", BENCH_MAX_QD, &cfg->qd)) ||
	    (rc = nvsh_opt_u64_max(opts, "time", 3600, &cfg->secs)) ||
	    (rc = nvsh_opt_u64_max(opts, "ramp", 600, &cfg->ramp)) ||
	    (rc = nvsh_opt_u64_max(opts, "queues", BENCH_MAX_QUEUES, &cfg->nq)) ||
	    (rc = nvsh_opt_u64(opts, "seed", &cfg->seed)))
		return rc;
	cfg->irq = nvsh_isset(opts, "irq");
	cfg->lat = !nvsh_isset(opts, "no-lat");
	if (cfg->irq && nvsh_isset(opts, "poll"))
		return shell_usage_error("give --irq or --poll, not both");
	struct shell_opt *modeo = nvsh_opt(opts, "mode");
	if (modeo->set) {
		if (nvsh_isset(opts, "irq") || nvsh_isset(opts, "poll"))
			return shell_usage_error("give --mode or --irq/--poll, not both");
		if (strcmp(modeo->value, "irq") == 0)
			cfg->irq = true;
		else if (strcmp(modeo->value, "poll") != 0)
			return shell_usage_error("bad --mode '%s' (expected irq or poll)", modeo->value);
	}
	struct nvme_wait_setting ws;
	nvme_wait_get(&ws);
	cfg->wait = ws.mode;
	cfg->spin_us = ws.spin_us;
	struct shell_opt *waito = nvsh_opt(opts, "wait");
	if (waito->set && !nvme_wait_parse(waito->value, &cfg->wait))
		return shell_usage_error("bad --wait '%s' (expected spin, sleep, halt or hybrid)", waito->value);
	uint64_t spin = cfg->spin_us;
	if ((rc = nvsh_opt_u64_max(opts, "spin-us", NVME_WAIT_SPIN_MAX_US, &spin)))
		return rc;
	cfg->spin_us = (uint32_t)spin;
	if (cfg->irq && (waito->set || nvsh_isset(opts, "spin-us")))
		return shell_usage_error("--wait and --spin-us are for polling, not --irq");
	cfg->armed = cfg->irq || cfg->wait == NVME_WAIT_HALT || cfg->wait == NVME_WAIT_HYBRID;
	if (cfg->qd == 0 || cfg->nq == 0 || cfg->secs == 0)
		return shell_usage_error("--qd, --queues and --time must be at least 1");
	const struct nvme_ns *ns = tg->ns;
	uint64_t bs = cfg->bs;
	if (bs == 0 || bs % ns->lba_size != 0)
		return shell_usage_error("--bs %llu is not a multiple of the block size %u", (unsigned long long)bs,
					 (unsigned)ns->lba_size);
	if (bs > nvme_ctrl_max_transfer(tg->c) || (bs >> ns->lba_shift) > ns->max_blocks)
		return shell_usage_error("--bs %llu is above the max transfer (%u bytes)", (unsigned long long)bs,
					 (unsigned)((uint64_t)ns->max_blocks << ns->lba_shift));
	if (cfg->nq > nvme_ctrl_io_queue_max(tg->c))
		return shell_usage_error("--queues %llu: the controller granted %u I/O queue pairs",
					 (unsigned long long)cfg->nq, (unsigned)nvme_ctrl_io_queue_max(tg->c));
	cfg->nlb = (uint32_t)(bs >> ns->lba_shift);
	if (ns->size / cfg->nlb < cfg->nq)
		return shell_usage_error("the namespace is too small for --bs %llu", (unsigned long long)bs);
	fmt_bs(bs, cfg->bsz, sizeof(cfg->bsz));
	struct shell_opt *nameo = nvsh_opt(opts, "name");
	if (nameo->set)
		strlcpy(cfg->name, nameo->value, sizeof(cfg->name));
	else
		ksnprintf(cfg->name, sizeof(cfg->name), "%s-%s-qd%llu", rw_names[cfg->rw], cfg->bsz,
			  (unsigned long long)cfg->qd);
	cfg->writes = cfg->rw != RW_RANDREAD && cfg->rw != RW_READ;
	if (cfg->writes) {
		/* Writes land anywhere, partition tables included. */
		if ((rc = nvsh_confirm(tg, nvsh_isset(opts, "yes"),
				       "bench --rw %s writes %s blocks all over %s (data is destroyed)",
				       rw_names[cfg->rw], cfg->bsz, tg->name)))
			return rc;
	}
	return SHELL_OK;
}

/* Set up: queues 1..nq (qs says how to undo it), one data buffer per
 * command, the job state B; prints the job line. On error *buf may hold a
 * buffer and qs a half-done setup: the caller frees and restores both. */
static int bench_setup(struct nvsh_target *tg, struct bench_cfg *cfg, struct qsetup *qs, struct nvsh_buf *buf)
{
	uint64_t nq = cfg->nq, qd = cfg->qd, bs = cfg->bs;
	memset(qs, 0, sizeof(*qs) * nq);
	int rc = queues_prepare(tg, (unsigned)nq, cfg->armed, qs);
	if (rc)
		return rc;
	for (unsigned i = 0; i < nq; i++) {
		struct nvme_qpair *q = nvme_ctrl_io_qpair(tg->c, i);
		if (!q || !nvme_qpair_live(q))
			return shell_error("I/O queue %u is not usable", i + 1);
		if (qd > nvme_qpair_depth(q) - 1)
			return shell_usage_error("--qd %llu is above what queue %u holds (%u)", (unsigned long long)qd,
						 i + 1, nvme_qpair_depth(q) - 1);
	}
	if (!nvsh_buf_alloc(buf, (size_t)(nq * qd * bs), (size_t)(nq * qd * bs)))
		return shell_error("no memory for %llu data buffers of %llu bytes", (unsigned long long)(nq * qd),
				   (unsigned long long)bs);
	if (cfg->writes) {
		struct pattern pat;
		pattern_parse("random", cfg->seed, &pat);
		pattern_fill(&pat, 0, buf->p, buf->bytes);
	}

	enum bench_rw rw = cfg->rw;
	uint32_t nlb = cfg->nlb;
	memset(&B, 0, sizeof(B));
	B.ns = tg->ns;
	B.rw = rw;
	B.random = rw == RW_RANDREAD || rw == RW_RANDWRITE || rw == RW_RANDRW;
	B.mixed = rw == RW_RW || rw == RW_RANDRW;
	B.write_only = rw == RW_RANDWRITE || rw == RW_WRITE;
	B.nlb = nlb;
	B.units = tg->ns->size / nlb;
	B.lat_min = ~0ull;
	B.lat = cfg->lat;
	uint64_t share = B.units / nq;   /* sequential: each queue its own part */
	for (unsigned i = 0; i < nq; i++) {
		struct bench_q *bq = &B.qs[i];
		bq->q = nvme_ctrl_io_qpair(tg->c, i);
		bq->qid = (uint16_t)(i + 1);
		bq->rng = (cfg->seed + 1) * 0x9E3779B97F4A7C15ull ^ ((uint64_t)(i + 1) << 32);
		if (!bq->rng)
			bq->rng = 1;
		bq->seq_first = share * i * nlb;
		bq->seq_next = bq->seq_first;
		bq->seq_end = share * (i + 1) * nlb;
		bq->io = &B.ios_tab[i * qd];
		for (unsigned j = 0; j < qd; j++) {
			bq->io[j].bq = bq;
			bq->io[j].buf = buf->p + (size_t)(i * qd + j) * bs;
		}
	}

	cfg->shadow = nvme_ctrl_shadow_doorbells(tg->c);
	char waits[32] = "";
	if (!cfg->irq)
		ksnprintf(waits, sizeof(waits), " wait=%s spin=%uus", nvme_wait_name(cfg->wait), (unsigned)cfg->spin_us);
	kprintf("bench %s: %s %s bs=%s qd=%llu queues=%llu mode=%s%s shadow=%s%s, %llu s (ramp %llu s), "
		"TSC %llu.%03llu MHz (%s)\n",
		cfg->name, tg->name, rw_names[rw], cfg->bsz, (unsigned long long)qd, (unsigned long long)nq,
		cfg->irq ? "irq" : "poll", waits, cfg->shadow ? "on" : "off",
		cfg->lat ? "" : " lat=off",
		(unsigned long long)cfg->secs,
		(unsigned long long)cfg->ramp, (unsigned long long)(time_tsc_hz() / 1000000),
		(unsigned long long)(time_tsc_hz() / 1000 % 1000), time_source());
	return SHELL_OK;
}

static uint64_t irq_sum(const struct nvsh_target *tg, unsigned nq)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < nq; i++)
		n += nvme_irq_total(tg->t, B.qs[i].qid);
	return n;
}

/* Wake-up accounting around one wait of the run loop (measured window
 * only): what the CPU did and, when it halted, which interrupt ended it. */
enum { WAKE_NONE, WAKE_MSI, WAKE_TIMER, WAKE_OTHER };

struct wake_snap {
	uint64_t msi, ticks, halts, tsc;
};

static void wake_before(const struct nvsh_target *tg, unsigned nq, struct wake_snap *w)
{
	/* the two counters read in place: a copy of all of them, twice per
	 * wake-up, cost every mode about 55 instructions per I/O at QD1 */
	w->msi = irq_sum(tg, nq);
	w->ticks = timer_ticks + nvme_wait_counters.nap_ticks;
	w->halts = nvme_wait_counters.halts;
	w->tsc = rdtsc();
}

/* halted: the wait halted (irq mode) or -1: ask nvme_wait's counters;
 * direct: the pass before it reaped (no empty poll) */
static void wake_after(const struct nvsh_target *tg, unsigned nq, const struct wake_snap *w, int halted, bool direct)
{
	if (direct)
		B.direct++;
	else
		B.empty++;
	if (halted < 0)
		halted = nvme_wait_counters.halts != w->halts;
	if (!halted) {
		B.spin_irqs += irq_sum(tg, nq) - w->msi;
		return;
	}
	B.halts++;
	B.halted_tsc += rdtsc() - w->tsc;
	if (irq_sum(tg, nq) != w->msi) {
		B.wake_msi++;
		B.last_wake = WAKE_MSI;
	} else if (timer_ticks + nvme_wait_counters.nap_ticks != w->ticks) {
		B.wake_timer++;
		B.last_wake = WAKE_TIMER;
	} else {
		B.wake_other++;
		B.last_wake = WAKE_OTHER;
	}
}

/* The pass after a halt reaped done commands (see timer_found, msi_empty). */
static inline void wake_pass(int done)
{
	if (B.last_wake == WAKE_TIMER && done > 0)
		B.timer_found++;
	else if (B.last_wake == WAKE_MSI && done == 0)
		B.msi_empty++;
	B.last_wake = WAKE_NONE;
}

/* hybrid's gate: every bench queue's MSI-X entry masked or unmasked. */
struct bench_gate {
	struct nvsh_target *tg;
	unsigned nq;
};

static bool bench_gate(void *ctx, bool open)
{
	const struct bench_gate *g = ctx;
	bool held = false;
	for (unsigned i = 0; i < g->nq; i++)
		held |= nvme_irq_gate(g->tg->t, B.qs[i].qid, open);
	return held;
}

/* Run: --ramp then --time seconds with interrupts off (or sleeping in hlt
 * between MSI-X vectors with --irq), then every command drained. */
static int bench_run(struct nvsh_target *tg, const struct bench_cfg *cfg, struct bench_result *res)
{
	unsigned nq = (unsigned)cfg->nq;
	bool irq = cfg->irq, armed = cfg->armed;
	int timer_vec = -1;
	memset(res, 0, sizeof(*res));
	bool was_on = interrupts_enabled();
	cpu_cli();
	if (armed) {
		timer_vec = irq_alloc_vector(timer_tick, NULL);
		if (timer_vec < 0 || !lapic_timer_periodic(timer_vec, BENCH_HALT_BOUND_US)) {
			if (timer_vec >= 0) {
				lapic_timer_stop();
				irq_free_vector(timer_vec);
			}
			if (was_on)
				cpu_sti();
			return shell_error("no LAPIC timer for interrupt mode");
		}
	}
	uint64_t hz = time_tsc_hz();
	uint64_t start = rdtsc();
	B.ramp_tsc = start + cfg->ramp * hz;
	B.end_tsc = B.ramp_tsc + cfg->secs * hz;
	B.measuring = cfg->ramp == 0;
	res->irq0 = irq_sum(tg, nq);
	db_snapshot(nq, &res->d0);
	res->t_meas = start;

	for (unsigned i = 0; i < nq && !B.stop; i++) {
		struct bench_q *bq = &B.qs[i];
		nvme_qpair_batch_begin(bq->q);
		for (unsigned j = 0; j < cfg->qd && !B.stop; j++)
			(void)submit(&bq->io[j], rdtsc());
		nvme_qpair_batch_end(bq->q);
	}
	uint64_t next_check = start + hz / 50, next_tick = start + hz / 1000;
	uint64_t last_progress = start, tsc_per_us = hz / 1000000 ? hz / 1000000 : 1;
	struct nvme_wait_state ws = { 0 };
	struct bench_gate gate = { tg, nq };
	if (cfg->wait == NVME_WAIT_HYBRID && armed && !irq) {
		/* hybrid spins with the MSI-X masked (nvme_wait.h) */
		ws.gate = bench_gate;
		ws.gate_ctx = &gate;
	}
	/*
	 * --wait halt without spinning halts straight after a pass that reaped,
	 * as --irq does, instead of polling once more first. That poll cannot
	 * pay off: anything the device posts after the pass raises the
	 * queue's MSI-X, which the halt takes at once, and on an emulated
	 * device sharing the host core it only delays the halt that lets the
	 * device thread run (bench/README.md, "Polled against interrupts at QD32").
	 * --wait hybrid does so while halting is its choice.
	 */
	bool hybrid = !irq && cfg->wait == NVME_WAIT_HYBRID;
	struct nvme_wait_stats sp0;
	nvme_wait_stats_get(&sp0);
	while (!B.stop) {
		uint64_t now = rdtsc();
		if (!B.measuring && now >= B.ramp_tsc) {
			B.measuring = true;
			res->t_meas = now;
			db_snapshot(nq, &res->d0);
			res->irq0 = irq_sum(tg, nq);
			nvme_wait_stats_get(&sp0);
		}
		if (now >= B.end_tsc)
			break;
		if (armed && now >= next_tick) {
			/* what nvme_qpair_poll would do every 64 polls: timeouts and,
			 * with shadow doorbells, the no-progress MMIO kick - the
			 * host's part of the interrupt-mode contract */
			next_tick = now + hz / 1000;
			(void)nvme_ctrl_check_timeouts(tg->c);
		}
		if (now >= next_check) {
			next_check = now + hz / 50;
			if (console_check_interrupt()) {
				res->interrupted = true;
				B.stop = true;   /* callbacks submit nothing more */
				const char *why = nvme_port_removing(tg->t);
				if (why) {
					res->removal = true;
					for (unsigned i = 0; i < nq; i++)
						res->rm_inflight += B.qs[i].inflight;
					res->rm_errors0 = B.errors;
					kprintf("bench: %s is being removed (%s): stopping with %u commands in flight\n",
						tg->t->name, why, (unsigned)res->rm_inflight);
					/* drain, then abort what is left: it completes
					 * into the callbacks, the drain below finds none */
					nvme_port_retire(tg->t);
				}
				break;
			}
		}
		int done = 0;
		for (unsigned i = 0; i < nq; i++) {
			struct bench_q *bq = &B.qs[i];
			if (irq && !nvme_irq_take(tg->t, bq->qid))
				continue;
			int n = reap(bq);
			if (n < 0) {
				res->poll_err = n;
				B.stop = true;
				break;
			}
			if (n > 0 && B.measuring)
				B.reaps++;
			done += n;
		}
		if (B.last_wake != WAKE_NONE)
			wake_pass(done);
		if (done != 0) {
			if (cfg->wait == NVME_WAIT_SLEEP || (hybrid && !nvme_wait_learn_quick(&ws, now)))
				nvme_wait_learn(&ws, (now - last_progress) / tsc_per_us, (uint32_t)done);
			last_progress = now;
			if (!armed || irq || nvme_wait_spins(&ws, cfg->wait, cfg->spin_us))
				continue;
		}
		if (!irq) {
			/* --wait: spin, nap or (armed) halt until the MSI-X */
			struct wake_snap w;
			if (B.measuring)
				wake_before(tg, nq, &w);
			nvme_wait_idle(&ws, cfg->wait, cfg->spin_us, (now - last_progress) / tsc_per_us, armed);
			if (B.measuring)
				wake_after(tg, nq, &w, -1, done != 0);
		} else {
			/* Interrupts are off everywhere else, so handlers only
			 * run here; one that became pending since the last
			 * sleep is taken as soon as sti's shadow ends, and hlt
			 * returns at once. The 1 ms LAPIC timer bounds the
			 * sleep (time limit, Ctrl-C, a lost interrupt). */
			struct wake_snap w;
			if (B.measuring)
				wake_before(tg, nq, &w);
			__asm__ volatile("sti; hlt; cli" ::: "memory");
			if (B.measuring)
				wake_after(tg, nq, &w, 1, false);
		}
	}
	res->t_end = rdtsc();
	nvme_wait_release(&ws);
	db_snapshot(nq, &res->d1);
	if (B.measuring) {
		struct nvme_wait_stats sp1;
		nvme_wait_stats_get(&sp1);
		B.spin_hits = sp1.spin_hits - sp0.spin_hits;
		B.spin_misses = sp1.spin_misses - sp0.spin_misses;
		B.spin_skipped = sp1.spin_skipped - sp0.spin_skipped;
		B.spin_offs = sp1.spin_offs - sp0.spin_offs;
		B.spin_ons = sp1.spin_ons - sp0.spin_ons;
		B.gate_closes = sp1.gate_closes - sp0.gate_closes;
		B.gate_held = sp1.gate_held - sp0.gate_held;
	}
	res->irq1 = irq_sum(tg, nq);
	res->was_measuring = B.measuring;
	B.measuring = false;
	B.stop = true;

	/* Drain: every command completes (bounded by the I/O timeout). */
	uint64_t drain_end = rdtsc() + (uint64_t)BENCH_DRAIN_S * hz;
	for (;;) {
		uint32_t left = 0;
		for (unsigned i = 0; i < nq; i++) {
			if (B.qs[i].inflight) {
				int n = nvme_qpair_poll(B.qs[i].q, 0);
				if (n < 0 && !res->poll_err)
					res->poll_err = n;
			}
			left += B.qs[i].inflight;
		}
		if (left == 0 || rdtsc() > drain_end || res->poll_err)
			break;
	}
	if (armed) {
		lapic_timer_stop();
		irq_free_vector(timer_vec);
	}
	if (was_on)
		cpu_sti();
	return SHELL_OK;
}

/* Report: the human lines, the BENCH line, and the run's verdict. */
static int bench_report(const struct nvsh_target *tg, const struct bench_cfg *cfg, const struct bench_result *res)
{
	uint64_t bs = cfg->bs;
	uint64_t el_us = time_tsc_to_us(res->t_end - res->t_meas);
	if (!res->was_measuring)
		el_us = 0;
	uint64_t ios = B.ios;
	uint64_t iops = el_us ? ios * 1000000ull / el_us : 0;
	uint64_t kib = ios * bs / 1024;
	uint64_t bw_kib = el_us ? kib * 1000000ull / el_us : 0;
	uint64_t mean_t = ios ? B.lat_sum / ios : 0;
	char mean[16], p50[16], p99[16], p999[16], lmin[16], lmax[16], dpi[16];
	fmt_tenths(ticks_to_tenth_us(mean_t), mean, sizeof(mean));
	fmt_tenths(ticks_to_tenth_us(hist_quantile(50, 100)), p50, sizeof(p50));
	fmt_tenths(ticks_to_tenth_us(hist_quantile(99, 100)), p99, sizeof(p99));
	fmt_tenths(ticks_to_tenth_us(hist_quantile(999, 1000)), p999, sizeof(p999));
	fmt_tenths(ios ? ticks_to_tenth_us(B.lat_min) : 0, lmin, sizeof(lmin));
	fmt_tenths(ticks_to_tenth_us(B.lat_max), lmax, sizeof(lmax));
	const struct db_counts *d0 = &res->d0, *d1 = &res->d1;
	uint64_t sq = d1->sq_mmio - d0->sq_mmio, cq = d1->cq_mmio - d0->cq_mmio;
	uint64_t sub = d1->submitted - d0->submitted;
	/* the data pointers the run's commands used, counted by the driver:
	 * with NVME_DPTR_AUTO on a controller offering SGLs a one-page Read or
	 * Write goes by PRP1, a larger one by SGL */
	uint64_t sgl_n = d1->sgl - d0->sgl;
	const char *dptr = sgl_n == 0 ? "prp" : sgl_n >= sub ? "sgl" : "mixed";
	/* doorbell writes per submitted command, 3 decimals */
	uint64_t dpi_m = sub ? (sq + cq) * 1000 / sub : 0;
	ksnprintf(dpi, sizeof(dpi), "%llu.%03llu", (unsigned long long)(dpi_m / 1000),
		  (unsigned long long)(dpi_m % 1000));
	char rate[24];
	nvsh_fmt_rate(ios * bs, el_us * 1000, rate, sizeof(rate));
	kprintf("  %llu I/Os in %llu.%03llu s: %llu IOPS, %s\n", (unsigned long long)ios,
		(unsigned long long)(el_us / 1000000), (unsigned long long)(el_us / 1000 % 1000),
		(unsigned long long)iops, rate);
	if (cfg->lat) {
		kprintf("  latency us: mean %s, p50 %s, p99 %s, p99.9 %s (min %s, max %s)\n", mean, p50, p99, p999,
			lmin, lmax);
	} else {
		/* nothing was timed: the BENCH line says "-" */
		uint64_t little = iops ? cfg->qd * cfg->nq * 10000000ull / iops : 0;
		fmt_tenths(little, mean, sizeof(mean));
		kprintf("  latency: not measured (--no-lat); qd x queues / IOPS = %s us\n", mean);
		strlcpy(mean, "-", sizeof(mean));
		strlcpy(p50, "-", sizeof(p50));
		strlcpy(p99, "-", sizeof(p99));
		strlcpy(p999, "-", sizeof(p999));
	}
	uint64_t ssh = d1->sq_shadow - d0->sq_shadow, csh = d1->cq_shadow - d0->cq_shadow;
	uint64_t kicks = d1->kicks - d0->kicks, irqs = res->irq1 - res->irq0;
	kprintf("  doorbells: %s MMIO writes per I/O (SQ %llu, CQ %llu for %llu commands)", dpi,
		(unsigned long long)sq, (unsigned long long)cq, (unsigned long long)sub);
	if (cfg->shadow)
		kprintf(", shadow updates SQ %llu, CQ %llu, no-progress kicks %llu", (unsigned long long)ssh,
			(unsigned long long)csh, (unsigned long long)kicks);
	if (cfg->armed)
		kprintf(", %llu interrupts", (unsigned long long)irqs);
	kprintf("\n");
	/* per I/O, 3 decimals */
	char hpi[16];
	uint64_t hpi_m = ios ? B.halts * 1000 / ios : 0;
	ksnprintf(hpi, sizeof(hpi), "%llu.%03llu", (unsigned long long)(hpi_m / 1000), (unsigned long long)(hpi_m % 1000));
	uint64_t halted_us = time_tsc_to_us(B.halted_tsc);
	kprintf("  waits: %llu empty polls, %llu halts (%s per I/O) woken by MSI-X %llu (%llu found nothing), "
		"timer %llu (%llu found completions), other %llu; halted %llu ms\n",
		(unsigned long long)B.empty, (unsigned long long)B.halts, hpi, (unsigned long long)B.wake_msi,
		(unsigned long long)B.msi_empty, (unsigned long long)B.wake_timer, (unsigned long long)B.timer_found,
		(unsigned long long)B.wake_other, (unsigned long long)(halted_us / 1000));
	/* completions per reaping pass, 1 decimal */
	uint64_t cpr = B.reaps ? ios * 10 / B.reaps : 0;
	kprintf("  passes: %llu reaping passes, %llu.%llu completions each; %llu halts straight after one\n",
		(unsigned long long)B.reaps, (unsigned long long)(cpr / 10), (unsigned long long)(cpr % 10),
		(unsigned long long)B.direct);
	if (!cfg->irq && cfg->wait == NVME_WAIT_HYBRID)
		kprintf("  hybrid: %llu waits ended spinning, %llu spun their whole budget, %llu halted without "
			"spinning; trials won by spinning %llu, by halting %llu; MSI-X masked %llu times, %llu "
			"held back, %llu taken while spinning\n",
			(unsigned long long)B.spin_hits, (unsigned long long)B.spin_misses,
			(unsigned long long)B.spin_skipped, (unsigned long long)B.spin_ons,
			(unsigned long long)B.spin_offs, (unsigned long long)B.gate_closes,
			(unsigned long long)B.gate_held, (unsigned long long)B.spin_irqs);
	kprintf("BENCH job=%s dev=%s rw=%s bs=%llu qd=%llu queues=%llu mode=%s time_s=%llu ios=%llu iops=%llu "
		"bw_kib=%llu lat_us_mean=%s lat_us_p50=%s lat_us_p99=%s lat_us_p999=%s doorbells_per_io=%s "
		"shadow=%s sq_mmio=%llu cq_mmio=%llu sq_shadow=%llu cq_shadow=%llu kicks=%llu submitted=%llu "
		"irqs=%llu errors=%llu wait=%s spin_us=%u empty_polls=%llu halts=%llu wake_msi=%llu wake_timer=%llu "
		"wake_other=%llu halted_us=%llu timer_found=%llu msi_empty=%llu reaps=%llu direct_halts=%llu lat=%s "
		"dptr=%s spin_hits=%llu spin_misses=%llu spin_skipped=%llu spin_offs=%llu spin_ons=%llu gate_closes=%llu gate_held=%llu "
		"spin_irqs=%llu\n",
		cfg->name, tg->name, rw_names[cfg->rw], (unsigned long long)bs, (unsigned long long)cfg->qd,
		(unsigned long long)cfg->nq, cfg->irq ? "irq" : "poll", (unsigned long long)cfg->secs,
		(unsigned long long)ios, (unsigned long long)iops, (unsigned long long)bw_kib, mean, p50, p99, p999,
		dpi, cfg->shadow ? "on" : "off", (unsigned long long)sq, (unsigned long long)cq,
		(unsigned long long)ssh, (unsigned long long)csh, (unsigned long long)kicks, (unsigned long long)sub,
		(unsigned long long)irqs, (unsigned long long)(B.errors + B.submit_errors),
		cfg->irq ? "irq" : nvme_wait_name(cfg->wait), (unsigned)(cfg->irq ? 0 : cfg->spin_us),
		(unsigned long long)B.empty, (unsigned long long)B.halts, (unsigned long long)B.wake_msi,
		(unsigned long long)B.wake_timer, (unsigned long long)B.wake_other, (unsigned long long)halted_us,
		(unsigned long long)B.timer_found, (unsigned long long)B.msi_empty, (unsigned long long)B.reaps,
		(unsigned long long)B.direct, cfg->lat ? "on" : "off", dptr, (unsigned long long)B.spin_hits,
		(unsigned long long)B.spin_misses, (unsigned long long)B.spin_skipped, (unsigned long long)B.spin_offs,
		(unsigned long long)B.spin_ons, (unsigned long long)B.gate_closes, (unsigned long long)B.gate_held,
		(unsigned long long)B.spin_irqs);

	int rc = SHELL_OK;
	if (res->removal) {
		uint64_t failed = B.errors - res->rm_errors0;
		rc = shell_error("%s removed under bench (%s): of %u commands in flight, %llu completed, %llu failed",
				 tg->t->name, nvme_port_removing(tg->t), (unsigned)res->rm_inflight,
				 (unsigned long long)(res->rm_inflight - failed), (unsigned long long)failed);
	} else if (res->interrupted) {
		kprintf("interrupted\n");
		rc = SHELL_ERR;
	}
	if (B.first_error)
		rc = nvsh_fail("bench I/O", B.first_error);
	else if (res->poll_err)
		rc = nvsh_fail("bench poll", res->poll_err);
	for (unsigned i = 0; i < cfg->nq; i++)
		if (B.qs[i].inflight)
			rc = shell_error("queue %u: %u commands did not complete", i + 1, B.qs[i].inflight);
	return rc;
}

static int cmd_bench(int argc, char **argv)
{
	struct nvsh_target tg;
	struct bench_cfg cfg;
	int rc = bench_parse(argc, argv, &tg, &cfg);
	if (rc)
		return rc;
	if (cfg.armed && nvme_irq_enable(tg.t) != 0)
		return shell_error("%s needs MSI-X on %s", cfg.irq ? "interrupt mode" : "--wait halt/hybrid", tg.t->name);
	struct qsetup qs[BENCH_MAX_QUEUES];
	struct nvsh_buf buf = { 0 };
	rc = bench_setup(&tg, &cfg, qs, &buf);
	if (rc == SHELL_OK) {
		struct bench_result res;
		rc = bench_run(&tg, &cfg, &res);
		if (rc == SHELL_OK)
			rc = bench_report(&tg, &cfg, &res);
	}
	nvsh_buf_free(&buf);
	queues_restore(&tg, (unsigned)cfg.nq, cfg.armed, qs);
	return rc;
}

NVSH_COMMAND("bench",
	     "bench [DEVICE] [--rw randread|randwrite|read|write|rw|randrw] [--bs SIZE] [--qd N] [--time S] "
	     "[--ramp S] [--ns NAME] [--queues N] [--irq|--poll|--mode irq|poll] [--wait spin|sleep|halt|hybrid] "
	     "[--spin-us N] [--seed S] [--name JOB] [--no-lat] [--yes]",
	     "fio-like benchmark: IOPS, MiB/s, latency percentiles, doorbell writes per I/O",
	     "Keeps --qd commands (default 1) of --bs bytes (default 4k, a multiple of the block\n"
	     "size, at most the max transfer) in flight on each of --queues I/O queue pairs\n"
	     "(default 1; missing ones are created for the run) for --time seconds (default 5)\n"
	     "after --ramp seconds not counted (default 0). --rw: randread (default), randwrite,\n"
	     "read, write (sequential, each queue in its own part of the namespace), rw/randrw\n"
	     "(half reads, half writes). Random offsets come from a generator seeded with --seed,\n"
	     "aligned to --bs. --poll (default; --mode poll): the queues are polled; a pass that\n"
	     "finds nothing waits with --wait (default: the `poll-wait` setting) after --spin-us\n"
	     "of spinning: spin, sleep (LAPIC timer naps), halt (the queues get MSI-X vectors,\n"
	     "the CPU halts until one fires) or hybrid (spin or halt, whichever completes\n"
	     "more I/O per second in trials it repeats; spins with the MSI-X masked; --spin-us\n"
	     "caps one wait's learned spin). --irq (--mode irq): the queues are recreated with\n"
	     "MSI-X vectors, the CPU sleeps (sti; hlt) between interrupts and reaps only the\n"
	     "queues that signalled; they are polled again afterwards. Writes destroy data:\n"
	     "confirm or --yes.\n"
	     "Prints IOPS, bandwidth, latency mean/p50/p99/p99.9 (TSC calibrated against the PIT),\n"
	     "MMIO doorbell writes per I/O, how it waited (empty polls, halts per I/O, what\n"
	     "ended each halt: MSI-X, timer or other) and the reaping passes that found\n"
	     "completions (completions per pass), then one line\n"
	     "  BENCH job=.. rw=.. bs=.. qd=.. iops=.. bw_kib=.. lat_us_p50=.. doorbells_per_io=.. ...\n"
	     "--no-lat: no per-I/O timestamps or latency statistics (IOPS and bandwidth only;\n"
	     "the BENCH line's latency fields are '-'): what the bench's own accounting costs,\n"
	     "beside bench-floor. Nothing is verified; Ctrl-C stops early.\n" NVSH_HELP_DEVICE,
	     cmd_bench);

/* ------------------------------------------------------------ poll-wait */

static int cmd_poll_wait(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "spin-us", .takes_value = true },
		{ 0 },
	};
	char *pos[2];
	int npos;
	int rc = shell_getopt(argc, argv, opts, pos, 2, &npos);
	if (rc)
		return rc;
	if (npos > 1)
		return shell_usage_error("one strategy at most");
	struct nvme_wait_setting s;
	nvme_wait_get(&s);
	if (npos == 1 && !nvme_wait_parse(pos[0], &s.mode))
		return shell_usage_error("bad strategy '%s' (expected spin, sleep, halt or hybrid)", pos[0]);
	uint64_t spin = s.spin_us;
	if ((rc = shell_opt_u64(&opts[0], &spin)))
		return rc;
	if (spin > NVME_WAIT_SPIN_MAX_US)
		return shell_usage_error("--spin-us %llu is above %u", (unsigned long long)spin,
					 (unsigned)NVME_WAIT_SPIN_MAX_US);
	s.spin_us = (uint32_t)spin;
	nvme_wait_set(&s);
	kprintf("poll-wait: %s, spin %u us\n", nvme_wait_name(s.mode), (unsigned)s.spin_us);
	struct nvme_wait_stats st;
	nvme_wait_stats_get(&st);
	kprintf("  since boot: %llu empty polls, %llu spin polls, %llu halts (%llu ms), %llu timer naps (%llu timer "
		"interrupts)\n",
		(unsigned long long)st.idle_calls, (unsigned long long)st.pauses, (unsigned long long)st.halts,
		(unsigned long long)(time_tsc_to_us(st.halted_tsc) / 1000), (unsigned long long)st.naps,
		(unsigned long long)st.nap_ticks);
	kprintf("  hybrid: %llu waits ended spinning, %llu spun their whole budget, %llu halted without "
		"spinning; trials won by spinning %llu, by halting %llu; MSI-X masked %llu times, %llu held "
		"back\n",
		(unsigned long long)st.spin_hits, (unsigned long long)st.spin_misses,
		(unsigned long long)st.spin_skipped, (unsigned long long)st.spin_ons, (unsigned long long)st.spin_offs,
		(unsigned long long)st.gate_closes, (unsigned long long)st.gate_held);
	kprintf("  spinning waits use %s\n", nvme_wait_pause_hint() ? "PAUSE"
		: "no PAUSE (QEMU's TCG: PAUSE would take QEMU's global lock)");
	return SHELL_OK;
}

NVSH_COMMAND("poll-wait", "poll-wait [spin|sleep|halt|hybrid] [--spin-us N]",
	     "how polled NVMe waits idle: spin, sleep (timer naps), halt or hybrid",
	     "Sets (or, without arguments, shows) the wait strategy of the polled path:\n"
	     "what a synchronous command (every other shell command) and `bench --poll`\n"
	     "do when a poll finds no completion. After --spin-us microseconds of\n"
	     "spinning (default 0):\n"
	     "  spin   keep polling (a PAUSE hint, none under QEMU's TCG): lowest latency\n"
	     "         when the CPU is not shared with the device, e.g. a real drive\n"
	     "  sleep  halt until a LAPIC one-shot timer half the mean wait ahead, then\n"
	     "         poll, then nap for an eighth of the mean or a quarter of the time\n"
	     "         waited (2 us to 1 ms) until the completion (Linux's hybrid polling)\n"
	     "  halt   bench: the queues get MSI-X vectors and the CPU halts until one\n"
	     "         fires, so an emulated device's thread gets the host core;\n"
	     "         synchronous commands (on the polled queues: no interrupt) nap as\n"
	     "         with sleep\n"
	     "  hybrid (default at boot: measured in bench/README.md) spin or halt,\n"
	     "         whichever completes more commands per second: a 16 ms trial of\n"
	     "         each (spinning must win by 3 % with at least half of its waits\n"
	     "         ending while spinning; it loses at once when 16 spinning waits\n"
	     "         mostly ran out), the winner kept for 8 trial lengths, doubling to\n"
	     "         256 while it keeps winning, then both tried again. A spinning wait\n"
	     "         spins up to twice the mean of the waits that ended spinning (4 us\n"
	     "         to --spin-us, or 100 us when it is 0), then halts as halt does;\n"
	     "         bench keeps its MSI-X masked while it spins\n"
	     "`bench --wait S --spin-us N` overrides it for one run. Also prints how the\n"
	     "strategies waited since boot (empty polls, spin polls, halts and time halted,\n"
	     "timer naps and the timer interrupts that ended them, hybrid's waits and trials)\n"
	     "and whether spinning uses PAUSE (not under QEMU's TCG, where PAUSE takes\n"
	     "QEMU's global lock from the device's thread).\n",
	     cmd_poll_wait);
