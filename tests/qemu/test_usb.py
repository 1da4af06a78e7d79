# SPDX-License-Identifier: BSD-2-Clause
"""USB keyboards on xHCI (kernel/dev/usb) on a PC without PS/2 (q35,i8042=off).

Every key is pressed through the QEMU monitor's sendkey, which QEMU routes to
the emulated USB keyboard (there is no PS/2 controller); the serial line only
carries output, except for `lsusb` polls while no keyboard is attached.
"""
import re
import time

from nvmetk_qemu import Machine, TestFile
from usb_keys import NO_PS2, boot, exit_by_keyboard, keys, type_line, typed_echo, wait_lsusb

t = TestFile()

XHCI = ["-device", "qemu-xhci,id=xhci"]

def simple(name, uefi, qemu_args, kbds=1, lsusb_re=None, verbose=False):
    with Machine(name, uefi=uefi, qemu_args=NO_PS2 + qemu_args, timeout=300) as m:
        boot(m, kbds)
        typed_echo(m)
        if lsusb_re:
            type_line(m, "lsusb -v" if verbose else "lsusb")
            for rx in lsusb_re:
                m.expect(rx)
            m.expect_prompt()
        exit_by_keyboard(m)


KBD_LINE = r"QEMU USB Keyboard\"  keyboard \(HID boot protocol, Caps Lock LED\)"


@t.case("usb-kbd-bios")
def _():
    simple("usb-kbd-bios", False, XHCI + ["-device", "usb-kbd,bus=xhci.0"],
           lsusb_re=[r"xhci 00:..\.. 1b36:000d: xHCI 1\.00, 8 ports \(USB 3: 1-4, USB 2: 5-8\)",
                     r"  port 5 +high +0627:0001 class 03:01:01  \"" + KBD_LINE])


@t.case("usb-kbd-uefi")
def _():
    simple("usb-kbd-uefi", True, XHCI + ["-device", "usb-kbd,bus=xhci.0"])


@t.case("usb-hub")
def _():
    # Other devices are listed and left alone; the full-speed network device
    # has a 64-byte EP0 (fixed with Evaluate Context after 8 bytes).
    simple("usb-hub", False, XHCI + ["-device", "usb-hub,bus=xhci.0,port=1",
                                     "-device", "usb-net,bus=xhci.0,port=1.1",
                                     "-device", "usb-mouse,bus=xhci.0,port=1.2",
                                     "-device", "usb-kbd,bus=xhci.0,port=1.3",
                                     "-device", "usb-tablet,bus=xhci.0,port=2"],
           lsusb_re=[r"  port 5 +full +0409:55aa class 09:00:00  \"QEMU USB Hub\"  hub, 8 ports",
                     r"  port 5\.1 +full +0525:a4a2 class 02:00:00  .*  left alone \(communications\)\n"
                     r"      slot \d+, route 0x00001, EP0 max packet 64\n",
                     r"  port 5\.2 +full +0627:0001 class 03:01:02  \"QEMU USB Mouse\"  left alone \(mouse\)",
                     r"  port 5\.3 +full +0627:0001 class 03:01:01  \"" + KBD_LINE,
                     r"  port 6 +high +0627:0001 class 03:00:00  \"QEMU USB Tablet\"  "
                     r"left alone \(HID device, not a boot keyboard\)"],
           verbose=True)


@t.case("usb-hub-two-levels")
def _():
    simple("usb-hub-two-levels", False,
           XHCI + ["-device", "usb-hub,bus=xhci.0,port=2",
                   "-device", "usb-hub,bus=xhci.0,port=2.8",
                   "-device", "usb-kbd,bus=xhci.0,port=2.8.5"],
           lsusb_re=[r"  port 6 +full .*hub, 8 ports",
                     r"  port 6\.8 +full .*hub, 8 ports",
                     r"  port 6\.8\.5 +full +0627:0001 class 03:01:01  \"" + KBD_LINE])


@t.case("usb-nec-xhci")
def _():
    simple("usb-nec-xhci", False, ["-device", "nec-usb-xhci,id=xhci", "-device", "usb-kbd,bus=xhci.0"],
           lsusb_re=[r"xhci 00:..\.. 1033:0194: xHCI", r"  port 5 .*" + KBD_LINE])


@t.case("usb-two-controllers")
def _():
    # A keyboard on each of two controllers of different models.
    simple("usb-two-controllers", False,
           ["-device", "qemu-xhci,id=xa", "-device", "nec-usb-xhci,id=xb",
            "-device", "usb-kbd,bus=xa.0", "-device", "usb-kbd,bus=xb.0"], kbds=2)


