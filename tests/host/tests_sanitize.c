/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_sanitize.c - Sanitize: refusal without SANICAP (QEMU 7.2), block
 * erase / crypto erase / overwrite with progress (SPROG growing), I/O and
 * other commands blocked while it runs, failure in restricted and
 * unrestricted mode and the ways out, the wait bounded by the estimate (and
 * the fallback without one), cancelling the wait, No-Deallocate, and the
 * Sanitize Operation Completed event.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"

/* Small namespaces: an overwrite writes every block. */
static void san_fixture(struct fx *f, uint32_t sanicap)
{
	fx_defaults(f);
	f->ns[0].blocks = 256;
	f->ns[1].blocks = 32;
	fx_opt_config(f);
	fx_opt_start(f, sanicap, 0, 0);
}

struct sprog_rec {
	unsigned calls, cancel_at;
	uint16_t sprog[64];
	uint8_t status[64];
};

static int on_progress(void *arg, const struct nvme_sanitize_status *s)
{
	struct sprog_rec *r = arg;
	if (r->calls < 64) {
		r->sprog[r->calls] = s->sprog;
		r->status[r->calls] = s->status;
	}
	r->calls++;
	return r->cancel_at != 0 && r->calls >= r->cancel_at;
}

static struct nvme_sanitize_opts opts(uint8_t action, struct sprog_rec *r)
{
	struct nvme_sanitize_opts o;
	memset(&o, 0, sizeof(o));
	o.action = action;
	o.progress = r ? on_progress : NULL;
	o.arg = r;
	return o;
}

static void san_refused_without_sanicap(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);   /* SANICAP 0, as QEMU 7.2 */
	struct nvme_sanitize_opts o = opts(NVME_SANACT_BLOCK_ERASE, NULL);
	uint64_t admin = nvme_model_stats(f.m)->admin_cmds;
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c),
		  "Sanitize: not supported by this controller: SANICAP: block erase not supported (SANICAP=00000000h)");
	o.action = NVME_SANACT_CRYPTO_ERASE;
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "SANICAP: crypto erase not supported (SANICAP=00000000h)");
	o.action = NVME_SANACT_OVERWRITE;
	o.owpass = 1;
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "SANICAP: overwrite not supported");
	o.action = NVME_SANACT_EXIT_FAILURE;
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "SANICAP: no sanitize action supported (SANICAP=00000000h)");
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin);   /* nothing sent */
	char why[160];
	CHECK_RC(nvme_ctrl_supports(f.c, NVME_OPT_SANITIZE_BLOCK, why, sizeof(why)), NVME_ERR_NOT_ADVERTISED);
	CHECK_STR(why, "SANICAP: block erase not supported (SANICAP=00000000h)");
	/* forced: Invalid Command Opcode (QEMU answers 4001h too) */
	o.action = NVME_SANACT_BLOCK_ERASE;
	o.flags = NVME_CMD_FORCE;
	int rc = nvme_sanitize(f.c, &o, NULL);
	CHECK_DEV(rc, NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
	CHECK_EQX(nvme_status_field(rc), 0x4001);
	/* bad arguments */
	o = opts(0, NULL);
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_INVAL);
	o = opts(5, NULL);
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_INVAL);
}

