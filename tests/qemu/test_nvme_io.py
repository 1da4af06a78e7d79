# SPDX-License-Identifier: BSD-2-Clause
"""NVMe I/O through the shell: patterns written and read back, then the raw
images checked byte for byte on the host (nvme_disk.Disk.check). 512-byte and
4 KiB blocks, MDTS splitting, the partition-area confirmation, Ctrl-C."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, pattern, hexdump_c, ok

t = TestFile()
MODEL = "QEMU NVMe Ctrl"


def workdir(name):
    return os.path.join(OUT, name)


def dump_of(out):
    """The hexdump lines of a `read --dump` output."""
    return "\n".join(l for l in out.split("\n") if re.match(r"^([0-9a-f]{8}|\*)", l))


@t.case("nvme-attach-identify")
def _():
    name = "nvme-attach-identify"
    c0 = Controller("c0", "nvmetk-id")
    c0.ns(1, Disk(workdir(name), "ns1", 16 << 20))
    with Machine(name, nvme=False, qemu_args=controllers([c0])) as m:
        # Part A: what the boot prints for each controller and namespace.
        m.expect(r"nvme0: \w\w:\w\w\.\w 1b36:0010, BAR0 0x[0-9a-f]+ \(16 KiB\)")
        m.expect(r'nvme0: model "%s", serial "nvmetk-id", firmware "[^"]+", NVMe 1\.4\.0' % MODEL)
        m.expect(r"nvme0: max transfer 512 KiB, 1 I/O queue pair \(depth \d+\), \w+ data pointers, "
                 r"1 namespace\n")
        m.expect(r"nvme0n1: 32768 blocks x 512 B = 16 MiB")
        m.expect(r"nvme: 1 controller attached")
        m.expect_prompt()
        out = ok(m, "list", r"nvme0n1 +nvmetk-id +%s +1 +16\.78  MB / +16\.78  MB +512   B \+  0 B" % MODEL)
        assert ok(m, "nvme list") == out, "'nvme list' differs from 'list'"
        out = ok(m, "id-ctrl", r"\nvid +: 0x1b36\n", r"\nsn +: nvmetk-id", r"\nmn +: %s" % MODEL,
                 r"\nmdts +: 7\n", r"\nver +: 0x10400\n", r"\noacs +: 0x10a\n", r"\noncs +: 0x15d\n",
                 r"\nsgls +: 0x1\n", r"\nnn +: 256\n", r"\nps +0 : mp:")
        ok(m, "nvme id-ctrl nvme0 -H", r"Format NVM", r"Dataset Management, Write Zeroes")
        ok(m, "id-ns nvme0n1", r"NVME Identify Namespace 1:", r"\nnsze +: 0x8000\n",
           r"\nnlbaf +: 7\n", r"lbaf  0 : ms:0   lbads:9  rp:0 \(in use\)", r"lbaf  4 : ms:0   lbads:12 rp:0\n")
        ok(m, "id-ns -n 1 --dump", r"00000000  00 80 00 00 00 00 00 00  00 80 00 00")
        ok(m, "nvme help", r"  id-ctrl +Identify Controller", r"  read +read a range", r"  selftest ")
        ok(m, "help write", r"usage: write \[DEVICE\]", r"splitmix64", r"--count N +number of blocks, 1-based",
           r"-c/--block-count N +nvme-cli's 0's based count")
        ok(m, "list -v", r"driver DMA memory [\d.]+ [KM]iB in \d+ allocations")
        m.sendline("exit 0")
        assert m.wait_exit() == 0


def check_rate(out, nbytes):
    """The `, N us|ms, R unit/s` end of a read/write success line: R is
    nonzero and matches nbytes over the time shown (both truncated)."""
    mt = re.search(r", (\d+) (us|ms), (\d+(?:\.\d)?) (B|KiB|MiB)/s\n", out)
    assert mt, "no elapsed time and rate in: %r" % out
    scale = {"us": 1e-6, "ms": 1e-3}[mt.group(2)]
    lo_s, hi_s = int(mt.group(1)) * scale, (int(mt.group(1)) + 1) * scale
    unit = {"B": 1, "KiB": 1024, "MiB": 1 << 20}[mt.group(4)]
    rate = float(mt.group(3)) * unit
    assert rate > 0, "zero rate: %r" % out
    # the true time t is in [lo_s, hi_s); the rate shown is nbytes / t truncated to a tenth
    assert lo_s == 0 or rate <= nbytes / lo_s * 1.001, "rate %s above %d bytes in %s: %r" % (
        rate, nbytes, mt.group(0), out)
    assert rate >= nbytes / hi_s * 0.999 - unit / 10, "rate %s below %d bytes in %s: %r" % (
        rate, nbytes, mt.group(0), out)


def pattern_session(name, lba_size, size, uefi=False, mem="128M"):
    """The issue-3 test: write patterns through the shell, read them back,
    then compare the raw image with what was written."""
    disk = Disk(workdir(name), "ns1", size, seed=3)
    c0 = Controller("c0", "nvmetk-pat")
    c0.ns(1, disk, lba_size=lba_size)
    blocks = size // lba_size
    first = (34 * 512 + lba_size - 1) // lba_size  # first LBA outside the partition area
    with Machine(name, nvme=False, uefi=uefi, mem=mem, qemu_args=controllers([c0])) as m:
        m.expect(r"nvme0n1: %d blocks x %d B" % (blocks, lba_size), timeout=120)
        m.expect_prompt()
        # byte pattern
        ok(m, "write nvme0n1 -s %d --count 8 --pattern 0xa5" % first,
           r"write: Success: nvme0n1 LBA %d\.\.%d \(8 blocks" % (first, first + 7))
        disk.write_pattern(first, 8, lba_size, "byte", byte=0xA5)
        ok(m, "read nvme0n1 -s %d --count 8 --check 0xa5" % first, r"matches byte 0xa5")
        # incrementing with a seed, 0's based -c (nvme-cli)
        lba = first + 50
        ok(m, "write -s %d -c 3 --pattern inc --seed 3" % lba, r"\(4 blocks")
        disk.write_pattern(lba, 4, lba_size, "inc", seed=3)
        out = ok(m, "read -s %d --count 2 --dump" % lba)
        assert dump_of(out) == hexdump_c(pattern("inc", lba * lba_size, 2 * lba_size, seed=3),
                                         lba * lba_size), out
        # random, more than one 1 MiB chunk and not chunk aligned: progress bar
        lba, n = first + 101, (2 << 20) // lba_size + 3
        out = ok(m, "write -s %d --count %d --pattern random --seed 42" % (lba, n),
                 r"write nvme0n1 \[#+\] 100%", r"random seed 42")
        disk.write_pattern(lba, n, lba_size, "random", seed=42)
        ok(m, "read -s %d --count %d --check random --seed 42" % (lba, n), r"matches random seed 42")
        # hex data, 9 bytes repeated from the first byte of the range; -z
        lba = first + 9000 // (lba_size // 512)
        data = bytes.fromhex("0011aabbccddeeff77")
        ok(m, "write -s %d -z %d --data 0011aabbccddeeff77" % (lba, 3 * lba_size), r"data \(9 bytes\)")
        disk.write_pattern(lba, 3, lba_size, "data", data=data)
        ok(m, "read -s %d --count 3 --data 0011aabbccddeeff77" % lba, r"matches data \(9 bytes\)")
        out = ok(m, "read -s %d --count 1 --dump" % lba)
        assert dump_of(out) == hexdump_c(pattern("data", lba * lba_size, lba_size, data=data,
                                                 start=lba * lba_size), lba * lba_size), out
        # zero and the last block of the namespace
        ok(m, "write -s %d --count 16 --pattern zero" % (blocks - 40), r"byte 0x00")
        disk.write_pattern(blocks - 40, 16, lba_size, "byte", byte=0)
        ok(m, "write -s %d --pattern inc" % (blocks - 1), r"LBA %d\.\.%d \(1 block," % (blocks - 1, blocks - 1))
        disk.write_pattern(blocks - 1, 1, lba_size, "inc")
        # one block: a real rate, consistent with the time shown (not "0 KiB/s")
        out = ok(m, "read -s %d" % (blocks - 1), r"read: Success: nvme0n1 LBA %d\.\.%d \(1 block," % (
            blocks - 1, blocks - 1))
        check_rate(out, lba_size)
        # a check that fails names the first mismatch exactly
        lba = first
        out = m.run("read -s %d --count 2 --check 0xa4" % lba)
        assert "first mismatch: LBA %d, byte 0 (namespace offset 0x%x): expected 0xa4, got 0xa5" % (
            lba, lba * lba_size) in out, out
        assert "error: check failed: %d bytes in 2 of 2 blocks differ from byte 0xa4" % (2 * lba_size) in out, out
        ok(m, "flush", r"NVMe Flush: success \(nvme0n1\)")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()


@t.case("nvme-pattern-512")
def _():
    pattern_session("nvme-pattern-512", 512, 32 << 20)


@t.case("nvme-pattern-4k")
def _():
    pattern_session("nvme-pattern-4k", 4096, 32 << 20)


@t.case("nvme-mdts2-split")
def _():
    # mdts=2: 2^2 x 4 KiB = 16 KiB per command, so a 1.2 MiB write is ~80
    # commands; reads and dumps across the split points.
    name = "nvme-mdts2-split"
    disk = Disk(workdir(name), "ns1", 16 << 20, seed=5)
    c0 = Controller("c0", "nvmetk-mdts", mdts=2)
    c0.ns(1, disk)
    with Machine(name, nvme=False, qemu_args=controllers([c0])) as m:
        m.expect(r"nvme0: max transfer 16 KiB")
        m.expect_prompt()
        ok(m, "queues --reset-stats", r"statistics reset")
        lba, n = 77, 2500
        ok(m, "write -s %d --count %d --pattern random --seed 5" % (lba, n), r"write: Success")
        disk.write_pattern(lba, n, 512, "random", seed=5)
        out = ok(m, "queues")
        sub = int(re.search(r"\n +1 io +\d+ +\d+ +(\d+) ", out).group(1))
        assert sub >= (n * 512 + 16383) // 16384, "only %d commands for %d bytes:\n%s" % (sub, n * 512, out)
        ok(m, "read -s %d --count %d --check random --seed 5" % (lba, n), r"matches random seed 5")
        out = ok(m, "read -s 107 --count 4 --dump")  # LBA 109 starts the second 16 KiB command
        assert dump_of(out) == hexdump_c(pattern("random", 107 * 512, 4 * 512, seed=5), 107 * 512), out
        ok(m, "selftest", r"PASS nvme0n1 read LBA 0\.\.\d+ \(\d+ bytes, max transfer 16384\)",
           r"selftest: \d+ passed, 0 failed")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()


@t.case("nvme-confirm-partition-area")
def _():
    name = "nvme-confirm-partition-area"
    d1 = Disk(workdir(name), "ns1", 16 << 20, seed=7)
    d2 = Disk(workdir(name), "ns2", 16 << 20, seed=8)
    c0 = Controller("c0", "nvmetk-confirm")
    c0.ns(1, d1, 512)
    c0.ns(2, d2, 4096)
    ask = re.escape("Continue? [type 'yes' to continue]: ")

    def answer(cmd, reply, what):
        m.sendline(cmd)
        m.expect(re.escape(cmd))
        m.expect(r'nvme0: model "%s", serial "nvmetk-confirm"\n' % MODEL)
        m.expect(r"this will overwrite %s" % re.escape(what))
        m.expect(ask)
        m.sendline(reply)

    with Machine(name, nvme=False, qemu_args=controllers([c0])) as m:
        m.expect_prompt()
        # 512-byte blocks: LBA 33 is the last block of the partition area.
        answer("write -s 33 --pattern 0x11", "no", "nvme0n1 LBA 33..33 (512 B)")
        m.expect("aborted: nothing was changed")
        m.expect_prompt()
        answer("write -s 20 --count 30 --pattern 0x12", "", "nvme0n1 LBA 20..49")
        m.expect("aborted: nothing was changed")
        m.expect_prompt()
        answer("write -s 0 --count 2 --pattern 0x22", "yes", "nvme0n1 LBA 0..1 (1 KiB) with byte 0x22")
        m.expect("write: Success")
        m.expect_prompt()
        d1.write_pattern(0, 2, 512, "byte", byte=0x22)
        out = ok(m, "write -s 34 --pattern 0x33")
        assert "Continue?" not in out, out
        d1.write_pattern(34, 1, 512, "byte", byte=0x33)
        ok(m, "write -s 10 --pattern 0x44 --yes", r"\(--yes given: not asking\)", r"write: Success")
        d1.write_pattern(10, 1, 512, "byte", byte=0x44)
        # 4 KiB blocks: LBA 4 (bytes 16384..20479) overlaps the 17408 bytes.
        answer("write nvme0n2 -s 4 --pattern 0x55", "nope", "nvme0n2 LBA 4..4 (4 KiB)")
        m.expect("aborted: nothing was changed")
        m.expect_prompt()
        out = ok(m, "write nvme0n2 -s 5 --pattern 0x66")
        assert "Continue?" not in out, out
        d2.write_pattern(5, 1, 4096, "byte", byte=0x66)
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    d1.check()
    d2.check()


@t.case("nvme-ctrl-c")
def _():
    name = "nvme-ctrl-c"
    size = 64 << 20
    disk = Disk(workdir(name), "ns1", size, seed=9)
    c0 = Controller("c0", "nvmetk-intr")
    c0.ns(1, disk)
    with Machine(name, nvme=False, qemu_args=controllers([c0])) as m:
        m.expect_prompt()
        n = size // 512 - 34
        # Ctrl-C typed right after Enter (typeahead) is seen after the first
        # 1 MiB chunk: deterministic, however fast the write runs.
        cmd = "write -s 34 --count %d --pattern random --seed 11" % n
        m.send(cmd + "\r\x03")
        g = m.expect(r"interrupted: (\d+) of (\d+) blocks written \(LBA 34\.\.(\d+)\); the rest was not touched")
        done = int(g.group(1))
        assert int(g.group(2)) == n and int(g.group(3)) == 34 + done - 1, g.group(0)
        assert 0 < done < n and done % 2048 == 0, g.group(0)
        m.expect_prompt()
        disk.write_pattern(34, done, 512, "random", seed=11)
        ok(m, "read -s 34 --count %d --check random --seed 11" % done, r"matches random seed 11")
        ok(m, "echo alive", r"alive")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()


t.run()
