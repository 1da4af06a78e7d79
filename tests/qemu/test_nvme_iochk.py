# SPDX-License-Identifier: BSD-2-Clause
"""iochk (kernel/shell_nvme_iochk.c) against QEMU's NVMe device: self-checking
blocks written and read with many commands in flight, controller resets
between the phases and in the middle of the random phase (commands in
flight are resubmitted by the driver), then the raw image checked on the
host against the same seed (tests/qemu/iochk.py): every block of the range,
and every byte outside it unchanged (nvme_disk.Disk.check)."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, ok
import iochk

t = TestFile()


def result(out, phase):
    m = re.search(r"IOCHK phase=%s result=(\w+) .*ops=(\d+) reads=(\d+) writes=(\d+) "
                  r"blocks=(\d+) resets=(\d+)" % phase, out)
    assert m, "no IOCHK line for phase %s in:\n%s" % (phase, out)
    assert m.group(1) == "ok", "iochk %s failed:\n%s" % (phase, out)
    return [int(x) for x in m.groups()[1:]]


@t.case("nvme-iochk-resets")
def _():
    """512-byte blocks: fill, reset, verify, reset, random with a reset every
    150 ops (commands in flight), reset, verify; then the image."""
    name = "nvme-iochk-resets"
    bs, start, count, seed = 512, 2048, 4096, 0x5EED5
    disk = Disk(os.path.join(OUT, name), "ns1", 16 << 20, seed=5)
    c0 = Controller("c0", "nvmetk-iochk")
    c0.ns(1, disk, lba_size=bs)
    common = "--start %d --count %d --seed 0x%x --qd 32 --max-blocks 8 --passes 4" % (start, count, seed)
    with Machine(name, nvme=False, qemu_args=controllers([c0]), timeout=300) as m:
        m.expect_prompt(timeout=120)
        out = ok(m, "iochk nvme0n1 --phase fill --yes " + common, r"fill: 4096 blocks written and read back, "
                 r"all right", r"replay: iochk nvme0n1 --start 2048 --count 4096 --seed 0x5eed5 ", timeout=240)
        result(out, "fill")
        ok(m, "reset nvme0", r"reset", timeout=60)
        out = ok(m, "iochk nvme0n1 --phase verify --expect fill " + common, r"4096 blocks all right",
                 timeout=240)
        result(out, "verify")
        ok(m, "reset nvme0", timeout=60)
        out = ok(m, "iochk nvme0n1 --phase random --reset-every 150 --yes " + common,
                 r"reset 1: \d+ commands were in flight", timeout=240)
        ops, reads, writes, blocks, resets = result(out, "random")
        want = list(iochk.ops(seed, count))
        assert ops == len(want), "iochk ran %d ops, the sequence has %d" % (ops, len(want))
        assert writes == sum(1 for w in want if w[0]) and reads == ops - writes
        assert blocks >= 4 * count and resets == ops // 150, (blocks, resets)
        inflight = [int(x) for x in re.findall(r"reset \d+: (\d+) commands were in flight", out)]
        assert max(inflight) > 0, "no reset happened with commands in flight: %s" % inflight
        ok(m, "reset nvme0", timeout=60)
        out = ok(m, "iochk nvme0n1 --phase verify --expect random " + common, r"4096 blocks all right",
                 timeout=240)
        result(out, "verify")
        # the checker notices a wrong expectation (and says why)
        out = m.run("iochk nvme0n1 --phase verify --expect fill " + common, timeout=240)
        assert "IOCHK phase=verify result=fail" in out and "generation" in out, out
        assert len(re.findall(r"^iochk: LBA", out, re.M)) == 1, "more than the first failure:\n" + out
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    gens = iochk.apply(disk, start, count, bs, seed)
    bad = iochk.check_image(disk.path, start, count, bs, seed, gens)
    assert bad is None, bad
    disk.check()


@t.case("nvme-iochk-4k-all")
def _():
    """4 KiB blocks, the whole sequence in one command (fill, verify, random,
    verify) at queue depth 64 with a reset every 200 ops; then the image."""
    name = "nvme-iochk-4k-all"
    bs, start, count, seed = 4096, 64, 1024, 0xC0FFEE
    disk = Disk(os.path.join(OUT, name), "ns1", 16 << 20, seed=6)
    c0 = Controller("c0", "nvmetk-iochk4k")
    c0.ns(1, disk, lba_size=bs)
    with Machine(name, nvme=False, qemu_args=controllers([c0]), timeout=300) as m:
        m.expect_prompt(timeout=120)
        out = ok(m, "iochk nvme0n1 --yes --start %d --count %d --seed 0x%x --qd 64 --max-blocks 16 "
                 "--passes 3 --write-pct 60 --reset-every 200" % (start, count, seed),
                 r"fill: 1024 blocks written and read back, all right", r"verify: 1024 blocks all right",
                 timeout=280)
        for phase in ("fill", "random", "verify"):
            result(out, phase)
        # a wrong seed: every header names the real one
        out = m.run("iochk nvme0n1 --phase verify --expect random --start %d --count %d --seed 0x1 "
                    "--max-blocks 16 --passes 3 --write-pct 60" % (start, count), timeout=120)
        assert "header seed 0xc0ffee, expected 0x1" in out and "result=fail" in out, out
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    gens = iochk.apply(disk, start, count, bs, seed, passes=3, max_blocks=16, write_pct=60)
    bad = iochk.check_image(disk.path, start, count, bs, seed, gens)
    assert bad is None, bad
    disk.check()


t.run()
