# SPDX-License-Identifier: BSD-2-Clause
"""nvmetk-sim on a terminal (a pseudo-terminal): raw mode (keys arrive one
by one, no echo but the shell's own, Ctrl-C as a key, not a signal), Tab
completion."""
import os
import pty
import re
import select
import termios
import time

from simtest import SIM, BAD_STDERR

# Longest wait for one expected piece of output (the machine is shared).
EXPECT_TIMEOUT_S = 60


class Pty:
    def __init__(self, *args):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execv(SIM, [SIM] + list(args))
        self.buf = b""

    def expect(self, regex):
        end = time.time() + EXPECT_TIMEOUT_S
        while True:
            m = re.search(regex, self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = end - time.time()
            if left <= 0:
                raise AssertionError("no %r within %d s; got %r" % (regex, EXPECT_TIMEOUT_S, self.buf[-300:]))
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    raise AssertionError("the simulator ended before %r; got %r" % (regex, self.buf[-300:]))
                self.buf += data

    def send(self, b):
        os.write(self.fd, b)

    def wait(self):
        end = time.time() + EXPECT_TIMEOUT_S
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                try:
                    while os.read(self.fd, 4096):
                        pass
                except OSError:
                    pass
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        os.kill(self.pid, 9)
        raise AssertionError("the simulator did not end")


def test_raw_mode_ctrl_c_tab(t):
    p = Pty()
    try:
        p.expect(rb"nvmetk> ")
        mode = termios.tcgetattr(p.fd)
        t.true(not (mode[3] & termios.ICANON) and not (mode[3] & termios.ECHO) and not (mode[3] & termios.ISIG),
               "the terminal is not in raw mode (lflag %#x)" % mode[3])
        p.send(b"sanitize-l\t\r")                    # Tab completes the command name
        # "sanitize-l" alone is an unknown command: the log proves the completion
        p.expect(rb"Sanitize Status +\(SSTAT\)")
        p.send(b"sleep 60000\r")
        p.expect(rb"sleep 60000\r?\n")
        time.sleep(0.3)
        t0 = time.time()
        p.send(b"\x03")                             # Ctrl-C: a key, the process lives on
        p.expect(rb"interrupted")
        t.true(time.time() - t0 < 30, "Ctrl-C took too long")
        p.expect(rb"nvmetk> ")
        p.send(b"exit 5\r")
        status = p.wait()
        t.eq(status, 5, "exit status")
    finally:
        try:
            os.close(p.fd)
        except OSError:
            pass
    t.lacks(None, BAD_STDERR.pattern, "sanitizer report", text=p.buf.decode(errors="replace"))
