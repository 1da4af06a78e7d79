# SPDX-License-Identifier: BSD-2-Clause
"""Optional NVMe I/O commands through the shell: trim/dsm (discard=unmap reads
back zeros; discard=ignore keeps the data), write-zeroes, compare (match,
mismatch, status 3), verify, flush, SMART counters growing by the expected
amounts, the error log, and an asynchronous event arriving while a line is
being typed. The images are checked byte for byte on the host afterwards."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT, PROMPT
from nvme_disk import Disk, Controller, controllers, ok

t = TestFile()

SMART_KEYS = ("data_units_read", "data_units_written", "host_read_commands", "host_write_commands")


def smart(m):
    out = ok(m, "smart-log", r"Smart Log for NVME device:nvme0 namespace-id:ffffffff\n")
    vals = {}
    for k in SMART_KEYS:
        g = re.search(r"\n%s +: (\d+)" % k, out)
        assert g, "no %s in:\n%s" % (k, out)
        vals[k] = int(g.group(1))
    return vals, out


def zero(disk, lba, count, lba_size, what):
    disk.write(lba * lba_size, bytes(count * lba_size), what)


@t.case("nvme-dm")
def _():
    name = "nvme-dm"
    d1 = Disk(os.path.join(OUT, name), "ns1", 16 << 20, seed=61)   # 512 B blocks, discard=unmap
    d2 = Disk(os.path.join(OUT, name), "ns2", 8 << 20, seed=62)    # 4 KiB blocks, discard=ignore
    c0 = Controller("c0", "nvmetk-dm")
    c0.ns(1, d1, 512, discard=True)
    c0.ns(2, d2, 4096)
    with Machine(name, nvme=False, qemu_args=controllers([c0]), timeout=400) as m:
        m.expect_prompt()
        ok(m, "id-ctrl", r"\noncs +: 0x15d\n")

        # trim with discard=unmap: zeros in the shell and in the image
        ok(m, "write -s 1000 --count 64 --pattern random --seed 3", r"write: Success")
        d1.write_pattern(1000, 64, 512, "random", seed=3)
        ok(m, "trim -s 1008 --count 16",
           r"trim: Success: deallocated nvme0n1 LBA 1008\.\.1023 \(16 blocks, 8 KiB\)\n",
           r"note: deallocated blocks read as zeroes \(DLFEAT 0x01\)")
        zero(d1, 1008, 16, 512, "trim")
        ok(m, "read -s 1008 --count 16 --check zero", r"matches byte 0x00")
        ok(m, "read -s 1000 --count 8 --check random --seed 3", r"matches random seed 3")
        ok(m, "read -s 1024 --count 40 --check random --seed 3", r"matches random seed 3")
        # dsm with several ranges, deallocate
        ok(m, "dsm -s 2000,2100,2200 -b 8,4,1 --ad",
           r"dsm: Success: nvme0n1, 3 ranges, 13 blocks, attributes: AD \(deallocate\)",
           r"dsm: deallocated nvme0n1 LBA 2000\.\.2007, LBA 2100\.\.2103, LBA 2200\.\.2200\r?\n")
        zero(d1, 2000, 8, 512, "dsm 1")
        zero(d1, 2100, 4, 512, "dsm 2")
        zero(d1, 2200, 1, 512, "dsm 3")
        ok(m, "read -s 2000 --count 8 --check zero", r"matches")
        ok(m, "read -s 2100 --count 4 --check zero", r"matches")
        ok(m, "dsm -s 2300 -b 4 --idr --idw", r"attributes: IDR IDW")   # hints only: no change
        # trim with the default discard=ignore: the old data stays (documented)
        ok(m, "write nvme0n2 -s 10 --count 8 --pattern 0x77", r"write: Success")
        d2.write_pattern(10, 8, 4096, "byte", byte=0x77)
        ok(m, "trim nvme0n2 -s 12 --count 2", r"trim: Success: deallocated nvme0n2 LBA 12\.\.13 \(2 blocks, 8 KiB\)")
        ok(m, "read nvme0n2 -s 10 --count 8 --check 0x77", r"matches byte 0x77")

        # write-zeroes: zero in range, neighbours unchanged
        ok(m, "write -s 2990 --count 120 --pattern inc", r"write: Success")
        d1.write_pattern(2990, 120, 512, "inc")
        ok(m, "write-zeroes -s 3000 --count 100",
           r"write-zeroes: Success: nvme0n1 LBA 3000\.\.3099 \(100 blocks, 50 KiB\)")
        zero(d1, 3000, 100, 512, "write-zeroes")
        ok(m, "read -s 3000 --count 100 --check zero", r"matches")
        ok(m, "read -s 2990 --count 10 --check inc", r"matches")
        ok(m, "read -s 3100 --count 10 --check inc", r"matches")
        ok(m, "write-zeroes nvme0n2 -s 100 -c 4 --deac", r"nvme0n2 LBA 100\.\.104 \(5 blocks, 20 KiB\), DEAC")
        zero(d2, 100, 5, 4096, "write-zeroes --deac")

        # compare: match, mismatch (status 3 in test nvme-compare-status)
        ok(m, "compare -s 1000 --count 8 --pattern random --seed 3",
           r"compare: Success: nvme0n1 LBA 1000\.\.1007 \(8 blocks, 4 KiB\), matches random seed 3")
        out = m.run("compare -s 1000 --count 8 --pattern random --seed 4")
        assert "error:" not in out, out
        assert re.search(r"^compare: MISMATCH \(Compare Failure, SCT 2h SC 85h\): nvme0n1 LBA 1000\.\.1007 "
                         r"differs from random seed 4\n", out, re.M), out
        assert re.search(r"first difference \(read back\): LBA 1000, byte 0 ", out), out
        # the raw status the driver kept: QEMU's Compare Failure has DNR clear
        assert re.search(r"^device status: 0285h: Compare Failure \(SCT 2h SC 85h\) \(the Compare command of LBA "
                         r"1000\.\.1007\)$", out, re.M), out
        # across 1 MiB chunks (progress bar); a mismatch in the second chunk
        ok(m, "write -s 4000 --count 3000 --pattern random --seed 9", r"write: Success")
        d1.write_pattern(4000, 3000, 512, "random", seed=9)
        ok(m, "compare -s 4000 --count 3000 --pattern random --seed 9",
           r"compare nvme0n1 \[#+\] 100% \(3000/3000\)", r"compare: Success: .*matches random seed 9")
        ok(m, "write -s 6500 --pattern 0x42", r"write: Success")
        d1.write_pattern(6500, 1, 512, "byte", byte=0x42)
        out = m.run("compare -s 4000 --count 3000 --pattern random --seed 9")
        assert re.search(r"compare: MISMATCH \(Compare Failure, SCT 2h SC 85h\): nvme0n1 LBA 6048\.\.6999 "
                         r"differs from random seed 9\n", out), out
        assert re.search(r"first difference \(read back\): LBA 6500, byte 0 \(namespace offset 0x32c800\): "
                         r"expected 0x[0-9a-f]{2}, got 0x42;", out), out
        assert "2048 of 3000 blocks matched before that command" in out, out
        # in the second half of the first 1 MiB chunk: the driver split it at
        # the 512 KiB max transfer and names the Compare command that failed
        ok(m, "write -s 5500 --pattern 0x43", r"write: Success")
        d1.write_pattern(5500, 1, 512, "byte", byte=0x43)
        out = m.run("compare -s 4000 --count 3000 --pattern random --seed 9")
        assert re.search(r"compare: MISMATCH \(Compare Failure, SCT 2h SC 85h\): nvme0n1 LBA 5024\.\.6047 "
                         r"differs from random seed 9\n", out), out
        assert re.search(r"device status: 0285h: .*\(the Compare command of LBA 5024\.\.6047\)\n", out), out
        assert re.search(r"first difference \(read back\): LBA 5500, byte 0 .*got 0x43; \d+ bytes differ in LBA "
                         r"5024\.\.6047\n", out), out
        assert "1024 of 3000 blocks matched before that command" in out, out

        # verify (ONCS bit 7 is clear; the effects log lists it). QEMU 7.2
        # answers Identify CNS 06h with VSL 7 (512 KiB) and refuses a larger
        # Verify with Invalid Field: the driver reads VSL and splits there.
        out = ok(m, "nvm-id-ctrl", r"NVMe Identify Controller NVM:\n",
                 r"\nvsl +: 7 \(Verify Size Limit: 512 KiB\)\n", r"\nwzsl +: 0 \(Write Zeroes Size Limit: none\)\n",
                 r"\nwusl +: 0 ", r"\ndmrl +: 0 ", r"\ndmrsl +: [1-9]\d* \(blocks per deallocated range\)\n",
                 r"\ndmsl +: 0 ",
                 r"\ndriver: nvme0n1: Verify in commands of up to 1024 blocks, Write Zeroes up to 65536 blocks "
                 r"\(of 512 B\)\n",
                 r"\ndriver: nvme0n2: Verify in commands of up to 128 blocks, Write Zeroes up to 65536 blocks "
                 r"\(of 4096 B\)\n")
        fields = re.findall(r"\n(vsl|wzsl|wusl|dmrl|dmrsl|dmsl) +: (\d+)", out)
        print("# QEMU CNS 06h: " + " ".join("%s=%s" % f for f in fields), flush=True)
        ok(m, "verify -s 0 --count 32768",
           r"verify: Success: nvme0n1 LBA 0\.\.32767 \(32768 blocks, 16 MiB\), the device read and checked them")
        ok(m, "verify nvme0n2 -s 0 --count 2048", r"verify: Success: nvme0n2 LBA 0\.\.2047 \(2048 blocks, 8 MiB\)")
        ok(m, "verify nvme0n2 -s 5 -c 9 -f", r"verify: Success: nvme0n2 LBA 5\.\.14 .*\(FUA\)")
        # write-zeroes: WZSL 0 (no limit), 8 MiB in one command
        ok(m, "write-zeroes -s 16384 --count 16384 --yes",
           r"write-zeroes: Success: nvme0n1 LBA 16384\.\.32767 \(16384 blocks, 8 MiB\)")
        zero(d1, 16384, 16384, 512, "write-zeroes 8 MiB")
        ok(m, "flush", r"NVMe Flush: success \(nvme0n1\)")

        # SMART counters: 2000 blocks = 2000 units of 512 B = 2 data units;
        # 1024 blocks per command (512 KiB max transfer) = 2 commands
        before, _ = smart(m)
        ok(m, "write -s 10000 --count 2000 --pattern 0x5a", r"write: Success")
        d1.write_pattern(10000, 2000, 512, "byte", byte=0x5a)
        mid, _ = smart(m)
        ok(m, "read -s 10000 --count 2000 --check 0x5a", r"matches")
        after, out = smart(m)
        assert mid["data_units_written"] == before["data_units_written"] + 2, (before, mid)
        assert mid["host_write_commands"] == before["host_write_commands"] + 2, (before, mid)
        assert after["data_units_read"] == mid["data_units_read"] + 2, (mid, after)
        assert after["host_read_commands"] == mid["host_read_commands"] + 2, (mid, after)
        assert re.search(r"\ncritical_warning +: 0\n", out), out
        assert re.search(r"\ntemperature +: 50 C \(323 Kelvin\)\n", out), out

        ok(m, "error-log", r"Error Log Entries for device:nvme0 entries:1\n", r"\nerror_count +: 0\n",
           r"\ndecoded +: unused\n")

        # An event while a line is being typed: the temperature threshold set
        # below QEMU's 323 K raises a SMART/health event; the idle poll prints
        # it on a line of its own and redraws the partial input.
        m.sendline("set-feature -f 4 -v 0x100; sleep 500")
        m.expect(r"TMPTH\): 256 K \(-17 C\)")
        m.send("echo hel")
        m.expect(r"\x1b\[Knvme0: event 1: SMART/health: temperature threshold \(log 02h read\): critical "
                 r"warning temperature, 323 K\n" + re.escape(PROMPT) + r"echo hel\x1b\[K", timeout=30)
        m.sendline("lo")
        m.expect(r"\nhello\n")
        m.expect_prompt()
        # once: the driver logs handled events at debug level only
        assert m.text().count("event 1: SMART/health") == 1, m.tail()
        ok(m, "events", r"nvme0: 1 event since boot, \d+ Asynchronous Event Requests? outstanding, 0 lost by the "
           r"driver\n +1 +\d+\.\d{3} s +dw0 00020101 +SMART/health: temperature threshold")
        _, out = smart(m)
        assert re.search(r"\ncritical_warning +: 0x02 \(temperature\)\n", out), out
        ok(m, "set-feature -f 4 -v 343", r"TMPTH\): 343 K \(70 C\)")
        out = ok(m, "echo still quiet", r"still quiet")
        assert "event" not in out, out
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    d1.check()
    d2.check()


@t.case("nvme-compare-status")
def _():
    # Exit statuses through a boot script with set -e: a mismatch is 3
    # (errors are 1, bad arguments 2).
    name = "nvme-compare-status"
    disk = Disk(os.path.join(OUT, name), "ns1", 4 << 20, seed=63)
    c0 = Controller("c0", "nvmetk-cmp")
    c0.ns(1, disk)
    script = ("write -s 40 --count 4 --pattern 0x11; compare -s 40 --count 4 --pattern 0x11; set -e; "
              "compare -s 40 --count 4 --pattern 0x12; echo never")
    with Machine(name, nvme=False, qemu_args=controllers([c0]), script=script) as m:
        m.expect(r"compare: Success: nvme0n1 LBA 40\.\.43")
        m.expect(r"compare: MISMATCH \(Compare Failure, SCT 2h SC 85h\): nvme0n1 LBA 40\.\.43 differs from byte 0x12")
        m.expect(r"boot script failed: exit 3")
        assert m.wait_exit() == 3
        assert "run> echo never" not in m.text()
    disk.write_pattern(40, 4, 512, "byte", byte=0x11)
    disk.check()


t.run()
