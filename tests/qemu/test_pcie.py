# SPDX-License-Identifier: BSD-2-Clause
"""PCI Express: ECAM from the ACPI MCFG, extended capabilities in `lspci -v`,
and NVMe controllers behind a second root bus (QEMU pxb-pcie on q35, pxb on
pc, where there is no MCFG and mechanism #1 scans every bus number): found,
attached, written from the shell and the write checked on the image."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, ok

t = TestFile()


def workdir(name):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    return d


def behind_second_root(name, machine, bridge_args, bus, uefi=False):
    disk = Disk(workdir(name), "pxb1", 16 << 20, seed=40)
    c = Controller("c40", "nvmetk-pxb", extra="bus=" + bus)
    c.ns(1, disk, 512)
    with Machine(name, machine=machine, nvme=False, uefi=uefi, timeout=300,
                 qemu_args=bridge_args + controllers([c])) as m:
        m.expect(r"pci: \d+ functions, 1 NVMe controller,", timeout=240)
        g = m.expect(r"nvme0: ((?:[0-9a-f]{4}:)?([0-9a-f]{2}):[0-9a-f]{2}\.[0-7]) 1b36:0010")
        assert int(g.group(2), 16) >= 0x40, "NVMe at %s, not behind the second root bus" % g.group(1)
        m.expect(r'nvme0: model "QEMU NVMe Ctrl", serial "nvmetk-pxb"')
        m.expect_prompt()
        ok(m, "write nvme0n1 -s 64 --count 9 --pattern random --seed 4040", r"nvme0n1 LBA 64\.\.72")
        disk.write_pattern(64, 9, 512, "random", seed=4040)
        ok(m, "read nvme0n1 -s 64 --count 9 --check random --seed 4040", r"matches")
        out = ok(m, "lspci -v")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()
    return out


@t.case("pcie-nvme-behind-pxb-pcie-q35")
def _():
    out = behind_second_root(
        "pcie-nvme-behind-pxb-pcie-q35", "q35",
        ["-device", "pxb-pcie,id=pxb1,bus_nr=0x40,bus=pcie.0",
         "-device", "pcie-root-port,id=rp40,bus=pxb1,chassis=40"], "rp40")
    # the root port on bus 0x40 shows its extended capabilities through ECAM
    assert re.search(r"^40:00\.0 1b36:000c class 06:04:00 PCI bridge(\n    .*)*\n"
                     r"    extended capability 0x0001 v\d at 0x100: Advanced Error Reporting", out,
                     re.M), out


@t.case("pcie-nvme-behind-pxb-pcie-q35-uefi")
def _():
    behind_second_root(
        "pcie-nvme-behind-pxb-pcie-q35-uefi", "q35",
        ["-device", "pxb-pcie,id=pxb1,bus_nr=0x40,bus=pcie.0",
         "-device", "pcie-root-port,id=rp40,bus=pxb1,chassis=40"], "rp40", uefi=True)


@t.case("pcie-nvme-behind-pxb-pc")
def _():
    out = behind_second_root(
        "pcie-nvme-behind-pxb-pc", "pc",
        ["-device", "pxb,id=pxb1,bus_nr=0x40,bus=pci.0"], "pxb1")
    assert "extended capability 0x" not in out, "extended capabilities without ECAM:\n" + out


@t.case("pcie-ecam-extended-caps")
def _():
    # Default q35: the e1000e on bus 0 has AER and a serial number capability.
    with Machine("pcie-ecam-extended-caps", script="lspci -v -d 8086:10d3; exit 0") as m:
        assert m.wait_exit() == 0
        out = m.text().split("run> lspci", 1)[1]
        assert "extended capability 0x0001 v2 at 0x100: Advanced Error Reporting" in out, out
        assert re.search(r"extended capability 0x0003 v1 at 0x1[0-9a-f]{2}: Device Serial Number", out), out


@t.case("pci-hidden-nvme-hint")
def _():
    # No NVMe controller, a RAID-class (01:04) controller: the VMD/RST hint.
    # (QEMU has no VMD; its device IDs are covered by tests/kunit.)
    with Machine("pci-hidden-nvme-hint", nvme=False, qemu_args="-device megasas",
                 script="exit 0") as m:
        m.expect(r"pci: \d+ functions, 0 NVMe controllers,", timeout=120)
        m.expect(r"pci: no NVMe controller, but 0000:00:[0-9a-f]{2}\.0 1000:0060 is a RAID-mode "
                 r"storage controller: NVMe drives are probably hidden behind Intel VMD/RST; "
                 r"switch the storage mode")
        assert m.wait_exit() == 0
    # and no hint when an NVMe controller is visible next to the RAID controller
    with Machine("pci-hidden-nvme-hint-not", qemu_args="-device megasas", script="exit 0") as m:
        m.expect(r"pci: \d+ functions, 1 NVMe controller,", timeout=240)
        assert m.wait_exit() == 0
        assert "hidden behind Intel VMD" not in m.text(), m.tail()


t.run()
