/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_nvme_util.c - shared helpers of the NVMe shell commands (shell_nvme.h). */
#include <stdarg.h>
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

uint8_t nvsh_scratch[4096] __attribute__((aligned(4096)));

/* ------------------------------------------------------------ options */

struct shell_opt *nvsh_opt(struct shell_opt *opts, const char *name)
{
	static struct shell_opt unset;
	for (struct shell_opt *o = opts; o->name || o->short_name; o++)
		if (o->name && strcmp(o->name, name) == 0)
			return o;
	unset.set = false;
	unset.value = NULL;
	return &unset;
}

bool nvsh_isset(struct shell_opt *opts, const char *name) { return nvsh_opt(opts, name)->set; }

int nvsh_opt_u64(struct shell_opt *opts, const char *name, uint64_t *v)
{
	return shell_opt_u64(nvsh_opt(opts, name), v);
}

int nvsh_opt_u64_max(struct shell_opt *opts, const char *name, uint64_t max, uint64_t *v)
{
	struct shell_opt *o = nvsh_opt(opts, name);
	uint64_t x = *v;
	int rc = shell_opt_u64(o, &x);
	if (rc)
		return rc;
	if (o->set && x > max)
		return shell_usage_error("--%s %s is out of range (at most %llu)", name, o->value,
					 (unsigned long long)max);
	*v = x;
	return SHELL_OK;
}

/* ------------------------------------------------------------ targets */

const char *nvsh_state_name(enum nvme_ctrl_state s)
{
	switch (s) {
	case NVME_CTRL_OFF: return "off";
	case NVME_CTRL_READY: return "ready";
	case NVME_CTRL_SHUTDOWN: return "shut down";
	case NVME_CTRL_FAILED: return "failed";
	case NVME_CTRL_GONE: return "gone";
	}
	return "?";
}

int nvsh_fail(const char *what, int status)
{
	char why[112];
	nvme_status_describe(status, why, sizeof(why));
	return shell_error("%s failed: %s", what, why);
}

static int require(const struct nvsh_target *tg, enum nvme_opt opt, int opcode, bool force, const char *what)
{
	char why[320];
	if (force)
		return SHELL_OK;
	int rc = opcode < 0 ? nvme_ctrl_supports(tg->c, opt, why, sizeof(why))
			    : nvme_ctrl_supports_cmd(tg->c, opt, (uint8_t)opcode, why, sizeof(why));
	if (rc == 0)
		return SHELL_OK;
	if (rc != NVME_ERR_NOT_ADVERTISED)
		return nvsh_fail("support check", rc);
	return shell_usage_error("%s: not supported by this controller: %s; --force sends it anyway", what,
				 why);
}

int nvsh_require(const struct nvsh_target *tg, enum nvme_opt opt, bool force, const char *what)
{
	return require(tg, opt, -1, force, what);
}

int nvsh_require_cmd(const struct nvsh_target *tg, enum nvme_opt opt, uint8_t opcode, bool force, const char *what)
{
	return require(tg, opt, opcode, force, what);
}

int nvsh_status(const struct nvsh_target *tg, const char *what, int status)
{
	if (status == NVME_ERR_NOT_ADVERTISED)
		return shell_usage_error("%s; --force sends it anyway", nvme_ctrl_refusal(tg->c));
	return nvsh_fail(what, status);
}

int nvsh_parse_list(const char *opt, const char *s, uint64_t *out, uint32_t max, uint64_t limit,
		    uint32_t *n)
{
	char item[32];
	uint32_t k = 0;
	const char *p = s;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (k == max)
			return shell_usage_error("--%s: more than %u entries", opt, (unsigned)max);
		if (l == 0 || l >= sizeof(item))
			return shell_usage_error("bad number for --%s: entry %u is '%.*s'", opt, (unsigned)(k + 1),
						 (int)(l < 24 ? l : 24), p);
		memcpy(item, p, l);
		item[l] = 0;
		uint64_t v;
		if (!parse_u64(item, &v))
			return shell_usage_error("bad number for --%s: entry %u is '%s'", opt, (unsigned)(k + 1),
						 item);
		if (v > limit)
			return shell_usage_error("--%s: entry %u (%s) is out of range (at most %llu)", opt,
						 (unsigned)(k + 1), item, (unsigned long long)limit);
		out[k++] = v;
		if (!e)
			break;
		p = e + 1;
	}
	*n = k;
	return SHELL_OK;
}

