/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_erase.c - the commands that destroy data on purpose:
 * `sanitize` (nvme_sanitize_start + nvme_sanitize_wait with a progress bar
 * from SPROG) and `format` (nvme_format_nvm). Both show the controller's
 * model and serial and what will be destroyed and ask for 'yes' unless
 * --yes; both are refused with the driver's reason when the controller does
 * not advertise them (SANICAP; OACS bit 1, FNA bit 2), --force sends them.
 */
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

/* ------------------------------------------------------------ sanitize */

static const struct {
	const char *name, *alias;   /* ours, nvme-cli's */
	uint8_t sanact;
	int opt;                    /* enum nvme_opt, or -1 */
	unsigned bit;               /* SANICAP bit */
	const char *bitname;
} sanacts[] = {
	{ "exit-failure", "exit-failure", NVME_SANACT_EXIT_FAILURE, -1, 0, "" },
	{ "block-erase", "start-block-erase", NVME_SANACT_BLOCK_ERASE, NVME_OPT_SANITIZE_BLOCK, 1, "BES" },
	{ "overwrite", "start-overwrite", NVME_SANACT_OVERWRITE, NVME_OPT_SANITIZE_OVERWRITE, 2, "OWS" },
	{ "crypto-erase", "start-crypto-erase", NVME_SANACT_CRYPTO_ERASE, NVME_OPT_SANITIZE_CRYPTO, 0, "CES" },
};
#define NSANACT (sizeof(sanacts) / sizeof(sanacts[0]))

static int find_sanact(const char *s)
{
	uint64_t v;
	for (unsigned i = 0; i < NSANACT; i++)
		if (strcmp(s, sanacts[i].name) == 0 || strcmp(s, sanacts[i].alias) == 0)
			return (int)i;
	if (parse_u64(s, &v))
		for (unsigned i = 0; i < NSANACT; i++)
			if (sanacts[i].sanact == v)
				return (int)i;
	return -1;
}

struct san_progress {
	char label[32];
	bool bar, interrupted;
	unsigned last_pct;
};

static int san_progress_cb(void *arg, const struct nvme_sanitize_status *st)
{
	struct san_progress *p = arg;
	if (st->status == NVME_SSTAT_IN_PROGRESS) {
		p->bar = true;
		p->last_pct = st->percent;
		console_progress(p->label, st->sprog, 65536);
		if (console_check_interrupt()) {
			p->interrupted = true;
			return 1;
		}
	} else if (p->bar && st->status != NVME_SSTAT_FAILED) {
		console_progress(p->label, 65536, 65536);
		p->bar = false;
	}
	return 0;
}

static void list_namespaces(const struct nvsh_target *tg, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (uint32_t i = 0; i < nvme_ns_count(tg->c) && n < len; i++) {
		const struct nvme_ns *ns = nvme_ns_at(tg->c, i);
		char nm[24], sz[24];
		nvme_port_ns_name(tg->t, ns->nsid, nm, sizeof(nm));
		nvsh_fmt_size(ns->size << ns->lba_shift, sz, sizeof(sz));
		n += (size_t)ksnprintf(buf + n, len - n, "%s%s %s", i ? ", " : "", nm, sz);
	}
	if (nvme_ns_count(tg->c) == 0)
		strlcpy(buf, "no namespaces known", len);
}

