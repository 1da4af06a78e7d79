/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xhci.c - xHCI host controller: bring-up, rings, commands, control and
 * interrupt transfers, root ports. Polled only (the interrupter's enable bit
 * stays clear); usb_poll() looks at one cycle bit per controller.
 *
 * Bring-up (xHCI 1.2, 4.2): BIOS-to-OS handoff through the USB Legacy
 * Support capability (7.1), halt, reset, DCBAA with scratchpad buffers,
 * command ring, one event ring with a one-entry ERST, run. Contexts are 32 or
 * 64 bytes (HCCPARAMS1.CSZ); without AC64 every structure lies below 4 GiB.
 * Supported Protocol capabilities (7.2) say which root port is USB 2 or 3.
 *
 * Every register and event value is checked before use; every wait is
 * bounded by a named timeout (usb_internal.h). Failure to bring a controller
 * up is reported by the caller in one line and the controller is left halted.
 */
#include "usb_internal.h"
#include "console.h"
#include "pmm.h"
#include "time.h"
#include "vmm.h"
#include "kstring.h"
#include "kformat.h"

static inline uint32_t rd32(volatile uint8_t *base, uint32_t off)
{
	return *(volatile uint32_t *)(base + off);
}

static inline void wr32(volatile uint8_t *base, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

/* 64-bit registers as two 32-bit writes, low half first (5.1). */
static inline void wr64(volatile uint8_t *base, uint32_t off, uint64_t v)
{
	wr32(base, off, (uint32_t)v);
	wr32(base, off + 4, (uint32_t)(v >> 32));
}

#define barrier() __asm__ volatile("" ::: "memory")

uint64_t xhci_dma_page(struct usb_hc *hc)
{
	return pmm_alloc_pages(1, 0, hc->dma_limit);
}

void xhci_dma_free(uint64_t phys)
{
	if (phys)
		pmm_free_pages(phys, 1);
}

/* Waits until (reg & mask) == want; false after timeout_us. */
static bool wait_reg(volatile uint8_t *base, uint32_t off, uint32_t mask, uint32_t want,
		     uint64_t timeout_us)
{
	uint64_t t0 = time_now_us();
	for (;;) {
		uint32_t v = rd32(base, off);
		if (v == 0xFFFFFFFFu)
			return false; /* device gone */
		if ((v & mask) == want)
			return true;
		if (time_now_us() - t0 > timeout_us)
			return false;
		time_delay_us(10);
	}
}

const char *xhci_cc_name(int cc)
{
	switch (cc) {
	case 0: return "timeout";
	case CC_SUCCESS: return "success";
	case CC_DATA_BUFFER: return "data buffer error";
	case CC_BABBLE: return "babble";
	case CC_TRANSACTION: return "transaction error";
	case CC_TRB: return "TRB error";
	case CC_STALL: return "stall";
	case CC_RESOURCE: return "out of resources";
	case CC_BANDWIDTH: return "no bandwidth";
	case CC_NO_SLOTS: return "no slots";
	case CC_SLOT_NOT_ENABLED: return "slot not enabled";
	case CC_SHORT_PACKET: return "short packet";
	case CC_CONTEXT_STATE: return "context state error";
	case CC_STOPPED: return "stopped";
	default: return "error";
	}
}

/* ------------------------------------------------------------ rings */

void xhci_ring_init(struct xhci_ring *r, uint64_t phys)
{
	r->trb = (volatile struct xhci_trb *)(uintptr_t)phys;
	r->phys = phys;
	r->enq = 0;
	r->cycle = 1;
	volatile struct xhci_trb *link = &r->trb[RING_TRBS - 1];
	link->d0 = (uint32_t)phys;
	link->d1 = (uint32_t)(phys >> 32);
	link->d2 = 0;
	link->d3 = TRB_TYPE(TRB_LINK) | TRB_TC; /* cycle 0: not yet valid */
}

/* Writes one TRB (control dword last, with the producer cycle bit) and
 * returns its physical address. Past the last slot the link TRB is handed
 * to the controller and the cycle state flips. */
static uint64_t ring_push(struct xhci_ring *r, uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3)
{
	volatile struct xhci_trb *t = &r->trb[r->enq];
	uint64_t phys = r->phys + (uint64_t)r->enq * sizeof(struct xhci_trb);
	t->d0 = d0;
	t->d1 = d1;
	t->d2 = d2;
	barrier(); /* x86 keeps stores in order; the compiler must too */
	t->d3 = (d3 & ~TRB_CYCLE) | r->cycle;
	if (++r->enq == RING_TRBS - 1) {
		volatile struct xhci_trb *link = &r->trb[RING_TRBS - 1];
		barrier();
		link->d3 = TRB_TYPE(TRB_LINK) | TRB_TC | r->cycle;
		r->enq = 0;
		r->cycle ^= 1;
	}
	return phys;
}

static bool ring_owns(const struct xhci_ring *r, uint64_t ptr)
{
	return r->phys && ptr >= r->phys && ptr < r->phys + RING_TRBS * sizeof(struct xhci_trb) &&
	       !(ptr & 0xf);
}

static inline void doorbell(struct usb_hc *hc, unsigned slot, uint32_t target)
{
	barrier();
	wr32(hc->db, 4 * slot, target);
}

/* ------------------------------------------------------------ contexts */

uint32_t *xhci_in_ctl(struct usb_dev *d) { return (uint32_t *)d->in_ctx; }

uint32_t *xhci_in_ctx(struct usb_dev *d, unsigned dci)
{
	return (uint32_t *)(d->in_ctx + (size_t)d->hc->ctx_size * (dci + 1));
}

uint32_t *xhci_out_ctx(struct usb_dev *d, unsigned dci)
{
	return (uint32_t *)(d->out_ctx + (size_t)d->hc->ctx_size * dci);
}

/* ------------------------------------------------------------ events */

static void handle_event(struct usb_hc *hc, uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3)
{
	uint64_t ptr = (uint64_t)d0 | ((uint64_t)d1 << 32);
	unsigned type = TRB_GET_TYPE(d3);
	unsigned code = d2 >> 24;

	switch (type) {
	case TRB_EV_CMD_DONE:
		if (hc->cmd_wait_ptr && ptr == hc->cmd_wait_ptr) {
			hc->cmd_done = true;
			hc->cmd_code = (uint8_t)code;
			hc->cmd_slot = (uint8_t)(d3 >> 24);
		}
		break;
	case TRB_EV_TRANSFER: {
		unsigned slot = d3 >> 24, ep = (d3 >> 16) & 0x1f;
		if (slot < 1 || slot > hc->max_slots || !hc->slot_dev[slot])
			break;
		struct usb_dev *d = hc->slot_dev[slot];
		if (ep == 1 && d->ctl_wait_ptr && ring_owns(&d->ep0, ptr)) {
			if (ptr == d->ctl_wait_ptr) {
				d->ctl_done = true;
				d->ctl_code = (uint8_t)code;
			} else if (code == CC_SHORT_PACKET) {
				d->ctl_residual = d2 & 0xffffff; /* data stage, ISP */
			} else if (code != CC_SUCCESS) {
				d->ctl_done = true; /* the TD ended early */
				d->ctl_code = (uint8_t)code;
			}
		} else if (ep == d->intr_dci && ep >= 2 && ring_owns(&d->intr, ptr)) {
			usb_intr_done(d, (int)code, d2 & 0xffffff);
		}
		break;
	}
	case TRB_EV_PORT: {
		unsigned port = d0 >> 24;
		if (port >= 1 && port <= hc->max_ports && port <= XHCI_MAX_PORTS) {
			hc->port_changed |= 1ull << (port - 1);
			usb_work = true;
		}
		break;
	}
	default:
		break; /* host controller events and others: nothing to do */
	}
}

void xhci_handle_events(struct usb_hc *hc)
{
	bool any = false;
	/* Bounded: at most one ring's worth per call. */
	for (unsigned n = 0; n < RING_TRBS; n++) {
		volatile struct xhci_trb *e = &hc->evt[hc->evt_deq];
		uint32_t d3 = e->d3;
		if ((d3 & TRB_CYCLE) != hc->evt_cycle)
			break;
		barrier();
		uint32_t d0 = e->d0, d1 = e->d1, d2 = e->d2;
		if (++hc->evt_deq == RING_TRBS) {
			hc->evt_deq = 0;
			hc->evt_cycle ^= 1;
		}
		any = true;
		handle_event(hc, d0, d1, d2, d3);
	}
	if (any)
		wr64(hc->rt, XHCI_IR0 + IR_ERDP,
		     (hc->evt_phys + (uint64_t)hc->evt_deq * sizeof(struct xhci_trb)) | ERDP_EHB);
}

void xhci_check_alive(struct usb_hc *hc)
{
	uint32_t sts = rd32(hc->op, XHCI_USBSTS);
	const char *why = sts == 0xFFFFFFFFu ? "registers read all ones (gone?)" :
			  (sts & STS_HSE) ? "host system error" :
			  (sts & STS_HCE) ? "host controller error" :
			  (sts & STS_HCH) ? "halted by itself" : NULL;
	if (!why)
		return;
	hc->running = false;
	ksnprintf(hc->state, sizeof(hc->state), "stopped: %s", why);
	usb_hc_stopped(hc);
	kprintf("usb: xhci %02x:%02x.%x: %s; its keyboards are gone\n", hc->pci->bus, hc->pci->dev,
		hc->pci->fn, hc->state);
}

/* Handle events until *done (set by the event handler) or timeout_us pass;
 * *done at the end. */
static bool wait_event(struct usb_hc *hc, const volatile bool *done, uint64_t timeout_us)
{
	uint64_t t0 = time_now_us();
	while (!*done && time_now_us() - t0 < timeout_us)
		xhci_handle_events(hc);
	return *done;
}

int xhci_command(struct usb_hc *hc, uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3,
		 uint8_t *slot_out)
{
	if (!hc->running)
		return 0;
	hc->cmd_done = false;
	hc->cmd_wait_ptr = ring_push(&hc->cmd, d0, d1, d2, d3);
	doorbell(hc, 0, 0);
	bool done = wait_event(hc, &hc->cmd_done, XHCI_CMD_TIMEOUT_US);
	hc->cmd_wait_ptr = 0;
	if (!done) {
		xhci_check_alive(hc);
		if (hc->running) {
			/* Abort it (4.6.1.2) so the ring moves on; the abort's own
			 * completion events are ignored. */
			wr32(hc->op, XHCI_CRCR, CRCR_CA);
			wait_reg(hc->op, XHCI_CRCR, CRCR_CRR, 0, XHCI_CMD_ABORT_TIMEOUT_US);
		}
		return 0;
	}
	if (slot_out)
		*slot_out = hc->cmd_slot;
	return hc->cmd_code;
}

/* After a stall or error the endpoint is Halted (4.8.3): Reset Endpoint,
 * then move its dequeue pointer past whatever was left on the ring. */
static void ep_recover(struct usb_dev *d, unsigned dci, struct xhci_ring *r)
{
	struct usb_hc *hc = d->hc;
	xhci_command(hc, 0, 0, 0, TRB_TYPE(TRB_RESET_EP) | TRB_EP(dci) | TRB_SLOT(d->slot), NULL);
	uint64_t deq = r->phys + (uint64_t)r->enq * sizeof(struct xhci_trb);
	xhci_command(hc, (uint32_t)deq | r->cycle, (uint32_t)(deq >> 32), 0,
		     TRB_TYPE(TRB_SET_TR_DEQ) | TRB_EP(dci) | TRB_SLOT(d->slot), NULL);
}

int xhci_control(struct usb_dev *d, uint8_t req_type, uint8_t req, uint16_t value,
		 uint16_t index, uint16_t len, void *data, uint16_t *actual)
{
	struct usb_hc *hc = d->hc;
	bool in = req_type & 0x80;
	if (actual)
		*actual = 0;
	if (!hc->running || !d->slot || len > USB_CTL_MAX)
		return 0;
	uint32_t trt = len ? (in ? TRB_TRT_IN : TRB_TRT_OUT) : TRB_TRT_NONE;
	memset(d->buf, 0, len);
	if (len && !in)
		memcpy(d->buf, data, len);
	ring_push(&d->ep0, (uint32_t)req_type | ((uint32_t)req << 8) | ((uint32_t)value << 16),
		  (uint32_t)index | ((uint32_t)len << 16), 8,
		  TRB_TYPE(TRB_SETUP) | TRB_IDT | trt);
	if (len)
		ring_push(&d->ep0, (uint32_t)d->buf_phys, (uint32_t)(d->buf_phys >> 32), len,
			  TRB_TYPE(TRB_DATA) | TRB_ISP | (in ? TRB_DIR_IN : 0));
	d->ctl_done = false;
	d->ctl_residual = 0;
	d->ctl_wait_ptr = ring_push(&d->ep0, 0, 0, 0,
				    TRB_TYPE(TRB_STATUS) | TRB_IOC | ((len && in) ? 0 : TRB_DIR_IN));
	doorbell(hc, d->slot, 1);
	bool done = wait_event(hc, &d->ctl_done, XHCI_XFER_TIMEOUT_US);
	d->ctl_wait_ptr = 0;
	if (!done) {
		xhci_check_alive(hc);
		/* Stop the endpoint so the ring can be reused, then skip the TD. */
		xhci_command(hc, 0, 0, 0, TRB_TYPE(TRB_STOP_EP) | TRB_EP(1) | TRB_SLOT(d->slot), NULL);
		uint64_t deq = d->ep0.phys + (uint64_t)d->ep0.enq * sizeof(struct xhci_trb);
		xhci_command(hc, (uint32_t)deq | d->ep0.cycle, (uint32_t)(deq >> 32), 0,
			     TRB_TYPE(TRB_SET_TR_DEQ) | TRB_EP(1) | TRB_SLOT(d->slot), NULL);
		return 0;
	}
	if (d->ctl_code != CC_SUCCESS) {
		if (d->ctl_code == CC_STALL || d->ctl_code == CC_TRANSACTION || d->ctl_code == CC_BABBLE)
			ep_recover(d, 1, &d->ep0);
		return d->ctl_code;
	}
	uint32_t got = len;
	if (d->ctl_residual <= len)
		got = len - d->ctl_residual;
	if (len && in)
		memcpy(data, d->buf, got);
	if (actual)
		*actual = (uint16_t)got;
	return CC_SUCCESS;
}

void xhci_queue_intr(struct usb_dev *d)
{
	if (!d->intr_dci || !d->slot)
		return;
	uint64_t b = d->buf_phys + USB_CTL_MAX; /* second half: interrupt data */
	ring_push(&d->intr, (uint32_t)b, (uint32_t)(b >> 32), d->intr_len,
		  TRB_TYPE(TRB_NORMAL) | TRB_IOC | TRB_ISP);
	doorbell(d->hc, d->slot, d->intr_dci);
}

void xhci_intr_recover(struct usb_dev *d)
{
	ep_recover(d, d->intr_dci, &d->intr);
}

/* ------------------------------------------------------------ ports */

uint32_t xhci_portsc(struct usb_hc *hc, unsigned port)
{
	return rd32(hc->op, XHCI_PORTSC(port));
}

void xhci_portsc_write(struct usb_hc *hc, unsigned port, uint32_t set)
{
	uint32_t v = rd32(hc->op, XHCI_PORTSC(port));
	wr32(hc->op, XHCI_PORTSC(port), (v & PORTSC_KEEP) | set);
}

bool xhci_port_reset(struct usb_hc *hc, unsigned port)
{
	uint32_t v = xhci_portsc(hc, port);
	if (!(v & PORTSC_CCS))
		return false;
	if (hc->port_major[port] == 3) {
		/* USB 3: the link trains by itself and the port is enabled;
		 * only a port still disabled after training gets a warm reset. */
		if (!(v & PORTSC_PED) &&
		    wait_reg(hc->op, XHCI_PORTSC(port), PORTSC_PED, PORTSC_PED, XHCI_USB3_LINK_TIMEOUT_US))
			v = xhci_portsc(hc, port);
		if (v & PORTSC_PED)
			return true;
		xhci_portsc_write(hc, port, PORTSC_WPR);
	} else {
		xhci_portsc_write(hc, port, PORTSC_PR);
	}
	uint64_t t0 = time_now_us();
	for (;;) {
		v = xhci_portsc(hc, port);
		if (v == 0xFFFFFFFFu)
			return false;
		if ((v & PORTSC_PRC) || (v & (PORTSC_PR | PORTSC_WPR)) == 0)
			break;
		if (time_now_us() - t0 > XHCI_PORT_RESET_TIMEOUT_US)
			return false;
		time_delay_us(100);
	}
	xhci_portsc_write(hc, port, PORTSC_PRC | PORTSC_WRC);
	time_delay_us(USB_RESET_RECOVERY_US);
	v = xhci_portsc(hc, port);
	return (v & PORTSC_CCS) && (v & PORTSC_PED);
}

/* ------------------------------------------------------------ bring-up */

/* BIOS-to-OS handoff (7.1.1): ask, wait, then take it; SMIs off. */
static void legacy_handoff(struct usb_hc *hc, uint32_t off)
{
	uint32_t v = rd32(hc->cap, off);
	if (v & LEGSUP_BIOS_OWNED) {
		wr32(hc->cap, off, v | LEGSUP_OS_OWNED);
		if (!wait_reg(hc->cap, off, LEGSUP_BIOS_OWNED, 0, XHCI_HANDOFF_TIMEOUT_US)) {
			kprintf("usb: xhci %02x:%02x.%x: firmware did not release the controller "
				"within %u ms; taking it\n",
				hc->pci->bus, hc->pci->dev, hc->pci->fn, XHCI_HANDOFF_TIMEOUT_US / 1000);
			v = rd32(hc->cap, off);
			wr32(hc->cap, off, (v & ~LEGSUP_BIOS_OWNED) | LEGSUP_OS_OWNED);
		}
	} else {
		wr32(hc->cap, off, v | LEGSUP_OS_OWNED);
	}
	uint32_t ctl = rd32(hc->cap, off + 4);
	wr32(hc->cap, off + 4, (ctl & ~LEGCTL_SMI_ENABLES) | LEGCTL_SMI_STATUS);
}

/*
 * Intel 7/8/9 Series PCHs (Panther Point, Lynx Point, Wildcat Point) can
 * route each USB 2 port to their EHCI or their xHCI, and firmware often
 * leaves them on EHCI, for which there is no driver here. The switch
 * registers in PCI configuration space (Intel 7 Series PCH datasheet, xHCI
 * USB2 Port Routing XUSB2PR at 0xD0 with its mask XUSB2PRM at 0xD4, USB 3.0
 * Port SuperSpeed Enable USB3_PSSEN at 0xD8 with USB3PRM at 0xDC) hand every
 * port the mask allows to the xHCI, as Linux does.
 */
static void intel_route_ports(struct usb_hc *hc)
{
	static const uint16_t ids[] = { 0x1E31, 0x8C31, 0x9C31, 0x8CB1, 0x9CB1 };
	const struct pci_dev *p = hc->pci;
	if (p->vendor != 0x8086)
		return;
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (p->device != ids[i])
			continue;
		uint32_t ss_mask = pci_read32(p, 0xDC), hs_mask = pci_read32(p, 0xD4);
		if (ss_mask == 0xFFFFFFFFu || hs_mask == 0xFFFFFFFFu)
			return;
		pci_write32(p, 0xD8, ss_mask); /* USB3_PSSEN <- USB3PRM */
		pci_write32(p, 0xD0, hs_mask); /* XUSB2PR <- XUSB2PRM */
		return;
	}
}

