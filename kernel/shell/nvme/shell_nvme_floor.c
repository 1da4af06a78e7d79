/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_floor.c - `bench-floor`: the leanest submit/reap loop this
 * kernel can run against a controller, to measure what the device itself
 * costs per command (the "floor" printed beside `bench` in bench/run.sh).
 *
 * It bypasses the driver's I/O path entirely: a queue pair of its own (the
 * highest I/O queue ID the driver does not use, created with the driver's
 * admin passthrough), rings in DMA memory of its own, SQEs written in place
 * (a Read or Write with PRP1, or PRP1 + a prebuilt PRP list above one page),
 * MMIO doorbells, and a reap loop that only checks the phase tag. No
 * per-command latency, no status decoding (failed completions are only
 * counted), no timeouts per command, no CID generations: with --qd N the
 * CID is the slot, and every completion is resubmitted at once, one SQ and
 * one CQ doorbell write per reaping pass. Latency is mean only, from
 * Little's law (qd / IOPS). Waiting for completions follows --wait like
 * `bench --poll` (halt: the CQ is created with its MSI-X vector, and without
 * --spin-us the loop halts after every pass, as bench does; hybrid spins
 * or halts by its trials, with the queue's MSI-X masked while it spins).
 *
 * Needs shadow doorbells off (boot with nvmedbbuf=0): QEMU applies the
 * controller's Doorbell Buffer Config to every queue created after it, and
 * this loop writes MMIO doorbells only.
 */
#include "shell_nvme.h"
#include "console.h"
#include "cpu.h"
#include "idt.h"
#include "kformat.h"
#include "kstring.h"
#include "nvme_irq.h"
#include "nvme_wait.h"
#include "pmm.h"
#include "time.h"
#include "vmm.h"

#define FLOOR_MAX_QD 255u
#define FLOOR_PAGE 4096u
/* Bounds the wait for the commands still in flight at the end (named
 * timeout: the device owes them within its own command timeout). */
#define FLOOR_DRAIN_TIMEOUT_US 10000000ull

struct floor_run {
	volatile struct nvme_sqe *sq;
	volatile struct nvme_cqe *cq;
	volatile uint32_t *sq_db, *cq_db;
	uint16_t depth, qid, tail, head;
	uint8_t phase;
	uint8_t opc;
	bool random;
	uint32_t nlb, nsid;
	uint64_t units, seq, rng;
	uint64_t data_phys, prp_phys;   /* per-slot buffers and PRP list pages */
	uint32_t pages_per_io;
	uint64_t done, failed;
	uint64_t passes;                /* reaping passes that found completions */
};

static uint64_t floor_lba(struct floor_run *f)
{
	if (f->random) {
		uint64_t x = f->rng;
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		f->rng = x;
		return (uint64_t)(((unsigned __int128)(x * 0x2545F4914F6CDD1Dull) * f->units) >> 64) * f->nlb;
	}
	uint64_t lba = f->seq * f->nlb;
	if (++f->seq >= f->units)
		f->seq = 0;
	return lba;
}

/* Writes slot's command at the SQ tail (not yet rung). */
static inline void floor_put(struct floor_run *f, uint16_t slot)
{
	volatile struct nvme_sqe *e = &f->sq[f->tail];
	uint64_t lba = floor_lba(f);
	uint64_t data = f->data_phys + (uint64_t)slot * f->pages_per_io * FLOOR_PAGE;
	e->opc = f->opc;
	e->flags = 0;
	e->cid = slot;
	e->nsid = f->nsid;
	e->cdw2 = 0;
	e->cdw3 = 0;
	e->mptr = 0;
	e->dptr.prp.prp1 = data;
	e->dptr.prp.prp2 = f->pages_per_io == 1 ? 0
			 : f->pages_per_io == 2 ? data + FLOOR_PAGE
						: f->prp_phys + (uint64_t)slot * FLOOR_PAGE;
	e->cdw10 = (uint32_t)lba;
	e->cdw11 = (uint32_t)(lba >> 32);
	e->cdw12 = f->nlb - 1u;
	e->cdw13 = 0;
	e->cdw14 = 0;
	e->cdw15 = 0;
	if (++f->tail == f->depth)
		f->tail = 0;
}

/* Reaps what the CQ holds; returns how many, slots resubmitted if again. */
static inline unsigned floor_reap(struct floor_run *f, bool again)
{
	unsigned n = 0;
	for (;;) {
		volatile struct nvme_cqe *e = &f->cq[f->head];
		uint16_t st = e->status;
		if ((st & 1u) != f->phase)
			break;
		uint16_t slot = e->cid;
		if (st >> 1)
			f->failed++;
		if (++f->head == f->depth) {
			f->head = 0;
			f->phase ^= 1u;
		}
		n++;
		if (again && slot < f->depth)
			floor_put(f, slot);
	}
	if (n) {
		__asm__ volatile("" ::: "memory");   /* SQEs and the reads above before the doorbells */
		*f->cq_db = f->head;
		if (again)
			*f->sq_db = f->tail;
	}
	return n;
}

static int admin(struct nvsh_target *tg, uint8_t opc, uint64_t prp1, uint32_t cdw10, uint32_t cdw11)
{
	struct nvme_sqe s;
	memset(&s, 0, sizeof(s));
	s.opc = opc;
	s.dptr.prp.prp1 = prp1;
	s.cdw10 = cdw10;
	s.cdw11 = cdw11;
	return nvme_admin_passthru(tg->c, &s, NULL, 0, NULL);
}

static void floor_tick(void *ctx)
{
	(void)ctx;
}

/* hybrid's gate: the floor queue's MSI-X entry masked or unmasked. */
struct floor_gate {
	struct nvmetk_ctrl *t;
	uint16_t qid;
};

static bool floor_gate(void *ctx, bool open)
{
	const struct floor_gate *g = ctx;
	return nvme_irq_gate(g->t, g->qid, open);
}

static int cmd_bench_floor(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "rw", .takes_value = true },
		{ .name = "bs", .takes_value = true },
		{ .name = "qd", .takes_value = true },
		{ .name = "time", .takes_value = true },
		{ .name = "ramp", .takes_value = true },
		{ .name = "ns", .takes_value = true },
		{ .name = "wait", .takes_value = true },
		{ .name = "spin-us", .takes_value = true },
		{ .name = "name", .takes_value = true },
		NVSH_OPT_NSID,
		NVSH_OPT_YES,
		{ 0 },
	};
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO | NVSH_DEVICE_NS_OPT, &tg);
	if (rc)
		return rc;
	const char *rw = "randread";
	struct shell_opt *rwo = nvsh_opt(opts, "rw");
	if (rwo->set)
		rw = rwo->value;
	bool write = strcmp(rw, "randwrite") == 0 || strcmp(rw, "write") == 0;
	bool random = strcmp(rw, "randread") == 0 || strcmp(rw, "randwrite") == 0;
	if (!write && !random && strcmp(rw, "read") != 0)
		return shell_usage_error("bad --rw '%s' (expected randread, randwrite, read or write)", rw);
	uint64_t bs = 4096, qd = 1, secs = 5, ramp = 0;
	if ((rc = nvsh_opt_u64(opts, "bs", &bs)) || (rc = nvsh_opt_u64_max(opts, "qd", FLOOR_MAX_QD, &qd)) ||
	    (rc = nvsh_opt_u64_max(opts, "time", 3600, &secs)) || (rc = nvsh_opt_u64_max(opts, "ramp", 600, &ramp)))
		return rc;
	if (qd == 0 || secs == 0)
		return shell_usage_error("--qd and --time must be at least 1");
	struct nvme_wait_setting ws;
	nvme_wait_get(&ws);
	struct shell_opt *waito = nvsh_opt(opts, "wait");
	if (waito->set && !nvme_wait_parse(waito->value, &ws.mode))
		return shell_usage_error("bad --wait '%s' (expected spin, sleep, halt or hybrid)", waito->value);
	uint64_t spin = ws.spin_us;
	if ((rc = nvsh_opt_u64_max(opts, "spin-us", NVME_WAIT_SPIN_MAX_US, &spin)))
		return rc;
	const struct nvme_ns *ns = tg.ns;
	if (bs == 0 || bs % ns->lba_size != 0 || bs % FLOOR_PAGE != 0)
		return shell_usage_error("--bs %llu is not a multiple of 4096 and the block size %u",
					 (unsigned long long)bs, (unsigned)ns->lba_size);
	if (bs > nvme_ctrl_max_transfer(tg.c) || (bs >> ns->lba_shift) > ns->max_blocks ||
	    bs / FLOOR_PAGE > FLOOR_PAGE / 8u)
		return shell_usage_error("--bs %llu is above the max transfer (%u bytes)", (unsigned long long)bs,
					 (unsigned)nvme_ctrl_max_transfer(tg.c));
	if (nvme_ctrl_shadow_doorbells(tg.c))
		return shell_error("bench-floor writes MMIO doorbells only: boot with nvmedbbuf=0 (shadow doorbells "
				   "are on)");
	char name[48];
	struct shell_opt *nameo = nvsh_opt(opts, "name");
	if (nameo->set)
		strlcpy(name, nameo->value, sizeof(name));
	else
		ksnprintf(name, sizeof(name), "%s-%llu-qd%llu", rw, (unsigned long long)bs, (unsigned long long)qd);
	if (write && (rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"),
					"bench-floor --rw %s writes all over %s (data is destroyed)", rw, tg.name)))
		return rc;

	/* the highest queue ID the driver leaves alone that has an MSI-X entry */
	uint32_t maxq = nvme_ctrl_io_queue_max(tg.c);
	if (maxq > NVME_IRQ_MAX_ENTRIES - 1u)
		maxq = NVME_IRQ_MAX_ENTRIES - 1u;
	uint16_t qid = 0;
	for (uint32_t q = maxq; q >= 1 && !qid; q--)
		if (!nvme_ctrl_io_qpair(tg.c, q - 1u))
			qid = (uint16_t)q;
	if (!qid)
		return shell_error("no free I/O queue ID on %s (the driver uses all %u)", tg.t->name, (unsigned)maxq);
	bool halt = ws.mode == NVME_WAIT_HALT || ws.mode == NVME_WAIT_HYBRID;
	if (halt && (nvme_irq_enable(tg.t) != 0 || nvme_irq_bind(tg.t, qid) < 0))
		return shell_error("--wait %s needs MSI-X on %s", nvme_wait_name(ws.mode), tg.t->name);

	struct floor_run f;
	memset(&f, 0, sizeof(f));
	f.depth = (uint16_t)(qd + 1u);
	f.qid = qid;
	f.phase = 1;
	f.opc = write ? NVME_CMD_WRITE : NVME_CMD_READ;
	f.random = random;
	f.nsid = ns->nsid;
	f.nlb = (uint32_t)(bs >> ns->lba_shift);
	f.units = ns->size / f.nlb;
	f.rng = 0x9E3779B97F4A7C15ull;
	f.pages_per_io = (uint32_t)(bs / FLOOR_PAGE);
	uint64_t sq_pages = ((uint64_t)f.depth * 64u + FLOOR_PAGE - 1) / FLOOR_PAGE;
	uint64_t data_pages = qd * f.pages_per_io, prp_pages = f.pages_per_io > 2 ? qd : 0;
	uint64_t sq_phys = pmm_alloc_pages(sq_pages, 0, 0), cq_phys = pmm_alloc_pages(1, 0, 0);
	f.data_phys = pmm_alloc_pages(data_pages, 0, 0);
	f.prp_phys = prp_pages ? pmm_alloc_pages(prp_pages, 0, 0) : 0;
	uint64_t bar_cap_lo = 0, bar_cap_hi = 0;
	volatile uint32_t *bar = NULL;
	int timer_vec = -1;
	bool cq_made = false, sq_made = false;
	if (!sq_phys || !cq_phys || !f.data_phys || (prp_pages && !f.prp_phys)) {
		rc = shell_error("no memory for the floor's rings and %llu data pages", (unsigned long long)data_pages);
		goto out;
	}
	for (uint64_t s = 0; s < prp_pages; s++) {
		uint64_t *list = (uint64_t *)(uintptr_t)(f.prp_phys + s * FLOOR_PAGE);
		uint64_t data = f.data_phys + s * f.pages_per_io * FLOOR_PAGE;
		for (uint32_t p = 1; p < f.pages_per_io; p++)
			list[p - 1] = data + (uint64_t)p * FLOOR_PAGE;
	}
	if (write)
		for (uint64_t i = 0; i < data_pages * FLOOR_PAGE / 8u; i++)
			((uint64_t *)(uintptr_t)f.data_phys)[i] = i * 0x9E3779B97F4A7C15ull;
	f.sq = (volatile struct nvme_sqe *)(uintptr_t)sq_phys;
	f.cq = (volatile struct nvme_cqe *)(uintptr_t)cq_phys;
	bar = (volatile uint32_t *)vmm_map_mmio(tg.t->bar_phys, 0x2000);
	if (!bar) {
		rc = shell_error("cannot map BAR0 of %s", tg.t->name);
		goto out;
	}
	bar_cap_lo = bar[0];
	bar_cap_hi = bar[1];
	uint32_t stride = 4u << (bar_cap_hi & 0xFu);   /* CAP.DSTRD, bits 35:32 */
	(void)bar_cap_lo;
	if (0x1000u + (2u * qid + 1u) * stride + 4u > tg.t->bar_size) {
		rc = shell_error("queue %u's doorbells lie beyond BAR0", (unsigned)qid);
		goto out;
	}
	f.sq_db = (volatile uint32_t *)((volatile uint8_t *)bar + 0x1000u + 2u * qid * stride);
	f.cq_db = (volatile uint32_t *)((volatile uint8_t *)bar + 0x1000u + (2u * qid + 1u) * stride);
	/* Create I/O CQ: PC=1, IEN and IV=qid for halt; Create I/O SQ: PC=1, CQID=qid */
	rc = admin(&tg, NVME_ADMIN_CREATE_CQ, cq_phys, ((uint32_t)(f.depth - 1u) << 16) | qid,
		   1u | (halt ? 2u | ((uint32_t)qid << 16) : 0u));
	if (rc) {
		rc = nvsh_fail("create the floor's CQ", rc);
		goto out;
	}
	cq_made = true;
	rc = admin(&tg, NVME_ADMIN_CREATE_SQ, sq_phys, ((uint32_t)(f.depth - 1u) << 16) | qid,
		   1u | ((uint32_t)qid << 16));
	if (rc) {
		rc = nvsh_fail("create the floor's SQ", rc);
		goto out;
	}
	sq_made = true;

	kprintf("bench-floor %s: %s %s bs=%llu qd=%llu queue %u, wait=%s spin=%uus, %llu s (ramp %llu s)\n", name,
		tg.name, rw, (unsigned long long)bs, (unsigned long long)qd, (unsigned)qid, nvme_wait_name(ws.mode),
		(unsigned)spin, (unsigned long long)secs, (unsigned long long)ramp);
	bool was_on = interrupts_enabled();
	cpu_cli();
	if (halt) {
		timer_vec = irq_alloc_vector(floor_tick, NULL);
		if (timer_vec < 0 || !lapic_timer_periodic(timer_vec, 1000)) {
			if (was_on)
				cpu_sti();
			rc = shell_error("no LAPIC timer for --wait %s", nvme_wait_name(ws.mode));
			goto out;
		}
	}
	uint64_t hz = time_tsc_hz(), tpu = hz / 1000000 ? hz / 1000000 : 1;
	uint64_t t0 = rdtsc(), t_meas = t0 + ramp * hz, t_end = t_meas + secs * hz;
	uint64_t next_check = t0 + hz / 50, last = t0, done0 = 0, passes0 = 0;
	struct nvme_wait_stats w0, w1;
	nvme_wait_stats_get(&w0);
	bool measuring = ramp == 0, interrupted = false;
	struct nvme_wait_state st = { 0 };
	struct floor_gate gate = { tg.t, qid };
	if (ws.mode == NVME_WAIT_HYBRID) {
		st.gate = floor_gate;
		st.gate_ctx = &gate;
	}
	for (uint16_t s = 0; s < qd; s++)
		floor_put(&f, s);
	__asm__ volatile("" ::: "memory");
	*f.sq_db = f.tail;
	for (;;) {
		uint64_t now = rdtsc();
		if (!measuring && now >= t_meas) {
			measuring = true;
			t_meas = now;
			done0 = f.done;
			passes0 = f.passes;
			nvme_wait_stats_get(&w0);
		}
		if (now >= t_end)
			break;
		if (now >= next_check) {
			next_check = now + hz / 50;
			if (console_check_interrupt()) {
				interrupted = true;
				break;
			}
		}
		unsigned n = floor_reap(&f, true);
		if (n) {
			f.done += n;
			f.passes++;
			if (ws.mode == NVME_WAIT_SLEEP ||
			    (ws.mode == NVME_WAIT_HYBRID && !nvme_wait_learn_quick(&st, now)))
				nvme_wait_learn(&st, (now - last) / tpu, n);
			last = now;
		}
		/* halt without spinning: straight after a pass that reaped too, as
		 * bench does (a completion posted since raises the MSI-X) */
		if (!n || (halt && !nvme_wait_spins(&st, ws.mode, (uint32_t)spin)))
			nvme_wait_idle(&st, ws.mode, (uint32_t)spin, (now - last) / tpu, halt);
	}
	uint64_t t_stop = rdtsc();
	nvme_wait_release(&st);
	nvme_wait_stats_get(&w1);
	uint64_t ios = f.done - done0, passes = f.passes - passes0, halts = w1.halts - w0.halts;
	/* drain: every command still in flight completes, bounded */
	uint64_t left = qd, drain_end = rdtsc() + FLOOR_DRAIN_TIMEOUT_US * tpu;
	while (left && rdtsc() < drain_end) {
		unsigned n = floor_reap(&f, false);
		left -= n < left ? n : left;
		if (!n)
			cpu_pause();
	}
	if (halt) {
		lapic_timer_stop();
		irq_free_vector(timer_vec);
		nvme_irq_mask(tg.t, qid);
	}
	if (was_on)
		cpu_sti();
	uint64_t el_us = (t_stop - t_meas) / tpu;
	uint64_t iops = el_us ? ios * 1000000ull / el_us : 0;
	uint64_t bw_kib = el_us ? ios * (bs / 1024u) * 1000000ull / el_us : 0;
	/* Little's law: qd commands always in flight */
	uint64_t lat_tenths = iops ? qd * 10000000ull / iops : 0;
	kprintf("  %llu I/Os in %llu.%03llu s: %llu IOPS, %llu KiB/s, mean latency %llu.%llu us (qd / IOPS), %llu "
		"failed\n",
		(unsigned long long)ios, (unsigned long long)(el_us / 1000000), (unsigned long long)(el_us / 1000 % 1000),
		(unsigned long long)iops, (unsigned long long)bw_kib, (unsigned long long)(lat_tenths / 10),
		(unsigned long long)(lat_tenths % 10), (unsigned long long)f.failed);
	/* completions per reaping pass, 1 decimal (each pass: one SQ and one CQ doorbell) */
	uint64_t cpp = passes ? ios * 10 / passes : 0;
	kprintf("  %llu reaping passes (%llu.%llu completions each, 2 MMIO doorbell writes each), %llu halts\n",
		(unsigned long long)passes, (unsigned long long)(cpp / 10), (unsigned long long)(cpp % 10),
		(unsigned long long)halts);
	kprintf("FLOOR job=%s dev=%s rw=%s bs=%llu qd=%llu time_s=%llu ios=%llu iops=%llu bw_kib=%llu "
		"lat_us_mean=%llu.%llu wait=%s spin_us=%u failed=%llu left=%llu passes=%llu halts=%llu\n",
		name, tg.name, rw, (unsigned long long)bs, (unsigned long long)qd, (unsigned long long)secs,
		(unsigned long long)ios, (unsigned long long)iops, (unsigned long long)bw_kib,
		(unsigned long long)(lat_tenths / 10), (unsigned long long)(lat_tenths % 10), nvme_wait_name(ws.mode),
		(unsigned)spin, (unsigned long long)f.failed, (unsigned long long)left, (unsigned long long)passes,
		(unsigned long long)halts);
	if (interrupted)
		rc = shell_error("interrupted");
	else if (f.failed)
		rc = shell_error("%llu commands failed", (unsigned long long)f.failed);
	else if (left)
		rc = shell_error("%llu commands did not complete within %llu s", (unsigned long long)left,
				 FLOOR_DRAIN_TIMEOUT_US / 1000000ull);
	else
		rc = SHELL_OK;