static int cmd_sanitize(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "sanact", .short_name = 'a', .takes_value = true },
		{ .name = "ause", .short_name = 'A' },
		{ .name = "owpass", .short_name = 'n', .takes_value = true },
		{ .name = "oipbp", .short_name = 'I' },
		{ .name = "ovrpat", .short_name = 'p', .takes_value = true },
		{ .name = "no-dealloc", .short_name = 'd' },
		{ .name = "no-wait" },
		NVSH_OPT_YES, NVSH_OPT_FORCE,
		{ 0 },
	};
	struct nvsh_target tg;
	uint64_t owpass = 1, ovrpat = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc || (rc = nvsh_opt_u64_max(opts, "owpass", 16, &owpass)) ||
	    (rc = nvsh_opt_u64_max(opts, "ovrpat", 0xFFFFFFFFull, &ovrpat)))
		return rc;
	struct shell_opt *oa = nvsh_opt(opts, "sanact");
	if (!oa->set)
		return shell_usage_error("missing --sanact (block-erase, crypto-erase, overwrite or exit-failure)");
	int k = find_sanact(oa->value);
	if (k < 0)
		return shell_usage_error("bad value for --sanact: '%s' (block-erase, crypto-erase, overwrite, "
					 "exit-failure or 1..4)", oa->value);
	bool overwrite = sanacts[k].sanact == NVME_SANACT_OVERWRITE;
	if (nvsh_isset(opts, "owpass") && owpass == 0)
		return shell_usage_error("--owpass 0: 1..16 overwrite passes");
	if (!overwrite && (nvsh_isset(opts, "owpass") || nvsh_isset(opts, "oipbp") || nvsh_isset(opts, "ovrpat")))
		return shell_usage_error("--owpass, --oipbp and --ovrpat go with --sanact overwrite");
	bool force = nvsh_isset(opts, "force");
	uint32_t sanicap = nvme_ctrl_id(tg.c)->sanicap;
	if (sanacts[k].opt >= 0 && !force) {
		char why[160];
		rc = nvme_ctrl_supports(tg.c, (enum nvme_opt)sanacts[k].opt, why, sizeof(why));
		if (rc == NVME_ERR_NOT_ADVERTISED)
			return shell_usage_error("Sanitize (%s): not supported by this controller: %s; SANICAP bit %u (%s) "
						 "is clear; --force sends it anyway", sanacts[k].name, why,
						 sanacts[k].bit, sanacts[k].bitname);
		if (rc)
			return nvsh_fail("support check", rc);
	}
	struct nvme_sanitize_opts so = {
		.action = sanacts[k].sanact,
		.ause = nvsh_isset(opts, "ause"),
		.no_dealloc = nvsh_isset(opts, "no-dealloc"),
		.owpass = (uint8_t)owpass,
		.invert = nvsh_isset(opts, "oipbp"),
		.pattern = (uint32_t)ovrpat,
		.flags = force ? NVME_CMD_FORCE : 0,
	};
	if (so.action != NVME_SANACT_EXIT_FAILURE) {
		char nss[160], how[64];
		list_namespaces(&tg, nss, sizeof(nss));
		if (overwrite)
			ksnprintf(how, sizeof(how), "overwrite (%u pass%s, pattern 0x%08x%s)", (unsigned)owpass,
				  owpass == 1 ? "" : "es", (unsigned)ovrpat, so.invert ? ", inverted between passes" : "");
		else
			strlcpy(how, sanacts[k].name, sizeof(how));
		rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"),
				  "sanitize %s by %s: ALL USER DATA ON EVERY NAMESPACE OF THE CONTROLLER (%s) and in its "
				  "caches is destroyed.\nOnce started it cannot be stopped, survives resets and power "
				  "cycles, and I/O fails until it completes", tg.t->name, how, nss);
		if (rc)
			return rc;
	}
	rc = nvme_sanitize_start(tg.c, &so);
	if (rc == NVME_ERR_NOT_ADVERTISED)
		return nvsh_status(&tg, "sanitize", rc);
	if (rc)
		return nvsh_fail("sanitize", rc);
	if (so.action == NVME_SANACT_EXIT_FAILURE) {
		kprintf("sanitize: Success: %s left the sanitize failure mode\n", tg.t->name);
		return SHELL_OK;
	}
	kprintf("sanitize: started (%s, SANICAP %08Xh)\n", sanacts[k].name, (unsigned)sanicap);
	if (nvsh_isset(opts, "no-wait")) {
		kprintf("not waiting: 'sanitize-log' shows the progress\n");
		return SHELL_OK;
	}
	kprintf("waiting for it (Ctrl-C stops waiting; the sanitize itself cannot be stopped)\n");
	struct san_progress pr = { .bar = false };
	ksnprintf(pr.label, sizeof(pr.label), "sanitize %s", tg.t->name);
	so.progress = san_progress_cb;
	so.arg = &pr;
	struct nvme_sanitize_status st;
	memset(&st, 0, sizeof(st));
	uint64_t t0 = time_now_us();
	rc = nvme_sanitize_wait(tg.c, &so, &st);
	uint64_t ms = (time_now_us() - t0) / 1000;
	if (rc == NVME_ERR_CANCELLED) {
		kprintf("\nstopped waiting at %u%%: the sanitize goes on in the controller and cannot be stopped; I/O "
			"fails with Sanitize In Progress until it completes; 'sanitize-log' shows its progress\n",
			(unsigned)pr.last_pct);
		return SHELL_ERR;
	}
	if (pr.bar)
		kprintf("\n");
	if (rc == NVME_ERR_SANITIZE_FAILED)
		return shell_error("sanitize failed: the Sanitize Status log says so (SSTAT %#x); 'sanitize -a "
				   "exit-failure' leaves the failure mode", (unsigned)st.sstat);
	if (rc)
		return nvsh_fail("sanitize (waiting)", rc);
	kprintf("sanitize: Success: %s in %llu ms (SSTAT %#x%s)\n", nvme_sstat_name(st.status), (unsigned long long)ms,
		(unsigned)st.sstat, st.global_erased ? ", global data erased" : "");
	return SHELL_OK;
}
NVSH_COMMAND("sanitize",
	     "sanitize [DEVICE] -a ACTION [--ause] [--owpass N] [--oipbp] [--ovrpat P] [--no-dealloc] [--no-wait] "
	     "[--yes] [--force]",
	     "erase all user data of the controller: block erase, crypto erase, overwrite (nvme-cli sanitize)",
	     NVSH_HELP_CTRL
	     "-a/--sanact block-erase | crypto-erase | overwrite | exit-failure (or 2, 4, 3, 1;\n"
	     "nvme-cli's start-block-erase etc. work too). -A/--ause allow unrestricted sanitize\n"
	     "exit, -d/--no-dealloc no deallocation afterwards; overwrite: -n/--owpass 1..16\n"
	     "passes, -I/--oipbp invert the pattern between passes, -p/--ovrpat 32-bit pattern.\n"
	     "Sanitize acts on the whole NVM subsystem: every namespace's user data is gone.\n"
	     "Shows model, serial, the namespaces and asks for 'yes' unless --yes (not for\n"
	     "exit-failure, which erases nothing). Then waits, with a progress bar from the\n"
	     "Sanitize Status log's SPROG; Ctrl-C stops waiting, not the sanitize (which cannot\n"
	     "be stopped); --no-wait returns at once. Refused with SANICAP and the bit when the\n"
	     "controller lacks the action (QEMU 7.2: SANICAP 0).\n" NVSH_HELP_FORCE,
	     cmd_sanitize);

