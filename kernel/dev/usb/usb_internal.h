/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * usb_internal.h - state shared by the files of kernel/dev/usb: controllers
 * (xhci.c), the device table and enumeration (usb.c), keyboards (usb_kbd.c)
 * and `lsusb` (usb_shell.c). Not for use outside this folder: usb.h is the
 * public face.
 */
#ifndef KERNEL_USB_INTERNAL_H
#define KERNEL_USB_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "pci.h"
#include "xhci_regs.h"

#define USB_MAX_HC 4
#define USB_MAX_DEVICES 32
#define USB_MAX_DEPTH 5  /* route string: five tiers of hubs */
#define XHCI_MAX_PORTS 64 /* ports beyond this are ignored (and said so) */
#define XHCI_MAX_SLOTS 64 /* we enable at most this many slots */
#define RING_TRBS 256     /* one 4 KiB page per ring, the last TRB a link */
/* Each device has one DMA page: control data in the first half, interrupt
 * IN data in the second. */
#define USB_CTL_MAX 2048
#define USB_INTR_MAX 64

/* Named waits (microseconds). */
#define XHCI_HANDOFF_TIMEOUT_US 1000000 /* BIOS releases ownership (Linux waits 1 s) */
#define XHCI_HALT_TIMEOUT_US 100000     /* spec: halts within 16 ms of R/S = 0 */
#define XHCI_RESET_TIMEOUT_US 1000000   /* HCRST and CNR clear */
#define XHCI_CMD_TIMEOUT_US 500000      /* one command ring command */
#define XHCI_CMD_ABORT_TIMEOUT_US 100000 /* CRCR.CRR clears after an abort */
#define XHCI_XFER_TIMEOUT_US 500000     /* one control transfer */
#define XHCI_PORT_RESET_TIMEOUT_US 500000
#define XHCI_PORT_POWER_WAIT_US 20000   /* after setting PP (5.4.8: 20 ms) */
#define XHCI_USB3_LINK_TIMEOUT_US 300000 /* a connected USB 3 port trains to enabled */
/* After a reset the controller detects the connections again; devices that
 * show up later are handled like hot plug, this only lets the boot banner
 * name them (USB 2.0 7.1.7.3: 100 ms connect debounce). */
#define USB_BOOT_SETTLE_US 100000
#define USB_RESET_RECOVERY_US 10000     /* USB 2.0 7.1.7.3 TRSTRCY */
#define USB_SET_ADDRESS_RECOVERY_US 2000 /* USB 2.0 9.2.6.3 */
#define HUB_PORT_RESET_TIMEOUT_US 500000
#define HUB_POWER_GOOD_MAX_US 1000000

struct xhci_ring {
	volatile struct xhci_trb *trb;
	uint64_t phys;
	unsigned enq;   /* next TRB to write */
	uint32_t cycle; /* producer cycle state */
};

struct usb_hc;

struct usb_dev {
	bool used;
	struct usb_hc *hc;
	struct usb_dev *parent; /* hub, or NULL on a root port */
	uint8_t root_port;      /* 1-based root hub port */
	uint8_t port;           /* port on the parent (root port when parent is NULL) */
	uint8_t depth;          /* 0 on a root port */
	uint32_t route;         /* route string (4 bits per tier) */
	uint8_t speed;          /* SPEED_* */
	uint8_t slot;           /* xHCI slot ID, 0 if none */
	uint8_t tt_slot, tt_port; /* transaction translator for FS/LS behind an HS hub */
	uint16_t vid, pid;
	uint8_t dev_class, dev_sub, dev_proto; /* from the device descriptor */
	uint8_t if_class, if_sub, if_proto;    /* the interface we looked at */
	char product[40];
	char role[96];       /* what the kernel does with it, or why it was skipped */
	bool failed;
	/* DMA: output and input contexts, EP0 ring, one interrupt IN ring, buffer */
	uint64_t out_ctx_phys, in_ctx_phys, buf_phys;
	uint8_t *out_ctx, *in_ctx, *buf;
	struct xhci_ring ep0;
	struct xhci_ring intr;
	uint8_t intr_dci;    /* 0: no interrupt endpoint running */
	bool intr_halted;    /* an error stopped it; usb_poll() recovers it */
	uint8_t intr_errors; /* consecutive recoveries */
	uint16_t intr_len;   /* bytes requested per interrupt transfer */
	uint8_t iface;       /* interface number (keyboard requests) */
	uint16_t mps0;
	/* control transfer completion, set by the event handler */
	bool ctl_done;
	uint8_t ctl_code;
	uint32_t ctl_residual;
	uint64_t ctl_wait_ptr;
	/* kind */
	bool is_kbd, is_hub;
	/* keyboard */
	uint8_t kbd_prev[8];
	uint8_t kbd_leds;       /* LED state last sent */
	bool kbd_led_ok;        /* SET_REPORT accepted */
	uint8_t rep_usage;      /* key held for typematic, 0 none */
	uint8_t rep_mods;
	uint64_t rep_next_tsc;
	/* hub */
	uint8_t hub_nports;
	uint32_t hub_changed;   /* bit p: port p has a change to look at */
	bool hub_tt_multi;
	uint8_t hub_ttt;
};

