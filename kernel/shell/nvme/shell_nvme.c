/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme.c - `nvme` (nvme-cli style prefix: `nvme list` == `list`),
 * `list` and `loglevel`.
 *
 * The NVMe commands live in kernel/shell_nvme_*.c and share the helpers of
 * shell_nvme.h (target selection, LBA ranges, confirmation, buffers,
 * progress, hexdump). Names, options and output fields follow nvme-cli where
 * it has a counterpart.
 */
#include "shell_nvme.h"
#include "shell_nvme_drives.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

/* ------------------------------------------------------------ nvme */

static void list_nvme_commands(void)
{
	const struct shell_command *sorted[128];
	int n = 0;
	for (int i = 0; i < shell_command_count() && n < 128; i++) {
		const struct shell_command *c = shell_command_at(i);
		if (!(c->flags & SHELL_CMD_NVME))
			continue;
		int j = n++;
		while (j > 0 && strcmp(sorted[j - 1]->name, c->name) > 0) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = c;
	}
	kprintf("NVMe commands (also without the 'nvme' prefix; 'help NAME' for details):\n");
	for (int i = 0; i < n; i++)
		kprintf("  %-16s %s\n", sorted[i]->name, sorted[i]->summary);
}

static int cmd_nvme(int argc, char **argv)
{
	if (argc < 2)
		return shell_usage_error("missing COMMAND ('nvme help' lists them)");
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
		if (argc > 2) {
			char *hv[] = { "help", argv[2], NULL };
			return shell_run_argv(2, hv);
		}
		list_nvme_commands();
		return SHELL_OK;
	}
	const struct shell_command *c = shell_find_command(argv[1]);
	if (!c || !(c->flags & SHELL_CMD_NVME))
		return shell_usage_error("no NVMe command '%s' ('nvme help' lists them)", argv[1]);
	return shell_run_argv(argc - 1, argv + 1);
}
SHELL_COMMAND_HELP("nvme", "nvme COMMAND [ARGS...]", "run an NVMe command, nvme-cli style (nvme help)",
		   "'nvme list' is the same as 'list', 'nvme read nvme0n1 ...' as 'read nvme0n1 ...'.\n"
		   "'nvme help' lists the NVMe commands, 'nvme help NAME' shows one.",
		   cmd_nvme);

/* ------------------------------------------------------------ list */

/* nvme-cli's "%6.2f %2sB" in decimal units, with integers only. */
static void fmt_decimal(uint64_t bytes, char *buf, size_t len)
{
	static const char *const u[] = { "", "k", "M", "G", "T", "P", "E" };
	unsigned i = 0;
	uint64_t div = 1;
	while (i < 6 && bytes / div >= 1000) {
		div *= 1000;
		i++;
	}
	/* hundredths, rounded to nearest like printf's %.2f */
	uint64_t whole = bytes / div, frac = 0;
	if (div > 1) {
		frac = ((bytes % div) / (div / 1000) + 5) / 10;
		if (frac == 100) {
			whole++;
			frac = 0;
		}
	}
	ksnprintf(buf, len, "%3llu.%02llu %2sB", (unsigned long long)whole, (unsigned long long)frac, u[i]);
}

static void fmt_lbaf(const struct nvme_ns *ns, char *buf, size_t len)
{
	uint32_t ds = ns->formats[ns->format_index].data_size;
	if (ds >= 1024 * 1024)
		ksnprintf(buf, len, "%3u MiB + %2u B", (unsigned)(ds >> 20), (unsigned)ns->meta_size);
	else if (ds >= 1024)
		ksnprintf(buf, len, "%3u KiB + %2u B", (unsigned)(ds >> 10), (unsigned)ns->meta_size);
	else
		ksnprintf(buf, len, "%3u   B + %2u B", (unsigned)ds, (unsigned)ns->meta_size);
}

