/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_ctrls.c - the controller table the shell works on (nvme_port.h): names,
 * log level, asynchronous events, the power-off flush and shutdown, and the
 * printed summary of a controller. Portable: it uses the driver and the shell
 * platform services (kernel/shell/platform.h) only, so the test kernel
 * (nvme_port.c, PCI attach) and the simulator (sim/, model attach) share it.
 * The porting callbacks themselves (struct nvme_host) are in nvme_port.c.
 */
#include "nvme_port.h"
#include "kformat.h"
#include "kstring.h"
#include "platform.h"
#include "shell.h"

static struct nvmetk_ctrl ctrls[NVMETK_MAX_CTRL];
static int nctrls;
static enum nvme_log_level log_level = NVME_LOG_INFO;
static struct nvmetk_event ev_store[NVMETK_MAX_CTRL][NVMETK_EVENT_HISTORY];

struct nvmetk_ctrl *nvme_port_new(void)
{
	/* the lowest entry never used or left by a hot-unplugged controller */
	int idx = 0;
	while (idx < nctrls && !ctrls[idx].removed)
		idx++;
	if (idx == NVMETK_MAX_CTRL)
		return NULL;
	struct nvmetk_ctrl *t = &ctrls[idx];
	memset(t, 0, sizeof(*t));
	t->index = idx;
	if (idx == nctrls)
		nctrls++;
	ksnprintf(t->name, sizeof(t->name), "nvme%d", t->index);
	t->ev_hist = ev_store[t->index];
	return t;
}

int nvme_port_attach_summary(void)
{
	int ok = 0;
	for (int i = 0; i < nctrls; i++)
		ok += ctrls[i].attached;
	if (ok)
		shell_set_idle_hook(nvme_port_idle_poll);
	kprintf("nvme: %d controller%s attached", ok, ok == 1 ? "" : "s");
	if (ok != nctrls)
		kprintf(", %d failed", nctrls - ok);
	kprintf("\n");
	return ok;
}

/* ------------------------------------------------------------ log level */

static const char *const level_names[] = { "error", "warn", "info", "debug", "trace" };

const char *nvme_port_level_name(enum nvme_log_level level)
{
	return (unsigned)level <= NVME_LOG_TRACE ? level_names[level] : "?";
}

bool nvme_port_parse_level(const char *s, enum nvme_log_level *out)
{
	for (unsigned i = 0; i <= NVME_LOG_TRACE; i++) {
		if (strcmp(s, level_names[i]) == 0 || (s[0] == (char)('0' + i) && s[1] == 0)) {
			*out = (enum nvme_log_level)i;
			return true;
		}
	}
	if (strcmp(s, "warning") == 0) {
		*out = NVME_LOG_WARN;
		return true;
	}
	return false;
}

void nvme_port_set_log_level(enum nvme_log_level level)
{
	log_level = level;
	for (int i = 0; i < nctrls; i++)
		if (ctrls[i].attached && ctrls[i].ctrl)
			nvme_ctrl_set_log_level(ctrls[i].ctrl, level);
}

enum nvme_log_level nvme_port_log_level(void) { return log_level; }

/* ------------------------------------------------------------ table */

int nvme_port_count(void) { return nctrls; }

struct nvmetk_ctrl *nvme_port_at(int i)
{
	return (i >= 0 && i < nctrls && !ctrls[i].removed) ? &ctrls[i] : NULL;
}

void nvme_port_ns_name(const struct nvmetk_ctrl *t, uint32_t nsid, char *buf, size_t len)
{
	ksnprintf(buf, len, "%sn%u", t->name, (unsigned)nsid);
}

void nvme_port_fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned u = 0;
	while (u < 6 && bytes >= (1ull << (10 * (u + 1))))
		u++;
	uint64_t unit = 1ull << (10 * u);
	uint64_t whole = bytes / unit;
	uint64_t tenth = (bytes % unit) * 10 / unit;
	if (bytes % unit == 0 || u == 0)
		ksnprintf(buf, len, "%llu %s", (unsigned long long)whole, units[u]);
	else
		ksnprintf(buf, len, "%llu.%llu %s", (unsigned long long)whole, (unsigned long long)tenth,
			  units[u]);
}