/* ------------------------------------------------------------ format */

static void print_ns_format(const struct nvsh_target *tg, uint32_t nsid)
{
	const struct nvme_ns *ns = nvme_ns_get(tg->c, nsid);
	char nm[24], sz[24];
	nvme_port_ns_name(tg->t, nsid, nm, sizeof(nm));
	if (!ns) {
		kprintf("%s: gone after the format\n", nm);
		return;
	}
	const struct nvme_ns_format *f = &ns->formats[ns->format_index];
	nvsh_fmt_size(ns->size * f->data_size, sz, sizeof(sz));
	kprintf("%s: LBA format %u (%u B data + %u B metadata), %llu blocks = %s, nuse %llu", nm,
		(unsigned)ns->format_index, (unsigned)f->data_size, (unsigned)f->meta_size,
		(unsigned long long)ns->size, sz, (unsigned long long)ns->utilization);
	if (ns->unusable) {
		char why[96];
		nvme_status_describe(ns->unusable, why, sizeof(why));
		kprintf(", not usable for I/O by the driver: %s", why);
	}
	kprintf("\n");
}

struct fmt_progress {
	char label[32];
	bool bar;            /* a progress bar (FPI) was printed */
	bool line;           /* an elapsed-time line was printed */
	bool interrupted;
	struct nvme_format_progress last;
};

