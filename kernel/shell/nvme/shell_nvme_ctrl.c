/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_ctrl.c - controller-level commands: queue pairs (`queues`,
 * `create-queue`, `delete-queue`, `set-queue-count`) and `shutdown`,
 * `resume`, `reset`.
 */
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

/* I/O queue pairs the controller lets us create: min(NSQA, NCQA) from Get
 * Features Number of Queues, capped by NVME_CFG_MAX_IO_QUEUES. */
static int queue_limit(struct nvme_ctrl *c, uint32_t *limit)
{
	uint32_t nsq = 0, ncq = 0;
	int rc = nvme_get_num_queues(c, &nsq, &ncq);
	if (rc)
		return rc;
	uint32_t n = nsq < ncq ? nsq : ncq;
	*limit = n < NVME_CFG_MAX_IO_QUEUES ? n : NVME_CFG_MAX_IO_QUEUES;
	return 0;
}

static void print_qpair(const struct nvme_qpair *q, const char *what)
{
	struct nvme_qpair_stats st;
	nvme_qpair_stats_get(q, &st);
	kprintf("%5u %-6s %5u %7u %10llu %10llu %6llu %8llu %8llu %8llu %7llu %5llu %4llu %7llu %4u\n",
		(unsigned)nvme_qpair_id(q), what, (unsigned)nvme_qpair_depth(q),
		(unsigned)nvme_qpair_in_flight(q), (unsigned long long)st.submitted,
		(unsigned long long)st.completed, (unsigned long long)st.errors,
		(unsigned long long)st.sq_doorbells, (unsigned long long)st.cq_doorbells,
		(unsigned long long)st.polls, (unsigned long long)st.bounced,
		(unsigned long long)st.sgl_commands, (unsigned long long)st.timeouts,
		(unsigned long long)st.bad_completions, (unsigned)st.max_per_poll);
}

static int cmd_queues(int argc, char **argv)
{
	struct shell_opt opts[] = { { .name = "reset-stats" }, { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL | NVSH_ANY_STATE, &tg);
	if (rc)
		return rc;
	struct nvme_ctrl *c = tg.c;
	uint32_t limit = 0;
	enum nvme_ctrl_state st = nvme_ctrl_get_state(c);
	kprintf("%s: %s, %u I/O queue pair%s", tg.t->name, nvsh_state_name(st),
		(unsigned)nvme_ctrl_io_queue_count(c), nvme_ctrl_io_queue_count(c) == 1 ? "" : "s");
	if (st == NVME_CTRL_READY && queue_limit(c, &limit) == 0)
		kprintf(" (up to %u: qid 1..%u)", (unsigned)limit, (unsigned)limit);
	kprintf("\n  qid kind   depth inflight  submitted  completed errors  sq_dbs   cq_dbs    polls "
		"bounced   sgl tmo     bad maxp\n");
	print_qpair(nvme_ctrl_admin_qpair(c), "admin");
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++) {
		struct nvme_qpair *q = nvme_ctrl_io_qpair(c, i);
		if (q)
			print_qpair(q, "io");
	}
	struct nvsh_dma_stats ds;
	nvsh_dma_stats(&ds);
	kprintf("shell data (all controllers): %llu commands by bus address, %llu calls through "
		"virt_to_phys\n", (unsigned long long)ds.phys_cmds, (unsigned long long)ds.virt_calls);
	if (nvsh_isset(opts, "reset-stats")) {
		nvme_qpair_stats_reset(nvme_ctrl_admin_qpair(c));
		for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
			if (nvme_ctrl_io_qpair(c, i))
				nvme_qpair_stats_reset(nvme_ctrl_io_qpair(c, i));
		kprintf("statistics reset\n");
	}
	return SHELL_OK;
}
NVSH_COMMAND("queues", "queues [DEVICE] [--reset-stats]", "list queue pairs with their statistics",
	     NVSH_HELP_CTRL
	     "One line per queue pair (admin = qid 0, io = the live I/O queue pairs; after a\n"
	     "shutdown only the admin queue is listed): depth, commands in flight, commands\n"
	     "submitted/completed/with errors, SQ tail and CQ head doorbell writes, polls,\n"
	     "commands bounced through the bounce buffer, SGL commands, timeouts, ignored bad\n"
	     "completions, most completions reaped in one poll. Then how the shell's bulk\n"
	     "data paths (read, write, iochk, bench) reached the driver since boot: commands\n"
	     "sent by bus address (nvme_read_phys/nvme_write_phys) and calls that left the\n"
	     "driver to translate each page (virt_to_phys). --reset-stats clears the queue\n"
	     "counters after printing them.",
	     cmd_queues);