/* ------------------------------------------------------------ events */

uint32_t nvme_port_event_kept(const struct nvmetk_ctrl *t)
{
	return t->ev_total < NVMETK_EVENT_HISTORY ? t->ev_total : NVMETK_EVENT_HISTORY;
}

const struct nvmetk_event *nvme_port_event_at(const struct nvmetk_ctrl *t, uint32_t i)
{
	uint32_t kept = nvme_port_event_kept(t);
	if (!t->ev_hist || i >= kept)
		return NULL;
	uint32_t first = t->ev_total - kept;
	return &t->ev_hist[(first + i) % NVMETK_EVENT_HISTORY];
}

void nvme_port_events_clear(struct nvmetk_ctrl *t) { t->ev_total = 0; }

int nvme_port_poll_events(void)
{
	int taken = 0;
	for (int i = 0; i < nctrls; i++) {
		struct nvmetk_ctrl *t = &ctrls[i];
		if (!t->attached || nvme_ctrl_get_state(t->ctrl) != NVME_CTRL_READY)
			continue;
		int rc = nvme_ctrl_poll_admin(t->ctrl);
		if (rc < 0) {
			t->ev_poll_errors++;
			t->ev_last_error = rc;
		}
		struct nvme_event ev;
		while (nvme_event_pop(t->ctrl, &ev)) {
			struct nvmetk_event *e = &t->ev_hist[t->ev_total % NVMETK_EVENT_HISTORY];
			t->ev_total++;
			e->seq = ev.seq;
			e->dw0 = ev.dw0;
			e->at_us = time_now_us();
			nvme_event_describe(&ev, e->text, sizeof(e->text));
			kprintf("%s: event %u: %s\n", t->name, (unsigned)e->seq, e->text);
			taken++;
		}
	}
	return taken;
}

/* The shell's idle hook: poll at a modest rate while the prompt waits. */
void nvme_port_idle_poll(void)
{
	static uint64_t last_us;
	uint64_t now = time_now_us();
	if (now - last_us < (uint64_t)NVMETK_EVENT_POLL_MS * 1000)
		return;
	last_us = now;
	nvme_port_poll_events();
}

/* ------------------------------------------------------------ power-off */

struct flush_wait {
	unsigned pending;  /* flushes submitted and not yet completed */
	int first_error;   /* first non-zero completion status */
};

/* One per controller and not on the stack: a flush that did not complete in
 * time is completed (aborted) later, by the shutdown, and its callback still
 * writes here. */
static struct flush_wait flush_waits[NVMETK_MAX_CTRL];

static void flush_done(void *arg, int status, const struct nvme_cqe *cqe)
{
	struct flush_wait *w = arg;
	(void)cqe;
	if (w->pending)
		w->pending--;
	if (status != 0 && w->first_error == 0)
		w->first_error = status;
}

static int submit_flush(struct nvme_qpair *q, uint32_t nsid, struct flush_wait *w)
{
	struct nvme_sqe sqe;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_CMD_FLUSH;
	sqe.nsid = nsid;
	int rc = nvme_io_passthru_async(q, &sqe, NULL, 0, flush_done, w);
	if (rc == 0)
		w->pending++;
	return rc;
}

/*
 * Writes back the volatile write cache of t: one Flush with the broadcast
 * NSID where VWC bits 2:1 say it is supported, else one per namespace kept
 * (namespaces beyond NVME_CFG_MAX_NS are not flushed). Waits at most
 * NVMETK_SHUTDOWN_FLUSH_MS; a flush still in flight after that is aborted by
 * the shutdown that follows. Returns 0 or the first error.
 */
