# SPDX-License-Identifier: BSD-2-Clause
"""PS/2 keyboard input through the QEMU monitor's sendkey (BIOS and UEFI)."""
from nvmetk_qemu import Machine, TestFile

t = TestFile()


def ps2(name, uefi):
    with Machine(name, uefi=uefi) as m:
        m.expect_prompt(timeout=120)
        assert "+ PS/2 keyboard" in m.text(), "no PS/2 keyboard detected"
        m.sendkey("echo ps2 ")
        m.sendkey(["shift-k", "b", "d", "shift-1", "ret"])
        m.expect("\nps2 Kbd!\n")
        m.expect_prompt()
        # Ctrl-C from the keyboard cancels a line, arrows edit it.
        m.sendkey("echo x")
        m.sendkey(["ctrl-c"])
        m.expect(r"\^C")
        m.sendkey("echo bc")
        m.sendkey(["left", "left", "a", "end", "d", "ret"])
        m.expect("\nabcd\n")
        m.sendkey("exit 6")
        m.sendkey(["ret"])
        assert m.wait_exit() == 6


@t.case("ps2-bios")
def _():
    ps2("ps2-bios", False)


@t.case("ps2-uefi")
def _():
    ps2("ps2-uefi", True)


t.run()
