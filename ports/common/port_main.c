/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * port_main.c - what both virt ports do after their CPU setup: RAM from the
 * DTB, the page allocator, the PCIe host bridge, the NVMe controller (class
 * 01:08:02) and struct nvme_host for this environment; then the fixed test
 * script (script.c) or the benchmark.
 *
 * struct nvme_host here:
 *   dma_alloc/free  whole pages from page_alloc.c (zeroed, contiguous);
 *                   physical = virtual (identity-mapped RAM; DMA is cache
 *                   coherent: the host bridge node says "dma-coherent")
 *   mmio_map        arch_map_mmio(): Device-nGnRE pages on aarch64,
 *                   identity on riscv64 (M-mode: attributes are the PMAs)
 *   virt_to_phys    identity, refused outside the RAM the DTB describes
 *   now_us/delay_us arch_ticks() / arch_tick_hz()
 *   log             the console
 *
 * Exit status (arch_exit): 0 every script step passed, 1 a step failed,
 * 2 no NVMe controller or it did not attach, 3 a fatal setup error.
 */
#include "nvme.h"
#include "page_alloc.h"
#include "pci_ecam.h"
#include "port.h"
#include "script.h"

#define MAX_PCI_FUNCS 64

static struct fdt fdt;
static char bootargs[256];
static struct pci_host pci;
static struct pci_func funcs[MAX_PCI_FUNCS];
static struct port_env env;

/* ------------------------------------------------------------------ time */

uint64_t port_now_us(void)
{
	uint64_t t = arch_ticks(), hz = arch_tick_hz();
	if (hz == 0)
		return 0;
	return t / hz * 1000000u + t % hz * 1000000u / hz;
}

/* --------------------------------------------------------------- options */

