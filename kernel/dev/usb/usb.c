/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * usb.c - device table, enumeration, USB 2.0 hubs, plug and unplug, polling.
 *
 * Enumeration of one port (xHCI 1.2 4.3; USB 2.0 9.1.2): Enable Slot,
 * Address Device (slot context with route string, speed, root port and, for
 * full/low speed behind a high-speed hub, the transaction translator),
 * GET_DESCRIPTOR device (8 bytes first: EP0 max packet size, corrected with
 * Evaluate Context), device, configuration, product string. Then, by what the
 * configuration holds: a hub is configured and its ports scanned; a HID boot
 * keyboard is handed to usb_kbd.c; anything else is listed and left alone
 * (not configured: its function is the firmware's business, e.g. the stick
 * the system booted from). A device that stalls, times out or answers with a
 * descriptor that does not hold together is skipped, the reason kept for
 * lsusb, and its slot disabled.
 *
 * Port work (root port status change events, hub status change reports,
 * halted interrupt endpoints, keyboard LEDs) is only done from usb_poll()
 * at the top level, never from inside a wait, so waits never nest.
 */
#include <stdarg.h>
#include "usb.h"
#include "usb_internal.h"
#include "console.h"
#include "pmm.h"
#include "time.h"
#include "kformat.h"
#include "kstring.h"

struct usb_hc usb_hcs[USB_MAX_HC];
struct usb_dev usb_devs[USB_MAX_DEVICES];
bool usb_work;
static int nrunning;
static bool in_service;

const char *usb_speed_name(uint8_t speed)
{
	switch (speed) {
	case SPEED_FS: return "full";
	case SPEED_LS: return "low";
	case SPEED_HS: return "high";
	case SPEED_SS: return "super";
	case SPEED_SSP: return "super+";
	default: return "?";
	}
}

void usb_port_path(const struct usb_dev *d, char *buf, unsigned size)
{
	uint8_t ports[USB_MAX_DEPTH + 2];
	int n = 0;
	for (const struct usb_dev *p = d; p && n < (int)sizeof(ports); p = p->parent)
		ports[n++] = p->port;
	size_t len = 0;
	buf[0] = 0;
	while (n-- > 0 && len + 5 < size)
		len += (size_t)ksnprintf(buf + len, size - len, len ? ".%u" : "%u", ports[n]);
}

/* ------------------------------------------------------------ teardown */

static void release(struct usb_dev *d)
{
	struct usb_hc *hc = d->hc;
	if (d->is_kbd)
		usb_kbd_forget(d);
	d->intr_dci = 0;
	if (d->slot) {
		xhci_command(hc, 0, 0, 0, TRB_TYPE(TRB_DISABLE_SLOT) | TRB_SLOT(d->slot), NULL);
		hc->slot_dev[d->slot] = NULL;
		hc->dcbaa[d->slot] = 0;
		d->slot = 0;
	}
	xhci_dma_free(d->out_ctx_phys);
	xhci_dma_free(d->in_ctx_phys);
	xhci_dma_free(d->buf_phys);
	xhci_dma_free(d->ep0.phys);
	xhci_dma_free(d->intr.phys);
	d->out_ctx_phys = d->in_ctx_phys = d->buf_phys = d->ep0.phys = d->intr.phys = 0;
	d->out_ctx = d->in_ctx = d->buf = NULL;
}

static void detach_tree(struct usb_dev *d)
{
	for (int i = 0; i < USB_MAX_DEVICES; i++)
		if (usb_devs[i].used && usb_devs[i].parent == d)
			detach_tree(&usb_devs[i]);
	release(d);
	memset(d, 0, sizeof(*d));
}

