# SPDX-License-Identifier: BSD-2-Clause
"""Shell fuzzer: command lines generated from the shell's own grammar (the
usage lines `help` prints in the running kernel), typed over serial.

Each line is one of: a command from `help` with real and wrong options,
numbers at and past their limits (0, 1, 2^k-1, 2^k, 2^32, 2^64, negative,
suffixes, hex, junk), huge counts, unknown and malformed devices, quotes,
escapes; several commands joined with ';'; and, for read-only commands, the
line mutated byte-wise: control bytes (not CR, LF or Ctrl-C: they end or
cancel the line; Tab, Ctrl-L and history recall: see CTRL), ANSI escape
sequences (Left/Right/Home/End/Delete), non-ASCII bytes, and overlong lines.

Per line (run_line):
  - the prompt must come back within LINE_BOUND_S; if it does not, Ctrl-C is
    sent and the prompt must come back within INTERRUPT_BOUND_S more (a command
    legitimately running long, e.g. a read of 1G blocks, is interrupted;
    no prompt after that is a hang: failure);
  - a confirmation question is answered "no";
  - `status` is typed: a nonzero status (the line was rejected, or failed)
    must have printed "error:" (an interrupted line is exempt);
  - no CPU exception report (register dump, backtrace, "System halted.") may appear, and QEMU must
    still be running.

Destructive commands (everything not in SAFE) only ever reach the checked
controller nvme0 (the default device too): a line whose non-safe command
names any other controller, even through quotes or escapes, is not sent
(safe_line). Besides the grammar's lines, DESTRUCTIVE_SHARE of the lines are
destructive commands with plausible arguments and --yes on nvme0n1 (write,
write-zeroes, trim, dsm -d, iochk, selftest --write-lba, format, sanitize
(QEMU refuses it), bench writes), so that many are accepted.

Disk check (ImageWatch): nvme0's image starts with a known pattern. After
every line the host reads the image and compares it with what it must hold:
every block that changed must lie in a range the line's output said it
changes (claims()): the Success line of write/write-zeroes/trim, dsm's
"deallocated" ranges, a confirmation ("this will ...") answered by --yes
(iochk's blocks, an overwrite's LBA range; format, sanitize and bench
writes: the whole namespace), the blocks a failed or interrupted write says
it wrote, the LBA selftest --write-lba saves and restores. Anything else is
a failure naming the line and the blocks. The allowed changes become the
new expected image. The second controller, nvme1, gets only SAFE commands,
so its image must be unchanged at the end (checked by the caller).
Never generated: exit, poweroff, reboot (end the session), fault (raises
an exception by design), mmio (writes physical memory by design), mem
alloc/free (changes the allocator by design), fb bench (minutes under TCG).

Long run (not in CI; any seed, any number of lines):
    python3 tests/qemu/shell_fuzz.py --lines 20000 --seed 12345
"""
import random
import re
import time

LINE_BOUND_S = 8        # then Ctrl-C: a command may legitimately run long
INTERRUPT_BOUND_S = 90  # no prompt this long after the Ctrl-C: a hang
PROMPT = "nvmetk> "
CONFIRM = "[type 'yes' to continue]: "

# commands that never change data or controller state the check relies on
SAFE = {
    "list", "id-ctrl", "id-ns", "nvm-id-ctrl", "read", "verify", "compare", "smart-log",
    "error-log", "effects-log", "fw-log", "sanitize-log", "get-log", "get-feature", "queues",
    "events", "resv-report", "flush",
    # not NVMe
    "help", "echo", "uptime", "version", "cmdline", "history", "num", "lspci", "lsusb", "acpi",
    "status", "sleep", "progress", "irqtest", "rescan", "set", "clear", "loglevel", "mem", "fb",
}
NEVER = {"exit", "poweroff", "reboot", "fault", "mmio"}