static int cmd_list(int argc, char **argv)
{
	struct shell_opt opts[] = { { .name = "verbose", .short_name = 'v' }, { 0 } };
	struct nvmetk_ctrl *sel[NVMETK_MAX_CTRL];
	int n = nvsh_parse_all(argc, argv, opts, sel, NVMETK_MAX_CTRL);
	if (n < 0)
		return -n;
	if (n == 0) {
		kprintf("no NVMe controllers\n");
		return SHELL_OK;
	}
	if (opts[0].set) {
		for (int i = 0; i < n; i++) {
			struct nvmetk_ctrl *t = sel[i];
			nvme_port_print(t);
			if (t->attached) {
				char dma[24];
				nvsh_fmt_size(t->dma_bytes, dma, sizeof(dma));
				kprintf("%s: state %s, page size %u, CAP 0x%016llx, driver DMA memory %s in %llu "
					"allocations\n", t->name, nvsh_state_name(nvme_ctrl_get_state(t->ctrl)),
					(unsigned)nvme_ctrl_page_size(t->ctrl),
					(unsigned long long)nvme_ctrl_cap(t->ctrl), dma,
					(unsigned long long)t->dma_allocs);
				if (nvme_ctrl_quirks(t->ctrl) == 0)
					kprintf("%s: quirks: none\n", t->name);
				nvsh_print_hmb(t->name, t->ctrl);
			}
		}
		return SHELL_OK;
	}
	kprintf("%-16s %-20s %-40s %-9s %-26s %-16s %-8s\n", "Node", "SN", "Model", "Namespace",
		"Usage", "Format", "FW Rev");
	kprintf("---------------- -------------------- ---------------------------------------- "
		"--------- -------------------------- ---------------- --------\n");
	for (int i = 0; i < n; i++) {
		struct nvmetk_ctrl *t = sel[i];
		if (!t->attached) {
			char why[96];
			nvme_status_describe(t->attach_rc, why, sizeof(why));
			kprintf("%-16s (attach failed: %s)\n", t->name, why);
			continue;
		}
		struct nvme_ctrl *c = t->ctrl;
		enum nvme_ctrl_state st = nvme_ctrl_get_state(c);
		if (nvme_ns_count(c) == 0 || st != NVME_CTRL_READY) {
			char what[32];
			ksnprintf(what, sizeof(what), "(%s)",
				  st == NVME_CTRL_READY ? "no namespaces" : nvsh_state_name(st));
			kprintf("%-16s %-20s %-40s %-9s %-26s %-16s %-8s\n", t->name, nvme_ctrl_serial(c),
				nvme_ctrl_model(c), "-", what, "-", nvme_ctrl_firmware(c));
			if (st != NVME_CTRL_READY)
				continue;
		}
		for (uint32_t k = 0; k < nvme_ns_count(c); k++) {
			const struct nvme_ns *ns = nvme_ns_at(c, k);
			char node[24], used[16], size[16], usage[32], fmt[24];
			nvme_port_ns_name(t, ns->nsid, node, sizeof(node));
			uint32_t ds = ns->formats[ns->format_index].data_size;
			fmt_decimal(ns->utilization * ds, used, sizeof(used));
			fmt_decimal(ns->size * ds, size, sizeof(size));
			ksnprintf(usage, sizeof(usage), "%s / %s", used, size);
			fmt_lbaf(ns, fmt, sizeof(fmt));
			kprintf("%-16s %-20s %-40s %-9u %-26s %-16s %-8s%s\n", node, nvme_ctrl_serial(c),
				nvme_ctrl_model(c), (unsigned)ns->nsid, usage, fmt, nvme_ctrl_firmware(c),
				ns->unusable ? " (not usable)" : "");
		}
	}
	return SHELL_OK;
}
NVSH_COMMAND("list", "list [DEVICE] [-v]", "list NVMe controllers and namespaces (nvme-cli list)",
	     "One line per namespace: node name (nvme0n1: controller 0, NSID 1), serial,\n"
	     "model, NSID, usage (NUSE / NSZE in decimal units, as nvme-cli), LBA format\n"
	     "(data + metadata bytes) and firmware revision. Controllers that failed to\n"
	     "attach, are shut down or have no namespace get a line of their own.\n"
	     "-v/--verbose prints each controller's summary as at boot, its state, CAP,\n"
	     "the DMA memory the driver holds, the quirks applied (\"quirks: none\" or\n"
	     "their names: PCI ID table, model/firmware table, nvmequirks= on the kernel\n"
	     "command line) and the host memory buffer (given, size, chunks, or why not).\n"
	     "DEVICE limits the list to one controller.",
	     cmd_list);

/* ------------------------------------------------------------ loglevel */

static int cmd_loglevel(int argc, char **argv)
{
	if (argc > 2)
		return shell_usage_error("too many arguments");
	if (argc == 2) {
		enum nvme_log_level lv;
		if (!nvme_port_parse_level(argv[1], &lv))
			return shell_usage_error("unknown level '%s' (error, warn, info, debug, trace or 0..4)",
						 argv[1]);
		nvme_port_set_log_level(lv);
	}
	enum nvme_log_level lv = nvme_port_log_level();
	kprintf("nvme log level: %s (%d); printed:", nvme_port_level_name(lv), (int)lv);
	for (int i = 0; i <= (int)lv; i++)
		kprintf(" %s", nvme_port_level_name((enum nvme_log_level)i));
	kprintf("\n");
	if (lv == NVME_LOG_TRACE && !NVME_CFG_TRACE)
		kprintf("note: this kernel is built with NVME_CFG_TRACE=0, so there are no trace messages "
			"(add -DNVME_CFG_TRACE=1 to CFLAGS in the Makefile)\n");
	return SHELL_OK;
}
NVSH_COMMAND("loglevel", "loglevel [error|warn|info|debug|trace]",
	     "show or set the level of NVMe driver messages",
	     "Driver messages are printed as 'nvme0: ...' lines when their level is at or\n"
	     "below this one: error, warn (odd device behaviour that was handled), info\n"
	     "(bring-up, shutdown, resets; the default), debug (every admin command), trace\n"
	     "(every register access and queue entry; needs -DNVME_CFG_TRACE=1). Applies to\n"
	     "all controllers. The boot default comes from the kernel command line\n"
	     "option nvmelog=LEVEL.",
	     cmd_loglevel);
