/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_port.c - struct nvme_host for the test kernel, and the boot-time
 * attach of every NVMe controller (see nvme_port.h).
 */
#include "nvme_port.h"
#include "cmdline.h"
#include "console.h"
#include "kformat.h"
#include "kstring.h"
#include "pmm.h"
#include "shell.h"
#include "time.h"
#include "vmm.h"

static struct nvmetk_ctrl ctrls[NVMETK_MAX_CTRL];
static int nctrls;
static enum nvme_log_level log_level = NVME_LOG_INFO;

/* ------------------------------------------------------------ host callbacks */

static uint64_t bytes_to_pages(size_t size)
{
	return ((uint64_t)size + PAGE_SIZE - 1) / PAGE_SIZE;
}

static void *host_dma_alloc(void *ctx, size_t size, size_t align, uint64_t *phys)
{
	struct nvmetk_ctrl *t = ctx;
	if (size == 0)
		return NULL;
	uint64_t pages = bytes_to_pages(size);
	/* pmm: alignment <= 4096 means page aligned; larger must be a power of
	 * two, which the contract guarantees. */
	uint64_t p = pmm_alloc_pages(pages, align > PAGE_SIZE ? align : 0, 0);
	if (p == 0)
		return NULL;
	t->dma_bytes += pages * PAGE_SIZE;
	t->dma_allocs++;
	*phys = p; /* RAM is identity-mapped and pmm runs are zeroed */
	return (void *)(uintptr_t)p;
}

static void host_dma_free(void *ctx, void *virt, uint64_t phys, size_t size)
{
	struct nvmetk_ctrl *t = ctx;
	(void)virt;
	uint64_t pages = bytes_to_pages(size);
	if (pmm_free_pages(phys, pages)) {
		t->dma_bytes -= pages * PAGE_SIZE;
		t->dma_allocs--;
	}
}

static volatile void *host_mmio_map(void *ctx, uint64_t phys, size_t size)
{
	(void)ctx;
	return vmm_map_mmio(phys, size);
}

static void host_mmio_unmap(void *ctx, volatile void *virt, size_t size)
{
	(void)ctx;
	vmm_unmap_mmio(virt, size);
}

static int host_virt_to_phys(void *ctx, const void *virt, uint64_t *phys)
{
	(void)ctx;
	return vmm_virt_to_phys(virt, phys) == 0 ? 0 : -1;
}

static uint64_t host_now_us(void *ctx)
{
	(void)ctx;
	return time_now_us();
}

static void host_delay_us(void *ctx, uint32_t us)
{
	(void)ctx;
	time_delay_us(us);
}

static void host_log(void *ctx, enum nvme_log_level level, const char *msg)
{
	struct nvmetk_ctrl *t = ctx;
	if (level > log_level)
		return;
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: ", "trace: " };
	kprintf("%s: %s%s\n", t ? t->name : "nvme", level <= NVME_LOG_TRACE ? prefix[level] : "",
		msg);
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
	return (i >= 0 && i < nctrls) ? &ctrls[i] : NULL;
}

struct nvmetk_ctrl *nvme_port_find(const char *name)
{
	for (int i = 0; i < nctrls; i++)
		if (strcmp(ctrls[i].name, name) == 0)
			return &ctrls[i];
	return NULL;
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

static struct nvmetk_event ev_store[NVMETK_MAX_CTRL][NVMETK_EVENT_HISTORY];

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
static void idle_poll(void)
{
	static uint64_t last_us;
	uint64_t now = time_now_us();
	if (now - last_us < (uint64_t)NVMETK_EVENT_POLL_MS * 1000)
		return;
	last_us = now;
	nvme_port_poll_events();
}

/* ------------------------------------------------------------ attach */

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
	kprintf("%s: %llu blocks x %u B = %s\n", name, (unsigned long long)ns->size,
		(unsigned)ns->lba_size, size);
}