static void list_ctrls(char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; i < nvme_port_count() && n < len; i++)
		if (nvme_port_at(i)) /* NULL: hot-unplugged */
			n += (size_t)ksnprintf(buf + n, len - n, "%s%s", n ? ", " : "", nvme_port_at(i)->name);
	if (n == 0)
		strlcpy(buf, "none", len);
}

static void list_nss(const struct nvmetk_ctrl *t, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	uint32_t cnt = t->attached ? nvme_ns_count(t->ctrl) : 0;
	for (uint32_t i = 0; i < cnt && n < len; i++) {
		char nm[24];
		nvme_port_ns_name(t, nvme_ns_at(t->ctrl, i)->nsid, nm, sizeof(nm));
		n += (size_t)ksnprintf(buf + n, len - n, "%s%s", i ? ", " : "", nm);
	}
	if (cnt == 0)
		strlcpy(buf, "none", len);
}

/* "nvme0" / "nvme0n1" / "/dev/nvme0n1": controller index and NSID (0 if no
 * namespace part). false if it is not such a name. */
static bool parse_devname(const char *s, uint32_t *ci, uint32_t *nsid)
{
	if (str_starts_with(s, "/dev/"))
		s += 5;
	if (!str_starts_with(s, "nvme"))
		return false;
	s += 4;
	uint64_t c = 0, n = 0;
	int digits = 0;
	for (; k_isdigit(*s); s++, digits++) {
		c = c * 10 + (uint64_t)(*s - '0');
		if (c > 0xFFFF)
			return false;
	}
	if (digits == 0)
		return false;
	*ci = (uint32_t)c;
	*nsid = 0;
	if (*s == 0)
		return true;
	if (*s != 'n')
		return false;
	s++;
	digits = 0;
	for (; k_isdigit(*s); s++, digits++) {
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > 0xFFFFFFFFull)
			return false;
	}
	if (digits == 0 || *s != 0 || n == 0)
		return false;
	*nsid = (uint32_t)n;
	return true;
}

static bool looks_like_device(const char *s)
{
	return str_starts_with(s, "nvme") || str_starts_with(s, "/dev/");
}

static struct nvmetk_ctrl *first_attached(void)
{
	for (int i = 0; i < nvme_port_count(); i++)
		if (nvme_port_at(i) && nvme_port_at(i)->attached)
			return nvme_port_at(i);
	return NULL;
}

/* Resolves controller name (if given) and checks it can be used. */
static int pick_ctrl(const char *devname, uint32_t ci, unsigned flags, struct nvmetk_ctrl **out)
{
	char known[160];
	struct nvmetk_ctrl *t;
	if (devname) {
		t = nvme_port_at((int)ci);
		if (!t) {
			list_ctrls(known, sizeof(known));
			return shell_usage_error("no controller nvme%u (known: %s)", (unsigned)ci, known);
		}
	} else {
		t = first_attached();
		if (!t) {
			list_ctrls(known, sizeof(known));
			if (strcmp(known, "none") == 0) /* none, or all hot-unplugged */
				return shell_error("no NVMe controller found");
			return shell_error("no NVMe controller attached (%s failed to attach)", known);
		}
	}
	if (!t->attached) {
		char why[96];
		nvme_status_describe(t->attach_rc, why, sizeof(why));
		return shell_error("%s is not usable: attach failed: %s", t->name, why);
	}
	if (nvme_port_removing(t))
		return shell_error("%s is being removed (%s): no new commands", t->name, nvme_port_removing(t));
	enum nvme_ctrl_state st = nvme_ctrl_get_state(t->ctrl);
	if (!(flags & NVSH_ANY_STATE) && st != NVME_CTRL_READY) {
		const char *hint = st == NVME_CTRL_SHUTDOWN ? " (resume brings it back)"
				   : st == NVME_CTRL_FAILED  ? " (reset may recover it)"
							     : "";
		return shell_error("%s is %s%s", t->name, nvsh_state_name(st), hint);
	}
	*out = t;
	return SHELL_OK;
}

