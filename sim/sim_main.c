/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim_main.c - nvmetk-sim: the nvmetk shell, the real driver source and the
 * software controller of tests/host/model in one host process (see sim.h and
 * `nvmetk-sim --help`).
 *
 * Time: the simulated controllers run on the host's monotonic clock (the
 * platform's time_now_us), so durations given here (sanitize steps, format)
 * pass in real time, as they would on a drive. The model does its work
 * inside the register access that triggers it, on this one thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "platform.h"
#include "cmdline.h"
#include "nvme_model.h"
#include "nvme_model_ext.h"
#include "nvme_model_zns.h"
#include "nvme_model_drives.h"
#include "nvme_model_copyns.h"
#include "nvme_port.h"
#include "shell.h"
#include "version.h"

#define SIM_MAX_NS 8
#define SIM_DEFAULT_NS_BYTES (16ull << 20)
#define SIM_IMAGE_CHUNK_BLOCKS 256

struct sim_ns {
	struct nvme_model_ns_config cfg;
	const char *image;       /* file, or NULL */
	uint64_t zone_bytes;     /* zoned: zone size in bytes (0: not zoned) */
	uint32_t mar, mor;       /* zoned: active / open zones at most (0: no limit) */
};

struct sim_ctrl {
	struct nvme_model_config mcfg;
	struct sim_ns ns[SIM_MAX_NS];
	unsigned nns;
	uint32_t sanicap;
	unsigned san_steps, san_fail_at;
	uint64_t san_step_us;
	uint64_t format_us;
	enum nvme_model_fw_reset fw_reset;
	uint32_t cfs_after_cmds;
	uint16_t temperature_k;
	uint8_t critical_warning;
	struct { uint32_t nsid; uint64_t lba; } bad[8];
	unsigned nbad;
	/* drive features of nvme_model_drives.h (issue 13) */
	bool dst;
	uint64_t dst_short_us, dst_ext_us;
	uint8_t dst_fail_segment;
	uint64_t dst_fail_lba;
	uint32_t hmpre, hmmin;     /* 4 KiB units; hmpre 0: no HMB asked for */
	bool hmb_refuse;
	bool telemetry;
	uint16_t tel_da[3];
	unsigned power_states;     /* 0: the model's one state */
	bool ps_deepest_broken;
	bool apst;
	/* Copy and namespace management (nvme_model_copyns.h) */
	bool copy;
	struct nvme_model_copy_config copy_cfg;
	uint64_t nsm_bytes;        /* 0: no namespace management */
	uint32_t nsm_nn;
	unsigned nsm_others;       /* controllers of the subsystem besides this one */
	struct nvme_model *m;
	struct nvmetk_ctrl *t;
};

