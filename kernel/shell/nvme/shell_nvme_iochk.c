/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_iochk.c - `iochk`: a data integrity exerciser on the driver's
 * asynchronous API.
 *
 * Every block of the range carries a self-describing header, so any read
 * can be checked on its own and the host can check the disk image later
 * (tests/qemu/iochk.py implements the same format and sequence):
 *
 *   bytes  0..7   magic "NVTKIOCK"
 *          8..15  LBA (little endian)
 *         16..23  seed
 *         24..27  generation: 0 for the fill, k+1 for the random phase's op k
 *         28..31  CRC32C (Castagnoli, as iSCSI/ext4) of the whole block with
 *                 these four bytes taken as zero
 *         32..    payload: 64-bit words, word i = nvme_splitmix64(K, i) with
 *                 K = seed ^ LBA*0xD1B54A32D192ED03 ^ gen*0x8CB92BA72F3D8DD7
 *                 and splitmix(K, i) the kernel's "random" pattern word
 *                 (nvme_pattern.h): z = K + (i+1)*0x9E3779B97F4A7C15, ...
 *
 * Phases:
 *   fill    write generation 0 to every block (sequential, --qd in flight);
 *   verify  read every block and check it against the expected state
 *           (--expect fill: generation 0 everywhere; --expect random: the
 *           state after the random phase, recomputed from the seed);
 *   random  a sequence of reads and writes fixed by the seed: op k is a
 *           write with probability --write-pct %, of 1..--max-blocks blocks
 *           at a random place in the range; ops are generated until the
 *           blocks touched reach --passes times the range. Ops are issued
 *           in order, --qd in flight, and an op waits while it overlaps an
 *           op in flight of which one is a write: so the order of the
 *           operations on every block is the sequence's order, and the
 *           final image and every read's expected generation follow from
 *           the seed alone. Every read is checked (CRC, magic, LBA, seed,
 *           generation) and every write must succeed.
 * --phase all (default) runs fill, verify, random, verify. On a zoned
 * namespace (nvme_zns.h) the range is whole zones: fill resets them and
 * writes them with Zone Appends (one per zone at a time, each checked to
 * land at the write pointer), verify reads every block; the random phase
 * needs overwrites and is not run. --reset-every N
 * resets the controller (nvme_ctrl_reset) after every N ops issued, with
 * commands in flight: the driver resubmits them and nothing acknowledged
 * may be lost.
 */
#include "shell_nvme.h"
#include "nvme_splitmix.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

#define IOCHK_MAX_QD      256u
#define IOCHK_HDR         32u
#define IOCHK_MAGIC       "NVTKIOCK"
#define K_LBA             0xD1B54A32D192ED03ull
#define K_GEN             0x8CB92BA72F3D8DD7ull

/* ------------------------------------------------------------ format */

static uint32_t crc_table[256];

static void crc_init(void)
{
	if (crc_table[1])
		return;
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
}

