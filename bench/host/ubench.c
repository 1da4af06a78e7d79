/*
 * ubench.c - the driver's instructions per 4 KiB read, counted with
 * valgrind --tool=callgrind (see bench/host/Makefile and README.md).
 *
 * The driver is compiled as the kernel ships it (-O2, the kernel's code
 * generation flags) plus -DNVME_MMIO_HOOK, so that its register accesses
 * reach this program. Bring-up runs against the software controller of the
 * host tests (tests/host/model). Then the measured phase switches the hooks
 * to a minimal fake device: a write to the I/O queue's SQ tail doorbell
 * turns every new SQE into a successful CQE at once (no data is moved),
 * a CQ head doorbell write is dropped, register reads still go to the model.
 *
 * Measured, with callgrind's instrumentation on only around the loops:
 *   qd1:   N x { nvme_read_async(8 blocks of 512 B = 4 KiB); nvme_qpair_poll }
 *   qd32:  N/32 x { batch_begin; 32 x nvme_read_async; batch_end; nvme_qpair_poll }
 * make (bench/host/Makefile) then sums callgrind's exclusive instruction
 * counts of every function whose code lies in drivers/nvme/ (inlined
 * helpers included) and divides by the I/Os. Not counted: this file (the
 * fake device, the completion callback, the loop), the host callbacks the
 * driver calls (virt_to_phys, now_us: tests/host/host_env.c) and the model.
 * The driver's side of each call into them (argument set-up, call) is
 * counted; with NVME_MMIO_HOOK a doorbell write is such a call (about 3
 * instructions) where the shipped build has one mov.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>

#include "host_env.h"
#include "model/nvme_model.h"
#include "nvme.h"

uint32_t model_mmio_read32(const volatile void *addr);
void model_mmio_write32(volatile void *addr, uint32_t value);

static struct {
	bool on;
	volatile uint8_t *sq_db, *cq_db;
	struct nvme_qpair *q;
	uint32_t sq_head, cq_tail;
	uint16_t phase;
} fake;

static void fake_post(uint32_t tail)
{
	struct nvme_qpair *q = fake.q;
	while (fake.sq_head != tail) {
		const struct nvme_sqe *sqe = &q->sq[fake.sq_head];
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

uint32_t nvme_mmio_hook_read32(const volatile void *addr);
void nvme_mmio_hook_write32(volatile void *addr, uint32_t value);

uint32_t nvme_mmio_hook_read32(const volatile void *addr)
{
	return model_mmio_read32(addr);
}

void nvme_mmio_hook_write32(volatile void *addr, uint32_t value)
{
	if (fake.on) {
		if ((volatile uint8_t *)addr == fake.sq_db) {
			fake_post(value);
			return;
		}
		if ((volatile uint8_t *)addr == fake.cq_db)
			return;
	}
	model_mmio_write32(addr, value);
}

static unsigned long completed;

static void done(void *arg, int status, const struct nvme_cqe *cqe)
{
	(void)arg;
	(void)cqe;
	if (status != 0) {
		fprintf(stderr, "ubench: I/O failed: %s\n", nvme_strerror(status));
		exit(1);
	}
	completed++;
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
	nvme_config_defaults(&cfg);
	cfg.log_level = NVME_LOG_WARN;
	if (!m || !c) {
		fprintf(stderr, "ubench: setup failed\n");
		return 1;
	}
	int rc = nvme_ctrl_init(c, &env->host, nvme_model_bar_phys(m), nvme_model_bar_size(m), &cfg);
	if (rc != 0) {
		fprintf(stderr, "ubench: nvme_ctrl_init: %s\n", nvme_strerror(rc));
		return 1;
	}
	struct nvme_ns *ns = nvme_ns_at(c, 0);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(c, 0);
	uint8_t *buf = host_env_buf(env, 32 * 4096, 0, 0);

	fake.q = q;
	fake.sq_db = (volatile uint8_t *)c->bar + q->sq_db;
	fake.cq_db = (volatile uint8_t *)c->bar + q->cq_db;
	fake.sq_head = q->sq_tail;
	fake.cq_tail = q->cq_head;
	fake.phase = q->cq_phase;
	fake.on = true;

	uint64_t lba = 0;
	/* warm up (not counted) */
	for (int i = 0; i < 256; i++) {
		if (nvme_read_async(ns, q, lba, 8, buf, done, NULL) != 0 || nvme_qpair_poll(q, 0) != 1)
			return 1;
		lba = (lba + 8) & 0xFFFFF;
	}

	CALLGRIND_ZERO_STATS;
	CALLGRIND_START_INSTRUMENTATION;
	for (unsigned long i = 0; i < n; i++) {
		rc = nvme_read_async(ns, q, lba, 8, buf, done, NULL);
		if (rc == 0)
			rc = nvme_qpair_poll(q, 0) == 1 ? 0 : -1;
		if (rc != 0) {
			fprintf(stderr, "ubench: qd1 I/O %lu failed\n", i);
			return 1;
		}
		lba = (lba + 8) & 0xFFFFF;
	}
	CALLGRIND_STOP_INSTRUMENTATION;
	CALLGRIND_DUMP_STATS_AT("qd1");

	CALLGRIND_ZERO_STATS;
	CALLGRIND_START_INSTRUMENTATION;
	for (unsigned long i = 0; i < n / 32; i++) {
		nvme_qpair_batch_begin(q);
		for (int j = 0; j < 32; j++) {
			if (nvme_read_async(ns, q, lba, 8, buf + (size_t)j * 4096, done, NULL) != 0) {
				fprintf(stderr, "ubench: qd32 submit failed\n");
				return 1;
			}
			lba = (lba + 8) & 0xFFFFF;
		}
		nvme_qpair_batch_end(q);
		if (nvme_qpair_poll(q, 0) != 32) {
			fprintf(stderr, "ubench: qd32 reap failed\n");
			return 1;
		}
	}
	CALLGRIND_STOP_INSTRUMENTATION;
	CALLGRIND_DUMP_STATS_AT("qd32");

	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	printf("ubench: %lu + %lu reads completed; SQ doorbells %llu, CQ doorbells %llu\n", n, n, 
	       (unsigned long long)s.sq_doorbells, (unsigned long long)s.cq_doorbells);
	printf("ubench-ios qd1=%lu qd32=%lu\n", n, n);
	fake.on = false;
	return completed == 2 * n + 256 ? 0 : 1;
}