int nvsh_select(char **pos, int *npos, struct shell_opt *opts, unsigned flags, struct nvsh_target *tg)
{
	memset(tg, 0, sizeof(*tg));
	const char *devname = NULL;
	uint32_t ci = 0, name_nsid = 0;
	if (*npos > 0 && looks_like_device(pos[0])) {
		devname = pos[0];
		if (!parse_devname(devname, &ci, &name_nsid))
			return shell_usage_error("bad device name '%s' (expected nvmeN or nvmeNnM, e.g. "
						 "nvme0n1)", devname);
		for (int i = 1; i < *npos; i++)
			pos[i - 1] = pos[i];
		(*npos)--;
	}
	int rc = pick_ctrl(devname, ci, flags, &tg->t);
	if (rc)
		return rc;
	tg->c = tg->t->ctrl;
	strlcpy(tg->name, tg->t->name, sizeof(tg->name));

	struct shell_opt *nopt = opts ? nvsh_opt(opts, "namespace-id") : NULL;
	uint32_t nsid = name_nsid;
	if (nopt && nopt->set) {
		uint64_t v;
		if (!parse_u64(nopt->value, &v) || v > 0xFFFFFFFFull)
			return shell_usage_error("bad NSID for --namespace-id: '%s'", nopt->value);
		if (v == 0)
			return shell_usage_error("--namespace-id 0 is not a namespace (NSIDs start at 1)");
		if (name_nsid && v != name_nsid)
			return shell_usage_error("two namespaces given: %s and --namespace-id %llu", devname,
						 (unsigned long long)v);
		nsid = (uint32_t)v;
	}
	if (!(flags & (NVSH_NS | NVSH_NS_OPTIONAL))) {
		/* A controller command given a namespace name uses its
		 * controller, as nvme-cli does (after checking the name). */
		if (nsid && !nvme_ns_get(tg->c, nsid)) {
			char nss[200];
			list_nss(tg->t, nss, sizeof(nss));
			return shell_usage_error("no namespace %sn%u (known: %s)", tg->t->name, (unsigned)nsid,
						 nss);
		}
		return SHELL_OK;
	}
	if ((flags & NVSH_NS_OPTIONAL) && nsid == 0xFFFFFFFFu) {
		tg->nsid = nsid;
		return SHELL_OK;
	}
	if (nsid == 0 && (flags & NVSH_NS_OPTIONAL))
		return SHELL_OK;
	char known[200];
	if (nsid == 0) {
		tg->ns = nvme_ns_at(tg->c, 0);
		if (!tg->ns)
			return shell_error("%s has no namespaces", tg->t->name);
	} else {
		tg->ns = nvme_ns_get(tg->c, nsid);
		if (!tg->ns) {
			list_nss(tg->t, known, sizeof(known));
			return shell_usage_error("no namespace %sn%u (known: %s)", tg->t->name, (unsigned)nsid,
						 known);
		}
	}
	tg->nsid = tg->ns->nsid;
	nvme_port_ns_name(tg->t, tg->nsid, tg->name, sizeof(tg->name));
	if ((flags & NVSH_IO) && tg->ns->unusable) {
		char why[96];
		nvme_status_describe(tg->ns->unusable, why, sizeof(why));
		return shell_error("%s cannot be used for I/O by the driver: %s", tg->name, why);
	}
	return SHELL_OK;
}

int nvsh_no_more_args(char **pos, int npos)
{
	if (npos > 0)
		return shell_usage_error("unexpected argument '%s'", pos[0]);
	return SHELL_OK;
}

