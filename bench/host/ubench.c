/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ubench.c - the driver's instructions per 4 KiB read, counted with
 * valgrind --tool=callgrind (bench/host/run.sh builds and runs it).
 *
 * What runs is the driver exactly as the kernel ships it: compiled with the
 * kernel's flags at -O2, register accesses plain volatile loads and stores
 * (no NVME_MMIO_HOOK), so an SQ or CQ doorbell is the one `mov` the shipped
 * build executes.
 *
 * Bring-up needs the software controller of the host tests
 * (tests/host/model), which sees register accesses only through the MMIO
 * hooks. So the program links a second copy of the driver, compiled with
 * -DNVME_MMIO_HOOK and its global symbols renamed hk_* (bench/host/run.sh:
 * ld -r + objcopy --redefine-syms). That copy brings the controller up
 * (hk_nvme_ctrl_init_abi, the function behind nvme_ctrl_init(): one I/O
 * queue pair of depth 256, no shadow doorbells, a 512-byte-block
 * namespace); the struct nvme_ctrl it fills is the same
 * type the shipped copy uses. Then c->bar is pointed at plain memory and
 * the measured loops call the shipped copy (nvme_read_async,
 * nvme_qpair_poll, nvme_qpair_batch_begin/_end). A minimal fake device in
 * this file, run between driver calls, looks at the SQ tail doorbell in
 * that memory and turns every new SQE into a successful CQE with the SQE's
 * CID, a valid SQ head and SQID (no data is moved).
 *
 * Measured (callgrind's instrumentation on only around the loops; dumps
 * named after the phases):
 *   qd1:    N x { nvme_read_async(8 blocks of 512 B = 4 KiB); device; nvme_qpair_poll }
 *   qd32:   N/32 x { batch_begin; 32 x nvme_read_async; batch_end; device; nvme_qpair_poll }
 * and the same loops again with event collection switched on only around
 * the submit side (qd1-submit: nvme_read_async; qd32-submit: batch_begin,
 * the 32 reads, batch_end with its doorbell) or only around the completion
 * side (qd1-complete, qd32-complete: nvme_qpair_poll, which reaps, runs the
 * callbacks and writes the CQ head doorbell).
 * run.sh then sums callgrind's exclusive instruction counts of every
 * function whose code lies in drivers/nvme/ (inlined helpers included) and
 * divides by the I/Os. Not counted: this file (the fake device, the
 * completion callback, the loops), the host callbacks the driver calls
 * (virt_to_phys, now_us: tests/host/host_env.c, with its mutex) and the
 * model. The driver's side of a call into them (argument set-up, the call,
 * checking the result) is counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>

#include "host_env.h"
#include "model/nvme_model.h"
#include "nvme_all.h"

/* the bring-up copy of the driver (symbols renamed by run.sh) */
void hk_nvme_config_defaults(struct nvme_ctrl_config *cfg);
int hk_nvme_ctrl_init_abi(struct nvme_ctrl *c, const struct nvme_host *host, uint64_t bar_phys, size_t bar_size,
			   const struct nvme_ctrl_config *cfg, const struct nvme_abi *abi);
void hk_nvme_ctrl_detach(struct nvme_ctrl *c);
struct nvme_ns *hk_nvme_ns_at(struct nvme_ctrl *c, uint32_t i);
struct nvme_qpair *hk_nvme_ctrl_io_qpair(struct nvme_ctrl *c, uint32_t i);

uint32_t model_mmio_read32(const volatile void *addr);
void model_mmio_write32(volatile void *addr, uint32_t value);

/* The hooked copy's register accesses go to the model. */
uint32_t nvme_mmio_hook_read32(const volatile void *addr);
void nvme_mmio_hook_write32(volatile void *addr, uint32_t value);

uint32_t nvme_mmio_hook_read32(const volatile void *addr)
{
	return model_mmio_read32(addr);
}

void nvme_mmio_hook_write32(volatile void *addr, uint32_t value)
{
	model_mmio_write32(addr, value);
}

static struct {
	volatile uint32_t *sq_db;   /* in the plain-memory BAR */
	struct nvme_qpair *q;
	uint32_t sq_head, cq_tail;
	uint16_t phase;
} fake;

