# SPDX-License-Identifier: BSD-2-Clause
"""A PC without COM1: the kernel finds a 16550 on PCI (QEMU pci-serial, class
07:00:02) and uses it as console and input. The harness's serial line is
connected to the PCI UART (Machine(serial="pci"): -serial none -device
pci-serial,chardev=...), so every byte the test reads or types goes through
it. A second case keeps COM1 and adds a PCI UART writing to a file: output
goes to both."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import ok, bad

t = TestFile()

FOUND = r"serial: PCI (00:0[0-9a-f]\.0) 1b36:0002 16550 at BAR0 I/O 0x([0-9a-f]+): console and input\n"


def shell_over_pci_uart(name, uefi):
    with Machine(name, serial="pci", uefi=uefi) as m:
        # The boot log up to the PCI scan is replayed onto the new port.
        m.expect(r"nvmetk [0-9.]+: NVMe test kernel\n", timeout=150)
        bdf, port = m.expect(FOUND).groups()
        m.expect(r"consoles: serial \(PCI %s I/O 0x%s\)," % (re.escape(bdf), port))
        assert "COM1" not in m.text(), m.tail()
        m.expect_prompt(timeout=150)
        ok(m, "lspci -d 1b36:0002", r"%s 1b36:0002 class 07:00:02 " % re.escape(bdf),
           r"BAR0: I/O ports 0x%s size 8B" % port)
        ok(m, "echo over the pci uart", r"\nover the pci uart\n")
        # escape sequences typed on this port are decoded: Left, Left, insert
        m.send("echo abcd")
        m.send("\x1b[D\x1b[D")
        m.sendline("X")
        m.expect(r"\nabXcd\n")
        m.expect_prompt()
        bad(m, "exit 300", r"^error: CODE must be 0\.\.127")
        m.sendline("exit 4")
        m.expect(r"nvme0: flushed, shutdown complete in \d+ ms\n")
        assert m.wait_exit() == 4


@t.case("serial-pci-bios")
def _():
    shell_over_pci_uart("serial-pci-bios", uefi=False)


@t.case("serial-pci-uefi")
def _():
    shell_over_pci_uart("serial-pci-uefi", uefi=True)


@t.case("serial-pci-with-com1")
def _():
    name = "serial-pci-with-com1"
    path = os.path.join(OUT, name, "pci-uart.txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.unlink(path)
    args = ["-chardev", "file,id=pciser,path=" + path, "-device", "pci-serial,chardev=pciser"]
    with Machine(name, qemu_args=args, script="echo both-consoles; exit 0") as m:
        bdf = m.expect(FOUND).group(1)
        m.expect(r"consoles: serial \(COM1 0x3f8 \+ PCI %s I/O 0x[0-9a-f]+\)," % re.escape(bdf))
        m.expect("both-consoles")
        assert m.wait_exit() == 0
    with open(path, "rb") as f:
        pci = f.read().decode("utf-8", "replace").replace("\r", "")
    # the PCI port got the replayed boot log, then everything after it
    for want in ("NVMe test kernel", "serial: PCI " + bdf, "run> echo both-consoles",
                 "\nboth-consoles\n", "exit 0"):
        assert want in pci, "%r not on the PCI UART:\n%s" % (want, pci[-1500:])


t.run()
