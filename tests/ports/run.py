#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tests/ports/run.py [--keep] [NAME...] - boot the virt ports under QEMU TCG.

For each port (aarch64-virt, riscv64-virt):
  512        -device nvme on a 64 MiB raw image, 512-byte blocks, default MDTS
  4k-mdts2   -device nvme,mdts=2 + nvme-ns with 4 KiB blocks; the 64-bit
             BAR placed in the 32-bit window (bar64=low)
  bridge     behind a PCIe root port and a switch (buses 1-3), 512 B
  el2        aarch64 only: -M virt,virtualization=on (entered at EL2), 512 B
  no-nvme    no NVMe controller (an empty root port): a clear message and
             exit status 2
Each run prints one line for the script (every PASS step present, no FAIL,
exit status 0) and, for the runs with a disk, one for the image checked byte
for byte against what the port's script writes (ports/common/script.c;
tests/qemu/nvme_disk.py recomputes the patterns). Logs: tests/out/ports/.
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
from nvme_disk import Controller, Disk, pattern  # noqa: E402

OUT = os.path.join(ROOT, "tests", "out", "ports")
BUILD = os.path.join(ROOT, "build", "ports")
# One run takes 1-5 s on an idle machine; the bound is for a loaded one.
RUN_TIMEOUT_S = 300
DISK_BYTES = 64 << 20
MIB, KIB = 1 << 20, 1 << 10

STEPS = ["attach", "identify", "io-aligned", "io-prp-offset", "io-bounce", "io-bytes", "trim",
         "write-zeroes", "async-qd", "flush", "shutdown"]

PORTS = {
    "aarch64-virt": ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-semihosting",
                     "-kernel", os.path.join(BUILD, "aarch64-virt", "port.img")],
    "riscv64-virt": ["qemu-system-riscv64", "-M", "virt", "-bios", "none",
                     "-kernel", os.path.join(BUILD, "riscv64-virt", "port.elf")],
}
COMMON = ["-accel", "tcg", "-m", "256", "-smp", "1", "-display", "none", "-monitor", "none",
          "-serial", "stdio", "-nic", "none", "-no-reboot"]


def expect_script(disk):
    """Record what ports/common/script.c writes (its layout comment)."""
    def rnd(off, n, seed, what):
        disk.write(off, pattern("random", off, n, seed), what)

    def zero(off, n, what):
        disk.write(off, bytes(n), what)
    rnd(1 * MIB, 1 * MIB + 12 * KIB, 0xA1, "io-aligned")
    rnd(3 * MIB, 768 * KIB + 4 * KIB, 0xB2, "io-prp-offset")
    rnd(5 * MIB, 256 * KIB + 4 * KIB, 0xC3, "io-bounce")
    rnd(7 * MIB + 100, 10000, 0xD4, "io-bytes")
    zero(8 * MIB, 256 * KIB, "trim (discard=unmap: zeroes)")
    rnd(9 * MIB, 256 * KIB, 0xF6, "write-zeroes pattern")
    zero(9 * MIB + 64 * KIB, 128 * KIB, "write-zeroes")
    rnd(16 * MIB, 4 * MIB, 0x17, "async-qd")


def run_qemu(port, name, args, append=None, machine=None):
    """machine: replaces the -M value (e.g. "virt,virtualization=on")."""
    os.makedirs(OUT, exist_ok=True)
    log = os.path.join(OUT, "%s-%s.log" % (port, name))
    base = list(PORTS[port])
    if machine:
        base[base.index("-M") + 1] = machine
    cmd = ["timeout", str(RUN_TIMEOUT_S)] + base + COMMON + args
    if append:
        cmd += ["-append", append]
    t0 = time.time()
    with open(log, "wb") as f:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT)
    with open(log, "rb") as f:
        out = f.read().decode("utf-8", "replace").replace("\r", "")
    with open(log, "a") as f:
        f.write("\n# command: %s\n# status %d after %.1f s\n" % (" ".join(cmd), p.returncode,
                                                               time.time() - t0))
    return p.returncode, out, log


def report(ok, name, why=""):
    if ok:
        print("PASS ports/%s" % name)
    else:
        print("FAIL ports/%s: %s" % (name, why))
    sys.stdout.flush()
    return ok


def check_script(rc, out, log, extra=()):
    """None if the run passed every step, else why not."""
    if rc == 124:
        return "timed out after %d s (log %s)" % (RUN_TIMEOUT_S, log)
    fails = re.findall(r"^FAIL (.*)$", out, re.M)
    if fails:
        return "the port reported: %s (log %s)" % (fails[0], log)
    passed = set(re.findall(r"^PASS (\S+)", out, re.M))
    missing = [s for s in STEPS if s not in passed]
    if missing:
        return "no PASS line for %s (log %s)" % (" ".join(missing), log)
    if not re.search(r"^RESULT PASS", out, re.M):
        return "no RESULT PASS line (log %s)" % log
    for pat, what in extra:
        if not re.search(pat, out, re.M):
            return "%s: no line matching %r (log %s)" % (what, pat, log)
    if rc != 0:
        return "exit status %d, expected 0 (log %s)" % (rc, log)
    return None


