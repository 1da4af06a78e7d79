# SPDX-License-Identifier: BSD-2-Clause
"""ACPI tables: the `acpi` command under SeaBIOS (RSDT) and OVMF (XSDT), and a
table that is too short for its type (supplied with -acpitable) reported as
ignored while the kernel keeps booting."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT

t = TestFile()


def check_q35_facts(out):
    for sig in ("FACP", "APIC", "HPET", "MCFG", "DSDT"):
        assert re.search(r"^%s\s+0x[0-9a-f]{16}\s+\d+\s+\S+\s+ok$" % sig, out, re.M), \
            "%s not listed as ok:\n%s" % (sig, out)
    assert re.search(r"ECAM\s+segment 0000 buses 00-ff at 0xb0000000", out), out
    assert re.search(r"PM timer\s+I/O 0x608, 24-bit", out), out
    assert re.search(r"reset register\s+I/O 0xcf9 value 0x", out), out
    assert re.search(r"S5\s+SLP_TYPa \d, SLP_TYPb \d", out), out
    assert re.search(r"CPUs\s+2, APIC IDs: 0 1", out), out
    assert re.search(r"HPET\s+#0 at 0xfed00000", out), out


@t.case("acpi-tables-bios")
def _():
    with Machine("acpi-tables-bios", smp=2, script="acpi; acpi extra; help acpi; exit 0") as m:
        m.expect(r"acpi: RSDT BOCHS, \d+ tables \(0 bad\), MCFG, HPET, S5")
        m.expect(r"run> acpi extra\nerror: no arguments expected\nusage: acpi\n")
        m.expect(r"run> help acpi\nusage: acpi\n +list the ACPI tables")
        assert m.wait_exit() == 0
        out = m.text().split("run> acpi", 1)[1].split("run> acpi extra", 1)[0]
        assert "root RSDT" in out, out
        check_q35_facts(out)


@t.case("acpi-tables-uefi")
def _():
    with Machine("acpi-tables-uefi", uefi=True, smp=2, script="acpi; exit 0", timeout=300) as m:
        m.expect(r"acpi: XSDT \S+, \d+ tables \(0 bad\)", timeout=240)
        assert m.wait_exit(timeout=120) == 0
        out = m.text().split("run> acpi", 1)[1]
        assert re.search(r"RSDP revision 2, .* root XSDT", out), out
        check_q35_facts(out)


@t.case("acpi-short-table-ignored")
def _():
    # An MCFG of 40 bytes (header + 4 bytes) is shorter than MCFG's fixed
    # part (44): reported and ignored; the good MCFG still gives ECAM.
    os.makedirs(OUT, exist_ok=True)
    data = os.path.join(OUT, "acpi-short-mcfg.bin")
    with open(data, "wb") as f:
        f.write(b"\x00\x00\x00\x00")
    with Machine("acpi-short-table-ignored", qemu_args=["-acpitable", "sig=MCFG,data=" + data],
                 script="acpi; lspci -d 1b36:0010; exit 0") as m:
        m.expect(r'acpi: table "MCFG" at 0x[0-9a-f]+ \(length 40\): bad length, ignored')
        m.expect(r"acpi: RSDT BOCHS, \d+ tables \(1 bad\), MCFG")
        assert m.wait_exit() == 0
        out = m.text().split("run> acpi", 1)[1]
        assert re.search(r"^MCFG\s+0x[0-9a-f]{16}\s+40\s+\S+\s+bad length$", out, re.M), out
        assert re.search(r"ECAM\s+segment 0000 buses 00-ff", out), out
        assert "1b36:0010 class 01:08:02" in out, out


def reboot_exits(m):
    # QEMU runs with -no-reboot: a reset ends QEMU with status 0.
    m.proc.wait(timeout=60)
    assert m.proc.returncode == 0, "QEMU status %s after reboot\n%s" % (m.proc.returncode, m.tail())


@t.case("acpi-reboot-reset-register")
def _():
    # No i8042 (as on many new PCs): the FADT reset register resets, first.
    with Machine("acpi-reboot-q35", machine="q35,i8042=off", nvme=False, script="reboot",
                 debug_exit=False) as m:
        m.expect(r"reboot: ACPI reset register \(I/O 0xcf9, value 0x[0-9a-f]{2}\)", timeout=120)
        reboot_exits(m)
        assert "did not reset" not in m.text(), m.tail()


@t.case("acpi-reboot-without-reset-register")
def _():
    # QEMU's pc FADT does not set RESET_REG_SUP, and -no-acpi has no tables:
    # the older methods remain (keyboard controller first).
    for name, extra, why in (("acpi-reboot-pc", None, r"FADT says the reset register is not supported"),
                             ("acpi-reboot-no-acpi", "-no-acpi", r"no usable ACPI tables")):
        with Machine(name, machine="pc", nvme=False, qemu_args=extra, script="reboot",
                     debug_exit=False) as m:
            m.expect(r"reboot: no ACPI reset register \(%s\)" % why, timeout=120)
            reboot_exits(m)

t.run()
