#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""bench/ports.py - the virt ports against U-Boot (see bench/ports.sh).

Timing, both sides, from host timestamps of the serial output (Debian's
U-Boot builds have no `time` command): from the line that announces the
transfer (ours: "BENCH write begin"; U-Boot: "nvme write: device 0 block #
0, count N ... ", printed before it starts) to the line that ends it (ours:
"BENCH write ..."; U-Boot: "N blocks written: OK"). Ours also prints the
figure from its own timer (generic timer / time CSR), shown beside.
"""
import argparse
import os
import re
import select
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.path.join(ROOT, "build", "ports")
UBOOT = "/usr/lib/u-boot"
OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
# Bounds: a boot, one command, a whole run (a loaded 2-core machine).
BOOT_TIMEOUT_S = 120
STEP_TIMEOUT_S = 600
RUN_TIMEOUT_S = 1200

COMMON = ["-accel", "tcg", "-m", "1024", "-smp", "1", "-display", "none", "-monitor", "none",
          "-serial", "stdio", "-nic", "none", "-no-reboot"]
MACHINES = {
    "aarch64-virt": {
        "qemu": ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57"],
        "ours": ["-semihosting", "-kernel", os.path.join(BUILD, "aarch64-virt", "port.img")],
        "uboot": ["-bios", os.path.join(UBOOT, "qemu_arm64", "u-boot.bin")],
        "buf": 0x50000000,        # RAM 0x40000000-0x80000000
    },
    "riscv64-virt": {
        "qemu": ["qemu-system-riscv64", "-M", "virt"],
        "ours": ["-bios", "none", "-kernel", os.path.join(BUILD, "riscv64-virt", "port.elf")],
        "uboot": ["-bios", OPENSBI, "-kernel", os.path.join(UBOOT, "qemu-riscv64_smode", "u-boot.bin")],
        "buf": 0x90000000,        # RAM 0x80000000-0xc0000000
    },
}


class Serial:
    """QEMU with its serial line on stdio; lines with host arrival times."""

    def __init__(self, cmd, log):
        self.log = open(log, "w")
        self.log.write("# %s\n" % " ".join(cmd))
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.buf = b""
        self.deadline = time.monotonic() + RUN_TIMEOUT_S

    def expect(self, regex, timeout):
        """Wait for regex in the output; return (match, host time of the
        read that completed it)."""
        end = min(time.monotonic() + timeout, self.deadline)
        rx = re.compile(regex.encode())
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m, self.t
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no %r within %d s" % (regex, timeout))
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 0.5))
            if r:
                d = os.read(self.p.stdout.fileno(), 65536)
                self.t = time.monotonic()
                if not d:
                    raise EOFError("QEMU exited while waiting for %r" % regex)
                self.log.write(d.decode("utf-8", "replace"))
                self.buf += d

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\r")
        self.p.stdin.flush()

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()
        self.log.close()


def prepare_image(path, mib):
    """A fully written (not sparse) zero image, synced, read once into the
    page cache: every boot starts from the same state."""
    with open(path, "wb") as f:
        chunk = bytes(1 << 20)
        for _ in range(mib):
            f.write(chunk)
        f.flush()
        os.fsync(f.fileno())
    with open(path, "rb") as f:
        while f.read(1 << 20):
            pass


def pin(args):
    return [] if args.pin == "none" else ["taskset", "-c", args.pin]


def drive(img):
    return ["-drive", "file=%s,format=raw,if=none,id=d0" % img, "-device", "nvme,serial=bench0,drive=d0"]


def run_ours(m, args, img, log):
    mc = MACHINES[m]
    cmd = pin(args) + mc["qemu"] + COMMON + mc["ours"] + drive(img) + \
        ["-append", "bench bench-mib=%d" % args.mib]
    s = Serial(cmd, log)
    res = {}
    try:
        for op in ("write", "read"):
            _, t0 = s.expect(r"BENCH %s begin\r?\n" % op, BOOT_TIMEOUT_S)
            mt, t1 = s.expect(r"BENCH %s (\d+) MiB in (\d+) commands of (\d+) KiB: (\d+) us" % op,
                              STEP_TIMEOUT_S)
            res[op] = (t1 - t0, int(mt.group(4)) / 1e6, int(mt.group(2)), int(mt.group(3)))
        s.expect(r"RESULT PASS", STEP_TIMEOUT_S)
    finally:
        s.close()
    return res


def run_uboot(m, args, img, log):
    mc = MACHINES[m]
    cmd = pin(args) + mc["qemu"] + COMMON + mc["uboot"] + drive(img)
    s = Serial(cmd, log)
    res = {}
    blocks = args.mib * 2048  # 512-byte blocks
    try:
        s.expect(r"Hit any key to stop autoboot", BOOT_TIMEOUT_S)
        s.send("")
        s.expect(r"=> ", BOOT_TIMEOUT_S)
        s.send("pci enum; nvme scan; nvme info")
        mt, _ = s.expect(r"(Device 0:[^\n]*|\n=> )", STEP_TIMEOUT_S)
        if not mt.group(1).startswith(b"Device 0"):
            # for the log: which driver holds the controller
            s.send("pci; dm tree")
            s.expect(r"sysreset|=> ", STEP_TIMEOUT_S)
            time.sleep(1)
            return None
        s.expect(r"=> ", STEP_TIMEOUT_S)
        for op, done in (("write", "written"), ("read", "read")):
            s.send("nvme %s 0x%x 0 0x%x" % (op, mc["buf"], blocks))
            _, t0 = s.expect(r"nvme %s: device 0 block # 0, count %d \.\.\. " % (op, blocks), STEP_TIMEOUT_S)
            mt, t1 = s.expect(r"(\d+) blocks %s: (OK|ERROR)" % done, STEP_TIMEOUT_S)
            if mt.group(2) != b"OK":
                raise RuntimeError("U-Boot: nvme %s failed" % op)
            res[op] = (t1 - t0, None, None, None)
            s.expect(r"=> ", STEP_TIMEOUT_S)
    finally:
        s.close()
    return res


def mibs(mib, secs):
    return mib / secs if secs > 0 else 0.0


def spread(mib, times):
    """Slowest and fastest run in MiB/s."""
    return "%.0f-%.0f" % (mibs(mib, max(times)), mibs(mib, min(times)))


def main():
    ap = argparse.ArgumentParser(description="virt ports vs U-Boot, sequential 512 KiB commands")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mib", type=int, default=64)
    ap.add_argument("--pin", default="0")
    ap.add_argument("--machines", default="aarch64-virt riscv64-virt")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench", "ports-" + time.strftime("%Y%m%d-%H%M%S")))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    img = os.path.join(args.out, "disk.img")
    print("bench/ports: %d MiB sequential write then read from LBA 0, %d run(s), pinned to %s; logs in %s"
          % (args.mib, args.runs, args.pin, args.out))
    status = 0
    for m in args.machines.split():
        ours = {"write": [], "read": []}
        ourt = {"write": [], "read": []}
        ub = {"write": [], "read": []}
        ub_missing = False
        cmdsz = None
        for r in range(args.runs):
            prepare_image(img, 2 * args.mib)
            try:
                res = run_ours(m, args, img, os.path.join(args.out, "%s-ours-%d.log" % (m, r)))
                for op in ("write", "read"):
                    ours[op].append(res[op][0])
                    ourt[op].append(res[op][1])
                    cmdsz = (res[op][2], res[op][3])
                print("  run %d %s nvmetk: write %.3f s, read %.3f s (port timer %.3f s, %.3f s)" % (
                    r, m, res["write"][0], res["read"][0], res["write"][1], res["read"][1]))
            except (TimeoutError, EOFError, RuntimeError) as e:
                print("%s: our run %d failed: %s" % (m, r, e))
                status = 1
            if ub_missing:
                continue
            prepare_image(img, 2 * args.mib)
            try:
                res = run_uboot(m, args, img, os.path.join(args.out, "%s-uboot-%d.log" % (m, r)))
                if res is None:
                    ub_missing = True
                    continue
                for op in ("write", "read"):
                    ub[op].append(res[op][0])
                print("  run %d %s U-Boot: write %.3f s, read %.3f s" % (r, m, res["write"][0], res["read"][0]))
                sys.stdout.flush()
            except (TimeoutError, EOFError, RuntimeError) as e:
                print("%s: U-Boot run %d failed: %s" % (m, r, e))
                status = 1
        print("\n%s (%s)" % (m, "commands: %d of %d KiB" % cmdsz if cmdsz else "no result"))
        for op in ("write", "read"):
            line = "  %-5s" % op
            if ours[op]:
                h = statistics.median(ours[op])
                t = statistics.median(ourt[op])
                line += "  nvmetk %7.1f MiB/s (host %.3f s, runs %s; port timer %7.1f MiB/s)" % (
                    mibs(args.mib, h), h, spread(args.mib, ours[op]), mibs(args.mib, t))
            if ub[op]:
                u = statistics.median(ub[op])
                line += "  U-Boot %7.1f MiB/s (host %.3f s, runs %s)" % (mibs(args.mib, u), u,
                                                                     spread(args.mib, ub[op]))
                if ours[op]:
                    # throughput ratio: above 1 means ours moved the data faster
                    line += "  ratio nvmetk/U-Boot %.2f" % (u / statistics.median(ours[op]))
            print(line)
        if ub_missing:
            print("  U-Boot: `pci enum; nvme scan; nvme info` found no NVMe device (see %s-uboot-0.log)" % m)
    return status


if __name__ == "__main__":
    sys.exit(main())