NUMBERS = ["0", "1", "2", "7", "8", "255", "256", "511", "512", "4095", "4096", "4k", "1M", "64M",
           "1G", "1T", "0x10", "0xffffffff", "4294967295", "4294967296", "0xffffffffffffffff",
           "18446744073709551615", "18446744073709551616", "99999999999999999999999", "-1", "-0",
           "0x", "1x", "k", "1kk", "0b101", "1e3", "3.5", "", "0x1g", "65535", "65536", "32767",
           "2047", "2048", "16384", "32768", "32767", "1000", "0777", "+5"]
DEV_SCRATCH = ["nvme0", "nvme0n1", "/dev/nvme0n1", "nvme0n2", "nvme0n0", "nvme00", "nvme0n1x", "nvme0n",
               "nvme0n4294967295", "nvme0n4294967296", "/dev/nvme0"]
DEV_ANY = DEV_SCRATCH + ["nvme1", "nvme1n1", "/dev/nvme1n1", "nvme7", "nvme7n1", "nvme", "nvme65536",
                         "nvme99999999999999999999", "/dev/", "sda", "nvme-1", "NVME0"]
JUNK = ["--", "-", "---x", "--yes=no", "-zz", "--count=", "''", '""', '"', '\\', '\\"', "a\"b", ";",
        ";;", "é", "\u00ff", "x" * 40, "--help", "-h", "--nsid", "-n", "--force", "%s%n%x", "{}", "$?"]
VALUES = {  # metavariables of the usage lines
    "P": ["random", "zero", "ones", "inc", "lba", "byte", "x", "0xAA"],
    "HEX": ["00", "deadbeef", "0", "zz", "00112233445566778899", "f" * 200],
    "NAME": ["fw-test.bin", "nope", ""], "JOB": ["j1", ""],
    "ACTION": ["1", "2", "3", "4", "0", "7"], "FID": ["1", "2", "4", "5", "7", "0xb", "0x80", "0xff"],
    "LID": ["1", "2", "3", "5", "0x81", "0xc0", "0xff"], "SIZE": ["512", "4k", "3", "1M", "0", "128k"],
}


class Grammar:
    """Commands and their options, parsed from `help` output."""

    def __init__(self, help_text):
        self.cmds = {}
        lines = help_text.splitlines()
        for i, l in enumerate(lines):
            m = re.match(r"^  ([a-z][a-z0-9-]*)(\s.*)?$", l)
            if not m or (m.group(2) or "").startswith("      "):
                continue
            name = m.group(1)
            usage = l.strip()
            # a long usage line: the summary is on the next line; the usage
            # and summary are separated by 2+ spaces otherwise
            usage = re.split(r"\s{2,}", usage)[0]
            opts = []
            for o in re.finditer(r"(?<![\w-])(--?[a-zA-Z][\w-]*)(?: ([A-Z][A-Z0-9_]*(?:\[?,[A-Z.]+\]?)*))?",
                                 usage[len(name):]):
                opts.append((o.group(1), o.group(2)))
            words = re.findall(r"(?<![\w-])([a-z][a-z0-9]*)(?=[\]|) ]|$)", usage[len(name):])
            self.cmds[name] = (usage, opts, [w for w in words if w not in ("nvme",)])
        if len(self.cmds) < 10:
            raise ValueError("help lists %d commands: not parsed" % len(self.cmds))


def number(r):
    if r.random() < 0.15:
        return str(r.randrange(0, 1 << r.choice([8, 16, 32, 63, 64, 70])))
    return r.choice(NUMBERS)


def value(r, meta):
    if meta and meta.split(",")[0].strip("[") in VALUES and r.random() < 0.7:
        return r.choice(VALUES[meta.split(",")[0].strip("[")])
    if meta and "," in meta and r.random() < 0.5:
        return ",".join(number(r) for _ in range(r.randint(1, 300 if r.random() < 0.1 else 4)))
    return number(r)