struct usb_hc {
	bool used, running;
	struct pci_dev *pci;
	char state[96];         /* "running" or why it was skipped */
	volatile uint8_t *cap, *op, *rt, *db;
	uint16_t version;
	uint32_t hcs1, hcs2, hcc1;
	unsigned max_slots, max_ports, ctx_size;
	bool ac64;
	uint64_t dma_limit;     /* exclusive; 0 = none */
	uint64_t *dcbaa;
	uint64_t dcbaa_phys;
	uint64_t scratch_array_phys;
	unsigned scratch_count;
	struct xhci_ring cmd;
	volatile struct xhci_trb *evt;
	uint64_t evt_phys;
	unsigned evt_deq;
	uint32_t evt_cycle;
	uint64_t erst_phys;
	uint8_t port_major[XHCI_MAX_PORTS + 1]; /* 2 or 3 per port, 0 unknown */
	uint64_t port_changed;  /* bit p-1: root port p needs a look */
	struct usb_dev *slot_dev[XHCI_MAX_SLOTS + 1];
	/* command completion, set by the event handler */
	bool cmd_done;
	uint8_t cmd_code, cmd_slot;
	uint64_t cmd_wait_ptr;
};

extern struct usb_hc usb_hcs[USB_MAX_HC];
extern struct usb_dev usb_devs[USB_MAX_DEVICES];

/* xhci.c */
bool xhci_attach(struct usb_hc *hc, struct pci_dev *pci);
uint64_t xhci_dma_page(struct usb_hc *hc);
void xhci_dma_free(uint64_t phys);
void xhci_ring_init(struct xhci_ring *r, uint64_t phys);
/* After a timeout: a controller that halted or reports HSE/HCE is marked
 * stopped (one line on the console) and never touched again. */
void xhci_check_alive(struct usb_hc *hc);
/* Runs every pending event (keys, port changes, completions). */
void xhci_handle_events(struct usb_hc *hc);
/* A command; returns the completion code (0 on timeout), *slot_out gets the
 * event's slot ID. */
int xhci_command(struct usb_hc *hc, uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3,
		 uint8_t *slot_out);
/* A control transfer on EP0; returns the completion code (0 on timeout),
 * *actual the bytes moved in the data stage. */
int xhci_control(struct usb_dev *d, uint8_t req_type, uint8_t req, uint16_t value,
		 uint16_t index, uint16_t len, void *data, uint16_t *actual);
/* Queues one Normal TRB on the interrupt IN ring and rings its doorbell. */
void xhci_queue_intr(struct usb_dev *d);
/* Reset Endpoint + Set TR Dequeue Pointer for a halted interrupt endpoint. */
void xhci_intr_recover(struct usb_dev *d);
uint32_t xhci_portsc(struct usb_hc *hc, unsigned port);
void xhci_portsc_write(struct usb_hc *hc, unsigned port, uint32_t set);
/* Resets a USB2 root port (USB3 ports enable themselves); true if enabled. */
bool xhci_port_reset(struct usb_hc *hc, unsigned port);
/* Context pointers: the slot or endpoint context dci (1..31) of the input
 * context (input control context first) and of the output context. */
uint32_t *xhci_in_ctl(struct usb_dev *d);
uint32_t *xhci_in_ctx(struct usb_dev *d, unsigned dci);
uint32_t *xhci_out_ctx(struct usb_dev *d, unsigned dci);
const char *xhci_cc_name(int cc);

/* usb.c */
extern bool usb_work; /* port, hub or endpoint work for usb_poll() */
/* Called by the event handler for a transfer event on the interrupt ring. */
void usb_intr_done(struct usb_dev *d, int cc, uint32_t residual);
/* The controller died: its devices stop being keyboards or hubs (no
 * commands are sent to it any more). */
void usb_hc_stopped(struct usb_hc *hc);
/* Configure Endpoint for one interrupt IN endpoint (with slot context bits
 * added, for hubs); allocates its ring. */
bool usb_configure_intr(struct usb_dev *d, uint8_t ep_addr, uint16_t mps, uint8_t binterval,
			uint32_t slot0_extra, uint32_t slot1_extra, uint32_t slot2_extra);
const char *usb_speed_name(uint8_t speed);
void usb_port_path(const struct usb_dev *d, char *buf, unsigned size);

/* usb_kbd.c */
bool usb_kbd_start(struct usb_dev *d, uint8_t ep_addr, uint16_t mps, uint8_t interval);
void usb_kbd_report(struct usb_dev *d, const uint8_t *rep, unsigned len);
void usb_kbd_forget(struct usb_dev *d);
/* Key repeat; called by usb_poll() while usb_kbd_repeat_armed. */
void usb_kbd_repeat(void);
/* Sends the Caps Lock LED to every keyboard that accepts SET_REPORT. */
void usb_kbd_update_leds(void);
extern bool usb_kbd_repeat_armed; /* some keyboard holds a key */
extern bool usb_kbd_led_pending;

#endif