int nvsh_parse_args(int argc, char **argv, struct shell_opt *opts, unsigned flags, struct nvsh_target *tg,
		    char **args, int max, int *nargs)
{
	char *pos[NVSH_MAX_ARGS + 2];
	int npos;
	if (max < 0 || max > NVSH_MAX_ARGS)
		return shell_error("nvsh_parse_args: at most %d arguments", NVSH_MAX_ARGS);
	/* DEVICE, max arguments, and one more to name as unexpected */
	int rc = shell_getopt(argc, argv, opts, pos, max + 2, &npos);
	if (rc)
		return rc;
	struct shell_opt *nso = (flags & NVSH_DEVICE_NS_OPT) ? nvsh_opt(opts, "ns") : NULL;
	if (nso && nso->set) {
		if (npos > 0)
			return shell_usage_error("give the device as --ns NAME or as DEVICE, not both");
		pos[0] = (char *)nso->value;
		npos = 1;
	}
	if ((rc = nvsh_select(pos, &npos, opts, flags, tg)))
		return rc;
	if (npos > max)
		return nvsh_no_more_args(pos + max, npos - max);
	for (int i = 0; i < npos; i++)
		args[i] = pos[i];
	if (nargs)
		*nargs = npos;
	return SHELL_OK;
}

int nvsh_parse(int argc, char **argv, struct shell_opt *opts, unsigned flags, struct nvsh_target *tg)
{
	return nvsh_parse_args(argc, argv, opts, flags, tg, NULL, 0, NULL);
}

int nvsh_select_all(char **pos, int *npos, struct nvmetk_ctrl **out, int max)
{
	if (*npos > 0 && looks_like_device(pos[0])) {
		/* a controller that failed to attach is still listed by name */
		uint32_t ci, nsid;
		struct nvmetk_ctrl *t;
		if (parse_devname(pos[0], &ci, &nsid) && nsid == 0 && (t = nvme_port_at((int)ci)) &&
		    !t->attached) {
			for (int i = 1; i < *npos; i++)
				pos[i - 1] = pos[i];
			(*npos)--;
			out[0] = t;
			return 1;
		}
		struct nvsh_target tg;
		int rc = nvsh_select(pos, npos, NULL, NVSH_CTRL | NVSH_ANY_STATE, &tg);
		if (rc)
			return -rc;
		out[0] = tg.t;
		return 1;
	}
	int n = 0;
	for (int i = 0; i < nvme_port_count() && n < max; i++)
		if (nvme_port_at(i)) /* NULL: hot-unplugged */
			out[n++] = nvme_port_at(i);
	return n;
}

int nvsh_parse_all(int argc, char **argv, struct shell_opt *opts, struct nvmetk_ctrl **out, int max)
{
	char *pos[2];
	int npos;
	int rc = shell_getopt(argc, argv, opts, pos, 2, &npos);
	if (rc)
		return -rc;
	int n = nvsh_select_all(pos, &npos, out, max);
	if (n < 0)
		return n;
	if ((rc = nvsh_no_more_args(pos, npos)))
		return -rc;
	return n;
}

int nvsh_select_qpair(const struct nvsh_target *tg, struct shell_opt *opts, struct nvme_qpair **q)
{
	struct shell_opt *o = nvsh_opt(opts, "qid");
	*q = NULL;
	if (!o->set)
		return SHELL_OK;
	uint64_t qid;
	if (!parse_u64(o->value, &qid))
		return shell_usage_error("bad number for --qid: '%s'", o->value);
	struct nvme_qpair *qp = (qid >= 1 && qid <= NVME_CFG_MAX_IO_QUEUES)
					? nvme_ctrl_qpair(tg->c, (uint16_t)qid)
					: NULL;
	if (!qp) {
		char list[96];
		size_t n = 0;
		list[0] = 0;
		for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++) {
			struct nvme_qpair *x = nvme_ctrl_io_qpair(tg->c, i);
			if (x && n < sizeof(list))
				n += (size_t)ksnprintf(list + n, sizeof(list) - n, "%s%u", n ? ", " : "",
						       (unsigned)(i + 1));
		}
		return shell_usage_error("no I/O queue %s on %s (existing: %s)", o->value, tg->t->name,
					 n ? list : "none");
	}
	*q = qp;
	return SHELL_OK;
}

/* ------------------------------------------------------------ ranges */

