/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_port.c - the porting callbacks of the test kernel (struct nvme_host
 * over pmm, vmm and the TSC clock) and the boot-time PCI attach of every NVMe
 * controller (see nvme_port.h). Another kernel's port starts from the
 * callbacks below; the controller table, events, power-off shutdown and
 * printing the shell uses are in nvme_ctrls.c.
 */
#include "nvme_port.h"
#include "pcie_hp.h"
#include "cmdline.h"
#include "console.h"
#include "kformat.h"
#include "kstring.h"
#include "pci.h"
#include "pmm.h"
#include "shell.h"
#include "system.h"
#include "time.h"
#include "vmm.h"
#include "nvme_wait.h"


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
	if (level > nvme_port_log_level())
		return;
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: ", "trace: " };
	kprintf("%s: %s%s\n", t ? t->name : "nvme", level <= NVME_LOG_TRACE ? prefix[level] : "",
		msg);
}

/* ------------------------------------------------------------ attach */

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
	/* synchronous commands wait with the `poll-wait` strategy */
	t->host.idle = nvme_wait_host_idle;
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
	cfg.log_level = nvme_port_log_level();
	/* nvmedbbuf=0: no shadow doorbells even where OACS bit 8 offers them
	 * (for comparisons: bench prints which one ran) */
	const char *db = cmdline_get("nvmedbbuf");
	cfg.no_shadow_doorbells = db && strcmp(db, "0") == 0;
	/* nvmedptr=prp|sgl|auto: the data pointer mode of I/O commands */
	const char *dp = cmdline_get("nvmedptr");
	if (dp && strcmp(dp, "prp") == 0)
		cfg.dptr_mode = NVME_DPTR_PRP;
	else if (dp && strcmp(dp, "sgl") == 0)
		cfg.dptr_mode = NVME_DPTR_SGL;
	/* the driver has no PCI: the host looks its quirks up by PCI IDs */
	cfg.quirks = nvme_quirks_for(d->vendor, d->device, d->subsys_vendor, d->subsys_id);
	quirk_override(&cfg.quirks_add, &cfg.quirks_remove);
	cfg.progress_cb = host_progress;
	cfg.progress_arg = t;
	return nvme_ctrl_init(t->ctrl, &t->host, t->bar_phys, (size_t)t->bar_size, &cfg);
}

static uint32_t boot_io_queues = NVME_DEFAULT_IO_QUEUE_COUNT;

/* Attaches the controller at d into a free table entry and prints it;
 * false if the table is full. */
static bool add_ctrl(struct pci_dev *d)
{
	struct nvmetk_ctrl *t = nvme_port_new();
	if (!t) {
		kprintf("nvme: more than %d controllers; %02x:%02x.%x and later ignored\n",
			NVMETK_MAX_CTRL, d->bus, d->dev, d->fn);
		return false;
	}
	t->pci = d;
	ksnprintf(t->where, sizeof(t->where), "%02x:%02x.%x", d->bus, d->dev, d->fn);
	t->vendor = d->vendor;
	t->device = d->device;
	t->subsys_vendor = d->subsys_vendor;
	uint64_t t0 = time_now_us();
	t->attach_rc = attach_one(t, boot_io_queues);
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
	return true;
}

/* ------------------------------------------------------------ hot-plug */

static bool ctrl_behind(const struct nvmetk_ctrl *t, uint16_t seg, uint8_t sec, uint8_t sub)
{
	return t->pci && t->pci->segment == seg && t->pci->bus >= sec && t->pci->bus <= sub;
}

static bool hp_in_use(uint16_t seg, uint8_t sec, uint8_t sub)
{
	for (int i = 0; i < nvme_port_count(); i++) {
		struct nvmetk_ctrl *t = nvme_port_at(i);
		if (t && ctrl_behind(t, seg, sec, sub) && t->attached)
			return true;
	}
	return false;
}

/* The slot is about to lose power: shut down, detach, forget. Surprise
 * (already gone): nothing is sent, detach only. */
static void hp_remove(uint16_t seg, uint8_t sec, uint8_t sub, bool surprise)
{
	for (int i = 0; i < nvme_port_count(); i++) {
		struct nvmetk_ctrl *t = nvme_port_at(i);
		if (!t || !ctrl_behind(t, seg, sec, sub))
			continue;
		nvme_port_quiesce(t, surprise);
		if (t->ctrl)
			pmm_free_pages((uint64_t)(uintptr_t)t->ctrl, t->ctrl_pages);
		t->ctrl = NULL;
		t->removed = true;
		kprintf("%s: removed%s (slot powered off next)\n", t->name, surprise ? " without shutdown: card gone" : "");
	}
}

/* Removal requested or presence lost, seen inside a running command: mark
 * only (this may run inside a driver callback); see nvme_port.h. */
static void hp_stopping(uint16_t seg, uint8_t sec, uint8_t sub, const char *why, bool gone)
{
	for (int i = 0; i < nvme_port_count(); i++) {
		struct nvmetk_ctrl *t = nvme_port_at(i);
		if (t && ctrl_behind(t, seg, sec, sub) && t->attached && !nvme_port_removing(t)) {
			nvme_port_mark_removing(t, why, gone);
			kprintf("%s: being removed (%s): new commands refused\n", t->name, why);
		}
	}
}

static void hp_add(struct pci_dev *d)
{
	if (d->class_code == 0x01 && d->subclass == 0x08 && d->prog_if == 0x02)
		add_ctrl(d);
}

static const struct pcie_hp_client hp_client = { hp_remove, hp_add, hp_in_use, hp_stopping };

/* The shell's idle hook in the kernel: the hot-plug slots, then events. */
static void kernel_idle(void)
{
	pcie_hp_poll(false);
	nvme_port_idle_poll();
}

void nvme_port_init(void)
{
	const char *lv = cmdline_get("nvmelog");
	enum nvme_log_level level;
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
	boot_io_queues = io_queues;
	const char *rd = cmdline_get("nvmeremovedrain");
	uint32_t drain;
	if (rd && parse_u32(rd, &drain) && drain <= NVMETK_REMOVE_DRAIN_MAX_MS)
		nvme_port_set_remove_drain_ms(drain);
	else if (rd)
		kprintf("nvme: ignoring nvmeremovedrain=%s (expected 0..%u ms)\n", rd, (unsigned)NVMETK_REMOVE_DRAIN_MAX_MS);

	for (struct pci_dev *d = pci_find_class(0x01, 0x08, 0x02, NULL); d;
	     d = pci_find_class(0x01, 0x08, 0x02, d))
		if (!add_ctrl(d))
			break;
	int ok = nvme_port_attach_summary();
	pcie_hp_set_client(&hp_client);
	if (ok || pcie_hp_slot_count()) {
		/* the idle hook also watches the hot-plug slots */
		shell_set_idle_hook(kernel_idle);
		system_set_shutdown_hook(nvme_port_shutdown_all);
	}
}
