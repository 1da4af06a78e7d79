/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_wait.c - the wait strategies of the polled path (see nvme_wait.h).
 */
#include "nvme_wait.h"
#include "cpu.h"
#include "idt.h"
#include "kstring.h"
#include "time.h"

/* The default: measured in bench/README.md ("`hybrid` by throughput"). */
static struct nvme_wait_setting setting = { NVME_WAIT_HYBRID, 0 };

static const char *const names[] = { "spin", "sleep", "halt", "hybrid" };

/* The one-shot timer's vector, allocated on the first nap (-1: none). */
static int nap_vector;
static bool nap_vector_tried;

struct nvme_wait_stats nvme_wait_counters;

void nvme_wait_stats_get(struct nvme_wait_stats *out)
{
	*out = nvme_wait_counters;
}

void nvme_wait_get(struct nvme_wait_setting *s)
{
	*s = setting;
}

void nvme_wait_set(const struct nvme_wait_setting *s)
{
	setting = *s;
}

const char *nvme_wait_name(enum nvme_wait_mode m)
{
	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "?";
}

bool nvme_wait_parse(const char *name, enum nvme_wait_mode *m)
{
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*m = (enum nvme_wait_mode)i;
			return true;
		}
	}
	return false;
}

/* PAUSE, or not under QEMU's TCG (nvme_wait.h); looked up once. */
static bool pause_hint = true, pause_hint_known;

bool nvme_wait_pause_hint(void)
{
	if (!pause_hint_known) {
		pause_hint_known = true;
		uint32_t a, b, c, d;
		cpuid(1, 0, &a, &b, &c, &d);
		if (c & (1u << 31)) {   /* a hypervisor: leaf 0x40000000 names it */
			char sig[12];
			cpuid(0x40000000u, 0, &a, &b, &c, &d);
			memcpy(sig, &b, 4);
			memcpy(sig + 4, &c, 4);
			memcpy(sig + 8, &d, 4);
			pause_hint = memcmp(sig, "TCGTCGTCGTCG", 12) != 0;
		}
	}
	return pause_hint;
}

/* One iteration of a spinning wait. */
static void spin_once(void)
{
	nvme_wait_counters.pauses++;
	if (nvme_wait_pause_hint())
		cpu_pause();
	else
		__asm__ volatile("" ::: "memory");
}

static void nap_tick(void *ctx)
{
	(void)ctx;   /* only wakes the hlt */
	nvme_wait_counters.nap_ticks++;
}

/* The synchronous waits of every controller (one CPU: one wait at a time). */
static struct nvme_wait_state host_state;

static void nap(struct nvme_wait_state *st, uint64_t idle_us, uint64_t us)
{
	if (!nap_vector_tried) {
		nap_vector_tried = true;
		nap_vector = lapic_present() ? irq_alloc_vector(nap_tick, NULL) : -1;
	}
	if (us < NVME_WAIT_NAP_MIN_US)
		us = NVME_WAIT_NAP_MIN_US;
	if (us > NVME_WAIT_NAP_MAX_US)
		us = NVME_WAIT_NAP_MAX_US;
	/* No timer: nothing would end the halt; spin instead. A one-shot
	 * that outlives an earlier wake-up only ends a later halt early. */
	if (nap_vector < 0 || !lapic_timer_oneshot(nap_vector, (uint32_t)us)) {
		spin_once();
		return;
	}
	nvme_wait_counters.naps++;
	st->due_us = idle_us + us;
	nvme_wait_halt();
}

/* hybrid: the gate (the caller's interrupt) opened or closed, once per
 * change; the test inline, since a halting wait makes it every time. */
static void gate_change(struct nvme_wait_state *st, bool open)
{
	if (st->gate(st->gate_ctx, open))
		nvme_wait_counters.gate_held++;
	st->gate_closed = !open;
	if (!open)
		nvme_wait_counters.gate_closes++;
}

