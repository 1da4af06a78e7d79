/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_resv.c - reservations with two hosts: two model controllers (CNTLID 1
 * and 2) sharing one reservation state, each driven by its own struct
 * nvme_ctrl. Register, acquire, the conflicts each type causes on I/O from
 * the other host, release, preempt, clear, wrong keys, the report parsed
 * against the buffer (the device's REGCTL is not trusted), the extended
 * report, and the refusal without ONCS bit 5.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"

static struct fx fa, fb;

static void two_hosts(void)
{
	fx_defaults(&fa);
	fx_defaults(&fb);
	fx_opt_config(&fa);
	fx_opt_config(&fb);
	fa.mcfg.cntlid = 1;
	fb.mcfg.cntlid = 2;
	fx_start(&fa);
	fx_start(&fb);
	nvme_model_share_reservations(fa.m, fb.m);
	fx_up(&fa);
	fx_up(&fb);
}

#define KA 0xAAAA0001ull
#define KB 0xBBBB0002ull

static void resv_write_exclusive(void)
{
	two_hosts();
	struct nvme_ns *a = nvme_ns_get(fa.c, 1), *b = nvme_ns_get(fb.c, 1);
	uint8_t *buf = fx_buf(&fb, 512, 0, 0);
	uint8_t *abuf = fx_buf(&fa, 512, 0, 0);
	CHECK_OK(nvme_resv_register(a, NULL, NVME_RREGA_REGISTER, 0, KA, NVME_CPTPL_NO_CHANGE, 0));
	CHECK_OK(nvme_resv_register(b, NULL, NVME_RREGA_REGISTER, 0, KB, NVME_CPTPL_NO_CHANGE, 0));
	CHECK_OK(nvme_resv_register(b, NULL, NVME_RREGA_REGISTER, 0, KB, NVME_CPTPL_NO_CHANGE, 0));   /* same key: fine */
	CHECK_DEV(nvme_resv_register(b, NULL, NVME_RREGA_REGISTER, 0, KA, NVME_CPTPL_NO_CHANGE, 0), NVME_SCT_GENERIC,
		  NVME_SC_RESERVATION_CONFLICT);
	CHECK_OK(nvme_resv_acquire(a, NULL, NVME_RACQA_ACQUIRE, NVME_RTYPE_WRITE_EXCLUSIVE, KA, 0, 0));
	/* B (not the holder) may read, not write */
	CHECK_OK(nvme_read(b, NULL, 0, 1, buf));
	int rc = nvme_write(b, NULL, 0, 1, buf);
	CHECK_DEV(rc, NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);
	CHECK_HAS(st(rc), "Reservation Conflict (SCT 0h SC 83h");
	CHECK_DEV(nvme_write_zeroes(b, NULL, 0, 1, 0), NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);
	CHECK_DEV(nvme_trim(b, NULL, 0, 1, 0), NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);
	CHECK_OK(nvme_verify(b, NULL, 0, 1, 0));
	/* A writes */
	CHECK_OK(nvme_write(a, NULL, 0, 1, abuf));
	/* B cannot take it; A asking again for the same type is fine */
	CHECK_DEV(nvme_resv_acquire(b, NULL, NVME_RACQA_ACQUIRE, NVME_RTYPE_WRITE_EXCLUSIVE, KB, 0, 0), NVME_SCT_GENERIC,
		  NVME_SC_RESERVATION_CONFLICT);
	CHECK_OK(nvme_resv_acquire(a, NULL, NVME_RACQA_ACQUIRE, NVME_RTYPE_WRITE_EXCLUSIVE, KA, 0, 0));
	/* the report, from B */
	uint8_t *rep = fx_buf(&fb, 4096, 0, 0);
	struct nvme_resv_info info;
	CHECK_OK(nvme_resv_report(b, NULL, rep, 4096, false, 0, &info));
	CHECK_EQ(info.rtype, NVME_RTYPE_WRITE_EXCLUSIVE);
	CHECK_EQ(info.regctl, 2);
	CHECK_EQ(info.nentries, 2);
	CHECK(!info.truncated);
	CHECK(info.gen >= 2);
	struct nvme_resv_entry e[2];
	CHECK_OK(nvme_resv_report_entry(rep, 4096, &info, 0, &e[0]));
	CHECK_OK(nvme_resv_report_entry(rep, 4096, &info, 1, &e[1]));
	CHECK_RC(nvme_resv_report_entry(rep, 4096, &info, 2, &e[1]), NVME_ERR_INVAL);
	unsigned ia = e[0].cntlid == 1 ? 0 : 1;
	CHECK_EQ(e[ia].cntlid, 1);
	CHECK(e[ia].holder);
	CHECK_EQX(e[ia].rkey, KA);
	CHECK_EQ(e[1 - ia].cntlid, 2);
	CHECK(!e[1 - ia].holder);
	CHECK_EQX(e[1 - ia].rkey, KB);
	CHECK_STR(nvme_resv_type_name(info.rtype), "Write Exclusive");
	/* release with the wrong type: Invalid Field; then right */
	CHECK_DEV(nvme_resv_release(a, NULL, NVME_RRELA_RELEASE, NVME_RTYPE_EXCLUSIVE_ACCESS, KA, 0), NVME_SCT_GENERIC,
		  NVME_SC_INVALID_FIELD);
	CHECK_OK(nvme_resv_release(b, NULL, NVME_RRELA_RELEASE, NVME_RTYPE_WRITE_EXCLUSIVE, KB, 0));   /* no effect */
	CHECK_DEV(nvme_write(b, NULL, 0, 1, buf), NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);
	CHECK_OK(nvme_resv_release(a, NULL, NVME_RRELA_RELEASE, NVME_RTYPE_WRITE_EXCLUSIVE, KA, 0));
	CHECK_OK(nvme_write(b, NULL, 0, 1, buf));
	fx_buf_free(&fb, buf);
	fx_buf_free(&fa, abuf);
	fx_buf_free(&fb, rep);
	fx_finish(&fb);
	fx_finish(&fa);
}

static void resv_types(void)
{
	two_hosts();
	struct nvme_ns *a = nvme_ns_get(fa.c, 1), *b = nvme_ns_get(fb.c, 1);
	uint8_t *buf = fx_buf(&fb, 512, 0, 0);
	CHECK_OK(nvme_resv_register(a, NULL, NVME_RREGA_REGISTER, 0, KA, 0, 0));
	/* Exclusive Access: B, not registered, can neither read nor write */
	CHECK_OK(nvme_resv_acquire(a, NULL, NVME_RACQA_ACQUIRE, NVME_RTYPE_EXCLUSIVE_ACCESS, KA, 0, 0));
	CHECK_DEV(nvme_read(b, NULL, 0, 1, buf), NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);
	CHECK_DEV(nvme_compare(b, NULL, 0, 1, buf, 0, NULL), NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);
	CHECK_OK(nvme_resv_release(a, NULL, NVME_RRELA_RELEASE, NVME_RTYPE_EXCLUSIVE_ACCESS, KA, 0));
	/* Write Exclusive - Registrants Only: a registered B may write */
	CHECK_OK(nvme_resv_acquire(a, NULL, NVME_RACQA_ACQUIRE, NVME_RTYPE_WE_REGISTRANTS_ONLY, KA, 0, 0));
	CHECK_DEV(nvme_write(b, NULL, 0, 1, buf), NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);
	CHECK_OK(nvme_resv_register(b, NULL, NVME_RREGA_REGISTER, 0, KB, 0, 0));
	CHECK_OK(nvme_write(b, NULL, 0, 1, buf));
	/* unregistering: conflicts again; a wrong current key is a conflict */
	CHECK_DEV(nvme_resv_register(b, NULL, NVME_RREGA_UNREGISTER, KA, 0, 0, 0), NVME_SCT_GENERIC,
		  NVME_SC_RESERVATION_CONFLICT);
	CHECK_OK(nvme_resv_register(b, NULL, NVME_RREGA_UNREGISTER, KB, 0, 0, 0));
	CHECK_DEV(nvme_write(b, NULL, 0, 1, buf), NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);
	CHECK_OK(nvme_read(b, NULL, 0, 1, buf));
	/* IEKEY replaces without the current key */
	CHECK_OK(nvme_resv_register(a, NULL, NVME_RREGA_REPLACE, 0, KA + 1, 0, NVME_RESV_IEKEY));
	CHECK_DEV(nvme_resv_release(a, NULL, NVME_RRELA_RELEASE, NVME_RTYPE_WE_REGISTRANTS_ONLY, KA, 0), NVME_SCT_GENERIC,
		  NVME_SC_RESERVATION_CONFLICT);
	CHECK_OK(nvme_resv_release(a, NULL, NVME_RRELA_RELEASE, NVME_RTYPE_WE_REGISTRANTS_ONLY, KA + 1, 0));
	/* Exclusive Access - All Registrants: every registrant is a holder */
	CHECK_OK(nvme_resv_register(b, NULL, NVME_RREGA_REGISTER, 0, KB, 0, 0));
	CHECK_OK(nvme_resv_acquire(a, NULL, NVME_RACQA_ACQUIRE, NVME_RTYPE_EA_ALL_REGISTRANTS, KA + 1, 0, 0));
	CHECK_OK(nvme_read(b, NULL, 0, 1, buf));
	uint8_t *rep = fx_buf(&fa, 512, 0, 0);
	struct nvme_resv_info info;
	CHECK_OK(nvme_resv_report(a, NULL, rep, 512, false, 0, &info));
	struct nvme_resv_entry e;
	for (uint32_t i = 0; i < info.nentries; i++) {
		CHECK_OK(nvme_resv_report_entry(rep, 512, &info, i, &e));
		CHECK(e.holder);
	}
	/* B preempts A (PRKEY = A's key): A is no longer registered; with an
	 * all-registrants type the reservation itself stays */
	CHECK_OK(nvme_resv_acquire(b, NULL, NVME_RACQA_PREEMPT, NVME_RTYPE_EXCLUSIVE_ACCESS, KB, KA + 1, 0));
	CHECK_OK(nvme_resv_report(a, NULL, rep, 512, false, NVME_CMD_FORCE, &info));
	CHECK_EQ(info.rtype, NVME_RTYPE_EA_ALL_REGISTRANTS);
	CHECK_EQ(info.regctl, 1);
	/* PRKEY 0 takes an all-registrants reservation over with the new type */
	CHECK_OK(nvme_resv_acquire(b, NULL, NVME_RACQA_PREEMPT, NVME_RTYPE_EXCLUSIVE_ACCESS, KB, 0, 0));
	CHECK_OK(nvme_resv_report(a, NULL, rep, 512, false, 0, &info));
	CHECK_EQ(info.rtype, NVME_RTYPE_EXCLUSIVE_ACCESS);
	uint8_t *abuf = fx_buf(&fa, 512, 0, 0);
	CHECK_DEV(nvme_read(a, NULL, 0, 1, abuf), NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);
	CHECK_DEV(nvme_resv_acquire(a, NULL, NVME_RACQA_PREEMPT, NVME_RTYPE_EXCLUSIVE_ACCESS, KA + 1, KB, 0),
		  NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);   /* A is not registered any more */
	/* a PRKEY nobody has: conflict */
	CHECK_DEV(nvme_resv_acquire(b, NULL, NVME_RACQA_PREEMPT_ABORT, NVME_RTYPE_EXCLUSIVE_ACCESS, KB, 0x77, 0),
		  NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT);
	/* clear: no reservation, no registrants */
	CHECK_OK(nvme_resv_release(b, NULL, NVME_RRELA_CLEAR, 0, KB, 0));
	CHECK_OK(nvme_resv_report(a, NULL, rep, 512, false, 0, &info));
	CHECK_EQ(info.rtype, 0);
	CHECK_EQ(info.regctl, 0);
	CHECK_OK(nvme_read(a, NULL, 0, 1, abuf));
	/* an unregistered host cannot acquire */
	CHECK_DEV(nvme_resv_acquire(a, NULL, NVME_RACQA_ACQUIRE, NVME_RTYPE_WRITE_EXCLUSIVE, KA, 0, 0), NVME_SCT_GENERIC,
		  NVME_SC_RESERVATION_CONFLICT);
	/* arguments */
	CHECK_RC(nvme_resv_acquire(a, NULL, NVME_RACQA_ACQUIRE, 0, KA, 0, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_resv_acquire(a, NULL, NVME_RACQA_ACQUIRE, 7, KA, 0, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_resv_acquire(a, NULL, 3, 1, KA, 0, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_resv_register(a, NULL, 3, 0, KA, 0, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_resv_register(a, NULL, 0, 0, KA, 1, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_resv_release(a, NULL, 2, 0, KA, 0), NVME_ERR_INVAL);
	fx_buf_free(&fa, rep);
	fx_buf_free(&fa, abuf);
	fx_buf_free(&fb, buf);
	fx_finish(&fb);
	fx_finish(&fa);
}

static void resv_report_parsing(void)
{
	two_hosts();
	struct nvme_ns *a = nvme_ns_get(fa.c, 1), *b = nvme_ns_get(fb.c, 1);
	/* A names itself with the Host Identifier feature */
	uint8_t *hid = fx_buf(&fa, 8, 0, 0);
	for (unsigned i = 0; i < 8; i++)
		hid[i] = (uint8_t)(0x11 * (i + 1));
	struct nvme_feat_args hida = { .fid = NVME_FEAT_HOST_ID, .buf = hid, .len = 8 };
	CHECK_OK(nvme_feat_set(fa.c, &hida, 0, NULL));
	CHECK_OK(nvme_resv_register(a, NULL, NVME_RREGA_REGISTER, 0, KA, 0, 0));
	CHECK_OK(nvme_resv_register(b, NULL, NVME_RREGA_REGISTER, 0, KB, 0, 0));
	/* room for one entry: the second is not counted */
	uint8_t *rep = fx_buf(&fb, 4096, 0, 0);
	struct nvme_resv_info info;
	CHECK_OK(nvme_resv_report(b, NULL, rep, 48, false, 0, &info));
	CHECK_EQ(info.regctl, 2);
	CHECK_EQ(info.nentries, 1);
	CHECK(info.truncated);
	struct nvme_resv_entry e;
	CHECK_OK(nvme_resv_report_entry(rep, 48, &info, 0, &e));
	CHECK_RC(nvme_resv_report_entry(rep, 48, &info, 1, &e), NVME_ERR_INVAL);
	/* just the header */
	CHECK_OK(nvme_resv_report(b, NULL, rep, 24, false, 0, &info));
	CHECK_EQ(info.nentries, 0);
	CHECK(info.truncated);
	/* a device claiming 1000 registrants: only what fits the buffer */
	nvme_model_resv_fake_regctl(fb.m, 1000);
	CHECK_OK(nvme_resv_report(b, NULL, rep, 4096, false, 0, &info));
	CHECK_EQ(info.regctl, 1000);
	CHECK_EQ(info.nentries, (4096 - 24) / 24);
	CHECK(info.truncated);
	CHECK_OK(nvme_resv_report_entry(rep, 4096, &info, info.nentries - 1, &e));
	CHECK_EQ(e.rkey, 0);   /* zeros past the real registrants, never beyond the buffer */
	nvme_model_resv_fake_regctl(fb.m, ~0u);
	/* extended: 64-byte header and entries, 16-byte host identifiers */
	CHECK_OK(nvme_resv_report(b, NULL, rep, 4096, true, 0, &info));
	CHECK(info.extended);
	CHECK_EQ(info.nentries, 2);
	bool found = false;
	for (uint32_t i = 0; i < info.nentries; i++) {
		CHECK_OK(nvme_resv_report_entry(rep, 4096, &info, i, &e));
		if (e.cntlid == 1) {
			found = true;
			CHECK_EQX(e.rkey, KA);
			CHECK_EQ(e.hostid[0], 0x11);
			CHECK_EQ(e.hostid[7], 0x88);
		}
	}
	CHECK(found);
	/* sizes */
	CHECK_RC(nvme_resv_report(b, NULL, rep, 20, false, 0, &info), NVME_ERR_INVAL);
	CHECK_RC(nvme_resv_report(b, NULL, rep, 60, true, 0, &info), NVME_ERR_INVAL);
	CHECK_RC(nvme_resv_report(b, NULL, rep, 26, false, 0, &info), NVME_ERR_INVAL);
	uint8_t *big = fx_buf(&fb, 256 * 1024, 0, 0);
	CHECK_RC(nvme_resv_report(b, NULL, big, 256 * 1024, false, 0, &info), NVME_ERR_TOO_LARGE);
	/* a buffer at an odd address is parsed without unaligned access */
	CHECK_OK(nvme_resv_report(b, NULL, rep + 1, 4092, false, 0, &info));
	CHECK_OK(nvme_resv_report_entry(rep + 1, 4092, &info, 1, &e));
	fx_buf_free(&fb, big);
	fx_buf_free(&fb, rep);
	fx_buf_free(&fa, hid);
	fx_finish(&fb);
	fx_finish(&fa);
}

static void resv_not_advertised(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.oncs = QEMU_ONCS;   /* no reservations */
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	CHECK_RC(nvme_resv_register(ns, NULL, NVME_RREGA_REGISTER, 0, KA, 0, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Reservation Register: not supported by this controller: ONCS bit 5 "
					  "(Reservations) is clear (ONCS=015Dh)");
	uint8_t rep[64];
	struct nvme_resv_info info;
	CHECK_RC(nvme_resv_report(ns, NULL, rep, 64, false, 0, &info), NVME_ERR_NOT_ADVERTISED);
	CHECK_DEV(nvme_resv_acquire(ns, NULL, 0, 1, KA, 0, NVME_CMD_FORCE), NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
}

static const struct check_test tests[] = {
	CHECK_TEST(resv_write_exclusive),
	CHECK_TEST(resv_types),
	CHECK_TEST(resv_report_parsing),
	CHECK_TEST(resv_not_advertised),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