static void san_block_erase_with_progress(void)
{
	static struct fx f;
	san_fixture(&f, OPT_SANICAP_ALL);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	fill_pattern(b, 4096, 5);
	CHECK_OK(nvme_write(ns, NULL, 0, 8, b));
	struct sprog_rec r;
	memset(&r, 0, sizeof(r));
	struct nvme_sanitize_opts o = opts(NVME_SANACT_BLOCK_ERASE, &r);
	struct nvme_sanitize_status fin;
	uint64_t t0 = f.env->now;
	CHECK_OK(nvme_sanitize(f.c, &o, &fin));
	/* four steps: 25 %, 50 %, 75 % in progress, then completed */
	CHECK_EQ(r.calls, 4);
	CHECK_EQ(r.sprog[0], 0x4000);
	CHECK_EQ(r.sprog[1], 0x8000);
	CHECK_EQ(r.sprog[2], 0xC000);
	CHECK_EQ(r.status[2], NVME_SSTAT_IN_PROGRESS);
	CHECK_EQ(r.status[3], NVME_SSTAT_COMPLETED);
	CHECK_EQ(fin.status, NVME_SSTAT_COMPLETED);
	CHECK_EQ(fin.sprog, 0xFFFF);
	CHECK_EQ(fin.percent, 100);
	CHECK(fin.global_erased);
	CHECK_EQ(NVME_GET(fin.scdw10, NVME_SANITIZE_CDW10_SANACT), NVME_SANACT_BLOCK_ERASE);
	/* polled once a second (virtual time) */
	CHECK(f.env->now - t0 >= 3000000u);
	/* data gone; I/O works again; the next write clears Global Data Erased */
	CHECK_OK(nvme_read(ns, NULL, 0, 8, b));
	for (unsigned i = 0; i < 4096; i++)
		if (b[i] != 0) {
			CHECK_MSG(false, "byte %u is %02x after block erase", i, b[i]);
			break;
		}
	CHECK_OK(nvme_write(ns, NULL, 0, 1, b));
	struct nvme_sanitize_status s;
	CHECK_OK(nvme_sanitize_status_read(f.c, &s));
	CHECK(!s.global_erased);
	CHECK_EQ(s.status, NVME_SSTAT_COMPLETED);
	/* the completion event: read the log, say what it said */
	CHECK(nvme_ctrl_poll_admin(f.c) >= 1);
	struct nvme_event ev;
	bool seen = false;
	while (nvme_event_pop(f.c, &ev))
		if (ev.type == NVME_AER_TYPE_IO_SPECIFIC && ev.info == NVME_AER_IO_SANITIZE_COMPLETED) {
			seen = true;
			CHECK_OK(ev.log_status);
			CHECK_EQ(ev.sstat, NVME_SSTAT_COMPLETED);
		}
	CHECK(seen);
	fx_buf_free(&f, b);
}

static void san_blocks_commands_while_running(void)
{
	static struct fx f;
	san_fixture(&f, OPT_SANICAP_ALL);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	struct nvme_sanitize_opts o = opts(NVME_SANACT_CRYPTO_ERASE, NULL);
	CHECK_OK(nvme_sanitize_start(f.c, &o));
	CHECK(nvme_model_sanitize_running(f.m));
	int rc = nvme_read(ns, NULL, 0, 1, b);
	CHECK_DEV(rc, NVME_SCT_GENERIC, NVME_SC_SANITIZE_IN_PROGRESS);
	CHECK_HAS(st(rc), "Sanitize In Progress");
	CHECK_DEV(nvme_write(ns, NULL, 0, 1, b), NVME_SCT_GENERIC, NVME_SC_SANITIZE_IN_PROGRESS);
	CHECK_DEV(nvme_write_zeroes(ns, NULL, 0, 1, 0), NVME_SCT_GENERIC, NVME_SC_SANITIZE_IN_PROGRESS);
	CHECK_DEV(nvme_flush(ns, NULL), NVME_SCT_GENERIC, NVME_SC_SANITIZE_IN_PROGRESS);
	struct nvme_format_opts fo = { .lbaf = 0 };
	CHECK_DEV(nvme_format_nvm(f.c, 1, &fo), NVME_SCT_GENERIC, NVME_SC_SANITIZE_IN_PROGRESS);
	CHECK_DEV(nvme_sanitize_start(f.c, &o), NVME_SCT_GENERIC, NVME_SC_SANITIZE_IN_PROGRESS);
	/* admin commands that are allowed still work */
	uint32_t n;
	CHECK_OK(nvme_get_num_queues(f.c, &n, &n));
	struct nvme_smart_info s;
	CHECK_OK(nvme_smart_read(f.c, 0, &s, NULL, 0));
	CHECK_OK(nvme_sanitize_wait(f.c, &o, NULL));
	CHECK_OK(nvme_read(ns, NULL, 0, 1, b));
	/* Sanitize In Progress has DNR clear: read, write, write zeroes and
	 * flush are retried once each (the retry fails the same way) */
	CHECK_EQ(nvme_model_ext_stats(f.m)->blocked_by_sanitize, 9);
	fx_buf_free(&f, b);
}