def command(r, g):
    name = r.choice(sorted(n for n in g.cmds if n not in NEVER))
    usage, opts, words = g.cmds[name]
    safe = name in SAFE
    parts = [name]
    if r.random() < 0.1:
        parts = ["nvme", name]
    if name == "mem":
        parts += [r.choice(["", "test", "x", "free", "alloc"])] if r.random() < 0.5 else []
        if "free" in parts or "alloc" in parts:
            parts = ["mem", "alloc"] + [r.choice(["x", "-1", ""])]  # only ones the parser rejects
        return " ".join(p for p in parts if p), True
    if name == "fb":
        return "fb" + r.choice(["", " x", " bench x", " -v"]), True
    if name == "loglevel":
        return "loglevel " + r.choice(["", "info", "warn", "error", "x", "5", "-1"]), True
    if "[DEVICE]" in usage or "DEVICE" in usage:
        if r.random() < 0.85:
            parts.append(r.choice(DEV_ANY if safe else DEV_SCRATCH))
    n = r.choice([0, 1, 2, 3, 4, 6]) if opts else 0
    for _ in range(n):
        o, meta = r.choice(opts)
        parts.append(o)
        if meta is not None and r.random() < 0.9:
            parts.append(value(r, meta))
        elif r.random() < 0.2:
            parts.append(number(r))
    if words and r.random() < 0.5:
        parts.insert(1, r.choice(words))
    if r.random() < 0.2:
        parts.insert(r.randint(1, len(parts)), r.choice(JUNK))
    if r.random() < 0.15:
        parts.append(r.choice(["--yes", "-y", "--force"]))
    if r.random() < 0.05:
        parts.append("--" + "".join(r.choice("abcdefgh-") for _ in range(r.randint(1, 12))))
    return " ".join(parts), safe


# Not typed: CR, LF (end the line), Ctrl-C (cancels it), Tab and Ctrl-L
# (they can print a bare prompt mid-line, which the protocol takes for the
# end of the line), Up/Down/Ctrl-P/Ctrl-N (history recall: the line run would
# be an earlier one, whose status the check would misattribute).
CTRL = [bytes([c]) for c in range(1, 32) if c not in (3, 9, 10, 12, 13, 14, 16)] + [
    b"\x7f", b"\x1b[C", b"\x1b[D", b"\x1b[3~", b"\x1b[H", b"\x1b[F", b"\x1b", b"\x1b["]
HIGH = [bytes([c]) for c in (0x80, 0xa0, 0xc3, 0xe9, 0xff, 0xfe)] + ["é€".encode()]


def mutate(r, line):
    b = bytearray(line.encode())
    for _ in range(r.randint(1, 4)):
        k = r.random()
        pos = r.randint(0, len(b))
        if k < 0.3:
            b[pos:pos] = r.choice(CTRL)
        elif k < 0.5:
            b[pos:pos] = r.choice(HIGH)
        elif k < 0.7:
            b[pos:pos] = r.choice([b'"', b"\\", b"'", b";", b" ", b"\\\""])
        elif k < 0.85 and b:
            del b[min(pos, len(b) - 1)]
        else:
            b[pos:pos] = bytes([r.randrange(32, 127)])
    return bytes(b)


def gen_line(r, g):
    """(bytes, kind): one line to type (without the Enter)."""
    k = r.random()
    if k < 0.05:
        n = r.choice([255, 256, 511, 512, 1023, 1024, 2000, 5000])
        return (("echo " + "x" * n) if r.random() < 0.5 else ("read " + "9" * n)).encode(), "overlong"
    if k < 0.12:
        parts = [command(r, g) for _ in range(r.randint(2, 5))]
        return "; ".join(p for p, _ in parts).encode(), "multi"
    line, safe = command(r, g)
    if safe and r.random() < 0.3:
        return mutate(r, line), "mutated"
    if r.random() < 0.1:
        line = " ".join('"%s"' % w if r.random() < 0.4 else w for w in line.split(" "))
    return line.encode(), "grammar"


_SEP = re.compile(rb"[;]")


