/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_util.h - fixture for driver tests: a host_env, a model and a
 * struct nvme_ctrl wired together, with leak and protocol checks at the end
 * of every test case.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "host_env.h"
#include "model/nvme_model.h"
#include "nvme_all.h"

#define FX_MAX_NS 8

struct fx {
	struct host_env_config ecfg;
	struct nvme_model_config mcfg;
	struct nvme_model_ns_config ns[FX_MAX_NS];
	struct nvme_ctrl_config cfg;
	struct host_env *env;
	struct nvme_model *m;
	struct nvme_ctrl *c;          /* heap: the struct is large */
	size_t bar_size;              /* passed to nvme_ctrl_init (default: the model's) */
	bool started;
	bool registered;              /* cleanup registered for the running case */
	/* end-of-test checks (set false to waive) */
	bool check_model_errors;
	bool check_leaks;
};

/*
 * Defaults: host page 4 KiB, identity bus addresses; model defaults
 * (MQES 1023, MDTS 5, 64 queues) with NS 1 = 512 B x 65536 blocks and
 * NS 2 = 4 KiB x 8192 blocks; driver defaults with log level DEBUG.
 */
void fx_defaults(struct fx *f);
/* Create env and model (registers the cleanup that detaches and checks). */
void fx_start(struct fx *f);
/* fx_start if needed, then nvme_ctrl_init; returns its status. */
int fx_init(struct fx *f);
/* REQUIRE that fx_init succeeds. */
void fx_up(struct fx *f);
/* Detach and assert that every DMA allocation and mapping was returned. */
void fx_detach_check(struct fx *f);
/* Detach, check (leaks, model protocol errors, host contract) and destroy
 * env and model now; f can then be reused with fx_defaults. Runs by itself
 * at the end of the case otherwise. */
void fx_finish(struct fx *f);

/* A data buffer registered with the env (see host_env_buf). */
void *fx_buf(struct fx *f, size_t len, size_t offset, unsigned flags);
void fx_buf_free(struct fx *f, void *p);
/* Namespace 1 of the fixture's controller; ends the case if it is missing. */
struct nvme_ns *fx_ns1(struct fx *f);

/* Deterministic contents. */
void fill_pattern(void *p, size_t n, uint64_t seed);
/* xorshift64: the next pseudo-random value of *state (not 0). */
uint64_t xorshift64(uint64_t *state);
/*
 * Write len bytes from a buffer `woff` bytes into a page (flags: HOST_BUF_*)
 * to namespace nsid at lba, check the device's copy, read back into a
 * buffer at `roff`, compare. Failures are reported (with `what`) and false
 * is returned.
 */
bool fx_roundtrip(struct fx *f, uint32_t nsid, uint64_t lba, size_t len, size_t woff, size_t roff,
		  unsigned flags, uint64_t seed, const char *what);
/* Offset of the first difference, or -1. */
long mem_diff(const void *a, const void *b, size_t n);

/* Describe a driver status as text (static buffer). */
const char *st(int status);

#define CHECK_OK(expr) \
	do { int rc_ = (expr); if (rc_ != 0) check_fail(__FILE__, __LINE__, "%s -> %s", #expr, st(rc_)); } while (0)
#define REQUIRE_OK(expr) \
	do { int rc_ = (expr); if (rc_ != 0) { check_fail(__FILE__, __LINE__, "%s -> %s", #expr, st(rc_)); \
					       check_abort_case(); } } while (0)
#define CHECK_RC(expr, want) \
	do { int rc_ = (expr), w_ = (want); if (rc_ != w_) \
		check_fail(__FILE__, __LINE__, "%s -> %s, want %s", #expr, st(rc_), st(w_)); } while (0)
/* Device status with this SCT/SC */
#define CHECK_DEV(expr, sct, sc) \
	do { int rc_ = (expr); if (!nvme_status_is(rc_, (sct), (sc))) \
		check_fail(__FILE__, __LINE__, "%s -> %s, want SCT %x SC %02x", #expr, st(rc_), (unsigned)(sct), \
			   (unsigned)(sc)); } while (0)

/* Model checks at the end of each case (installed as check_after_each). */
void fx_after_each(void);

/* Collect async completions. */
struct cb_rec {
	unsigned calls;
	int status;
	struct nvme_cqe cqe;
	bool had_cqe;
};
void cb_record(void *arg, int status, const struct nvme_cqe *cqe);

#endif /* TEST_UTIL_H */