static inline void gate_set(struct nvme_wait_state *st, bool open)
{
	if (st->gate && st->gate_closed == open)
		gate_change(st, open);
}

void nvme_wait_release(struct nvme_wait_state *st)
{
	gate_set(st, true);
}

/* hybrid: a phase begins now; it ends one trial length later, or hold
 * trial lengths later for a keep. The end is kept in TSC ticks so that
 * the pass that reports progress, once per wake-up, compares one number
 * (bench/README.md, "hybrid's cost per wake-up"). */
static void phase_begin(struct nvme_wait_state *st, uint64_t now)
{
	uint64_t us = (uint64_t)NVME_WAIT_HYBRID_TRIAL_US * (st->phase == 2 ? st->hold : 1u);
	st->phase_tsc = now;
	st->phase_end_tsc = now + us * (time_tsc_hz() / 1000000u);
	st->phase_ios = 0;
	st->halting = st->phase == 2 && !st->spinning;
	if (st->spinning && st->phase < 2) {   /* a spinning trial begins */
		st->trial_hits = 0;
		st->trial_spins = 0;
	}
}

/* hybrid: the verdict on a pair of trials (or on a spinning trial cut
 * short), then the winner is kept. */
static void hybrid_verdict(struct nvme_wait_state *st, bool spin_won, uint64_t now)
{
	if (st->hold == 0 || spin_won != st->last_spin_won)
		st->hold = NVME_WAIT_HYBRID_HOLD_MIN;
	else if (st->hold < NVME_WAIT_HYBRID_HOLD_MAX)
		st->hold *= 2u;
	st->last_spin_won = spin_won;
	st->spinning = spin_won;
	st->phase = 2;
	phase_begin(st, now);
	if (spin_won)
		nvme_wait_counters.spin_ons++;
	else
		nvme_wait_counters.spin_offs++;
}

/* hybrid: n completions reported; ends a trial or a keep when it is due. */
static void hybrid_progress(struct nvme_wait_state *st, uint32_t n)
{
	uint64_t now = rdtsc();
	if (!st->phase_tsc) {   /* the first report: the first trial spins */
		st->phase = 0;
		st->spinning = true;
		st->spin_first = false;   /* the next pair starts with halting */
		phase_begin(st, now);
		return;
	}
	st->phase_ios += n;
	if (now < st->phase_end_tsc || (st->phase < 2 && st->phase_ios < NVME_WAIT_HYBRID_TRIAL_MIN_IOS))
		return;
	uint64_t us = time_tsc_to_us(now - st->phase_tsc);
	if (us == 0)
		return;
	if (st->phase == 2) {
		/* the keep is over: try both again */
		st->phase = 0;
		st->spinning = st->spin_first;
		st->spin_first = !st->spin_first;
	} else {
		uint64_t rate = st->phase_ios * 1000000u / us;   /* completions per second */
		if (st->phase == 1) {
			uint64_t spin_rate = st->spinning ? rate : st->trial_rate;
			uint64_t halt_rate = st->spinning ? st->trial_rate : rate;
			hybrid_verdict(st, spin_rate * 100u > halt_rate * (100u + NVME_WAIT_HYBRID_MARGIN_PCT) &&
						   2u * st->trial_hits >= st->trial_spins, now);
			return;
		}
		st->trial_rate = rate;
		st->phase = 1;
		st->spinning = !st->spinning;
	}
	phase_begin(st, now);
}

uint32_t nvme_wait_spin_budget(const struct nvme_wait_state *st, uint32_t spin_us)
{
	if (!st->spinning)
		return 0;
	uint32_t cap = spin_us ? spin_us : NVME_WAIT_HYBRID_MAX_US;
	/* no wait has ended spinning yet: the whole cap */
	uint64_t b = st->spin_mean_us ? 2u * (uint64_t)st->spin_mean_us : cap;
	if (b < NVME_WAIT_HYBRID_MIN_US)
		b = NVME_WAIT_HYBRID_MIN_US;
	return b > cap ? cap : (uint32_t)b;
}

