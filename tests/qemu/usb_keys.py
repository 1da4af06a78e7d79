# SPDX-License-Identifier: BSD-2-Clause
"""Typing on an emulated USB keyboard through the QEMU monitor (sendkey), for
test_usb.py and test_usb_boot.py."""
import re
import time

from nvmetk_qemu import HarnessError

NO_PS2 = ["-M", "q35,i8042=off"]

SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
           "(": "9", ")": "0", "_": "minus", "+": "equal", ":": "semicolon", '"': "apostrophe",
           "<": "comma", ">": "dot", "?": "slash", "{": "bracket_left", "}": "bracket_right",
           "|": "backslash", "~": "grave_accent"}
PLAIN = {" ": "spc", "-": "minus", ".": "dot", "/": "slash", "=": "equal", ",": "comma",
         ";": "semicolon", "'": "apostrophe", "[": "bracket_left", "]": "bracket_right",
         "\\": "backslash", "`": "grave_accent", "\n": "ret"}


def keys(text):
    """QEMU key names that type `text` on a US keyboard (Shift for capitals
    and shifted symbols)."""
    out = []
    for c in text:
        if c in PLAIN:
            out.append(PLAIN[c])
        elif c in SHIFTED:
            out.append("shift-" + SHIFTED[c])
        elif c.isupper():
            out.append("shift-" + c.lower())
        else:
            out.append(c)
    return out


def type_line(m, text):
    m.sendkey(keys(text) + ["ret"])


def boot(m, kbds=1):
    m.expect_prompt(timeout=150)
    text = m.text()
    assert "PS/2" not in text.split("input:")[1].split("\n")[0], "PS/2 found with i8042=off"
    got = len(re.findall(r'USB keyboard "QEMU USB Keyboard"', text.split("input:")[1].split("\n")[0]))
    assert got == kbds, "banner names %d USB keyboards, expected %d" % (got, kbds)


def typed_echo(m, word="usb Kbd!"):
    type_line(m, "echo " + word)
    m.expect("\n" + re.escape(word) + "\n", timeout=60)
    m.expect_prompt()


def exit_by_keyboard(m, code=6):
    type_line(m, "exit %d" % code)
    assert m.wait_exit() == code


def lsusb(m):
    """lsusb over serial (used only while polling for hot plug)."""
    return m.run("lsusb", timeout=60)


def wait_lsusb(m, pred, what, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        out = lsusb(m)
        if pred(out):
            return out
        if time.monotonic() > deadline:
            raise HarnessError("lsusb never showed %s; last:\n%s" % (what, out))
        time.sleep(1)
