# SPDX-License-Identifier: BSD-2-Clause
"""format through the shell against the simulated controller: to another
block size and to metadata formats, the image file checked from outside
(the block size really changed, the data was erased), a PI type the
format cannot hold refused (tests/sim/test_pi.py: formats with PI), progress
with a duration."""
import os

from simtest import Sim, make_image, read_fmt, tmpdir

MIB = 1 << 20


def test_to_4k_then_io(t):
    d = tmpdir()
    img = os.path.join(d, "ns1.img")
    make_image(img, MIB, 0x77)
    r = Sim("--ns", "image=" + img, "--format-ms", "200").run(
        "format -l 1 --yes\n"
        "list\n"
        "write -s 1 --count 2 --pattern 0x5a --yes\n"
        "read -s 1 --count 2 --check 0x5a\n")
    t.clean(r)
    t.has(r, r"to LBA format 1 \(4096 B data \+ 0 B metadata\).*ALL DATA ON nvme0n1 IS LOST", "what it destroys")
    t.has(r, r"^format: Success in \d+ ms; namespaces re-read:", "success")
    t.has(r, r"^nvme0n1: LBA format 1 \(4096 B data \+ 0 B metadata\), 256 blocks = 1 MiB", "re-read namespace")
    t.has(r, r"^nvme0n1 .* 4 KiB \+  0 B", "list shows 4 KiB blocks")
    t.has(r, r"^read: Success: nvme0n1 LBA 1\.\.2", "I/O at 4 KiB")
    t.has(r, r"^sim: nvme0n1 written to .*: 256 blocks x 4096 B$", "image written")
    fmt = read_fmt(img)
    t.eq((fmt["lba_size"], fmt["ms"], fmt["blocks"]), (4096, 0, 256), "image format after the format")
    with open(img, "rb") as f:
        data = f.read()
    t.eq(len(data), MIB, "image size")
    t.true(data[:4096] == bytes(4096), "block 0 not erased by the format")
    t.true(data[4096:3 * 4096].count(0) < 4096, "blocks 1..2 hold no written data")
    t.true(data[3 * 4096:] == bytes(MIB - 3 * 4096), "blocks after 2 not erased")


def test_metadata_formats(t):
    d = tmpdir()
    img = os.path.join(d, "ns1.img")
    r = Sim("--ns", "1M,image=" + img).run("format -l 3 --yes\nid-ns\nformat -l 2 -m 1 --yes\nlist\n")
    t.clean(r)
    t.has(r, r"^note: LBA format 3 has 8 bytes of metadata per block", "the metadata note")
    t.has(r, r"^nvme0n1: LBA format 3 \(4096 B data \+ 8 B metadata\), 256 blocks", "4096+8")
    t.has(r, r"^lbaf  3 : ms:8   lbads:12 rp:0 \(in use\)", "id-ns in use")
    t.has(r, r"metadata in extended LBAs", "-m 1 named")
    t.has(r, r"^nvme0n1: LBA format 2 \(512 B data \+ 8 B metadata\), 2048 blocks", "512+8")
    fmt = read_fmt(img)
    t.eq((fmt["lba_size"], fmt["ms"]), (512, 8), "image format")


def test_pi_format_too_small(t):
    # type 1 PI needs 8 metadata bytes: format 0 (512 + 0) cannot hold it
    r = Sim("--ns", "1M,ms=8").run("format -l 0 -i 1 --yes\n")
    t.clean(r)
    t.has(r, r"PI 1: ALL DATA", "PI named in the question")
    t.has(r, r"^error: format failed: Invalid Format \(SCT 1h SC 0ah, DNR\)", "refused")
    t.has(r, r"^namespaces as re-read after the failure:", "re-read")


def test_invalid_lbaf(t):
    r = Sim().run("format -l 9 --yes\n")
    t.clean(r)
    t.has(r, r"^error: --lbaf 9 is out of range: nvme0n1 has LBA formats 0\.\.3", "bad LBA format index refused")
    t.has(r, r"^usage: format ", "usage line")
