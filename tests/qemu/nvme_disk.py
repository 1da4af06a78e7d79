# SPDX-License-Identifier: BSD-2-Clause
"""nvme_disk - disk images for the NVMe QEMU tests and host-side checks.

A Disk is a raw image file with known initial content (a seeded random
background, or zeros) plus an in-memory copy of what the file must contain
after the run: the tests record every write the kernel is asked to do
(Disk.write_pattern) and, after QEMU has exited, Disk.check() compares the file
byte for byte: the written ranges must hold the regenerated pattern at the
right offsets and every other byte must be unchanged.

The patterns are the kernel's (kernel/nvme_pattern.h), functions of the byte's
offset o in the namespace and a seed:

    byte V   every byte V
    inc      (o + seed) mod 256
    random   splitmix64 per 8-byte word w = o // 8, little endian:
               z = seed + (w + 1) * 0x9E3779B97F4A7C15        (mod 2**64)
               z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
               z = (z ^ (z >> 27)) * 0x94D049BB133111EB
               z ^= z >> 31
    data     hex bytes repeated from the first byte of the write's range

QEMU wiring: controllers() builds the -device nvme / nvme-ns / -drive
arguments for a list of Controller objects, e.g.

    c0 = Controller("c0", "serial0", mdts=2)
    c0.ns(1, Disk(workdir, "ns1", 16 << 20), lba_size=4096)
    qemu_args = controllers([c0])
"""
import os
import random

M64 = (1 << 64) - 1
PARTITION_AREA = 34 * 512


