/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_id.c - `id-ctrl`, `id-ns` and `nvm-id-ctrl`: Identify data with
 * nvme-cli's field names and layout ("name      : value"), optionally
 * decoded (-H) or dumped.
 */
#include "shell_nvme.h"
#include "shell_nvme_drives.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

/* nvme-cli prints most values with %#x: "0" for zero, else 0x... */
static void field_x(const char *name, uint64_t v)
{
	if (v)
		kprintf("%-10s: 0x%llx\n", name, (unsigned long long)v);
	else
		kprintf("%-10s: 0\n", name);
}

static void field_u(const char *name, uint64_t v)
{
	kprintf("%-10s: %llu\n", name, (unsigned long long)v);
}

static void field_s(const char *name, const char *s, size_t max)
{
	kprintf("%-10s: %-.*s\n", name, (int)strnlen(s, max), s);
}

/* 128-bit little-endian byte array as decimal. */
static void field_u128(const char *name, const uint8_t *b)
{
	uint32_t w[4];
	memcpy(w, b, 16);
	char dig[48];
	int n = 0;
	do {
		uint64_t rem = 0;
		for (int i = 3; i >= 0; i--) {
			uint64_t cur = (rem << 32) | w[i];
			w[i] = (uint32_t)(cur / 10);
			rem = cur % 10;
		}
		dig[n++] = (char)('0' + rem);
	} while ((w[0] | w[1] | w[2] | w[3]) && n < 47);
	kprintf("%-10s: ", name);
	while (n)
		console_putc(dig[--n]);
	kprintf("\n");
}

static void field_hexbytes(const char *name, const uint8_t *b, size_t n)
{
	kprintf("%-10s: ", name);
	for (size_t i = 0; i < n; i++)
		kprintf("%02x", b[i]);
	kprintf("\n");
}

/* -H: names of the set bits. */
struct bitname {
	uint8_t bit;
	const char *name;
};

static void decode_bits(uint64_t v, const struct bitname *t)
{
	bool any = false;
	for (; t->name; t++) {
		if (!(v >> t->bit & 1))
			continue;
		kprintf("%s%s", any ? ", " : "            [ ", t->name);
		any = true;
	}
	if (any)
		kprintf(" ]\n");
}

static const struct bitname oacs_bits[] = {
	{ 0, "Security Send/Receive" }, { 1, "Format NVM" }, { 2, "Firmware Download/Commit" },
	{ 3, "Namespace Management" }, { 4, "Device Self-test" }, { 5, "Directives" },
	{ 6, "NVMe-MI Send/Receive" }, { 7, "Virtualization Management" },
	{ 8, "Doorbell Buffer Config" }, { 9, "Get LBA Status" }, { 0, NULL },
};
static const struct bitname oncs_bits[] = {
	{ 0, "Compare" }, { 1, "Write Uncorrectable" }, { 2, "Dataset Management" },
	{ 3, "Write Zeroes" }, { 4, "Save/Select in Features" }, { 5, "Reservations" },
	{ 6, "Timestamp" }, { 7, "Verify" }, { 8, "Copy" }, { 0, NULL },
};
static const struct bitname lpa_bits[] = {
	{ 0, "SMART per namespace" }, { 1, "Commands Supported and Effects" },
	{ 2, "extended data (offsets)" }, { 3, "Telemetry" }, { 4, "Persistent Event" }, { 0, NULL },
};
static const struct bitname cmic_bits[] = {
	{ 0, "multiple ports" }, { 1, "multiple controllers" }, { 2, "SR-IOV" }, { 3, "ANA" }, { 0, NULL },
};
static const struct bitname sanicap_bits[] = {
	{ 0, "Crypto Erase" }, { 1, "Block Erase" }, { 2, "Overwrite" },
	{ 29, "No-Deallocate Inhibited" }, { 0, NULL },
};
static const struct bitname fna_bits[] = {
	{ 0, "format applies to all namespaces" }, { 1, "secure erase applies to all namespaces" },
	{ 2, "crypto erase supported" }, { 0, NULL },
};

static void print_power(const char *label, uint16_t v, unsigned scale)
{
	/* scale 0: not reported, 1: 0.0001 W, 2: 0.01 W */
	if (scale == 1)
		kprintf(" %s:%u.%04uW", label, v / 10000u, v % 10000u);
	else if (scale == 2)
		kprintf(" %s:%u.%02uW", label, v / 100u, v % 100u);
	else
		kprintf(" %s:-", label);
}