int nvsh_parse_range(const struct nvsh_target *tg, struct shell_opt *opts, struct nvsh_range *r)
{
	const struct nvme_ns *ns = tg->ns;
	struct shell_opt *os = nvsh_opt(opts, "start-block"), *oc = nvsh_opt(opts, "count"),
			 *ob = nvsh_opt(opts, "block-count"), *oz = nvsh_opt(opts, "data-size");
	uint64_t lba = 0, count = 0, bc = 0, dsz = 0;
	int rc;
	if ((rc = shell_opt_u64(os, &lba)) || (rc = shell_opt_u64(oc, &count)) ||
	    (rc = shell_opt_u64(ob, &bc)) || (rc = shell_opt_u64(oz, &dsz)))
		return rc;
	if (oc->set && ob->set)
		return shell_usage_error("give --count (1-based) or --block-count (0's based), not both");
	if (oc->set && count == 0)
		return shell_usage_error("--count 0: at least one block is needed");
	if (ob->set) {
		if (bc == UINT64_MAX)
			return shell_usage_error("--block-count %s is too large", ob->value);
		count = bc + 1; /* 0's based, as in nvme-cli */
	}
	if (oz->set) {
		if (dsz == 0)
			return shell_usage_error("--data-size 0: at least one block is needed");
		if (dsz % ns->lba_size)
			return shell_usage_error("--data-size %s is not a multiple of the %u-byte block size "
						 "of %s", oz->value, (unsigned)ns->lba_size, tg->name);
		uint64_t zc = dsz >> ns->lba_shift;
		if ((oc->set || ob->set) && zc != count)
			return shell_usage_error("--data-size %s (%llu blocks) does not match the block count "
						 "%llu", oz->value, (unsigned long long)zc,
						 (unsigned long long)count);
		count = zc;
	}
	if (!oc->set && !ob->set && !oz->set)
		count = 1;
	if (lba >= ns->size)
		return shell_usage_error("start block %llu is beyond the end of %s (%llu blocks, last LBA "
					 "%llu)", (unsigned long long)lba, tg->name,
					 (unsigned long long)ns->size, (unsigned long long)(ns->size - 1));
	if (lba + count < lba)
		return shell_usage_error("start block %llu + %llu blocks overflows 64 bits",
					 (unsigned long long)lba, (unsigned long long)count);
	if (count > ns->size - lba)
		return shell_usage_error("LBA %llu + %llu blocks runs past the end of %s (last LBA %llu)",
					 (unsigned long long)lba, (unsigned long long)count, tg->name,
					 (unsigned long long)(ns->size - 1));
	r->lba = lba;
	r->count = count;
	return SHELL_OK;
}

int nvsh_parse_pattern(struct shell_opt *opts, const char *popt, const struct nvsh_target *tg,
			 const struct nvsh_range *r, struct pattern *p, bool *have)
{
	struct shell_opt *po = nvsh_opt(opts, popt), *dat = nvsh_opt(opts, "data");
	uint64_t seed = 0;
	int rc = nvsh_opt_u64(opts, "seed", &seed);
	if (rc)
		return rc;
	*have = po->set || dat->set;
	if (po->set && dat->set)
		return shell_usage_error("give --%s or --data, not both", popt);
	if (po->set && !pattern_parse(po->value, seed, p))
		return shell_usage_error("bad pattern '%s' for --%s (expected a byte 0..255, zero, inc or "
					 "random)", po->value, popt);
	if (dat->set && !pattern_parse_hex(dat->value, r->lba << tg->ns->lba_shift, p))
		return shell_usage_error("bad hex data for --data: '%s' (expected pairs of hex digits, "
					 "1..%u bytes)", dat->value, (unsigned)PATTERN_DATA_MAX);
	return SHELL_OK;
}

void nvsh_range_text(const struct nvsh_target *tg, const struct nvsh_range *r, char *buf, size_t len)
{
	char size[24];
	nvsh_fmt_size(r->count << tg->ns->lba_shift, size, sizeof(size));
	ksnprintf(buf, len, "%s LBA %llu..%llu (%llu block%s, %s)", tg->name, (unsigned long long)r->lba,
		  (unsigned long long)(r->lba + r->count - 1), (unsigned long long)r->count,
		  r->count == 1 ? "" : "s", size);
}