static bool all_bytes(struct fx *f, uint32_t nsid, uint64_t lba, uint32_t bs, uint32_t pattern)
{
	uint8_t *b = malloc(bs);
	REQUIRE(nvme_model_ns_read(f->m, nsid, lba, 1, b) == 0);
	bool ok = true;
	for (uint32_t i = 0; i < bs; i += 4)
		ok &= memcmp(b + i, &pattern, 4) == 0;
	free(b);
	return ok;
}

static void san_overwrite(void)
{
	static struct fx f;
	san_fixture(&f, NVME_MASK(NVME_SANICAP_OWS));
	fx_up(&f);
	struct nvme_sanitize_opts o = opts(NVME_SANACT_OVERWRITE, NULL);
	o.owpass = 3;
	o.invert = true;
	o.pattern = 0xA5C3F00Fu;
	struct nvme_sanitize_status fin;
	CHECK_OK(nvme_sanitize(f.c, &o, &fin));
	CHECK_EQ(fin.passes, 3);
	CHECK_EQ(NVME_GET(fin.scdw10, NVME_SANITIZE_CDW10_OWPASS), 3);
	CHECK(NVME_GET(fin.scdw10, NVME_SANITIZE_CDW10_OIPBP));
	CHECK(all_bytes(&f, 1, 0, 512, 0xA5C3F00Fu));   /* odd passes end on the pattern */
	CHECK(all_bytes(&f, 2, 31, 4096, 0xA5C3F00Fu));
	o.owpass = 2;                                   /* even: on its inverse */
	CHECK_OK(nvme_sanitize(f.c, &o, &fin));
	CHECK(all_bytes(&f, 1, 255, 512, ~0xA5C3F00Fu));
	o.owpass = 16;                                  /* 16 passes: 0 on the wire */
	o.invert = false;
	CHECK_OK(nvme_sanitize(f.c, &o, &fin));
	CHECK_EQ(NVME_GET(fin.scdw10, NVME_SANITIZE_CDW10_OWPASS), 0);
	CHECK_EQ(fin.passes, 16);
	o.owpass = 0;
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_INVAL);
	o.owpass = 17;
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_INVAL);
	/* the other actions are not in this SANICAP */
	o = opts(NVME_SANACT_CRYPTO_ERASE, NULL);
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "SANICAP: crypto erase not supported (SANICAP=00000004h)");
}