/* The device: every SQE up to the tail the driver last wrote completes. */
static void fake_device(void)
{
	struct nvme_qpair *q = fake.q;
	uint32_t tail = *fake.sq_db;
	if (tail >= q->depth) {
		fprintf(stderr, "ubench: SQ tail %u beyond the queue\n", (unsigned)tail);
		exit(1);
	}
	while (fake.sq_head != tail) {
		const struct nvme_sqe *sqe = &q->sq[fake.sq_head];
		if (sqe->opc != NVME_CMD_READ || sqe->dptr.prp.prp1 == 0) {
			fprintf(stderr, "ubench: unexpected SQE (opc %02x)\n", (unsigned)sqe->opc);
			exit(1);
		}
		if (++fake.sq_head == q->depth)
			fake.sq_head = 0;
		volatile struct nvme_cqe *e = &q->cq[fake.cq_tail];
		e->dw0 = 0;
		e->dw1 = 0;
		e->sqhd = (uint16_t)fake.sq_head;
		e->sqid = q->qid;
		e->cid = sqe->cid;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		e->status = fake.phase;
		if (++fake.cq_tail == q->depth) {
			fake.cq_tail = 0;
			fake.phase ^= 1u;
		}
	}
}

static unsigned long completed;

static void done(void *arg, int status, const struct nvme_cqe *cqe)
{
	(void)arg;
	(void)cqe;
	if (status != 0) {
		fprintf(stderr, "ubench: I/O failed: %d\n", status);
		exit(1);
	}
	completed++;
}

static struct nvme_ns *ns;
static struct nvme_qpair *q;
static uint8_t *buf;
static uint64_t lba;

#define COLLECT_SUBMIT   1u
#define COLLECT_COMPLETE 2u

static void fail(const char *what)
{
	fprintf(stderr, "ubench: %s failed\n", what);
	exit(1);
}

/* n reads at queue depth 1; events collected where `collect` says */
static void run_qd1(unsigned long n, unsigned collect)
{
	for (unsigned long i = 0; i < n; i++) {
		if (collect & COLLECT_SUBMIT)
			CALLGRIND_TOGGLE_COLLECT;
		int rc = nvme_read_async(ns, q, lba, 8, buf, done, NULL);
		if (collect & COLLECT_SUBMIT)
			CALLGRIND_TOGGLE_COLLECT;
		if (rc != 0)
			fail("qd1 submit");
		fake_device();
		if (collect & COLLECT_COMPLETE)
			CALLGRIND_TOGGLE_COLLECT;
		rc = nvme_qpair_poll(q, 0);
		if (collect & COLLECT_COMPLETE)
			CALLGRIND_TOGGLE_COLLECT;
		if (rc != 1)
			fail("qd1 poll");
		lba = (lba + 8) & 0xFFFFF;
	}
}

/* n reads in batches of 32 */
static void run_qd32(unsigned long n, unsigned collect)
{
	for (unsigned long i = 0; i < n / 32; i++) {
		int bad = 0;
		if (collect & COLLECT_SUBMIT)
			CALLGRIND_TOGGLE_COLLECT;
		nvme_qpair_batch_begin(q);
		for (int j = 0; j < 32; j++) {
			bad |= nvme_read_async(ns, q, lba, 8, buf + (size_t)j * 4096, done, NULL);
			lba = (lba + 8) & 0xFFFFF;
		}
		nvme_qpair_batch_end(q);
		if (collect & COLLECT_SUBMIT)
			CALLGRIND_TOGGLE_COLLECT;
		if (bad != 0)
			fail("qd32 submit");
		fake_device();
		if (collect & COLLECT_COMPLETE)
			CALLGRIND_TOGGLE_COLLECT;
		int rc = nvme_qpair_poll(q, 0);
		if (collect & COLLECT_COMPLETE)
			CALLGRIND_TOGGLE_COLLECT;
		if (rc != 32)
			fail("qd32 poll");
	}
}

/* One measured phase: collection is off outside the loop (run.sh passes
 * --collect-atstart=no); "both" switches it on around the whole loop. */
