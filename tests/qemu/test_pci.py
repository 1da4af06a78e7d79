# SPDX-License-Identifier: BSD-2-Clause
"""PCI enumeration behind bridges, BAR decoding, MMIO above 4 GiB, interrupts."""
import re
from nvmetk_qemu import Machine, TestFile

t = TestFile()
BRIDGED = ("-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1 "
           "-device pcie-pci-bridge,id=pb1,bus=rp1 "
           "-drive file=null-co://,format=raw,if=none,id=nvm9,file.size=16M "
           "-device nvme,id=nvme9,serial=bridged,drive=nvm9,bus=pb1,addr=3")


@t.case("pci-bridges")
def _():
    with Machine("pci-bridges", qemu_args=BRIDGED, script="lspci -v; exit 0") as m:
        m.expect(r"pci: \d+ functions, 2 NVMe controllers")
        assert m.wait_exit() == 0
        log = m.text()
        nvme = re.findall(r"^(\w\w):(\w\w)\.(\w) 1b36:0010 class 01:08:02", log, re.M)
        buses = sorted(int(b, 16) for b, _, _ in nvme)
        assert len(nvme) == 2 and buses[0] == 0 and buses[1] >= 2, "NVMe buses: %s" % nvme
        assert re.search(r"class 06:04:00 PCI bridge", log), "no PCI bridge listed"
        assert "capability 0x11 at" in log and "MSI-X" in log, "no MSI-X capability listed"
        assert re.search(r"secondary bus 0[1-9a-f]", log), "bridge secondary bus missing"


@t.case("pci-64bit-bar-above-4g-uefi")
def _():
    # OVMF puts 64-bit BARs above 4 GiB: map BAR0 uncached and read the NVMe
    # version register (offset 8: 0x00010400 = NVMe 1.4 on QEMU 7.2).
    with Machine("pci-64bit-bar-above-4g-uefi", uefi=True) as m:
        m.expect_prompt(timeout=120)
        out = m.run("lspci -d 1b36:0010")
        g = re.search(r"BAR0: memory at 0x([0-9a-f]{16}) size 16K \(64-bit\)", out)
        assert g, out
        bar = int(g.group(1), 16)
        out = m.run("mmio r32 0x%x 4" % bar)
        words = re.findall(r"\b[0-9a-f]{8}\b", out.split(":", 1)[1])
        assert words[2] == "00010400", "VS register %s (BAR0 0x%x)" % (words, bar)
        m.sendline("exit 0")
        assert m.wait_exit() == 0
        if bar < (1 << 32):
            return "SKIP BAR0 0x%x is below 4 GiB under this OVMF; MMIO read checked there" % bar


@t.case("irq-self-ipi")
def _():
    with Machine("irq-self-ipi", script="irqtest; exit 0") as m:
        m.expect(r"vector \d+, LAPIC id \d+: 3 of 3 self-IPIs delivered")
        assert m.wait_exit() == 0


t.run()