/* CRC32C of the block with bytes 28..31 as zero. */
static uint32_t block_crc(const uint8_t *b, uint32_t bs)
{
	uint32_t c = 0xFFFFFFFFu;
	for (uint32_t i = 0; i < bs; i++) {
		uint8_t v = (i >= 28 && i < 32) ? 0 : b[i];
		c = crc_table[(c ^ v) & 0xFFu] ^ (c >> 8);
	}
	return ~c;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void block_make(uint8_t *b, uint32_t bs, uint64_t lba, uint64_t seed, uint32_t gen)
{
	memcpy(b, IOCHK_MAGIC, 8);
	put64(b + 8, lba);
	put64(b + 16, seed);
	put64(b + 24, gen);   /* gen in 24..27, CRC (28..31) zero for now */
	uint64_t k = seed ^ (lba * K_LBA) ^ ((uint64_t)gen * K_GEN);
	for (uint32_t i = 0; i < (bs - IOCHK_HDR) / 8; i++)
		put64(b + IOCHK_HDR + 8 * i, nvme_splitmix64(k, i));
	uint32_t crc = block_crc(b, bs);
	b[28] = (uint8_t)crc;
	b[29] = (uint8_t)(crc >> 8);
	b[30] = (uint8_t)(crc >> 16);
	b[31] = (uint8_t)(crc >> 24);
}

/* Checks one block read back; 0 if right, else writes why into msg. */
static int block_check(const uint8_t *b, uint32_t bs, uint64_t lba, uint64_t seed, uint32_t want_gen,
		       char *msg, size_t len)
{
	uint32_t crc = (uint32_t)b[28] | ((uint32_t)b[29] << 8) | ((uint32_t)b[30] << 16) | ((uint32_t)b[31] << 24);
	uint32_t gen = (uint32_t)get64(b + 24);
	if (memcmp(b, IOCHK_MAGIC, 8) != 0) {
		ksnprintf(msg, len, "no iochk header (bytes %02x %02x %02x %02x ...)", b[0], b[1], b[2], b[3]);
		return -1;
	}
	if (block_crc(b, bs) != crc) {
		ksnprintf(msg, len, "CRC32C mismatch (stored %08x, computed %08x)", (unsigned)crc,
			  (unsigned)block_crc(b, bs));
		return -1;
	}
	if (get64(b + 8) != lba) {
		ksnprintf(msg, len, "header names LBA %llu (misdirected or stale data)",
			  (unsigned long long)get64(b + 8));
		return -1;
	}
	if (get64(b + 16) != seed) {
		ksnprintf(msg, len, "header seed 0x%llx, expected 0x%llx", (unsigned long long)get64(b + 16),
			  (unsigned long long)seed);
		return -1;
	}
	if (gen != want_gen) {
		ksnprintf(msg, len, "generation %u, expected %u (%s write)", (unsigned)gen, (unsigned)want_gen,
			  gen < want_gen ? "a lost" : "an unexpected");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ sequences */

struct iochk_cfg {
	uint64_t start, count, seed;
	uint32_t qd, max_blocks, passes, write_pct;
	uint32_t reset_every;
};

struct op {
	bool write;
	uint32_t gen;       /* write: the generation it writes */
	uint64_t lba;       /* offset in the range */
	uint32_t nblk;
};

/* xorshift64* over the seed; the random phase's op k. */
struct gen_state {
	uint64_t rng;
	uint64_t k;         /* ops generated */
	uint64_t touched;   /* blocks touched so far */
};

static uint64_t xs_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static void gen_init(struct gen_state *g, uint64_t seed)
{
	g->rng = seed * 0x9E3779B97F4A7C15ull + 1u;
	if (g->rng == 0)
		g->rng = 1;
	g->k = 0;
	g->touched = 0;
}

static bool gen_next(struct gen_state *g, const struct iochk_cfg *c, struct op *o)
{
	if (g->touched >= (uint64_t)c->passes * c->count)
		return false;
	uint64_t r = xs_next(&g->rng);
	o->write = (r >> 32) % 100u < c->write_pct;
	uint32_t maxb = (uint32_t)(c->max_blocks < c->count ? c->max_blocks : c->count);
	o->nblk = 1u + (uint32_t)(xs_next(&g->rng) % maxb);
	o->lba = xs_next(&g->rng) % (c->count - o->nblk + 1u);
	o->gen = (uint32_t)(g->k + 1u);
	g->k++;
	g->touched += o->nblk;
	return true;
}

/* ------------------------------------------------------------ engine */

struct run;

struct slot {
	bool busy, done;
	int status;
	struct op op;
	uint8_t *buf;
	struct run *run;
};

struct run {
	const struct iochk_cfg *cfg;
	struct nvsh_target *tg;
	struct nvme_qpair *q;
	uint32_t bs;
	uint32_t *gen;      /* expected generation per block of the range */
	struct slot slots[IOCHK_MAX_QD];
	uint32_t inflight;
	/* results */
	uint64_t ops, reads, writes, blocks, resets;
	bool failed;        /* a failure was reported (later ones are not) */
	bool interrupted;
	uint64_t cmd_errors;     /* completions with an error */
	uint64_t extra_cbs;      /* completions of a command not in flight (must stay 0) */
	/* removal of the controller seen (nvme_port_removing) */
	bool removal;
	uint32_t rm_inflight;    /* commands in flight at that moment */
	uint64_t rm_errors0;     /* cmd_errors at that moment */
};

static void slot_cb(void *arg, int status, const struct nvme_cqe *cqe)
{
	(void)cqe;
	struct slot *s = arg;
	if (!s->busy || s->done) {
		/* the driver's promise is one completion per command */
		s->run->extra_cbs++;
		return;
	}
	s->done = true;
	s->status = status;
}

static bool overlaps(const struct op *a, const struct op *b)
{
	return (a->write || b->write) && a->lba < b->lba + b->nblk && b->lba < a->lba + a->nblk;
}

/* A completed op: check it; false stops the run (message printed). */
static bool finish(struct run *R, struct slot *s)
{
	const struct iochk_cfg *c = R->cfg;
	s->busy = false;
	R->inflight--;
	if (s->status != 0)
		R->cmd_errors++;
	if (s->status != 0) {
		char why[96];
		nvme_status_describe(s->status, why, sizeof(why));
		if (!R->failed)
			kprintf("iochk: %s of LBA %llu (%u blocks) failed: %s\n", s->op.write ? "write" : "read",
				(unsigned long long)(c->start + s->op.lba), (unsigned)s->op.nblk, why);
		R->failed = true;
		return false;
	}
	if (s->op.write)
		return true;
	for (uint32_t i = 0; i < s->op.nblk; i++) {
		uint64_t off = s->op.lba + i;
		char why[128];
		if (block_check(s->buf + (size_t)i * R->bs, R->bs, c->start + off, c->seed, R->gen[off], why,
				sizeof(why)) != 0) {
			if (!R->failed)
				kprintf("iochk: LBA %llu: %s\n", (unsigned long long)(c->start + off), why);
			R->failed = true;
			return false;
		}
	}
	return true;
}

/* Reap what completed; false on a failure. */
static bool reap(struct run *R)
{
	int n = nvme_qpair_poll(R->q, 0);
	if (n < 0 && R->inflight) {
		/* the controller failed or is gone: every command was completed
		 * with an error by the driver, which the loop below reports */
	}
	bool ok = true;
	uint32_t qd = R->cfg->qd;
	for (uint32_t i = 0; i < qd; i++) {
		struct slot *s = &R->slots[i];
		if (s->busy && s->done && !finish(R, s))
			ok = false;
	}
	return ok;
}

static bool submit(struct run *R, struct slot *s, const struct op *o)
{
	const struct iochk_cfg *c = R->cfg;
	s->op = *o;
	s->done = false;
	s->status = 0;
	if (o->write)
		for (uint32_t i = 0; i < o->nblk; i++)
			block_make(s->buf + (size_t)i * R->bs, R->bs, c->start + o->lba + i, c->seed, o->gen);
	for (;;) {
		int rc = o->write ? nvsh_write_async(R->tg->ns, R->q, c->start + o->lba, o->nblk, s->buf, slot_cb, s)
				  : nvsh_read_async(R->tg->ns, R->q, c->start + o->lba, o->nblk, s->buf, slot_cb, s);
		if (rc == 0)
			break;
		if (rc == NVME_ERR_QUEUE_FULL || rc == NVME_ERR_BOUNCE_BUSY) {
			if (!reap(R))
				return false;
			continue;
		}
		nvsh_fail(o->write ? "iochk write" : "iochk read", rc);
		return false;
	}
	if (o->write)
		for (uint32_t i = 0; i < o->nblk; i++)
			R->gen[o->lba + i] = o->gen;   /* what a later read must find */
	s->busy = true;
	R->inflight++;
	R->ops++;
	R->blocks += o->nblk;
	if (o->write)
		R->writes++;
	else
		R->reads++;
	return true;
}

/* Op source of a phase. */
struct source {
	int kind;            /* 0 fill, 1 verify, 2 random */
	uint64_t next;       /* fill/verify: next offset */
	struct gen_state g;
};

static bool source_next(struct source *src, const struct iochk_cfg *c, uint32_t chunk, struct op *o)
{
	if (src->kind == 2)
		return gen_next(&src->g, c, o);
	if (src->next >= c->count)
		return false;
	o->write = src->kind == 0;
	o->gen = 0;
	o->lba = src->next;
	o->nblk = (uint32_t)(c->count - src->next < chunk ? c->count - src->next : chunk);
	src->next += o->nblk;
	return true;
}

/* Runs one phase; SHELL_OK or SHELL_ERR (printed). */
static int run_phase(struct run *R, struct source *src, uint32_t chunk)
{
	const struct iochk_cfg *c = R->cfg;
	struct op o;
	bool have = source_next(src, c, chunk, &o);
	bool ok = true;
	uint64_t last_check = time_now_us();
	uint64_t since_reset = 0;
	while (ok && have) {
		/* room, and no conflict with an op in flight */
		struct slot *free_slot = NULL;
		bool conflict = false;
		for (uint32_t i = 0; i < c->qd; i++) {
			struct slot *s = &R->slots[i];
			if (!s->busy) {
				if (!free_slot)
					free_slot = s;
			} else if (overlaps(&s->op, &o)) {
				/* also when done but not yet checked: a read is
				 * checked against the generations at reap time */
				conflict = true;
			}
		}
		if (!free_slot || conflict) {
			ok = reap(R);
		} else {
			ok = submit(R, free_slot, &o);
			have = ok && source_next(src, c, chunk, &o);
			if (ok && c->reset_every && src->kind == 2 && ++since_reset >= c->reset_every) {
				since_reset = 0;
				uint32_t before = R->inflight;
				int rc = nvme_ctrl_reset(R->tg->c);
				R->resets++;
				if (rc != 0) {
					nvsh_fail("controller reset (--reset-every)", rc);
					ok = false;
				} else {
					kprintf("  reset %llu: %u commands were in flight\n", (unsigned long long)R->resets,
						(unsigned)before);
				}
			}
		}
		uint64_t now = time_now_us();
		/* with commands in flight (a reap may just have completed them
		 * all; the next pass refills), so that a removal seen here
		 * stops commands that are really outstanding */
		if (now - last_check > 20000 && R->inflight) {
			last_check = now;
			if (console_check_interrupt()) {
				R->interrupted = true;
				ok = false;
				const char *why = nvme_port_removing(R->tg->t);
				if (why && !R->removal) {
					/* stop the commands in flight now (drain, then
					 * abort): they complete into the loop below */
					R->removal = true;
					R->rm_inflight = R->inflight;
					R->rm_errors0 = R->cmd_errors;
					kprintf("iochk: %s is being removed (%s): stopping with %u commands in flight\n",
						R->tg->t->name, why, (unsigned)R->inflight);
					nvme_port_retire(R->tg->t);
				}
			}
		}
	}
	/* drain: every command ends (the driver's timeouts bound this) */
	uint64_t t0 = time_now_us();
	while (R->inflight) {
		if (!reap(R))
			ok = false;
		if (time_now_us() - t0 > 120000000ull) {
			kprintf("iochk: %u commands did not complete within 120 s\n", (unsigned)R->inflight);
			return SHELL_ERR;
		}
	}
	if (R->removal) {
		uint64_t failed = R->cmd_errors - R->rm_errors0;
		shell_error("%s removed under iochk (%s): of %u commands in flight, %llu completed, %llu failed",
			    R->tg->t->name, nvme_port_removing(R->tg->t), (unsigned)R->rm_inflight,
			    (unsigned long long)(R->rm_inflight - failed), (unsigned long long)failed);
	} else if (R->interrupted) {
		kprintf("interrupted\n");
	}
	if (R->extra_cbs) {
		shell_error("iochk: %llu completions of commands that were not in flight",
			    (unsigned long long)R->extra_cbs);
		ok = false;
	}
	return ok ? SHELL_OK : SHELL_ERR;
}

#if NVME_CFG_ZNS
/* Zoned fill: reset the range's zones, then fill each with Zone Appends of
 * generation 0, checking every append lands at the write pointer. */
static int zoned_fill(struct run *R, uint32_t chunk)
{
	const struct iochk_cfg *c = R->cfg;
	struct nvme_ns *ns = R->tg->ns;
	struct nvme_zns_info zi;
	nvme_zns_info(ns, &zi);
	if (chunk > zi.append_max_blocks)
		chunk = zi.append_max_blocks;
	uint8_t *buf = R->slots[0].buf;
	for (uint64_t zs = c->start; zs < c->start + c->count; zs += zi.zone_size) {
		int rc = nvme_zns_mgmt(ns, R->q, zs, NVME_ZSA_RESET, false);
		if (rc)
			return nvsh_fail("iochk: reset zone", rc);
		struct nvme_zone z;
		rc = nvme_zns_zone(ns, R->q, zs, &z);
		if (rc)
			return nvsh_fail("iochk: report zone", rc);
		if (z.zcap != zi.zone_size)
			return shell_error("iochk: zone at LBA %llu has capacity %llu of %llu blocks: the blocks past "
					   "it cannot be written", (unsigned long long)zs, (unsigned long long)z.zcap,
					   (unsigned long long)zi.zone_size);
		for (uint64_t off = 0; off < zi.zone_size;) {
			uint32_t n = (uint32_t)(zi.zone_size - off < chunk ? zi.zone_size - off : chunk);
			for (uint32_t i = 0; i < n; i++)
				block_make(buf + (size_t)i * R->bs, R->bs, zs + off + i, c->seed, 0);
			uint64_t got = 0;
			rc = nvme_zns_append(ns, R->q, zs, n, buf, &got);
			if (rc) {
				char why[224];
				nvme_zns_explain(ns, R->q, rc, zs, n, true, why, sizeof(why));
				kprintf("iochk: %s\n", why);
				return SHELL_ERR;
			}
			if (got != zs + off) {
				kprintf("iochk: Zone Append to the zone at LBA %llu wrote at LBA %llu, not at the write "
					"pointer %llu\n", (unsigned long long)zs, (unsigned long long)got,
					(unsigned long long)(zs + off));
				return SHELL_ERR;
			}
			off += n;
			R->ops++;
			R->writes++;
			R->blocks += n;
			if (console_check_interrupt()) {
				R->interrupted = true;
				kprintf("interrupted\n");
				return SHELL_ERR;
			}
		}
	}
	return SHELL_OK;
}
#endif

/* ------------------------------------------------------------ command */

static void print_result(const char *phase, const struct run *R, const struct iochk_cfg *c, int rc, uint64_t us)
{
	kprintf("IOCHK phase=%s result=%s dev=%s seed=0x%llx start=%llu count=%llu bs=%u qd=%u ops=%llu "
		"reads=%llu writes=%llu blocks=%llu resets=%llu ms=%llu\n",
		phase, rc == SHELL_OK ? "ok" : "fail", R->tg->name, (unsigned long long)c->seed,
		(unsigned long long)c->start, (unsigned long long)c->count, (unsigned)R->bs, (unsigned)c->qd,
		(unsigned long long)R->ops, (unsigned long long)R->reads, (unsigned long long)R->writes,
		(unsigned long long)R->blocks, (unsigned long long)R->resets, (unsigned long long)(us / 1000));
}

static int cmd_iochk(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "start", .short_name = 's', .takes_value = true },
		{ .name = "count", .short_name = 'c', .takes_value = true },
		{ .name = "seed", .takes_value = true },
		{ .name = "qd", .takes_value = true },
		{ .name = "max-blocks", .takes_value = true },
		{ .name = "passes", .takes_value = true },
		{ .name = "write-pct", .takes_value = true },
		{ .name = "phase", .takes_value = true },
		{ .name = "expect", .takes_value = true },
		{ .name = "reset-every", .takes_value = true },
		NVSH_OPT_NSID,
		NVSH_OPT_YES,
		{ 0 },
	};
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc)
		return rc;
	struct nvme_ns *ns = tg.ns;
	struct iochk_cfg c;
	uint64_t start = 0, count = 0, seed = time_rdtsc() & 0xFFFFFFFFu, qd = 32, maxb = 8, passes = 4,
		 wpct = 50, reset_every = 0;
	if ((rc = nvsh_opt_u64(opts, "start", &start)) || (rc = nvsh_opt_u64(opts, "count", &count)) ||
	    (rc = nvsh_opt_u64(opts, "seed", &seed)) || (rc = nvsh_opt_u64_max(opts, "qd", IOCHK_MAX_QD, &qd)) ||
	    (rc = nvsh_opt_u64_max(opts, "max-blocks", 65536, &maxb)) ||
	    (rc = nvsh_opt_u64_max(opts, "passes", 1000, &passes)) ||
	    (rc = nvsh_opt_u64_max(opts, "write-pct", 100, &wpct)) ||
	    (rc = nvsh_opt_u64_max(opts, "reset-every", 1u << 30, &reset_every)))
		return rc;
	if (start >= ns->size)
		return shell_usage_error("--start %llu is beyond the namespace (%llu blocks)", (unsigned long long)start,
					 (unsigned long long)ns->size);
	bool zoned = false;
#if NVME_CFG_ZNS
	zoned = nvme_ns_is_zoned(ns);
	if (zoned && !nvsh_isset(opts, "count")) {
		/* whole zones: 8192 blocks or one zone, whichever is more */
		count = 8192 - 8192 % ns->cmdset.zone_size;
		if (count == 0)
			count = ns->cmdset.zone_size;
		if (count > ns->size - start)
			count = ns->size - start;
	}
	if (zoned && (start % ns->cmdset.zone_size != 0 || count % ns->cmdset.zone_size != 0))
		return shell_usage_error("%s is zoned (zones of %llu blocks): --start and --count must cover whole zones",
					 tg.name, (unsigned long long)ns->cmdset.zone_size);
#endif
	if (!nvsh_isset(opts, "count") && !zoned)
		count = ns->size - start < 8192 ? ns->size - start : 8192;
	if (count == 0 || count > ns->size - start)
		return shell_usage_error("--count %llu does not fit the namespace after LBA %llu (%llu blocks)",
					 (unsigned long long)count, (unsigned long long)start,
					 (unsigned long long)ns->size);
	if (count > (64u << 20))
		return shell_usage_error("--count %llu: at most 64M blocks", (unsigned long long)count);
	if (qd == 0 || maxb == 0 || passes == 0)
		return shell_usage_error("--qd, --max-blocks and --passes must be at least 1");
	if (maxb > ns->max_blocks)
		return shell_usage_error("--max-blocks %llu is above what one command moves (%u)",
					 (unsigned long long)maxb, (unsigned)ns->max_blocks);
	if (ns->lba_size < 64)
		return shell_usage_error("the block size %u is too small for the header", (unsigned)ns->lba_size);
	const char *phase = "all";
	struct shell_opt *po = nvsh_opt(opts, "phase");
	if (po->set)
		phase = po->value;
	bool ph_fill = !strcmp(phase, "all") || !strcmp(phase, "fill");
	bool ph_random = !strcmp(phase, "all") || !strcmp(phase, "random");
	bool ph_verify = !strcmp(phase, "verify");
	if (!ph_fill && !ph_random && !ph_verify)
		return shell_usage_error("bad --phase '%s' (expected all, fill, verify or random)", phase);
	if (zoned && !strcmp(phase, "random"))
		return shell_usage_error("--phase random overwrites blocks: %s is zoned (writes only at a zone's write "
					 "pointer); fill and verify run there", tg.name);
	bool expect_random = true;
	struct shell_opt *eo = nvsh_opt(opts, "expect");
	if (eo->set) {
		if (!ph_verify)
			return shell_usage_error("--expect goes with --phase verify");
		if (!strcmp(eo->value, "fill"))
			expect_random = false;
		else if (strcmp(eo->value, "random") != 0)
			return shell_usage_error("bad --expect '%s' (expected fill or random)", eo->value);
	}
	if (zoned && ph_verify && expect_random)
		return shell_usage_error("%s is zoned: the random phase never runs there; use --expect fill", tg.name);
	c.start = start;
	c.count = count;
	c.seed = seed;
	c.qd = (uint32_t)qd;
	c.max_blocks = (uint32_t)maxb;
	c.passes = (uint32_t)passes;
	c.write_pct = (uint32_t)wpct;
	c.reset_every = (uint32_t)reset_every;
	struct nvme_qpair *q = nvme_ctrl_io_qpair(tg.c, 0);
	if (!q || !nvme_qpair_live(q))
		return shell_error("%s has no usable I/O queue", tg.t->name);
	if (c.qd > nvme_qpair_depth(q) - 1)
		c.qd = nvme_qpair_depth(q) - 1;
	if (ph_fill || ph_random) {
		if ((rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"), "write blocks %llu..%llu of %s (iochk%s)",
				       (unsigned long long)start, (unsigned long long)(start + count - 1), tg.name,
				       zoned ? "; its zones are reset first" : "")))
			return rc;
	}

	/* memory: the expected generations, and one buffer per slot */
	uint32_t bs = ns->lba_size;
	uint32_t fill_chunk = ns->max_blocks < 64u ? ns->max_blocks : 64u;
	uint32_t per_slot = c.max_blocks > fill_chunk ? c.max_blocks : fill_chunk;
	struct nvsh_buf genbuf = { 0 }, data = { 0 };
	if (!nvsh_buf_alloc(&genbuf, (size_t)count * 4u, (size_t)count * 4u))
		return shell_error("no memory for %llu generations", (unsigned long long)count);
	if (!nvsh_buf_alloc(&data, (size_t)c.qd * per_slot * bs, (size_t)c.qd * per_slot * bs)) {
		nvsh_buf_free(&genbuf);
		return shell_error("no memory for %u buffers of %u blocks", (unsigned)c.qd, (unsigned)per_slot);
	}
	crc_init();
	static struct run R;
	memset(&R, 0, sizeof(R));
	R.cfg = &c;
	R.tg = &tg;
	R.q = q;
	R.bs = bs;
	R.gen = (uint32_t *)genbuf.p;
	memset(R.gen, 0, (size_t)count * 4u);
	for (uint32_t i = 0; i < c.qd; i++) {
		R.slots[i].buf = data.p + (size_t)i * per_slot * bs;
		R.slots[i].run = &R;
	}

	kprintf("iochk %s: LBA %llu..%llu (%llu blocks of %u bytes), seed 0x%llx, qd %u, phase %s\n", tg.name,
		(unsigned long long)start, (unsigned long long)(start + count - 1), (unsigned long long)count,
		(unsigned)bs, (unsigned long long)seed, (unsigned)c.qd, phase);
	kprintf("replay: iochk %s --start %llu --count %llu --seed 0x%llx --qd %u --max-blocks %u --passes %u "
		"--write-pct %u%s\n", tg.name, (unsigned long long)start, (unsigned long long)count,
		(unsigned long long)seed, (unsigned)c.qd, (unsigned)c.max_blocks, (unsigned)c.passes,
		(unsigned)c.write_pct, ph_verify ? " --phase verify" : "");

	uint64_t t0 = time_now_us();
	rc = SHELL_OK;
	struct source src;
	if (ph_fill) {
		memset(&src, 0, sizeof(src));
		src.kind = 0;
#if NVME_CFG_ZNS
		if (zoned)
			rc = zoned_fill(&R, fill_chunk);
		else
#endif
		rc = run_phase(&R, &src, fill_chunk);
		if (rc == SHELL_OK) {
			memset(&src, 0, sizeof(src));
			src.kind = 1;
			rc = run_phase(&R, &src, fill_chunk);
		}
		kprintf("fill: %llu blocks written and read back%s\n", (unsigned long long)count,
			rc == SHELL_OK ? ", all right" : ": FAILED");
		print_result("fill", &R, &c, rc, time_now_us() - t0);
	}
	if (rc == SHELL_OK && ph_random && zoned)
		kprintf("random: not run: %s is zoned (writes only at a zone's write pointer)\n", tg.name);
	if (rc == SHELL_OK && ph_random && !zoned) {
		memset(&R.ops, 0, sizeof(R) - offsetof(struct run, ops));
		t0 = time_now_us();
		memset(&src, 0, sizeof(src));
		src.kind = 2;
		gen_init(&src.g, c.seed);
		rc = run_phase(&R, &src, fill_chunk);
		kprintf("random: %llu ops (%llu reads checked, %llu writes), %llu blocks, %llu resets%s\n",
			(unsigned long long)R.ops, (unsigned long long)R.reads, (unsigned long long)R.writes,
			(unsigned long long)R.blocks, (unsigned long long)R.resets, rc == SHELL_OK ? "" : ": FAILED");
		print_result("random", &R, &c, rc, time_now_us() - t0);
		if (rc == SHELL_OK) {
			memset(&R.ops, 0, sizeof(R) - offsetof(struct run, ops));
			t0 = time_now_us();
			memset(&src, 0, sizeof(src));
			src.kind = 1;
			rc = run_phase(&R, &src, fill_chunk);
			kprintf("verify: %llu blocks%s\n", (unsigned long long)count, rc == SHELL_OK ? " all right" : ": FAILED");
			print_result("verify", &R, &c, rc, time_now_us() - t0);
		}
	}
	if (ph_verify) {
		if (expect_random) {
			/* the state the random phase leaves: replay its writes */
			struct gen_state g;
			struct op o;
			gen_init(&g, c.seed);
			while (gen_next(&g, &c, &o))
				if (o.write)
					for (uint32_t i = 0; i < o.nblk; i++)
						R.gen[o.lba + i] = o.gen;
		}
		memset(&src, 0, sizeof(src));
		src.kind = 1;
		rc = run_phase(&R, &src, fill_chunk);
		kprintf("verify (expecting the %s state): %llu blocks%s\n", expect_random ? "random" : "fill",
			(unsigned long long)count, rc == SHELL_OK ? " all right" : ": FAILED");
		print_result("verify", &R, &c, rc, time_now_us() - t0);
	}
	nvsh_buf_free(&data);
	nvsh_buf_free(&genbuf);
	/* a nonzero status always comes with an error: line (shell fuzzer) */
	if (rc != SHELL_OK && !R.interrupted)
		return shell_error("iochk %s: FAILED (the first failure is above)", tg.name);
	return rc;
}