out:
	/* deleting the SQ also ends anything still in it (the device aborts it) */
	if (sq_made) {
		int r = admin(&tg, NVME_ADMIN_DELETE_SQ, 0, qid, 0);
		if (r && rc == SHELL_OK)
			rc = nvsh_fail("delete the floor's SQ", r);
	}
	if (cq_made) {
		int r = admin(&tg, NVME_ADMIN_DELETE_CQ, 0, qid, 0);
		if (r && rc == SHELL_OK)
			rc = nvsh_fail("delete the floor's CQ", r);
	}
	if (sq_phys)
		pmm_free_pages(sq_phys, sq_pages);
	if (cq_phys)
		pmm_free_pages(cq_phys, 1);
	if (f.data_phys)
		pmm_free_pages(f.data_phys, data_pages);
	if (f.prp_phys)
		pmm_free_pages(f.prp_phys, prp_pages);
	return rc;
}

NVSH_COMMAND("bench-floor",
	     "bench-floor [DEVICE] [--rw randread|randwrite|read|write] [--bs SIZE] [--qd N] [--time S] [--ramp S] "
	     "[--ns NAME] [--wait spin|sleep|halt|hybrid] [--spin-us N] [--name JOB] [--yes]",
	     "the device's floor: the leanest submit/reap loop, without the driver",
	     "Keeps --qd commands (default 1, at most 255) of --bs bytes (default 4k, a multiple\n"
	     "of 4096) in flight on a queue pair of its own (the highest I/O queue ID the driver\n"
	     "does not use) for --time seconds (default 5) after --ramp (default 0), bypassing\n"
	     "the driver's I/O path: SQEs written in place, MMIO doorbells, a reap loop that\n"
	     "checks only the phase tag, one SQ and one CQ doorbell per pass, no per-command\n"
	     "statistics. Idles like `bench --poll` (--wait, --spin-us; default the poll-wait\n"
	     "setting). Prints IOPS, KiB/s and the mean latency from Little's law (qd / IOPS),\n"
	     "the reaping passes (completions each) and halts, then a line\n"
	     "FLOOR job=.. iops=.. bw_kib=.. lat_us_mean=.. passes=.. halts=.. Needs shadow doorbells\n"
	     "off (boot with nvmedbbuf=0). Writes destroy data: confirm or --yes.\n" NVSH_HELP_DEVICE,
	     cmd_bench_floor);
