/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * time.c - TSC calibration and time helpers (see time.h).
 *
 * Sources, best first (Linux's native_calibrate_tsc/hpet/pmtmr order, and
 * its commit c8c4076723da: on Skylake and later the 8254 PIT may be gated):
 *   1. CPUID 15h (TSC/crystal ratio with the crystal frequency in ECX)
 *   2. CPUID 16h (processor base frequency in MHz)
 *   3. HPET (base from the ACPI HPET table): counter checked to count, period
 *      checked against the HPET specification's limit (<= 100 ns)
 *   4. ACPI PM timer (3.579545 MHz, 24 or 32 bits as the FADT says, wraps)
 *   5. PIT channel 2, only if its counter is seen to count
 * A measured source is timed over CAL_WINDOW_MS three times and the median
 * kept; a result outside [TSC_MIN_HZ, TSC_MAX_HZ] rejects the source. If
 * nothing works, TSC_ASSUMED_HZ (high on purpose) is assumed: a TSC that is
 * really slower makes every timeout last longer, never shorter.
 */
#include "time.h"
#include "acpi.h"
#include "cpu.h"
#include "console.h"
#include "tsc_cpuid.h"
#include "vmm.h"

#define PIT_HZ 1193182ull
#define PM_TIMER_HZ 3579545ull
#define CAL_WINDOW_MS 20u
#define CAL_RUNS 3
#define TSC_ASSUMED_HZ 10000000000ull /* no source: assume 10 GHz (timeouts get longer) */
/* Bounds before the clock is known: a counter must change within this many
 * reads (each I/O or MMIO read takes well over 10 ns, so >= 1 ms), and a
 * calibration window may not take more than this many TSC ticks (2.3 s even
 * at TSC_MAX_HZ) or reads. */
#define COUNT_CHECK_READS 100000u
#define CAL_MAX_TSC_TICKS 40000000000ull
#define CAL_MAX_READS 50000000u
#define HPET_MAX_PERIOD_FS 100000000u  /* HPET spec 1.0a: period <= 100 ns */
#define HPET_REG_CAP 0x000
#define HPET_REG_CONFIG 0x010
#define HPET_REG_COUNTER 0x0F0

static uint64_t tsc_hz = 2000000000ull; /* until calibrated */
static uint64_t tsc_base;
static const char *source = "uncalibrated";
static bool invariant;

uint64_t time_rdtsc(void) { return rdtsc(); }
uint64_t time_tsc_hz(void) { return tsc_hz; }
const char *time_source(void) { return source; }
bool time_tsc_invariant(void) { return invariant; }

uint64_t time_tsc_to_us(uint64_t t) { return t / tsc_hz * 1000000ull + (t % tsc_hz) * 1000000ull / tsc_hz; }
uint64_t time_tsc_to_ns(uint64_t t)
{
	/* (t % hz) * 1e9 fits in 64 bits for hz < 18 GHz (TSC_MAX_HZ). */
	return t / tsc_hz * 1000000000ull + (t % tsc_hz) * 1000000000ull / tsc_hz;
}

uint64_t time_now_us(void) { return time_tsc_to_us(rdtsc() - tsc_base); }

void time_delay_us(uint64_t us)
{
	uint64_t start = rdtsc();
	uint64_t ticks = us / 1000000ull * tsc_hz + (us % 1000000ull) * tsc_hz / 1000000ull;
	while (rdtsc() - start < ticks)
		cpu_pause();
}

static bool plausible(uint64_t hz) { return hz >= TSC_MIN_HZ && hz <= TSC_MAX_HZ; }

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t t;
	if (a > b) { t = a; a = b; b = t; }
	if (b > c) { t = b; b = c; c = t; }
	if (a > b) { t = a; a = b; b = t; }
	return b;
}

/* ---------------------------------------------------------- a counter */

