/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_wait.h - how the test kernel waits for the NVMe completions it polls
 * for: the wait strategy of the polled path (hybrid polling).
 *
 * A poll that finds nothing calls nvme_wait_idle() with the time since the
 * last progress (`bench` and `bench-floor` with halt and no spin also call
 * it straight after a pass that reaped: the MSI-X covers what came since).
 * Strategies:
 *   spin   a CPU pause hint, nothing else: the lowest latency when the CPU
 *          has nothing better to do (a real drive, a core of its own).
 *   sleep  Linux's hybrid polling, with naps instead of the spin: after
 *          spin_us, halt (`sti; hlt`) until a LAPIC one-shot timer half
 *          the mean wait ahead (the mean of the waits that ended in a
 *          completion, tracked per caller), then poll, then nap again for
 *          an eighth of the mean or a quarter of the time waited so far,
 *          whichever is longer (NVME_WAIT_NAP_MIN_US to _MAX_US). Needs no
 *          device interrupt: works on polled queues.
 *   halt   spin for spin_us, then halt until an interrupt: the queue's
 *          MSI-X vector when the caller armed it (irq_armed), else naps as
 *          sleep does (a polled queue raises nothing to wake us).
 *          The race "the completion arrives between the last empty poll
 *          and the halt" cannot lose a wake-up: the caller keeps the vector
 *          unmasked for the whole run and polls with interrupts off (cli),
 *          so an MSI-X sent after that poll waits in the LAPIC, and
 *          `sti; hlt` takes it at once (sti holds interrupts off for one
 *          more instruction, so the halt itself is what it interrupts).
 *          The caller also owns a periodic timer that bounds every halt.
 *   hybrid spin or halt, whichever completes more commands per second here,
 *          chosen by measurement and measured again: a trial spins for
 *          NVME_WAIT_HYBRID_TRIAL_US, another halts for as long (the order
 *          alternates), each counting the completions the caller reports;
 *          spinning wins only if it completed NVME_WAIT_HYBRID_MARGIN_PCT
 *          percent more and at least half of its spinning waits ended while
 *          spinning (a spin that mostly runs out its budget is a halt made
 *          late, whatever the count says; a spinning trial in which that
 *          is already so after NVME_WAIT_HYBRID_WINDOW spinning waits ends
 *          there, lost). The winner is kept for NVME_WAIT_HYBRID_HOLD_MIN
 *          trial lengths, twice as long each time the same side wins again
 *          (up to NVME_WAIT_HYBRID_HOLD_MAX), then both are tried again.
 *          While spinning, one wait spins for up to a budget learned from
 *          the waits that ended while spinning (twice their moving mean,
 *          NVME_WAIT_HYBRID_MIN_US to spin_us, or to NVME_WAIT_HYBRID_MAX_US
 *          when spin_us is 0), then halts as halt does. And while it spins
 *          it keeps the caller's interrupt masked (the gate, below): a
 *          device interrupt that a spinning CPU does not need costs an
 *          emulator its global lock (QEMU's TCG stops a vCPU at every
 *          pending interrupt to look at it, cli or not) and, on real
 *          hardware, an interrupt taken later for nothing. For the same
 *          reason a spin with interrupts off opens a one-instruction
 *          window (sti; nop; cli) so that one left pending (the caller's
 *          periodic timer) is taken instead of kept pending.
 *          Which side wins depends on the machine: measured in
 *          bench/README.md ("`hybrid` by throughput").
 * A spinning wait's pause hint: PAUSE, except under QEMU's TCG (CPUID
 * leaf 0x40000000 says "TCGTCGTCGTCG"), where PAUSE makes the vCPU leave
 * translated code and take QEMU's global lock, which the thread that
 * emulates the device needs (helper_pause in target/i386/tcg): there a
 * spinning wait polls again at once (nvme_wait_pause_hint() says which).
 * On an emulated device (QEMU under TCG) a spinning vCPU takes the host
 * core from the thread that emulates the device when they share one;
 * halting gives it back. bench/README.md has the measurements behind the
 * default (hybrid: it halts there, and spins where the device has a core
 * of its own).
 *
 * The setting (`poll-wait` in the shell) is what `bench --poll` uses by
 * default and what the driver's synchronous waits use through the
 * nvme_host.idle callback (nvme_wait_host_idle), i.e. every shell command.
 */
#ifndef KERNEL_NVME_WAIT_H
#define KERNEL_NVME_WAIT_H

#include <stdbool.h>
#include <stdint.h>
#include "cpu.h"

enum nvme_wait_mode { NVME_WAIT_SPIN, NVME_WAIT_SLEEP, NVME_WAIT_HALT, NVME_WAIT_HYBRID };

/* Bounds of one nap (the longest one also bounds how late a completion
 * can be seen, and how long nvme_wait_idle() keeps the CPU). */
