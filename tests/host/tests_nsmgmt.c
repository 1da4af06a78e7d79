/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_nsmgmt.c - namespace management and attachment (nvme_nsmgmt.h)
 * against the model's NVM subsystem of three controllers (model_nsmgmt.c):
 * the controller lists (CNS 13h, 12h), the allocated list and Identify of
 * a detached namespace (CNS 10h, 11h), detach and attach with the driver's
 * table rescanned and the data kept, create/attach/write/detach/delete,
 * every refusal the controller answers (already attached, not attached,
 * private, bad controller list, capacity, thin provisioning, format, no
 * free NSID), OACS bit 3 clear, and the rescan driven by the Changed
 * Namespace List event when another host changes the attachment.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"
#include "model/nvme_model_copyns.h"

static const uint16_t subsys[3] = { 1, 2, 3 };

struct ev_log {
	unsigned calls;
	struct nvme_event last;
};

static void on_event(void *arg, struct nvme_ctrl *c, const struct nvme_event *ev)
{
	(void)c;
	struct ev_log *l = arg;
	l->calls++;
	l->last = *ev;
}

/* Namespaces 1 (512 B x 65536) and 2 (4 KiB x 8192), NN 8, controller 1 of
 * {1, 2, 3}, 1 GiB of capacity. */
static void nsm_fx(struct fx *f, struct ev_log *log, bool shared)
{
	fx_defaults(f);
	f->mcfg.cntlid = 1;
	if (log) {
		f->cfg.event_cb = on_event;
		f->cfg.event_arg = log;
	}
	fx_start(f);
	struct nvme_model_nsmgmt_config nc = { 1ull << 30, subsys, 3, 8, shared };
	REQUIRE(nvme_model_nsmgmt_enable(f->m, &nc) == 0);
	fx_up(f);
}