static int flush_cache(struct nvmetk_ctrl *t)
{
	struct nvme_ctrl *c = t->ctrl;
	struct nvme_qpair *q = nvme_ctrl_io_qpair(c, 0);
	if (!q)
		return NVME_ERR_BAD_QUEUE;
	struct flush_wait *w = &flush_waits[t->index];
	w->pending = 0;
	w->first_error = 0;
	int rc = 0;
	uint8_t vwc = nvme_ctrl_id(c)->vwc;
	if (NVME_GET(vwc, NVME_VWC_FLUSH_BROADCAST) == 3) {
		rc = submit_flush(q, NVME_NSID_ALL, w);
	} else {
		for (uint32_t i = 0; i < nvme_ns_count(c) && rc == 0; i++)
			rc = submit_flush(q, nvme_ns_at(c, i)->nsid, w);
	}
	uint64_t t0 = time_now_us();
	while (w->pending) {
		if (time_now_us() - t0 >= (uint64_t)NVMETK_SHUTDOWN_FLUSH_MS * 1000) {
			if (rc == 0)
				rc = NVME_ERR_TIMEOUT;
			break;
		}
		int n = nvme_qpair_poll(q, 0);
		if (n < 0) {
			if (rc == 0)
				rc = n;
			break;
		}
		if (n == 0)
			time_delay_us(50);
	}
	return rc ? rc : w->first_error;
}

/* Flush and shut down one controller; prints its line. busy: I/O commands
 * still in flight (a removal that drained them for a bounded time): no Flush,
 * it would wait behind them; the normal shutdown's queue deletions abort
 * them. */
static void shutdown_one(struct nvmetk_ctrl *t, uint32_t busy)
{
	if (!t->attached || !t->ctrl) {
		kprintf("%s: not attached, nothing to shut down\n", t->name);
		return;
	}
	struct nvme_ctrl *c = t->ctrl;
	enum nvme_ctrl_state st = nvme_ctrl_get_state(c);
	if (st == NVME_CTRL_OFF || st == NVME_CTRL_SHUTDOWN) {
		kprintf("%s: %s, nothing to do\n", t->name,
			st == NVME_CTRL_OFF ? "detached" : "already shut down");
		return;
	}
	if (st == NVME_CTRL_GONE) {
		kprintf("%s: controller gone (registers read all ones), not shut down\n", t->name);
		return;
	}
	char what[128] = "";
	uint64_t t0 = time_now_us();
	bool abrupt = false;
	if (st == NVME_CTRL_FAILED) {
		/* a failed controller takes no commands: abrupt shutdown only */
		strlcpy(what, "controller failed, not flushed, abrupt ", sizeof(what));
		abrupt = true;
	} else if (!NVME_GET(nvme_ctrl_id(c)->vwc, NVME_VWC_PRESENT)) {
		strlcpy(what, "no volatile write cache, ", sizeof(what));
	} else if (busy) {
		ksnprintf(what, sizeof(what), "not flushed (%u I/O commands still in flight), ", (unsigned)busy);
	} else if (!nvme_ctrl_io_qpair(c, 0)) {
		/* Flush is an I/O command (nvmeqs=0 leaves none) */
		strlcpy(what, "no I/O queue pair to flush on, ", sizeof(what));
	} else {
		int rc = flush_cache(t);
		if (rc == 0) {
			strlcpy(what, "flushed, ", sizeof(what));
		} else if (rc == NVME_ERR_TIMEOUT) {
			/* A controller that does not finish a flush in
			 * NVMETK_SHUTDOWN_FLUSH_MS would not finish the queue
			 * deletions of a normal shutdown either (each bounded by
			 * the admin timeout): go straight to CC.SHN=10b. */
			ksnprintf(what, sizeof(what), "flush timed out after %u ms, abrupt ",
				  (unsigned)NVMETK_SHUTDOWN_FLUSH_MS);
			abrupt = true;
		} else {
			char why[80];
			nvme_status_describe(rc, why, sizeof(why));
			ksnprintf(what, sizeof(what), "flush failed: %s; ", why);
		}
	}
	/* The driver reports its own shutdown at info level; this line is the
	 * report, so only its warnings (abrupt fallback) go through meanwhile. */
	enum nvme_log_level lv = log_level < NVME_LOG_WARN ? log_level : NVME_LOG_WARN;
	nvme_ctrl_set_log_level(c, lv);
	int rc = nvme_ctrl_shutdown(c, abrupt);
	nvme_ctrl_set_log_level(c, log_level);
	unsigned long long ms = (time_now_us() - t0) / 1000;
	if (rc == 0) {
		kprintf("%s: %sshutdown complete in %llu ms\n", t->name, what, ms);
	} else {
		char why[80];
		nvme_status_describe(rc, why, sizeof(why));
		kprintf("%s: %sshutdown failed after %llu ms: %s\n", t->name, what, ms, why);
	}
}