static void san_failure_modes(void)
{
	static struct fx f;
	san_fixture(&f, OPT_SANICAP_ALL);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	struct nvme_sanitize_opts o = opts(NVME_SANACT_BLOCK_ERASE, NULL);
	struct nvme_sanitize_opts ex = opts(NVME_SANACT_EXIT_FAILURE, NULL);
	/* exit failure mode without a failure: a no-op */
	CHECK_OK(nvme_sanitize(f.c, &ex, NULL));
	/* restricted (AUSE 0) failure */
	nvme_model_sanitize_config(f.m, 4, 2, 0);
	struct nvme_sanitize_status fin;
	int rc = nvme_sanitize(f.c, &o, &fin);
	CHECK_RC(rc, NVME_ERR_SANITIZE_FAILED);
	CHECK_HAS(st(rc), "sanitize operation failed");
	CHECK_EQ(fin.status, NVME_SSTAT_FAILED);
	CHECK_DEV(nvme_read(ns, NULL, 0, 1, b), NVME_SCT_GENERIC, NVME_SC_SANITIZE_FAILED);
	CHECK_DEV(nvme_sanitize(f.c, &ex, NULL), NVME_SCT_GENERIC, NVME_SC_SANITIZE_FAILED);
	o.ause = true;   /* unrestricted cannot recover a restricted failure */
	CHECK_DEV(nvme_sanitize_start(f.c, &o), NVME_SCT_GENERIC, NVME_SC_SANITIZE_FAILED);
	nvme_model_sanitize_config(f.m, 2, 0, 0);
	o.ause = false;  /* a restricted one can */
	CHECK_OK(nvme_sanitize(f.c, &o, &fin));
	CHECK_OK(nvme_read(ns, NULL, 0, 1, b));
	/* unrestricted (AUSE 1) failure: exit failure mode is enough */
	nvme_model_sanitize_config(f.m, 4, 1, 0);
	o.ause = true;
	CHECK_RC(nvme_sanitize(f.c, &o, &fin), NVME_ERR_SANITIZE_FAILED);
	CHECK_DEV(nvme_write(ns, NULL, 0, 1, b), NVME_SCT_GENERIC, NVME_SC_SANITIZE_FAILED);
	CHECK_OK(nvme_sanitize(f.c, &ex, NULL));
	CHECK_OK(nvme_write(ns, NULL, 0, 1, b));
	fx_buf_free(&f, b);
}

static void san_wait_bound(void)
{
	static struct fx f;
	san_fixture(&f, OPT_SANICAP_ALL);
	fx_up(&f);
	/* never finishes: the wait ends at ETBE x 1.5 + 60 s = 75 s */
	nvme_model_sanitize_config(f.m, 100000, 0, 0);
	nvme_model_sanitize_estimates(f.m, 60, 10, 5, 70, 12, 6);
	struct sprog_rec r;
	memset(&r, 0, sizeof(r));
	struct nvme_sanitize_opts o = opts(NVME_SANACT_BLOCK_ERASE, &r);
	uint64_t t0 = f.env->now;
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_TIMEOUT);
	uint64_t waited = f.env->now - t0;
	CHECK_MSG(waited >= 75000000u && waited < 76000000u, "waited %llu us, bound 75 s", (unsigned long long)waited);
	CHECK(r.calls >= 70 && r.calls <= 77);
	/* the operation goes on (it survives a power cycle too); waiting for it
	 * as a No-Deallocate one uses ETBEND (12 s: 78 s) */
	nvme_model_power_cycle(f.m, false);
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK(nvme_model_sanitize_running(f.m));
	o.no_dealloc = true;
	t0 = f.env->now;
	CHECK_RC(nvme_sanitize_wait(f.c, &o, NULL), NVME_ERR_TIMEOUT);
	waited = f.env->now - t0;
	CHECK_MSG(waited >= 78000000u && waited < 79000000u, "waited %llu us, bound 78 s", (unsigned long long)waited);
	/* no estimate (FFFFFFFFh): the documented fallback of one hour */
	nvme_model_sanitize_estimates(f.m, 60, 0xFFFFFFFFu, 5, 70, 12, 6);
	o.no_dealloc = false;
	o.poll_ms = 60000;
	o.progress = NULL;
	t0 = f.env->now;
	CHECK_RC(nvme_sanitize_wait(f.c, &o, NULL), NVME_ERR_TIMEOUT);
	waited = f.env->now - t0;
	CHECK_MSG(waited >= (uint64_t)NVME_SANITIZE_NO_ESTIMATE_MS * 1000u &&
		  waited < (uint64_t)NVME_SANITIZE_NO_ESTIMATE_MS * 1000u + 2000000u, "waited %llu us",
		  (unsigned long long)waited);
	/* the caller's bound wins */
	o.max_wait_ms = 5000;
	o.poll_ms = 1000;
	t0 = f.env->now;
	CHECK_RC(nvme_sanitize_wait(f.c, &o, NULL), NVME_ERR_TIMEOUT);
	waited = f.env->now - t0;
	CHECK(waited >= 5000000u && waited < 6000000u);
	/* progress by test time alone: a step every 2 s, 3 steps */
	nvme_model_sanitize_config(f.m, 3, 0, 2000000u);
	struct nvme_sanitize_status fin;
	CHECK_OK(nvme_sanitize_status_read(f.c, &fin));   /* the old one ends here */
	CHECK_EQ(fin.status, NVME_SSTAT_COMPLETED);
	o = opts(NVME_SANACT_CRYPTO_ERASE, NULL);
	o.poll_ms = 5000;
	CHECK_OK(nvme_sanitize_start(f.c, &o));
	CHECK_OK(nvme_sanitize_wait(f.c, &o, &fin));
	CHECK_EQ(fin.status, NVME_SSTAT_COMPLETED);
}