#define NVME_WAIT_NAP_MIN_US 2u
#define NVME_WAIT_NAP_MAX_US 1000u
/* Largest spin_us the setting takes. */
#define NVME_WAIT_SPIN_MAX_US 100000u

/* hybrid: the spin budget's bounds (the upper one unless spin_us sets it),
 * the length of one trial, how much more spinning must complete to win,
 * how long a winner is kept (in trial lengths), and how few completions
 * make a trial worth judging (one with fewer runs on). */
#define NVME_WAIT_HYBRID_MIN_US 4u
#define NVME_WAIT_HYBRID_MAX_US 100u
#define NVME_WAIT_HYBRID_TRIAL_US 16000u
#define NVME_WAIT_HYBRID_MARGIN_PCT 3u
#define NVME_WAIT_HYBRID_HOLD_MIN 8u
#define NVME_WAIT_HYBRID_HOLD_MAX 256u
#define NVME_WAIT_HYBRID_TRIAL_MIN_IOS 8u
/* hybrid: a spinning trial loses at once when, after this many spinning
 * waits, fewer than half ended while spinning. */
#define NVME_WAIT_HYBRID_WINDOW 16u

/* What sleep and hybrid learn from one caller's waits (zeroed to start). */
struct nvme_wait_state {
	uint32_t mean_us;        /* moving mean (1/8) of the waits that ended in progress */
	bool napped;             /* the half-mean nap of this wait was taken */
	uint64_t due_us;         /* when the last nap of this wait was due to end
	                          * (us since the wait began; 0: no nap) */
	uint64_t last_idle_us;   /* nvme_wait_host_idle: the current wait so far */
	/* hybrid */
	bool hybrid;             /* the last wait was hybrid's (trials run only then) */
	bool spun;               /* this wait spun ... */
	bool stopped;            /* ... and then halted or napped (its budget ran out) */
	bool spinning;           /* the side in use: spin (else halt) */
	uint8_t phase;           /* 0: first trial, 1: second trial, 2: keeping the winner */
	bool halting;            /* phase 2 keeping halting (one test for the inline paths) */
	bool spin_first;         /* the next pair of trials starts with spinning */
	bool last_spin_won;      /* the last verdict */
	uint32_t spin_mean_us;   /* moving mean (1/8) of the waits that ended spinning */
	uint32_t hold;           /* the next keep, in trial lengths */
	uint64_t phase_tsc;      /* when the current phase began (0: not yet) */
	uint64_t phase_end_tsc;  /* ... and when it ends */
	uint64_t phase_ios;      /* completions reported in it */
	uint64_t trial_rate;     /* the first trial's completions per second */
	uint32_t trial_hits;     /* the spinning trial's waits that ended spinning ... */
	uint32_t trial_spins;    /* ... of its waits that spun */
	/* the gate: closed (the caller's interrupt masked) while spinning,
	 * opened before a halt; NULL: no interrupt to mask. Opening returns
	 * whether the device held an interrupt back while it was closed. */
	bool (*gate)(void *ctx, bool open);
	void *gate_ctx;
	bool gate_closed;
};

struct nvme_wait_setting {
	enum nvme_wait_mode mode;
	uint32_t spin_us;        /* spin this long after the last progress first */
};

/* What the strategies did since boot (read two snapshots and subtract):
 * how the CPU waited, counted so that a wake-up mechanism that regresses
 * shows up as counts (bench prints them per job), not only as time. */
struct nvme_wait_stats {
	uint64_t idle_calls;     /* nvme_wait_idle / the idle callback: empty polls (and
	                          * bench's halts straight after a reaping pass) */
	uint64_t pauses;         /* of those, answered by polling again (spin_once) */
	uint64_t halts;          /* sti; hlt executed */
	uint64_t halted_tsc;     /* TSC ticks spent in those halts */
	uint64_t naps;           /* one-shot timers armed (sleep; halt on polled queues) */
	uint64_t nap_ticks;      /* one-shot timer interrupts taken */
	/* hybrid: waits that ended while spinning / spun their whole budget;
	 * windows that turned spinning off, and waits that started with
	 * spinning off; verdicts for halting and for spinning; gate
	 * closes (interrupt masked) and opens that found an interrupt held
	 * back by the device */
	uint64_t spin_hits, spin_misses, spin_offs, spin_skipped, spin_ons, gate_closes, gate_held;
};

void nvme_wait_stats_get(struct nvme_wait_stats *out);
/* The counters themselves (nvme_wait_stats_get copies them): the inline
 * waits below count into them. */
extern struct nvme_wait_stats nvme_wait_counters;

void nvme_wait_get(struct nvme_wait_setting *s);
void nvme_wait_set(const struct nvme_wait_setting *s);
const char *nvme_wait_name(enum nvme_wait_mode m);
/* "spin", "sleep", "halt" or "hybrid" -> *m; false for anything else. */
bool nvme_wait_parse(const char *name, enum nvme_wait_mode *m);