static void print_id_ctrl(const struct nvme_id_ctrl *id, bool human)
{
	kprintf("NVME Identify Controller:\n");
	field_x("vid", id->vid);
	field_x("ssvid", id->ssvid);
	field_s("sn", id->sn, sizeof(id->sn));
	field_s("mn", id->mn, sizeof(id->mn));
	field_s("fr", id->fr, sizeof(id->fr));
	field_u("rab", id->rab);
	kprintf("%-10s: %02x%02x%02x\n", "ieee", id->ieee[2], id->ieee[1], id->ieee[0]);
	field_x("cmic", id->cmic);
	if (human)
		decode_bits(id->cmic, cmic_bits);
	field_u("mdts", id->mdts);
	if (human)
		kprintf("            [ max transfer %s ]\n",
			id->mdts ? "2^mdts x the minimum page size (CAP.MPSMIN)" : "not limited");
	field_x("cntlid", id->cntlid);
	field_x("ver", id->ver);
	field_x("rtd3r", id->rtd3r);
	field_x("rtd3e", id->rtd3e);
	field_x("oaes", id->oaes);
	field_x("ctratt", id->ctratt);
	field_x("rrls", id->rrls);
	field_u("cntrltype", id->cntrltype);
	field_hexbytes("fguid", id->fguid, 16);
	field_u("crdt1", id->crdt1);
	field_u("crdt2", id->crdt2);
	field_u("crdt3", id->crdt3);
	field_x("oacs", id->oacs);
	if (human)
		decode_bits(id->oacs, oacs_bits);
	field_u("acl", id->acl);
	field_u("aerl", id->aerl);
	field_x("frmw", id->frmw);
	if (human)
		kprintf("            [ %u slot%s, slot 1 %s, activation without reset %s ]\n",
			(unsigned)NVME_GET(id->frmw, NVME_FRMW_NUM_SLOTS),
			NVME_GET(id->frmw, NVME_FRMW_NUM_SLOTS) == 1 ? "" : "s",
			NVME_GET(id->frmw, NVME_FRMW_SLOT1_RO) ? "read-only" : "writable",
			NVME_GET(id->frmw, NVME_FRMW_ACTIVATE_NO_RESET) ? "supported" : "not supported");
	field_x("lpa", id->lpa);
	if (human)
		decode_bits(id->lpa, lpa_bits);
	field_u("elpe", id->elpe);
	field_u("npss", id->npss);
	field_x("avscc", id->avscc);
	field_x("apsta", id->apsta);
	field_u("wctemp", id->wctemp);
	field_u("cctemp", id->cctemp);
	field_u("mtfa", id->mtfa);
	field_u("hmpre", id->hmpre);
	field_u("hmmin", id->hmmin);
	field_u128("tnvmcap", id->tnvmcap);
	field_u128("unvmcap", id->unvmcap);
	field_x("rpmbs", id->rpmbs);
	field_u("edstt", id->edstt);
	field_u("dsto", id->dsto);
	field_u("fwug", id->fwug);
	field_u("kas", id->kas);
	field_x("hctma", id->hctma);
	field_u("mntmt", id->mntmt);
	field_u("mxtmt", id->mxtmt);
	field_x("sanicap", id->sanicap);
	if (human)
		decode_bits(id->sanicap, sanicap_bits);
	field_u("hmminds", id->hmminds);
	field_u("hmmaxd", id->hmmaxd);
	field_u("nsetidmax", id->nsetidmax);
	field_u("endgidmax", id->endgidmax);
	field_u("anatt", id->anatt);
	field_u("anacap", id->anacap);
	field_u("anagrpmax", id->anagrpmax);
	field_u("nanagrpid", id->nanagrpid);
	field_u("pels", id->pels);
	field_x("sqes", id->sqes);
	field_x("cqes", id->cqes);
	field_u("maxcmd", id->maxcmd);
	field_u("nn", id->nn);
	field_x("oncs", id->oncs);
	if (human)
		decode_bits(id->oncs, oncs_bits);
	field_x("fuses", id->fuses);
	field_x("fna", id->fna);
	if (human)
		decode_bits(id->fna, fna_bits);
	field_x("vwc", id->vwc);
	if (human)
		kprintf("            [ volatile write cache %s ]\n",
			NVME_GET(id->vwc, NVME_VWC_PRESENT) ? "present" : "not present");
	field_u("awun", id->awun);
	field_u("awupf", id->awupf);
	field_u("icsvscc", id->nvscc);
	field_u("nwpc", id->nwpc);
	field_u("acwu", id->acwu);
	field_x("ocfs", id->ocfs);
	field_x("sgls", id->sgls);
	if (human) {
		static const char *const sup[] = { "not supported", "supported (byte aligned)",
						   "supported (dword aligned)", "reserved" };
		kprintf("            [ SGLs %s ]\n", sup[NVME_GET(id->sgls, NVME_SGLS_SUPPORT)]);
	}
	field_u("mnan", id->mnan);
	field_s("subnqn", id->subnqn, sizeof(id->subnqn));
	for (unsigned i = 0; i <= id->npss && i < 32; i++) {
		const struct nvme_power_state *ps = &id->psd[i];
		bool mxps = NVME_GET(ps->flags, NVME_PSD_FLAGS_MXPS);
		kprintf("ps %4u : mp:", i);
		if (mxps)
			kprintf("%u.%04uW", ps->mp / 10000u, ps->mp % 10000u);
		else
			kprintf("%u.%02uW", ps->mp / 100u, ps->mp % 100u);
		kprintf(" %soperational enlat:%u exlat:%u rrt:%u rrl:%u\n",
			NVME_GET(ps->flags, NVME_PSD_FLAGS_NOPS) ? "non-" : "", (unsigned)ps->enlat,
			(unsigned)ps->exlat, ps->rrt & 0x1f, ps->rrl & 0x1f);
		kprintf("          rwt:%u rwl:%u", ps->rwt & 0x1f, ps->rwl & 0x1f);
		print_power("idle_power", ps->idlp, ps->ips >> 6);
		print_power("active_power", ps->actp, ps->apws >> 6);
		kprintf("\n");
	}
}

