# SPDX-License-Identifier: BSD-2-Clause
"""Soak: iochk over many GiB of verified writes and reads with controller
resets injected, then the image re-checked from the host. Not in CI
(`tests/soak/run.sh`, README "Soak"). Prints one line:
  SOAK gib_verified=G resets=R mismatches=M host_check=ok|FAILED iochk=ok|FAILED qemu_seconds=S
       total_seconds=T seed=0x...
where G counts every block iochk wrote or read and checked (fill, random,
verify phases), R the resets it injected, M the blocks iochk found wrong
plus, for the host check, 1 if the image differs anywhere."""
import argparse
import os
import re
import sys
import time
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "qemu"))
from nvmetk_qemu import Machine, OUT  # noqa: E402
from nvme_disk import Disk, Controller, controllers  # noqa: E402
import iochk  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gib", type=float, default=8.0, help="GiB of random-phase I/O (default 8)")
    ap.add_argument("--bs", type=int, default=4096, choices=(512, 4096))
    ap.add_argument("--count", type=int, default=32768, help="blocks in the checked range")
    ap.add_argument("--reset-every", type=int, default=500, help="ops between injected resets")
    ap.add_argument("--max-blocks", type=int, default=32)
    ap.add_argument("--qd", type=int, default=32)
    ap.add_argument("--seed", type=lambda s: int(s, 0), default=0x50A4)
    ap.add_argument("--hours", type=float, default=12.0, help="QEMU time limit")
    a = ap.parse_args()
    rng = a.count * a.bs
    passes = max(1, min(1000, int(round(a.gib * (1 << 30) / rng))))
    name = "soak"
    start = 64
    disk = Disk(os.path.join(OUT, name), "soak", (start + a.count) * a.bs + (1 << 20), seed=7)
    c0 = Controller("c0", "nvmetk-soak")
    c0.ns(1, disk, lba_size=a.bs)
    cmd = ("iochk nvme0n1 --yes --start %d --count %d --seed 0x%x --qd %d --max-blocks %d --passes %d "
           "--reset-every %d" % (start, a.count, a.seed, a.qd, a.max_blocks, passes, a.reset_every))
    print("soak: %s (range %d MiB, %d passes)" % (cmd, rng >> 20, passes), flush=True)
    t0 = time.monotonic()
    with Machine(name, nvme=False, qemu_args=controllers([c0]), timeout=int(a.hours * 3600), mem="256M") as m:
        m.expect_prompt(timeout=300)
        out = m.run(cmd, timeout=int(a.hours * 3600) - 600)
        m.sendline("exit 0")
        m.wait_exit(timeout=300)
    qemu_secs = time.monotonic() - t0
    lines = re.findall(r"IOCHK phase=(\w+) result=(\w+) .*blocks=(\d+) resets=(\d+)", out)
    blocks = sum(int(b) for _, _, b, _ in lines)
    resets = sum(int(r) for _, _, _, r in lines)
    wrong = len(re.findall(r"^iochk: LBA", out, re.M))
    ok = bool(lines) and all(r == "ok" for _, r, _, _ in lines)
    gens = iochk.apply(disk, start, a.count, a.bs, a.seed, passes=passes, max_blocks=a.max_blocks)
    bad = iochk.check_image(disk.path, start, a.count, a.bs, a.seed, gens)
    host_ok = bad is None
    if host_ok:
        try:
            disk.check()
        except AssertionError as e:
            host_ok, bad = False, str(e)
    print("SOAK gib_verified=%.2f resets=%d mismatches=%d host_check=%s iochk=%s qemu_seconds=%d "
          "total_seconds=%d seed=0x%x" %
          (blocks * a.bs / (1 << 30), resets, wrong + (0 if host_ok else 1), "ok" if host_ok else "FAILED",
           "ok" if ok else "FAILED", qemu_secs, time.monotonic() - t0, a.seed))
    if not host_ok:
        print("host check: %s" % bad)
    return 0 if ok and host_ok else 1


if __name__ == "__main__":
    sys.exit(main())