static struct sim_ctrl sims[NVMETK_MAX_CTRL];
static unsigned nsims;
static char cmdline_buf[1024];

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nvmetk-sim [OPTIONS]\n"
		"The nvmetk shell on this host against simulated NVMe controllers (the software\n"
		"controller of tests/host/model), driven by the same driver source as the kernel.\n"
		"Type 'help' at the prompt; 'exit' or end of input (Ctrl-D at an empty line) ends.\n"
		"\n"
		"Controllers (options apply to the controller last started; the first is implied):\n"
		"  --ctrl                 start another controller\n"
		"  --ns SPEC              add a namespace (NSIDs 1, 2, ... in order); SPEC is\n"
		"                         [SIZE][,lba=BYTES][,ms=BYTES][,mset=0|1][,pi=0..3][,pil=0|1]\n"
		"                         [,pif=0|2][,image=FILE]: SIZE in bytes\n"
		"                         (k/M/G suffixes; default 16M, or the image's size),\n"
		"                         lba 512..65536 (default 512), ms metadata bytes per block,\n"
		"                         mset=1 metadata interleaved (extended LBA), pi protection\n"
		"                         type, pil=1 PI first in the metadata, pif=2 64b guard (as\n"
		"                         QEMU's nvme-ns options).\n"
		"                         The model offers LBA formats 512, 4096, 512+8, 4096+8 (and\n"
		"                         the one given) to Format NVM. image=FILE: loaded at start\n"
		"                         if it exists, written back at exit (raw blocks) with\n"
		"                         FILE.fmt saying 'lba_size=N ms=N blocks=N pi=N pil=N mset=N',\n"
		"                         and the metadata (ms bytes per block) in FILE.md when ms > 0.\n"
		"                         zone=BYTES: a zoned namespace (ZNS) with zones of that\n"
		"                         size (dividing SIZE), mar=N / mor=N at most N active /\n"
		"                         open zones (default: no limit).\n"
		"                         Without --ns a controller has one 16 MiB 512 B namespace.\n"
		"  --mdts N               maximum transfer 2^N pages (0 = no limit; default 5)\n"
		"  --queues N             I/O submission/completion queues it has (1..64; default 64)\n"
		"  --serial S, --model S, --fr S   Identify strings\n"
		"  --fw-slots N           firmware slots 1..7 (default 3; slot 1 read only)\n"
		"  --fw-no-immediate      FRMW bit 4 clear: no activation without reset (commit\n"
		"                         action 3 is then refused by the shell)\n"
		"  --fw-reset KIND        the reset an immediate activation (action 3) needs: none\n"
		"                         (default: it activates at once), controller, nssr,\n"
		"                         conventional (answered with the matching status)\n"
		"  --sanitize LIST        sanitize actions offered (SANICAP): comma list of block,\n"
		"                         crypto, overwrite, or none (default: all three)\n"
		"  --sanitize-steps N     a sanitize completes on the N-th step (default 8); each\n"
		"                         Sanitize Status log read and each --sanitize-step-ms is a step\n"
		"  --sanitize-step-ms MS  (default 250)\n"
		"  --sanitize-fail-at N   the sanitize fails at step N (default never)\n"
		"  --format-ms MS         Format NVM takes this long (default 0)\n"
		"  --temperature K        composite temperature in kelvin (SMART)\n"
		"  --critical-warning B   SMART critical warning bits\n"
		"  --bad-block NSID:LBA   reads of that block fail (Unrecovered Read Error)\n"
		"  --cfs-after N          the controller reports fatal status (CSTS.CFS) once it has\n"
		"                         fetched N commands, counted from the start (attach takes ~15)\n"
		"  --self-test SHORT_MS[,EXT_MS]   Device Self-test offered (OACS bit 4): a short test\n"
		"                         takes SHORT_MS, an extended one EXT_MS (default 60000; EDSTT\n"
		"                         says it in whole minutes); a controller reset aborts a short one\n"
		"  --self-test-fail SEG:LBA   (with --self-test) every self-test fails in segment SEG\n"
		"                         (1..255) at LBA (Unrecovered Read Error) of the\n"
		"                         namespace tested (NSID 1 for a controller-wide test)\n"
		"  --hmb PREF[,MIN]       the controller asks for a Host Memory Buffer: HMPRE PREF,\n"
		"                         HMMIN MIN (bytes, k/M suffixes, rounded up to 4 KiB; MIN\n"
		"                         default PREF). The model keeps a checksum per written block\n"
		"                         in the buffer and fails reads whose entry does not match\n"
		"  --hmb-refuse           Set Features 0Dh enabling the HMB fails (Invalid Field)\n"
		"  --telemetry DA1,DA2,DA3   Telemetry Host-Initiated log 07h offered (LPA bit 3):\n"
		"                         data areas 1..3 end at these 512-byte blocks (DA1<=DA2<=DA3,\n"
		"                         at most 1024); each capture bumps the generation number\n"
		"  --power-states N       N power state descriptors (1..32, default 1): state i has\n"
		"                         max power 25 W - 4 W*i (at least 0.05 W) and grows latencies;\n"
		"                         with N >= 3 the last two are non-operational, with N = 2 the last\n"
		"  --ps-deepest-broken    entering the deepest state makes the controller fail (CSTS.CFS;\n"
		"                         quirk no-deepest-ps)\n"
		"  --apst                 Autonomous Power State Transition offered (APSTA bit 0,\n"
		"                         Feature 0Ch): while enabled, idle time between commands\n"
		"                         moves the controller down its table; an I/O command in a\n"
		"                         non-operational state returns it to the last operational one\n"
		"  --copy MSSRL,MCL,MSRC  Copy offered (ONCS bit 8, descriptor format 0): MSSRL blocks\n"
		"                         per range, MCL blocks per command, MSRC+1 ranges (0's based)\n"
		"  --ns-mgmt SIZE[,nn=N][,others=K]   namespace management and attachment (OACS bit\n"
		"                         3): SIZE bytes of capacity for all namespaces (k/M/G), NN N\n"
		"                         (default 16), an NVM subsystem of this controller and K more\n"
		"                         controller IDs (default 2) to attach namespaces to; create-ns\n"
		"                         takes FLBAS 0 (512 B), 1 (4096 B), 2 (512+8), 3 (4096+8)\n"
		"\n"
		"Platform:\n"
		"  --cmdline TEXT         the kernel command line (nvmeqs=N, nvmelog=LEVEL, run=...)\n"
		"  --module NAME=FILE     a file as a boot module (fw-download --module NAME)\n"
		"  --fw-image NAME=REV[,SIZE]   a boot module holding a firmware image the simulated\n"
		"                         controller accepts (revision REV, SIZE bytes, default 64k)\n"
		"  -c, --commands CMDS    run CMDS as the boot script (echoed, set -e applies), then\n"
		"                         end with status 0 (or the status `exit N`/set -e gives)\n"
		"  -h, --help\n"
		"Not simulated: PCI, interrupts (bench is not built in), APST (Get Features 0Ch),\n"
		"protection information (Format with --pi is refused as Invalid Format).\n");
}

static int die(const char *fmt, const char *arg)
{
	fprintf(stderr, "nvmetk-sim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (nvmetk-sim --help)\n");
	exit(2);
}

static uint64_t num(const char *what, const char *s)
{
	uint64_t v;
	if (!parse_u64(s, &v))
		die("bad number for %s", what);
	return v;
}

static void ctrl_defaults(struct sim_ctrl *s, unsigned idx)
{
	memset(s, 0, sizeof(*s));
	nvme_model_config_init(&s->mcfg);
	static char serials[NVMETK_MAX_CTRL][16];
	snprintf(serials[idx], sizeof(serials[idx]), "SIM%04u", idx);
	s->mcfg.sn = serials[idx];
	s->mcfg.mn = "nvmetk-sim controller";
	s->mcfg.fr = "1.0";
	s->mcfg.mdts = 5;
	s->mcfg.oacs = 0x0006;      /* Format NVM, Firmware Download/Commit */
	s->mcfg.oncs = 0x00FD;      /* Compare, DSM, Write Zeroes, Save/Select, Reservations, Timestamp, Verify */
	s->mcfg.frmw = 0x11 | (3u << 1); /* slot 1 read only, 3 slots, activation without reset */
	s->mcfg.cntlid = (uint16_t)(idx + 1);
	s->sanicap = 0x7;           /* crypto, block, overwrite */
	s->san_steps = 8;
	s->san_step_us = 250000;
}