static void nsm_lists(void)
{
	static struct fx f;
	nsm_fx(&f, NULL, false);
	uint16_t ids[8];
	uint32_t n, total;
	CHECK_EQ(nvme_ctrl_cntlid(f.c), 1);
	CHECK_OK(nvme_ctrl_list(f.c, 0, 0, ids, 8, &n, &total));
	CHECK_EQ(n, 3);
	CHECK_EQ(total, 3);
	CHECK(ids[0] == 1 && ids[1] == 2 && ids[2] == 3);
	CHECK_OK(nvme_ctrl_list(f.c, 0, 2, ids, 8, &n, &total));   /* from CNTID 2 on */
	CHECK(n == 2 && ids[0] == 2 && ids[1] == 3);
	CHECK_OK(nvme_ctrl_list(f.c, 0, 0, ids, 1, &n, &total));   /* a short array */
	CHECK(n == 1 && total == 3);
	CHECK_OK(nvme_ctrl_list(f.c, 2, 0, ids, 8, &n, &total));   /* namespace 2's controllers */
	CHECK(n == 1 && ids[0] == 1);
	CHECK_DEV(nvme_ctrl_list(f.c, 7, 0, ids, 8, &n, NULL), NVME_SCT_GENERIC, NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
	CHECK_RC(nvme_ctrl_list(f.c, NVME_NSID_ALL, 0, ids, 8, &n, NULL), NVME_ERR_INVAL);
	uint32_t ns[8];
	CHECK_OK(nvme_ns_list_allocated(f.c, 0, ns, 8, &n));
	CHECK(n == 2 && ns[0] == 1 && ns[1] == 2);
	CHECK_OK(nvme_ns_list_allocated(f.c, 1, ns, 8, &n));
	CHECK(n == 1 && ns[0] == 2);
	struct nvme_id_ns *id = fx_buf(&f, 4096, 0, 0);
	CHECK_OK(nvme_ns_identify_allocated(f.c, 2, id));
	CHECK_EQ(id->nsze, 8192);
	CHECK_OK(nvme_ns_identify_allocated(f.c, 5, id));   /* not allocated: zeros */
	CHECK_EQ(id->nsze, 0);
	fx_buf_free(&f, id);
}

static void nsm_detach_attach(void)
{
	static struct fx f;
	nsm_fx(&f, NULL, false);
	struct nvme_ns *ns2 = nvme_ns_get(f.c, 2);
	REQUIRE(ns2 != NULL);
	uint8_t *w = fx_buf(&f, 8 * 4096, 0, 0), *r = fx_buf(&f, 8 * 4096, 0, 0);
	fill_pattern(w, 8 * 4096, 11);
	REQUIRE_OK(nvme_write(ns2, NULL, 100, 8, w));

	CHECK_OK(nvme_ns_detach(f.c, 2, NULL, 0, 0));   /* this controller */
	CHECK(nvme_ns_get(f.c, 2) == NULL);              /* rescanned */
	CHECK_EQ(nvme_ns_count(f.c), 1);
	CHECK_EQ(nvme_model_nsmgmt_attached_mask(f.m, 2), 0);
	uint32_t list[8], n;
	CHECK_OK(nvme_ns_list_allocated(f.c, 0, list, 8, &n));
	CHECK(n == 2 && list[1] == 2);                   /* still allocated */
	CHECK_OK(nvme_ns_list_active(f.c, 0, list, 8, &n));
	CHECK(n == 1 && list[0] == 1);
	uint16_t ids[4];
	CHECK_OK(nvme_ctrl_list(f.c, 2, 0, ids, 4, &n, NULL));
	CHECK_EQ(n, 0);
	/* detached again, from a controller it is not attached to */
	CHECK_DEV(nvme_ns_detach(f.c, 2, NULL, 0, 0), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_NS_NOT_ATTACHED);
	uint16_t c3 = 3;
	CHECK_DEV(nvme_ns_detach(f.c, 1, &c3, 1, 0), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_NS_NOT_ATTACHED);

	CHECK_OK(nvme_ns_attach(f.c, 2, NULL, 0, 0));
	ns2 = nvme_ns_get(f.c, 2);
	REQUIRE(ns2 != NULL);
	CHECK_EQ(ns2->size, 8192);
	CHECK_OK(nvme_read(ns2, NULL, 100, 8, r));
	CHECK(memcmp(w, r, 8 * 4096) == 0);              /* the data stayed */
	CHECK_DEV(nvme_ns_attach(f.c, 2, NULL, 0, 0), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_NS_ALREADY_ATTACHED);
	/* a private namespace goes to one controller only */
	uint16_t c2 = 2;
	CHECK_DEV(nvme_ns_attach(f.c, 2, &c2, 1, 0), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_NS_IS_PRIVATE);
	/* unknown controller, duplicates */
	uint16_t bad[2] = { 9, 9 };
	CHECK_DEV(nvme_ns_attach(f.c, 2, bad, 1, 0), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_CONTROLLER_LIST_INVALID);
	uint16_t dup[2] = { 3, 3 };
	CHECK_DEV(nvme_ns_attach(f.c, 2, dup, 2, 0), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_CONTROLLER_LIST_INVALID);
	/* the driver's own checks */
	CHECK_RC(nvme_ns_attach(f.c, 0, NULL, 0, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_ns_attach(f.c, NVME_NSID_ALL, NULL, 0, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_ns_attach(f.c, 2, NULL, 1, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_ns_attach(f.c, 2, bad, 2048, 0), NVME_ERR_INVAL);
	CHECK_DEV(nvme_ns_attach(f.c, 6, NULL, 0, 0), NVME_SCT_GENERIC, NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
	fx_buf_free(&f, w);
	fx_buf_free(&f, r);
}

static void nsm_shared(void)
{
	static struct fx f;
	nsm_fx(&f, NULL, true);
	uint16_t others[2] = { 2, 3 };
	CHECK_OK(nvme_ns_attach(f.c, 1, others, 2, 0));
	CHECK_EQ(nvme_model_nsmgmt_attached_mask(f.m, 1), 7);
	uint16_t ids[4];
	uint32_t n;
	CHECK_OK(nvme_ctrl_list(f.c, 1, 0, ids, 4, &n, NULL));
	CHECK(n == 3 && ids[0] == 1 && ids[2] == 3);
	CHECK_OK(nvme_ctrl_list(f.c, 1, 3, ids, 4, &n, NULL));
	CHECK(n == 1 && ids[0] == 3);
	/* detaching the other controllers leaves this one's view alone */
	CHECK_OK(nvme_ns_detach(f.c, 1, others, 2, 0));
	CHECK(nvme_ns_get(f.c, 1) != NULL);
	CHECK_EQ(nvme_model_nsmgmt_attached_mask(f.m, 1), 1);
}

static void nsm_create_delete(void)
{
	static struct fx f;
	nsm_fx(&f, NULL, false);
	struct nvme_ns_create_args a = { .nsze = 1000, .flbas = 1 };   /* 4 KiB blocks */
	uint32_t nsid;
	CHECK_OK(nvme_ns_create(f.c, &a, 0, &nsid));
	CHECK_EQ(nsid, 3);
	CHECK(nvme_ns_get(f.c, 3) == NULL);   /* created, not attached */
	CHECK(nvme_model_nsmgmt_allocated(f.m, 3));
	struct nvme_id_ns *id = fx_buf(&f, 4096, 0, 0);
	CHECK_OK(nvme_ns_identify_allocated(f.c, 3, id));
	CHECK_EQ(id->nsze, 1000);
	CHECK_OK(nvme_ns_attach(f.c, 3, NULL, 0, 0));
	struct nvme_ns *ns = nvme_ns_get(f.c, 3);
	REQUIRE(ns != NULL);
	CHECK_EQ(ns->lba_size, 4096);
	CHECK_EQ(ns->size, 1000);
	CHECK(fx_roundtrip(&f, 3, 999, 4096, 0, 0, 0, 21, "new namespace"));
	CHECK_OK(nvme_ns_detach(f.c, 3, NULL, 0, 0));
	CHECK_OK(nvme_ns_delete(f.c, 3, 0));
	CHECK(!nvme_model_nsmgmt_allocated(f.m, 3));
	CHECK_DEV(nvme_ns_delete(f.c, 3, 0), NVME_SCT_GENERIC, NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
	/* a deleted NSID is free again; the data is gone */
	CHECK_OK(nvme_ns_create(f.c, &a, 0, &nsid));
	CHECK_EQ(nsid, 3);
	CHECK_OK(nvme_ns_attach(f.c, 3, NULL, 0, 0));
	ns = nvme_ns_get(f.c, 3);
	REQUIRE(ns != NULL);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	memset(b, 0xEE, 4096);
	CHECK_OK(nvme_read(ns, NULL, 999, 1, b));
	CHECK(b[0] == 0 && b[4095] == 0);
	/* deleting an attached namespace takes it out of the table */
	CHECK_OK(nvme_ns_delete(f.c, 3, 0));
	CHECK(nvme_ns_get(f.c, 3) == NULL);
	CHECK_EQ(nvme_ns_count(f.c), 2);

	/* the controller's refusals */
	struct nvme_ns_create_args big = { .nsze = 1ull << 22, .flbas = 1 };   /* 16 GiB */
	CHECK_DEV(nvme_ns_create(f.c, &big, 0, &nsid), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_NS_INSUFFICIENT_CAPACITY);
	struct nvme_ns_create_args thin = { .nsze = 100, .ncap = 50 };
	CHECK_DEV(nvme_ns_create(f.c, &thin, 0, &nsid), NVME_SCT_COMMAND_SPECIFIC,
		  NVME_SC_THIN_PROVISIONING_NOT_SUPPORTED);
	struct nvme_ns_create_args fmt = { .nsze = 100, .flbas = 9 };
	CHECK_DEV(nvme_ns_create(f.c, &fmt, 0, &nsid), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_FORMAT);
	/* the driver's checks */
	struct nvme_ns_create_args zero = { .nsze = 0 };
	CHECK_RC(nvme_ns_create(f.c, &zero, 0, &nsid), NVME_ERR_INVAL);
	CHECK_RC(nvme_ns_create(f.c, &thin, 0, NULL), NVME_ERR_INVAL);
	struct nvme_ns_create_args over = { .nsze = 10, .ncap = 11 };
	CHECK_RC(nvme_ns_create(f.c, &over, 0, &nsid), NVME_ERR_INVAL);
	CHECK_RC(nvme_ns_delete(f.c, NVME_NSID_ALL, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_ns_delete(f.c, 0, 0), NVME_ERR_INVAL);
	/* NSIDs 3..8 (NN 8), then none is free */
	struct nvme_ns_create_args small = { .nsze = 16 };
	for (uint32_t want = 3; want <= 8; want++) {
		CHECK_OK(nvme_ns_create(f.c, &small, 0, &nsid));
		CHECK_EQ(nsid, want);
	}
	CHECK_DEV(nvme_ns_create(f.c, &small, 0, &nsid), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_NS_ID_UNAVAILABLE);
	CHECK_EQ(nsid, 0);
	/* every namespace at once */
	CHECK_OK(nvme_ns_delete(f.c, NVME_NSID_ALL, NVME_NSMGMT_ALL));
	CHECK_EQ(nvme_ns_count(f.c), 0);
	uint32_t list[8], n;
	CHECK_OK(nvme_ns_list_allocated(f.c, 0, list, 8, &n));
	CHECK_EQ(n, 0);
	fx_buf_free(&f, b);
	fx_buf_free(&f, id);
}

static void nsm_not_advertised(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	uint32_t nsid;
	struct nvme_ns_create_args a = { .nsze = 16 };
	CHECK_RC(nvme_ns_create(f.c, &a, 0, &nsid), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "OACS bit 3");
	CHECK_RC(nvme_ns_attach(f.c, 1, NULL, 0, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Namespace Attachment (attach): not supported by this controller");
	CHECK_RC(nvme_ns_detach(f.c, 1, NULL, 0, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_RC(nvme_ns_delete(f.c, 1, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK(nvme_ns_get(f.c, 1) != NULL);
	/* forced: the controller (like QEMU 7.2) answers Invalid Command Opcode */
	CHECK_DEV(nvme_ns_delete(f.c, 1, NVME_CMD_FORCE), NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
	CHECK(nvme_ns_get(f.c, 1) != NULL);
}

/* Another host detaches and re-attaches namespace 2 to this controller: the
 * Changed Namespace List event rescans the table. */
static void nsm_aer_rescan(void)
{
	static struct fx f;
	static struct ev_log log;
	memset(&log, 0, sizeof(log));
	nsm_fx(&f, &log, false);
	REQUIRE(nvme_ns_get(f.c, 2) != NULL);
	REQUIRE(nvme_model_nsmgmt_set_attached(f.m, 2, false) == 0);
	CHECK(nvme_ns_get(f.c, 2) != NULL);   /* not known yet */
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQ(log.calls, 1);
	CHECK_EQ(log.last.info, NVME_AER_NOTICE_NS_CHANGED);
	CHECK_EQ(log.last.nchanged, 1);
	CHECK_EQ(log.last.changed[0], 2);
	CHECK_EQ(log.last.nremoved, 1);
	CHECK_EQ(log.last.removed[0], 2);
	CHECK_EQ(log.last.ns_count, 1);
	CHECK(nvme_ns_get(f.c, 2) == NULL);
	REQUIRE(nvme_model_nsmgmt_set_attached(f.m, 2, true) == 0);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQ(log.last.nadded, 1);
	CHECK_EQ(log.last.added[0], 2);
	CHECK(nvme_ns_get(f.c, 2) != NULL);
	/* the driver's own detach rescans at once; the event that follows
	 * finds nothing more to change */
	CHECK_OK(nvme_ns_detach(f.c, 2, NULL, 0, 0));
	CHECK(nvme_ns_get(f.c, 2) == NULL);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQ(log.last.nchanged, 1);
	CHECK_EQ(log.last.nremoved, 0);
	CHECK_EQ(log.last.ns_count, 1);
}

static const struct check_test tests[] = {
	CHECK_TEST(nsm_lists),
	CHECK_TEST(nsm_detach_attach),
	CHECK_TEST(nsm_shared),
	CHECK_TEST(nsm_create_delete),
	CHECK_TEST(nsm_not_advertised),
	CHECK_TEST(nsm_aer_rescan),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