static int cmd_id_ctrl(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "human-readable", .short_name = 'H' },
		{ .name = "dump" },
		{ 0 },
	};
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc)
		return rc;
	rc = nvme_identify(tg.c, NVME_CNS_CTRL, 0, 0, nvsh_scratch);
	if (rc)
		return nvsh_fail("Identify Controller", rc);
	if (nvsh_isset(opts, "dump")) {
		nvsh_hexdump(0, nvsh_scratch, sizeof(nvsh_scratch));
		return SHELL_OK;
	}
	print_id_ctrl((const struct nvme_id_ctrl *)nvsh_scratch, nvsh_isset(opts, "human-readable"));
	if (nvsh_isset(opts, "human-readable"))
		nvsh_print_hmb("\t[HMB]", tg.c);
	return SHELL_OK;
}
NVSH_COMMAND("id-ctrl", "id-ctrl [DEVICE] [-H] [--dump]",
	     "Identify Controller, fields as nvme-cli id-ctrl",
	     "Sends Identify (CNS 01h) and prints the fields with nvme-cli's names (vid, ssvid,\n"
	     "sn, mn, fr, mdts, cntlid, ver, oacs, oncs, sgls, nn, ...) and power states.\n"
	     "-H/--human-readable adds decoded lines for bit fields and the host memory\n"
	     "buffer the driver gave (state, size, chunks); --dump prints the 4096\n"
	     "bytes as hexdump -C instead.\n" NVSH_HELP_CTRL,
	     cmd_id_ctrl);

/* ------------------------------------------------------------ id-ns */