static void parse_ns(struct sim_ctrl *s, char *spec)
{
	if (s->nns == SIM_MAX_NS)
		die("more than %s namespaces on one controller", "8");
	struct sim_ns *n = &s->ns[s->nns];
	n->cfg.nsid = s->nns + 1;
	n->cfg.lba_size = 512;
	uint64_t bytes = 0;
	char *save = NULL;
	for (char *w = strtok_r(spec, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (strncmp(w, "lba=", 4) == 0)
			n->cfg.lba_size = (uint32_t)num("lba", w + 4);
		else if (strncmp(w, "ms=", 3) == 0)
			n->cfg.ms = (uint16_t)num("ms", w + 3);
		else if (strncmp(w, "mset=", 5) == 0)
			n->cfg.mset = num("mset", w + 5) != 0;
		else if (strncmp(w, "pi=", 3) == 0)
			n->cfg.pi = (uint8_t)num("pi", w + 3);
		else if (strncmp(w, "pil=", 4) == 0)
			n->cfg.pil_first = num("pil", w + 4) != 0;
		else if (strncmp(w, "pif=", 4) == 0)
			n->cfg.pif = (uint8_t)num("pif", w + 4);
		else if (strncmp(w, "image=", 6) == 0)
			n->image = w + 6;
		else if (strncmp(w, "zone=", 5) == 0)
			n->zone_bytes = num("zone", w + 5);
		else if (strncmp(w, "mar=", 4) == 0)
			n->mar = (uint32_t)num("mar", w + 4);
		else if (strncmp(w, "mor=", 4) == 0)
			n->mor = (uint32_t)num("mor", w + 4);
		else
			bytes = num("namespace size", w);
	}
	uint32_t l = n->cfg.lba_size;
	if (l < 512 || l > 65536 || (l & (l - 1)))
		die("--ns: lba=%s is not a power of two from 512 to 65536", "N");
	if (n->cfg.pi > 3 || (n->cfg.pif != 0 && n->cfg.pif != 2) ||
	    (n->cfg.pi && n->cfg.ms < (n->cfg.pif ? 16 : 8)) || (n->cfg.mset && !n->cfg.ms))
		die("--ns: pi=0..3 needs ms=8 or more (16 with pif=2), pif 0 or 2, mset needs ms (%s)", spec);
	if (n->image && !bytes) {
		FILE *f = fopen(n->image, "rb");
		if (f) {
			if (fseek(f, 0, SEEK_END) == 0) {
				long sz = ftell(f);
				if (sz > 0)
					bytes = (uint64_t)sz;
			}
			fclose(f);
		}
	}
	if (!bytes)
		bytes = SIM_DEFAULT_NS_BYTES;
	n->cfg.blocks = bytes / l;
	if (n->cfg.blocks == 0)
		die("--ns: the namespace is smaller than one block (%s)", spec);
	if (n->zone_bytes && (n->zone_bytes % l != 0 || n->cfg.blocks % (n->zone_bytes / l) != 0))
		die("--ns: zone=%s must be whole blocks and divide the namespace size", "BYTES");
	s->nns++;
}

static void parse_copy(struct sim_ctrl *s, char *spec)
{
	uint64_t v[3];
	unsigned n = 0;
	char *save = NULL;
	for (char *w = strtok_r(spec, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (n == 3)
			die("--copy: three numbers, MSSRL,MCL,MSRC (%s)", w);
		v[n++] = num("--copy", w);
	}
	if (n != 3 || v[0] > 0xFFFF || v[1] > 0xFFFFFFFFull || v[2] > 0xFF)
		die("--copy: MSSRL (0..65535),MCL (32 bits),MSRC (0..255) expected%s", "");
	s->copy = true;
	s->copy_cfg = (struct nvme_model_copy_config){ (uint16_t)v[0], (uint32_t)v[1], (uint8_t)v[2], 0x1 };
}

static void parse_ns_mgmt(struct sim_ctrl *s, char *spec)
{
	s->nsm_nn = 16;
	s->nsm_others = 2;
	char *save = NULL;
	for (char *w = strtok_r(spec, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (strncmp(w, "nn=", 3) == 0)
			s->nsm_nn = (uint32_t)num("nn", w + 3);
		else if (strncmp(w, "others=", 7) == 0)
			s->nsm_others = (unsigned)num("others", w + 7);
		else
			s->nsm_bytes = num("--ns-mgmt size", w);
	}
	if (s->nsm_bytes == 0 || s->nsm_nn == 0 || s->nsm_nn > 1024 || s->nsm_others > 15)
		die("--ns-mgmt: SIZE > 0, nn 1..1024, others 0..15 (%s)", spec);
}

static void parse_sanicap(struct sim_ctrl *s, char *list)
{
	s->sanicap = 0;
	if (strcmp(list, "none") == 0)
		return;
	char *save = NULL;
	for (char *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (strcmp(w, "crypto") == 0)
			s->sanicap |= 1u;
		else if (strcmp(w, "block") == 0)
			s->sanicap |= 2u;
		else if (strcmp(w, "overwrite") == 0)
			s->sanicap |= 4u;
		else
			die("--sanitize: unknown action '%s' (block, crypto, overwrite, none)", w);
	}
}

static void add_fw_image(char *arg)
{
	char *eq = strchr(arg, '=');
	if (!eq)
		die("--fw-image %s: expected NAME=REV[,SIZE]", arg);
	*eq = 0;
	char *rev = eq + 1;
	size_t size = 64 * 1024;
	char *comma = strchr(rev, ',');
	if (comma) {
		*comma = 0;
		size = (size_t)num("--fw-image size", comma + 1);
	}
	if (size < 32 || size % 4 || size > (64u << 20) || strlen(rev) > 8)
		die("--fw-image %s: the size must be a multiple of 4 from 32 bytes to 64M, REV at most 8 characters", arg);
	void *buf = malloc(size);
	if (!buf || nvme_model_fw_image_build(buf, size, rev) != size || !sim_module_add(arg, buf, size))
		die("--fw-image %s: cannot build the image", arg);
	free(buf);
}

static void add_module(char *arg)
{
	char *eq = strchr(arg, '=');
	if (!eq)
		die("--module %s: expected NAME=FILE", arg);
	*eq = 0;
	FILE *f = fopen(eq + 1, "rb");
	if (!f)
		die("--module: cannot open %s", eq + 1);
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf)
			die("--module %s: out of memory", arg);
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		cap *= 2;
		if (cap > (256u << 20))
			die("--module %s: larger than 256 MiB", arg);
		buf = realloc(buf, cap);
	}
	fclose(f);
	if (!sim_module_add(arg, buf, len))
		die("--module %s: too many modules", arg);
	free(buf);
}

/* N power states: state 0 is the fastest and hungriest; with N >= 3 the
 * last two are non-operational (a drive's sleep states), with N = 2 the
 * last one. */
static void set_power_states(struct sim_ctrl *s)
{
	struct nvme_power_state psd[32];
	unsigned n = s->power_states;
	unsigned nonop = n >= 3 ? 2 : n - 1;
	memset(psd, 0, sizeof(psd));
	for (unsigned i = 0; i < n; i++) {
		int mp = 2500 - 400 * (int)i;          /* centiwatts */
		psd[i].mp = (uint16_t)(mp < 5 ? 5 : mp);
		psd[i].flags = i >= n - nonop ? 0x2 : 0; /* NOPS */
		psd[i].enlat = i == 0 ? 0 : 1000u * i * i;
		psd[i].exlat = i == 0 ? 0 : 2000u * i * i;
		psd[i].rrt = psd[i].rrl = psd[i].rwt = psd[i].rwl = (uint8_t)i;
	}
	nvme_model_set_power_states(s->m, (uint8_t)(n - 1), psd, s->ps_deepest_broken);
}

static uint32_t pages_4k(const char *what, const char *v)
{
	uint64_t b = num(what, v);
	uint64_t p = (b + 4095) / 4096;
	if (p == 0 || p > 0xFFFFFFFFull)
		die("%s: 4 KiB to 16 TiB", what);
	return (uint32_t)p;
}

static void parse_hmb(struct sim_ctrl *s, char *v)
{
	char *comma = strchr(v, ',');
	if (comma)
		*comma = 0;
	s->hmpre = pages_4k("--hmb PREF", v);
	s->hmmin = comma ? pages_4k("--hmb MIN", comma + 1) : s->hmpre;
	if (s->hmmin > s->hmpre)
		die("--hmb: MIN is larger than PREF (%s)", v);
}

static void parse_self_test(struct sim_ctrl *s, char *v)
{
	char *comma = strchr(v, ',');
	if (comma)
		*comma = 0;
	s->dst = true;
	s->dst_short_us = num("--self-test SHORT_MS", v) * 1000;
	s->dst_ext_us = comma ? num("--self-test EXT_MS", comma + 1) * 1000 : 60000000ull;
	if (s->dst_short_us == 0 || s->dst_ext_us == 0)
		die("--self-test %s: durations of at least 1 ms", v);
}

static void parse_self_test_fail(struct sim_ctrl *s, char *v)
{
	char *colon = strchr(v, ':');
	if (!colon)
		die("--self-test-fail %s: SEG:LBA", v);
	*colon = 0;
	uint64_t seg = num("--self-test-fail SEG", v);
	if (seg < 1 || seg > 255)
		die("--self-test-fail %s: SEG 1..255", v);
	s->dst_fail_segment = (uint8_t)seg;
	s->dst_fail_lba = num("--self-test-fail LBA", colon + 1);
}

static void parse_telemetry(struct sim_ctrl *s, char *v)
{
	char *save = NULL;
	unsigned k = 0;
	for (char *w = strtok_r(v, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (k == 3)
			die("--telemetry: three areas (%s)", w);
		uint64_t b = num("--telemetry", w);
		if (b > 1024 || (k && b < s->tel_da[k - 1]))
			die("--telemetry: DA1 <= DA2 <= DA3 <= 1024 blocks (%s)", w);
		s->tel_da[k++] = (uint16_t)b;
	}
	if (k != 3)
		die("--telemetry: expected DA1,DA2,DA3 (%s)", "three numbers");
	s->telemetry = true;
}

/* ------------------------------------------------------------ host callbacks */

static void *sim_host_dma_alloc(void *ctx, size_t size, size_t align, uint64_t *phys)
{
	struct nvmetk_ctrl *t = ctx;
	void *p = sim_dma_alloc(size, align);
	if (!p)
		return NULL;
	size_t pages = (size + PLATFORM_PAGE_SIZE - 1) / PLATFORM_PAGE_SIZE;
	t->dma_bytes += pages * PLATFORM_PAGE_SIZE;
	t->dma_allocs++;
	*phys = (uint64_t)(uintptr_t)p;
	return p;
}

static void sim_host_dma_free(void *ctx, void *virt, uint64_t phys, size_t size)
{
	struct nvmetk_ctrl *t = ctx;
	(void)phys;
	size_t pages = (size + PLATFORM_PAGE_SIZE - 1) / PLATFORM_PAGE_SIZE;
	sim_dma_free(virt);
	t->dma_bytes -= pages * PLATFORM_PAGE_SIZE;
	t->dma_allocs--;
}

static volatile void *sim_host_mmio_map(void *ctx, uint64_t phys, size_t size)
{
	(void)ctx;
	return nvme_model_map_bar(phys, size);
}

static void sim_host_mmio_unmap(void *ctx, volatile void *virt, size_t size)
{
	(void)ctx;
	(void)virt;
	(void)size;
}

static int sim_host_virt_to_phys(void *ctx, const void *virt, uint64_t *phys)
{
	(void)ctx;
	if (!sim_translate(NULL, (uint64_t)(uintptr_t)virt, 1, false))
		return -1;
	*phys = (uint64_t)(uintptr_t)virt;
	return 0;
}

/* The model does time-based work (deferred completions: a Format NVM with
 * a duration, sanitize steps) when it is touched or ticked; a driver that
 * polls a completion queue in memory touches no register, so the clock
 * callbacks tick every model. */
static uint64_t sim_host_now_us(void *ctx)
{
	(void)ctx;
	nvme_model_tick_all();
	return time_now_us();
}

static void sim_host_delay_us(void *ctx, uint32_t us)
{
	(void)ctx;
	time_delay_us(us);
	nvme_model_tick_all();
}

static void sim_host_log(void *ctx, enum nvme_log_level level, const char *msg)
{
	struct nvmetk_ctrl *t = ctx;
	if (level > nvme_port_log_level())
		return;
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: ", "trace: " };
	kprintf("%s: %s%s\n", t ? t->name : "nvme", level <= NVME_LOG_TRACE ? prefix[level] : "", msg);
}

bool platform_ctrl_read32(struct nvmetk_ctrl *t, uint32_t off, uint32_t *out)
{
	for (unsigned i = 0; i < nsims; i++) {
		if (sims[i].t != t)
			continue;
		if (off % 4 || off + 4 > nvme_model_bar_size(sims[i].m))
			return false;
		*out = nvme_model_read32(sims[i].m, off);
		return true;
	}
	return false;
}

/* ------------------------------------------------------------ images */

static void load_image(struct sim_ctrl *s, struct sim_ns *n)
{
	FILE *f = fopen(n->image, "rb");
	if (!f) {
		if (errno != ENOENT)
			die("cannot open image %s", n->image);
		return; /* created at exit */
	}
	uint32_t l = n->cfg.lba_size;
	uint8_t *buf = malloc((size_t)l * SIM_IMAGE_CHUNK_BLOCKS);
	if (!buf)
		die("no memory to load %s", n->image);
	uint64_t lba = 0;
	while (lba < n->cfg.blocks) {
		uint64_t want = n->cfg.blocks - lba;
		if (want > SIM_IMAGE_CHUNK_BLOCKS)
			want = SIM_IMAGE_CHUNK_BLOCKS;
		size_t got = fread(buf, 1, (size_t)(want * l), f);
		if (got == 0)
			break;
		memset(buf + got, 0, (size_t)(want * l) - got);
		uint64_t blocks = (got + l - 1) / l;
		/* an all-zero chunk is what the model reads for blocks never
		 * written: skip it (keeps a sparse store small) */
		bool zero = true;
		for (size_t i = 0; i < got && zero; i++)
			zero = buf[i] == 0;
		if (!zero)
			nvme_model_ns_write(s->m, n->cfg.nsid, lba, blocks, buf);
		lba += blocks;
		if (got < want * l)
			break;
	}
	free(buf);
	fclose(f);
}

static void save_image(struct sim_ctrl *s, struct sim_ns *n, const char *name)
{
	uint32_t l;
	uint16_t ms;
	uint64_t blocks;
	if (nvme_model_ns_info(s->m, n->cfg.nsid, &l, &ms, &blocks) != 0)
		return;
	FILE *f = fopen(n->image, "wb");
	uint8_t *buf = malloc((size_t)l * SIM_IMAGE_CHUNK_BLOCKS);
	bool ok = f && buf;
	for (uint64_t lba = 0; ok && lba < blocks; lba += SIM_IMAGE_CHUNK_BLOCKS) {
		uint64_t k = blocks - lba < SIM_IMAGE_CHUNK_BLOCKS ? blocks - lba : SIM_IMAGE_CHUNK_BLOCKS;
		ok = nvme_model_ns_read(s->m, n->cfg.nsid, lba, k, buf) == 0 &&
		     fwrite(buf, 1, (size_t)(k * l), f) == k * l;
	}
	free(buf);
	if (f && fclose(f) != 0)
		ok = false;
	char fmtname[4096];
	if (ok && ms) {   /* the metadata, ms bytes per block, beside the image */
		snprintf(fmtname, sizeof(fmtname), "%s.md", n->image);
		FILE *h = fopen(fmtname, "wb");
		uint8_t *mb = malloc((size_t)ms * SIM_IMAGE_CHUNK_BLOCKS);
		ok = h && mb;
		for (uint64_t lba = 0; ok && lba < blocks; lba += SIM_IMAGE_CHUNK_BLOCKS) {
			uint64_t k = blocks - lba < SIM_IMAGE_CHUNK_BLOCKS ? blocks - lba : SIM_IMAGE_CHUNK_BLOCKS;
			ok = nvme_model_ns_read_meta(s->m, n->cfg.nsid, lba, k, mb) == 0 &&
			     fwrite(mb, 1, (size_t)(k * ms), h) == k * ms;
		}
		free(mb);
		if (h && fclose(h) != 0)
			ok = false;
	}
	uint8_t dps = 0;
	bool mext = false;
	nvme_model_ns_pi_info(s->m, n->cfg.nsid, &dps, &mext);
	snprintf(fmtname, sizeof(fmtname), "%s.fmt", n->image);
	FILE *g = ok ? fopen(fmtname, "w") : NULL;
	if (g) {
		fprintf(g, "lba_size=%u ms=%u blocks=%llu pi=%u pil=%u mset=%u\n", (unsigned)l, (unsigned)ms,
			(unsigned long long)blocks, (unsigned)(dps & 7u), (unsigned)((dps >> 3) & 1u), mext ? 1u : 0u);
		ok = fclose(g) == 0;
	} else {
		ok = false;
	}
	kprintf("sim: %s %s %s: %llu blocks x %u B%s\n", name, ok ? "written to" : "NOT written to", n->image,
		(unsigned long long)blocks, (unsigned)l, ms ? " (metadata in .md)" : "");
}

static void on_exit_hook(int code)
{
	(void)code;
	for (unsigned i = 0; i < nsims; i++) {
		struct sim_ctrl *s = &sims[i];
		for (unsigned j = 0; j < s->nns; j++) {
			if (!s->ns[j].image)
				continue;
			char name[24];
			if (s->t)
				nvme_port_ns_name(s->t, s->ns[j].cfg.nsid, name, sizeof(name));
			else
				snprintf(name, sizeof(name), "ns%u", (unsigned)s->ns[j].cfg.nsid);
			save_image(s, &s->ns[j], name);
		}
		if (s->t && s->t->ctrl) {
			if (s->t->attached)
				nvme_ctrl_detach(s->t->ctrl);
			free(s->t->ctrl);
			s->t->ctrl = NULL;
			s->t->attached = false;
		}
		unsigned errs = nvme_model_error_count(s->m);
		for (unsigned e = 0; e < errs; e++)
			fprintf(stderr, "nvmetk-sim: nvme%u: protocol error seen by the model: %s\n", i,
				nvme_model_error(s->m, e));
		nvme_model_destroy(s->m);
		s->m = NULL;
	}
}

/* ------------------------------------------------------------ attach */

static void attach_all(void)
{
	enum nvme_log_level level;
	const char *lv = cmdline_get("nvmelog");
	if (lv && nvme_port_parse_level(lv, &level))
		nvme_port_set_log_level(level);
	else if (lv)
		kprintf("nvme: ignoring nvmelog=%s (expected error, warn, info, debug or trace)\n", lv);
	uint32_t io_queues = NVME_DEFAULT_IO_QUEUE_COUNT;
	const char *qs = cmdline_get("nvmeqs");
	if (qs && (!parse_u32(qs, &io_queues) || io_queues > NVME_CFG_MAX_IO_QUEUES)) {
		kprintf("nvme: ignoring nvmeqs=%s (expected 0..%u)\n", qs, (unsigned)NVME_CFG_MAX_IO_QUEUES);
		io_queues = NVME_DEFAULT_IO_QUEUE_COUNT;
	}
	for (unsigned i = 0; i < nsims; i++) {
		struct sim_ctrl *s = &sims[i];
		if (s->nns == 0) {
			char def[] = "16M";
			parse_ns(s, def);
		}
		struct nvme_model_ns_config nsc[SIM_MAX_NS];
		for (unsigned j = 0; j < s->nns; j++)
			nsc[j] = s->ns[j].cfg;
		s->mcfg.ns = nsc;
		s->mcfg.ns_count = s->nns;
		s->mcfg.translate = sim_translate;
		s->mcfg.clock = sim_clock;
		s->m = nvme_model_create(&s->mcfg);
		s->mcfg.ns = NULL;
		if (!s->m) {
			fprintf(stderr, "nvmetk-sim: controller %u: the model refused this configuration\n", i);
			sim_exit(2);
		}
		nvme_model_set_sanicap(s->m, s->sanicap);
		nvme_model_sanitize_config(s->m, s->san_steps, s->san_fail_at, s->san_step_us);
		nvme_model_format_duration(s->m, s->format_us);
		nvme_model_fw_set_reset_required(s->m, s->fw_reset);
		nvme_model_set_fna(s->m, 0x4); /* crypto erase as a Format secure erase */
		if (s->temperature_k)
			nvme_model_set_temperature(s->m, s->temperature_k);
		if (s->critical_warning)
			nvme_model_set_critical_warning(s->m, s->critical_warning);
		for (unsigned b = 0; b < s->nbad; b++)
			nvme_model_add_bad_block(s->m, s->bad[b].nsid, s->bad[b].lba);
		for (unsigned j = 0; j < s->nns; j++)
			if (s->ns[j].image)
				load_image(s, &s->ns[j]);
		for (unsigned j = 0; j < s->nns; j++) {
			if (!s->ns[j].zone_bytes)
				continue;
			struct nvme_model_zns_config zc = { .zone_size = s->ns[j].zone_bytes / s->ns[j].cfg.lba_size,
							    .max_active = s->ns[j].mar, .max_open = s->ns[j].mor };
			if (nvme_model_ns_zoned(s->m, s->ns[j].cfg.nsid, &zc) != 0) {
				fprintf(stderr, "nvmetk-sim: namespace %u: the model refused the zone configuration\n",
					(unsigned)s->ns[j].cfg.nsid);
				sim_exit(2);
			}
		}
		if (s->cfs_after_cmds)
			nvme_model_cfs_after_cmds(s->m, s->cfs_after_cmds);
		if (s->dst)
			nvme_model_set_self_test(s->m, true, s->dst_short_us, s->dst_ext_us, s->dst_fail_segment,
						 s->dst_fail_lba);
		if (s->hmpre)
			nvme_model_set_hmb(s->m, s->hmpre, s->hmmin, 1, 0, s->hmb_refuse);
		if (s->telemetry)
			nvme_model_set_telemetry(s->m, true, s->tel_da[0], s->tel_da[1], s->tel_da[2]);
		if (s->power_states)
			set_power_states(s);
		if (s->apst)
			nvme_model_set_apst(s->m, true);
		if (s->copy)
			nvme_model_copy_enable(s->m, &s->copy_cfg);
		if (s->nsm_bytes) {
			uint16_t ids[16];
			for (unsigned k = 0; k <= s->nsm_others; k++)
				ids[k] = (uint16_t)(s->mcfg.cntlid + k);
			struct nvme_model_nsmgmt_config nc = { s->nsm_bytes, ids, s->nsm_others + 1, s->nsm_nn, false };
			if (nvme_model_nsmgmt_enable(s->m, &nc) != 0) {
				fprintf(stderr, "nvmetk-sim: controller %u: --ns-mgmt: NN below a configured NSID\n", i);
				sim_exit(2);
			}
		}

		struct nvmetk_ctrl *t = nvme_port_new();
		if (!t)
			break;
		s->t = t;
		snprintf(t->where, sizeof(t->where), "sim");
		t->vendor = s->mcfg.vid;
		t->device = 0x0010;
		t->subsys_vendor = s->mcfg.ssvid;
		t->bar_phys = nvme_model_bar_phys(s->m);
		t->bar_size = nvme_model_bar_size(s->m);
		t->ctrl = calloc(1, sizeof(*t->ctrl));
		if (!t->ctrl) {
			fprintf(stderr, "nvmetk-sim: no memory for the controller structure\n");
			sim_exit(2);
		}
		t->host.ctx = t;
		t->host.dma_alloc = sim_host_dma_alloc;
		t->host.dma_free = sim_host_dma_free;
		t->host.mmio_map = sim_host_mmio_map;
		t->host.mmio_unmap = sim_host_mmio_unmap;
		t->host.virt_to_phys = sim_host_virt_to_phys;
		t->host.now_us = sim_host_now_us;
		t->host.delay_us = sim_host_delay_us;
		t->host.log = sim_host_log;
		t->host.page_size = PLATFORM_PAGE_SIZE;
		struct nvme_ctrl_config cfg;
		nvme_config_defaults(&cfg);
		cfg.io_queue_count = io_queues;
		cfg.log_level = nvme_port_log_level();
		uint64_t t0 = time_now_us();
		t->attach_rc = nvme_ctrl_init(t->ctrl, &t->host, t->bar_phys, (size_t)t->bar_size, &cfg);
		t->attached = t->attach_rc == 0;
		nvme_port_print(t);
		if (t->attached)
			kprintf("%s: attached in %llu ms\n", t->name, (unsigned long long)((time_now_us() - t0) / 1000));
	}
	nvme_port_attach_summary();
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
	const char *script = NULL;
	struct sim_ctrl *s = &sims[0];
	ctrl_defaults(s, 0);
	nsims = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = strcmp(a, "--ctrl") != 0 && strcmp(a, "-h") != 0 && strcmp(a, "--help") != 0 &&
			     strcmp(a, "--fw-no-immediate") != 0 && strcmp(a, "--hmb-refuse") != 0 &&
			     strcmp(a, "--ps-deepest-broken") != 0 && strcmp(a, "--apst") != 0;
		if (takes && !v)
			die("%s needs a value", a);
		if (takes)
			i++;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--ctrl") == 0) {
			if (nsims == NVMETK_MAX_CTRL)
				die("more than %s controllers", "16");
			s = &sims[nsims];
			ctrl_defaults(s, nsims);
			nsims++;
		} else if (strcmp(a, "--ns") == 0) {
			parse_ns(s, v);
		} else if (strcmp(a, "--mdts") == 0) {
			uint64_t n = num(a, v);
			if (n > 15)
				die("--mdts %s: at most 15", v);
			s->mcfg.mdts = (uint8_t)n;
		} else if (strcmp(a, "--queues") == 0) {
			uint64_t n = num(a, v);
			if (n < 1 || n > 64)
				die("--queues %s: 1..64", v);
			s->mcfg.max_io_sq = s->mcfg.max_io_cq = (uint16_t)n;
		} else if (strcmp(a, "--serial") == 0) {
			s->mcfg.sn = v;
		} else if (strcmp(a, "--model") == 0) {
			s->mcfg.mn = v;
		} else if (strcmp(a, "--fr") == 0) {
			s->mcfg.fr = v;
		} else if (strcmp(a, "--fw-slots") == 0) {
			uint64_t n = num(a, v);
			if (n < 1 || n > 7)
				die("--fw-slots %s: 1..7", v);
			s->mcfg.frmw = (uint8_t)((s->mcfg.frmw & 0x10u) | 0x01u | (n << 1));
		} else if (strcmp(a, "--fw-no-immediate") == 0) {
			s->mcfg.frmw &= (uint8_t)~0x10u;
		} else if (strcmp(a, "--fw-reset") == 0) {
			s->fw_reset = strcmp(v, "none") == 0         ? NVME_MODEL_FW_RESET_NONE
				    : strcmp(v, "controller") == 0   ? NVME_MODEL_FW_RESET_CONTROLLER
				    : strcmp(v, "nssr") == 0         ? NVME_MODEL_FW_RESET_NSSR
				    : strcmp(v, "conventional") == 0 ? NVME_MODEL_FW_RESET_CONVENTIONAL
								     : (die("--fw-reset %s: none, controller, nssr or conventional", v),
									NVME_MODEL_FW_RESET_NONE);
		} else if (strcmp(a, "--sanitize") == 0) {
			parse_sanicap(s, v);
		} else if (strcmp(a, "--sanitize-steps") == 0) {
			uint64_t n = num(a, v);
			if (n < 1 || n > 100000)
				die("--sanitize-steps %s: 1..100000", v);
			s->san_steps = (unsigned)n;
		} else if (strcmp(a, "--sanitize-step-ms") == 0) {
			s->san_step_us = num(a, v) * 1000;
		} else if (strcmp(a, "--sanitize-fail-at") == 0) {
			s->san_fail_at = (unsigned)num(a, v);
		} else if (strcmp(a, "--format-ms") == 0) {
			s->format_us = num(a, v) * 1000;
		} else if (strcmp(a, "--temperature") == 0) {
			s->temperature_k = (uint16_t)num(a, v);
		} else if (strcmp(a, "--critical-warning") == 0) {
			s->critical_warning = (uint8_t)num(a, v);
		} else if (strcmp(a, "--bad-block") == 0) {
			char *colon = strchr(v, ':');
			if (!colon || s->nbad == 8)
				die("--bad-block %s: NSID:LBA (at most 8)", v);
			*colon = 0;
			s->bad[s->nbad].nsid = (uint32_t)num(a, v);
			s->bad[s->nbad].lba = num(a, colon + 1);
			s->nbad++;
		} else if (strcmp(a, "--cfs-after") == 0) {
			s->cfs_after_cmds = (uint32_t)num(a, v);
		} else if (strcmp(a, "--self-test") == 0) {
			parse_self_test(s, v);
		} else if (strcmp(a, "--self-test-fail") == 0) {
			parse_self_test_fail(s, v);
		} else if (strcmp(a, "--hmb") == 0) {
			parse_hmb(s, v);
		} else if (strcmp(a, "--hmb-refuse") == 0) {
			s->hmb_refuse = true;
		} else if (strcmp(a, "--telemetry") == 0) {
			parse_telemetry(s, v);
		} else if (strcmp(a, "--power-states") == 0) {
			uint64_t n = num(a, v);
			if (n < 1 || n > 32)
				die("--power-states %s: 1..32", v);
			s->power_states = (unsigned)n;
		} else if (strcmp(a, "--ps-deepest-broken") == 0) {
			s->ps_deepest_broken = true;
		} else if (strcmp(a, "--apst") == 0) {
			s->apst = true;
		} else if (strcmp(a, "--copy") == 0) {
			parse_copy(s, v);
		} else if (strcmp(a, "--ns-mgmt") == 0) {
			parse_ns_mgmt(s, v);
		} else if (strcmp(a, "--cmdline") == 0) {
			snprintf(cmdline_buf, sizeof(cmdline_buf), "%s", v);
		} else if (strcmp(a, "--module") == 0) {
			add_module(v);
		} else if (strcmp(a, "--fw-image") == 0) {
			add_fw_image(v);
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--commands") == 0) {
			script = v;
		} else {
			die("unknown option %s", a);
		}
	}
	cmdline_init(cmdline_buf);
	sim_set_exit_hook(on_exit_hook);
	if (!script)
		sim_console_init();
	kprintf("%s %s: the shell on the host (nvmetk-sim), %u simulated controller%s\n", NVMETK_NAME,
		NVMETK_VERSION, nsims, nsims == 1 ? "" : "s");
	attach_all();
	if (script) {
		shell_run_script(script);
		system_shutdown_devices();
		sim_exit(0);
	}
	const char *run = cmdline_get("run");
	if (run && run[0])
		shell_run_script(run);
	shell_main();
}