NVSH_COMMAND("iochk",
	     "iochk [DEVICE] [--start LBA] [--count N] [--seed S] [--qd N] [--max-blocks N] [--passes P] "
	     "[--write-pct P] [--phase all|fill|verify|random] [--expect fill|random] [--reset-every N] [--yes]",
	     "data integrity exerciser: self-checking blocks, random I/O in flight, replayable seed",
	     "Every block of the range gets a header (magic, LBA, seed, generation, CRC32C of\n"
	     "the block) and a payload derived from them, so every read is checked on its own.\n"
	     "--phase all (default): fill (generation 0 everywhere, then read back), random (a\n"
	     "sequence of reads and writes fixed by --seed: op k writes generation k+1 to\n"
	     "1..--max-blocks blocks (default 8) with probability --write-pct % (default 50),\n"
	     "until --passes (default 4) times the range is touched; --qd commands (default 32)\n"
	     "in flight, never two overlapping where one is a write; every read is checked),\n"
	     "then verify (every block read and checked). --phase fill|random|verify runs one\n"
	     "(verify checks the state --expect fill|random leaves; random expects a filled\n"
	     "range). --reset-every N resets the controller after every N random ops, with\n"
	     "commands in flight. The range defaults to LBA 0 (--start) and 8192 blocks\n"
	     "(--count); the seed to a TSC value. The replay line and the IOCHK lines name\n"
	     "everything needed to run it again or check the image (tests/qemu/iochk.py).\n"
	     "On a zoned namespace the range must be whole zones (default: 8192 blocks' worth\n"
	     "or one zone): fill resets the zones and writes them with Zone Appends, each\n"
	     "checked to land at the write pointer; verify reads every block; --phase random\n"
	     "(overwrites) is refused and --phase all runs fill and verify.\n"
	     "Writes destroy data: confirm or --yes. Ctrl-C stops.\n" NVSH_HELP_DEVICE,
	     cmd_iochk);
