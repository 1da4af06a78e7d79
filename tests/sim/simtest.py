# SPDX-License-Identifier: BSD-2-Clause
"""simtest.py - run build/nvmetk-sim and check what it printed.

Sim(args).run(commands) starts the simulator with the given options, feeds
`commands` (bytes or str) on its stdin (a pipe: the shell's line editor
reads it key by key as from a serial line), waits for it to end (stdin
closed = `exit 0`) within a timeout, and returns a Result with the output,
the exit status and any sanitizer or model report from stderr.

A test is a function test_NAME(t) in a test_*.py file; t is a Check that
collects failures: t.has(result, regex), t.lacks(...), t.eq(a, b, what).
"""
import os
import re
import subprocess
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SIM = os.path.join(ROOT, "build", "nvmetk-sim")
# Generous: the machine is shared; a sim run takes well under a second.
SIM_TIMEOUT_S = 120

# stderr lines that mean the run is not clean
BAD_STDERR = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:|protocol error seen by the model|"
                        r"still allocated at exit|nvmetk-sim: DMA free")


class Result:
    def __init__(self, out, err, status, timed_out):
        self.out = out
        self.err = err
        self.status = status
        self.timed_out = timed_out

    def section(self, start, end=None):
        """Output from the first line matching start up to end (or the end)."""
        m = re.search(start, self.out, re.M)
        if not m:
            return ""
        rest = self.out[m.start():]
        if end:
            e = re.search(end, rest[1:], re.M)
            if e:
                return rest[:e.start() + 1]
        return rest


class Sim:
    def __init__(self, *args):
        self.args = [str(a) for a in args]

    def run(self, commands="", timeout=SIM_TIMEOUT_S):
        if isinstance(commands, str):
            commands = commands.encode()
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        p = subprocess.Popen([SIM] + self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
        try:
            out, err = p.communicate(commands, timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            timed_out = True
        return Result(out.decode(errors="replace"), err.decode(errors="replace"), p.returncode, timed_out)


class Check:
    def __init__(self, name):
        self.name = name
        self.failures = []

    def fail(self, why):
        self.failures.append(why)

    def clean(self, r, status=0):
        """The run ended by itself, with status, and stderr has no sanitizer or model report."""
        if r.timed_out:
            self.fail("the simulator did not end within %d s" % SIM_TIMEOUT_S)
        elif status is not None and r.status != status:
            self.fail("exit status %s, expected %s" % (r.status, status))
        bad = [l for l in r.err.splitlines() if BAD_STDERR.search(l)]
        if bad:
            self.fail("stderr: " + " | ".join(bad[:5]))

    def has(self, r, regex, what=None, text=None):
        text = r.out if text is None else text
        if not re.search(regex, text, re.M):
            self.fail("missing %s: /%s/" % (what or "output", regex))

    def lacks(self, r, regex, what=None, text=None):
        text = r.out if text is None else text
        m = re.search(regex, text, re.M)
        if m:
            self.fail("unexpected %s: %r" % (what or "output", m.group(0)))

    def eq(self, a, b, what):
        if a != b:
            self.fail("%s: %r, expected %r" % (what, a, b))

    def true(self, cond, what):
        if not cond:
            self.fail(what)


def tmpdir():
    d = os.path.join(ROOT, "tests", "out", "sim")
    os.makedirs(d, exist_ok=True)
    return tempfile.mkdtemp(dir=d)


def read_fmt(image):
    """The FILE.fmt the simulator writes beside an image: {'lba_size': .., 'ms': .., 'blocks': ..}."""
    with open(image + ".fmt") as f:
        return {k: int(v) for k, v in (w.split("=") for w in f.read().split())}


def make_image(path, size, byte):
    with open(path, "wb") as f:
        f.write(bytes([byte]) * size)