static bool skip(struct usb_dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool skip(struct usb_dev *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = ksnprintf(d->role, sizeof(d->role), "skipped: ");
	kvsnprintf(d->role + n, sizeof(d->role) - (size_t)n, fmt, ap);
	va_end(ap);
	d->failed = true;
	release(d);
	return false;
}

static struct usb_dev *find_child(struct usb_hc *hc, struct usb_dev *parent, unsigned port)
{
	for (int i = 0; i < USB_MAX_DEVICES; i++) {
		struct usb_dev *d = &usb_devs[i];
		if (d->used && d->hc == hc && d->parent == parent && d->port == port)
			return d;
	}
	return NULL;
}

/* ------------------------------------------------------------ endpoints */

bool usb_configure_intr(struct usb_dev *d, uint8_t ep_addr, uint16_t mps, uint8_t binterval,
			uint32_t slot0_extra, uint32_t slot1_extra, uint32_t slot2_extra)
{
	unsigned dci = (ep_addr & 0xf) * 2u + 1u;
	if (!(ep_addr & 0x80) || (ep_addr & 0xf) == 0 || mps == 0)
		return false;
	d->intr.phys = xhci_dma_page(d->hc);
	if (!d->intr.phys)
		return false;
	xhci_ring_init(&d->intr, d->intr.phys);

	/* Interval as 2^n x 125 us (6.2.3.6). */
	unsigned iv;
	if (d->speed == SPEED_HS || d->speed >= SPEED_SS) {
		unsigned b = binterval ? binterval : 1;
		iv = (b > 16 ? 16 : b) - 1;
	} else {
		unsigned frames = (binterval ? binterval : 1) * 8u;
		iv = 0;
		while ((2u << iv) <= frames)
			iv++;
		if (iv < 3)
			iv = 3;
		if (iv > 10)
			iv = 10;
	}
	memset(d->in_ctx, 0, PAGE_SIZE);
	uint32_t *ctl = xhci_in_ctl(d);
	ctl[1] = 1u | (1u << dci);
	uint32_t *in_slot = xhci_in_ctx(d, 0);
	const uint32_t *out_slot = xhci_out_ctx(d, 0);
	unsigned entries = out_slot[0] >> 27;
	if (dci > entries)
		entries = dci;
	in_slot[0] = (out_slot[0] & 0x07ffffffu) | SLOT0_ENTRIES(entries) | slot0_extra;
	in_slot[1] = out_slot[1] | slot1_extra;
	in_slot[2] = out_slot[2] | slot2_extra;
	uint16_t len = mps < USB_INTR_MAX ? mps : USB_INTR_MAX;
	uint32_t *ep = xhci_in_ctx(d, dci);
	ep[0] = EP0_INTERVAL(iv);
	ep[1] = EP1_CERR(3) | EP1_TYPE(EP_TYPE_INT_IN) | EP1_MPS(mps);
	ep[2] = (uint32_t)d->intr.phys | 1u;
	ep[3] = (uint32_t)(d->intr.phys >> 32);
	ep[4] = EP4_AVG_TRB(len) | EP4_MAX_ESIT(mps);
	int cc = xhci_command(d->hc, (uint32_t)d->in_ctx_phys, (uint32_t)(d->in_ctx_phys >> 32), 0,
			      TRB_TYPE(TRB_CONFIGURE_EP) | TRB_SLOT(d->slot), NULL);
	if (cc != CC_SUCCESS) {
		xhci_dma_free(d->intr.phys);
		d->intr.phys = 0;
		return false;
	}
	d->intr_dci = (uint8_t)dci;
	d->intr_len = len;
	return true;
}

void usb_intr_done(struct usb_dev *d, int cc, uint32_t residual)
{
	if (cc != CC_SUCCESS && cc != CC_SHORT_PACKET) {
		if (cc != CC_STOPPED) {
			d->intr_halted = true;
			usb_work = true;
		}
		return;
	}
	unsigned len = residual <= d->intr_len ? d->intr_len - residual : 0;
	const uint8_t *data = d->buf + USB_CTL_MAX;
	if (d->is_kbd) {
		usb_kbd_report(d, data, len);
	} else if (d->is_hub) {
		uint32_t bits = 0;
		for (unsigned i = 0; i < len && i < 4; i++)
			bits |= (uint32_t)data[i] << (8 * i);
		/* bit 0 is the hub itself; bit p is port p */
		uint32_t mask = ((2u << d->hub_nports) - 1) & ~1u;
		if (bits & mask) {
			d->hub_changed |= bits & mask;
			usb_work = true;
		}
	}
	d->intr_errors = 0;
	xhci_queue_intr(d);
}

void usb_hc_stopped(struct usb_hc *hc)
{
	for (int i = 0; i < USB_MAX_DEVICES; i++) {
		struct usb_dev *d = &usb_devs[i];
		if (!d->used || d->hc != hc)
			continue;
		if (d->is_kbd)
			usb_kbd_forget(d);
		d->is_hub = false;
		d->intr_dci = 0;
		d->hub_changed = 0;
		ksnprintf(d->role, sizeof(d->role), "controller stopped");
	}
}

/* ------------------------------------------------------------ descriptors */

static int get_desc(struct usb_dev *d, uint16_t value, uint16_t index, uint16_t len, uint8_t *buf,
		    uint16_t *actual)
{
	return xhci_control(d, 0x80, USB_REQ_GET_DESCRIPTOR, value, index, len, buf, actual);
}

/* Product string as ASCII; empty if the device has none or it fails. */
static void get_product(struct usb_dev *d, uint8_t idx)
{
	uint8_t b[255];
	uint16_t n;
	d->product[0] = 0;
	if (!idx)
		return;
	if (get_desc(d, (USB_DT_STRING << 8) | 0, 0, sizeof(b), b, &n) != CC_SUCCESS || n < 4 ||
	    b[0] < 4 || b[1] != USB_DT_STRING)
		return;
	uint16_t lang = (uint16_t)(b[2] | (b[3] << 8));
	if (get_desc(d, (uint16_t)((USB_DT_STRING << 8) | idx), lang, sizeof(b), b, &n) != CC_SUCCESS ||
	    n < 2 || b[1] != USB_DT_STRING)
		return;
	unsigned len = b[0] < n ? b[0] : n;
	unsigned k = 0;
	for (unsigned i = 2; i + 1 < len && k + 1 < sizeof(d->product); i += 2) {
		unsigned c = b[i] | (b[i + 1] << 8);
		d->product[k++] = (c >= 0x20 && c < 0x7f && c != '"') ? (char)c : '?';
	}
	while (k && d->product[k - 1] == ' ')
		k--;
	d->product[k] = 0;
}

struct cfg_found {
	uint8_t cfg_value;
	bool have_if;
	uint8_t first_cls, first_sub, first_proto;
	int kbd_if, hub_if;             /* interface numbers, -1 none */
	uint8_t kbd_ep, hub_ep;         /* interrupt IN endpoint addresses */
	uint16_t kbd_mps, hub_mps;
	uint8_t kbd_iv, hub_iv;
	bool garbage;
};

static void parse_config(const uint8_t *b, unsigned len, struct cfg_found *f)
{
	memset(f, 0, sizeof(*f));
	f->kbd_if = f->hub_if = -1;
	f->cfg_value = b[5];
	int cur = -1; /* 0: keyboard interface, 1: hub interface, -1 other */
	bool alt0 = false;
	unsigned off = b[0];
	while (off + 2 <= len) {
		unsigned l = b[off], t = b[off + 1];
		if (l < 2 || off + l > len) {
			f->garbage = true;
			break;
		}
		if (t == USB_DT_INTERFACE && l >= 9) {
			uint8_t num = b[off + 2], alt = b[off + 3];
			uint8_t cls = b[off + 5], sub = b[off + 6], proto = b[off + 7];
			alt0 = alt == 0;
			cur = -1;
			if (alt0 && !f->have_if) {
				f->have_if = true;
				f->first_cls = cls;
				f->first_sub = sub;
				f->first_proto = proto;
			}
			if (alt0 && cls == USB_CLASS_HID && sub == 1 && proto == 1 && f->kbd_if < 0) {
				cur = 0;
				f->kbd_if = num;
			} else if (alt0 && cls == USB_CLASS_HUB && f->hub_if < 0) {
				cur = 1;
				f->hub_if = num;
			}
		} else if (t == USB_DT_ENDPOINT && l >= 7 && alt0 && cur >= 0) {
			uint8_t addr = b[off + 2], attr = b[off + 3];
			uint16_t mps = (uint16_t)((b[off + 4] | (b[off + 5] << 8)) & 0x7ff);
			if ((attr & 3) == 3 && (addr & 0x80) && (addr & 0x0f) && mps) {
				if (cur == 0 && !f->kbd_ep) {
					f->kbd_ep = addr;
					f->kbd_mps = mps;
					f->kbd_iv = b[off + 6];
				} else if (cur == 1 && !f->hub_ep) {
					f->hub_ep = addr;
					f->hub_mps = mps;
					f->hub_iv = b[off + 6];
				}
			}
		}
		off += l;
	}
}

static const char *class_words(uint8_t cls, uint8_t sub, uint8_t proto)
{
	switch (cls) {
	case 1: return "audio";
	case 2: return "communications";
	case USB_CLASS_HID:
		if (sub == 1 && proto == 2)
			return "mouse";
		if (sub == 1 && proto == 1)
			return "keyboard";
		return "HID device";
	case 6: return "imaging";
	case 7: return "printer";
	case USB_CLASS_MASS_STORAGE: return "mass storage";
	case USB_CLASS_HUB: return "hub";
	case 0x0a: return "CDC data";
	case 0x0b: return "smart card";
	case 0x0e: return "video";
	case 0xe0: return "wireless (e.g. Bluetooth)";
	case 0xff: return "vendor-specific";
	default: return "device";
	}
}

/* ------------------------------------------------------------ hubs */

static int hub_port_feature(struct usb_dev *h, bool set, uint16_t feature, unsigned port)
{
	return xhci_control(h, 0x23, set ? USB_REQ_SET_FEATURE : USB_REQ_CLEAR_FEATURE, feature,
			    (uint16_t)port, 0, NULL, NULL);
}

static bool hub_port_status(struct usb_dev *h, unsigned port, uint16_t *status, uint16_t *change)
{
	uint8_t st[4];
	uint16_t n;
	if (xhci_control(h, 0xA3, USB_REQ_GET_STATUS, 0, (uint16_t)port, 4, st, &n) != CC_SUCCESS ||
	    n < 4)
		return false;
	*status = (uint16_t)(st[0] | (st[1] << 8));
	*change = (uint16_t)(st[2] | (st[3] << 8));
	return true;
}

static bool hub_start(struct usb_dev *d, const struct cfg_found *f)
{
	if (d->speed >= SPEED_SS)
		return skip(d, "USB 3 hub (its USB 2 half carries USB 2 devices)");
	if (!f->hub_ep)
		return skip(d, "hub without a status change endpoint");
	int cc = xhci_control(d, 0x00, USB_REQ_SET_CONFIGURATION, f->cfg_value, 0, 0, NULL, NULL);
	if (cc != CC_SUCCESS)
		return skip(d, "SET_CONFIGURATION: %s", xhci_cc_name(cc));
	uint8_t b[16];
	uint16_t n;
	cc = xhci_control(d, 0xA0, USB_REQ_GET_DESCRIPTOR, USB_DT_HUB << 8, 0, sizeof(b), b, &n);
	if (cc != CC_SUCCESS)
		return skip(d, "hub descriptor: %s", xhci_cc_name(cc));
	if (n < 7 || b[0] < 7 || b[1] != USB_DT_HUB || b[2] == 0)
		return skip(d, "hub descriptor makes no sense (length %u, type 0x%02x, %u ports)", n,
			    b[1], b[2]);
	unsigned nports = b[2];
	bool capped = nports > 15;
	if (capped)
		nports = 15; /* a route string nibble holds 1..15 */
	uint16_t chars = (uint16_t)(b[3] | (b[4] << 8));
	unsigned pwr_us = b[5] * 2000u;
	uint32_t s0 = SLOT0_HUB, s1 = SLOT1_NPORTS(nports), s2 = 0;
	if (d->speed == SPEED_HS) {
		/* A multi-TT hub (bDeviceProtocol 2) works as a single-TT hub
		 * until alternate setting 1 is selected (USB 2.0 11.23.1); we
		 * keep setting 0, so MTT stays clear. */
		s2 = SLOT2_TTT((chars >> 5) & 3);
	}
	if (!usb_configure_intr(d, f->hub_ep, f->hub_mps, f->hub_iv, s0, s1, s2))
		return skip(d, "Configure Endpoint for the hub's status endpoint failed");
	d->is_hub = true;
	d->hub_nports = (uint8_t)nports;
	for (unsigned p = 1; p <= nports; p++)
		hub_port_feature(d, true, HUB_PORT_POWER, p);
	if (pwr_us < 20000)
		pwr_us = 20000;
	if (pwr_us > HUB_POWER_GOOD_MAX_US)
		pwr_us = HUB_POWER_GOOD_MAX_US;
	time_delay_us(pwr_us);
	ksnprintf(d->role, sizeof(d->role), "hub, %u ports%s", nports,
		  capped ? " (ports past 15 ignored)" : "");
	d->hub_changed = ((2u << nports) - 1) & ~1u;
	usb_work = true;
	xhci_queue_intr(d);
	return true;
}

/* ------------------------------------------------------------ enumeration */

static struct usb_dev *new_dev(struct usb_hc *hc, struct usb_dev *parent, unsigned port,
			       unsigned speed)
{
	struct usb_dev *d = NULL;
	for (int i = 0; i < USB_MAX_DEVICES && !d; i++)
		if (!usb_devs[i].used)
			d = &usb_devs[i];
	if (!d) {
		kprintf("usb: more than %d devices; the one on port %u is ignored\n", USB_MAX_DEVICES,
			port);
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	d->used = true;
	d->hc = hc;
	d->parent = parent;
	d->port = (uint8_t)port;
	d->speed = (uint8_t)speed;
	if (parent) {
		d->root_port = parent->root_port;
		d->depth = (uint8_t)(parent->depth + 1);
		d->route = parent->route | ((uint32_t)(port > 15 ? 15 : port) << (4 * parent->depth));
		if (speed == SPEED_FS || speed == SPEED_LS) {
			if (parent->speed == SPEED_HS) {
				d->tt_slot = parent->slot;
				d->tt_port = (uint8_t)port;
			} else {
				d->tt_slot = parent->tt_slot;
				d->tt_port = parent->tt_port;
			}
		}
	} else {
		d->root_port = (uint8_t)port;
	}
	return d;
}

static bool enumerate(struct usb_dev *d)
{
	struct usb_hc *hc = d->hc;
	if (d->depth > USB_MAX_DEPTH)
		return skip(d, "more than %d hub tiers", USB_MAX_DEPTH);
	if (d->speed < SPEED_FS || d->speed > SPEED_SSP)
		return skip(d, "unknown port speed ID %u", d->speed);
	d->out_ctx_phys = xhci_dma_page(hc);
	d->in_ctx_phys = xhci_dma_page(hc);
	d->buf_phys = xhci_dma_page(hc);
	d->ep0.phys = xhci_dma_page(hc);
	if (!d->out_ctx_phys || !d->in_ctx_phys || !d->buf_phys || !d->ep0.phys)
		return skip(d, "out of DMA memory");
	d->out_ctx = (uint8_t *)(uintptr_t)d->out_ctx_phys;
	d->in_ctx = (uint8_t *)(uintptr_t)d->in_ctx_phys;
	d->buf = (uint8_t *)(uintptr_t)d->buf_phys;
	xhci_ring_init(&d->ep0, d->ep0.phys);

	uint8_t slot = 0;
	int cc = xhci_command(hc, 0, 0, 0, TRB_TYPE(TRB_ENABLE_SLOT), &slot);
	if (cc != CC_SUCCESS)
		return skip(d, "Enable Slot: %s", xhci_cc_name(cc));
	if (slot < 1 || slot > hc->max_slots || hc->slot_dev[slot])
		return skip(d, "Enable Slot returned slot ID %u", slot);
	d->slot = slot;
	hc->slot_dev[slot] = d;
	hc->dcbaa[slot] = d->out_ctx_phys;

	switch (d->speed) {
	case SPEED_LS: case SPEED_FS: d->mps0 = 8; break;
	case SPEED_HS: d->mps0 = 64; break;
	default: d->mps0 = 512; break;
	}
	uint32_t *ctl = xhci_in_ctl(d);
	ctl[0] = 0;
	ctl[1] = 3; /* slot and EP0 */
	uint32_t *sc = xhci_in_ctx(d, 0);
	sc[0] = SLOT0_ROUTE(d->route) | SLOT0_SPEED(d->speed) | SLOT0_ENTRIES(1);
	sc[1] = SLOT1_ROOT_PORT(d->root_port);
	sc[2] = SLOT2_TT_SLOT(d->tt_slot) | SLOT2_TT_PORT(d->tt_port);
	uint32_t *ep = xhci_in_ctx(d, 1);
	ep[1] = EP1_CERR(3) | EP1_TYPE(EP_TYPE_CONTROL) | EP1_MPS(d->mps0);
	ep[2] = (uint32_t)d->ep0.phys | 1u;
	ep[3] = (uint32_t)(d->ep0.phys >> 32);
	ep[4] = EP4_AVG_TRB(8);
	cc = xhci_command(hc, (uint32_t)d->in_ctx_phys, (uint32_t)(d->in_ctx_phys >> 32), 0,
			  TRB_TYPE(TRB_ADDRESS_DEVICE) | TRB_SLOT(slot), NULL);
	if (cc != CC_SUCCESS)
		return skip(d, "Address Device: %s", xhci_cc_name(cc));
	time_delay_us(USB_SET_ADDRESS_RECOVERY_US);

	/* First 8 bytes: bMaxPacketSize0. */
	uint8_t b[USB_CTL_MAX];
	uint16_t n;
	cc = get_desc(d, USB_DT_DEVICE << 8, 0, 8, b, &n);
	if (cc != CC_SUCCESS)
		return skip(d, "device descriptor: %s", xhci_cc_name(cc));
	if (n < 8 || b[0] < 18 || b[1] != USB_DT_DEVICE)
		return skip(d, "device descriptor makes no sense (length %u, type 0x%02x)", b[0], b[1]);
	unsigned mps = b[7];
	if (d->speed >= SPEED_SS) {
		if (mps != 9)
			return skip(d, "EP0 max packet 2^%u at super speed", mps);
		mps = 512;
	} else if (mps != 8 && mps != 16 && mps != 32 && mps != 64) {
		return skip(d, "EP0 max packet %u", mps);
	}
	if (mps != d->mps0) {
		d->mps0 = (uint16_t)mps;
		ctl[0] = 0;
		ctl[1] = 2; /* EP0 only */
		ep[1] = EP1_CERR(3) | EP1_TYPE(EP_TYPE_CONTROL) | EP1_MPS(d->mps0);
		cc = xhci_command(hc, (uint32_t)d->in_ctx_phys, (uint32_t)(d->in_ctx_phys >> 32), 0,
				  TRB_TYPE(TRB_EVALUATE_CTX) | TRB_SLOT(slot), NULL);
		if (cc != CC_SUCCESS)
			return skip(d, "Evaluate Context (EP0 max packet %u): %s", mps, xhci_cc_name(cc));
	}
	cc = get_desc(d, USB_DT_DEVICE << 8, 0, 18, b, &n);
	if (cc != CC_SUCCESS)
		return skip(d, "device descriptor: %s", xhci_cc_name(cc));
	if (n < 18 || b[0] < 18 || b[1] != USB_DT_DEVICE)
		return skip(d, "device descriptor makes no sense (got %u bytes)", n);
	d->dev_class = b[4];
	d->dev_sub = b[5];
	d->dev_proto = b[6];
	d->vid = (uint16_t)(b[8] | (b[9] << 8));
	d->pid = (uint16_t)(b[10] | (b[11] << 8));
	uint8_t iproduct = b[15];
	if (b[17] == 0)
		return skip(d, "no configuration");

	cc = get_desc(d, USB_DT_CONFIG << 8, 0, 9, b, &n);
	if (cc != CC_SUCCESS)
		return skip(d, "configuration descriptor: %s", xhci_cc_name(cc));
	unsigned total = b[2] | (b[3] << 8);
	if (n < 9 || b[0] < 9 || b[1] != USB_DT_CONFIG || total < 9)
		return skip(d, "configuration descriptor makes no sense (length %u, total %u)", b[0],
			    total);
	if (total > sizeof(b))
		total = sizeof(b); /* parse what fits */
	cc = get_desc(d, USB_DT_CONFIG << 8, 0, (uint16_t)total, b, &n);
	if (cc != CC_SUCCESS)
		return skip(d, "configuration descriptor: %s", xhci_cc_name(cc));
	if (n < 9 || b[1] != USB_DT_CONFIG)
		return skip(d, "configuration descriptor makes no sense (got %u bytes)", n);
	struct cfg_found f;
	parse_config(b, n, &f);
	d->if_class = f.first_cls;
	d->if_sub = f.first_sub;
	d->if_proto = f.first_proto;
	get_product(d, iproduct);

	if (d->dev_class == USB_CLASS_HUB || f.hub_if >= 0)
		return hub_start(d, &f);
	if (f.kbd_if >= 0) {
		if (!f.kbd_ep)
			return skip(d, "boot keyboard interface without an interrupt IN endpoint");
		d->iface = (uint8_t)f.kbd_if;
		cc = xhci_control(d, 0x00, USB_REQ_SET_CONFIGURATION, f.cfg_value, 0, 0, NULL, NULL);
		if (cc != CC_SUCCESS)
			return skip(d, "SET_CONFIGURATION: %s", xhci_cc_name(cc));
		if (!usb_kbd_start(d, f.kbd_ep, f.kbd_mps, f.kbd_iv)) {
			char why[sizeof(d->role)];
			strlcpy(why, d->role, sizeof(why));
			return skip(d, "%s", why);
		}
		return true;
	}
	uint8_t cls = d->dev_class ? d->dev_class : d->if_class;
	uint8_t sub = d->dev_class ? d->dev_sub : d->if_sub;
	uint8_t proto = d->dev_class ? d->dev_proto : d->if_proto;
	const char *what = class_words(cls, sub, proto);
	if (cls == USB_CLASS_HID && !(sub == 1 && proto == 2))
		ksnprintf(d->role, sizeof(d->role), "left alone (%s, not a boot keyboard)", what);
	else
		ksnprintf(d->role, sizeof(d->role), "left alone (%s)", what);
	if (f.garbage)
		strlcpy(d->role + strlen(d->role), "; descriptors end in garbage",
			sizeof(d->role) - strlen(d->role));
	return true;
}

/* A port (of hub h, NULL: a root port) after a status change: a device that
 * is gone, or that was replaced (the connection changed), is detached with
 * everything behind it. true when the port now has a device to enumerate. */
static bool port_wants_enumeration(struct usb_hc *hc, struct usb_dev *h, unsigned p, bool connected,
				   bool connection_changed)
{
	struct usb_dev *child = find_child(hc, h, p);
	if (!connected) {
		if (child)
			detach_tree(child);
		return false;
	}
	if (child) {
		if (!connection_changed)
			return false;
		detach_tree(child);
	}
	return true;
}

static void hub_port_check(struct usb_dev *h, unsigned p)
{
	uint16_t st, ch;
	if (!hub_port_status(h, p, &st, &ch))
		return;
	if (ch & HUB_PC_CONNECTION)
		hub_port_feature(h, false, HUB_C_PORT_CONNECTION, p);
	if (ch & 2)
		hub_port_feature(h, false, HUB_C_PORT_ENABLE, p);
	if (ch & HUB_PC_RESET)
		hub_port_feature(h, false, HUB_C_PORT_RESET, p);
	if (!port_wants_enumeration(h->hc, h, p, (st & HUB_PS_CONNECTION) != 0, (ch & HUB_PC_CONNECTION) != 0))
		return;
	hub_port_feature(h, true, HUB_PORT_RESET, p);
	uint64_t t0 = time_now_us();
	bool reset_done = false;
	while (time_now_us() - t0 < HUB_PORT_RESET_TIMEOUT_US) {
		time_delay_us(10000);
		if (!hub_port_status(h, p, &st, &ch))
			break;
		if ((ch & HUB_PC_RESET) || !(st & HUB_PS_RESET)) {
			reset_done = true;
			break;
		}
	}
	if (reset_done)
		hub_port_feature(h, false, HUB_C_PORT_RESET, p);
	unsigned speed = (st & HUB_PS_LOW_SPEED) ? SPEED_LS :
			 (st & HUB_PS_HIGH_SPEED) ? SPEED_HS : SPEED_FS;
	struct usb_dev *d = new_dev(h->hc, h, p, speed);
	if (!d)
		return;
	if (!reset_done || !(st & HUB_PS_ENABLE) || !(st & HUB_PS_CONNECTION)) {
		skip(d, "hub port reset failed");
		return;
	}
	time_delay_us(USB_RESET_RECOVERY_US);
	enumerate(d);
}

static void root_port_check(struct usb_hc *hc, unsigned p)
{
	uint32_t v = xhci_portsc(hc, p);
	if (v == 0xFFFFFFFFu)
		return;
	if (v & PORTSC_CHANGES)
		xhci_portsc_write(hc, p, v & PORTSC_CHANGES);
	if (!port_wants_enumeration(hc, NULL, p, (v & PORTSC_CCS) != 0, (v & PORTSC_CSC) != 0))
		return;
	bool ok = xhci_port_reset(hc, p);
	v = xhci_portsc(hc, p);
	struct usb_dev *d = new_dev(hc, NULL, p, PORTSC_SPEED(v));
	if (!d)
		return;
	if (!ok) {
		skip(d, "port reset failed");
		return;
	}
	enumerate(d);
}

/* ------------------------------------------------------------ service */

static void service(void)
{
	in_service = true;
	for (int round = 0; round < 8 && usb_work; round++) {
		usb_work = false;
		for (int i = 0; i < USB_MAX_HC; i++) {
			struct usb_hc *hc = &usb_hcs[i];
			/* Changes that come in meanwhile (our own port resets
			 * among them) wait for the next round. */
			uint64_t todo = hc->port_changed;
			hc->port_changed = 0;
			while (hc->running && todo) {
				unsigned p = (unsigned)__builtin_ctzll(todo) + 1;
				todo &= ~(1ull << (p - 1));
				root_port_check(hc, p);
			}
		}
		for (int i = 0; i < USB_MAX_DEVICES; i++) {
			struct usb_dev *d = &usb_devs[i];
			uint32_t todo = d->used && d->is_hub ? d->hub_changed : 0;
			d->hub_changed &= ~todo;
			while (d->used && d->is_hub && todo) {
				unsigned p = (unsigned)__builtin_ctz(todo);
				todo &= ~(1u << p);
				hub_port_check(d, p);
			}
			if (d->used && d->intr_halted && d->intr_dci) {
				d->intr_halted = false;
				if (++d->intr_errors > 8) {
					if (d->is_kbd)
						usb_kbd_forget(d);
					d->is_hub = false;
					ksnprintf(d->role, sizeof(d->role),
						  "stopped: its interrupt endpoint keeps failing");
					d->intr_dci = 0;
					continue;
				}
				xhci_intr_recover(d);
				xhci_queue_intr(d);
			}
		}
		if (usb_kbd_led_pending)
			usb_kbd_update_leds();
		for (int i = 0; i < USB_MAX_HC; i++)
			if (usb_hcs[i].running && usb_hcs[i].port_changed)
				usb_work = true;
		for (int i = 0; i < USB_MAX_DEVICES; i++)
			if (usb_devs[i].used && usb_devs[i].hub_changed)
				usb_work = true;
	}
	in_service = false;
}

void usb_poll(void)
{
	if (!nrunning)
		return;
	for (int i = 0; i < USB_MAX_HC; i++) {
		struct usb_hc *hc = &usb_hcs[i];
		if (hc->running && (hc->evt[hc->evt_deq].d3 & TRB_CYCLE) == hc->evt_cycle)
			xhci_handle_events(hc);
	}
	if (usb_kbd_repeat_armed)
		usb_kbd_repeat();
	if (usb_work && !in_service)
		service();
}

void usb_init(void)
{
	uint64_t t0 = time_now_us();
	int n = 0;
	for (struct pci_dev *p = pci_find_class(0x0C, 0x03, 0x30, NULL); p;
	     p = pci_find_class(0x0C, 0x03, 0x30, p)) {
		if (n == USB_MAX_HC) {
			kprintf("usb: xhci %02x:%02x.%x: ignored (more than %d controllers)\n", p->bus,
				p->dev, p->fn, USB_MAX_HC);
			continue;
		}
		struct usb_hc *hc = &usb_hcs[n++];
		if (!xhci_attach(hc, p)) {
			kprintf("usb: xhci %02x:%02x.%x: %s; skipped\n", p->bus, p->dev, p->fn, hc->state);
			continue;
		}
		nrunning++;
		unsigned ports = hc->max_ports < XHCI_MAX_PORTS ? hc->max_ports : XHCI_MAX_PORTS;
		if (hc->max_ports > XHCI_MAX_PORTS)
			kprintf("usb: xhci %02x:%02x.%x: ports past %d ignored\n", p->bus, p->dev, p->fn,
				XHCI_MAX_PORTS);
		hc->port_changed = ports == 64 ? ~0ull : (1ull << ports) - 1;
		usb_work = true;
	}
	if (nrunning) {
		uint64_t t1 = time_now_us();
		while (time_now_us() - t1 < USB_BOOT_SETTLE_US)
			for (int i = 0; i < USB_MAX_HC; i++)
				if (usb_hcs[i].running)
					xhci_handle_events(&usb_hcs[i]);
	}
	/* Boot enumeration: hubs add work for their ports, round by round. */
	for (int round = 0; round < 4 * (USB_MAX_DEPTH + 1) && usb_work; round++) {
		for (int i = 0; i < USB_MAX_HC; i++)
			if (usb_hcs[i].running)
				xhci_handle_events(&usb_hcs[i]);
		service();
	}
	for (int i = 0; i < USB_MAX_HC; i++) {
		struct usb_hc *hc = &usb_hcs[i];
		if (!hc->running)
			continue;
		int devs = 0, kbds = 0;
		for (int k = 0; k < USB_MAX_DEVICES; k++) {
			if (usb_devs[k].used && usb_devs[k].hc == hc) {
				devs++;
				kbds += usb_devs[k].is_kbd;
			}
		}
		kprintf("usb: xhci %02x:%02x.%x: %u ports, %d device%s, %d keyboard%s\n", hc->pci->bus,
			hc->pci->dev, hc->pci->fn, hc->max_ports, devs, devs == 1 ? "" : "s", kbds,
			kbds == 1 ? "" : "s");
	}
	if (n)
		kprintf("usb: controllers started and devices enumerated in %llu ms\n",
			(unsigned long long)((time_now_us() - t0) / 1000));
}

int usb_keyboard_count(void)
{
	int n = 0;
	for (int i = 0; i < USB_MAX_DEVICES; i++)
		n += usb_devs[i].used && usb_devs[i].is_kbd;
	return n;
}

void usb_describe_input(char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < USB_MAX_DEVICES && len + 1 < size; i++) {
		struct usb_dev *d = &usb_devs[i];
		if (!d->used || !d->is_kbd)
			continue;
		char path[24];
		usb_port_path(d, path, sizeof(path));
		int k = ksnprintf(buf + len, size - len, " + USB keyboard \"%s\" (%02x:%02x.%x port %s)",
				  d->product[0] ? d->product : "?", d->hc->pci->bus, d->hc->pci->dev,
				  d->hc->pci->fn, path);
		if (k < 0)
			break;
		len += (size_t)k;
		if (len >= size)
			len = size - 1;
	}
}