def safe_line(data):
    """True if no command of the line that is not in SAFE can reach a
    controller other than nvme0 (quotes, escapes and control bytes are
    removed before looking; leading zeros in the number count)."""
    for seg in _SEP.split(data):
        clean = bytes(c for c in seg if 32 < c < 127 and c not in b"\"'\\").decode() if seg else ""
        words = bytes(c if 32 <= c < 127 else 32 for c in seg).replace(b'"', b" ").replace(b"'", b" ")
        words = words.replace(b"\\", b" ").split()
        first = [w.decode() for w in words[:2]]
        name = first[1] if first and first[0] == "nvme" and len(first) > 1 else (first[0] if first else "")
        if not name or name in SAFE:
            # a word glued to the name by a removed quote or control byte
            # could form another command: judge the squeezed text too
            if not any(clean.startswith(n) or clean.startswith("nvme" + n) for n in
                       ("set-feature", "write", "trim", "dsm", "format", "sanitize", "fw-", "reset",
                        "shutdown", "resume", "set-queue", "create-queue", "delete-queue", "resv-",
                        "iochk", "bench", "selftest", "ns-rescan")):
                continue
        if name in NEVER or any(clean.startswith(n) for n in NEVER):
            return False
        if re.search(r"nvme0*[1-9]", clean.replace(" ", "")) or re.search(r"nvme0*[1-9]", seg.decode("latin-1")):
            return False
        # selftest without a device checks every controller (--write-lba
        # writes each): only with nvme0 named
        if "selftest" in clean and not re.search(r"(^|[ /])nvme0", seg.decode("latin-1")):
            return False
    return True


class Failure(AssertionError):
    pass


DESTRUCTIVE_SHARE = 0.15
NS_BLOCKS = 32768       # nvme0n1: 16 MiB of 512-byte blocks at the start


def destructive(r, blocks):
    """A destructive command with plausible arguments and --yes on nvme0n1
    (some at or past the end: those must be refused and change nothing)."""
    def lba():
        return r.choice([0, 1, 33, 34, r.randrange(blocks), r.randrange(blocks), blocks - 1, blocks,
                         blocks + 7])

    def cnt():
        return r.choice([1, 2, 8, 64, 255, 256, r.randint(1, 4096)])
    k = r.random()
    if k < 0.25:
        pat = r.choice(["random --seed %d" % r.randrange(1000), "inc", "zero", "ones", "lba", "0xA5"])
        return "write nvme0n1 -s %d --count %d --pattern %s --yes" % (lba(), cnt(), pat)
    if k < 0.40:
        return "write-zeroes nvme0n1 -s %d --count %d --yes" % (lba(), cnt())
    if k < 0.52:
        return "trim nvme0n1 -s %d --count %d --yes" % (lba(), cnt())
    if k < 0.64:
        n = r.randint(1, 4)
        return "dsm nvme0n1 -s %s -b %s -d --yes" % (",".join(str(lba()) for _ in range(n)),
                                                     ",".join(str(cnt()) for _ in range(n)))
    if k < 0.76:
        return "iochk nvme0n1 --start %d --count %d --passes 1 --qd %d --yes" % (
            r.randrange(blocks), r.choice([8, 64, 512]), r.choice([1, 4, 16]))
    if k < 0.86:
        return "selftest nvme0 --write-lba %d --yes" % lba()
    if k < 0.91:
        return "sanitize nvme0 -a %d --yes" % r.choice([1, 2, 3, 4])
    if k < 0.96:
        return "format nvme0n1 -l 0 --yes"
    return "bench nvme0n1 --rw %s --time 1 --yes" % r.choice(["randwrite", "write", "randrw"])


_RANGE = r"(\d+)\.\.(\d+)"