static void print_id_ns(uint32_t nsid, const struct nvme_id_ns *ns, bool human)
{
	unsigned cur = (unsigned)(NVME_GET(ns->flbas, NVME_FLBAS_INDEX_LO) |
				  (ns->nlbaf >= 16 ? NVME_GET(ns->flbas, NVME_FLBAS_INDEX_HI) << 4 : 0));
	kprintf("NVME Identify Namespace %u:\n", (unsigned)nsid);
	field_x("nsze", ns->nsze);
	field_x("ncap", ns->ncap);
	field_x("nuse", ns->nuse);
	field_x("nsfeat", ns->nsfeat);
	field_u("nlbaf", ns->nlbaf);
	field_x("flbas", ns->flbas);
	if (human)
		kprintf("            [ format %u in use, metadata %s ]\n", cur,
			NVME_GET(ns->flbas, NVME_FLBAS_EXTENDED) ? "at the end of each block (extended)"
								  : "in a separate buffer");
	field_x("mc", ns->mc);
	field_x("dpc", ns->dpc);
	field_x("dps", ns->dps);
	field_x("nmic", ns->nmic);
	field_x("rescap", ns->rescap);
	field_x("fpi", ns->fpi);
	field_u("dlfeat", ns->dlfeat);
	if (human) {
		static const char *const rd[] = { "not reported", "zeroes", "ones (FFh)", "reserved" };
		unsigned v = (unsigned)NVME_GET(ns->dlfeat, NVME_DLFEAT_READ_VALUE);
		kprintf("            [ deallocated blocks read as %s ]\n", v < 3 ? rd[v] : rd[3]);
	}
	field_u("nawun", ns->nawun);
	field_u("nawupf", ns->nawupf);
	field_u("nacwu", ns->nacwu);
	field_u("nabsn", ns->nabsn);
	field_u("nabo", ns->nabo);
	field_u("nabspf", ns->nabspf);
	field_u("noiob", ns->noiob);
	field_u128("nvmcap", ns->nvmcap);
	if (NVME_GET(ns->nsfeat, NVME_NSFEAT_OPTPERF)) {
		field_u("npwg", ns->npwg);
		field_u("npwa", ns->npwa);
		field_u("npdg", ns->npdg);
		field_u("npda", ns->npda);
		field_u("nows", ns->nows);
	}
	field_u("mssrl", ns->mssrl);
	field_u("mcl", ns->mcl);
	field_u("msrc", ns->msrc);
	field_u("anagrpid", ns->anagrpid);
	field_u("nsattr", ns->nsattr);
	field_u("nvmsetid", ns->nvmsetid);
	field_u("endgid", ns->endgid);
	field_hexbytes("nguid", ns->nguid, 16);
	field_hexbytes("eui64", ns->eui64, 8);
	for (unsigned i = 0; i <= ns->nlbaf && i < NVME_ID_NS_MAX_LBAF; i++) {
		const struct nvme_lbaf *f = &ns->lbaf[i];
		unsigned rp = (unsigned)NVME_GET(f->rp, NVME_LBAF_RP);
		char rps[8];
		ksnprintf(rps, sizeof(rps), rp ? "0x%x" : "0", rp);
		kprintf("lbaf %2u : ms:%-3u lbads:%-2u rp:%s%s\n", i, (unsigned)f->ms, (unsigned)f->lbads, rps,
			i == cur ? " (in use)" : "");
	}
}

static int cmd_id_ns(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "human-readable", .short_name = 'H' },
		{ .name = "dump" },
		{ 0 },
	};
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS, &tg);
	if (rc)
		return rc;
	rc = nvme_identify(tg.c, NVME_CNS_NS, tg.nsid, 0, nvsh_scratch);
	if (rc)
		return nvsh_fail("Identify Namespace", rc);
	if (nvsh_isset(opts, "dump")) {
		nvsh_hexdump(0, nvsh_scratch, sizeof(nvsh_scratch));
		return SHELL_OK;
	}
	print_id_ns(tg.nsid, (const struct nvme_id_ns *)nvsh_scratch, nvsh_isset(opts, "human-readable"));
	return SHELL_OK;
}
NVSH_COMMAND("id-ns", "id-ns [DEVICE] [-n NSID] [-H] [--dump]",
	     "Identify Namespace, fields as nvme-cli id-ns",
	     NVSH_HELP_DEVICE
	     "Sends Identify (CNS 00h) and prints nsze, ncap, nuse, nsfeat, nlbaf, flbas, ...,\n"
	     "nguid, eui64 and every LBA format as 'lbaf N : ms:M lbads:L rp:R (in use)' like\n"
	     "nvme-cli. -H adds decoded lines; --dump prints the raw 4096 bytes.",
	     cmd_id_ns);

/* ------------------------------------------------------------ nvm-id-ctrl */

/* "512 KiB" for a limit of 2^exp pages of CAP.MPSMIN; "none" for 0. */
static void size_limit_text(const struct nvme_ctrl *c, uint8_t exp, char *buf, size_t len)
{
	if (exp == 0) {
		strlcpy(buf, "none", len);
		return;
	}
	unsigned shift = (unsigned)exp + 12u + (unsigned)NVME_GET(nvme_ctrl_cap(c), NVME_CAP_MPSMIN);
	if (shift >= 63) {
		ksnprintf(buf, len, "2^%u bytes", shift);
		return;
	}
	nvsh_fmt_size(1ull << shift, buf, len);
}