/* A free-running counter of `hz` ticks per second, `mask` wide. */
struct counter {
	uint32_t (*read)(const struct counter *c);
	uint64_t hz;
	uint32_t mask;
	volatile uint32_t *mmio; /* HPET main counter / memory PM timer */
	uint16_t port;           /* I/O PM timer */
};

static uint32_t read_mmio(const struct counter *c) { return *c->mmio; }
static uint32_t read_port(const struct counter *c) { return inl(c->port); }

/* True if the counter changes within COUNT_CHECK_READS reads. */
static bool counts(const struct counter *c)
{
	uint32_t first = c->read(c) & c->mask;
	for (uint32_t i = 0; i < COUNT_CHECK_READS; i++)
		if ((c->read(c) & c->mask) != first)
			return true;
	return false;
}

/* TSC ticks per second over one window, 0 if the window did not end in
 * bounded time. */
static uint64_t measure(const struct counter *c)
{
	uint64_t want = c->hz * CAL_WINDOW_MS / 1000;
	uint32_t c0 = c->read(c) & c->mask;
	uint64_t t0 = rdtsc(), t1;
	uint32_t d;
	for (uint32_t i = 0;; i++) {
		d = ((c->read(c) & c->mask) - c0) & c->mask;
		t1 = rdtsc();
		if (d >= want)
			break;
		if (i > CAL_MAX_READS || t1 - t0 > CAL_MAX_TSC_TICKS)
			return 0;
	}
	/* ns of counter time, then ticks per second (no overflow: t1-t0 is at
	 * most CAL_MAX_TSC_TICKS, times 1e9 < 2^64 / 400) */
	uint64_t ns = (uint64_t)d * 1000000000ull / c->hz;
	if (!ns)
		return 0;
	return (t1 - t0) * 1000000000ull / ns;
}

static uint64_t calibrate(const struct counter *c)
{
	uint64_t m[CAL_RUNS];
	for (int i = 0; i < CAL_RUNS; i++) {
		m[i] = measure(c);
		if (!m[i])
			return 0;
	}
	uint64_t hz = median3(m[0], m[1], m[2]);
	return plausible(hz) ? hz : 0;
}

/* ---------------------------------------------------------- sources */

static uint64_t from_cpuid(const char **name)
{
	struct tsc_cpuid_regs r = { 0 };
	uint32_t b, c, d;
	cpuid(0, 0, &r.max_leaf, &b, &c, &d);
	if (r.max_leaf >= 0x15)
		cpuid(0x15, 0, &r.l15_eax, &r.l15_ebx, &r.l15_ecx, &d);
	if (r.max_leaf >= 0x16)
		cpuid(0x16, 0, &r.l16_eax, &b, &c, &d);
	unsigned leaf = 0;
	uint64_t hz = tsc_hz_from_cpuid(&r, &leaf);
	if (hz)
		*name = leaf == 0x15 ? "CPUID 15h" : "CPUID 16h";
	return hz;
}

/* The TSC rate measured against counter c (0 if c does not count or the
 * result is implausible; both logged with the counter's name). */
static uint64_t checked_calibrate(const struct counter *c, const char *name)
{
	if (!counts(c)) {
		kprintf("time: %s counter does not count; not used\n", name);
		return 0;
	}
	uint64_t hz = calibrate(c);
	if (!hz)
		kprintf("time: %s calibration gave no plausible TSC rate\n", name);
	return hz;
}

