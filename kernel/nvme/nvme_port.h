/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_port.h - the test kernel as a host of the portable NVMe driver.
 *
 * Files: nvme_port.c holds the porting callbacks (struct nvme_host) and the
 * PCI attach, the part another kernel replaces; nvme_ctrls.c holds the
 * controller table, events, power-off and printing, which the simulator
 * (sim/) shares.
 *
 * nvme_port.c implements struct nvme_host (drivers/nvme/nvme_host.h) over the
 * kernel's services:
 *   dma_alloc/dma_free  pmm_alloc_pages/pmm_free_pages (zeroed, contiguous,
 *                       identity-mapped, so virt == phys)
 *   mmio_map/unmap      vmm_map_mmio/vmm_unmap_mmio (uncached, any address)
 *   virt_to_phys        vmm_virt_to_phys
 *   now_us/delay_us     time_now_us/time_delay_us
 *   log                 kprintf, "nvme0: ..." lines, filtered by the level set
 *                       with nvme_port_set_log_level() (shell: `loglevel`)
 *   page_size           4096; no dma_limit (NVMe over PCIe does 64-bit DMA)
 * Each controller has its own struct nvme_host whose ctx is its table entry,
 * so log lines name the controller.
 *
 * nvme_port_init() (called once at boot, after pci_init) attaches every PCI
 * function of class 01:08:02: enables memory decoding and bus mastering
 * (INTx disabled: the driver polls), passes BAR0 (64-bit, possibly above
 * 4 GiB) to nvme_ctrl_init(), and prints what it found. Controllers are named
 * nvme0, nvme1, ... in PCI order (including ones that fail to attach, so the
 * numbering does not depend on failures); namespaces are nvme<N>n<NSID>, as
 * on Linux. A controller that fails to attach is reported with the driver's
 * status text and stays in the table with attach_rc set.
 *
 * Asynchronous events: while the shell waits for input (shell_set_idle_hook)
 * every ready controller's admin queue is polled at most every
 * NVMETK_EVENT_POLL_MS (nvme_ctrl_poll_admin); each event the driver handled
 * is taken out of its ring (nvme_event_pop), printed as
 *   nvme0: event 1: SMART/health: temperature above or under a threshold (log 02h read): ...
 * and kept in a per-controller history of NVMETK_EVENT_HISTORY lines (the
 * shell's `events` lists it).
 *
 * The driver logs each refusal of an optional command (nvme_ctrl_refusal(),
 * which the shell prints as its error) and each handled event ("event N:
 * ...", printed above) at debug level only, so at the default info level
 * they appear once; host_log passes every line at or below the level on.
 *
 * Power-off: nvme_port_init() registers nvme_port_shutdown_all() as the
 * system shutdown hook (system.h), which `poweroff`, `reboot`, `exit` and a
 * boot script stopped by `set -e` run before the machine goes away (unless
 * given --no-shutdown). For each controller in the table, one line:
 *   nvme0: flushed, shutdown complete in 3 ms
 * READY: when Identify VWC bit 0 says a volatile write cache is present, a
 * Flush (NSID FFFFFFFFh where VWC bits 2:1 = 11b, else one per namespace
 * kept) on the first I/O queue pair (with nvmeqs=0 there is none: not
 * flushed), waited for at most NVMETK_SHUTDOWN_FLUSH_MS; then
 * nvme_ctrl_shutdown(normal), which the driver
 * bounds by RTD3E (or CAP.TO) and follows with an abrupt shutdown on timeout.
 * A flush that timed out means a stuck controller: abrupt shutdown at once
 * (a normal one would first wait for queue deletions that would time out).
 * FAILED: no flush, abrupt shutdown only (bounded by CAP.TO). GONE, OFF,
 * already SHUTDOWN and never attached: nothing is sent, the line says why.
 *
 * Kernel command line options read at boot:
 *   nvmelog=error|warn|info|debug|trace   initial log level (default info)
 *   nvmeqs=N                               I/O queue pairs per controller (default 1)
 *   nvmeremovedrain=MS                     drain of a hot-plug removal (default
 *                                          NVMETK_REMOVE_DRAIN_MS; see "Removal")
 *   nvmedbbuf=0                            never use shadow doorbells (Doorbell Buffer
 *                                          Config), even where the controller offers them
 *   nvmebreak=nvme1[,nvme2...]             test hook: attach these controllers with
 *                                          an invalid struct nvme_host (page_size 0) so
 *                                          the driver refuses them (the failure path)
 */
#ifndef KERNEL_NVME_PORT_H
#define KERNEL_NVME_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "nvme_all.h"

struct pci_dev;

#define NVMETK_MAX_CTRL 16

struct nvmetk_ctrl {
	char name[8];              /* "nvme0" */
	int index;                 /* the N of nvmeN */
	struct pci_dev *pci;       /* the kernel's PCI function (NULL in the sim) */
	char where[24];            /* location for messages: "00:04.0", "sim" */
	uint16_t vendor, device, subsys_vendor; /* PCI IDs (the sim's: its model's) */
	uint64_t bar_phys, bar_size;
	int attach_rc;             /* status of nvme_ctrl_init (0: attached) */
	bool attached;             /* init succeeded (the state may change later) */
	struct nvme_ctrl *ctrl;    /* pmm pages; NULL if none could be allocated */
	uint64_t ctrl_pages;
	struct nvme_host host;     /* ctx points back at this entry */
	uint64_t dma_bytes;        /* DMA memory the driver holds (page granular) */
	uint64_t dma_allocs;       /* live dma_alloc allocations */
	/* asynchronous events seen (history ring, oldest first from ev_first) */
	struct nvmetk_event *ev_hist;  /* NVMETK_EVENT_HISTORY entries */
	uint32_t ev_total;         /* events taken from the driver so far */
	uint32_t ev_poll_errors;   /* nvme_ctrl_poll_admin failures */
	int ev_last_error;         /* the last one's status */
	bool removed;              /* hot-unplugged: nvme_port_at() returns NULL for it */
	char removing[48];         /* non-empty: its removal was requested (why); the
	                            * shell starts no new command on it */
	bool retired;              /* nvme_port_retire() ran: drained and shut down */
	bool gone;                 /* removing because the card is gone: send nothing */
};

#define NVMETK_EVENT_POLL_MS 250
#define NVMETK_EVENT_HISTORY 16

struct nvmetk_event {
	uint32_t seq;              /* the driver's sequence number */
	uint32_t dw0;              /* completion dword 0 */
	uint64_t at_us;            /* time_now_us() when taken */
	char text[200];            /* nvme_event_describe() */
};

/* Polls every ready controller for asynchronous events now (the idle hook
 * does this at most every NVMETK_EVENT_POLL_MS); prints and records each.
 * Returns the number of events taken. */
int nvme_port_poll_events(void);
/* Recorded event i (0 = oldest kept) of t, NULL beyond. */
const struct nvmetk_event *nvme_port_event_at(const struct nvmetk_ctrl *t, uint32_t i);
uint32_t nvme_port_event_kept(const struct nvmetk_ctrl *t);
void nvme_port_events_clear(struct nvmetk_ctrl *t);

/* Longest wait for the Flush commands before a power-off shutdown. */
#define NVMETK_SHUTDOWN_FLUSH_MS 10000

/* Flush (VWC) and shut down (CC.SHN) every controller, one line each (see
 * "Power-off" above). Bounded: see the timeouts named there. */
void nvme_port_shutdown_all(void);

/* Attach every NVMe controller PCI found and print a summary of each. */
void nvme_port_init(void);

/* ---- shared by the platforms' attach code (nvme_ctrls.c) ---- */

/* The next table entry, zeroed, with index, name and event history set;
 * NULL when NVMETK_MAX_CTRL are in use. The caller fills in the rest. */
struct nvmetk_ctrl *nvme_port_new(void);
/* After attaching: prints "nvme: N controllers attached[, M failed]", and
 * when one attached, installs nvme_port_idle_poll as the shell's idle hook.
 * Returns the number attached. */
int nvme_port_attach_summary(void);
/* Polls for events at most every NVMETK_EVENT_POLL_MS (the idle hook). */
void nvme_port_idle_poll(void);

/* Table of controllers (attached or not), in PCI order; nvmeN is entry N.
 * nvme_port_at() is NULL for an entry whose controller was hot-unplugged
 * (nvme_port_new() gives the lowest such entry to a controller added later). */
int nvme_port_count(void);
struct nvmetk_ctrl *nvme_port_at(int i);

/*
 * Removal (PCIe hot-plug, kernel/dev/pcie_hp.h), in three steps:
 *
 * 1. nvme_port_mark_removing(t, why, gone): the removal was requested (attention
 *    button, presence lost). Nothing is sent to the controller (this may run
 *    inside a driver callback); from now on the shell refuses every new
 *    command on t ("error: nvme1 is being removed (why)"), and a running
 *    command is interrupted like Ctrl-C (the hot-plug busy hook returns
 *    true from console_check_interrupt()).
 * 2. nvme_port_retire(t): at a point where no driver call is in progress on
 *    t (the async commands iochk and bench call it as soon as they see the
 *    interruption, with their commands still in flight; otherwise the idle
 *    poll calls it before the slot is powered off). The I/O commands in
 *    flight get NVMETK_REMOVE_DRAIN_MS to complete normally (the spec's
 *    normal shutdown order: stop submitting, let outstanding commands
 *    complete, then delete the I/O queues, which aborts the rest); the
 *    kernel command line option nvmeremovedrain=MS (0..NVMETK_REMOVE_DRAIN_MAX_MS)
 *    changes it (0: no drain, every command still outstanding fails).
 *    Then the shutdown of power-off: a Flush when nothing is outstanding
 *    any more (a Flush behind stuck commands would wait for them), and
 *    CC.SHN normal shutdown, whose queue deletions abort what is left:
 *    each of those commands completes exactly once, with NVME_ERR_ABORTED
 *    (NVME_ERR_DEVICE_GONE when the registers read all-ones). One line:
 *      nvme1: removal: 32 I/O commands in flight: 20 completed in the 250 ms drain, 12 aborted
 *    A second call does nothing. When the card is gone (marked with gone:
 *    presence lost), nothing is sent: no drain, no shutdown; the driver is
 *    detached at once, which completes every command in flight exactly once
 *    with NVME_ERR_ABORTED (NVME_ERR_DEVICE_GONE when the registers read
 *    all-ones):
 *      nvme1: removal: card gone: 32 I/O commands in flight fail, nothing sent
 * 3. nvme_port_quiesce(t, surprise): just before the slot loses power (not
 *    when surprise: the card is already gone, nothing is sent, no retire),
 *    retire if not done, then detach (whatever is still in flight, e.g. an
 *    admin command, completes once with NVME_ERR_ABORTED or
 *    NVME_ERR_DEVICE_GONE). The caller frees the struct and marks the entry
 *    removed.
 *
 * PCIe hot-plug (kernel/dev/pcie_hp.h): nvme_port_init() registers as the
 * hot-plug client. Removal of a slot prints, per controller behind it:
 *   nvme1: removed (slot powered off next)
 *   nvme1: removed without shutdown: card gone (slot powered off next)
 * Insertion: an NVMe function enumerated behind the slot is attached as at
 * boot and printed the same way ("nvme1: attached in N ms"). */
void nvme_port_quiesce(struct nvmetk_ctrl *t, bool surprise);
void nvme_port_mark_removing(struct nvmetk_ctrl *t, const char *why, bool gone);
/* Why t is being removed, or NULL if it is not. */
const char *nvme_port_removing(const struct nvmetk_ctrl *t);
void nvme_port_retire(struct nvmetk_ctrl *t);
/* The drain of nvme_port_retire (default NVMETK_REMOVE_DRAIN_MS). */
void nvme_port_set_remove_drain_ms(uint32_t ms);

#define NVMETK_REMOVE_DRAIN_MS 250u
#define NVMETK_REMOVE_DRAIN_MAX_MS 60000u

/* Log level filter for driver messages (also applied to every controller's
 * own level so filtered messages are not even formatted). */
void nvme_port_set_log_level(enum nvme_log_level level);
enum nvme_log_level nvme_port_log_level(void);
const char *nvme_port_level_name(enum nvme_log_level level);
/* "error", "warn", "info", "debug", "trace" or 0..4. */
bool nvme_port_parse_level(const char *s, enum nvme_log_level *out);

/* Print the boot summary of one controller (also used by `list -v`). */
void nvme_port_print(const struct nvmetk_ctrl *t);

/* Writes "nvme0n1" for namespace nsid of controller t. */
void nvme_port_ns_name(const struct nvmetk_ctrl *t, uint32_t nsid, char *buf, size_t len);

/* Binary size text: "512 B", "64 MiB", "1.5 GiB" (one decimal, rounded down,
 * when not a whole number of the unit). */
void nvme_port_fmt_size(uint64_t bytes, char *buf, size_t len);

#endif