def splitmix_word(seed, w):
    z = (seed + (w + 1) * 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


_INC = bytes(range(256))


def pattern(kind, off, n, seed=0, byte=0, data=None, start=0):
    """Bytes of a pattern for namespace offsets off..off+n-1."""
    if kind == "byte":
        return bytes([byte]) * n
    if kind == "inc":
        k = (off + seed) % 256
        rep = _INC * (n // 256 + 2)
        return rep[k:k + n]
    if kind == "random":
        w0, w1 = off // 8, (off + n + 7) // 8
        b = b"".join(splitmix_word(seed, w).to_bytes(8, "little") for w in range(w0, w1))
        return b[off - w0 * 8:off - w0 * 8 + n]
    if kind == "data":
        k = (off - start) % len(data)
        rep = data * (n // len(data) + 2)
        return rep[k:k + n]
    raise ValueError(kind)


def hexdump_c(data, base):
    """What `read --dump` prints: hexdump -C of data at namespace offset base."""
    out, prev, starred = [], None, False
    for i in range(0, len(data), 16):
        line = data[i:i + 16]
        if len(line) == 16 and line == prev:
            if not starred:
                out.append("*")
            starred = True
            continue
        starred = False
        hx = " ".join("%02x" % b for b in line[:8])
        if len(line) > 8:
            hx += "  " + " ".join("%02x" % b for b in line[8:])
        txt = "".join(chr(b) if 0x20 <= b < 0x7f else "." for b in line)
        out.append("%08x  %-49s |%s|" % (base + i, hx, txt))
        prev = line if len(line) == 16 else None
    out.append("%08x" % (base + len(data)))
    return "\n".join(out)


class Disk:
    """A raw image with known content; `expected` is what it must hold."""

    def __init__(self, workdir, name, size, seed=1):
        os.makedirs(workdir, exist_ok=True)
        self.path = os.path.join(workdir, name + ".img")
        self.name = name
        self.size = size
        if seed is None:
            self.expected = bytearray(size)
        else:
            # 1 MiB of seeded random data, repeated, each MiB stamped with
            # its index so no two MiB are alike (fast to make, still unique).
            block = random.Random(seed).randbytes(1 << 20)
            self.expected = bytearray(block * ((size + (1 << 20) - 1) >> 20))[:size]
            for i in range(0, size, 1 << 20):
                self.expected[i:i + 8] = (i >> 20).to_bytes(8, "little")
        with open(self.path, "wb") as f:
            f.write(self.expected)
        self.writes = []

    def write(self, off, data, what=""):
        assert off + len(data) <= self.size, "write beyond %s" % self.name
        self.expected[off:off + len(data)] = data
        self.writes.append((off, len(data), what))

    def write_pattern(self, lba, count, lba_size, kind, seed=0, byte=0, data=None):
        """Record that blocks lba..lba+count-1 were written with a pattern."""
        off, n = lba * lba_size, count * lba_size
        self.write(off, pattern(kind, off, n, seed, byte, data, start=off),
                   "%s LBA %d+%d" % (kind, lba, count))

    def read_back(self, off, n):
        with open(self.path, "rb") as f:
            f.seek(off)
            return f.read(n)

    def check(self, keep=False):
        """Raise AssertionError unless the file equals `expected` byte for
        byte. A matching image is deleted (they are 4-64 MiB each) unless
        keep; a differing one stays for a look."""
        with open(self.path, "rb") as f:
            got = f.read()
        if len(got) != self.size:
            raise AssertionError("%s: size %d, expected %d" % (self.name, len(got), self.size))
        if got == self.expected:
            if not keep:
                os.unlink(self.path)
            return
        step = 1 << 16
        i = None
        for s in range(0, self.size, step):
            if got[s:s + step] != self.expected[s:s + step]:
                i = next(k for k in range(s, min(s + step, self.size)) if got[k] != self.expected[k])
                break
        nbad = sum(1 for a, b in zip(got, self.expected) if a != b) if self.size <= (64 << 20) else -1
        inside = [w for w in self.writes if w[0] <= i < w[0] + w[1]]
        raise AssertionError(
            "%s: %d bytes differ from the expected image; first at offset 0x%x (512-byte LBA %d): "
            "expected 0x%02x, got 0x%02x; %s (image kept: %s)" %
            (self.name, nbad, i, i // 512, self.expected[i], got[i],
             ("inside write %s" % (inside[-1][2],)) if inside else "outside every write", self.path))


class Controller:
    """An emulated NVMe controller and its namespaces (nvme-ns devices)."""

    def __init__(self, cid, serial, mdts=None, extra=""):
        self.cid, self.serial, self.mdts, self.extra = cid, serial, mdts, extra
        self.namespaces = []  # (nsid, disk, lba_size, discard, extra)

    def ns(self, nsid, disk, lba_size=512, discard=False, extra=""):
        """extra: more nvme-ns properties, e.g. "ms=8" (metadata)."""
        self.namespaces.append((nsid, disk, lba_size, discard, extra))
        return disk

    def args(self):
        dev = "nvme,id=%s,serial=%s" % (self.cid, self.serial)
        if self.mdts is not None:
            dev += ",mdts=%d" % self.mdts
        if self.extra:
            dev += "," + self.extra
        a = ["-device", dev]
        for nsid, disk, lbs, discard, extra in self.namespaces:
            drv = "%sd%d" % (self.cid, nsid)
            a += ["-drive", "file=%s,format=raw,if=none,id=%s%s" %
                  (disk.path, drv, ",discard=unmap" if discard else "")]
            a += ["-device", "nvme-ns,drive=%s,bus=%s,nsid=%d,logical_block_size=%d,"
                  "physical_block_size=%d%s" % (drv, self.cid, nsid, lbs, lbs,
                                               "," + extra if extra else "")]
        return a


def controllers(ctrls):
    a = []
    for c in ctrls:
        a += c.args()
    return a


# ---------------------------------------------------------------- shell helpers

def ok(m, cmd, *patterns, timeout=120):
    """Run cmd at the prompt; it must print no 'error:' and match every regex."""
    import re
    out = m.run(cmd, timeout=timeout)
    assert "error:" not in out, "%r failed:\n%s" % (cmd, out)
    for p in patterns:
        assert re.search(p, out), "%r: no %r in:\n%s" % (cmd, p, out)
    return out


def bad(m, cmd, error, usage=True):
    """Run a bad command: the first line must be 'error: ...' matching the
    regex `error`, then (if usage) the usage line of the command (its first
    word, or the name given as usage="read") and nothing else; the shell must
    still answer afterwards."""
    import re
    out = m.run(cmd)
    lines = [l for l in out.strip("\n").split("\n") if l.strip()]
    assert lines and lines[0].startswith("error: "), "%r: no error line:\n%s" % (cmd, out)
    assert re.search(error, lines[0]), "%r: error %r does not match %r" % (cmd, lines[0], error)
    name = usage if isinstance(usage, str) else cmd.split()[0]
    if usage:
        assert len(lines) == 2 and lines[1].startswith("usage: " + name + " "), \
            "%r: expected the error and 'usage: %s ...', got:\n%s" % (cmd, name, out)
    else:
        assert len(lines) == 1, "%r: expected one error line, got:\n%s" % (cmd, out)
    alive = m.run("echo alive")
    assert "alive" in alive, "shell not answering after %r" % cmd
    return lines[0]