static uint64_t from_hpet(const struct acpi_info *ai)
{
	if (!ai || !ai->have_hpet)
		return 0;
	volatile uint32_t *r = (volatile uint32_t *)vmm_map_mmio(ai->hpet_base, 1024);
	if (!r) {
		kprintf("time: cannot map the HPET at 0x%llx\n", (unsigned long long)ai->hpet_base);
		return 0;
	}
	uint32_t period = r[HPET_REG_CAP / 4 + 1];
	if (period == 0 || period > HPET_MAX_PERIOD_FS) {
		kprintf("time: HPET period %u fs is not valid; HPET not used\n", period);
		return 0;
	}
	uint32_t cfg = r[HPET_REG_CONFIG / 4];
	if (!(cfg & 1))
		r[HPET_REG_CONFIG / 4] = cfg | 1; /* ENABLE_CNF: main counter runs */
	struct counter c = { read_mmio, 1000000000000000ull / period, 0xFFFFFFFFu,
			     r + HPET_REG_COUNTER / 4, 0 };
	return checked_calibrate(&c, "HPET");
}

static uint64_t from_pm_timer(const struct acpi_info *ai)
{
	if (!ai || !ai->pm_timer.address)
		return 0;
	struct counter c = { 0 };
	c.hz = PM_TIMER_HZ;
	c.mask = ai->pm_timer_32bit ? 0xFFFFFFFFu : 0x00FFFFFFu;
	if (ai->pm_timer.space == ACPI_GAS_IO && ai->pm_timer.address <= 0xFFFC) {
		c.read = read_port;
		c.port = (uint16_t)ai->pm_timer.address;
	} else if (ai->pm_timer.space == ACPI_GAS_MEMORY) {
		c.mmio = (volatile uint32_t *)vmm_map_mmio(ai->pm_timer.address, 4);
		if (!c.mmio)
			return 0;
		c.read = read_mmio;
	} else {
		return 0;
	}
	return checked_calibrate(&c, "ACPI PM timer");
}

/* PIT channel 2: counting down from 0xFFFF in mode 0 with the gate on
 * (port 0x61 bit 0), speaker off. The count is read by latching. */
static uint32_t pit_read(const struct counter *c)
{
	(void)c;
	outb(0x43, 0x80); /* latch channel 2 */
	uint8_t lo = inb(0x42);
	uint8_t hi = inb(0x42);
	/* counting down: present it as counting up */
	return (uint32_t)(0xFFFF - ((uint32_t)hi << 8 | lo));
}

static uint64_t from_pit(void)
{
	uint8_t p61 = inb(0x61);
	outb(0x61, (uint8_t)((p61 & ~0x02) | 0x01));
	outb(0x43, 0xB4); /* channel 2, lo/hi, mode 2 (rate generator, reloads), binary */
	outb(0x42, 0xFF);
	outb(0x42, 0xFF);
	struct counter c = { pit_read, PIT_HZ, 0xFFFF, 0, 0 };
	uint64_t hz = 0;
	if (!counts(&c))
		kprintf("time: PIT does not count (gated or absent); not used\n");
	else if (!(hz = calibrate(&c)))
		kprintf("time: PIT calibration gave no plausible TSC rate\n");
	outb(0x61, p61);
	return hz;
}

void time_init(void)
{
	uint32_t a, b, c, d;
	cpuid(0x80000000u, 0, &a, &b, &c, &d);
	if (a >= 0x80000007u) {
		cpuid(0x80000007u, 0, &a, &b, &c, &d);
		invariant = (d >> 8) & 1;
	}
	const struct acpi_info *ai = acpi_get();
	const char *name = NULL;
	uint64_t hz = from_cpuid(&name);
	if (!hz && (hz = from_hpet(ai)))
		name = "HPET";
	if (!hz && (hz = from_pm_timer(ai)))
		name = "ACPI PM timer";
	if (!hz && (hz = from_pit()))
		name = "PIT";
	if (!hz) {
		kprintf("time: no clock source works (CPUID 15h/16h, HPET, ACPI PM timer, PIT); "
			"assuming a 10 GHz TSC so that timeouts last longer, never shorter\n");
		hz = TSC_ASSUMED_HZ;
		name = "assumed 10 GHz";
	}
	tsc_hz = hz;
	source = name;
	if (!tsc_base)
		tsc_base = rdtsc();
}

void time_mark_start(void) { tsc_base = rdtsc(); }