def claims(out, dev="nvme0n1"):
    """(ranges, whole): the LBA ranges (first, last) of `dev` a line's
    output said it changes, and whether it said the whole namespace."""
    d = re.escape(dev)
    rs = []
    whole = False
    for m in re.finditer(r"(?m)^(?:write|write-zeroes|trim|copy): Success: (?:deallocated )?%s LBA %s" % (d, _RANGE),
                         out):
        rs.append((int(m.group(1)), int(m.group(2))))
    for m in re.finditer(r"(?m)^dsm: deallocated %s(.*)$" % d, out):
        rs += [(int(a), int(b)) for a, b in re.findall(r"LBA " + _RANGE, m.group(1))]
    for m in re.finditer(r"(?m)^this will (.*)\r?\n\(--yes given: not asking\)", out):
        text = m.group(1)   # (only nvme0 gets destructive commands: safe_line)
        if re.search(r"ALL DATA|ALL USER DATA|all over", text):
            whole = True
        rs += [(int(a), int(b)) for a, b in re.findall(r"(?:LBA|blocks) " + _RANGE, text)]
        rs += [(int(a), int(a)) for a in re.findall(r"LBA (\d+) of", text)]
    # a write that failed part way: the blocks before the failing chunk and the chunk
    for m in re.finditer(r"failed at LBA %s: [^\n]*\n(\d+) of \d+ blocks (?:written|zeroed) before the failure"
                         % _RANGE, out):
        a, b, done = int(m.group(1)), int(m.group(2)), int(m.group(3))
        rs.append((a - done, b))
    for m in re.finditer(r"interrupted: \d+ of \d+ blocks (?:written|zeroed) \(LBA %s\)" % _RANGE, out):
        rs.append((int(m.group(1)), int(m.group(2))))
    for m in re.finditer(r"%s write test: read LBA (\d+) \(saved\)" % d, out):
        rs.append((int(m.group(1)), int(m.group(1))))
    return rs, whole


class ImageWatch:
    """nvme0n1's image as it must be; check(line, out) after each line."""
    CHUNK = 1 << 16

    def __init__(self, disk, lba_size=512):
        self.path = disk.path
        self.expected = bytearray(disk.expected)
        self.lba_size = lba_size
        self.lines_changed = 0

    def check(self, data, out):
        # the current block size (after a format the kernel prints it)
        for m in re.finditer(r"nvme0n1: LBA format \d+ \((\d+) B data|nvme0n1: \d+ blocks x (\d+) B", out):
            self.lba_size = int(m.group(1) or m.group(2))
        with open(self.path, "rb") as f:
            got = f.read()
        if got == self.expected:
            return
        rs, whole = claims(out)
        bad = []
        for c in range(0, len(got), self.CHUNK):
            if got[c:c + self.CHUNK] == self.expected[c:c + self.CHUNK]:
                continue
            for off in range(c, min(c + self.CHUNK, len(got)), 512):
                if got[off:off + 512] == self.expected[off:off + 512]:
                    continue
                lba = off // self.lba_size
                if not whole and not any(a <= lba <= b for a, b in rs):
                    bad.append(lba)
        if bad:
            raise Failure("line %r changed nvme0n1 blocks outside what it said (%d blocks of %d B, first LBA %d, "
                          "last %d; said: %s%s):\n%s" % (data, len(bad), self.lba_size, bad[0], bad[-1],
                                                         rs or "no range", ", whole namespace" if whole else "",
                                                         out[-3000:]))
        self.expected = bytearray(got)
        self.lines_changed += 1


def type_bytes(m, data):
    for i in range(0, len(data), 16):
        m.proc.stdin.write(data[i:i + 16])
        m.proc.stdin.flush()
        time.sleep(0.002)


def run_line(m, data, kind):
    """Types one line and checks the answer; returns (status, output)."""
    with m._lock:
        start = len(m.output)
    type_bytes(m, data + b"\r")
    t0 = time.monotonic()
    interrupted = False
    answered_no = False
    while True:
        time.sleep(0.02)
        if m.proc.poll() is not None:
            raise Failure("QEMU ended after %r" % data)
        with m._lock:
            tail = bytes(m.output[start:])
        text = tail.decode("utf-8", "replace")
        if re.search(r"System halted\.|backtrace \(frame pointers\)|\nRIP=[0-9a-f]{16}", text):
            raise Failure("CPU exception after %r:\n%s" % (data, text[-2000:]))
        if text.endswith(CONFIRM) and not answered_no:
            m.proc.stdin.write(b"no\r")
            m.proc.stdin.flush()
            answered_no = True
            continue
        if text.endswith("\n" + PROMPT) or text.endswith("\x1b[K" + PROMPT) and len(text) > len(PROMPT):
            break
        el = time.monotonic() - t0
        if not interrupted and el > LINE_BOUND_S:
            m.proc.stdin.write(b"\x03")
            m.proc.stdin.flush()
            interrupted = True
        if el > LINE_BOUND_S + INTERRUPT_BOUND_S:
            raise Failure("no prompt %d s after %r (Ctrl-C sent after %d s):\n%s" %
                          (el, data, LINE_BOUND_S, text[-2000:]))
    out = text
    # the status of that line
    with m._lock:
        s0 = len(m.output)
    type_bytes(m, b"status\r")
    t1 = time.monotonic()
    while True:
        time.sleep(0.02)
        with m._lock:
            st = bytes(m.output[s0:]).decode("utf-8", "replace")
        g = re.search(r"\nstatus (-?\d+)\r?\n", st)
        if g and st.endswith(PROMPT):
            status = int(g.group(1))
            break
        if time.monotonic() - t1 > LINE_BOUND_S:
            raise Failure("`status` not answered after %r:\n%s" % (data, (out + st)[-2000:]))
    if status != 0 and not interrupted and not answered_no and "error:" not in out:
        raise Failure("status %d without 'error:' for %r:\n%s" % (status, data, out[-2000:]))
    return status, out


