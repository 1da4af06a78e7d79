/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_selftest.c - `selftest`: a non-destructive check of the
 * attached controllers (registers, Identify, namespace list, every namespace
 * readable at its first and last block and across the max transfer, flush,
 * queue statistics), plus an optional write/read-back/restore of one block.
 */
#include <stdarg.h>
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

struct st {
	int pass, fail;
};

static bool check(struct st *s, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool check(struct st *s, bool ok, const char *fmt, ...)
{
	va_list ap;
	kprintf("  %s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	if (ok)
		s->pass++;
	else
		s->fail++;
	return ok;
}

static const char *describe(int rc)
{
	static char why[112];
	nvme_status_describe(rc, why, sizeof(why));
	return why;
}

/* Identify strings are space padded; compare with the driver's trimmed copy. */
static bool same_trimmed(const char *raw, size_t n, const char *trimmed)
{
	while (n && (raw[n - 1] == ' ' || raw[n - 1] == 0))
		n--;
	return strlen(trimmed) == n && memcmp(raw, trimmed, n) == 0;
}

static void check_registers(struct st *s, struct nvmetk_ctrl *t)
{
	uint32_t r[NVME_REG_CSTS / 4 + 1];
	bool mapped = true;
	for (uint32_t i = 0; i <= NVME_REG_CSTS / 4 && mapped; i++)
		mapped = platform_ctrl_read32(t, i * 4, &r[i]);
	if (!mapped) {
		check(s, false, "%s registers: cannot map BAR0 0x%llx", t->name, (unsigned long long)t->bar_phys);
		return;
	}
	uint64_t cap = (uint64_t)r[NVME_REG_CAP / 4] | (uint64_t)r[NVME_REG_CAP / 4 + 1] << 32;
	uint32_t vs = r[NVME_REG_VS / 4], cc = r[NVME_REG_CC / 4], csts = r[NVME_REG_CSTS / 4];
	bool ok = NVME_GET(csts, NVME_CSTS_RDY) && !NVME_GET(csts, NVME_CSTS_CFS) &&
		  NVME_GET(csts, NVME_CSTS_SHST) == 0 && NVME_GET(cc, NVME_CC_EN) &&
		  NVME_GET(cc, NVME_CC_SHN) == 0 && NVME_GET(cap, NVME_CAP_MQES) >= 1 &&
		  NVME_GET(vs, NVME_VS_MJR) >= 1 && vs == nvme_ctrl_version(t->ctrl) &&
		  cap == nvme_ctrl_cap(t->ctrl) &&
		  NVME_MPS_TO_BYTES(NVME_GET(cc, NVME_CC_MPS)) == nvme_ctrl_page_size(t->ctrl);
	check(s, ok, "%s registers: CAP 0x%016llx VS 0x%08x CC 0x%08x CSTS 0x%08x (ready, enabled, no fatal "
		  "status, page size %u)", t->name, (unsigned long long)cap, (unsigned)vs, (unsigned)cc,
	      (unsigned)csts, (unsigned)nvme_ctrl_page_size(t->ctrl));
}

static void check_identify(struct st *s, struct nvmetk_ctrl *t)
{
	struct nvme_ctrl *c = t->ctrl;
	int rc = nvme_identify(c, NVME_CNS_CTRL, 0, 0, nvsh_scratch);
	if (!check(s, rc == 0, "%s Identify Controller%s%s", t->name, rc ? ": " : "", rc ? describe(rc) : ""))
		return;
	const struct nvme_id_ctrl *id = (const struct nvme_id_ctrl *)nvsh_scratch;
	bool ok = id->vid == t->vendor && id->ssvid == t->subsys_vendor &&
		  same_trimmed(id->sn, sizeof(id->sn), nvme_ctrl_serial(c)) &&
		  same_trimmed(id->mn, sizeof(id->mn), nvme_ctrl_model(c)) && id->nn >= nvme_ns_count(c) &&
		  nvme_ctrl_serial(c)[0] != 0;
	check(s, ok, "%s Identify data: vid 0x%04x ssvid 0x%04x (PCI %04x/%04x), sn \"%s\", mn \"%s\", nn %u",
	      t->name, id->vid, id->ssvid, t->vendor, t->subsys_vendor, nvme_ctrl_serial(c),
	      nvme_ctrl_model(c), (unsigned)id->nn);

	static uint32_t list[1024];
	uint32_t n = 0;
	rc = nvme_ns_list_active(c, 0, list, 1024, &n);
	if (!check(s, rc == 0, "%s active namespace list%s%s", t->name, rc ? ": " : "", rc ? describe(rc) : ""))
		return;
	ok = n >= nvme_ns_count(c);
	for (uint32_t i = 0; ok && i < nvme_ns_count(c); i++)
		ok = list[i] == nvme_ns_at(c, i)->nsid;
	check(s, ok, "%s active namespaces: %u listed, %u kept by the driver, same NSIDs", t->name, (unsigned)n,
	      (unsigned)nvme_ns_count(c));

	uint32_t nsq = 0, ncq = 0;
	rc = nvme_get_num_queues(c, &nsq, &ncq);
	check(s, rc == 0 && nsq >= nvme_ctrl_io_queue_count(c) && ncq >= nvme_ctrl_io_queue_count(c),
	      "%s Number of Queues: %u SQ / %u CQ granted, %u I/O queue pairs in use%s%s", t->name,
	      (unsigned)nsq, (unsigned)ncq, (unsigned)nvme_ctrl_io_queue_count(c), rc ? ": " : "",
	      rc ? describe(rc) : "");
}

static void check_namespace(struct st *s, struct nvmetk_ctrl *t, struct nvme_ns *ns)
{
	char name[24];
	nvme_port_ns_name(t, ns->nsid, name, sizeof(name));
	int rc = nvme_identify(t->ctrl, NVME_CNS_NS, ns->nsid, 0, nvsh_scratch);
	if (check(s, rc == 0, "%s Identify Namespace%s%s", name, rc ? ": " : "", rc ? describe(rc) : "")) {
		const struct nvme_id_ns *id = (const struct nvme_id_ns *)nvsh_scratch;
		unsigned f = (unsigned)NVME_GET(id->flbas, NVME_FLBAS_INDEX_LO);
		check(s, id->nsze == ns->size && f < NVME_ID_NS_MAX_LBAF &&
			      (ns->unusable || (1u << id->lbaf[f].lbads) == ns->lba_size),
		      "%s size %llu blocks of %u bytes (NSZE %llu, LBADS %u)", name, (unsigned long long)ns->size,
		      (unsigned)ns->lba_size, (unsigned long long)id->nsze, (unsigned)id->lbaf[f].lbads);
	}
	if (ns->unusable) {
		kprintf("  SKIP %s I/O: not usable by the driver (%s)\n", name, describe(ns->unusable));
		return;
	}
	/* First and last block, and a read across the max transfer (split). */
	uint32_t mx = nvme_ctrl_max_transfer(t->ctrl);
	uint64_t span = ((uint64_t)mx * 2 >> ns->lba_shift) + 1;
	if (span > ns->size)
		span = ns->size;
	struct nvsh_buf b;
	if (!nvsh_buf_alloc(&b, span << ns->lba_shift, span << ns->lba_shift)) {
		check(s, false, "%s no memory for a %llu-byte buffer", name,
		      (unsigned long long)(span << ns->lba_shift));
		return;
	}
	rc = nvme_read(ns, NULL, 0, 1, b.p);
	check(s, rc == 0, "%s read LBA 0%s%s", name, rc ? ": " : "", rc ? describe(rc) : "");
	rc = nvme_read(ns, NULL, ns->size - 1, 1, b.p);
	check(s, rc == 0, "%s read last LBA %llu%s%s", name, (unsigned long long)(ns->size - 1), rc ? ": " : "",
	      rc ? describe(rc) : "");
	rc = nvme_read(ns, NULL, 0, (uint32_t)span, b.p);
	check(s, rc == 0, "%s read LBA 0..%llu (%llu bytes, max transfer %u)%s%s", name,
	      (unsigned long long)(span - 1), (unsigned long long)(span << ns->lba_shift), (unsigned)mx,
	      rc ? ": " : "", rc ? describe(rc) : "");
	nvsh_buf_free(&b);
	rc = nvme_flush(ns, NULL);
	check(s, rc == 0, "%s flush%s%s", name, rc ? ": " : "", rc ? describe(rc) : "");
}

static void check_queue(struct st *s, struct nvmetk_ctrl *t, struct nvme_qpair *q)
{
	struct nvme_qpair_stats st;
	nvme_qpair_stats_get(q, &st);
	/* The admin queue may hold Asynchronous Event Requests for good; an
	 * idle I/O queue holds nothing. */
	bool idle = nvme_qpair_id(q) == 0 || nvme_qpair_in_flight(q) == 0;
	check(s, idle && st.timeouts == 0 && st.bad_completions == 0,
	      "%s queue %u: %u in flight, %llu submitted, %llu completed, %llu timeouts, %llu bad completions",
	      t->name, (unsigned)nvme_qpair_id(q), (unsigned)nvme_qpair_in_flight(q),
	      (unsigned long long)st.submitted, (unsigned long long)st.completed,
	      (unsigned long long)st.timeouts, (unsigned long long)st.bad_completions);
}

/* Write a random block at lba, read it back, restore the old data. */
static void write_test(struct st *s, const struct nvsh_target *tg, uint64_t lba)
{
	struct nvme_ns *ns = tg->ns;
	struct nvsh_buf old, b;
	if (!nvsh_buf_alloc(&old, ns->lba_size, ns->lba_size)) {
		check(s, false, "%s write test: no memory", tg->name);
		return;
	}
	if (!nvsh_buf_alloc(&b, ns->lba_size, ns->lba_size)) {
		check(s, false, "%s write test: no memory", tg->name);
		nvsh_buf_free(&old);
		return;
	}
	int rc = nvme_read(ns, NULL, lba, 1, old.p);
	if (check(s, rc == 0, "%s write test: read LBA %llu (saved)%s%s", tg->name, (unsigned long long)lba,
		  rc ? ": " : "", rc ? describe(rc) : "")) {
		struct pattern p;
		pattern_parse("random", time_rdtsc(), &p);
		pattern_fill(&p, lba << ns->lba_shift, b.p, ns->lba_size);
		rc = nvme_write(ns, NULL, lba, 1, b.p);
		check(s, rc == 0, "%s write test: write random data%s%s", tg->name, rc ? ": " : "",
		      rc ? describe(rc) : "");
		memset(b.p, 0, ns->lba_size);
		rc = nvme_read(ns, NULL, lba, 1, b.p);
		size_t first;
		uint8_t e, g;
		uint64_t bad = rc ? 0 : pattern_check(&p, lba << ns->lba_shift, b.p, ns->lba_size, &first, &e, &g);
		check(s, rc == 0 && bad == 0, "%s write test: read back, %llu bytes differ%s%s", tg->name,
		      (unsigned long long)bad, rc ? ": " : "", rc ? describe(rc) : "");
		rc = nvme_write(ns, NULL, lba, 1, old.p);
		int rc2 = rc ? rc : nvme_read(ns, NULL, lba, 1, b.p);
		check(s, rc2 == 0 && memcmp(b.p, old.p, ns->lba_size) == 0,
		      "%s write test: original data restored and read back%s%s", tg->name, rc2 ? ": " : "",
		      rc2 ? describe(rc2) : "");
	}
	nvsh_buf_free(&old);
	nvsh_buf_free(&b);
}

static int cmd_selftest(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "write-lba", .takes_value = true },
		NVSH_OPT_YES,
		{ 0 },
	};
	/* The options decide which prologue applies: read them first (the
	 * prologue parses the same line again). */
	char *pos[2];
	int npos;
	int rc = shell_getopt(argc, argv, opts, pos, 2, &npos);
	if (rc)
		return rc;
	struct nvsh_target wt;
	uint64_t wlba = 0;
	bool wtest = nvsh_isset(opts, "write-lba");
	struct nvmetk_ctrl *list[NVMETK_MAX_CTRL];
	int n;
	if (wtest || nvsh_isset(opts, "namespace-id")) {
		/* the write test needs one namespace: DEVICE or the default */
		if ((rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &wt)))
			return rc;
		list[0] = wt.t;
		n = 1;
		if (wtest) {
			if ((rc = nvsh_opt_u64(opts, "write-lba", &wlba)))
				return rc;
			if (wlba >= wt.ns->size)
				return shell_usage_error("--write-lba %llu is beyond the end of %s (last LBA %llu)",
							 (unsigned long long)wlba, wt.name,
							 (unsigned long long)(wt.ns->size - 1));
			struct nvsh_range r = { wlba, 1 };
			if (nvsh_touches_partition_area(wt.ns, &r) &&
			    (rc = nvsh_confirm(&wt, nvsh_isset(opts, "yes"),
					       "write LBA %llu of %s (it is read first and restored after; a "
					       "failure in between leaves random data there), inside the "
					       "partition table area", (unsigned long long)wlba, wt.name)))
				return rc;
		}
	} else {
		n = nvsh_parse_all(argc, argv, opts, list, NVMETK_MAX_CTRL);
		if (n < 0)
			return -n;
		if (n == 0)
			return shell_error("no NVMe controller found");
	}
	struct st s = { 0, 0 };
	uint64_t t0 = time_now_us();
	for (int i = 0; i < n; i++) {
		struct nvmetk_ctrl *t = list[i];
		kprintf("%s:\n", t->name);
		if (!check(&s, t->attached, "%s attach%s%s", t->name, t->attached ? "" : ": ",
			   t->attached ? "" : describe(t->attach_rc)))
			continue;
		enum nvme_ctrl_state cs = nvme_ctrl_get_state(t->ctrl);
		if (!check(&s, cs == NVME_CTRL_READY, "%s state %s", t->name, nvsh_state_name(cs)))
			continue;
		check_registers(&s, t);
		check_identify(&s, t);
		for (uint32_t k = 0; k < nvme_ns_count(t->ctrl); k++)
			check_namespace(&s, t, nvme_ns_at(t->ctrl, k));
		if (wtest && t == wt.t)
			write_test(&s, &wt, wlba);
		check_queue(&s, t, nvme_ctrl_admin_qpair(t->ctrl));
		for (uint32_t k = 0; k < NVME_CFG_MAX_IO_QUEUES; k++)
			if (nvme_ctrl_io_qpair(t->ctrl, k))
				check_queue(&s, t, nvme_ctrl_io_qpair(t->ctrl, k));
	}
	kprintf("selftest: %d passed, %d failed (%llu ms)\n", s.pass, s.fail,
		(unsigned long long)((time_now_us() - t0) / 1000));
	/* a nonzero status always comes with an error: line (shell fuzzer) */
	if (s.fail)
		return shell_error("selftest: %d check%s failed (FAIL lines above)", s.fail, s.fail == 1 ? "" : "s");
	return SHELL_OK;
}
NVSH_COMMAND("selftest", "selftest [DEVICE] [--write-lba LBA [--yes]]",
	     "non-destructive check of the NVMe controllers, PASS/FAIL per check",
	     "Checks every controller (or the one named): attached and ready; registers\n"
	     "(CSTS.RDY, no CFS, CC.EN, CAP and VS as at attach); Identify Controller matches\n"
	     "PCI and the attach data; the active namespace list; Number of Queues; per\n"
	     "namespace: Identify Namespace, reads of the first and last block and of a range\n"
	     "twice the max transfer (split), flush; per queue pair: no timeouts, no bad\n"
	     "completions, nothing in flight (I/O queues). Read-only unless --write-lba LBA\n"
	     "is given: then that block of DEVICE's namespace (default: the first\n"
	     "controller's first) is saved, overwritten with random data, read back, and\n"
	     "restored (a block in the partition area asks first, unless --yes). Ends with\n"
	     "'selftest: N passed, N failed'; the status is 1 if anything failed.",
	     cmd_selftest);