static int cmd_create_queue(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_QID,
		{ .name = "depth", .short_name = 'd', .takes_value = true },
		{ 0 },
	};
	struct nvsh_target tg;
	uint64_t qid = 0, depth = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc || (rc = nvsh_opt_u64(opts, "qid", &qid)) ||
	    (rc = nvsh_opt_u64_max(opts, "depth", 65536, &depth)))
		return rc;
	if (nvsh_isset(opts, "depth") && depth < 2)
		return shell_usage_error("--depth %llu: a queue needs at least 2 entries",
					 (unsigned long long)depth);
	uint32_t limit;
	rc = queue_limit(tg.c, &limit);
	if (rc)
		return nvsh_fail("Get Features Number of Queues", rc);
	if (!nvsh_isset(opts, "qid")) {
		for (qid = 1; qid <= limit && nvme_ctrl_qpair(tg.c, (uint16_t)qid); qid++)
			;
		if (qid > limit)
			return shell_error("%s: all %u I/O queue pairs exist (set-queue-count changes the number)",
					   tg.t->name, (unsigned)limit);
	}
	if (qid == 0 || qid > limit)
		return shell_usage_error("--qid %llu is out of range: %s allows qid 1..%u",
					 (unsigned long long)qid, tg.t->name, (unsigned)limit);
	if (nvme_ctrl_qpair(tg.c, (uint16_t)qid))
		return shell_usage_error("I/O queue %llu already exists on %s", (unsigned long long)qid,
					 tg.t->name);
	rc = nvme_qpair_create(tg.c, (uint16_t)qid, (uint32_t)depth, NULL);
	if (rc)
		return nvsh_fail("create-queue", rc);
	struct nvme_qpair *q = nvme_ctrl_qpair(tg.c, (uint16_t)qid);
	kprintf("%s: created I/O queue pair %llu, depth %u (%u I/O queue pairs now)\n", tg.t->name,
		(unsigned long long)qid, q ? (unsigned)nvme_qpair_depth(q) : 0u,
		(unsigned)nvme_ctrl_io_queue_count(tg.c));
	return SHELL_OK;
}
NVSH_COMMAND("create-queue", "create-queue [DEVICE] [-q QID] [-d DEPTH]", "create an I/O queue pair",
	     NVSH_HELP_CTRL
	     "Creates I/O completion + submission queue QID (default: the lowest free qid) with\n"
	     "DEPTH entries (default 256, clamped to the controller's MQES+1). Polled, no\n"
	     "interrupts. Use it with 'read/write/flush -q QID'.",
	     cmd_create_queue);

static int cmd_delete_queue(int argc, char **argv)
{
	struct shell_opt opts[] = { NVSH_OPT_QID, { 0 } };
	struct nvsh_target tg;
	uint64_t qid = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc || (rc = nvsh_opt_u64(opts, "qid", &qid)))
		return rc;
	if (!nvsh_isset(opts, "qid"))
		return shell_usage_error("missing --qid");
	if (qid == 0)
		return shell_usage_error("--qid 0 is the admin queue; it cannot be deleted");
	if (qid > NVME_CFG_MAX_IO_QUEUES || !nvme_ctrl_qpair(tg.c, (uint16_t)qid))
		return shell_usage_error("no I/O queue %llu on %s", (unsigned long long)qid, tg.t->name);
	rc = nvme_qpair_delete(tg.c, (uint16_t)qid);
	if (rc)
		return nvsh_fail("delete-queue", rc);
	kprintf("%s: deleted I/O queue pair %llu (%u I/O queue pair%s left)\n", tg.t->name,
		(unsigned long long)qid, (unsigned)nvme_ctrl_io_queue_count(tg.c),
		nvme_ctrl_io_queue_count(tg.c) == 1 ? "" : "s");
	if (nvme_ctrl_io_queue_count(tg.c) == 0)
		kprintf("note: no I/O queue is left; I/O commands fail until create-queue\n");
	return SHELL_OK;
}
NVSH_COMMAND("delete-queue", "delete-queue [DEVICE] -q QID", "delete an I/O queue pair",
	     NVSH_HELP_CTRL
	     "Deletes I/O submission queue QID, then its completion queue, and frees their\n"
	     "memory. Commands still in flight on it are aborted.",
	     cmd_delete_queue);

static int cmd_set_queue_count(int argc, char **argv)
{
	char *args[1];
	int nargs;
	struct nvsh_target tg;
	struct shell_opt opts[] = { { 0 } };
	int rc = nvsh_parse_args(argc, argv, opts, NVSH_CTRL, &tg, args, 1, &nargs);
	if (rc)
		return rc;
	if (nargs == 0)
		return shell_usage_error("missing COUNT");
	uint64_t n;
	if ((rc = shell_arg_u64("COUNT", args[0], &n)))
		return rc;
	if (n > NVME_CFG_MAX_IO_QUEUES)
		return shell_usage_error("COUNT %llu is out of range: 0..%u", (unsigned long long)n,
					 (unsigned)NVME_CFG_MAX_IO_QUEUES);
	uint64_t t0 = time_now_us();
	rc = nvme_ctrl_set_io_queue_count(tg.c, (uint32_t)n);
	if (rc)
		return nvsh_fail("set-queue-count", rc);
	uint32_t got = nvme_ctrl_io_queue_count(tg.c);
	kprintf("%s: controller reset, %u I/O queue pair%s (asked for %llu), %llu ms\n", tg.t->name,
		(unsigned)got, got == 1 ? "" : "s", (unsigned long long)n,
		(unsigned long long)((time_now_us() - t0) / 1000));
	return SHELL_OK;
}
NVSH_COMMAND("set-queue-count", "set-queue-count [DEVICE] COUNT",
	     "set the number of I/O queue pairs (resets the controller)",
	     NVSH_HELP_CTRL
	     "Number of Queues may only be set once after a controller reset, so this deletes\n"
	     "every I/O queue pair, resets the controller, sets the feature and creates COUNT\n"
	     "(0..16) queue pairs, qid 1..COUNT. The device may grant fewer.",
	     cmd_set_queue_count);

