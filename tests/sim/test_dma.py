# SPDX-License-Identifier: BSD-2-Clause
"""The shell's bulk data paths on the physical-segment API (issue 15): read,
write and iochk hand the driver their DMA buffers by bus address
(nvme_read_phys/nvme_write_phys(_async), kernel/shell/nvme/shell_nvme_dma.c),
split at the max transfer, and the data is right; `queues` counts the
commands sent that way and the calls that went through virt_to_phys."""
import re

from simtest import Sim


def counts(r):
    """(by bus address, through virt_to_phys) from the last `queues`."""
    m = re.findall(r"^shell data \(all controllers\): (\d+) commands by bus address, (\d+) calls through "
                   r"virt_to_phys$", r.out, re.M)
    return tuple(int(x) for x in m[-1]) if m else None


def test_read_write_by_bus_address(t):
    # MDTS 3: 32 KiB per command, so 301 blocks of 512 B are 5 commands each way
    r = Sim("--ns", "4M", "--mdts", "3").run(
        "queues\nwrite -s 7 -c 300 --pattern 0x5a --yes\nread -s 7 -c 300 --check 0x5a\nqueues\n")
    t.clean(r)
    t.has(r, r"^write: Success: nvme0n1 LBA 7\.\.307 \(301 blocks", "write")
    t.has(r, r"^read: Success: nvme0n1 LBA 7\.\.307 \(301 blocks, 150\.5 KiB\), matches byte 0x5a", "read checks")
    t.eq(counts(r), (10, 0), "(bus-address commands, virt_to_phys calls) after write + read of 301 blocks")
    t.has(r, r"^    1 io +256 +0 +10 +10 +0 ", "the I/O queue saw the 10 commands")


def test_read_4k_blocks_and_image(t):
    # a 4 KiB-block namespace: the image file holds what the shell wrote
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "ns1.img")
        r = Sim("--ns", "2M,lba=4096,image=%s" % img).run(
            "write -s 2 -c 3 --pattern 0xc3 --yes\nread -s 0 -c 6\nqueues\n")
        t.clean(r)
        t.has(r, r"^write: Success: nvme0n1 LBA 2\.\.5 \(4 blocks, 16 KiB\)", "write 4 blocks of 4 KiB")
        t.eq(counts(r), (2, 0), "one write and one read command, both by bus address")
        if os.path.exists(img):
            with open(img, "rb") as f:
                data = f.read()
            t.eq(data[2 * 4096:6 * 4096], b"\xc3" * 16384, "image blocks 2..5 hold the pattern")
            t.eq(data[6 * 4096:7 * 4096].count(b"\xc3"), 0, "block 6 untouched")
        else:
            t.fail("the image file %s was not created" % img)


def test_iochk_async_by_bus_address(t):
    r = Sim("--ns", "4M", "--mdts", "2").run("iochk --count 1500 --qd 8 --seed 7 --yes\nqueues\n")
    t.clean(r)
    for phase in ("fill", "random", "verify"):
        t.has(r, r"^IOCHK phase=%s result=ok " % phase, "iochk %s ok" % phase)
    c = counts(r)
    t.true(c is not None and c[0] > 100 and c[1] == 0,
           "iochk's commands all went by bus address (%s)" % (c,))
