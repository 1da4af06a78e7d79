/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_events.c - `events`: the asynchronous events the kernel took
 * from the driver (nvme_port.c polls every ready controller while the
 * prompt waits and prints each event as it arrives).
 */
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

static int cmd_events(int argc, char **argv)
{
	struct shell_opt opts[] = { { .name = "clear" }, { 0 } };
	struct nvmetk_ctrl *sel[NVMETK_MAX_CTRL];
	int n = nvsh_parse_all(argc, argv, opts, sel, NVMETK_MAX_CTRL);
	if (n < 0)
		return -n;
	nvme_port_poll_events(); /* anything that arrived meanwhile is printed first */
	for (int i = 0; i < n; i++) {
		struct nvmetk_ctrl *t = sel[i];
		if (!t->attached) {
			kprintf("%s: not attached\n", t->name);
			continue;
		}
		uint32_t kept = nvme_port_event_kept(t);
		kprintf("%s: %u event%s since boot, %u Asynchronous Event Request%s outstanding, %u lost by the "
			"driver", t->name, (unsigned)t->ev_total, t->ev_total == 1 ? "" : "s",
			(unsigned)nvme_aer_outstanding(t->ctrl), nvme_aer_outstanding(t->ctrl) == 1 ? "" : "s",
			(unsigned)nvme_event_dropped(t->ctrl));
		if (t->ev_poll_errors) {
			char why[96];
			nvme_status_describe(t->ev_last_error, why, sizeof(why));
			kprintf(", %u failed polls (last: %s)", (unsigned)t->ev_poll_errors, why);
		}
		kprintf("\n");
		for (uint32_t k = 0; k < kept; k++) {
			const struct nvmetk_event *e = nvme_port_event_at(t, k);
			uint64_t ms = e->at_us / 1000;
			kprintf("  %4u  %6llu.%03llu s  dw0 %08x  %s\n", (unsigned)e->seq, (unsigned long long)(ms / 1000),
				(unsigned long long)(ms % 1000), (unsigned)e->dw0, e->text);
		}
		if (t->ev_total > kept)
			kprintf("  (%u older events not kept)\n", (unsigned)(t->ev_total - kept));
		if (nvsh_isset(opts, "clear"))
			nvme_port_events_clear(t);
	}
	return SHELL_OK;
}
NVSH_COMMAND("events", "events [DEVICE] [--clear]", "asynchronous events received from the controllers",
	     "While the prompt waits for input the kernel polls every ready controller's admin\n"
	     "queue four times a second (nvme_ctrl_poll_admin): the driver reads the log page an\n"
	     "event names (which re-enables that event type), rescans namespaces on a namespace\n"
	     "change, re-arms the request, and the kernel prints 'nvmeN: event SEQ: ...' as it\n"
	     "arrives. Commands and boot scripts are not interrupted: events that arrive while\n"
	     "they run are printed at the next prompt. This lists the last 16 per controller\n"
	     "(sequence number, uptime, completion dword 0, decoded), after polling once more.\n"
	     "--clear forgets them afterwards. Example: set-feature -f 4 -v 0x100 sets the\n"
	     "temperature threshold to 256 K, below QEMU's 323 K, which raises a SMART/health\n"
	     "temperature event.",
	     cmd_events);
