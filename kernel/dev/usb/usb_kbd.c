/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * usb_kbd.c - HID keyboards in the boot protocol (HID 1.11 appendix B):
 * 8-byte reports (modifiers, reserved, six key usages, HID Usage Tables
 * chapter 10) turned into the keys the PS/2 driver produces: ASCII with a US
 * layout, control characters for Ctrl + letter (Ctrl-C interrupts), KEY_*
 * codes (console.h) for arrows, Home, End and Delete.
 *
 * Caps Lock is one state for all keyboards, shown on their LEDs when they
 * accept SET_REPORT. The keypad always types digits (Num Lock is not
 * tracked). A held key repeats after USB_KBD_REPEAT_DELAY_MS every
 * USB_KBD_REPEAT_PERIOD_MS, timed with the TSC; with SET_IDLE 0 the keyboard
 * reports only changes, so the repeat is ours.
 */
#include "usb.h"
#include "usb_internal.h"
#include "console.h"
#include "time.h"
#include "kformat.h"
#include "kstring.h"

#define USB_KBD_REPEAT_DELAY_MS 500
#define USB_KBD_REPEAT_PERIOD_MS 33

#define MOD_CTRL 0x11  /* left, right */
#define MOD_SHIFT 0x22
#define USAGE_CAPS_LOCK 0x39
#define LED_CAPS_LOCK 0x02

bool usb_kbd_repeat_armed;
bool usb_kbd_led_pending;
static bool caps;

/* Keys waiting for usb_trygetc(). */
#define KEYQ_SIZE 64
static int keyq[KEYQ_SIZE];
static unsigned keyq_head, keyq_tail;

static void push(int k)
{
	if (keyq_tail - keyq_head < KEYQ_SIZE)
		keyq[keyq_tail++ % KEYQ_SIZE] = k;
}

int usb_trygetc(void)
{
	if (keyq_head == keyq_tail)
		return -1;
	return keyq[keyq_head++ % KEYQ_SIZE];
}

/* Usages 0x04 (a) to 0x38 (/). */
static const char map_plain[0x39 - 4] =
	"abcdefghijklmnopqrstuvwxyz1234567890\n\x1b\b\t -=[]\\#;'`,./";
static const char map_shift[0x39 - 4] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*()\n\x1b\b\t _+{}|~:\"~<>?";

