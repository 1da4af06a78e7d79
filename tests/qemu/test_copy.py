# SPDX-License-Identifier: BSD-2-Clause
"""copy against QEMU 7.2's Copy command (-device nvme-ns with small MSSRL,
MCL and MSRC): several ranges copied and checked from the host image block
by block, each limit exceeded refused before anything is sent, forced past MSRC
refused by QEMU (Command Size Limit Exceeded) with nothing written, forced
past MCL done (QEMU 7.2 does not check MCL), and a
namespace of a plain -device nvme,drive= (limits 0) refused clearly."""
import os
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, ok, bad

t = TestFile()
BS = 512


def copied(disk, dst, ranges):
    """Record in disk.expected that ranges [(slba, nlb)] landed at dst in order."""
    data = b"".join(bytes(disk.expected[s * BS:(s + n) * BS]) for s, n in ranges)
    disk.write(dst * BS, data, "copy to LBA %d" % dst)


@t.case("nvme-copy")
def _():
    name = "nvme-copy"
    wd = os.path.join(OUT, name)
    d1 = Disk(wd, "ns1", 16 << 20, seed=91)
    c0 = Controller("c0", "nvmetk-copy")
    c0.ns(1, d1, BS, extra="mssrl=16,mcl=40,msrc=3")
    plain = Disk(wd, "plain", 4 << 20, seed=92)
    args = controllers([c0]) + [
        "-drive", "file=%s,format=raw,if=none,id=plain" % plain.path,
        "-device", "nvme,drive=plain,serial=nvmetk-plain"]
    with Machine(name, nvme=False, qemu_args=args, timeout=400) as m:
        m.expect_prompt(timeout=120)
        ok(m, "id-ctrl", r"\noncs +: 0x15d\n")
        ok(m, "id-ns", r"\nmssrl +: 16\n", r"\nmcl +: 40\n", r"\nmsrc +: 3\n")

        # three ranges (4 + 16 + 2 blocks) to LBA 5000: the image shows them in order
        ok(m, "copy -d 5000 -s 100,200,300 --count 4,16,2 --yes",
           r"this will copy 3 ranges over nvme0n1 LBA 5000\.\.5021 \(22 blocks, 11 KiB\): the data there is "
           r"overwritten",
           r"copy: Success: nvme0n1, 3 ranges, 22 blocks to nvme0n1 LBA 5000\.\.5021 \(22 blocks, 11 KiB\) "
           r"\(descriptor format 0\)")
        copied(d1, 5000, [(100, 4), (200, 16), (300, 2)])
        # MSRC+1 ranges with nvme-cli's 0's based -b, MCL blocks in all
        ok(m, "copy -d 6000 -s 0,1000,2000,3000 -b 15,15,6,0 --yes", r"copy: Success: nvme0n1, 4 ranges, 40 blocks")
        copied(d1, 6000, [(0, 16), (1000, 16), (2000, 7), (3000, 1)])
        # data written by the guest, then copied within the namespace
        ok(m, "write -s 7000 --count 8 --pattern random --seed 5", r"write: Success")
        d1.write_pattern(7000, 8, BS, "random", seed=5)
        ok(m, "copy -d 7100 -s 7000 --count 8 --yes", r"copy: Success")
        copied(d1, 7100, [(7000, 8)])

        # each limit exceeded: refused before anything is sent
        bad(m, "copy -d 8000 -s 0 --count 17 --yes",
            r"^error: Copy: range 1 has 17 blocks, nvme0n1 takes 16 per range \(MSSRL\); --force sends it anyway$")
        bad(m, "copy -d 8000 -s 0,10,20,30,40 --count 1,1,1,1,1 --yes",
            r"^error: Copy: 5 ranges, nvme0n1 takes 4 \(MSRC 3\); --force sends it anyway$")
        bad(m, "copy -d 8000 -s 0,100,200 --count 16,16,16 --yes",
            r"^error: Copy: 48 blocks in all, nvme0n1 takes 40 per command \(MCL\); --force sends it anyway$")
        bad(m, "copy -d 8000 -s 0 --count 1 -F 1 --yes",
            r"^error: Copy: descriptor format 1 does not fit nvme0n1 \(it takes format 0\)")
        bad(m, "copy -d 32767 -s 0 --count 2 --yes", r"^error: destination LBA 32767 \+ 2 blocks is outside nvme0n1")
        # forced past MSRC: QEMU refuses it itself, nothing written. (Past
        # MSSRL QEMU 7.2 answers Internal Error after reading into a bounce
        # buffer of MSSRL blocks: not sent here; drivers/nvme/README.md.)
        out = m.run("copy -d 8000 -s 0,10,20,30,40 --count 1,1,1,1,1 --yes --force")
        assert "error: copy failed: Command Size Limit Exceeded (SCT 1h SC 83h, DNR)" in out, out
        # forced past MCL: QEMU 7.2 does not check MCL and copies it (the
        # driver's check is the only one; drivers/nvme/README.md)
        ok(m, "copy -d 8000 -s 0,100,200 --count 16,16,16 --yes --force", r"copy: Success: nvme0n1, 3 ranges, 48 blocks")
        copied(d1, 8000, [(0, 16), (100, 16), (200, 16)])

        # a namespace of -device nvme,drive=: QEMU reports the limits as 0
        ok(m, "id-ns nvme1n1", r"\nmssrl +: 0\n", r"\nmcl +: 0\n")
        bad(m, "copy nvme1n1 -d 100 -s 0 --count 1 --yes",
            r"^error: Copy: nvme1n1 allows no copy \(MSSRL 0, MCL 0\); --force sends it anyway$")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    d1.check()
    plain.check()

t.run()
