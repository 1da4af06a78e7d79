/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_zns.c - `zns ...`: nvme-cli's zoned namespace commands on top
 * of drivers/nvme/nvme_zns.h: id-ctrl, id-ns, report-zones, open-zone,
 * close-zone, finish-zone, reset-zone, offline-zone (with --select-all;
 * reset and offline say what they destroy and ask unless --yes), and
 * zone-append (a pattern, placed where the device says it wrote it).
 */
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

#if NVME_CFG_ZNS

/* The namespace must be zoned: else a usage error naming its command set. */
static int need_zoned(const struct nvsh_target *tg)
{
	if (nvme_ns_is_zoned(tg->ns))
		return SHELL_OK;
	return shell_usage_error("%s is not a zoned namespace (command set %s, CSI %u)", tg->name,
				 nvme_csi_name(tg->ns->cmdset.csi), (unsigned)tg->ns->cmdset.csi);
}

/* ------------------------------------------------------------ id-ctrl, id-ns */

static int zns_id_ctrl(int argc, char **argv)
{
	struct shell_opt opts[] = { { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc)
		return rc;
	uint8_t css;
	uint16_t idx;
	uint64_t vec;
	nvme_ctrl_iocs(tg.c, &css, &idx, &vec);
	kprintf("NVMe ZNS Identify Controller:\n");
	kprintf("cc.css : %u (%s)\n", (unsigned)css,
		css == NVME_CC_CSS_IOCS ? "all I/O command sets" : css == NVME_CC_CSS_NVM ? "NVM only" : "admin only");
	if (css == NVME_CC_CSS_IOCS)
		kprintf("iocsp  : profile %u, command sets %llxh\n", (unsigned)idx, (unsigned long long)vec);
	rc = nvme_identify_csi(tg.c, NVME_CNS_CS_CTRL, NVME_CSI_ZNS, 0, nvsh_scratch);
	if (rc)
		return nvsh_fail("Zoned Identify Controller (CNS 06h, CSI 02h)", rc);
	uint8_t zasl = ((const struct nvme_id_ctrl_zns *)nvsh_scratch)->zasl;
	if (zasl == 0)
		kprintf("zasl   : 0 (Zone Append up to the max transfer, %u bytes)\n", (unsigned)nvme_ctrl_max_transfer(tg.c));
	else
		kprintf("zasl   : %u (Zone Append up to %llu bytes)\n", (unsigned)zasl,
			(unsigned long long)(4096ull << (NVME_GET(nvme_ctrl_cap(tg.c), NVME_CAP_MPSMIN) + zasl)));
	return SHELL_OK;
}

static int zns_id_ns(int argc, char **argv)
{
	struct shell_opt opts[] = { NVSH_OPT_NSID, { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS, &tg);
	if (rc)
		return rc;
	rc = nvme_identify_csi(tg.c, NVME_CNS_CS_NS, NVME_CSI_ZNS, tg.nsid, nvsh_scratch);
	if (rc)
		return nvsh_fail("Zoned Identify Namespace (CNS 05h, CSI 02h)", rc);
	const struct nvme_id_ns_zns *z = (const void *)nvsh_scratch;
	kprintf("ZNS Command Set Identify Namespace (%s):\n", tg.name);
	kprintf("zoc    : %#x (variable zone capacity: %s, zone active excursions: %s)\n", (unsigned)z->zoc,
		NVME_GET(z->zoc, NVME_ZOC_VZCAP) ? "yes" : "no", NVME_GET(z->zoc, NVME_ZOC_ZAE) ? "yes" : "no");
	kprintf("ozcs   : %#x (reads across zone boundaries: %s)\n", (unsigned)z->ozcs,
		NVME_GET(z->ozcs, NVME_OZCS_RAZB) ? "yes" : "no");
	if (z->mar == NVME_ZNS_NO_LIMIT)
		kprintf("mar    : 0xffffffff (no limit on active zones)\n");
	else
		kprintf("mar    : %u (%llu active zones at most)\n", (unsigned)z->mar, (unsigned long long)z->mar + 1);
	if (z->mor == NVME_ZNS_NO_LIMIT)
		kprintf("mor    : 0xffffffff (no limit on open zones)\n");
	else
		kprintf("mor    : %u (%llu open zones at most)\n", (unsigned)z->mor, (unsigned long long)z->mor + 1);
	kprintf("rrl    : %u s\nfrl    : %u s\n", (unsigned)z->rrl, (unsigned)z->frl);
	unsigned nf = tg.ns->format_count < 16 ? tg.ns->format_count : 16;
	for (unsigned i = 0; i < nf; i++)
		kprintf("lbafe %2u: zsze:%#llx zdes:%u%s\n", i, (unsigned long long)z->lbafe[i].zsze,
			(unsigned)z->lbafe[i].zdes, i == tg.ns->format_index ? " (in use)" : "");
	if (nvme_ns_is_zoned(tg.ns))
		kprintf("zones  : %llu of %llu blocks (%u bytes each)\n", (unsigned long long)tg.ns->cmdset.zone_count,
			(unsigned long long)tg.ns->cmdset.zone_size, (unsigned)tg.ns->lba_size);
	return SHELL_OK;
}

/* ------------------------------------------------------------ report-zones */

static const char *const zrasf_names[] = {
	"all", "empty", "implicitly-open", "explicitly-open", "closed", "full", "read-only", "offline",
};

static const char *state_short(uint8_t st)
{
	switch (st) {
	case NVME_ZS_EMPTY:     return "EMPTY";
	case NVME_ZS_IMP_OPEN:  return "IMP_OPENED";
	case NVME_ZS_EXP_OPEN:  return "EXP_OPENED";
	case NVME_ZS_CLOSED:    return "CLOSED";
	case NVME_ZS_READ_ONLY: return "READONLY";
	case NVME_ZS_FULL:      return "FULL";
	case NVME_ZS_OFFLINE:   return "OFFLINE";
	default:                return "RESERVED";
	}
}

static int zns_report_zones(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "start-lba", .short_name = 's', .takes_value = true },
		{ .name = "descs", .short_name = 'd', .takes_value = true },
		{ .name = "state", .short_name = 'S', .takes_value = true },
		{ .name = "extended", .short_name = 'e' },
		{ .name = "partial", .short_name = 'p' },
		{ .name = "verbose", .short_name = 'v' },
		{ 0 },
	};
	struct nvsh_target tg;
	uint64_t slba = 0, descs = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = need_zoned(&tg)) || (rc = nvsh_opt_u64(opts, "start-lba", &slba)) ||
	    (rc = nvsh_opt_u64_max(opts, "descs", 65536, &descs)))
		return rc;
	if (slba >= tg.ns->size)
		return shell_usage_error("--start-lba %llu is beyond the namespace (%llu blocks)",
					 (unsigned long long)slba, (unsigned long long)tg.ns->size);
	uint8_t zrasf = NVME_ZRASF_ALL;
	struct shell_opt *os = nvsh_opt(opts, "state");
	if (os->set) {
		uint64_t v;
		unsigned i;
		for (i = 0; i < 8; i++)
			if (strcmp(os->value, zrasf_names[i]) == 0)
				break;
		if (i == 8 && parse_u64(os->value, &v) && v < 8)
			i = (unsigned)v;
		if (i == 8)
			return shell_usage_error("bad value for --state: '%s' (all, empty, implicitly-open, explicitly-open, "
						 "closed, full, read-only, offline or 0..7)", os->value);
		zrasf = (uint8_t)i;
	}
	struct nvme_zns_info zi;
	nvme_zns_info(tg.ns, &zi);
	bool ext = nvsh_isset(opts, "extended");
	if (ext && zi.zdes_bytes == 0)
		return shell_usage_error("--extended: %s has no zone descriptor extensions (ZDES 0)", tg.name);
	uint32_t dsz = 64u + (ext ? zi.zdes_bytes : 0u);
	uint64_t want = descs ? descs : zi.zone_count - slba / zi.zone_size;
	if (want == 0)
		want = 1;   /* slba in blocks past the last whole zone: the device says what is there */
	/* one transfer of at most the max transfer: more zones take more calls */
	uint32_t per = (nvme_ctrl_max_transfer(tg.c) - 64u) / dsz;
	if (per == 0)
		return shell_error("a zone descriptor does not fit the max transfer");
	struct nvsh_buf b;
	uint64_t need = 64u + (uint64_t)(want < per ? want : per) * dsz;
	if (!nvsh_buf_alloc(&b, (size_t)((need + 4095u) & ~4095ull), (size_t)((need + 4095u) & ~4095ull)))
		return shell_error("no memory for a %llu-byte report buffer", (unsigned long long)need);
	uint64_t shown = 0, at = slba;
	bool first = true;
	rc = SHELL_OK;
	while (shown < want) {
		uint32_t n = (uint32_t)(want - shown < per ? want - shown : per);
		size_t len = 64u + (size_t)n * dsz;
		struct nvme_zone_report rep;
		int st = nvme_zns_report(tg.ns, NULL, at, zrasf, nvsh_isset(opts, "partial"), ext, b.p, len, &rep);
		if (st) {
			rc = nvsh_fail("Zone Management Receive (report zones)", st);
			break;
		}
		if (first) {
			kprintf("nr_zones: %llu%s\n", (unsigned long long)rep.nr_zones,
				nvsh_isset(opts, "partial") ? " (partial: in this report)" : "");
			first = false;
		}
		if (rep.count == 0)
			break;
		struct nvme_zone z;
		for (uint32_t i = 0; i < rep.count && shown < want; i++, shown++) {
			const uint8_t *x = NULL;
			st = nvme_zns_report_entry(tg.ns, b.p, len, &rep, i, &z, &x);
			if (st) {
				rc = nvsh_fail("zone descriptor", st);
				goto out;
			}
			bool wp_ok = z.state == NVME_ZS_EMPTY || z.state == NVME_ZS_IMP_OPEN ||
				     z.state == NVME_ZS_EXP_OPEN || z.state == NVME_ZS_CLOSED;
			char wp[24];
			if (wp_ok)
				ksnprintf(wp, sizeof(wp), "%#-12llx", (unsigned long long)z.wp);
			else
				ksnprintf(wp, sizeof(wp), "%-12s", "-");
			kprintf("SLBA: %#-12llx WP: %s Cap: %#-8llx State: %-10s Type: %s Attrs: %#x\n",
				(unsigned long long)z.zslba, wp, (unsigned long long)z.zcap, state_short(z.state),
				z.type == NVME_ZT_SEQ_WRITE_REQUIRED ? "SEQWRITE_REQ" : "RESERVED", (unsigned)z.attrs);
			if (x && nvsh_isset(opts, "verbose"))
				nvsh_hexdump(0, x, zi.zdes_bytes);
			at = z.zslba + zi.zone_size;
		}
		if (rep.count < n || at >= tg.ns->size)
			break;
	}
