# SPDX-License-Identifier: BSD-2-Clause
"""NVMe controllers are flushed and shut down (CC.SHN) before the run ends:
`poweroff`, `reboot`, `exit N` and a boot script stopped by `set -e`, each
with two controllers, checked in QEMU's own trace (pci_nvme_io_cmd for the
Flush, pci_nvme_mmio_shutdown_set for CC.SHN) and in the kernel's lines;
`--no-shutdown` sends nothing; a controller that never attached or stopped
answering does not hang the exit."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT, HarnessError
from nvme_disk import ok, bad

t = TestFile()

SHUTDOWN_EVENT = "pci_nvme_mmio_shutdown_set"
FLUSH_EVENT = "pci_nvme_io_cmd"
LINE = r"(nvme\d+): flushed, shutdown complete in \d+ ms\n"


class Traced(Machine):
    """Two NVMe controllers (the harness's nvme0 and one more) and QEMU's
    trace of the events above written to <workdir>/trace.log."""

    def __init__(self, name, **kw):
        self.trace_path = os.path.join(OUT, name, "trace.log")
        os.makedirs(os.path.dirname(self.trace_path), exist_ok=True)
        if os.path.exists(self.trace_path):
            os.unlink(self.trace_path)
        disk = os.path.join(OUT, name, "nvme1.img")
        with open(disk, "wb") as f:
            f.truncate(16 << 20)
        args = ["-drive", "file=%s,format=raw,if=none,id=nvm1" % disk,
                "-device", "nvme,id=nvme1,serial=nvmetk1,drive=nvm1",
                "-trace", SHUTDOWN_EVENT, "-trace", FLUSH_EVENT, "-D", self.trace_path]
        super().__init__(name, qemu_args=args + kw.pop("qemu_args", []), **kw)

    def trace(self):
        try:
            with open(self.trace_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def counts(self):
        tr = self.trace()
        return (tr.count(SHUTDOWN_EVENT),
                len(re.findall(r"pci_nvme_io_cmd .*nsid 0xffffffff .*NVME_NVM_CMD_FLUSH", tr)))


def expect_both_shut_down(m):
    """The kernel's two lines, then QEMU's trace: CC.SHN set and one
    broadcast Flush per controller (QEMU 7.2 has VWC with broadcast flush)."""
    names = [m.expect(LINE).group(1), m.expect(LINE).group(1)]
    assert names == ["nvme0", "nvme1"], names


def check_trace(m, shutdowns, flushes):
    got = m.counts()
    assert got == (shutdowns, flushes), \
        "QEMU trace: %d CC.SHN events and %d flushes, expected %d and %d:\n%s" % (
            got[0], got[1], shutdowns, flushes, m.trace()[-2000:])


def wait_reset_exit(m, timeout=120):
    """reboot under -no-reboot: QEMU ends with status 0 (not isa-debug-exit)."""
    m.proc.wait(timeout=timeout)
    m._reader.join(timeout=5)
    if m.proc.returncode != 0:
        raise HarnessError("QEMU status %s after reboot, expected 0 (-no-reboot)\n%s" %
                           (m.proc.returncode, m.tail()))


@t.case("power-poweroff")
def _():
    with Traced("power-poweroff", script="poweroff") as m:
        m.expect("run> poweroff")
        expect_both_shut_down(m)
        m.expect("powering off")
        assert m.wait_exit() == 0
    check_trace(m, 2, 2)


@t.case("power-reboot")
def _():
    with Traced("power-reboot", script="reboot") as m:
        m.expect("run> reboot")
        expect_both_shut_down(m)
        m.expect("rebooting")
        wait_reset_exit(m)
    check_trace(m, 2, 2)


@t.case("power-exit")
def _():
    # typed at the prompt; bad lines first: they must shut nothing down
    with Traced("power-exit") as m:
        m.expect_prompt(timeout=120)
        bad(m, "exit 3 4", r"^error: ")
        bad(m, "exit 200", r"^error: CODE must be 0\.\.127, got 200")
        bad(m, "exit --bogus", r"^error: ")
        bad(m, "poweroff now", r"^error: ")
        bad(m, "reboot --no-shutdown now", r"^error: ")
        out = ok(m, "help poweroff", r"--no-shutdown skips that")
        assert m.counts() == (0, 0), m.trace()
        m.sendline("exit 3")
        expect_both_shut_down(m)
        m.expect("exit 3")
        assert m.wait_exit() == 3
    check_trace(m, 2, 2)


@t.case("power-script-set-e")
def _():
    # a boot script that ends because `set -e` stopped it
    with Traced("power-script-set-e", script="set -e; echo before; nosuchcmd; echo never") as m:
        m.expect("boot script failed: exit 127")
        expect_both_shut_down(m)
        assert m.wait_exit() == 127
    check_trace(m, 2, 2)


@t.case("power-no-shutdown")
def _():
    for cmd in ("exit 6 --no-shutdown", "poweroff --no-shutdown", "reboot --no-shutdown"):
        name = "power-no-shutdown-" + cmd.split()[0]
        with Traced(name, script=cmd) as m:
            m.expect("run> " + cmd)
            if cmd.startswith("reboot"):
                wait_reset_exit(m)
            else:
                assert m.wait_exit() == (6 if cmd.startswith("exit") else 0)
        tail = m.text().split("run> " + cmd)[-1]
        assert "shutdown complete" not in tail, tail
        check_trace(m, 0, 0)


@t.case("power-states")
def _():
    # nvme0 never attached (nvmebreak), nvme1 shut down by hand before exit
    with Traced("power-states", cmdline="nvmebreak=nvme0",
                script="shutdown nvme1; exit 2") as m:
        m.expect(r"nvme1: normal shutdown in \d+ ms")
        m.expect(r"nvme0: not attached, nothing to shut down\n")
        m.expect(r"nvme1: already shut down, nothing to do\n")
        assert m.wait_exit() == 2
    check_trace(m, 1, 0)  # only the `shutdown` command's


@t.case("power-no-io-queue")
def _():
    # nvmeqs=0: no I/O queue pair to send Flush on; the shutdown still happens
    with Traced("power-no-io-queue", cmdline="nvmeqs=0", script="exit 1") as m:
        for n in (0, 1):
            m.expect(r"nvme%d: no I/O queue pair to flush on, shutdown complete in \d+ ms\n" % n)
        assert m.wait_exit() == 1
    check_trace(m, 2, 0)


@t.case("power-stuck-controller")
def _():
    # nvme1 disabled behind the driver's back (CC.EN=0 with mmio): its Flush
    # never completes. The exit must still happen, bounded by the flush wait
    # (10 s) and one abrupt shutdown (CAP.TO, 7.5 s on QEMU).
    with Traced("power-stuck-controller") as m:
        bar = int(m.expect(r"nvme1: 00:0\d\.0 1b36:0010, BAR0 0x([0-9a-f]+) \(").group(1), 16)
        m.expect_prompt(timeout=120)
        ok(m, "mmio w32 0x%x 0" % (bar + 0x14))
        m.sendline("exit 5")
        m.expect(r"nvme0: flushed, shutdown complete in \d+ ms\n")
        m.expect(r"nvme1: flush timed out after 10000 ms, abrupt shutdown (complete|failed after) ",
                 timeout=120)
        assert m.wait_exit(timeout=120) == 5


t.run()