static int translate(uint8_t u, uint8_t mods)
{
	if (u >= 0x04 && u <= 0x38) {
		char c = (mods & MOD_SHIFT) ? map_shift[u - 4] : map_plain[u - 4];
		if (caps && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			c ^= 0x20;
		if (mods & MOD_CTRL) {
			if (c >= 'a' && c <= 'z')
				return c - 'a' + 1;
			if (c >= 'A' && c <= 'Z')
				return c - 'A' + 1;
		}
		return c;
	}
	switch (u) {
	case 0x4a: return KEY_HOME;
	case 0x4c: return KEY_DELETE;
	case 0x4d: return KEY_END;
	case 0x4f: return KEY_RIGHT;
	case 0x50: return KEY_LEFT;
	case 0x51: return KEY_DOWN;
	case 0x52: return KEY_UP;
	case 0x54: return '/';
	case 0x55: return '*';
	case 0x56: return '-';
	case 0x57: return '+';
	case 0x58: return '\n';
	case 0x62: return '0';
	case 0x63: return '.';
	default:
		if (u >= 0x59 && u <= 0x61)
			return '1' + (u - 0x59);
		return -1;
	}
}

static uint64_t ms_to_tsc(unsigned ms) { return time_tsc_hz() / 1000 * ms; }

static void rearm(void)
{
	bool armed = false;
	for (int i = 0; i < USB_MAX_DEVICES; i++)
		if (usb_devs[i].used && usb_devs[i].is_kbd && usb_devs[i].rep_usage)
			armed = true;
	usb_kbd_repeat_armed = armed;
}

static void press(struct usb_dev *d, uint8_t u, uint8_t mods)
{
	if (u == USAGE_CAPS_LOCK) {
		caps = !caps;
		usb_kbd_led_pending = true;
		usb_work = true;
		d->rep_usage = 0;
		return;
	}
	int c = translate(u, mods);
	if (c < 0)
		return;
	push(c);
	d->rep_usage = u;
	d->rep_next_tsc = time_rdtsc() + ms_to_tsc(USB_KBD_REPEAT_DELAY_MS);
}

static bool has_key(const uint8_t *r, uint8_t u)
{
	for (int i = 2; i < 8; i++)
		if (r[i] == u)
			return true;
	return false;
}

void usb_kbd_report(struct usb_dev *d, const uint8_t *rep, unsigned len)
{
	uint8_t r[8];
	if (len < 3)
		return;
	memset(r, 0, sizeof(r));
	memcpy(r, rep, len < 8 ? len : 8);
	/* ErrorRollOver: too many keys; the report says nothing else. */
	if (r[2] == 0x01)
		return;
	for (int i = 2; i < 8; i++)
		if (r[i] >= 0x04 && !has_key(d->kbd_prev, r[i]))
			press(d, r[i], r[0]);
	if (d->rep_usage && !has_key(r, d->rep_usage))
		d->rep_usage = 0;
	memcpy(d->kbd_prev, r, sizeof(r));
	rearm();
}

void usb_kbd_repeat(void)
{
	uint64_t now = time_rdtsc();
	uint64_t period = ms_to_tsc(USB_KBD_REPEAT_PERIOD_MS);
	for (int i = 0; i < USB_MAX_DEVICES; i++) {
		struct usb_dev *d = &usb_devs[i];
		if (!d->used || !d->is_kbd || !d->rep_usage || (int64_t)(now - d->rep_next_tsc) < 0)
			continue;
		int c = translate(d->rep_usage, d->kbd_prev[0]);
		if (c >= 0)
			push(c);
		d->rep_next_tsc += period;
		if ((int64_t)(now - d->rep_next_tsc) > 0) /* fell behind: no burst */
			d->rep_next_tsc = now + period;
	}
}

void usb_kbd_forget(struct usb_dev *d)
{
	d->rep_usage = 0;
	d->is_kbd = false;
	rearm();
}

static int set_leds(struct usb_dev *d)
{
	uint8_t leds = caps ? LED_CAPS_LOCK : 0;
	int cc = xhci_control(d, 0x21, HID_REQ_SET_REPORT, 0x0200, d->iface, 1, &leds, NULL);
	if (cc == CC_SUCCESS)
		d->kbd_leds = leds;
	return cc;
}

void usb_kbd_update_leds(void)
{
	usb_kbd_led_pending = false;
	for (int i = 0; i < USB_MAX_DEVICES; i++) {
		struct usb_dev *d = &usb_devs[i];
		if (d->used && d->is_kbd && d->kbd_led_ok)
			set_leds(d);
	}
}

bool usb_kbd_start(struct usb_dev *d, uint8_t ep_addr, uint16_t mps, uint8_t interval)
{
	int cc = xhci_control(d, 0x21, HID_REQ_SET_PROTOCOL, 0, d->iface, 0, NULL, NULL);
	if (cc != CC_SUCCESS) {
		ksnprintf(d->role, sizeof(d->role), "keyboard refused SET_PROTOCOL boot: %s",
			  xhci_cc_name(cc));
		return false;
	}
	/* Report only on change; a stall here is allowed (HID 7.2.4). */
	xhci_control(d, 0x21, HID_REQ_SET_IDLE, 0, d->iface, 0, NULL, NULL);
	if (mps < 3) {
		ksnprintf(d->role, sizeof(d->role), "keyboard endpoint max packet %u is too small", mps);
		return false;
	}
	if (!usb_configure_intr(d, ep_addr, mps, interval, 0, 0, 0)) {
		ksnprintf(d->role, sizeof(d->role), "Configure Endpoint for the keyboard failed");
		return false;
	}
	d->is_kbd = true;
	memset(d->kbd_prev, 0, sizeof(d->kbd_prev));
	d->kbd_led_ok = set_leds(d) == CC_SUCCESS;
	ksnprintf(d->role, sizeof(d->role), "keyboard (HID boot protocol%s)",
		  d->kbd_led_ok ? ", Caps Lock LED" : "");
	xhci_queue_intr(d);
	return true;
}