out:
	nvsh_buf_free(&b);
	return rc;
}

/* ------------------------------------------------------------ zone management send */

static int zms_cmd(int argc, char **argv, uint8_t zsa)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "start-lba", .short_name = 's', .takes_value = true },
		{ .name = "select-all", .short_name = 'a' },
		NVSH_OPT_YES,
		{ 0 },
	};
	struct nvsh_target tg;
	uint64_t slba = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = need_zoned(&tg)) || (rc = nvsh_opt_u64(opts, "start-lba", &slba)))
		return rc;
	bool all = nvsh_isset(opts, "select-all");
	if (all && nvsh_isset(opts, "start-lba"))
		return shell_usage_error("--start-lba and --select-all exclude each other");
	if (!all && !nvsh_isset(opts, "start-lba"))
		return shell_usage_error("missing --start-lba ZSLBA (the zone's first block) or --select-all");
	uint64_t zsz = tg.ns->cmdset.zone_size;
	if (!all && slba >= tg.ns->size)
		return shell_usage_error("--start-lba %llu is beyond the namespace (%llu blocks)",
					 (unsigned long long)slba, (unsigned long long)tg.ns->size);
	if (!all && slba % zsz != 0)
		return shell_usage_error("--start-lba %llu is not the start of a zone (zones of %llu blocks: zone %llu "
					 "starts at %llu)", (unsigned long long)slba, (unsigned long long)zsz,
					 (unsigned long long)(slba / zsz), (unsigned long long)(slba - slba % zsz));
	char which[96];
	if (all)
		ksnprintf(which, sizeof(which), "every zone of %s it applies to", tg.name);
	else
		ksnprintf(which, sizeof(which), "zone %llu of %s (LBA %llu..%llu)", (unsigned long long)(slba / zsz),
			  tg.name, (unsigned long long)slba, (unsigned long long)(slba + zsz - 1));
	if (zsa == NVME_ZSA_RESET) {
		rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"),
				  "reset %s%s: the data written in %s is destroyed (it reads back as zeros or "
				  "deallocated) and the write pointer returns to the zone's start",
				  which, all ? " (open, closed and full zones)" : "", all ? "them" : "it");
		if (rc)
			return rc;
	} else if (zsa == NVME_ZSA_OFFLINE) {
		rc = nvsh_confirm(&tg, nvsh_isset(opts, "yes"),
				  "offline %s%s: its data becomes unreadable for good; an offline zone cannot be "
				  "reset or written again", which, all ? " (read-only zones)" : "");
		if (rc)
			return rc;
	}
	rc = nvme_zns_mgmt(tg.ns, NULL, slba, zsa, all);
	if (rc) {
		char what[64];
		ksnprintf(what, sizeof(what), "%s zone (Zone Management Send)", nvme_zsa_name(zsa));
		return nvsh_fail(what, rc);
	}
	if (all) {
		kprintf("%s-zone: Success: %s (select all)\n", nvme_zsa_name(zsa), tg.name);
		return SHELL_OK;
	}
	struct nvme_zone z;
	rc = nvme_zns_zone(tg.ns, NULL, slba, &z);
	if (rc)
		return nvsh_fail("report zone", rc);
	kprintf("%s-zone: Success: %s zone %llu (LBA %llu) is now %s\n", nvme_zsa_name(zsa), tg.name,
		(unsigned long long)(slba / zsz), (unsigned long long)slba, nvme_zone_state_name(z.state));
	return SHELL_OK;
}

