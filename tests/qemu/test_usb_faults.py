# SPDX-License-Identifier: BSD-2-Clause
"""USB devices that misbehave during enumeration (garbage descriptors, stalls,
no answer at all), made with QEMU's usb-redir and a scripted peer
(usbredir_fake.py), plugged in behind a hub after boot. Each one must be
skipped with its reason in `lsusb`, and the USB keyboard must keep working
(keys through the QEMU monitor)."""
import os
import re
import subprocess

from nvmetk_qemu import OUT, Machine, TestFile
from usb_keys import NO_PS2, boot, exit_by_keyboard, typed_echo, wait_lsusb
from usbredir_fake import (SILENT, ST_STALL, TYPE_INTERRUPT, FakeDevice, config_descriptor,
                           device_descriptor, interrupt_in)

t = TestFile()

GET_DEV = (0x80, 6, 0x0100)
GET_CFG = (0x80, 6, 0x0200)


def scenarios():
    """(name, hub port, FakeDevice kwargs, expected lsusb role regex)"""
    vendor_if = [(0xFF, 0, 0, [])]
    kbd_if = [(3, 1, 1, [interrupt_in()])]
    return [
        ("garbage", 1, dict(vid=0x1234, pid=1, answers={
            GET_DEV: device_descriptor(0x1234, 1, dtype=0x55)}),
         r"skipped: device descriptor makes no sense \(length 18, type 0x55\)"),
        ("stall-config", 2, dict(vid=0x1234, pid=2, answers={
            GET_DEV: device_descriptor(0x1234, 2)}),
         r"skipped: configuration descriptor: stall"),
        ("silent", 3, dict(vid=0x1234, pid=3, answers={GET_DEV: SILENT}),
         r"skipped: device descriptor: timeout"),
        ("bad-total", 4, dict(vid=0x1234, pid=4, answers={
            GET_DEV: device_descriptor(0x1234, 4),
            GET_CFG: config_descriptor(vendor_if, total=4)}),
         r"skipped: configuration descriptor makes no sense \(length 9, total 4\)"),
        ("no-boot-protocol", 5, dict(vid=0x1234, pid=5, interfaces=((3, 1, 1),),
                                     eps=((0x81, TYPE_INTERRUPT, 10, 0, 8),), answers={
            GET_DEV: device_descriptor(0x1234, 5, cls=0),
            GET_CFG: config_descriptor(kbd_if)}),
         r"skipped: keyboard refused SET_PROTOCOL boot: stall"),
        ("garbage-tail", 6, dict(vid=0x1234, pid=6, answers={
            GET_DEV: device_descriptor(0x1234, 6),
            GET_CFG: config_descriptor([(0xFF, 0, 0, [b"\x00\x05\x81"])])}),
         r"left alone \(vendor-specific\); descriptors end in garbage"),
    ]


@t.case("usb-bad-devices")
def _():
    name = "usb-bad-devices"
    devs = subprocess.run(["qemu-system-x86_64", "-device", "help"], capture_output=True,
                          text=True).stdout + ""
    if '"usb-redir"' not in devs:
        return "SKIP this QEMU has no usb-redir device"
    workdir = os.path.join(OUT, name)
    fakes = []
    args = NO_PS2 + ["-device", "qemu-xhci,id=xhci", "-device", "usb-kbd,bus=xhci.0,port=1",
                     "-device", "usb-hub,bus=xhci.0,port=2"]
    try:
        for sname, port, kw, rx in scenarios():
            f = FakeDevice(workdir, sname, **kw)
            fakes.append((f, port, rx))
            args += f.qemu_args("r%d" % port, port="2.%d" % port)
        with Machine(name, qemu_args=args, timeout=400) as m:
            boot(m)
            for f, _, _ in fakes:
                f.connect()
            want = [(r"port 6\.%d +full .*%s" % (port, rx)) for _, port, rx in fakes]
            out = wait_lsusb(m, lambda o: all(re.search(w, o) for w in want),
                             "every bad device skipped with its reason", timeout=120)
            assert "keyboard (HID boot protocol" in out, out
            typed_echo(m, "still typing")
            exit_by_keyboard(m)
    finally:
        for f, _, _ in fakes:
            f.close()


def usage(c):
    if "a" <= c <= "z":
        return 4 + ord(c) - ord("a")
    return {" ": 0x2C, "\n": 0x28}[c]


def report(mods=0, keys=()):
    return bytes([mods, 0] + list(keys) + [0] * (6 - len(keys)))


def type_reports(f, text):
    for c in text:
        f.interrupt(report(keys=[usage(c)]))
        f.interrupt(report())


@t.case("usb-kbd-reports")
def _():
    """Boot-protocol reports decoded as a keyboard sends them (two keys in one
    report, a Shift modifier, ErrorRollOver ignored), and a stalled interrupt
    endpoint recovered (Reset Endpoint, Set TR Dequeue Pointer) so the
    keyboard keeps typing. The reports come from a usb-redir peer."""
    name = "usb-kbd-reports"
    devs = subprocess.run(["qemu-system-x86_64", "-device", "help"], capture_output=True,
                          text=True).stdout + ""
    if '"usb-redir"' not in devs:
        return "SKIP this QEMU has no usb-redir device"
    workdir = os.path.join(OUT, name)
    f = FakeDevice(workdir, "kbd", vid=0x1234, pid=7, interfaces=((3, 1, 1),),
                   eps=((0x81, TYPE_INTERRUPT, 10, 0, 8),), answers={
                       GET_DEV: device_descriptor(0x1234, 7, cls=0),
                       GET_CFG: config_descriptor([(3, 1, 1, [interrupt_in()])]),
                       (0x21, 0x0B, 0): b"", (0x21, 0x0A, 0): b"", (0x21, 0x09, 0x0200): b""})
    # Behind the (full-speed) hub: on an xHCI root port, which is also
    # SuperSpeed-capable, QEMU wants the 64-bit-id and 32-bit-bulk-length
    # capabilities, which this peer does not implement.
    args = NO_PS2 + ["-device", "qemu-xhci,id=xhci", "-device", "usb-kbd,bus=xhci.0,port=1",
                     "-device", "usb-hub,bus=xhci.0,port=2"]
    args += f.qemu_args("rk", port="2.1")
    try:
        with Machine(name, qemu_args=args, timeout=400) as m:
            boot(m)
            f.connect()
            wait_lsusb(m, lambda o: re.search(r"port 6\.1 +full +1234:0007 class 03:01:01  "
                                              r"keyboard \(HID boot protocol, Caps Lock LED\)", o),
                       "the redirected keyboard", timeout=120)
            f.wait_interrupt_started(1)
            type_reports(f, "echo ")
            f.interrupt(report(keys=[usage("a"), usage("b")]))      # two keys at once
            f.interrupt(report(keys=[usage("a"), usage("b")]))      # held: nothing new
            f.interrupt(report(keys=[1, 1, 1, 1, 1, 1]))            # ErrorRollOver
            f.interrupt(report())
            f.interrupt(report(mods=0x02, keys=[usage("x")]))       # left Shift + x
            f.interrupt(report())
            type_reports(f, "\n")
            m.expect(r"\nabX\n")
            m.expect_prompt()
            f.interrupt(b"", status=ST_STALL)
            f.wait_interrupt_started(2)
            type_reports(f, "echo ok\n")
            m.expect(r"\nok\n")
            m.expect_prompt()
            exit_by_keyboard(m)
    finally:
        f.close()


t.run()
