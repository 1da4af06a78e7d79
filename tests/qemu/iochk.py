# SPDX-License-Identifier: BSD-2-Clause
"""iochk - the host side of the kernel's `iochk` (kernel/shell_nvme_iochk.c).

Same block format and the same op sequence, so the image a run leaves can
be recomputed from its parameters and compared byte for byte:

    block(lba, seed, gen, bs)   what iochk writes at lba
    final_gens(...)             generation of every block after the random phase
    apply(disk, ...)            record a run's final image in a nvme_disk.Disk

Block: "NVTKIOCK", LBA u64, seed u64, generation u32, CRC32C (Castagnoli) of the
block with its own four bytes as zero, then 64-bit words
splitmix(K, i), K = seed ^ LBA*0xD1B54A32D192ED03 ^ gen*0x8CB92BA72F3D8DD7.
"""
import struct

from nvme_disk import M64, splitmix_word

K_LBA = 0xD1B54A32D192ED03
K_GEN = 0x8CB92BA72F3D8DD7


def _crc_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


_T = _crc_table()


def crc32c(data, crc=0):
    c = crc ^ 0xFFFFFFFF
    t = _T
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def block(lba, seed, gen, bs):
    k = (seed ^ (lba * K_LBA) ^ (gen * K_GEN)) & M64
    payload = b"".join(splitmix_word(k, i).to_bytes(8, "little") for i in range((bs - 32) // 8))
    head = b"NVTKIOCK" + struct.pack("<QQI", lba, seed, gen)
    crc = crc32c(head + b"\0\0\0\0" + payload)
    return head + struct.pack("<I", crc) + payload


def _xs_next(s):
    x = s
    x ^= x >> 12
    x ^= (x << 25) & M64
    x ^= x >> 27
    return x, (x * 0x2545F4914F6CDD1D) & M64


def ops(seed, count, passes=4, max_blocks=8, write_pct=50):
    """The random phase's op sequence: (write, gen, offset, nblk) tuples."""
    rng = (seed * 0x9E3779B97F4A7C15 + 1) & M64 or 1
    k = touched = 0
    maxb = min(max_blocks, count)
    while touched < passes * count:
        rng, r = _xs_next(rng)
        write = (r >> 32) % 100 < write_pct
        rng, r = _xs_next(rng)
        nblk = 1 + r % maxb
        rng, r = _xs_next(rng)
        off = r % (count - nblk + 1)
        yield write, k + 1, off, nblk
        k += 1
        touched += nblk


def final_gens(seed, count, random=True, **kw):
    gens = [0] * count
    if random:
        for write, gen, off, nblk in ops(seed, count, **kw):
            if write:
                gens[off:off + nblk] = [gen] * nblk
    return gens


def image(start, count, bs, seed, gens):
    return b"".join(block(start + i, seed, gens[i], bs) for i in range(count))


def apply(disk, start, count, bs, seed, random=True, **kw):
    """Record in disk what the range must hold after fill (+ random)."""
    gens = final_gens(seed, count, random=random, **kw)
    disk.write(start * bs, image(start, count, bs, seed, gens),
               "iochk %s LBA %d+%d seed 0x%x" % ("random" if random else "fill", start, count, seed))
    return gens


def check_image(path, start, count, bs, seed, gens):
    """Every block of the range in the image file, one by one: None if all
    right, else a message naming the first bad block and why."""
    with open(path, "rb") as f:
        f.seek(start * bs)
        data = f.read(count * bs)
    for i in range(count):
        b = data[i * bs:(i + 1) * bs]
        lba = start + i
        if b[:8] != b"NVTKIOCK":
            return "LBA %d: no iochk header" % lba
        got_lba, got_seed, got_gen, crc = struct.unpack("<QQII", b[8:32])
        if crc32c(b[:28] + b"\0\0\0\0" + b[32:]) != crc:
            return "LBA %d: CRC32C mismatch" % lba
        if got_lba != lba or got_seed != seed:
            return "LBA %d: header names LBA %d seed 0x%x" % (lba, got_lba, got_seed)
        if got_gen != gens[i]:
            return "LBA %d: generation %d, expected %d" % (lba, got_gen, gens[i])
        if b != block(lba, seed, gens[i], bs):
            return "LBA %d: payload differs" % lba
    return None