bool port_opt(const char *key, char *val, size_t len)
{
	size_t kl = strlen(key);
	const char *p = bootargs;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t wl = (size_t)(p - w);
		if (wl >= kl && strncmp(w, key, kl) == 0 && (wl == kl || w[kl] == '=')) {
			if (val != NULL && len > 0) {
				size_t vl = wl > kl ? wl - kl - 1 : 0;
				if (vl >= len)
					vl = len - 1;
				memcpy(val, w + kl + (wl > kl ? 1 : 0), vl);
				val[vl] = '\0';
			}
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------ nvme_host */

static void *host_dma_alloc(void *ctx, size_t size, size_t align, uint64_t *phys)
{
	struct port_env *e = ctx;
	uint64_t pages = ((uint64_t)size + PORT_PAGE_SIZE - 1) / PORT_PAGE_SIZE;
	void *p = page_alloc(pages, align);
	if (p == NULL)
		return NULL;
	e->dma_bytes += pages * PORT_PAGE_SIZE;
	*phys = (uint64_t)(uintptr_t)p;
	return p;
}

static void host_dma_free(void *ctx, void *virt, uint64_t phys, size_t size)
{
	struct port_env *e = ctx;
	uint64_t pages = ((uint64_t)size + PORT_PAGE_SIZE - 1) / PORT_PAGE_SIZE;
	(void)phys;
	if (page_free(virt, pages))
		e->dma_bytes -= pages * PORT_PAGE_SIZE;
	else
		port_printf("WARNING: dma_free of %p (%zu bytes) that page_alloc did not hand out\n", virt, size);
}

static volatile void *host_mmio_map(void *ctx, uint64_t phys, size_t size)
{
	(void)ctx;
	return arch_map_mmio(phys, size);
}

static int host_virt_to_phys(void *ctx, const void *virt, uint64_t *phys)
{
	struct port_env *e = ctx;
	uint64_t a = (uint64_t)(uintptr_t)virt;
	if (a < e->ram_start || a >= e->ram_end)
		return -1;
	*phys = a;
	return 0;
}

static uint64_t host_now_us(void *ctx)
{
	(void)ctx;
	return port_now_us();
}

static void host_delay_us(void *ctx, uint32_t us)
{
	(void)ctx;
	uint64_t end = port_now_us() + us;
	while (port_now_us() < end)
		;
}

static void host_log(void *ctx, enum nvme_log_level level, const char *msg)
{
	static const char *const names[] = { "error", "warn", "info", "debug", "trace" };
	(void)ctx;
	port_printf("nvme %s: %s\n", (unsigned)level < 5 ? names[level] : "?", msg);
}

/* ---------------------------------------------------------------- memory */

/* Remove [a, b) from the candidate range list (at most 8 ranges). */
struct range { uint64_t a, b; };
#define MAX_RANGES 16

static int cut(struct range *r, int n, uint64_t a, uint64_t b)
{
	struct range out[MAX_RANGES];
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (b <= r[i].a || a >= r[i].b) {
			out[m++] = r[i];
			continue;
		}
		if (r[i].a < a && m < MAX_RANGES)
			out[m++] = (struct range){ r[i].a, a };
		if (b < r[i].b && m < MAX_RANGES)
			out[m++] = (struct range){ b, r[i].b };
	}
	memcpy(r, out, sizeof(out[0]) * (size_t)m);
	return m;
}

static void setup_memory(void)
{
	struct fdt_iter it;
	struct fdt_node n;
	uint64_t img = (uint64_t)(uintptr_t)_image_start;
	bool found = false;
	fdt_iter_init(&it);
	while (!found && fdt_iter_next(&fdt, &it, &n, NULL)) {
		const char *type = fdt_prop_str(&fdt, &n, "device_type");
		if (type == NULL || strcmp(type, "memory") != 0)
			continue;
		uint64_t a, s;
		for (uint32_t i = 0; fdt_reg(&fdt, &n, i, &a, &s); i++) {
			if (img >= a && img - a < s && a + s > a) {
				env.ram_start = a;
				env.ram_end = a + s;
				found = true;
				break;
			}
		}
	}
	if (!found)
		port_fatal("no /memory node in the DTB contains this program (at 0x%lx)", img);

	struct range r[MAX_RANGES] = { { env.ram_start, env.ram_end } };
	int nr = 1;
	uint64_t dtb = (uint64_t)(uintptr_t)fdt.blob;
	nr = cut(r, nr, img & ~(uint64_t)(PORT_PAGE_SIZE - 1), (uint64_t)(uintptr_t)_image_end);
	nr = cut(r, nr, dtb & ~(uint64_t)(PORT_PAGE_SIZE - 1), dtb + fdt.size);
	uint64_t ra, rs;
	for (uint32_t i = 0; i < 32 && fdt_rsv(&fdt, i, &ra, &rs); i++)
		if (ra + rs > ra)
			nr = cut(r, nr, ra, ra + rs);
	int best = -1;
	for (int i = 0; i < nr; i++) {
		r[i].a = (r[i].a + PORT_PAGE_SIZE - 1) & ~(uint64_t)(PORT_PAGE_SIZE - 1);
		r[i].b &= ~(uint64_t)(PORT_PAGE_SIZE - 1);
		if (r[i].b > r[i].a && (best < 0 || r[i].b - r[i].a > r[best].b - r[best].a))
			best = i;
	}
	if (best < 0)
		port_fatal("no free RAM left after the program and the DTB");
	page_alloc_init(r[best].a, (r[best].b - r[best].a) / PORT_PAGE_SIZE);
	port_printf("memory: RAM 0x%lx-0x%lx, program 0x%lx-0x%lx, DTB 0x%lx (+0x%x); "
		    "page allocator 0x%lx, %lu pages\n", env.ram_start, env.ram_end, img,
		    (uint64_t)(uintptr_t)_image_end, dtb, fdt.size, page_alloc_base(), page_alloc_pages());
}

/* ------------------------------------------------------------------ main */

static void read_bootargs(void)
{
	struct fdt_node n;
	if (!fdt_find_path(&fdt, "/chosen", &n))
		return;
	const char *s = fdt_prop_str(&fdt, &n, "bootargs");
	if (s == NULL)
		return;
	size_t l = strlen(s);
	if (l >= sizeof(bootargs))
		port_fatal("bootargs longer than %zu bytes", sizeof(bootargs) - 1);
	memcpy(bootargs, s, l + 1);
}

const struct fdt *port_fdt(void)
{
	return &fdt;
}

void port_fdt_init(const void *dtb)
{
	const char *why;
	if (fdt_init(&fdt, dtb, &why) != 0)
		port_fatal("device tree at %p: %s", dtb, why);
}

void port_main(const void *dtb)
{
	(void)dtb; /* parsed by port_fdt_init() in arch_entry() */
	port_printf("\nnvmetk port %s: DTB at %p, timer %lu Hz\n", arch_name, (const void *)fdt.blob,
		    arch_tick_hz());
	read_bootargs();
	if (bootargs[0])
		port_printf("options: %s\n", bootargs);
	setup_memory();

	if (pci_host_init(&pci, &fdt) != 0)
		port_fatal("no usable PCIe host bridge");
	if (!pci.dma_coherent)
		port_fatal("the PCIe host bridge is not dma-coherent: this port does no cache maintenance");
	int nf = pci_scan(&pci, funcs, MAX_PCI_FUNCS);
	if (nf > MAX_PCI_FUNCS)
		nf = MAX_PCI_FUNCS;
	int nvme = -1;
	for (int i = 0; i < nf && nvme < 0; i++)
		if (funcs[i].class_code == PCI_CLASS_NVME && funcs[i].header_type == 0)
			nvme = i;
	if (nvme < 0) {
		port_printf("FAIL nvme-probe: no NVMe controller (PCI class 01:08:02) behind the PCIe host "
			    "bridge (%d functions found)\n", nf);
		port_printf("RESULT FAIL: no NVMe controller\n");
		arch_exit(2);
	}

	char opt[16] = "";
	enum pci_bar64_place place = PCI_BAR64_HIGH;
	if (port_opt("bar64", opt, sizeof(opt))) {
		if (strcmp(opt, "low") == 0)
			place = PCI_BAR64_LOW;
		else if (strcmp(opt, "high") != 0)
			port_fatal("option bar64=%s: expected low or high", opt);
	}
	uint64_t bar0, bar0_size;
	if (pci_assign_and_enable(&pci, funcs, nvme, place, &bar0, &bar0_size) != 0) {
		port_printf("FAIL nvme-probe: BAR assignment failed\n");
		port_printf("RESULT FAIL: no usable NVMe controller\n");
		arch_exit(2);
	}

	env.host.ctx = &env;
	env.host.dma_alloc = host_dma_alloc;
	env.host.dma_free = host_dma_free;
	env.host.mmio_map = host_mmio_map;
	env.host.mmio_unmap = NULL;
	env.host.virt_to_phys = host_virt_to_phys;
	env.host.now_us = host_now_us;
	env.host.delay_us = host_delay_us;
	env.host.log = host_log;
	env.host.page_size = PORT_PAGE_SIZE;
	env.host.dma_limit = 0;
	env.bar0 = bar0;
	env.bar0_size = bar0_size;
	arch_exit(script_run(&env));
}