def check_disk(name, disk, keep):
    try:
        disk.check(keep=keep)
        return report(True, name)
    except AssertionError as e:
        return report(False, name, str(e))


def main():
    keep = "--keep" in sys.argv
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    work = os.path.join(OUT, "work")
    ok = True
    for port in PORTS:
        def wanted(n):
            return not only or any(o in "%s/%s" % (port, n) for o in only)
        if wanted("512"):
            name = "%s/512" % port
            disk = Disk(work, "%s-512" % port, DISK_BYTES, seed=1)
            rc, out, log = run_qemu(port, "512", [
                "-drive", "file=%s,format=raw,if=none,id=d0,discard=unmap" % disk.path,
                "-device", "nvme,serial=port512,drive=d0"])
            why = check_script(rc, out, log, [
                (r"^namespace 1: 131072 blocks of 512 bytes", "512-byte namespace"),
                (r"max transfer 524288 bytes", "default MDTS"),
                (r"^pci .*BAR0 64-bit, .* at 0x[0-9a-f]{9,} \(64-bit window\)", "BAR0 above 4 GiB")])
            ok &= report(why is None, name + "-script", why or "")
            expect_script(disk)
            ok &= check_disk(name + "-disk", disk, keep)
        if wanted("4k-mdts2"):
            name = "%s/4k-mdts2" % port
            disk = Disk(work, "%s-4k" % port, DISK_BYTES, seed=2)
            c0 = Controller("c0", "port4k", mdts=2)
            c0.ns(1, disk, lba_size=4096, discard=True)
            rc, out, log = run_qemu(port, "4k-mdts2", c0.args(), append="bar64=low")
            why = check_script(rc, out, log, [
                (r"^namespace 1: 16384 blocks of 4096 bytes", "4 KiB namespace"),
                (r"max transfer 16384 bytes", "mdts=2"),
                (r"^PASS io-aligned \(.*, 65 write commands", "MDTS split"),
                (r"^pci .*BAR0 64-bit, .* at 0x[0-9a-f]{1,8} \(32-bit window\)", "BAR0 below 4 GiB")])
            ok &= report(why is None, name + "-script", why or "")
            expect_script(disk)
            ok &= check_disk(name + "-disk", disk, keep)
        if wanted("bridge"):
            # behind a root port and a switch (up- and downstream port):
            # bus numbers, bridge windows, the BAR in the 32-bit window
            name = "%s/bridge" % port
            disk = Disk(work, "%s-bridge" % port, DISK_BYTES, seed=4)
            rc, out, log = run_qemu(port, "bridge", [
                "-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1",
                "-device", "x3130-upstream,id=up1,bus=rp1",
                "-device", "xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=0",
                "-drive", "file=%s,format=raw,if=none,id=d0,discard=unmap" % disk.path,
                "-device", "nvme,serial=portbr,drive=d0,bus=dn1"])
            why = check_script(rc, out, log, [
                (r"^pci 00:01\.0: bridge to buses 01-03", "root port numbered"),
                (r"^pci 03:00\.0 1b36:0010 class 010802 NVMe", "NVMe on bus 3"),
                (r"^pci 03:00\.0: BAR0 64-bit, .* \(32-bit window\)", "BAR0 in the 32-bit window"),
                (r"^pci 00:01\.0: bridge memory window", "root port window")])
            ok &= report(why is None, name + "-script", why or "")
            expect_script(disk)
            ok &= check_disk(name + "-disk", disk, keep)
        if port == "aarch64-virt" and wanted("el2"):
            # entered at EL2 (virtualization=on): start.S drops to EL1, PSCI is smc
            name = "%s/el2" % port
            disk = Disk(work, "%s-el2" % port, DISK_BYTES, seed=3)
            rc, out, log = run_qemu(port, "el2", [
                "-drive", "file=%s,format=raw,if=none,id=d0,discard=unmap" % disk.path,
                "-device", "nvme,serial=portel2,drive=d0"], machine="virt,virtualization=on")
            why = check_script(rc, out, log, [
                (r"^aarch64: entered at EL2 \(dropped to EL1\).*PSCI conduit smc", "EL2 entry")])
            ok &= report(why is None, name + "-script", why or "")
            expect_script(disk)
            ok &= check_disk(name + "-disk", disk, keep)
        if wanted("no-nvme"):
            name = "%s/no-nvme" % port
            # an empty root port: the scan goes behind it and finds nothing
            rc, out, log = run_qemu(port, "no-nvme", [
                "-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1"])
            if rc != 2:
                why = "exit status %d, expected 2 (log %s)" % (rc, log)
            elif not re.search(r"^FAIL nvme-probe: no NVMe controller \(PCI class 01:08:02\)", out, re.M):
                why = "no 'FAIL nvme-probe: no NVMe controller' line (log %s)" % log
            else:
                why = None
            ok &= report(why is None, name, why or "")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
