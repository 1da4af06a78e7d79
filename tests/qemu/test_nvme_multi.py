# SPDX-License-Identifier: BSD-2-Clause
"""Several namespaces (non-contiguous NSIDs, mixed block sizes), several
controllers, 8 GiB guests (buffers above 4 GiB) and OVMF; every write checked
on the host images afterwards."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, ok, bad

t = TestFile()


def workdir(name):
    return os.path.join(OUT, name)


@t.case("nvme-multi-ns")
def _():
    name = "nvme-multi-ns"
    d1 = Disk(workdir(name), "ns1", 16 << 20, seed=11)
    d3 = Disk(workdir(name), "ns3", 16 << 20, seed=13)
    d7 = Disk(workdir(name), "ns7", 8 << 20, seed=17)
    c0 = Controller("c0", "nvmetk-multi")
    c0.ns(1, d1, 512)
    c0.ns(3, d3, 4096)
    c0.ns(7, d7, 512)
    # A second controller whose namespace has 8 bytes of metadata per block
    # (separate buffer, no PI): usable with the metadata options (test_pi.py).
    dm = Disk(workdir(name), "md2", 4 << 20, seed=None)
    c1 = Controller("c1", "nvmetk-meta")
    c1.ns(2, dm, 512, extra="ms=8")
    with Machine(name, nvme=False, qemu_args=controllers([c0, c1])) as m:
        m.expect(r"nvme0: max transfer .*, 3 namespaces\n")
        m.expect(r"nvme0n1: 32768 blocks x 512 B = 16 MiB\n")
        m.expect(r"nvme0n3: 4096 blocks x 4096 B = 16 MiB\n")
        m.expect(r"nvme0n7: 16384 blocks x 512 B = 8 MiB\n")
        m.expect(r"nvme1n2: \d+ blocks x 512 B \+ 8 B metadata \(separate\) = ")
        m.expect_prompt()
        ok(m, "read nvme1n2 -M", r"LBA 0 metadata: 00 00 00 00 00 00 00 00\n")
        ok(m, "id-ns nvme1n2", r"lbaf +\d+ : ms:8   lbads:9  rp:0 \(in use\)")
        out = ok(m, "list nvme1")
        assert re.search(r"^nvme1n2 +nvmetk-meta .* 512   B \+  8 B ", out, re.M), out
        assert "(not usable)" not in out, out
        out = ok(m, "list")
        nodes = re.findall(r"^(nvme\d+n\d+) +nvmetk-multi +QEMU NVMe Ctrl +(\d+) ", out, re.M)
        assert nodes == [("nvme0n1", "1"), ("nvme0n3", "3"), ("nvme0n7", "7")], out
        assert re.search(r"nvme0n3 .* 4 KiB \+  0 B ", out), out
        ok(m, "id-ns nvme0n3", r"NVME Identify Namespace 3:", r"\nnsze +: 0x1000\n", r"lbads:12 rp:0 \(in use\)")
        # by name, by -n, by controller + -n, and the default (first namespace)
        ok(m, "write nvme0n3 -s 10 --count 4 --pattern random --seed 3", r"nvme0n3 LBA 10\.\.13 \(4 blocks, 16 KiB\)")
        d3.write_pattern(10, 4, 4096, "random", seed=3)
        ok(m, "write -n 7 -s 100 --count 20 --pattern inc", r"nvme0n7 LBA 100\.\.119")
        d7.write_pattern(100, 20, 512, "inc")
        ok(m, "write nvme0 -n 1 -s 300 --count 3 --data c0ffee", r"nvme0n1 LBA 300\.\.302")
        d1.write_pattern(300, 3, 512, "data", data=bytes.fromhex("c0ffee"))
        ok(m, "write /dev/nvme0n7 -s 16383 --pattern 0x77", r"nvme0n7 LBA 16383\.\.16383")
        d7.write_pattern(16383, 1, 512, "byte", byte=0x77)
        ok(m, "write -s 200 --pattern 0x78", r"nvme0n1 LBA 200\.\.200")
        d1.write_pattern(200, 1, 512, "byte", byte=0x78)
        ok(m, "nvme read nvme0n3 -n 3 -s 10 --count 4 --check random --seed 3", r"matches random seed 3")
        ok(m, "read -n 7 -s 100 --count 20 --check inc", r"matches inc")
        # the same LBA on another namespace was not written
        out = m.run("read nvme0n1 -s 100 --count 20 --check inc")
        assert "error: check failed" in out, out
        bad(m, "read nvme0n2", r"^error: no namespace nvme0n2 \(known: nvme0n1, nvme0n3, nvme0n7\)$")
        bad(m, "read nvme0n3 -n 1", r"two namespaces given: nvme0n3 and --namespace-id 1")
        bad(m, "read nvme0n3 -s 4096", r"start block 4096 is beyond the end of nvme0n3 \(4096 blocks, last LBA 4095\)")
        ok(m, "flush nvme0n7", r"NVMe Flush: success \(nvme0n7\)")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    for d in (d1, d3, d7, dm):
        d.check()


def two_controllers(name, uefi, mem):
    a = Disk(workdir(name), "a1", 16 << 20, seed=21)
    b = Disk(workdir(name), "b1", 16 << 20, seed=22)
    c0 = Controller("c0", "nvmetk-a")
    c0.ns(1, a, 512)
    c1 = Controller("c1", "nvmetk-b", mdts=3)
    c1.ns(1, b, 4096)
    c2 = Controller("c2", "nvmetk-empty")  # a controller without namespaces
    with Machine(name, nvme=False, uefi=uefi, mem=mem, qemu_args=controllers([c0, c1, c2])) as m:
        m.expect(r'nvme0: model "QEMU NVMe Ctrl", serial "nvmetk-a"', timeout=120)
        m.expect(r'nvme1: model "QEMU NVMe Ctrl", serial "nvmetk-b"')
        m.expect(r"nvme1: max transfer 32 KiB")
        m.expect(r'nvme2: model "QEMU NVMe Ctrl", serial "nvmetk-empty".*\n.*, 0 namespaces\n')
        m.expect(r"nvme: 3 controllers attached")
        m.expect_prompt()
        out = ok(m, "list")
        assert re.search(r"^nvme0n1 +nvmetk-a ", out, re.M) and re.search(r"^nvme1n1 +nvmetk-b ", out, re.M), out
        assert re.search(r"^nvme2 +nvmetk-empty +QEMU NVMe Ctrl +- +\(no namespaces\)", out, re.M), out
        ok(m, "write nvme1n1 -s 7 --count 20 --pattern random --seed 77", r"nvme1n1 LBA 7\.\.26")
        b.write_pattern(7, 20, 4096, "random", seed=77)
        ok(m, "write nvme0n1 -s 56 --count 100 --pattern random --seed 78", r"nvme0n1 LBA 56\.\.155")
        a.write_pattern(56, 100, 512, "random", seed=78)
        ok(m, "read nvme1 -n 1 -s 7 --count 20 --check random --seed 77", r"matches random seed 77")
        ok(m, "read -s 56 --count 100 --check random --seed 78", r"matches")
        bad(m, "read nvme2", r"^error: nvme2 has no namespaces$", usage=False)
        bad(m, "read nvme3n1", r"^error: no controller nvme3 \(known: nvme0, nvme1, nvme2\)$")
        ok(m, "id-ctrl nvme1", r"\nsn +: nvmetk-b", r"\nmdts +: 3\n")
        ok(m, "id-ctrl nvme2", r"\nsn +: nvmetk-empty")
        out = ok(m, "selftest", r"selftest: \d+ passed, 0 failed")
        for c in ("nvme0", "nvme1", "nvme2"):
            assert "PASS %s registers" % c in out, out
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    a.check()
    b.check()


@t.case("nvme-two-controllers-bios")
def _():
    two_controllers("nvme-two-controllers-bios", False, "128M")


@t.case("nvme-two-controllers-uefi")
def _():
    two_controllers("nvme-two-controllers-uefi", True, "128M")


@t.case("nvme-attach-failure")
def _():
    # nvmebreak=nvme0 makes the glue hand nvme0 an invalid struct nvme_host:
    # the driver refuses it, the boot reports why and goes on with nvme1.
    name = "nvme-attach-failure"
    a = Disk(workdir(name), "a1", 8 << 20, seed=23)
    b = Disk(workdir(name), "b1", 8 << 20, seed=24)
    c0 = Controller("c0", "nvmetk-broken")
    c0.ns(1, a)
    c1 = Controller("c1", "nvmetk-good")
    c1.ns(1, b)
    with Machine(name, nvme=False, cmdline="nvmebreak=nvme0", qemu_args=controllers([c0, c1])) as m:
        m.expect(r"nvme0: attach failed: host porting structure incomplete or invalid "
                 r"\(NVME_ERR_HOST_CONFIG\)\n")
        m.expect(r'nvme1: model "QEMU NVMe Ctrl", serial "nvmetk-good"')
        m.expect(r"nvme: 1 controller attached, 1 failed\n")
        m.expect_prompt()
        out = ok(m, "list")
        assert re.search(r"^nvme0 +\(attach failed: host porting structure", out, re.M), out
        assert re.search(r"^nvme1n1 +nvmetk-good ", out, re.M), out
        ok(m, "list nvme0", r"\nnvme0 +\(attach failed: ")
        bad(m, "read nvme0n1", r"^error: nvme0 is not usable: attach failed: host porting structure "
            r"incomplete or invalid \(NVME_ERR_HOST_CONFIG\)$", usage=False)
        # the default is the first controller that attached
        ok(m, "write -s 40 --count 2 --pattern 0x5c", r"nvme1n1 LBA 40\.\.41")
        b.write_pattern(40, 2, 512, "byte", byte=0x5C)
        out = m.run("selftest")
        assert "FAIL nvme0 attach: host porting structure" in out, out
        assert re.search(r"selftest: \d+ passed, 1 failed", out), out
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    a.check()
    b.check()


def big_guest(name, uefi):
    # 8 GiB: the shell's data buffers come from RAM above 4 GiB (64-bit DMA).
    d1 = Disk(workdir(name), "ns1", 16 << 20, seed=31)
    d2 = Disk(workdir(name), "ns2", 16 << 20, seed=32)
    c0 = Controller("c0", "nvmetk-8g")
    c0.ns(1, d1, 4096)
    c0.ns(2, d2, 512)
    with Machine(name, nvme=False, uefi=uefi, mem="8G", qemu_args=controllers([c0]), timeout=300) as m:
        g = m.expect(r"nvme0: \w\w:\w\w\.\w 1b36:0010, BAR0 0x([0-9a-f]+) ", timeout=200)
        bar = int(g.group(1), 16)
        m.expect(r"nvme0n1: 4096 blocks x 4096 B")
        m.expect_prompt()
        ok(m, "write -s 5 --count 700 --pattern random --seed 8 -v",
           r"buffer: [\d.]+ [KM]iB at 0x[1-9a-f][0-9a-f]{8} \(above 4 GiB\), queue 1", r"write: Success")
        d1.write_pattern(5, 700, 4096, "random", seed=8)
        ok(m, "read -s 5 --count 700 --check random --seed 8 -v", r"above 4 GiB", r"matches random seed 8")
        ok(m, "write nvme0n2 -s 40 --count 2049 --pattern inc --seed 1", r"write: Success")
        d2.write_pattern(40, 2049, 512, "inc", seed=1)
        ok(m, "read nvme0n2 -s 40 --count 2049 --check inc --seed 1", r"matches inc seed 1")
        ok(m, "selftest", r"selftest: \d+ passed, 0 failed")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    d1.check()
    d2.check()
    if uefi and bar < (1 << 32):
        return "SKIP BAR0 0x%x is below 4 GiB under this OVMF (I/O checked with buffers above 4 GiB)" % bar


@t.case("nvme-8g-bios")
def _():
    return big_guest("nvme-8g-bios", False)


@t.case("nvme-8g-uefi")
def _():
    return big_guest("nvme-8g-uefi", True)


t.run()
