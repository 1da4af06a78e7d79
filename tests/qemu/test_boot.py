# SPDX-License-Identifier: BSD-2-Clause
"""Boot the ISO under SeaBIOS and OVMF: banner, consoles, prompt, lspci, exit status."""
import os
from nvmetk_qemu import Machine, TestFile, OUT, record_timing

t = TestFile()
NVME_LINE = r"(\w\w:\w\w\.\w) 1b36:0010 class 01:08:02 NVMe controller"


def boot_and_check(name, uefi):
    with Machine(name, uefi=uefi) as m:
        m.expect(r"nvmetk \S+: NVMe test kernel", timeout=120)
        m.expect("UEFI boot" if uefi else "BIOS boot")
        m.expect(r"consoles: serial, framebuffer \d+x\d+ 32bpp" if uefi else
                 r"consoles: serial, VGA text")
        m.expect(r"pci: \d+ functions, 1 NVMe controller")
        m.expect_prompt()
        record_timing(name, m.elapsed(), "to-prompt")
        out = m.run("lspci")
        assert "1b36:0010 class 01:08:02 NVMe controller" in out, "lspci lacks the NVMe controller"
        assert "BAR0: memory at" in out and "(64-bit)" in out, "NVMe BAR0 not decoded as 64-bit"
        out = m.run("frobnicate --now")  # typed character by character
        assert "error: unknown command 'frobnicate'" in out, out
        if uefi:
            png = os.path.join(OUT, name + ".png")
            w, h, px = m.screendump(png)
            lit = sum(1 for i in range(0, len(px), 3 * 7) if px[i] > 100 or px[i + 1] > 100)
            assert w >= 640 and lit > 500, "framebuffer looks empty (%d lit samples), see %s" % (lit, png)
        m.sendline("exit 0")
        code = m.wait_exit()
        assert code == 0, "exit code %d" % code


@t.case("boot-bios")
def _():
    boot_and_check("boot-bios", uefi=False)


@t.case("boot-uefi")
def _():
    boot_and_check("boot-uefi", uefi=True)


def iso_menu(name, uefi):
    # The ISO alone (no harness config disk): the GRUB menu times out and
    # boots the default entry. Looking for /nvmetk.cfg must stay quiet: no
    # GRUB "error: no such device: /nvmetk.cfg." on an ordinary boot.
    with Machine(name, uefi=uefi, cfg_disk=False) as m:
        m.expect("GNU GRUB", timeout=120)
        m.expect(r"nvmetk \S+: NVMe test kernel", timeout=60)
        grub = m.text().split("GNU GRUB")[0]
        assert "error" not in grub, "GRUB printed an error before its menu: %r" % grub[-300:]
        assert "no such device" not in m.text(), "GRUB complained about the missing script disk"
        m.expect("cmdline: \n")
        m.expect_prompt()
        m.sendline("poweroff")
        assert m.wait_exit() == 0


@t.case("boot-iso-menu")
def _():
    iso_menu("boot-iso-menu", uefi=False)


@t.case("boot-iso-menu-uefi")
def _():
    iso_menu("boot-iso-menu-uefi", uefi=True)


t.run()