void nvme_port_shutdown_all(void)
{
	for (int i = 0; i < nctrls; i++)
		if (!ctrls[i].removed)
			shutdown_one(&ctrls[i], 0);
}

/* ------------------------------------------------------------ printing */

static void print_ns(const struct nvmetk_ctrl *t, const struct nvme_ns *ns)
{
	char name[24], size[24];
	nvme_port_ns_name(t, ns->nsid, name, sizeof(name));
	nvme_port_fmt_size(ns->size << ns->lba_shift, size, sizeof(size));
	if (ns->unusable) {
		char why[96];
		nvme_status_describe(ns->unusable, why, sizeof(why));
		kprintf("%s: %llu blocks, format %u (%u B data + %u B metadata): not usable: %s\n", name,
			(unsigned long long)ns->size, (unsigned)ns->format_index,
			(unsigned)ns->formats[ns->format_index].data_size, (unsigned)ns->meta_size, why);
		return;
	}
	if (ns->meta_size) {   /* metadata: nvme_pi.h, the read/write metadata options */
		kprintf("%s: %llu blocks x %u B + %u B metadata (%s", name, (unsigned long long)ns->size,
			(unsigned)ns->lba_size, (unsigned)ns->meta_size, ns->meta_extended ? "extended" : "separate");
		if (NVME_GET(ns->dps, NVME_DPS_PIT))
			kprintf(", PI type %u %s, %s guard", (unsigned)NVME_GET(ns->dps, NVME_DPS_PIT),
				NVME_GET(ns->dps, NVME_DPS_PIP) ? "first" : "last", ns->cmdset.pi_size == 16 ? "64b" : "16b");
		kprintf(") = %s\n", size);
		return;
	}
	kprintf("%s: %llu blocks x %u B = %s\n", name, (unsigned long long)ns->size,
		(unsigned)ns->lba_size, size);
}

void nvme_port_print(const struct nvmetk_ctrl *t)
{
	char bsz[24];
	nvme_port_fmt_size(t->bar_size, bsz, sizeof(bsz));
	kprintf("%s: %s %04x:%04x, BAR0 0x%llx (%s)\n", t->name, t->where, t->vendor, t->device,
		(unsigned long long)t->bar_phys, bsz);
	if (!t->attached) {
		char why[96];
		nvme_status_describe(t->attach_rc, why, sizeof(why));
		kprintf("%s: attach failed: %s\n", t->name, why);
		return;
	}
	struct nvme_ctrl *c = t->ctrl;
	uint32_t vs = nvme_ctrl_version(c);
	kprintf("%s: model \"%s\", serial \"%s\", firmware \"%s\", NVMe %u.%u.%u\n", t->name,
		nvme_ctrl_model(c), nvme_ctrl_serial(c), nvme_ctrl_firmware(c),
		(unsigned)NVME_GET(vs, NVME_VS_MJR), (unsigned)NVME_GET(vs, NVME_VS_MNR),
		(unsigned)NVME_GET(vs, NVME_VS_TER));
	char mx[24];
	nvme_port_fmt_size(nvme_ctrl_max_transfer(c), mx, sizeof(mx));
	uint32_t nq = nvme_ctrl_io_queue_count(c);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(c, 0);
	kprintf("%s: max transfer %s, %u I/O queue pair%s", t->name, mx, (unsigned)nq, nq == 1 ? "" : "s");
	if (q)
		kprintf(" (depth %u)", (unsigned)nvme_qpair_depth(q));
	kprintf(", %s data pointers, %u namespace%s", nvme_ctrl_uses_sgl(c) ? "SGL" : "PRP",
		(unsigned)nvme_ns_count(c), nvme_ns_count(c) == 1 ? "" : "s");
	if (nvme_ns_active_count(c) > nvme_ns_count(c))
		kprintf(" (%u active, the rest not kept)", (unsigned)nvme_ns_active_count(c));
	if (nvme_ctrl_get_state(c) != NVME_CTRL_READY)
		kprintf(", state %d", (int)nvme_ctrl_get_state(c));
	kprintf("\n");
	if (nvme_ctrl_quirks(c) != 0) {
		char names[200];
		nvme_quirks_describe(nvme_ctrl_quirks(c), names, sizeof(names));
		kprintf("%s: quirks: %s\n", t->name, names);
	}
	for (uint32_t i = 0; i < nvme_ns_count(c); i++)
		print_ns(t, nvme_ns_at(c, i));
}