def fuzz(m, help_text, lines, seed, log=print, watch=None):
    """Runs `lines` generated lines; returns counts. Raises Failure. watch:
    an ImageWatch checked after every line."""
    g = Grammar(help_text)
    r = random.Random(seed)
    counts = {"lines": 0, "rejected": 0, "ok": 0, "skipped-unsafe": 0, "destructive": 0,
              "destructive-ok": 0}
    while counts["lines"] < lines:
        if r.random() < DESTRUCTIVE_SHARE:
            data, kind = destructive(r, NS_BLOCKS).encode(), "destructive"
        else:
            data, kind = gen_line(r, g)
        if not safe_line(data):
            counts["skipped-unsafe"] += 1
            continue
        counts["lines"] += 1
        status, out = run_line(m, data, kind)
        counts["ok" if status == 0 else "rejected"] += 1
        if kind == "destructive":
            counts["destructive"] += 1
            counts["destructive-ok"] += status == 0
        if watch:
            watch.check(data, out)
    if watch:
        counts["lines-that-changed-the-image"] = watch.lines_changed
    return counts


def main():
    import argparse
    import os
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from nvmetk_qemu import Machine, OUT
    from nvme_disk import Disk, Controller, controllers
    ap = argparse.ArgumentParser(description="type generated command lines into the kernel")
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 32)
    print("shell_fuzz: seed %d, %d lines (replay: --seed %d --lines %d)" % (seed, a.lines, seed, a.lines))
    counts = run_machine(Machine, OUT, Disk, Controller, controllers, "shell-fuzz-long", a.lines, seed,
                         timeout=max(600, a.lines * 10))
    print("shell_fuzz: ok: %s" % counts)


def run_machine(Machine, OUT, Disk, Controller, controllers, name, lines, seed, timeout):
    import os
    wd = os.path.join(OUT, name)
    scratch = Disk(wd, "scratch", 16 << 20, seed=(seed >> 16) & 0xFFFF)
    kept = Disk(wd, "kept", 16 << 20, seed=seed & 0xFFFF)
    c0 = Controller("c0", "fuzz-scratch")
    c0.ns(1, scratch, 512)
    c1 = Controller("c1", "fuzz-kept")
    c1.ns(1, kept, 512)
    with Machine(name, nvme=False, qemu_args=controllers([c0, c1]), timeout=timeout) as m:
        m.expect_prompt(timeout=240)
        boot = m.text()
        assert re.search(r'nvme0: model "QEMU NVMe Ctrl", serial "fuzz-scratch"', boot), \
            "the scratch controller is not nvme0"
        help_text = m.run("help", timeout=120)
        counts = fuzz(m, help_text, lines, seed, watch=ImageWatch(scratch))
        _, out = run_line(m, b"set +e; list", "final")
        assert "fuzz-kept" in out, "nvme1 missing at the end:\n" + out
        type_bytes(m, b"exit 0 --no-shutdown\r")
        m.wait_exit(timeout=120)
    kept.check()
    return counts


if __name__ == "__main__":
    main()