bool nvsh_touches_partition_area(const struct nvme_ns *ns, const struct nvsh_range *r)
{
	/* Blocks overlapping the first NVSH_PARTITION_AREA_BYTES bytes. */
	uint64_t blocks = (NVSH_PARTITION_AREA_BYTES + ns->lba_size - 1) >> ns->lba_shift;
	return r->lba < blocks;
}

int nvsh_confirm(const struct nvsh_target *tg, bool yes, const char *what, ...)
{
	va_list ap;
	kprintf("%s: model \"%s\", serial \"%s\"\n", tg->t->name, nvme_ctrl_model(tg->c),
		nvme_ctrl_serial(tg->c));
	kprintf("this will ");
	va_start(ap, what);
	kvprintf(what, ap);
	va_end(ap);
	kprintf("\n");
	if (yes) {
		kprintf("(--yes given: not asking)\n");
		return SHELL_OK;
	}
	if (shell_confirm("Continue?"))
		return SHELL_OK;
	kprintf("aborted: nothing was changed\n");
	return SHELL_ERR;
}

/* ------------------------------------------------------------ buffers */

/* nvsh_buf_alloc, nvsh_buf_free: shell_nvme_dma.c */

int nvsh_run_range(const struct nvsh_target *tg, const struct nvsh_range *r, struct nvsh_op *op,
		   uint64_t *done_out)
{
	const struct nvme_ns *ns = tg->ns;
	size_t chunk = op->chunk_bytes ? op->chunk_bytes : NVSH_CHUNK_BYTES;
	if (chunk < ns->lba_size)
		chunk = ns->lba_size;
	uint64_t total_bytes = r->count << ns->lba_shift;
	if (r->count > (UINT64_MAX >> ns->lba_shift))
		total_bytes = UINT64_MAX;
	if (chunk > total_bytes)
		chunk = (size_t)total_bytes;
	struct nvsh_buf buf = { 0 };
	if (op->need_buffer) {
		if (!nvsh_buf_alloc(&buf, chunk, ns->lba_size))
			return shell_error("no memory for a %u-byte data buffer", (unsigned)ns->lba_size);
		chunk = buf.bytes;
		op->buf_phys = buf.phys;
		op->buf_bytes = buf.bytes;
	}
	/* whole blocks per chunk; nvme_read/write take a 32-bit count */
	uint64_t per = chunk >> ns->lba_shift;
	if (per > 0x80000000ull)
		per = 0x80000000ull;
	bool bar = op->progress && r->count > per;
	char label[48];
	ksnprintf(label, sizeof(label), "%s %s", op->verb, tg->name);

	uint64_t done = 0;
	int result = SHELL_OK;
	while (done < r->count) {
		uint32_t n = (uint32_t)(r->count - done < per ? r->count - done : per);
		uint64_t lba = r->lba + done;
		int rc = op->fn(op->ctx, lba, n, buf.p);
		if (rc == NVSH_STOP) {
			result = SHELL_ERR;
			break;
		}
		if (rc != 0) {
			if (bar)
				kprintf("\n");
			char why[224], what[96];
			nvme_status_describe(rc, why, sizeof(why));
#if NVME_CFG_ZNS
			/* a write a zoned namespace refused: say why in terms of its zone */
			if (nvme_ns_is_zoned(tg->ns) && strcmp(op->verb, "write") == 0)
				nvme_zns_explain(tg->ns, NULL, rc, lba, n, false, why, sizeof(why));
#endif
			ksnprintf(what, sizeof(what), "LBA %llu..%llu", (unsigned long long)lba,
				  (unsigned long long)(lba + n - 1));
			shell_error("%s failed at %s: %s", op->verb, what, why);
			kprintf("%llu of %llu blocks %s before the failure\n", (unsigned long long)done,
				(unsigned long long)r->count, op->past);
			result = SHELL_ERR;
			break;
		}
		done += n;
		if (bar)
			console_progress(label, done, r->count);
		if (done < r->count && console_check_interrupt()) {
			if (bar)
				kprintf("\n");
			kprintf("interrupted: %llu of %llu blocks %s (LBA %llu..%llu); the rest was not "
				"touched\n", (unsigned long long)done, (unsigned long long)r->count, op->past,
				(unsigned long long)r->lba, (unsigned long long)(r->lba + done - 1));
			if (nvme_port_removing(tg->t))
				shell_error("%s stopped: %s is being removed (%s)", op->verb, tg->t->name,
					    nvme_port_removing(tg->t));
			result = SHELL_ERR;
			break;
		}
	}
	nvsh_buf_free(&buf);
	if (done_out)
		*done_out = done;
	return result;
}