/* ------------------------------------------------------------ removal */

static uint32_t remove_drain_ms = NVMETK_REMOVE_DRAIN_MS;

void nvme_port_set_remove_drain_ms(uint32_t ms) { remove_drain_ms = ms; }

void nvme_port_mark_removing(struct nvmetk_ctrl *t, const char *why, bool gone)
{
	if (!t->removing[0])
		strlcpy(t->removing, why && why[0] ? why : "removal requested", sizeof(t->removing));
	if (gone)
		t->gone = true;
}

const char *nvme_port_removing(const struct nvmetk_ctrl *t)
{
	return t && t->removing[0] ? t->removing : NULL;
}

/* I/O commands in flight on every I/O queue pair of c (bench may have
 * created more than the first). */
static uint32_t io_in_flight(struct nvme_ctrl *c)
{
	uint32_t n = 0;
	for (uint16_t qid = 1; qid <= NVME_CFG_MAX_IO_QUEUES; qid++) {
		struct nvme_qpair *q = nvme_ctrl_qpair(c, qid);
		if (q)
			n += nvme_qpair_in_flight(q);
	}
	return n;
}

void nvme_port_retire(struct nvmetk_ctrl *t)
{
	if (t->retired)
		return;
	t->retired = true;
	nvme_port_mark_removing(t, NULL, false);
	if (!t->attached || !t->ctrl)
		return;
	struct nvme_ctrl *c = t->ctrl;
	if (t->gone) {
		uint32_t n = io_in_flight(c);
		kprintf("%s: removal: card gone: %u I/O command%s in flight fail, nothing sent\n", t->name,
			(unsigned)n, n == 1 ? "" : "s");
		nvme_ctrl_detach(c);   /* completes each of them once */
		return;
	}
	uint32_t before = 0, left = 0;
	if (nvme_ctrl_get_state(c) == NVME_CTRL_READY) {
		/* the bounded drain: completions run their callbacks here */
		before = io_in_flight(c);
		uint64_t t0 = time_now_us();
		while ((left = io_in_flight(c)) != 0 &&
		       time_now_us() - t0 < (uint64_t)remove_drain_ms * 1000u) {
			int n = 0;
			bool bad = false;
			for (uint16_t qid = 1; qid <= NVME_CFG_MAX_IO_QUEUES; qid++) {
				struct nvme_qpair *q = nvme_ctrl_qpair(c, qid);
				if (!q || nvme_qpair_in_flight(q) == 0)
					continue;
				int r = nvme_qpair_poll(q, 0);
				if (r < 0)
					bad = true;
				else
					n += r;
			}
			if (bad)
				break;   /* failed or gone: the driver completed them */
			if (n == 0)
				time_delay_us(50);
		}
		left = io_in_flight(c);
		kprintf("%s: removal: %u I/O command%s in flight: %u completed in the %u ms drain, %u to abort\n",
			t->name, (unsigned)before, before == 1 ? "" : "s", (unsigned)(before - (left < before ? left : before)),
			(unsigned)remove_drain_ms, (unsigned)left);
	}
	shutdown_one(t, left);
	left = io_in_flight(c);
	if (left)
		kprintf("%s: removal: warning: %u I/O commands still in flight after the shutdown\n", t->name,
			(unsigned)left);
}

void nvme_port_quiesce(struct nvmetk_ctrl *t, bool surprise)
{
	if (t->attached && t->ctrl) {
		if (!surprise)
			nvme_port_retire(t);
		nvme_ctrl_detach(t->ctrl);
	}
	t->attached = false;
}
