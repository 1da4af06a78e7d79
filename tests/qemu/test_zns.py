# SPDX-License-Identifier: BSD-2-Clause
"""A zoned namespace of QEMU 7.2 (-device nvme-ns,...,zoned=true): the
driver enables all I/O command sets (CC.CSS 6), reads the namespace's CSI
and Zoned Identify data; report zones, writes at the write pointer, Zone
Append (the LBA the device returns), reset, finish, iochk on whole zones;
a write not at the write pointer and a write across a zone boundary are
refused with the zone named; the raw image is checked on the host: every
accepted write is there, the refused ones left nothing, the reset zone
reads zeros (QEMU writes zeros on reset), nothing else changed."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, ok, bad
import iochk

t = TestFile()

BS = 512
ZONE_BLOCKS = 2048          # zoned.zone_size=1M
NZONES = 8


def refused(m, cmd, error):
    """A command the device refuses: its error line matches `error` (the
    partition-area note may come first) and the shell answers afterwards."""
    out = m.run(cmd)
    assert re.search(error, out, re.M), "%r: no %r in:\n%s" % (cmd, error, out)
    ok(m, "version")


@t.case("zns")
def _():
    name = "zns"
    disk = Disk(os.path.join(OUT, name), "zns", NZONES * ZONE_BLOCKS * BS, seed=None)
    c0 = Controller("c0", "nvmetk-zns")
    c0.ns(1, disk, BS, extra="zoned=true,zoned.zone_size=1M,zoned.max_open=4,zoned.max_active=6")
    with Machine(name, nvme=False, qemu_args=controllers([c0]), timeout=300) as m:
        m.expect_prompt(timeout=120)
        ok(m, "zns id-ctrl", r"cc\.css : 6 \(all I/O command sets\)", r"zasl   : 0 ")
        ok(m, "zns id-ns", r"mar    : 5 \(6 active zones at most\)", r"mor    : 3 \(4 open zones at most\)",
           r"zones  : 8 of 2048 blocks \(512 bytes each\)", r"lbafe  0: zsze:0x800 zdes:0 \(in use\)")
        out = ok(m, "zns report-zones", r"nr_zones: 8\n")
        assert out.count("State: EMPTY") == NZONES, out
        # zone 0: a write at the write pointer, then one that is not
        ok(m, "write -s 0 --count 16 --pattern random --seed 1 --yes", r"write: Success: nvme0n1 LBA 0\.\.15")
        disk.write_pattern(0, 16, BS, "random", seed=1)
        refused(m, "write -s 3 --count 1 --pattern 0xee --yes",
            r"^error: write failed at LBA 3\.\.3: write at LBA 3 is not at zone 0's write pointer \(LBA 16; "
            r"zone implicitly open\) \(Zone Invalid Write")
        # zone 1 up to two blocks before its end, then a write into zone 2
        ok(m, "write -s 2048 --count 2046 --pattern inc", r"write: Success: nvme0n1 LBA 2048\.\.4093")
        disk.write_pattern(2048, 2046, BS, "inc")
        refused(m, "write -s 4094 --count 4 --pattern 0xee",
            r"^error: write failed at LBA 4094\.\.4097: write of 4 blocks at LBA 4094 crosses the end of zone 1 "
            r"\(LBA 2048\.\.4095, capacity 2048 blocks\) \(Zone Boundary Error")
        # zone 2: appends; the device says where they went
        ok(m, "zns zone-append -s 4096 --count 8 --pattern random --seed 9",
           r"zone-append: Success: 8 blocks into zone 2 written at LBA 4096\.\.4103")
        disk.write_pattern(4096, 8, BS, "random", seed=9)
        ok(m, "zns zone-append -s 4096 --count 4 --pattern random --seed 9",
           r"zone-append: Success: 4 blocks into zone 2 written at LBA 4104\.\.4107")
        disk.write_pattern(4104, 4, BS, "random", seed=9)
        ok(m, "read -s 4096 --count 12 --check random --seed 9", r"matches random seed 9")
        out = ok(m, "zns report-zones -d 3")
        assert "SLBA: 0x0          WP: 0x10         Cap: 0x800    State: IMP_OPENED" in out, out
        assert "SLBA: 0x800        WP: 0xffe        Cap: 0x800    State: IMP_OPENED" in out, out
        assert "SLBA: 0x1000       WP: 0x100c       Cap: 0x800    State: IMP_OPENED" in out, out
        ok(m, "zns report-zones -S implicitly-open -p", r"nr_zones: 3 \(partial")
        # finish zone 1: full, refuses the two blocks left
        ok(m, "zns finish-zone -s 2048", r"finish-zone: Success: nvme0n1 zone 1 \(LBA 2048\) is now full")
        refused(m, "write -s 4094 --count 2 --pattern 0xee",
            r"^error: write failed at LBA 4094\.\.4095: write at LBA 4094: zone 1 \(LBA 2048\) is full "
            r"\(Zone Is Full\)")
        refused(m, "zns zone-append -s 2048 --count 1 --pattern 0xee",
            r"^error: zone-append failed: zone append at LBA 2048: zone 1 \(LBA 2048\) is full")
        # reset zone 0 (asks; QEMU zeroes the zone), then write it again
        m.sendline("zns reset-zone -s 0")
        m.expect(r"reset zone 0 of nvme0n1 \(LBA 0\.\.2047\): the data written in it is destroyed")
        m.expect(re.escape("Continue? [type 'yes' to continue]: "))
        ok(m, "yes", r"reset-zone: Success: nvme0n1 zone 0 \(LBA 0\) is now empty")
        disk.write(0, bytes(ZONE_BLOCKS * BS), "reset zone 0")
        ok(m, "read -s 0 --count 16 --check 0", r"matches")
        ok(m, "write -s 0 --count 2 --pattern 0x5a --yes", r"write: Success")
        disk.write_pattern(0, 2, BS, "byte", byte=0x5a)
        # explicit open / close, select all
        ok(m, "zns open-zone -s 6144", r"is now explicitly open")
        ok(m, "zns close-zone --select-all", r"close-zone: Success: nvme0n1 \(select all\)")
        out = ok(m, "zns report-zones -S closed")
        # zones 0, 2 and 3: closing an opened zone with nothing written leaves it closed (active)
        assert out.count("State: CLOSED") == 3, out
        bad(m, "zns open-zone -s 100", r"^error: --start-lba 100 is not the start of a zone")
        # iochk on zones 4 and 5: reset, Zone Append fill, verify
        seed = 0x2E5
        out = ok(m, "iochk --start 8192 --count 4096 --seed 0x%x --yes" % seed,
                 r"fill: 4096 blocks written and read back, all right", r"random: not run: nvme0n1 is zoned",
                 timeout=240)
        iochk.apply(disk, 8192, 4096, BS, seed, random=False)
        bad(m, "iochk --start 8192 --count 100 --yes", r"must cover whole zones")
        ok(m, "flush", r"success")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()


t.run()