static void san_cancel_wait(void)
{
	static struct fx f;
	san_fixture(&f, OPT_SANICAP_ALL);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	struct sprog_rec r;
	memset(&r, 0, sizeof(r));
	r.cancel_at = 2;
	struct nvme_sanitize_opts o = opts(NVME_SANACT_BLOCK_ERASE, &r);
	int rc = nvme_sanitize(f.c, &o, NULL);
	CHECK_RC(rc, NVME_ERR_CANCELLED);
	CHECK_HAS(st(rc), "cancelled");
	CHECK_EQ(r.calls, 2);
	/* the device goes on: I/O still refused; a later wait sees the end */
	CHECK(nvme_model_sanitize_running(f.m));
	CHECK_DEV(nvme_read(ns, NULL, 0, 1, b), NVME_SCT_GENERIC, NVME_SC_SANITIZE_IN_PROGRESS);
	r.cancel_at = 0;
	CHECK_OK(nvme_sanitize_wait(f.c, &o, NULL));
	CHECK_OK(nvme_read(ns, NULL, 0, 1, b));
	fx_buf_free(&f, b);
}

static void san_no_dealloc(void)
{
	static struct fx f;
	san_fixture(&f, OPT_SANICAP_ALL | NVME_MASK(NVME_SANICAP_NDI));
	fx_up(&f);
	struct nvme_sanitize_opts o = opts(NVME_SANACT_BLOCK_ERASE, NULL);
	o.no_dealloc = true;
	uint64_t cmds = nvme_model_ext_stats(f.m)->sanitize_cmds;
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "SANICAP bit 29 (No-Deallocate Inhibited) is set (SANICAP=20000007h)");
	CHECK_EQ(nvme_model_ext_stats(f.m)->sanitize_cmds, cmds);
	o.flags = NVME_CMD_FORCE;   /* the device refuses it too */
	CHECK_DEV(nvme_sanitize(f.c, &o, NULL), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	fx_finish(&f);

	san_fixture(&f, OPT_SANICAP_ALL);
	fx_up(&f);
	o = opts(NVME_SANACT_CRYPTO_ERASE, NULL);
	o.no_dealloc = true;
	struct nvme_sanitize_status fin;
	CHECK_OK(nvme_sanitize(f.c, &o, &fin));   /* the model deallocates anyway: status 4 */
	CHECK_EQ(fin.status, NVME_SSTAT_COMPLETED_NO_DEALLOC);
	CHECK(NVME_GET(fin.scdw10, NVME_SANITIZE_CDW10_NDAS));
}

static const struct check_test tests[] = {
	CHECK_TEST(san_refused_without_sanicap),
	CHECK_TEST(san_block_erase_with_progress),
	CHECK_TEST(san_blocks_commands_while_running),
	CHECK_TEST(san_overwrite),
	CHECK_TEST(san_failure_modes),
	CHECK_TEST(san_wait_bound),
	CHECK_TEST(san_cancel_wait),
	CHECK_TEST(san_no_dealloc),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