/* ------------------------------------------------------------ zone-append */

static int zns_zone_append(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID, NVSH_RANGE_OPTS,
		{ .name = "pattern", .short_name = 'p', .takes_value = true },
		{ .name = "seed", .takes_value = true },
		{ .name = "data", .short_name = 'd', .takes_value = true },
		{ 0 },
	};
	struct nvsh_target tg;
	struct nvsh_range r;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS | NVSH_IO, &tg);
	if (rc || (rc = need_zoned(&tg)) || (rc = nvsh_parse_range(&tg, opts, &r)))
		return rc;
	uint64_t zsz = tg.ns->cmdset.zone_size;
	if (r.lba % zsz != 0)
		return shell_usage_error("-s %llu is not the start of a zone (Zone Append names the zone by its first "
					 "block; zone %llu starts at %llu)", (unsigned long long)r.lba,
					 (unsigned long long)(r.lba / zsz), (unsigned long long)(r.lba - r.lba % zsz));
	struct nvme_zns_info zi;
	nvme_zns_info(tg.ns, &zi);
	if (r.count > zi.append_max_blocks)
		return shell_usage_error("%llu blocks: one Zone Append takes at most %u blocks here (ZASL %u, max "
					 "transfer %u bytes)", (unsigned long long)r.count, (unsigned)zi.append_max_blocks,
					 (unsigned)zi.zasl, (unsigned)nvme_ctrl_max_transfer(tg.c));
	/* the pattern is a function of the namespace offset: compute it for
	 * where the data should land, the zone's write pointer */
	struct nvme_zone z;
	rc = nvme_zns_zone(tg.ns, NULL, r.lba, &z);
	if (rc)
		return nvsh_fail("report zone", rc);
	struct nvsh_range at = { .lba = z.wp, .count = r.count };
	bool wp_ok = z.state == NVME_ZS_EMPTY || z.state == NVME_ZS_IMP_OPEN || z.state == NVME_ZS_EXP_OPEN ||
		     z.state == NVME_ZS_CLOSED;
	if (!wp_ok)
		at.lba = r.lba;
	struct pattern pat;
	bool have;
	if ((rc = nvsh_parse_pattern(opts, "pattern", &tg, &at, &pat, &have)))
		return rc;
	if (!have)
		return shell_usage_error("missing --pattern or --data: what should be appended?");
	size_t bytes = (size_t)r.count << tg.ns->lba_shift;
	struct nvsh_buf b;
	if (!nvsh_buf_alloc(&b, bytes, bytes))
		return shell_error("no memory for a %u-byte data buffer", (unsigned)bytes);
	pattern_fill(&pat, at.lba << tg.ns->lba_shift, b.p, bytes);
	uint64_t lba = 0;
	rc = nvme_zns_append(tg.ns, NULL, r.lba, (uint32_t)r.count, b.p, &lba);
	nvsh_buf_free(&b);
	if (rc) {
		char why[224];
		nvme_zns_explain(tg.ns, NULL, rc, r.lba, (uint32_t)r.count, true, why, sizeof(why));
		return shell_error("zone-append failed: %s", why);
	}
	char desc[48];
	pattern_describe(&pat, desc, sizeof(desc));
	kprintf("zone-append: Success: %llu blocks into zone %llu written at LBA %llu..%llu, %s\n",
		(unsigned long long)r.count, (unsigned long long)(r.lba / zsz), (unsigned long long)lba,
		(unsigned long long)(lba + r.count - 1), desc);
	if (lba != at.lba)
		kprintf("note: the pattern was computed for LBA %llu, the write pointer before the append; "
			"read --check at LBA %llu will not match it\n", (unsigned long long)at.lba, (unsigned long long)lba);
	return SHELL_OK;
}