/* Called by the driver while Format NVM runs (every second): the device's
 * FPI as a bar when the namespace reports it, else the time waited. */
static int fmt_progress_cb(void *arg, const struct nvme_format_progress *p)
{
	struct fmt_progress *g = arg;
	g->last = *p;
	if (p->fpi) {
		g->bar = true;
		console_progress(g->label, p->percent, 100);
	} else {
		g->line = true;
		kprintf("\r%s: %llu s (the device reports no progress; waiting up to %llu s)\x1b[K", g->label,
			(unsigned long long)(p->elapsed_ms / 1000), (unsigned long long)(p->timeout_ms / 1000));
	}
	if (console_check_interrupt()) {
		g->interrupted = true;
		return 1;
	}
	return 0;
}

/* End the progress output with a newline if one is pending. */
static void fmt_progress_end(struct fmt_progress *g)
{
	if (g->line || (g->bar && g->last.percent < 100))
		kprintf("\n");
	g->line = g->bar = false;
}

static int check_lbaf(const struct nvsh_target *tg, const struct nvme_ns *ns, uint64_t lbaf)
{
	char nm[24];
	nvme_port_ns_name(tg->t, ns->nsid, nm, sizeof(nm));
	if (lbaf >= ns->format_count)
		return shell_usage_error("--lbaf %llu is out of range: %s has LBA formats 0..%u", (unsigned long long)lbaf,
					 nm, (unsigned)(ns->format_count - 1));
	if (ns->formats[lbaf].data_size == 0)
		return shell_usage_error("--lbaf %llu: LBADS %u is outside the driver's 512 B..64 KiB", (unsigned long long)lbaf,
					 (unsigned)ns->formats[lbaf].lbads);
	return SHELL_OK;
}