/* A moving mean (1/8 weight to the new value, capped at max; 0: none yet). */
static uint32_t mean8(uint32_t mean, uint64_t v, uint64_t max)
{
	if (v > max)
		v = max;
	if (!mean)
		return (uint32_t)(v ? v : 1);
	return (uint32_t)((7u * (uint64_t)mean + v) / 8u);
}

void nvme_wait_learn(struct nvme_wait_state *st, uint64_t idle_us, uint32_t n)
{
	/* hybrid: how the wait that just ended went */
	if (st->spun && !st->stopped) {
		nvme_wait_counters.spin_hits++;
		st->trial_hits++;
		st->trial_spins++;
		st->spin_mean_us = mean8(st->spin_mean_us, idle_us, NVME_WAIT_HYBRID_MAX_US);
	}
	st->spun = false;
	st->stopped = false;
	if (st->hybrid)
		hybrid_progress(st, n);

	if (st->due_us && st->due_us < idle_us)
		idle_us = st->due_us;
	st->due_us = 0;
	st->mean_us = mean8(st->mean_us, idle_us, NVME_WAIT_NAP_MAX_US * 8u);
	st->napped = false;
}

void nvme_wait_idle_call(struct nvme_wait_state *st, enum nvme_wait_mode m, uint32_t spin_us, uint64_t idle_us,
			 bool irq_armed)
{
	nvme_wait_counters.idle_calls++;
	st->hybrid = m == NVME_WAIT_HYBRID;
	if (st->hybrid) {
		uint32_t budget = st->spinning ? nvme_wait_spin_budget(st, spin_us) : 0;
		if (!st->stopped && idle_us < budget) {
			st->spun = true;
			gate_set(st, false);
			spin_once();
			if (!interrupts_enabled())
				__asm__ volatile("sti; nop; cli" ::: "memory");
			return;
		}
		if (!st->stopped) {
			st->stopped = true;
			if (st->spun) {
				nvme_wait_counters.spin_misses++;
				st->trial_spins++;
				/* a spinning trial whose waits mostly run out their
				 * budget has lost already: halting wins without its
				 * trial (spinning costs most where it fails) */
				if (st->phase < 2 && st->trial_spins >= NVME_WAIT_HYBRID_WINDOW &&
				    2u * st->trial_hits < st->trial_spins)
					hybrid_verdict(st, false, rdtsc());
			} else {
				nvme_wait_counters.spin_skipped++;
			}
		}
		/* then as halt, without its spin, the interrupt unmasked first
		 * (what came while it was masked is sent now: no lost wake-up) */
		gate_set(st, true);
		m = NVME_WAIT_HALT;
		spin_us = 0;
	}
	if (m == NVME_WAIT_SPIN || idle_us < spin_us) {
		spin_once();
		return;
	}
	if (m == NVME_WAIT_HALT && irq_armed) {
		nvme_wait_halt();
		return;
	}
	uint64_t half = st->mean_us / 2u;
	if (!st->napped) {
		st->napped = true;
		if (idle_us < half) {
			nap(st, idle_us, half - idle_us);
			return;
		}
	}
	uint64_t us = st->mean_us / 8u > idle_us / 4u ? st->mean_us / 8u : idle_us / 4u;
	nap(st, idle_us, us);
}

void nvme_wait_host_idle(void *ctx, uint16_t qid, uint64_t waited_us)
{
	(void)ctx;
	(void)qid;
	/* a wait shorter than the last one is a new command: the last one
	 * ended in its completion after about last_idle_us */
	if (waited_us < host_state.last_idle_us)
		nvme_wait_learn(&host_state, host_state.last_idle_us, 1);
	host_state.last_idle_us = waited_us;
	/* the kernel's queues are polled (no interrupt to wait for) */
	nvme_wait_idle(&host_state, setting.mode, setting.spin_us, waited_us, false);
}