static int cmd_nvm_id_ctrl(int argc, char **argv)
{
	struct shell_opt opts[] = { { .name = "dump" }, { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc)
		return rc;
	memset(nvsh_scratch, 0, sizeof(nvsh_scratch));
	rc = nvme_identify(tg.c, NVME_CNS_CS_CTRL, 0, 0, nvsh_scratch);   /* CSI 00h: NVM */
	if (rc) {
		nvsh_fail("Identify CNS 06h (I/O Command Set specific Identify Controller, NVM)", rc);
		kprintf("the driver takes the limits as not reported: Verify and Write Zeroes go in commands of at most "
			"the max transfer, no DSM limits\n");
		return SHELL_ERR;
	}
	const struct nvme_id_ctrl_nvm *d = (const struct nvme_id_ctrl_nvm *)nvsh_scratch;
	char v[24], w[24], u[24];
	size_limit_text(tg.c, d->vsl, v, sizeof(v));
	size_limit_text(tg.c, d->wzsl, w, sizeof(w));
	size_limit_text(tg.c, d->wusl, u, sizeof(u));
	kprintf("NVMe Identify Controller NVM:\n");
	kprintf("%-10s: %u (Verify Size Limit: %s)\n", "vsl", (unsigned)d->vsl, v);
	kprintf("%-10s: %u (Write Zeroes Size Limit: %s)\n", "wzsl", (unsigned)d->wzsl, w);
	kprintf("%-10s: %u (Write Uncorrectable Size Limit: %s)\n", "wusl", (unsigned)d->wusl, u);
	kprintf("%-10s: %u (Dataset Management ranges per deallocate: %s)\n", "dmrl", (unsigned)d->dmrl,
		d->dmrl ? "limited" : "not reported");
	kprintf("%-10s: %u (blocks per deallocated range%s)\n", "dmrsl", (unsigned)d->dmrsl,
		d->dmrsl ? "" : ": not reported");
	kprintf("%-10s: %llu (blocks per deallocate command%s)\n", "dmsl", (unsigned long long)d->dmsl,
		d->dmsl ? "" : ": not reported");
	if (nvsh_isset(opts, "dump"))
		nvsh_hexdump(0, nvsh_scratch, 16);
	/* what the driver does with what it read at init/reset */
	const struct nvme_nvm_limits *l = nvme_ctrl_nvm_limits(tg.c);
	if (l->status) {
		char why[96];
		nvme_status_describe(l->status, why, sizeof(why));
		kprintf("driver: not reported at init (%s): Verify and Write Zeroes split at the max transfer\n", why);
	}
	for (uint32_t i = 0; i < nvme_ns_count(tg.c); i++) {
		const struct nvme_ns *ns = nvme_ns_at(tg.c, i);
		char nm[24];
		nvme_port_ns_name(tg.t, ns->nsid, nm, sizeof(nm));
		if (ns->unusable) {
			kprintf("driver: %s: not usable for I/O\n", nm);
			continue;
		}
		kprintf("driver: %s: Verify in commands of up to %u blocks, Write Zeroes up to %u blocks (of %u B)\n", nm,
			(unsigned)nvme_ns_verify_max_blocks(ns), (unsigned)nvme_ns_write_zeroes_max_blocks(ns),
			(unsigned)ns->lba_size);
	}
	return SHELL_OK;
}
NVSH_COMMAND("nvm-id-ctrl", "nvm-id-ctrl [DEVICE] [--dump]",
	     "the NVM command set's Identify Controller: Verify/Write Zeroes/DSM limits (nvme-cli nvm-id-ctrl)",
	     NVSH_HELP_CTRL
	     "Identify CNS 06h with CSI 00h (NVMe 2.0; QEMU 7.2 answers it): vsl, wzsl, wusl\n"
	     "(size limits, 2^n pages of CAP.MPSMIN, 0 = none), dmrl, dmrsl, dmsl (Dataset\n"
	     "Management limits for deallocation, 0 = not reported), each with its meaning;\n"
	     "--dump adds the 16 bytes. Then what the driver does with the values it read at\n"
	     "init or reset: the blocks per Verify and Write Zeroes command for each namespace\n"
	     "(the max transfer when the controller does not answer CNS 06h).",
	     cmd_nvm_id_ctrl);
