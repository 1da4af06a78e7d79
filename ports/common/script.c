/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * script.c - the fixed script both ports run against the NVMe controller,
 * through the driver's public API only (nvme.h), and the benchmark.
 *
 * Every step prints "PASS <step>" or "FAIL <step>: <why>"; the run ends with
 * "RESULT PASS (n steps)" or "RESULT FAIL (...)".
 *
 * What is written is a pure function of the namespace byte offset o: the
 * "random" pattern of kernel/nvme/nvme_pattern.h and tests/qemu/nvme_disk.py
 * (splitmix64 of word o / 8 with a seed, little endian), so the host test
 * (tests/ports/run.py) recomputes the whole disk image and compares it byte
 * for byte. The layout (byte offsets in namespace 1; every length is a
 * multiple of 4 KiB, so it holds for 512 B and 4 KiB blocks):
 *
 *   io-aligned     1 MiB        1 MiB + 12 KiB  seed 0xA1  page-aligned buffer
 *   io-prp-offset  3 MiB      768 KiB +  4 KiB  seed 0xB2  buffer at page + 8
 *   io-bounce      5 MiB      256 KiB +  4 KiB  seed 0xC3  buffer at page + 1
 *   io-bytes       7 MiB + 100     10000 bytes  seed 0xD4  nvme_write_bytes
 *   trim           8 MiB      256 KiB           seed 0xE5, then deallocated
 *   write-zeroes   9 MiB      256 KiB           seed 0xF6, then zeroes over
 *                                               9 MiB + 64 KiB, 128 KiB
 *   async-qd      16 MiB        4 MiB           seed 0x17  commands of
 *                                               min(64 KiB, max transfer)
 *
 * Every other byte keeps what the image held before. With the bench option
 * the script writes and reads bench-mib MiB (default 64) from LBA 0 instead,
 * timed, in commands of the max transfer (512 KiB on QEMU's default MDTS).
 */
#include "nvme.h"
#include "nvme_ctrl.h"   /* identity strings, limits */
#include "nvme_dbbuf.h"  /* shadow doorbell state */
#include "nvme_dm.h"     /* trim, write zeroes */
#include "nvme_io.h"     /* byte-granular helpers */
#include "nvme_ns.h"     /* why a namespace is unusable */
#include "nvme_status.h" /* status in words */
#include "page_alloc.h"
#include "port.h"
#include "script.h"

#define MIB (1024u * 1024u)
#define KIB 1024u

/* Bound of the asynchronous run (all its commands), and of the polls that
 * wait for a free slot. */
#define ASYNC_TIMEOUT_US  (120u * 1000u * 1000u)
#define ASYNC_QD          32u
#define ASYNC_CMD_BYTES   (64u * KIB)
#define BENCH_DEFAULT_MIB 64u

static struct nvme_ctrl ctrl;
static unsigned passed, failed;

static void pass(const char *step, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const char *step, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void pass(const char *step, const char *fmt, ...)
{
	va_list ap;
	port_printf("PASS %s", step);
	if (fmt != NULL && fmt[0]) {
		port_printf(" (");
		va_start(ap, fmt);
		port_vprintf(fmt, ap);
		va_end(ap);
		port_printf(")");
	}
	port_printf("\n");
	passed++;
}

static void fail(const char *step, const char *fmt, ...)
{
	va_list ap;
	port_printf("FAIL %s: ", step);
	va_start(ap, fmt);
	port_vprintf(fmt, ap);
	va_end(ap);
	port_printf("\n");
	failed++;
}

static const char *why(int rc)
{
	static char buf[128];
	nvme_status_describe(rc, buf, sizeof(buf));
	return buf;
}

/* ------------------------------------------------------------- patterns */

static uint64_t splitmix_word(uint64_t seed, uint64_t w)
{
	uint64_t z = seed + (w + 1) * 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint8_t pattern_byte(uint64_t seed, uint64_t o)
{
	return (uint8_t)(splitmix_word(seed, o / 8) >> (8 * (o % 8)));
}

static void pattern_fill(uint64_t seed, uint64_t off, uint8_t *buf, size_t len)
{
	size_t i = 0;
	/* whole words when off is word-aligned: 8 bytes per splitmix step */
	for (; i < len && (off + i) % 8 != 0; i++)
		buf[i] = pattern_byte(seed, off + i);
	for (; i + 8 <= len; i += 8) {
		uint64_t z = splitmix_word(seed, (off + i) / 8);
		for (unsigned k = 0; k < 8; k++)
			buf[i + k] = (uint8_t)(z >> (8 * k));
	}
	for (; i < len; i++)
		buf[i] = pattern_byte(seed, off + i);
}

/* Index of the first byte that differs from the pattern (or from zero if
 * zero), or -1. */
static int64_t pattern_diff(uint64_t seed, bool zero, uint64_t off, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t want = zero ? 0 : pattern_byte(seed, off + i);
		if (buf[i] != want)
			return (int64_t)i;
	}
	return -1;
}

/* ---------------------------------------------------------------- memory */

static uint8_t *buf_alloc(size_t bytes)
{
	uint8_t *p = page_alloc((bytes + PORT_PAGE_SIZE - 1) / PORT_PAGE_SIZE + 1, PORT_PAGE_SIZE);
	if (p == NULL)
		port_fatal("out of memory for a %zu-byte test buffer", bytes);
	return p;
}

static void buf_free(uint8_t *p, size_t bytes)
{
	page_free(p, (bytes + PORT_PAGE_SIZE - 1) / PORT_PAGE_SIZE + 1);
}

static uint64_t submitted(struct nvme_qpair *q)
{
	struct nvme_qpair_stats st;
	nvme_qpair_stats_get(q, &st);
	return st.submitted;
}

static uint64_t bounced(struct nvme_qpair *q)
{
	struct nvme_qpair_stats st;
	nvme_qpair_stats_get(q, &st);
	return st.bounced;
}

/* --------------------------------------------------------------- steps */

/* Write len bytes at off from a buffer at page + misalign, read them back
 * into another buffer with the same misalignment, compare. */
static void step_io(const char *name, struct nvme_ns *ns, struct nvme_qpair *q, uint64_t off,
		    size_t len, uint64_t seed, size_t misalign)
{
	uint8_t *wbase = buf_alloc(len), *rbase = buf_alloc(len);
	uint8_t *w = wbase + misalign, *r = rbase + misalign;
	uint64_t lba = off >> ns->lba_shift;
	uint32_t count = (uint32_t)(len >> ns->lba_shift);
	pattern_fill(seed, off, w, len);
	memset(r, 0x5a, len);
	uint64_t s0 = submitted(q), b0 = bounced(q);
	int rc = nvme_write(ns, q, lba, count, w);
	uint64_t wcmds = submitted(q) - s0;
	if (rc != 0) {
		fail(name, "write of %zu bytes at 0x%lx: %s", len, off, why(rc));
		goto out;
	}
	rc = nvme_read(ns, q, lba, count, r);
	if (rc != 0) {
		fail(name, "read of %zu bytes at 0x%lx: %s", len, off, why(rc));
		goto out;
	}
	int64_t d = pattern_diff(seed, false, off, r, len);
	if (d >= 0) {
		fail(name, "read back differs at byte 0x%lx of %zu (namespace offset 0x%lx): 0x%02x, "
		     "expected 0x%02x", (uint64_t)d, len, off + (uint64_t)d, r[d],
		     pattern_byte(seed, off + (uint64_t)d));
		goto out;
	}
	pass(name, "%zu bytes at 0x%lx, buffer at page+%zu, %lu write commands, %lu of the write and "
	     "read commands bounced", len, off, misalign, wcmds, bounced(q) - b0);
out:
	buf_free(wbase, len);
	buf_free(rbase, len);
}

static void step_bytes(struct nvme_ns *ns, struct nvme_qpair *q)
{
	const uint64_t off = 7 * MIB + 100;
	const size_t len = 10000;
	const uint64_t seed = 0xD4;
	uint8_t *w = buf_alloc(len), *r = buf_alloc(len);
	pattern_fill(seed, off, w, len);
	int rc = nvme_write_bytes(ns, q, off, w, len);
	if (rc != 0) {
		fail("io-bytes", "write_bytes of %zu at 0x%lx: %s", len, off, why(rc));
		goto out;
	}
	/* the range reads back as the pattern; that the bytes around it in
	 * the same blocks are unchanged is checked by the host (the image) */
	rc = nvme_read_bytes(ns, q, off, r, len);
	if (rc != 0) {
		fail("io-bytes", "read_bytes: %s", why(rc));
		goto out;
	}
	int64_t d = pattern_diff(seed, false, off, r, len);
	if (d >= 0) {
		fail("io-bytes", "read back differs at byte %ld", (long)d);
		goto out;
	}
	pass("io-bytes", "%zu bytes at 0x%lx, partial blocks at both ends", len, off);
out:
	buf_free(w, len);
	buf_free(r, len);
}

static void step_trim(struct nvme_ns *ns, struct nvme_qpair *q)
{
	const uint64_t off = 8 * MIB;
	const size_t len = 256 * KIB;
	const uint64_t seed = 0xE5;
	uint8_t *b = buf_alloc(len);
	uint64_t lba = off >> ns->lba_shift;
	uint32_t count = (uint32_t)(len >> ns->lba_shift);
	pattern_fill(seed, off, b, len);
	int rc = nvme_write(ns, q, lba, count, b);
	if (rc == 0)
		rc = nvme_trim(ns, q, lba, count, 0);
	if (rc != 0) {
		fail("trim", "%s", why(rc));
		goto out;
	}
	memset(b, 0x5a, len);
	rc = nvme_read(ns, q, lba, count, b);
	if (rc != 0) {
		fail("trim", "read after deallocate: %s", why(rc));
		goto out;
	}
	/* Deallocation is advisory: blocks read back as zeroes (QEMU with
	 * discard=unmap) or keep their data (discard=ignore); both are fine,
	 * a mixture within a block or anything else is not. */
	bool zero = pattern_diff(0, true, off, b, len) < 0;
	bool kept = pattern_diff(seed, false, off, b, len) < 0;
	if (!zero && !kept) {
		fail("trim", "deallocated range reads back neither zeroes nor the old data");
		goto out;
	}
	pass("trim", "%zu bytes at 0x%lx deallocated, reads back %s (DLFEAT 0x%02x)", len, off,
	     zero ? "zeroes" : "the old data", ns->dlfeat);
out:
	buf_free(b, len);
}

static void step_write_zeroes(struct nvme_ns *ns, struct nvme_qpair *q)
{
	const uint64_t off = 9 * MIB, zoff = off + 64 * KIB;
	const size_t len = 256 * KIB, zlen = 128 * KIB;
	const uint64_t seed = 0xF6;
	uint8_t *b = buf_alloc(len);
	pattern_fill(seed, off, b, len);
	int rc = nvme_write(ns, q, off >> ns->lba_shift, (uint32_t)(len >> ns->lba_shift), b);
	if (rc == 0)
		rc = nvme_write_zeroes(ns, q, zoff >> ns->lba_shift, (uint32_t)(zlen >> ns->lba_shift), 0);
	if (rc != 0) {
		fail("write-zeroes", "%s", why(rc));
		goto out;
	}
	memset(b, 0x5a, len);
	rc = nvme_read(ns, q, off >> ns->lba_shift, (uint32_t)(len >> ns->lba_shift), b);
	if (rc != 0) {
		fail("write-zeroes", "read back: %s", why(rc));
		goto out;
	}
	size_t head = (size_t)(zoff - off);
	if (pattern_diff(seed, false, off, b, head) >= 0 ||
	    pattern_diff(0, true, zoff, b + head, zlen) >= 0 ||
	    pattern_diff(seed, false, zoff + zlen, b + head + zlen, len - head - zlen) >= 0) {
		fail("write-zeroes", "read back is not pattern, %zu zero bytes, pattern", zlen);
		goto out;
	}
	pass("write-zeroes", "%zu bytes at 0x%lx zeroed inside a written range", zlen, zoff);
out:
	buf_free(b, len);
}

struct async_state {
	unsigned done, errors;
	int first_error;
};

static void async_cb(void *arg, int status, const struct nvme_cqe *cqe)
{
	struct async_state *s = arg;
	(void)cqe;
	s->done++;
	if (status != 0 && s->errors++ == 0)
		s->first_error = status;
}

/* n commands of cmd bytes from off, writes or reads, at most ASYNC_QD in
 * flight. Returns 0 or an error; *max_qd receives the most in flight. */
static int async_pass(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t off, uint8_t *buf, size_t cmd,
		      unsigned n, bool write, uint32_t *max_qd)
{
	struct async_state st = { 0, 0, 0 };
	unsigned sent = 0;
	uint64_t deadline = port_now_us() + ASYNC_TIMEOUT_US;
	uint32_t count = (uint32_t)(cmd >> ns->lba_shift);
	while (st.done < n) {
		if (port_now_us() > deadline)
			return NVME_ERR_TIMEOUT;
		while (sent < n && nvme_qpair_in_flight(q) < ASYNC_QD) {
			uint64_t lba = (off + (uint64_t)sent * cmd) >> ns->lba_shift;
			uint8_t *b = buf + (size_t)sent * cmd;
			int rc = write ? nvme_write_async(ns, q, lba, count, b, async_cb, &st)
				       : nvme_read_async(ns, q, lba, count, b, async_cb, &st);
			if (rc == NVME_ERR_QUEUE_FULL || rc == NVME_ERR_BOUNCE_BUSY)
				break;
			if (rc != 0)
				return rc;
			sent++;
		}
		uint32_t inf = nvme_qpair_in_flight(q);
		if (inf > *max_qd)
			*max_qd = inf;
		int rc = nvme_qpair_poll(q, 0);
		if (rc < 0)
			return rc;
	}
	return st.errors ? st.first_error : 0;
}

static void step_async(struct nvme_ns *ns, struct nvme_qpair *q)
{
	const uint64_t off = 16 * MIB;
	const size_t len = 4 * MIB;
	const uint64_t seed = 0x17;
	size_t cmd = ASYNC_CMD_BYTES;
	if (cmd > ns->max_blocks * (size_t)ns->lba_size)
		cmd = ns->max_blocks * (size_t)ns->lba_size;
	unsigned n = (unsigned)(len / cmd);
	uint8_t *w = buf_alloc(len), *r = buf_alloc(len);
	pattern_fill(seed, off, w, len);
	memset(r, 0x5a, len);
	uint32_t qd_w = 0, qd_r = 0;
	uint64_t t0 = port_now_us();
	int rc = async_pass(ns, q, off, w, cmd, n, true, &qd_w);
	if (rc != 0) {
		fail("async-qd", "writes: %s", why(rc));
		goto out;
	}
	rc = async_pass(ns, q, off, r, cmd, n, false, &qd_r);
	if (rc != 0) {
		fail("async-qd", "reads: %s", why(rc));
		goto out;
	}
	uint64_t us = port_now_us() - t0;
	int64_t d = pattern_diff(seed, false, off, r, len);
	if (d >= 0) {
		fail("async-qd", "read back differs at namespace offset 0x%lx", off + (uint64_t)d);
		goto out;
	}
	if (qd_w < 2 || qd_r < 2) {
		fail("async-qd", "never more than one command in flight (writes %u, reads %u)", qd_w, qd_r);
		goto out;
	}
	pass("async-qd", "%u writes and %u reads of %zu bytes, up to %u/%u in flight, %lu us", n, n, cmd,
	     qd_w, qd_r, us);
out:
	buf_free(w, len);
	buf_free(r, len);
}

/* --------------------------------------------------------------- bench */

static void rate(char *out, size_t len, uint64_t bytes, uint64_t us)
{
	/* MiB/s with two decimals, in integers */
	uint64_t centi = us ? bytes * 100u * 1000000u / MIB / us : 0;
	port_snprintf(out, len, "%lu.%02lu MiB/s", centi / 100, centi % 100);
}

static int bench(struct nvme_ns *ns, struct nvme_qpair *q)
{
	char opt[16];
	uint64_t mib = BENCH_DEFAULT_MIB;
	if (port_opt("bench-mib", opt, sizeof(opt))) {
		mib = 0;
		for (const char *p = opt; *p >= '0' && *p <= '9'; p++)
			mib = mib * 10 + (uint64_t)(*p - '0');
	}
	uint64_t bytes = mib * MIB;
	if (mib == 0 || mib > 4096 || (bytes >> ns->lba_shift) > ns->size) {
		fail("bench", "bench-mib=%lu does not fit namespace 1 (%lu blocks)", mib, ns->size);
		return 1;
	}
	uint8_t *b = buf_alloc(bytes);
	pattern_fill(0xBE, 0, b, bytes);
	uint32_t count = (uint32_t)(bytes >> ns->lba_shift);
	uint32_t xfer = nvme_ctrl_max_transfer(&ctrl);
	char r[32];

	/* "begin" lines let a host time the step from the serial output, as it
	 * times U-Boot's commands (bench/ports.sh) */
	port_printf("BENCH write begin\n");
	uint64_t s0 = submitted(q), t0 = port_now_us();
	int rc = nvme_write(ns, q, 0, count, b);
	uint64_t us = port_now_us() - t0;
	if (rc != 0) {
		fail("bench", "write: %s", why(rc));
		return 1;
	}
	rate(r, sizeof(r), bytes, us);
	port_printf("BENCH write %lu MiB in %lu commands of %u KiB: %lu us, %s\n", mib, submitted(q) - s0,
		    xfer / KIB, us, r);

	memset(b, 0, bytes);
	port_printf("BENCH read begin\n");
	s0 = submitted(q);
	t0 = port_now_us();
	rc = nvme_read(ns, q, 0, count, b);
	us = port_now_us() - t0;
	if (rc != 0) {
		fail("bench", "read: %s", why(rc));
		return 1;
	}
	rate(r, sizeof(r), bytes, us);
	port_printf("BENCH read %lu MiB in %lu commands of %u KiB: %lu us, %s\n", mib, submitted(q) - s0,
		    xfer / KIB, us, r);
	if (pattern_diff(0xBE, false, 0, b, bytes) >= 0) {
		fail("bench", "the data read back differ from what was written");
		return 1;
	}
	pass("bench", "%lu MiB written and read back", mib);
	return 0;
}

/* ---------------------------------------------------------------- main */

static void print_controller(void)
{
	uint32_t vs = nvme_ctrl_version(&ctrl);
	port_printf("controller: model \"%s\" serial \"%s\" firmware \"%s\" NVMe %u.%u\n",
		    nvme_ctrl_model(&ctrl), nvme_ctrl_serial(&ctrl), nvme_ctrl_firmware(&ctrl), vs >> 16,
		    (vs >> 8) & 0xffu);
	port_printf("controller: CAP 0x%016lx, page %u, max transfer %u bytes, %u I/O queue pair(s), "
		    "data pointers %s%s\n", nvme_ctrl_cap(&ctrl), nvme_ctrl_page_size(&ctrl),
		    nvme_ctrl_max_transfer(&ctrl), nvme_ctrl_io_queue_count(&ctrl),
		    nvme_ctrl_uses_sgl(&ctrl) ? "SGL" : "PRP",
		    nvme_ctrl_shadow_doorbells(&ctrl) ? ", shadow doorbells" : "");
	uint32_t n = nvme_ns_count(&ctrl);
	for (uint32_t i = 0; i < n; i++) {
		struct nvme_ns *ns = nvme_ns_at(&ctrl, i);
		char txt[96] = "usable";
		if (ns->unusable)
			nvme_ns_unusable_text(ns, txt, sizeof(txt));
		port_printf("namespace %u: %lu blocks of %u bytes (%lu MiB), %u blocks per command, %s\n",
			    ns->nsid, ns->size, ns->lba_size, (ns->size << ns->lba_shift) / MIB,
			    ns->max_blocks, txt);
	}
}

int script_run(struct port_env *env)
{
	struct nvme_ctrl_config cfg;
	nvme_config_defaults(&cfg);
	cfg.io_queue_count = 1;
	cfg.io_queue_depth = 64;
	cfg.dptr_mode = NVME_DPTR_PRP;
	char opt[16];
	if (port_opt("dptr", opt, sizeof(opt))) {
		if (strcmp(opt, "sgl") == 0)
			cfg.dptr_mode = NVME_DPTR_SGL;
		else if (strcmp(opt, "auto") == 0)
			cfg.dptr_mode = NVME_DPTR_AUTO;
		else if (strcmp(opt, "prp") != 0)
			port_fatal("option dptr=%s: expected prp, sgl or auto", opt);
	}
	if (port_opt("dbbuf", opt, sizeof(opt))) {
		if (strcmp(opt, "off") == 0)
			cfg.no_shadow_doorbells = true;
		else if (strcmp(opt, "on") != 0)
			port_fatal("option dbbuf=%s: expected on or off", opt);
	}
	uint64_t t0 = port_now_us();
	int rc = nvme_ctrl_init(&ctrl, &env->host, env->bar0, env->bar0_size, &cfg);
	if (rc != 0) {
		fail("attach", "nvme_ctrl_init: %s", why(rc));
		port_printf("RESULT FAIL: the controller did not attach\n");
		return 2;
	}
	pass("attach", "BAR0 0x%lx, %lu us, %lu KiB of DMA memory", env->bar0, port_now_us() - t0,
	     env->dma_bytes / KIB);
	print_controller();

	struct nvme_ns *ns = nvme_ns_at(&ctrl, 0);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(&ctrl, 0);
	if (ns == NULL || ns->unusable || q == NULL || ns->nsid != 1 ||
	    (ns->size << ns->lba_shift) < 32 * MIB) {
		fail("identify", "need a usable namespace 1 of at least 32 MiB and an I/O queue pair");
	} else if (port_opt("bench", NULL, 0)) {
		bench(ns, q);
	} else {
		pass("identify", "namespace 1: %u-byte blocks, max %u blocks per command", ns->lba_size,
		     ns->max_blocks);
		step_io("io-aligned", ns, q, 1 * MIB, 1 * MIB + 12 * KIB, 0xA1, 0);
		step_io("io-prp-offset", ns, q, 3 * MIB, 768 * KIB + 4 * KIB, 0xB2, 8);
		step_io("io-bounce", ns, q, 5 * MIB, 256 * KIB + 4 * KIB, 0xC3, 1);
		step_bytes(ns, q);
		step_trim(ns, q);
		step_write_zeroes(ns, q);
		step_async(ns, q);
		rc = nvme_flush(ns, q);
		if (rc != 0)
			fail("flush", "%s", why(rc));
		else
			pass("flush", NULL);
	}

	t0 = port_now_us();
	rc = nvme_ctrl_shutdown(&ctrl, false);
	if (rc != 0)
		fail("shutdown", "%s", why(rc));
	else if (nvme_ctrl_get_state(&ctrl) != NVME_CTRL_SHUTDOWN)
		fail("shutdown", "state %d after shutdown", (int)nvme_ctrl_get_state(&ctrl));
	else
		pass("shutdown", "normal shutdown (CC.SHN) complete in %lu us", port_now_us() - t0);
	nvme_ctrl_detach(&ctrl);
	if (env->dma_bytes != 0)
		fail("detach", "%lu bytes of DMA memory not returned", env->dma_bytes);

	if (failed) {
		port_printf("RESULT FAIL (%u passed, %u failed)\n", passed, failed);
		return 1;
	}
	port_printf("RESULT PASS (%u passed)\n", passed);
	return 0;
}