/* ------------------------------------------------------------ dispatch */

static int zns_open(int argc, char **argv) { return zms_cmd(argc, argv, NVME_ZSA_OPEN); }
static int zns_close(int argc, char **argv) { return zms_cmd(argc, argv, NVME_ZSA_CLOSE); }
static int zns_finish(int argc, char **argv) { return zms_cmd(argc, argv, NVME_ZSA_FINISH); }
static int zns_reset(int argc, char **argv) { return zms_cmd(argc, argv, NVME_ZSA_RESET); }
static int zns_offline(int argc, char **argv) { return zms_cmd(argc, argv, NVME_ZSA_OFFLINE); }

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} subs[] = {
	{ "id-ctrl", zns_id_ctrl },
	{ "id-ns", zns_id_ns },
	{ "report-zones", zns_report_zones },
	{ "open-zone", zns_open },
	{ "close-zone", zns_close },
	{ "finish-zone", zns_finish },
	{ "reset-zone", zns_reset },
	{ "offline-zone", zns_offline },
	{ "zone-append", zns_zone_append },
};

static int cmd_zns(int argc, char **argv)
{
	if (argc < 2)
		return shell_usage_error("missing subcommand (id-ctrl, id-ns, report-zones, open-zone, close-zone, "
					 "finish-zone, reset-zone, offline-zone, zone-append)");
	for (unsigned i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(argc - 1, argv + 1);
	return shell_usage_error("unknown subcommand '%s' (id-ctrl, id-ns, report-zones, open-zone, close-zone, "
				 "finish-zone, reset-zone, offline-zone, zone-append)", argv[1]);
}
NVSH_COMMAND("zns",
	     "zns SUBCOMMAND [DEVICE] ...: id-ctrl | id-ns [-n NSID] | report-zones [-s LBA] [-d N] [-S STATE] [-e] "
	     "[-p] [-v] | open-zone|close-zone|finish-zone|reset-zone|offline-zone (-s ZSLBA | -a) [--yes] | "
	     "zone-append -s ZSLBA [--count N | -c N0 | -z BYTES] (--pattern P [--seed S] | --data HEX)",
	     "zoned namespaces: zoned Identify, report zones, zone actions, zone append (nvme-cli zns)",
	     NVSH_HELP_DEVICE
	     "id-ctrl       Zoned Identify Controller (ZASL: the Zone Append size limit), CC.CSS and\n"
	     "              the I/O Command Set Profile the driver selected.\n"
	     "id-ns         Zoned Identify Namespace: ZOC, OZCS, MAR/MOR (0's based; 0xffffffff = no\n"
	     "              limit), RRL/FRL, zone size (ZSZE) and extension size (ZDES) per format.\n"
	     "report-zones  one line per zone: start LBA, write pointer ('-' when full, read-only\n"
	     "              or offline), capacity, state, type, attributes. -s/--start-lba LBA:\n"
	     "              from the zone holding it; -d/--descs N: at most N zones; -S/--state:\n"
	     "              all, empty, implicitly-open, explicitly-open, closed, full, read-only,\n"
	     "              offline (or 0..7); -p/--partial: nr_zones counts the zones returned;\n"
	     "              -e/--extended: with descriptor extensions (-v dumps them).\n"
	     "open-zone, close-zone, finish-zone, reset-zone, offline-zone -s/--start-lba ZSLBA (a\n"
	     "              zone's first block) or -a/--select-all (open: closed zones; close: open\n"
	     "              ones; finish: open and closed; reset: open, closed and full; offline:\n"
	     "              read-only ones). reset-zone destroys the zone's data and offline-zone\n"
	     "              makes it unreadable for good: both show the controller and what is\n"
	     "              destroyed and ask for 'yes' unless -y/--yes. finish-zone ends writing\n"
	     "              to a zone until it is reset (its data stays).\n"
	     "zone-append   -s ZSLBA (the zone's first block) and a count (one command, at most\n"
	     "              the ZASL/max transfer limit): the device writes at the zone's write\n"
	     "              pointer and returns the LBA, which is printed. The pattern is computed\n"
	     "              for the write pointer read just before, so 'read --check' verifies it.\n"
	     "A write a zoned namespace refuses is explained in terms of its zone, e.g. \"write at\n"
	     "LBA 3 is not at zone 0's write pointer (LBA 0; zone empty)\".\n"
	     NVSH_HELP_RANGE NVSH_HELP_PATTERNS,
	     cmd_zns);

#endif /* NVME_CFG_ZNS */
