#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""bench/peer-uboot.py - U-Boot x86_64 (Debian u-boot-qemu) as a bare-metal
peer of `make bench`: sequential read and write of --mib MiB at QD1 in its
own command size, on the same QEMU device as ours.

QEMU: -M q35 -m 512 -smp 1 -bios /usr/lib/u-boot/qemu-x86_64/u-boot.rom
-nographic -nic none, the same -drive and -device nvme,serial=peer0 as
bench/run.sh. Over the serial line: stop autoboot, `pci enum; nvme scan;
nvme info`, one untimed `nvme read` of the buffer (the first touch of 64 MiB
of guest RAM costs the host page faults, not the device), then
`time nvme write ADDR 0 COUNT` and `time nvme read ADDR 0 COUNT`. U-Boot's
driver splits a transfer into MDTS-sized commands (512 KiB on QEMU 7.2),
one in flight: ours runs `bench --rw read|write --bs 512k --qd 1` beside.

Timed from host timestamps of the serial output, from U-Boot's line
announcing the transfer ("nvme read: device 0 block # 0, count N ... ") to
the line ending it ("N blocks read: OK"); U-Boot's own `time:` figure is
printed too but its x86 timer is not calibrated under TCG (it said 3.5 s for
a read the host saw take 1.7 s). Prints one line per operation:

  UBOOT op=read bytes=67108864 cmd_bytes=524288 host_s=0.052 mib_s=1230.8 uboot_time_s=0.104

Exit status 0, or 1 with a line "UBOOT-FAIL reason=..." (no prompt, no
NVMe device, a transfer that did not say OK, a timeout).
"""
import argparse
import os
import re
import select
import subprocess
import sys
import time

ROM = "/usr/lib/u-boot/qemu-x86_64/u-boot.rom"
BOOT_TIMEOUT_S = 180      # SPL + U-Boot to the autoboot prompt under TCG, loaded host
STEP_TIMEOUT_S = 300      # one command (64 MiB at a few MiB/s at worst)
BLOCK = 512
# Below this, the two lines framing a transfer were read together: unresolved.
MIN_RESOLVED_S = 0.002


class Serial:
    def __init__(self, cmd, log):
        self.log = open(log, "w")
        self.log.write("# %s\n" % " ".join(cmd))
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.buf = b""
        self.chunks = []     # (end offset in buf, host time the chunk arrived)

    def arrival(self, pos):
        """Host time of the chunk holding buf[pos]."""
        for end, t in self.chunks:
            if pos < end:
                return t
        return time.monotonic()

    def expect(self, regex, timeout):
        """Wait for regex; return (match, host time the match's last byte arrived)."""
        end = time.monotonic() + timeout
        rx = re.compile(regex.encode())
        while True:
            m = rx.search(self.buf)
            if m:
                t = self.arrival(m.end() - 1)
                cut = m.end()
                self.buf = self.buf[cut:]
                self.chunks = [(e - cut, ct) for e, ct in self.chunks if e > cut]
                return m, t
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no %r within %d s" % (regex, timeout))
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 0.5))
            if r:
                d = os.read(self.p.stdout.fileno(), 65536)
                now = time.monotonic()
                if not d:
                    raise EOFError("QEMU exited while waiting for %r" % regex)
                self.log.write(d.decode("utf-8", "replace"))
                self.log.flush()
                self.buf += d
                self.chunks.append((len(self.buf), now))

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()
        self.log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--drive", required=True, help="the -drive value (id=nvm), as bench/run.sh builds it")
    ap.add_argument("--pin", default="0", help="taskset CPU list, or none")
    ap.add_argument("--mib", type=int, default=64)
    ap.add_argument("--addr", default="0x10000000", help="buffer in guest RAM (512 MiB machine)")
    ap.add_argument("--log", required=True)
    a = ap.parse_args()
    count = a.mib * 1024 * 1024 // BLOCK
    cmd = ([] if a.pin == "none" else ["taskset", "-c", a.pin]) + [
        "qemu-system-x86_64", "-M", "q35", "-m", "512", "-smp", "1", "-nographic", "-nic", "none",
        "-no-reboot", "-accel", "tcg", "-bios", ROM, "-drive", a.drive, "-device", "nvme,serial=peer0,drive=nvm"]
    s = Serial(cmd, a.log)
    try:
        s.expect(r"Hit any key to stop autoboot", BOOT_TIMEOUT_S)
        s.send("")
        s.expect(r"=> ", 60)
        s.send("pci enum; nvme scan; nvme info")
        m, _ = s.expect(r"(Capacity: [^\r\n]*|=> )", STEP_TIMEOUT_S)
        if not m.group(1).startswith(b"Capacity"):
            raise RuntimeError("nvme info shows no NVMe device")
        s.expect(r"=> ", STEP_TIMEOUT_S)
        s.send("nvme read %s 0 0x%x" % (a.addr, count))      # touch the buffer: not timed
        s.expect(r"blocks read: OK", STEP_TIMEOUT_S)
        s.expect(r"=> ", STEP_TIMEOUT_S)
        for op, word in (("write", "written"), ("read", "read")):
            s.send("time nvme %s %s 0 0x%x" % (op, a.addr, count))
            _, t0 = s.expect(r"nvme %s: device 0 block # 0, count %d \.\.\. " % (op, count), STEP_TIMEOUT_S)
            m, t1 = s.expect(r"(\d+) blocks %s: (OK|ERROR)" % word, STEP_TIMEOUT_S)
            if m.group(2) != b"OK" or int(m.group(1)) != count:
                raise RuntimeError("nvme %s said %s" % (op, m.group(0).decode()))
            m, _ = s.expect(r"time: ([\d.]+) seconds", STEP_TIMEOUT_S)
            ut = float(m.group(1))
            s.expect(r"=> ", STEP_TIMEOUT_S)
            dt = t1 - t0
            if dt < MIN_RESOLVED_S:
                # both lines came in one read of the serial output: the
                # host did not see the transfer's start
                raise RuntimeError("nvme %s: start and end lines arrived together (%.4f s apart): no host "
                                   "timing" % (op, dt))
            print("UBOOT op=%s bytes=%d cmd_bytes=524288 host_s=%.3f mib_s=%.1f uboot_time_s=%.3f"
                  % (op, count * BLOCK, dt, a.mib / dt, ut), flush=True)
    except (TimeoutError, EOFError, RuntimeError) as e:
        print("UBOOT-FAIL reason=%s" % str(e), flush=True)
        return 1
    finally:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