@t.case("usb-editing")
def _():
    with Machine("usb-editing", qemu_args=NO_PS2 + XHCI + ["-device", "usb-kbd,bus=xhci.0"],
                 nvme_size="4G", timeout=400) as m:
        boot(m)
        # Shift and symbols.
        typed_echo(m, "A_b+C:x?<>{}|~!@#$%^&*()")
        # Caps Lock: letters flip, digits and symbols do not; Shift undoes it.
        m.sendkey(keys("echo ") + ["caps_lock"] + keys("abc") + ["shift-d"] + keys(" 1-") +
                  ["caps_lock", "ret"])
        m.expect("\nABCd 1-\n")
        m.expect_prompt()
        # The LED followed Caps Lock on and off (SET_REPORT accepted).
        m.sendkey(["caps_lock"])
        type_line(m, "LSUSB -V")  # Shift with Caps Lock on: lower case
        m.expect(r"Caps Lock LED on\n")
        m.expect(r"usb_poll: \d+ TSC cycles \(\d+ ns\) per call while idle")
        m.expect_prompt()
        m.sendkey(["caps_lock"])
        type_line(m, "lsusb -v")
        m.expect(r"Caps Lock LED off\n")
        m.expect_prompt()
        # Backspace, Left/Right, Home/End, Delete.
        m.sendkey(keys("echo helo") + ["left", "l", "end", "x", "backspace"] + keys(" wrld") +
                  ["left", "left", "left", "o", "home", "delete"] + keys("e") + ["ret"])
        m.expect("\nhello world\n")
        m.expect_prompt()
        # History: Up recalls the last line, Down goes back to the new one.
        m.sendkey(["up", "ret"])
        m.expect("\nhello world\n")
        m.expect_prompt()
        m.sendkey(keys("echo new") + ["up", "up", "down", "down", "ret"])
        m.expect("\nnew\n")
        m.expect_prompt()
        # A held key repeats (after 500 ms, then about 30 per second) and
        # stops when released: 'x' held for 2 s, then Enter.
        m.sendkey(keys("echo "))
        m.monitor("sendkey x 2000")
        time.sleep(2.5)
        m.sendkey(["ret"])
        got = m.expect(r"\n(x+)\n").group(1)
        assert 2 <= len(got) <= 200, "held key gave %d characters" % len(got)
        m.expect_prompt()
        # Ctrl-C cancels a line, and interrupts a long read.
        m.sendkey(keys("echo no") + ["ctrl-c"])
        m.expect(r"\^C")
        m.expect_prompt()
        type_line(m, "read -z 3G")
        m.expect(r"read -z 3G\n")
        m.expect(r"\[")  # the progress bar has started
        m.sendkey(["ctrl-c"])
        m.expect(r"interrupted: \d+ of 6291456 blocks read", timeout=120)
        m.expect_prompt()
        typed_echo(m, "after")
        exit_by_keyboard(m)


@t.case("usb-hotplug")
def _():
    args = NO_PS2 + XHCI + ["-device", "usb-kbd,bus=xhci.0,port=1,id=k1",
                            "-device", "usb-hub,bus=xhci.0,port=2,id=h1",
                            "-device", "usb-kbd,bus=xhci.0,port=2.4,id=k2"]
    with Machine("usb-hotplug", qemu_args=args, timeout=400) as m:
        boot(m, kbds=2)
        m.monitor("device_del k1")
        wait_lsusb(m, lambda o: o.count("keyboard (HID") == 1 and "port 5 " not in o, "k1 gone")
        typed_echo(m, "one left")
        m.monitor("device_del k2")
        wait_lsusb(m, lambda o: "keyboard (HID" not in o and "hub, 8 ports" in o, "k2 gone")
        m.monitor("device_add usb-kbd,bus=xhci.0,port=2.6,id=k3")
        wait_lsusb(m, lambda o: re.search(r"port 6\.6 .*keyboard \(HID", o), "k3 behind the hub")
        typed_echo(m, "behind hub")
        m.monitor("device_add usb-kbd,bus=xhci.0,port=1,id=k4")
        wait_lsusb(m, lambda o: o.count("keyboard (HID") == 2, "k4 on root port")
        m.monitor("device_del k3")
        wait_lsusb(m, lambda o: o.count("keyboard (HID") == 1 and "port 6.6" not in o, "k3 gone")
        typed_echo(m, "replugged")
        exit_by_keyboard(m)


@t.case("usb-controller-stops")
def _():
    # A controller that halts after boot (here: R/S cleared with `mmio`) is
    # reported in one line and left alone; the kernel stays usable on serial.
    args = NO_PS2 + XHCI + ["-device", "usb-kbd,bus=xhci.0"]
    with Machine("usb-controller-stops", qemu_args=args, timeout=300) as m:
        boot(m)
        bar = re.search(r"BAR0: memory at 0x([0-9a-f]+) ", m.run("lspci -v -d 1b36:000d")).group(1)
        caplen = re.search(r": ([0-9a-f]{8})\n",
                           m.run("mmio r32 0x%x" % int(bar, 16)))
        assert caplen, "cannot read CAPLENGTH"
        op = int(bar, 16) + (int(caplen.group(1), 16) & 0xFF)
        m.run("mmio w32 0x%x 0" % op)  # USBCMD: Run/Stop = 0
        out = m.run("lsusb")
        assert re.search(r"usb: xhci 00:..\..: stopped: halted by itself; its keyboards are gone", out), out
        assert re.search(r"xhci 00:..\.. 1b36:000d: stopped: halted by itself", out), out
        assert "\nalive\n" in m.run("echo alive")
        m.sendline("exit 3")
        assert m.wait_exit() == 3


t.run()
