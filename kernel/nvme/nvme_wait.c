/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_wait.c - the wait strategies of the polled path (see nvme_wait.h).
 */
#include "nvme_wait.h"
#include "cpu.h"
#include "idt.h"
#include "kstring.h"

/* The default: measured in bench/README.md ("Waiting for completions"). */
static struct nvme_wait_setting setting = { NVME_WAIT_HALT, 0 };

static const char *const names[] = { "spin", "sleep", "halt", "hybrid" };

/* The one-shot timer's vector, allocated on the first nap (-1: none). */
static int nap_vector;
static bool nap_vector_tried;

static struct nvme_wait_stats stats;

void nvme_wait_stats_get(struct nvme_wait_stats *out)
{
	*out = stats;
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

static void nap_tick(void *ctx)
{
	(void)ctx;   /* only wakes the hlt */
	stats.nap_ticks++;
}

/* sti; hlt; then the interrupt flag as it was. */
static void halt_once(void)
{
	bool was_on = interrupts_enabled();
	uint64_t t0 = rdtsc();
	__asm__ volatile("sti; hlt" ::: "memory");
	stats.halted_tsc += rdtsc() - t0;
	stats.halts++;
	if (!was_on)
		cpu_cli();
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
		stats.pauses++;
		cpu_pause();
		return;
	}
	stats.naps++;
	st->due_us = idle_us + us;
	halt_once();
}

/* hybrid: one spinning wait's verdict (hit: it ended while spinning). */
static void hybrid_verdict(struct nvme_wait_state *st, bool hit)
{
	st->win_waits++;
	if (hit)
		st->win_hits++;
	if (st->win_waits < NVME_WAIT_HYBRID_WINDOW)
		return;
	if (2u * st->win_hits < st->win_waits) {
		uint32_t off = st->off_next ? st->off_next : NVME_WAIT_HYBRID_OFF_MIN;
		st->off_left = off;
		st->off_next = off * 2u > NVME_WAIT_HYBRID_OFF_MAX ? NVME_WAIT_HYBRID_OFF_MAX : off * 2u;
		stats.spin_offs++;
	} else {
		st->off_next = 0;
	}
	st->win_waits = 0;
	st->win_hits = 0;
}

uint32_t nvme_wait_spin_budget(const struct nvme_wait_state *st, uint32_t spin_us)
{
	if (st->off_left)
		return 0;
	uint32_t cap = spin_us ? spin_us : NVME_WAIT_HYBRID_MAX_US;
	/* no wait has ended spinning yet: the whole cap */
	uint64_t b = st->spin_mean_us ? 2u * (uint64_t)st->spin_mean_us : cap;
	if (b < NVME_WAIT_HYBRID_MIN_US)
		b = NVME_WAIT_HYBRID_MIN_US;
	return b > cap ? cap : (uint32_t)b;
}

bool nvme_wait_spins(const struct nvme_wait_state *st, enum nvme_wait_mode m, uint32_t spin_us)
{
	switch (m) {
	case NVME_WAIT_SPIN:
		return true;
	case NVME_WAIT_HYBRID:
		return st->off_left == 0;
	default:
		return spin_us != 0;
	}
}

void nvme_wait_learn(struct nvme_wait_state *st, uint64_t idle_us)
{
	/* hybrid: how the wait that just ended went */
	if (st->spun && !st->stopped) {
		stats.spin_hits++;
		uint64_t v = idle_us > NVME_WAIT_HYBRID_MAX_US ? NVME_WAIT_HYBRID_MAX_US : idle_us;
		st->spin_mean_us = st->spin_mean_us ? (uint32_t)((7u * (uint64_t)st->spin_mean_us + v) / 8u)
						    : (uint32_t)(v ? v : 1);
		hybrid_verdict(st, true);
	} else if (!st->spun && st->off_left) {
		st->off_left--;
	}
	st->spun = false;
	st->stopped = false;

	if (st->due_us && st->due_us < idle_us)
		idle_us = st->due_us;
	st->due_us = 0;
	uint64_t v = idle_us > NVME_WAIT_NAP_MAX_US * 8u ? NVME_WAIT_NAP_MAX_US * 8u : idle_us;
	st->mean_us = st->mean_us ? (uint32_t)((7u * (uint64_t)st->mean_us + v) / 8u) : (uint32_t)(v ? v : 1);
	st->napped = false;
}

void nvme_wait_idle(struct nvme_wait_state *st, enum nvme_wait_mode m, uint32_t spin_us, uint64_t idle_us,
		    bool irq_armed)
{
	stats.idle_calls++;
	if (m == NVME_WAIT_HYBRID) {
		uint32_t budget = nvme_wait_spin_budget(st, spin_us);
		if (!st->stopped && idle_us < budget) {
			st->spun = true;
			stats.pauses++;
			cpu_pause();
			return;
		}
		if (!st->stopped) {
			st->stopped = true;
			if (st->spun) {
				stats.spin_misses++;
				hybrid_verdict(st, false);
			} else {
				stats.spin_skipped++;
			}
		}
		/* then as halt, without its spin */
		m = NVME_WAIT_HALT;
		spin_us = 0;
	}
	if (m == NVME_WAIT_SPIN || idle_us < spin_us) {
		stats.pauses++;
		cpu_pause();
		return;
	}
	if (m == NVME_WAIT_HALT && irq_armed) {
		halt_once();
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
		nvme_wait_learn(&host_state, host_state.last_idle_us);
	host_state.last_idle_us = waited_us;
	/* the kernel's queues are polled (no interrupt to wait for) */
	nvme_wait_idle(&host_state, setting.mode, setting.spin_us, waited_us, false);
}