static void phase(const char *name, void (*run)(unsigned long, unsigned), unsigned long n, unsigned collect)
{
	CALLGRIND_ZERO_STATS;
	CALLGRIND_START_INSTRUMENTATION;
	if (collect == (COLLECT_SUBMIT | COLLECT_COMPLETE)) {
		CALLGRIND_TOGGLE_COLLECT;
		run(n, 0);
		CALLGRIND_TOGGLE_COLLECT;
	} else {
		run(n, collect);
	}
	CALLGRIND_STOP_INSTRUMENTATION;
	CALLGRIND_DUMP_STATS_AT(name);
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 32768;
	n = (n + 31) / 32 * 32;
	struct host_env *env = host_env_create(NULL);
	struct nvme_model_ns_config ns1 = { .nsid = 1, .lba_size = 512, .blocks = 2097152 };
	struct nvme_model_config mcfg;
	nvme_model_config_init(&mcfg);
	mcfg.ns = &ns1;
	mcfg.ns_count = 1;
	mcfg.mdts = 7;
	mcfg.translate = host_env_translate;
	mcfg.translate_ctx = env;
	mcfg.clock = host_env_clock;
	mcfg.clock_ctx = env;
	struct nvme_model *m = nvme_model_create(&mcfg);
	struct nvme_ctrl *c = calloc(1, sizeof(*c));
	struct nvme_ctrl_config cfg;
	hk_nvme_config_defaults(&cfg);
	cfg.log_level = NVME_LOG_WARN;
	if (!m || !c)
		fail("setup");
	int rc = hk_nvme_ctrl_init_abi(c, &env->host, nvme_model_bar_phys(m), nvme_model_bar_size(m), &cfg,
				       &NVME_ABI_CALLER);
	if (rc != 0) {
		fprintf(stderr, "ubench: nvme_ctrl_init: %d\n", rc);
		return 1;
	}
	ns = hk_nvme_ns_at(c, 0);
	q = hk_nvme_ctrl_io_qpair(c, 0);
	buf = host_env_buf(env, 32 * 4096, 0, 0);
	if (ns == NULL || q == NULL || buf == NULL || c->dbbuf_on)
		fail("bring-up (namespace, queue, buffer, no shadow doorbells)");

	/* From here on the shipped copy drives the controller; its registers
	 * are plain memory (CSTS.RDY set in case it is read). */
	volatile void *model_bar = c->bar;
	uint8_t *bar = calloc(1, c->bar_size);
	if (bar == NULL)
		fail("BAR memory");
	*(volatile uint32_t *)(void *)(bar + NVME_REG_CSTS) = 1u;
	c->bar = bar;
	fake.q = q;
	fake.sq_db = (volatile uint32_t *)(void *)(bar + q->sq_db);
	*fake.sq_db = q->sq_tail;
	fake.sq_head = q->sq_tail;
	fake.cq_tail = (uint32_t)(q->cq_next - q->cq);   /* the CQ cursor's index */
	fake.phase = (uint16_t)(q->cq_phase >> 16);

	run_qd1(256, 0);   /* warm up (not counted) */
	run_qd32(256, 0);

	phase("qd1", run_qd1, n, COLLECT_SUBMIT | COLLECT_COMPLETE);
	phase("qd1-submit", run_qd1, n, COLLECT_SUBMIT);
	phase("qd1-complete", run_qd1, n, COLLECT_COMPLETE);
	phase("qd32", run_qd32, n, COLLECT_SUBMIT | COLLECT_COMPLETE);
	phase("qd32-submit", run_qd32, n, COLLECT_SUBMIT);
	phase("qd32-complete", run_qd32, n, COLLECT_COMPLETE);

	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	unsigned long want = 6 * n + 512;
	printf("ubench: %lu reads completed (%lu expected); SQ doorbells %llu, CQ doorbells %llu, bad completions %llu\n",
	       completed, want, (unsigned long long)s.sq_doorbells, (unsigned long long)s.cq_doorbells,
	       (unsigned long long)s.bad_completions);
	printf("ubench-ios n=%lu\n", n);

	/* hand the controller back to the model and detach cleanly */
	c->bar = model_bar;
	hk_nvme_ctrl_detach(c);
	free(bar);
	return completed == want && s.bad_completions == 0 ? 0 : 1;
}
