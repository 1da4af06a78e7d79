# SPDX-License-Identifier: BSD-2-Clause
"""zns commands through the shell against a simulated zoned namespace
(--ns ...,zone=BYTES): zoned Identify, report zones, zone actions with and
without --select-all (destructive ones ask), zone append read back with
--check, iochk on whole zones, refused writes explained (not at the write
pointer, across a zone boundary) with the image checked from outside:
nothing was written where the refused writes pointed."""
import os

from simtest import Sim, tmpdir

KIB = 1 << 10
ZONE = 32 * KIB          # 64 blocks of 512 bytes


def test_report_and_actions(t):
    r = Sim("--ns", "1M,zone=32k,mar=4,mor=3").run(
        "zns id-ctrl\n"
        "zns id-ns\n"
        "zns report-zones -d 2\n"
        "write -s 0 --count 2 --pattern 0x11 --yes\n"
        "zns open-zone -s 64\n"
        "zns finish-zone -s 128\n"
        "zns report-zones -d 3\n"
        "zns report-zones -S full\n"
        "zns close-zone --select-all\n"
        "zns report-zones -S closed -p -d 1\n"
        "zns reset-zone -s 0\n"
        "no\n"
        "zns reset-zone --select-all --yes\n"
        "zns report-zones -d 3\n"
        "zns open-zone -s 5\n"
        "zns open-zone -s 0 -a\n")
    t.clean(r)
    t.has(r, r"^cc\.css : 6 \(all I/O command sets\)", "CC.CSS")
    t.has(r, r"^zasl   : 0 ", "ZASL")
    t.has(r, r"^mar    : 3 \(4 active zones at most\)", "MAR")
    t.has(r, r"^mor    : 2 \(3 open zones at most\)", "MOR")
    t.has(r, r"^zones  : 32 of 64 blocks", "zone count")
    t.has(r, r"^nr_zones: 32$", "report header")
    t.has(r, r"^SLBA: 0x0 +WP: 0x2 +Cap: 0x40 +State: IMP_OPENED", "zone 0 written")
    t.has(r, r"^SLBA: 0x40 +WP: 0x40 +Cap: 0x40 +State: EXP_OPENED", "zone 1 opened")
    t.has(r, r"^SLBA: 0x80 +WP: - +Cap: 0x40 +State: FULL", "zone 2 finished")
    t.has(r, r"^open-zone: Success: nvme0n1 zone 1 \(LBA 64\) is now explicitly open", "open")
    t.has(r, r"^close-zone: Success: nvme0n1 \(select all\)", "close all")
    t.has(r, r"^nr_zones: 1 \(partial: in this report\)\nSLBA: 0x0 +WP: 0x2 .*State: CLOSED", "closed, partial")
    t.has(r, r"reset zone 0 of nvme0n1 \(LBA 0\.\.63\): the data written in it is destroyed", "reset asks")
    t.has(r, r"aborted: nothing was changed", "reset declined")
    t.has(r, r"^reset-zone: Success: nvme0n1 \(select all\)", "reset all")
    t.has(r, r"^SLBA: 0x80 +WP: 0x80 +Cap: 0x40 +State: EMPTY", "full zone reset by select all")
    t.has(r, r"^error: --start-lba 5 is not the start of a zone \(zones of 64 blocks: zone 0 starts at 0\)",
          "not a zone start")
    t.has(r, r"^error: --start-lba and --select-all exclude each other", "both")


def test_append_and_refused_writes(t):
    d = tmpdir()
    img = os.path.join(d, "zns.img")
    if os.path.exists(img):
        os.remove(img)
    r = Sim("--ns", "1M,zone=32k,image=" + img).run(
        "write -s 3 --count 1 --pattern 0xee --yes\n"
        "write -s 64 --count 62 --pattern 0x22 --yes\n"
        "write -s 126 --count 4 --pattern 0xee --yes\n"
        "zns zone-append -s 128 --count 8 --pattern random --seed 7\n"
        "zns zone-append -s 128 --count 4 --pattern random --seed 7\n"
        "read -s 128 --count 12 --check random --seed 7\n"
        "zns zone-append -s 129 --count 1 --pattern 0x1\n"
        "zns finish-zone -s 128\n"
        "zns zone-append -s 128 --count 1 --pattern 0x1\n")
    t.clean(r)
    t.has(r, r"^error: write failed at LBA 3\.\.3: write at LBA 3 is not at zone 0's write pointer \(LBA 0; "
          r"zone empty\) \(Zone Invalid Write", "not at the write pointer")
    t.has(r, r"^error: write failed at LBA 126\.\.129: write of 4 blocks at LBA 126 crosses the end of zone 1 "
          r"\(LBA 64\.\.127, capacity 64 blocks\) \(Zone Boundary Error", "across a zone boundary")
    t.has(r, r"^zone-append: Success: 8 blocks into zone 2 written at LBA 128\.\.135", "append 1")
    t.has(r, r"^zone-append: Success: 4 blocks into zone 2 written at LBA 136\.\.139", "append 2")
    t.has(r, r"^read: Success: nvme0n1 LBA 128\.\.139 .*matches random seed 7", "appended data read back")
    t.has(r, r"^error: -s 129 is not the start of a zone", "append needs a zone start")
    t.has(r, r"^error: zone-append failed: zone append at LBA 128: zone 2 \(LBA 128\) is full \(Zone Is Full\)",
          "append to a full zone")
    with open(img, "rb") as f:
        data = f.read()
    blk = 512
    t.true(data[3 * blk:4 * blk] == bytes(blk), "the write at LBA 3 left nothing")
    t.true(data[64 * blk:126 * blk] == b"\x22" * (62 * blk), "zone 1's written blocks")
    t.true(data[126 * blk:128 * blk] == bytes(2 * blk), "the write across the boundary left nothing in zone 1")
    t.true(b"\xee" * blk not in data[128 * blk:140 * blk], "nor in zone 2 (where the appends went)")
    t.true(data[140 * blk:192 * blk] == bytes(52 * blk), "nothing past the appends")


def test_iochk_zoned(t):
    r = Sim("--ns", "1M,zone=32k").run(
        "iochk --count 256 --seed 3 --yes\n"
        "iochk --phase verify --expect fill --count 256 --seed 3\n"
        "iochk --count 100 --yes\n"
        "iochk --phase random --yes\n")
    t.clean(r)
    t.has(r, r"^fill: 256 blocks written and read back, all right", "zoned fill verified")
    t.has(r, r"^IOCHK phase=fill result=ok dev=nvme0n1 seed=0x3 start=0 count=256", "IOCHK line")
    t.has(r, r"^random: not run: nvme0n1 is zoned", "random phase skipped")
    t.has(r, r"^verify \(expecting the fill state\): 256 blocks all right", "verify again")
    t.has(r, r"^error: nvme0n1 is zoned \(zones of 64 blocks\): --start and --count must cover whole zones",
          "partial zones refused")
    t.has(r, r"^error: --phase random overwrites blocks: nvme0n1 is zoned", "random refused")
