/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_threads.c - the threading contract of nvme.h: "different I/O queue
 * pairs of one controller may be used concurrently from different CPUs as
 * long as each queue pair is used by one CPU at a time". Two threads, one
 * queue pair each, disjoint LBA ranges; the model serialises its side (a
 * controller takes concurrent doorbell writes), host_env's callbacks are
 * thread safe. Data is checked against a per-thread shadow copy.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

#define REGION (256u * 1024u)   /* bytes per thread */

struct worker {
	struct fx *f;
	struct nvme_qpair *q;
	uint64_t base;               /* byte offset of the thread's region */
	bool bytes;                  /* byte helpers, else whole blocks */
	uint8_t *shadow;
	uint8_t *buf;
	unsigned iters;
	int rc;                      /* first error */
	long bad_at;                 /* first data mismatch (read back), -1 if none */
	uint64_t seed;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct nvme_ns *ns = nvme_ns_get(w->f->c, 1);
	for (unsigned it = 0; it < w->iters && w->rc == 0 && w->bad_at < 0; it++) {
		size_t len;
		uint64_t off;
		if (w->bytes) {
			len = 1 + xorshift64(&w->seed) % 1500;
			off = xorshift64(&w->seed) % (REGION - len);
		} else {
			len = 512 * (1 + xorshift64(&w->seed) % 8);
			off = 512 * (xorshift64(&w->seed) % ((REGION - len) / 512));
		}
		fill_pattern(w->buf, len, w->seed);
		int rc = w->bytes ? nvme_write_bytes(ns, w->q, w->base + off, w->buf, len)
				  : nvme_write(ns, w->q, (w->base + off) / 512, (uint32_t)(len / 512), w->buf);
		if (rc != 0) {
			w->rc = rc;
			break;
		}
		memcpy(w->shadow + off, w->buf, len);
		/* read back a (different) random range of the own region */
		size_t rlen = w->bytes ? 1 + xorshift64(&w->seed) % 1500 : 512 * (1 + xorshift64(&w->seed) % 8);
		uint64_t roff = w->bytes ? xorshift64(&w->seed) % (REGION - rlen)
					 : 512 * (xorshift64(&w->seed) % ((REGION - rlen) / 512));
		rc = w->bytes ? nvme_read_bytes(ns, w->q, w->base + roff, w->buf, rlen)
			      : nvme_read(ns, w->q, (w->base + roff) / 512, (uint32_t)(rlen / 512), w->buf);
		if (rc != 0) {
			w->rc = rc;
			break;
		}
		long d = mem_diff(w->buf, w->shadow + roff, rlen);
		if (d >= 0)
			w->bad_at = (long)roff + d;
	}
	return NULL;
}

static void run_two(bool bytes)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_count = 2;
	f.cfg.log_level = NVME_LOG_ERROR;
	fx_up(&f);
	struct worker w[2];
	pthread_t th[2];
	for (int i = 0; i < 2; i++) {
		w[i] = (struct worker){ .f = &f, .q = nvme_ctrl_io_qpair(f.c, (uint32_t)i), .base = (uint64_t)i * REGION,
					.bytes = bytes, .shadow = calloc(1, REGION), .buf = fx_buf(&f, 8192, 0, 0),
					.iters = 3000, .rc = 0, .bad_at = -1, .seed = 1234567u + (uint64_t)i * 7654321u };
		REQUIRE(w[i].q != NULL);
	}
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, worker_main, &w[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	uint8_t *dev = malloc(REGION);
	for (int i = 0; i < 2; i++) {
		CHECK_MSG(w[i].rc == 0, "%s, thread %d: %s", bytes ? "byte helpers" : "block I/O", i, st(w[i].rc));
		CHECK_MSG(w[i].bad_at < 0, "%s, thread %d: read back wrong data at byte %ld of its region",
			  bytes ? "byte helpers" : "block I/O", i, w[i].bad_at);
		nvme_model_ns_read(f.m, 1, w[i].base / 512, REGION / 512, dev);
		long d = mem_diff(dev, w[i].shadow, REGION);
		CHECK_MSG(d < 0, "%s, thread %d: device data wrong at byte %ld of its region (other thread's data?)",
			  bytes ? "byte helpers" : "block I/O", i, d);
		free(w[i].shadow);
		fx_buf_free(&f, w[i].buf);
	}
	free(dev);
	fx_finish(&f);
}

/* Control: plain block I/O on two queue pairs at once is what the contract
 * allows; this must pass (it shows the harness itself is sound). */
static void threads_block_io_two_queues(void)
{
	run_two(false);
}

/* The byte helpers on two queue pairs at once. */
static void threads_byte_helpers_two_queues(void)
{
	run_two(true);
}

static const struct check_test tests[] = {
	CHECK_TEST(threads_block_io_two_queues),
	CHECK_TEST(threads_byte_helpers_two_queues),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