static void walk_ext_caps(struct usb_hc *hc, uint64_t bar_size)
{
	uint32_t off = HCC1_XECP(hc->hcc1) * 4;
	for (int n = 0; off && n < 64; n++) {
		if (off + 16 > bar_size)
			break;
		uint32_t v = rd32(hc->cap, off);
		if (v == 0xFFFFFFFFu)
			break;
		if (XCAP_ID(v) == XCAP_LEGACY) {
			legacy_handoff(hc, off);
		} else if (XCAP_ID(v) == XCAP_PROTOCOL) {
			uint8_t major = (uint8_t)(v >> 24);
			uint32_t p = rd32(hc->cap, off + 8);
			unsigned first = p & 0xff, count = (p >> 8) & 0xff;
			for (unsigned i = 0; i < count; i++) {
				unsigned port = first + i;
				if (port >= 1 && port <= hc->max_ports && port <= XHCI_MAX_PORTS &&
				    (major == 2 || major == 3))
					hc->port_major[port] = major;
			}
		}
		uint32_t next = XCAP_NEXT(v);
		if (!next)
			break;
		off += next * 4;
	}
}

static void free_hc_memory(struct usb_hc *hc)
{
	if (hc->scratch_array_phys) {
		uint64_t *arr = (uint64_t *)(uintptr_t)hc->scratch_array_phys;
		for (unsigned i = 0; i < hc->scratch_count; i++)
			xhci_dma_free(arr[i]);
		pmm_free_pages(hc->scratch_array_phys, hc->scratch_count > 512 ? 2 : 1);
	}
	xhci_dma_free(hc->dcbaa_phys);
	xhci_dma_free(hc->cmd.phys);
	xhci_dma_free(hc->evt_phys);
	xhci_dma_free(hc->erst_phys);
	hc->scratch_array_phys = hc->dcbaa_phys = hc->cmd.phys = hc->evt_phys = hc->erst_phys = 0;
}

