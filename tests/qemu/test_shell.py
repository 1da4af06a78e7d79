# SPDX-License-Identifier: BSD-2-Clause
"""The interactive shell over serial: typing, editing, history, errors, help, numbers."""
import re
from nvmetk_qemu import Machine, TestFile

t = TestFile()
LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
REQUIRED = ["help", "lspci", "mem", "uptime", "echo", "reboot", "poweroff", "exit"]


@t.case("serial-typing")
def _():
    with Machine("serial-typing") as m:
        m.expect_prompt()
        m.send("echo hello serial", delay=0.02)
        m.expect("echo hello serial")  # echoed as typed
        m.send("\r")
        m.expect("\nhello serial\n")
        m.expect_prompt()
        out = m.run("uptime")
        assert re.search(r"up \d+\.\d{6} s \(TSC \d+ Hz", out), out
        m.sendline("exit 0")
        assert m.wait_exit() == 0


@t.case("bad-input")
def _():
    with Machine("bad-input") as m:
        m.expect_prompt()
        out = m.run("frobnicate now")
        assert "error: unknown command 'frobnicate'" in out, out
        out = m.run("lspci --bogus")
        assert "error: unknown option '--bogus'" in out and "usage: lspci" in out, out
        out = m.run("exit 999")
        assert "error: CODE must be 0..127" in out and "usage: exit" in out, out
        out = m.run("exit abc")
        assert "bad number for CODE" in out, out
        out = m.run("mem alloc")
        assert "error: expected PAGES" in out and "usage: mem" in out, out
        out = m.run("mem free 0x1000 1")
        assert "error:" in out, out
        out = m.run('echo "unterminated')
        assert "error: unterminated quote" in out, out
        out = m.run("mmio r32 0x3")
        assert "aligned" in out, out
        out = m.run("help nosuch")
        assert "error:" in out, out
        out = m.run(";;;   ;")
        assert "error" not in out, out
        out = m.run(" ".join(["w"] * 40))
        assert "error: more than" in out, out
        m.sendline("x" * 300)  # longer than a line: extra input is refused
        m.expect_prompt()
        out = m.run("echo still alive")
        assert "still alive" in out
        m.sendline("exit 0")
        assert m.wait_exit() == 0


@t.case("line-editing")
def _():
    with Machine("line-editing") as m:
        m.expect_prompt()
        # Cursor left three times, insert a letter: "echo wrld" -> "echo world".
        m.send("echo wrld" + LEFT * 3 + "o\r")
        m.expect("\nworld\n")
        m.expect_prompt()
        # Backspace (DEL and BS) and Delete.
        m.send("echo abxx\x7f\x08c\r")
        m.expect("\nabc\n")
        m.expect_prompt()
        m.send("echo 12345" + LEFT * 2 + "\x1b[3~" + "\r")  # delete '4'
        m.expect("\n1235\n")
        m.expect_prompt()
        # History: Up recalls the previous line, Up twice the one before.
        m.send(UP + "\r")
        m.expect("\n1235\n")
        m.expect_prompt()
        m.send(UP + UP + UP + DOWN + "\r")  # -> "echo abc"... then one down
        m.expect(r"\n(abc|1235)\n")
        m.expect_prompt()
        # Ctrl-C cancels the line; Home/End move the cursor.
        m.send("echo cancelled\x03")
        m.expect(r"\^C")
        m.expect_prompt()
        m.send("cho home" + "\x1b[H" + "e" + "\x1b[F" + "!\r")
        m.expect("\nhome!\n")
        m.expect_prompt()
        out = m.run("history")
        assert "echo world" in out and "echo home!" in out, out
        m.sendline("exit 0")
        assert m.wait_exit() == 0


@t.case("ctrl-c-and-progress")
def _():
    with Machine("ctrl-c-and-progress") as m:
        m.expect_prompt()
        # Ctrl-C interrupts a long command; keys typed meanwhile are kept.
        m.sendline("sleep 600000")
        m.expect("sleep 600000\n")
        m.send("echo kept\r")
        m.send("\x03")
        m.expect("interrupted")
        m.expect("\nkept\n")
        m.expect_prompt()
        out = m.run("progress 10")
        assert "demo [####################] 100% (10/10)" in out, out
        assert out.count("\r") <= 1, "CR present in decoded text"
        m.sendline("exit 0")
        assert m.wait_exit() == 0
        raw = bytes(m.output)
        assert raw.count(b"demo [") <= 12, "progress redrawn %d times for 11 steps" % raw.count(b"demo [")


@t.case("help")
def _():
    with Machine("help") as m:
        m.expect_prompt()
        out = m.run("help")
        for cmd in REQUIRED:
            assert re.search(r"^  %s\b" % re.escape(cmd), out, re.M), "help lacks %s:\n%s" % (cmd, out)
        names = re.findall(r"^  (\S+)", out, re.M)
        assert names == sorted(names), "help is not sorted: %s" % names
        out = m.run("help mem")
        assert out.strip().startswith("usage: mem"), out
        m.sendline("exit 0")
        assert m.wait_exit() == 0


@t.case("numbers")
def _():
    with Machine("numbers", script="num 10 0x10 0XfF 4k 4K 2M 3G 1T 0x10M; "
                 "num 12x; num ''; num 0x; num 18446744073709551615; num 18446744073709551616; "
                 "num 16777216T; num -1; num 1kk; exit 0") as m:
        for s in ["10 = 10 (0xa)", "0x10 = 16 (0x10)", "0XfF = 255 (0xff)", "4k = 4096 (0x1000)",
                  "4K = 4096", "2M = 2097152", "3G = 3221225472", "1T = 1099511627776",
                  "0x10M = 16777216"]:
            m.expect(re.escape(s))
        for bad in ["12x", "0x", "18446744073709551616", "16777216T", "-1", "1kk"]:
            m.expect(r"error: bad number for NUMBER: '%s'" % re.escape(bad))
        assert "18446744073709551615 = 18446744073709551615" in m.text()
        assert m.wait_exit() == 0


t.run()