/* ------------------------------------------------------------ power */

static void print_state(const struct nvsh_target *tg, const char *what, uint64_t us)
{
	enum nvme_ctrl_state st = nvme_ctrl_get_state(tg->c);
	kprintf("%s: %s in %llu ms; state %s, %u I/O queue pair%s, %u namespace%s\n", tg->t->name, what,
		(unsigned long long)(us / 1000), nvsh_state_name(st), (unsigned)nvme_ctrl_io_queue_count(tg->c),
		nvme_ctrl_io_queue_count(tg->c) == 1 ? "" : "s", (unsigned)nvme_ns_count(tg->c),
		nvme_ns_count(tg->c) == 1 ? "" : "s");
}

static int cmd_shutdown(int argc, char **argv)
{
	struct shell_opt opts[] = { { .name = "abrupt", .short_name = 'a' }, { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL | NVSH_ANY_STATE, &tg);
	if (rc)
		return rc;
	enum nvme_ctrl_state st = nvme_ctrl_get_state(tg.c);
	if (st == NVME_CTRL_SHUTDOWN)
		return shell_error("%s is already shut down (resume brings it back)", tg.t->name);
	if (st == NVME_CTRL_GONE)
		return shell_error("%s is gone", tg.t->name);
	bool abrupt = nvsh_isset(opts, "abrupt");
	uint64_t t0 = time_now_us();
	rc = nvme_ctrl_shutdown(tg.c, abrupt);
	uint64_t us = time_now_us() - t0;
	if (rc) {
		nvsh_fail("shutdown", rc);
		print_state(&tg, "shutdown failed", us);
		return SHELL_ERR;
	}
	print_state(&tg, abrupt ? "abrupt shutdown" : "normal shutdown", us);
	return SHELL_OK;
}
NVSH_COMMAND("shutdown", "shutdown [DEVICE] [--abrupt]", "shut the controller down (CC.SHN)",
	     NVSH_HELP_CTRL
	     "Normal: deletes the I/O queues and sets CC.SHN=01b, waiting for CSTS.SHST\n"
	     "(bounded by RTD3E or CAP.TO; an abrupt shutdown follows on timeout).\n"
	     "-a/--abrupt sets CC.SHN=10b directly. Memory stays allocated; I/O fails until\n"
	     "'resume' (or 'reset').",
	     cmd_shutdown);

static int power_cmd(int argc, char **argv, bool reset)
{
	struct nvsh_target tg;
	struct shell_opt opts[] = { { 0 } };
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL | NVSH_ANY_STATE, &tg);
	if (rc)
		return rc;
	enum nvme_ctrl_state st = nvme_ctrl_get_state(tg.c);
	if (!reset && st == NVME_CTRL_READY)
		return shell_error("%s is not shut down (state ready); use reset to re-initialise it",
				   tg.t->name);
	uint64_t t0 = time_now_us();
	rc = reset ? nvme_ctrl_reset(tg.c) : nvme_ctrl_resume(tg.c);
	uint64_t us = time_now_us() - t0;
	if (rc) {
		nvsh_fail(reset ? "reset" : "resume", rc);
		print_state(&tg, reset ? "reset failed" : "resume failed", us);
		return SHELL_ERR;
	}
	print_state(&tg, reset ? "reset" : "resumed", us);
	return SHELL_OK;
}

static int cmd_resume(int argc, char **argv) { return power_cmd(argc, argv, false); }
NVSH_COMMAND("resume", "resume [DEVICE]", "bring a shut-down controller back",
	     NVSH_HELP_CTRL
	     "Full re-initialisation after 'shutdown' (or a failure): disable, enable,\n"
	     "Identify, Number of Queues, the same I/O queue pairs, namespaces re-read.",
	     cmd_resume);

static int cmd_reset(int argc, char **argv) { return power_cmd(argc, argv, true); }
NVSH_COMMAND("reset", "reset [DEVICE]", "controller reset and re-initialisation (nvme-cli reset)",
	     NVSH_HELP_CTRL
	     "The controller is disabled (CC.EN=0) and re-enabled, the admin queue and the\n"
	     "same I/O queue pairs are recreated and the namespaces re-read. Reads, writes\n"
	     "and flushes in flight are sent again afterwards; other commands in flight end\n"
	     "with an error. Queue statistics are kept.",
	     cmd_reset);