/* ------------------------------------------------------------ output */

void nvsh_hexdump_begin(struct nvsh_hexdump *h, uint64_t base)
{
	memset(h, 0, sizeof(*h));
	h->next = base;
}

static void hexdump_line(struct nvsh_hexdump *h, uint64_t off, unsigned n)
{
	if (n == 16 && h->have_prev && memcmp(h->line, h->prev, 16) == 0) {
		if (!h->starred)
			kprintf("*\n");
		h->starred = true;
		return;
	}
	h->starred = false;
	char out[80];
	int k = ksnprintf(out, sizeof(out), "%08llx ", (unsigned long long)off);
	for (unsigned i = 0; i < 16; i++) {
		if (i == 8)
			out[k++] = ' ';
		if (i < n)
			k += ksnprintf(out + k, sizeof(out) - (size_t)k, " %02x", h->line[i]);
		else
			k += ksnprintf(out + k, sizeof(out) - (size_t)k, "   ");
	}
	k += ksnprintf(out + k, sizeof(out) - (size_t)k, "  |");
	for (unsigned i = 0; i < n; i++)
		out[k++] = k_isprint(h->line[i]) ? (char)h->line[i] : '.';
	out[k++] = '|';
	out[k] = 0;
	kprintf("%s\n", out);
	memcpy(h->prev, h->line, 16);
	h->have_prev = n == 16;
}

void nvsh_hexdump_feed(struct nvsh_hexdump *h, const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < len; i++) {
		h->line[h->fill++] = b[i];
		if (h->fill == 16) {
			hexdump_line(h, h->next + i + 1 - 16, 16);
			h->fill = 0;
		}
	}
	h->next += len;
}

void nvsh_hexdump_end(struct nvsh_hexdump *h)
{
	if (h->fill)
		hexdump_line(h, h->next - h->fill, h->fill);
	kprintf("%08llx\n", (unsigned long long)h->next);
}

void nvsh_hexdump(uint64_t base, const void *p, size_t len)
{
	struct nvsh_hexdump h;
	nvsh_hexdump_begin(&h, base);
	nvsh_hexdump_feed(&h, p, len);
	nvsh_hexdump_end(&h);
}

void nvsh_fmt_size(uint64_t bytes, char *buf, size_t len) { nvme_port_fmt_size(bytes, buf, len); }

/* x / unit with one decimal, truncated, without overflowing x * 10. */
static void fmt_tenths_of(uint64_t x, uint64_t unit, const char *name, char *buf, size_t len)
{
	uint64_t tenths = x / unit * 10 + x % unit * 10 / unit;
	ksnprintf(buf, len, "%llu.%llu %s", (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10),
		  name);
}

void nvsh_fmt_rate(uint64_t bytes, uint64_t ns, char *buf, size_t len)
{
	if (ns == 0)
		ns = 1;
	/* bytes per second; bytes * 1e9 overflows past 18 GB: then per us */
	uint64_t bps;
	if (bytes <= UINT64_MAX / 1000000000ull)
		bps = bytes * 1000000000ull / ns;
	else
		bps = ns >= 1000 ? bytes / (ns / 1000) * 1000000ull : UINT64_MAX;
	if (bps >= 1024 * 1024)
		fmt_tenths_of(bps, 1024 * 1024, "MiB/s", buf, len);
	else if (bps >= 1024)
		fmt_tenths_of(bps, 1024, "KiB/s", buf, len);
	else
		ksnprintf(buf, len, "%llu B/s", (unsigned long long)bps);
}

void nvsh_fmt_elapsed(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000000)
		ksnprintf(buf, len, "%llu us", (unsigned long long)(ns / 1000));
	else
		ksnprintf(buf, len, "%llu ms", (unsigned long long)(ns / 1000000));
}