void nvme_port_print(const struct nvmetk_ctrl *t)
{
	const struct pci_dev *d = t->pci;
	char bsz[24];
	nvme_port_fmt_size(t->bar_size, bsz, sizeof(bsz));
	kprintf("%s: %02x:%02x.%x %04x:%04x, BAR0 0x%llx (%s)\n", t->name, d->bus, d->dev, d->fn,
		d->vendor, d->device, (unsigned long long)t->bar_phys, bsz);
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

/* The driver's progress callback: a slow controller (an Identify or log
 * page that takes seconds) gets a line every NVME_PROGRESS_INTERVAL_MS
 * instead of a silent hang. */
static void host_progress(void *arg, struct nvme_ctrl *c, const char *what, uint32_t waited_ms)
{
	const struct nvmetk_ctrl *t = arg;
	(void)c;
	kprintf("%s: still waiting for %s (%u s)\n", t ? t->name : "nvme", what, (unsigned)(waited_ms / 1000u));
}

/*
 * nvmequirks=+name,-name,...: quirk bits (nvme_quirks.h names, e.g.
 * +delay-before-rdy,-no-deepest-ps) forced on or off for every controller,
 * on top of the PCI ID lookup. A name without a sign adds. Unknown names
 * are reported and ignored.
 */
static void quirk_override(uint32_t *add, uint32_t *remove)
{
	const char *v = cmdline_get("nvmequirks");
	*add = 0;
	*remove = 0;
	while (v && *v) {
		const char *end = strchr(v, ',');
		size_t n = end ? (size_t)(end - v) : strlen(v);
		bool off = *v == '-';
		const char *name = (*v == '-' || *v == '+') ? v + 1 : v;
		size_t nn = n - (size_t)(name - v);
		char buf[32];
		if (nn > 0 && nn < sizeof(buf)) {
			memcpy(buf, name, nn);
			buf[nn] = 0;
			uint32_t bit = nvme_quirk_by_name(buf);
			if (bit == 0)
				kprintf("nvme: nvmequirks: unknown quirk \"%s\" ignored\n", buf);
			else if (off)
				*remove |= bit;
			else
				*add |= bit;
		} else if (n > 0) {
			kprintf("nvme: nvmequirks: bad entry ignored\n");
		}
		v = end ? end + 1 : NULL;
	}
}

/* Test hook: nvmebreak=nvme1[,nvme3] attaches those controllers with an
 * invalid struct nvme_host so the driver refuses them (failure path). */
static bool break_requested(const char *name)
{
	const char *v = cmdline_get("nvmebreak");
	size_t n = strlen(name);
	while (v && *v) {
		if (strncmp(v, name, n) == 0 && (v[n] == 0 || v[n] == ','))
			return true;
		v = strchr(v, ',');
		if (v)
			v++;
	}
	return false;
}

static int attach_one(struct nvmetk_ctrl *t, uint32_t io_queues)
{
	struct pci_dev *d = t->pci;
	const struct pci_bar *b = &d->bar[0];
	if (!b->present || b->is_io) {
		kprintf("%s: BAR0 is not a memory BAR\n", t->name);
		return NVME_ERR_INVAL;
	}
	if (b->base == 0) {
		kprintf("%s: BAR0 was not assigned an address by the firmware\n", t->name);
		return NVME_ERR_INVAL;
	}
	t->bar_phys = b->base;
	t->bar_size = b->size;

	/* Memory decoding and bus mastering on; legacy INTx off (polled). */
	pci_enable_mmio_busmaster(d);
	pci_write16(d, PCI_COMMAND, (uint16_t)(pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE));

	t->ctrl_pages = bytes_to_pages(sizeof(struct nvme_ctrl));
	uint64_t p = pmm_alloc_pages(t->ctrl_pages, 0, 0);
	if (p == 0) {
		kprintf("%s: no memory for the controller structure (%llu pages)\n", t->name,
			(unsigned long long)t->ctrl_pages);
		return NVME_ERR_NOMEM;
	}
	t->ctrl = (struct nvme_ctrl *)(uintptr_t)p;

	t->host.ctx = t;
	t->host.dma_alloc = host_dma_alloc;
	t->host.dma_free = host_dma_free;
	t->host.mmio_map = host_mmio_map;
	t->host.mmio_unmap = host_mmio_unmap;
	t->host.virt_to_phys = host_virt_to_phys;
	t->host.now_us = host_now_us;
	t->host.delay_us = host_delay_us;
	t->host.log = host_log;
	t->host.page_size = PAGE_SIZE;
	t->host.dma_limit = 0;
	if (break_requested(t->name)) {
		kprintf("%s: nvmebreak: attaching with page_size 0 (the driver must refuse it)\n", t->name);
		t->host.page_size = 0;
	}

	struct nvme_ctrl_config cfg;
	nvme_config_defaults(&cfg);
	cfg.io_queue_count = io_queues;
	cfg.log_level = log_level;
	/* nvmedbbuf=0: no shadow doorbells even where OACS bit 8 offers them
	 * (for comparisons: bench prints which one ran) */
	const char *db = cmdline_get("nvmedbbuf");
	cfg.no_shadow_doorbells = db && strcmp(db, "0") == 0;
	/* the driver has no PCI: the host looks its quirks up by PCI IDs */
	cfg.quirks = nvme_quirks_for(d->vendor, d->device, d->subsys_vendor, d->subsys_id);
	quirk_override(&cfg.quirks_add, &cfg.quirks_remove);
	cfg.progress_cb = host_progress;
	cfg.progress_arg = t;
	return nvme_ctrl_init(t->ctrl, &t->host, t->bar_phys, (size_t)t->bar_size, &cfg);
}

void nvme_port_init(void)
{
	const char *lv = cmdline_get("nvmelog");
	if (lv && !nvme_port_parse_level(lv, &log_level))
		kprintf("nvme: ignoring nvmelog=%s (expected error, warn, info, debug or trace)\n", lv);
	uint32_t io_queues = NVME_DEFAULT_IO_QUEUE_COUNT;
	const char *qs = cmdline_get("nvmeqs");
	if (qs && (!parse_u32(qs, &io_queues) || io_queues > NVME_CFG_MAX_IO_QUEUES)) {
		kprintf("nvme: ignoring nvmeqs=%s (expected 0..%u)\n", qs, (unsigned)NVME_CFG_MAX_IO_QUEUES);
		io_queues = NVME_DEFAULT_IO_QUEUE_COUNT;
	}

	for (struct pci_dev *d = pci_find_class(0x01, 0x08, 0x02, NULL); d;
	     d = pci_find_class(0x01, 0x08, 0x02, d)) {
		if (nctrls == NVMETK_MAX_CTRL) {
			kprintf("nvme: more than %d controllers; %02x:%02x.%x and later ignored\n",
				NVMETK_MAX_CTRL, d->bus, d->dev, d->fn);
			break;
		}
		struct nvmetk_ctrl *t = &ctrls[nctrls];
		t->index = nctrls++;
		ksnprintf(t->name, sizeof(t->name), "nvme%d", t->index);
		t->pci = d;
		t->ev_hist = ev_store[t->index];
		uint64_t t0 = time_now_us();
		t->attach_rc = attach_one(t, io_queues);
		t->attached = t->attach_rc == 0;
		if (!t->attached && t->ctrl) {
			/* init undid everything it did; give back the struct */
			pmm_free_pages((uint64_t)(uintptr_t)t->ctrl, t->ctrl_pages);
			t->ctrl = NULL;
		}
		nvme_port_print(t);
		if (t->attached)
			kprintf("%s: attached in %llu ms\n", t->name,
				(unsigned long long)((time_now_us() - t0) / 1000));
	}
	int ok = 0;
	for (int i = 0; i < nctrls; i++)
		ok += ctrls[i].attached;
	if (ok)
		shell_set_idle_hook(idle_poll);
	kprintf("nvme: %d controller%s attached", ok, ok == 1 ? "" : "s");
	if (ok != nctrls)
		kprintf(", %d failed", nctrls - ok);
	kprintf("\n");
}