/* sti; hlt, counted; then the interrupt flag as it was. */
static inline void nvme_wait_halt(void)
{
	bool was_on = interrupts_enabled();
	uint64_t t0 = rdtsc();
	__asm__ volatile("sti; hlt" ::: "memory");
	nvme_wait_counters.halted_tsc += rdtsc() - t0;
	nvme_wait_counters.halts++;
	if (!was_on)
		cpu_cli();
}

/*
 * One empty poll, idle_us after the last completion (or the submit). With
 * irq_armed the caller has a device interrupt (and a timer bounding it)
 * that will wake a halt. Returns after at most about NVME_WAIT_NAP_MAX_US.
 * Leaves the interrupt flag as it found it. nvme_wait_idle_call is the
 * whole strategy, out of line; nvme_wait_idle runs its halting case inline.
 */
void nvme_wait_idle_call(struct nvme_wait_state *st, enum nvme_wait_mode m, uint32_t spin_us, uint64_t idle_us,
			 bool irq_armed);
static inline void nvme_wait_idle(struct nvme_wait_state *st, enum nvme_wait_mode m, uint32_t spin_us,
				  uint64_t idle_us, bool irq_armed)
{
	/*
	 * The wait of halt without a spin, and of hybrid while it keeps
	 * halting (no spin budget, the gate open): one halt until the MSI-X,
	 * inline. Once per wake-up on the path that decides how soon the vCPU
	 * halts; the call and the strategy's tests cost a pinned vCPU more
	 * than the interrupt mode's wait (bench/README.md, "Polled against
	 * interrupts, instruction by instruction").
	 */
	if (irq_armed && ((m == NVME_WAIT_HALT && spin_us == 0) ||
			  (m == NVME_WAIT_HYBRID && st->halting && !st->gate_closed))) {
		st->hybrid = m == NVME_WAIT_HYBRID;
		if (st->hybrid && !st->stopped) {
			st->stopped = true;
			nvme_wait_counters.spin_skipped++;
		}
		nvme_wait_counters.idle_calls++;
		nvme_wait_halt();
		return;
	}
	nvme_wait_idle_call(st, m, spin_us, idle_us, irq_armed);
}
/* A poll found a completion after idle_us without one: a sample of the
 * mean. After a nap the sample is when that nap was due, not idle_us: a
 * timer that fires late (an emulated LAPIC on a loaded host comes
 * milliseconds late) would otherwise lengthen the mean, hence the next
 * naps, hence the next samples (bench/README.md, "Waiting for completions").
 * n: the completions that poll found (hybrid's trials count them). */
void nvme_wait_learn(struct nvme_wait_state *st, uint64_t idle_us, uint32_t n);
/* hybrid, while it keeps halting: the report of a pass that reaped, in a
 * few instructions, where nvme_wait_learn would only count and update the
 * nap mean (a pinned vCPU pays for every instruction between its doorbell
 * and its halt: bench/README.md, "hybrid's cost per wake-up"). Only for a
 * caller whose waits halt on its queues' MSI-X (irq_armed), which never
 * naps. true: reported; false: call nvme_wait_learn. now_tsc: the pass's
 * rdtsc(). */
static inline bool nvme_wait_learn_quick(struct nvme_wait_state *st, uint64_t now_tsc)
{
	if (!st->halting || st->spun || now_tsc >= st->phase_end_tsc || !st->hybrid)
		return false;
	st->stopped = false;
	return true;
}
/* hybrid: opens the gate if the state closed it (call when the caller's
 * waits end, before it unmasks or tears down the interrupt itself). */
void nvme_wait_release(struct nvme_wait_state *st);
/* Whether a spinning wait uses PAUSE (false under QEMU's TCG). */
bool nvme_wait_pause_hint(void);
/* Whether the next wait starts by spinning (with spin_us of the setting):
 * a caller that would halt straight after a pass that reaped (the MSI-X
 * covers what comes after it) polls on instead when this says so. */
static inline bool nvme_wait_spins(const struct nvme_wait_state *st, enum nvme_wait_mode m, uint32_t spin_us)
{
	switch (m) {
	case NVME_WAIT_SPIN:
		return true;
	case NVME_WAIT_HYBRID:
		return st->spinning;
	default:
		return spin_us != 0;
	}
}
/* hybrid's current spin budget in microseconds (0: halting is in use). */
uint32_t nvme_wait_spin_budget(const struct nvme_wait_state *st, uint32_t spin_us);

/* The nvme_host.idle callback (nvme_host.h): the setting, on polled queues. */
void nvme_wait_host_idle(void *ctx, uint16_t qid, uint64_t waited_us);

#endif
