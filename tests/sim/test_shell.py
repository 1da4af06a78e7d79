# SPDX-License-Identifier: BSD-2-Clause
"""The simulator as a user meets it: the shell's line editor over a byte
stream, Ctrl-C, exit statuses, several controllers, the command line, and
the success paths of commands QEMU refuses or that no QEMU test runs
(reservations, version, cmdline, clear)."""
import time

from simtest import Sim


def test_line_editing_and_history(t):
    r = Sim().run(b"echx\x7fo hello\n"                 # Backspace
                  b"echo wrld\x1b[D\x1b[D\x1b[Do\n"    # Left x3, insert
                  b"\x1b[A\n"                          # Up: the last line again
                  b"echo no\x03echo yes\n"             # Ctrl-C cancels the line
                  b"history\n")
    t.clean(r)
    t.has(r, r"^hello$", "Backspace edited line")
    t.eq(len([l for l in r.out.splitlines() if l == "world"]), 2, "'world' lines (edited, then recalled)")
    t.has(r, r"^yes$", "line after Ctrl-C")
    t.lacks(r, r"^no$", "the cancelled line ran")
    t.has(r, r"^ +\d+  echo world$", "history lists the edited line")


def test_ctrl_c_interrupts_a_command(t):
    t0 = time.time()
    r = Sim().run(b"sleep 60000\n\x03echo after\n")
    t.clean(r)
    t.has(r, r"^interrupted$", "sleep interrupted")
    t.has(r, r"^after$", "the next line ran")
    t.true(time.time() - t0 < 50, "Ctrl-C did not end the 60 s sleep early")


def test_exit_status_and_set_e(t):
    r = Sim().run("echo x\nexit 7\necho never\n")
    t.clean(r, status=7)
    t.lacks(r, r"^never$", "output after exit")
    t.has(r, r"^nvme0: flushed, shutdown complete in \d+ ms$", "controller shut down at exit")
    r = Sim("-c", "set -e; read -s 99999999; echo never").run()
    t.clean(r, status=2)   # the usage error's status
    t.has(r, r"^set -e: 'read' failed with status 2; stopping$", "set -e stops")
    t.lacks(r, r"^never$", "output after the failing command")
    r = Sim("-c", "echo script-ran").run()
    t.clean(r, status=0)
    t.has(r, r"^run> echo script-ran$", "script echoed")


def test_two_controllers(t):
    r = Sim("--ns", "4M", "--ns", "2M,lba=4096", "--ctrl", "--ns", "1M", "--mdts", "2", "--serial", "SECOND").run(
        "list\nwrite nvme1n1 -s 3 --pattern 0x33 --yes\nread nvme1n1 -s 3 --check 0x33\n"
        "read nvme0n2 -s 0 --count 1\nselftest\n")
    t.clean(r)
    t.has(r, r"^nvme: 2 controllers attached$", "summary")
    t.has(r, r"^nvme0n1: 8192 blocks x 512 B = 4 MiB$", "nvme0n1")
    t.has(r, r"^nvme0n2: 512 blocks x 4096 B = 2 MiB$", "nvme0n2")
    t.has(r, r"^nvme1: max transfer 16 KiB", "MDTS 2 on nvme1")
    t.has(r, r"^nvme1n1 +SECOND ", "list shows the second serial")
    t.has(r, r"^read: Success: nvme1n1 LBA 3\.\.3", "read on nvme1")
    t.has(r, r"^read: Success: nvme0n2 LBA 0\.\.0 \(1 block, 4 KiB\)", "read on the 4 KiB namespace")
    t.has(r, r"PASS nvme1 registers: CAP", "selftest reads the registers through the platform")
    t.lacks(r, r"^ +FAIL ", "selftest failures")


def test_cmdline_version_clear(t):
    r = Sim("--cmdline", "nvmeqs=2 foo=bar").run("cmdline foo\ncmdline\nversion\nqueues\nclear\n")
    t.clean(r)
    t.has(r, r"^bar$", "cmdline KEY")
    t.has(r, r"^nvmeqs=2 foo=bar$", "cmdline")
    t.has(r, r"^nvmetk \d+\.\d+$", "version")
    t.has(r, r"2 I/O queue pairs", "nvmeqs=2 honoured")
    t.has(r, r"\x1b\[2J\x1b\[H", "clear's escape sequence")


def test_reservations(t):
    r = Sim().run("resv-register -k 0x1234\n"
                  "resv-acquire -t 1 -c 0x1234\n"
                  "resv-report\n"
                  "write -s 0 --pattern 0x44 --yes\n"
                  "resv-release -t 1 -c 0x1234\n"
                  "resv-report\n")
    t.clean(r)
    for c in ("Register", "Acquire", "Release"):
        t.has(r, r"^NVME Reservation %s: success \(nvme0n1\)$" % c, "resv-" + c.lower())
    t.has(r, r"^rtype     : 1 \(Write Exclusive\)$", "report names the type held")
    t.has(r, r"^  rcsts   : 0x1 \(holds the reservation\)$", "the holder")
    t.has(r, r"^  rkey    : 0x1234$", "report lists the key")
    t.has(r, r"^rtype     : 0 ", "no reservation after the release")
    t.has(r, r"^write: Success", "the holder writes")


def test_bad_block_and_error_log(t):
    r = Sim("--bad-block", "1:5").run("read -s 5\nerror-log -e 1\nread -s 4\n")
    t.clean(r)
    t.has(r, r"^error: read failed at LBA 5\.\.5: Unrecovered Read Error", "bad block read fails")
    t.has(r, r"^read: Success: nvme0n1 LBA 4\.\.4", "the block before reads")


def test_usage_errors(t):
    r = Sim().run("sanitize\nfw-download\nformat -l x\nnosuch\n")
    t.clean(r)
    t.has(r, r"^error: .*\nusage: sanitize ", "sanitize usage")
    t.has(r, r"^error: .*\nusage: fw-download ", "fw-download usage")
    t.has(r, r"^error: bad number for --lbaf: 'x'", "format bad number")
    t.has(r, r"^error: unknown command 'nosuch'|nosuch: (command )?not found", "unknown command")


def test_smart_knobs_and_fatal_status(t):
    r = Sim("--temperature", "350", "--critical-warning", "2").run("smart-log\n")
    t.clean(r)
    t.has(r, r"^critical_warning +: 0x02 \(temperature\)$", "critical warning")
    t.has(r, r"^temperature +: 77 C \(350 Kelvin\)$", "temperature")
    r = Sim("--cfs-after", "20").run("read -s 0\nread -s 0\nread -s 0\nreset\nread -s 0\n")
    t.clean(r)
    t.has(r, r"^error: reset failed: controller fatal status \(CSTS\.CFS\)", "fatal status seen")
    t.has(r, r"^error: nvme0 is failed \(reset may recover it\)$", "commands refused afterwards")
    t.has(r, r"^nvme0: controller failed, not flushed, abrupt shutdown complete", "exit shutdown")