static bool fail(struct usb_hc *hc, const char *why)
{
	strlcpy(hc->state, why, sizeof(hc->state));
	if (hc->op) {
		uint32_t cmd = rd32(hc->op, XHCI_USBCMD);
		if (cmd != 0xFFFFFFFFu && (cmd & CMD_RUN)) {
			wr32(hc->op, XHCI_USBCMD, cmd & ~CMD_RUN);
			wait_reg(hc->op, XHCI_USBSTS, STS_HCH, STS_HCH, XHCI_HALT_TIMEOUT_US);
		}
	}
	free_hc_memory(hc);
	hc->running = false;
	return false;
}

bool xhci_attach(struct usb_hc *hc, struct pci_dev *pci)
{
	memset(hc, 0, sizeof(*hc));
	hc->used = true;
	hc->pci = pci;
	const struct pci_bar *bar = &pci->bar[0];
	if (!bar->present || bar->is_io || bar->size < 0x1000)
		return fail(hc, "BAR0 is not a memory BAR of at least 4 KiB");
	volatile uint8_t *mmio = vmm_map_mmio(bar->base, bar->size);
	if (!mmio)
		return fail(hc, "cannot map BAR0");
	pci_enable_mmio_busmaster(pci);
	hc->cap = mmio;
	uint32_t v0 = rd32(mmio, XHCI_CAPLENGTH);
	if (v0 == 0xFFFFFFFFu)
		return fail(hc, "registers read all ones");
	uint32_t caplen = v0 & 0xff;
	hc->version = (uint16_t)(v0 >> 16);
	hc->hcs1 = rd32(mmio, XHCI_HCSPARAMS1);
	hc->hcs2 = rd32(mmio, XHCI_HCSPARAMS2);
	hc->hcc1 = rd32(mmio, XHCI_HCCPARAMS1);
	uint32_t dboff = rd32(mmio, XHCI_DBOFF) & ~3u;
	uint32_t rtsoff = rd32(mmio, XHCI_RTSOFF) & ~0x1fu;
	hc->max_ports = HCS1_MAX_PORTS(hc->hcs1);
	unsigned slots = HCS1_MAX_SLOTS(hc->hcs1);
	if (caplen < 0x20 || hc->max_ports == 0 || slots == 0)
		return fail(hc, "capability registers make no sense");
	if (caplen + XHCI_PORTSC(hc->max_ports) + 16 > bar->size ||
	    (uint64_t)rtsoff + XHCI_IR0 + 0x20 > bar->size ||
	    (uint64_t)dboff + 4 * (slots + 1) > bar->size)
		return fail(hc, "register offsets lie beyond BAR0");
	hc->op = mmio + caplen;
	hc->rt = mmio + rtsoff;
	hc->db = mmio + dboff;
	hc->max_slots = slots < XHCI_MAX_SLOTS ? slots : XHCI_MAX_SLOTS;
	hc->ac64 = hc->hcc1 & HCC1_AC64;
	hc->dma_limit = hc->ac64 ? 0 : (1ull << 32);
	hc->ctx_size = (hc->hcc1 & HCC1_CSZ) ? 64 : 32;

	walk_ext_caps(hc, bar->size);
	intel_route_ports(hc);

	/* Halt, then reset (4.2). */
	uint32_t cmd = rd32(hc->op, XHCI_USBCMD);
	if (!(rd32(hc->op, XHCI_USBSTS) & STS_HCH)) {
		wr32(hc->op, XHCI_USBCMD, cmd & ~CMD_RUN);
		if (!wait_reg(hc->op, XHCI_USBSTS, STS_HCH, STS_HCH, XHCI_HALT_TIMEOUT_US))
			return fail(hc, "does not halt");
	}
	wr32(hc->op, XHCI_USBCMD, CMD_HCRST);
	time_delay_us(1000); /* some controllers must not be touched for 1 ms */
	if (!wait_reg(hc->op, XHCI_USBCMD, CMD_HCRST, 0, XHCI_RESET_TIMEOUT_US) ||
	    !wait_reg(hc->op, XHCI_USBSTS, STS_CNR, 0, XHCI_RESET_TIMEOUT_US))
		return fail(hc, "does not come out of reset");
	if (!(rd32(hc->op, XHCI_PAGESIZE) & 1))
		return fail(hc, "does not support 4 KiB pages");

	/* Device context base address array, slot 0 the scratchpad array. */
	hc->dcbaa_phys = xhci_dma_page(hc);
	if (!hc->dcbaa_phys)
		return fail(hc, "out of DMA memory");
	hc->dcbaa = (uint64_t *)(uintptr_t)hc->dcbaa_phys;
	unsigned nscratch = HCS2_MAX_SCRATCH(hc->hcs2);
	if (nscratch) {
		hc->scratch_array_phys = pmm_alloc_pages(nscratch > 512 ? 2 : 1, 0, hc->dma_limit);
		if (!hc->scratch_array_phys)
			return fail(hc, "out of DMA memory (scratchpad)");
		uint64_t *arr = (uint64_t *)(uintptr_t)hc->scratch_array_phys;
		for (unsigned i = 0; i < nscratch; i++) {
			arr[i] = xhci_dma_page(hc);
			if (!arr[i])
				return fail(hc, "out of DMA memory (scratchpad)");
			hc->scratch_count = i + 1;
		}
		hc->dcbaa[0] = hc->scratch_array_phys;
	}
	wr32(hc->op, XHCI_CONFIG, (rd32(hc->op, XHCI_CONFIG) & ~0xffu) | hc->max_slots);
	wr64(hc->op, XHCI_DCBAAP, hc->dcbaa_phys);

	/* Command ring. */
	uint64_t p = xhci_dma_page(hc);
	if (!p)
		return fail(hc, "out of DMA memory");
	xhci_ring_init(&hc->cmd, p);
	wr64(hc->op, XHCI_CRCR, hc->cmd.phys | CRCR_RCS);

	/* Event ring: one segment, interrupter 0, interrupts off (polled). */
	hc->evt_phys = xhci_dma_page(hc);
	hc->erst_phys = xhci_dma_page(hc);
	if (!hc->evt_phys || !hc->erst_phys)
		return fail(hc, "out of DMA memory");
	hc->evt = (volatile struct xhci_trb *)(uintptr_t)hc->evt_phys;
	hc->evt_deq = 0;
	hc->evt_cycle = 1;
	struct xhci_erst *erst = (struct xhci_erst *)(uintptr_t)hc->erst_phys;
	erst->base_lo = (uint32_t)hc->evt_phys;
	erst->base_hi = (uint32_t)(hc->evt_phys >> 32);
	erst->size = RING_TRBS;
	volatile uint8_t *ir = hc->rt + XHCI_IR0;
	wr32(ir, IR_IMAN, 1); /* IP is RW1C; IE = 0 */
	wr32(ir, IR_ERSTSZ, 1);
	wr64(ir, IR_ERDP, hc->evt_phys);
	wr64(ir, IR_ERSTBA, hc->erst_phys);

	wr32(hc->op, XHCI_USBCMD, CMD_RUN);
	if (!wait_reg(hc->op, XHCI_USBSTS, STS_HCH, 0, XHCI_HALT_TIMEOUT_US))
		return fail(hc, "does not start");
	uint32_t sts = rd32(hc->op, XHCI_USBSTS);
	if (sts & (STS_HSE | STS_HCE))
		return fail(hc, (sts & STS_HSE) ? "host system error" : "host controller error");
	hc->running = true;

	/* A No Op command proves the command and event rings work. */
	int cc = xhci_command(hc, 0, 0, 0, TRB_TYPE(TRB_NOOP_CMD), NULL);
	if (cc != CC_SUCCESS) {
		char why[64];
		ksnprintf(why, sizeof(why), "No Op command: %s", xhci_cc_name(cc));
		return fail(hc, why);
	}

	if (hc->hcc1 & HCC1_PPC) {
		bool powered = false;
		for (unsigned port = 1; port <= hc->max_ports; port++) {
			if (!(xhci_portsc(hc, port) & PORTSC_PP)) {
				xhci_portsc_write(hc, port, PORTSC_PP);
				powered = true;
			}
		}
		if (powered)
			time_delay_us(XHCI_PORT_POWER_WAIT_US);
	}
	strlcpy(hc->state, "running", sizeof(hc->state));
	return true;
}
