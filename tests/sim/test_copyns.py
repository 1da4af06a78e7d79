# SPDX-License-Identifier: BSD-2-Clause
"""copy, create-ns, attach-ns, detach-ns, delete-ns, list-ctrl and list-ns
through the shell against the simulated controller (--copy, --ns-mgmt):
copies checked block by block in the image file from outside, every Copy
limit exceeded (a clear error, nothing written), a namespace created,
attached, written, read back, detached and deleted, the controller's
refusals, and the commands refused where OACS bit 3 / ONCS bit 8 are clear."""
import os

from simtest import Sim, tmpdir

MIB = 1 << 20
BS = 512


def blocks(data, lba, n):
    return data[lba * BS:(lba + n) * BS]


def test_copy_checked_from_image(t):
    d = tmpdir()
    img = os.path.join(d, "ns1.img")
    r = Sim("--ns", "1M,image=" + img, "--copy", "64,256,3").run(
        "write -s 40 --count 16 --pattern random --seed 3\n"
        "copy -d 1000 -s 40,50,44 --count 4,6,2 --yes\n"
        "copy -d 1100 -s 40 -b 63 --yes\n"
        "id-ns\n")
    t.clean(r)
    t.has(r, r"this will copy 3 ranges over nvme0n1 LBA 1000\.\.1011 \(12 blocks, 6 KiB\): the data there is "
          r"overwritten", "what it overwrites")
    t.has(r, r"^copy: Success: nvme0n1, 3 ranges, 12 blocks to nvme0n1 LBA 1000\.\.1011", "success")
    t.has(r, r"^copy: Success: nvme0n1, 1 range, 64 blocks to nvme0n1 LBA 1100\.\.1163", "-b is 0's based")
    t.has(r, r"^mssrl\s*: 64$", "id-ns MSSRL")
    t.has(r, r"^mcl\s*: 256$", "id-ns MCL")
    t.has(r, r"^msrc\s*: 3$", "id-ns MSRC")
    with open(img, "rb") as f:
        data = f.read()
    want = blocks(data, 40, 4) + blocks(data, 50, 6) + blocks(data, 44, 2)
    t.true(blocks(data, 40, 16).count(0) < 16 * BS // 2, "the source was written")
    t.true(blocks(data, 1000, 12) == want, "the three ranges landed at LBA 1000 in order")
    t.true(blocks(data, 999, 1) == bytes(BS) and blocks(data, 1012, 1) == bytes(BS), "neighbours untouched")
    t.true(blocks(data, 1100, 64) == blocks(data, 40, 64), "64 blocks copied to LBA 1100")


def test_copy_limits(t):
    d = tmpdir()
    img = os.path.join(d, "ns1.img")
    r = Sim("--ns", "1M,image=" + img, "--copy", "8,20,1").run(
        "write -s 40 --count 32 --pattern 0x5a\n"
        "copy -d 500 -s 40 --count 9 --yes\n"
        "copy -d 500 -s 40,50,60 --count 1,1,1 --yes\n"
        "copy -d 500 -s 40,50 --count 8,8 --yes\n"
        "copy -d 2047 -s 40 --count 2 --yes\n"
        "copy -d 500 -s 40 --count 1 -F 1 --yes\n")
    t.clean(r, status=None)
    t.has(r, r"^error: Copy: range 1 has 9 blocks, nvme0n1 takes 8 per range \(MSSRL\); --force sends it anyway",
          "MSSRL")
    t.has(r, r"^error: Copy: 3 ranges, nvme0n1 takes 2 \(MSRC 1\); --force sends it anyway", "MSRC")
    t.has(r, r"^copy: Success: nvme0n1, 2 ranges, 16 blocks to nvme0n1 LBA 500\.\.515", "16 of MCL 20 fits")
    t.has(r, r"^error: destination LBA 2047 \+ 2 blocks is outside nvme0n1", "destination past the end")
    t.has(r, r"^error: Copy: descriptor format 1 does not fit nvme0n1 \(it takes format 0\)", "format 1 refused")
    with open(img, "rb") as f:
        data = f.read()
    t.true(blocks(data, 500, 16) == blocks(data, 40, 8) + blocks(data, 50, 8), "the copy that fit")
    t.true(blocks(data, 516, 100) == bytes(100 * BS), "nothing else written")
    r = Sim("--ns", "1M,image=" + img, "--copy", "8,10,1").run(
        "copy -d 700 -s 40,50 --count 8,8 --yes\n"
        "copy -d 700 -s 40,50 --count 8,8 --yes --force\n")
    t.clean(r, status=None)
    t.has(r, r"^error: Copy: 16 blocks in all, nvme0n1 takes 10 per command \(MCL\); --force sends it anyway",
          "MCL")
    t.has(r, r"^error: copy failed: Command Size Limit Exceeded \(SCT 1h SC 83h, DNR\)",
          "forced: the controller's own refusal")
    with open(img, "rb") as f:
        data = f.read()
    t.true(blocks(data, 700, 16) == bytes(16 * BS), "nothing written by the refused copies")


def test_copy_not_offered(t):
    r = Sim("--ns", "1M").run("copy -d 10 -s 0 --count 1 --yes\n")
    t.clean(r, status=None)
    t.has(r, r"^error: Copy: not supported by this controller: ONCS bit 8 \(Copy\) is clear", "ONCS bit 8 named")
    r = Sim("--ns", "1M", "--copy", "0,0,0").run("copy -d 10 -s 0 --count 1 --yes\n")
    t.clean(r, status=None)
    t.has(r, r"^error: Copy: nvme0n1 allows no copy \(MSSRL 0, MCL 0\)", "limits 0 (QEMU without nvme-ns)")


def test_nsmgmt_cycle(t):
    r = Sim("--ns", "1M", "--ns-mgmt", "64M,nn=8").run(
        "list-ctrl\n"
        "create-ns -s 2048 -b 4096\n"
        "list-ns --all\n"
        "list-ns\n"
        "attach-ns -n 2\n"
        "list\n"
        "list-ctrl -n 2\n"
        "write nvme0n2 -s 5 --count 3 --pattern random --seed 9\n"
        "read nvme0n2 -s 5 --count 3 --check random --seed 9\n"
        "detach-ns -n 2 --yes\n"
        "list-ns -a\n"
        "attach-ns -n 2\n"
        "read nvme0n2 -s 5 --count 3 --check random --seed 9\n"
        "delete-ns -n 2 --yes\n"
        "list-ns -a\n"
        "list\n")
    t.clean(r)
    t.has(r, r"^num of ctrls present: 3\n\[   0\]:0x1\n\[   1\]:0x2\n\[   2\]:0x3\n\(this controller: 0x1\)",
          "the subsystem's controllers")
    t.has(r, r"^create-ns: Success, created nsid:2 \(not attached yet", "created")
    t.has(r, r"^\[   1\]:0x2 \(not attached here\)", "allocated, not attached")
    t.has(r, r"^attach-ns: Success, nsid:2 \(this controller \(0x1\)\); nvme0 has 2 namespaces now", "attached")
    t.has(r, r"^nvme0n2 ", "listed after attach")
    t.has(r, r"^nvmetk> list-ctrl -n 2\nnum of ctrls present: 1\n\[   0\]:0x1", "namespace 2's controllers")
    t.has(r, r"this will detach namespace 2 from this controller \(0x1\): it disappears", "detach says what")
    t.has(r, r"^detach-ns: Success, nsid:2 .* nvme0 has 1 namespace now", "detached")
    t.has(r, r"^read: Success: nvme0n2 LBA 5\.\.7 .*matches random seed 9", "data kept across detach/attach")
    t.has(r, r"this will delete namespace 2 \(8 MiB\): all its data is lost", "delete says what")
    t.has(r, r"^delete-ns: Success, deleted nsid:2; nvme0 has 1 namespace now", "deleted")
    t.lacks(r, r"0x2 \(not attached here\)", "namespace 2 after delete",
            text=r.section(r"^nvmetk> delete-ns", r"^nvmetk> list$"))


def test_nsmgmt_refusals(t):
    r = Sim("--ns", "1M", "--ns-mgmt", "4M,nn=2,others=1").run(
        "create-ns -s 100000\n"
        "create-ns -s 100 -c 50\n"
        "create-ns -s 100 -f 9\n"
        "attach-ns -n 1 -c 2\n"
        "attach-ns -n 1\n"
        "detach-ns -n 1 -c 2 --yes\n"
        "attach-ns -n 1 -c 7\n"
        "create-ns -s 16\n"
        "create-ns -s 16\n"
        "delete-ns -n 1\n"
        "no\n"
        "list\n")
    t.clean(r, status=None)
    t.has(r, r"Namespace Insufficient Capacity \(SCT 1h SC 15h", "capacity")
    t.has(r, r"Thin Provisioning Not Supported \(SCT 1h SC 1bh", "thin provisioning")
    t.has(r, r"Invalid Format \(SCT 1h SC 0ah", "format index")
    t.has(r, r"Namespace Is Private \(SCT 1h SC 19h", "private namespace")
    t.has(r, r"Namespace Already Attached \(SCT 1h SC 18h", "already attached")
    t.has(r, r"Namespace Not Attached \(SCT 1h SC 1ah", "not attached")
    t.has(r, r"Controller List Invalid \(SCT 1h SC 1ch", "unknown controller")
    t.has(r, r"^create-ns: Success, created nsid:2", "NSID 2 is free")
    t.has(r, r"Namespace Identifier Unavailable \(SCT 1h SC 16h", "NN reached")
    t.has(r, r"^aborted: nothing was changed", "delete-ns without yes")
    t.has(r, r"^nvme0n1 ", "namespace 1 still there")


def test_nsmgmt_not_offered(t):
    r = Sim("--ns", "1M").run("create-ns -s 16\nattach-ns -n 1\nlist-ns -a\nlist-ctrl\n")
    t.clean(r, status=None)
    t.has(r, r"^error: Namespace Management: not supported by this controller: OACS bit 3", "create refused")
    t.has(r, r"^error: Namespace Attachment: not supported by this controller: OACS bit 3", "attach refused")
    t.has(r, r"^error: Identify CNS 10h \(allocated namespaces\) failed: Invalid Field in Command",
          "the allocated list: the controller's answer")


def test_bad_command_lines(t):
    r = Sim("--ns", "1M", "--copy", "8,20,1", "--ns-mgmt", "4M").run(
        "copy -s 0 --count 1\n"
        "copy -d 10 --count 1\n"
        "copy -d 10 -s 0\n"
        "copy -d 10 -s 0,1 --count 1\n"
        "copy -d 10 -s 0 --count 1 -b 0\n"
        "copy -d 10 -s 5000 --count 1\n"
        "attach-ns\n"
        "detach-ns -n 0\n"
        "create-ns\n"
        "create-ns -s 10 -c 11\n"
        "create-ns -s 10 -b 1000\n"
        "list-ns --bogus\n"
        "help copy\n")
    t.clean(r, status=None)
    t.has(r, r"^error: missing -d/--sdlba", "no destination")
    t.has(r, r"^error: missing -s/--slbs", "no sources")
    t.has(r, r"^error: give the range lengths with -b/--blocks", "no lengths")
    t.has(r, r"^error: --slbs has 2 entries, --count 1", "lists differ")
    t.has(r, r"^error: range 1: LBA 5000 \+ 1 blocks is outside nvme0n1", "source outside")
    t.has(r, r"^error: missing -n/--namespace-id NSID", "no NSID")
    t.has(r, r"^error: --namespace-id 0 is not a namespace", "NSID 0")
    t.has(r, r"^error: missing -s/--nsze", "no size")
    t.has(r, r"^error: --ncap 11 is above --nsze 10", "ncap above nsze")
    t.has(r, r"^error: --block-size 1000: no LBA format of that size", "unknown block size")
    t.has(r, r"^usage: list-ns ", "bad option")
    t.has(r, r"-d/--sdlba first destination block", "help text")
