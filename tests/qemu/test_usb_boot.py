# SPDX-License-Identifier: BSD-2-Clause
"""The ISO booted from a USB stick (usb-storage on the xHCI, no CD-ROM) on a PC
without PS/2, under SeaBIOS and OVMF: the kernel takes the xHCI the stick is
on, leaves the stick alone, and the shell is used through a USB keyboard
(keys through the QEMU monitor's sendkey), including NVMe commands."""
from nvmetk_qemu import ISO, Machine, TestFile
from usb_keys import NO_PS2, boot, exit_by_keyboard, type_line, typed_echo

t = TestFile()


def stick(name, uefi):
    args = NO_PS2 + ["-device", "qemu-xhci,id=xhci",
            "-drive", "if=none,id=stick,format=raw,readonly=on,file=" + ISO,
            "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=0",
            "-device", "usb-kbd,bus=xhci.0"]
    with Machine(name, uefi=uefi, cdrom=False, qemu_args=args, timeout=400) as m:
        boot(m)
        assert "ide-cd" not in " ".join(m.command()), "a CD-ROM is attached"
        typed_echo(m)
        type_line(m, "lsusb")
        m.expect(r"  port \d+ +\S+ +46f4:0001 class 08:06:50  \"QEMU USB HARDDRIVE\"  "
                 r"left alone \(mass storage\)")
        m.expect(r"keyboard \(HID boot protocol")
        m.expect_prompt()
        type_line(m, "id-ctrl")
        m.expect(r"QEMU NVMe Ctrl")
        m.expect_prompt()
        type_line(m, "write -s 8 --count 16 --pattern inc --yes")
        m.expect_prompt()
        type_line(m, "read -s 8 --count 16 --check inc")
        m.expect(r"matches")
        m.expect_prompt()
        exit_by_keyboard(m)


@t.case("usb-stick-bios")
def _():
    stick("usb-stick-bios", False)


@t.case("usb-stick-uefi")
def _():
    stick("usb-stick-uefi", True)


t.run()