static int cmd_format(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "lbaf", .short_name = 'l', .takes_value = true },
		{ .name = "ses", .short_name = 's', .takes_value = true },
		{ .name = "pi", .short_name = 'i', .takes_value = true },
		{ .name = "pil", .short_name = 'p' },
		{ .name = "ms", .short_name = 'm', .takes_value = true },
		NVSH_OPT_YES, NVSH_OPT_FORCE,
		{ 0 },
	};
	struct nvsh_target tg;
	uint64_t lbaf = 0, ses = 0, pi = 0, ms = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS_OPTIONAL, &tg);
	if (rc || (rc = nvsh_opt_u64_max(opts, "lbaf", NVME_ID_NS_MAX_LBAF - 1, &lbaf)) ||
	    (rc = nvsh_opt_u64_max(opts, "ses", 2, &ses)) || (rc = nvsh_opt_u64_max(opts, "pi", 3, &pi)) ||
	    (rc = nvsh_opt_u64_max(opts, "ms", 1, &ms)))
		return rc;
	bool all = tg.nsid == NVME_NSID_ALL;
	if (!all && !tg.ns) {
		tg.ns = nvme_ns_at(tg.c, 0);
		if (!tg.ns)
			return shell_error("%s has no namespaces", tg.t->name);
		tg.nsid = tg.ns->nsid;
		nvme_port_ns_name(tg.t, tg.nsid, tg.name, sizeof(tg.name));
	}
	if (!nvsh_isset(opts, "lbaf")) {
		if (all)
			return shell_usage_error("missing --lbaf (needed with --namespace-id 0xffffffff)");
		lbaf = tg.ns->format_index; /* nvme-cli: keep the current format */
	}
	uint32_t count = nvme_ns_count(tg.c);
	for (uint32_t i = 0; i < count; i++) {
		const struct nvme_ns *ns = nvme_ns_at(tg.c, i);
		if ((all || ns == tg.ns) && (rc = check_lbaf(&tg, ns, lbaf)))
			return rc;
	}
	bool force = nvsh_isset(opts, "force");
	if ((rc = nvsh_require(&tg, NVME_OPT_FORMAT, force, "Format NVM")) ||
	    (ses == NVME_FORMAT_SES_CRYPTO &&
	     (rc = nvsh_require(&tg, NVME_OPT_FORMAT_CRYPTO, force, "Format NVM (cryptographic erase)"))))
		return rc;
	const struct nvme_id_ctrl *id = nvme_ctrl_id(tg.c);
	const struct nvme_ns *ref = all ? nvme_ns_at(tg.c, 0) : tg.ns;
	static const char *const ses_names[] = { "no secure erase", "user data erase", "cryptographic erase" };
	char target[160], fmt[96];
	if (all) {
		list_namespaces(&tg, target, sizeof(target));
	} else {
		char sz[24];
		nvsh_fmt_size(tg.ns->size << tg.ns->lba_shift, sz, sizeof(sz));
		ksnprintf(target, sizeof(target), "%s (NSID %u: %llu blocks x %u B = %s, LBA format %u)", tg.name,
			  (unsigned)tg.nsid, (unsigned long long)tg.ns->size, (unsigned)tg.ns->lba_size, sz,
			  (unsigned)tg.ns->format_index);
	}
	if (ref)
		ksnprintf(fmt, sizeof(fmt), "LBA format %u (%u B data + %u B metadata)", (unsigned)lbaf,
			  (unsigned)ref->formats[lbaf].data_size, (unsigned)ref->formats[lbaf].meta_size);
	else
		ksnprintf(fmt, sizeof(fmt), "LBA format %u", (unsigned)lbaf);
	bool fna_all = NVME_GET(id->fna, NVME_FNA_FORMAT_ALL_NS) != 0;
	if (ref && ref->formats[lbaf].meta_size)
		kprintf("note: LBA format %u has %u bytes of metadata per block: read/write move it with their "
			"metadata options (help read)\n", (unsigned)lbaf, (unsigned)ref->formats[lbaf].meta_size);
	rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"),
			  "format %s%s to %s, %s, PI %u%s: ALL DATA ON %s IS LOST%s", all ? "every namespace: " : "",
			  target, fmt, ses_names[ses], (unsigned)pi, ms ? ", metadata in extended LBAs" : "",
			  all ? "THEM" : tg.name,
			  fna_all && !all ? " (FNA bit 0: the controller formats ALL its namespaces together)" : "");
	if (rc)
		return rc;
	struct fmt_progress pr = { .bar = false };
	ksnprintf(pr.label, sizeof(pr.label), "format %s", all ? tg.t->name : tg.name);
	struct nvme_format_opts fo = { .lbaf = (uint8_t)lbaf, .ses = (uint8_t)ses, .mset = ms != 0, .pi = (uint8_t)pi,
				       .pil = nvsh_isset(opts, "pil"), .flags = force ? NVME_CMD_FORCE : 0,
				       .progress = fmt_progress_cb, .arg = &pr };
	kprintf("formatting (progress from the namespace's FPI, else the time; Ctrl-C stops waiting, not the "
		"format)...\n");
	uint32_t nsid = tg.nsid;
	uint64_t t0 = time_now_us();
	rc = nvme_format_nvm(tg.c, nsid, &fo);
	uint64_t elapsed = (time_now_us() - t0) / 1000;
	fmt_progress_end(&pr);
	if (rc == NVME_ERR_NOT_ADVERTISED)
		return nvsh_status(&tg, "format", rc);
	if (rc == NVME_ERR_CANCELLED) {
		char at[48] = "";
		if (pr.last.fpi)
			ksnprintf(at, sizeof(at), ", the device reported %u%% done", (unsigned)pr.last.percent);
		kprintf("stopped waiting after %llu ms%s: Format NVM goes on in the controller, which cannot be told to "
			"stop; I/O to the namespace%s may fail until it completes; 'ns-rescan %s' re-reads the namespaces "
			"afterwards\n", (unsigned long long)elapsed, at, all || fna_all ? "s" : "", tg.t->name);
		return SHELL_ERR;
	}
	if (rc) {
		nvsh_fail("format", rc);
		kprintf("namespaces as re-read after the failure:\n");
	} else {
		kprintf("format: Success in %llu ms; namespaces re-read:\n", (unsigned long long)elapsed);
	}
	for (uint32_t i = 0; i < nvme_ns_count(tg.c); i++) {
		uint32_t id_ = nvme_ns_at(tg.c, i)->nsid;
		if (all || fna_all || id_ == nsid)
			print_ns_format(&tg, id_);
	}
	if (!all && !nvme_ns_get(tg.c, nsid))
		print_ns_format(&tg, nsid);
	return rc ? SHELL_ERR : SHELL_OK;
}
NVSH_COMMAND("format", "format [DEVICE] [-n NSID] [-l LBAF] [-s SES] [-i PI] [-p] [-m MS] [--yes] [--force]",
	     "low-level format a namespace, e.g. to another LBA format (nvme-cli format)",
	     NVSH_HELP_DEVICE
	     "-l/--lbaf LBA format index (default: the current one; 'id-ns' lists them),\n"
	     "-s/--ses 0 none, 1 user data erase, 2 cryptographic erase (needs FNA bit 2),\n"
	     "-i/--pi protection information type 0..3, -p/--pil PI first in metadata,\n"
	     "-m/--ms 1: metadata in extended LBAs. -n 0xffffffff formats every namespace.\n"
	     "Shows model, serial and the namespace with its size and format, and asks for\n"
	     "'yes' unless --yes (nvme-cli's -f/--force; here --force means: send even if\n"
	     "OACS bit 1 is clear). While the format runs (the driver waits up to 10 minutes)\n"
	     "a progress bar follows the namespace's Format Progress Indicator when it reports\n"
	     "one (Identify Namespace FPI, read every second), else the seconds waited are\n"
	     "shown. Ctrl-C stops waiting: the format goes on in the controller (it cannot be\n"
	     "stopped), I/O may fail until it is done, and 'ns-rescan' re-reads the namespaces\n"
	     "later. Afterwards the namespaces are re-read and printed (format, size,\n"
	     "usability). Formats with metadata leave the namespace unusable for I/O by the\n"
	     "driver.\n" NVSH_HELP_FORCE,
	     cmd_format);

/* ------------------------------------------------------------ ns-rescan */

static int cmd_ns_rescan(int argc, char **argv)
{
	struct shell_opt opts[] = { { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc)
		return rc;
	rc = nvme_ns_rescan(tg.c);
	if (rc)
		return nvsh_fail("ns-rescan", rc);
	uint32_t n = nvme_ns_count(tg.c);
	kprintf("%s: %u namespace%s (%u active)\n", tg.t->name, (unsigned)n, n == 1 ? "" : "s",
		(unsigned)nvme_ns_active_count(tg.c));
	for (uint32_t i = 0; i < n; i++)
		print_ns_format(&tg, nvme_ns_at(tg.c, i)->nsid);
	return SHELL_OK;
}
NVSH_COMMAND("ns-rescan", "ns-rescan [DEVICE]", "re-read the namespace list and every namespace (nvme-cli ns-rescan)",
	     NVSH_HELP_CTRL
	     "Identify: the active namespace list and each namespace's data (format, size), e.g.\n"
	     "after a format that was still running when 'format' stopped waiting. Prints the\n"
	     "namespaces as 'format' does afterwards.",
	     cmd_ns_rescan);
