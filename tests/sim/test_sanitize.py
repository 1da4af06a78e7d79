# SPDX-License-Identifier: BSD-2-Clause
"""Sanitize through the shell against the simulated controller (QEMU has
SANICAP 0): block erase, crypto erase and overwrite with progress and the
Sanitize Status log, the image file checked from outside; a failed
sanitize and the exit-failure action; I/O refused while sanitizing;
confirmation; a controller without the action."""
import os

from simtest import Sim, make_image, read_fmt, tmpdir

MIB = 1 << 20
FAST = ["--sanitize-steps", "6", "--sanitize-step-ms", "40"]


def image_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def erase_case(t, action, expect_byte, extra="", sstat="0x101"):
    d = tmpdir()
    img = os.path.join(d, "ns1.img")
    make_image(img, MIB, 0xA5)
    r = Sim("--ns", "image=" + img, *FAST).run(
        "read -s 0 --count 1 --dump\n"
        "sanitize -a %s %s --yes\n"
        "sanitize-log\n"
        "read -s 0 --count 1 --dump\n" % (action, extra))
    t.clean(r)
    t.has(r, r"^00000000  a5 a5 a5 a5", "the image's data read before")
    t.has(r, r"^sanitize: started \(%s, SANICAP 00000007h\)" % action, "start line")
    t.has(r, r"\rsanitize nvme0 \[#+\.*\] +\d+% \(\d+/65536\)", "progress from SPROG")
    t.has(r, r"^sanitize: Success: completed in \d+ ms \(SSTAT %s, global data erased\)" % sstat, "completion")
    t.has(r, r"^Sanitize Status +\(SSTAT\) :  %s \(completed, global data erased" % sstat, "Sanitize Status log")
    t.has(r, r"^Sanitize Progress +\(SPROG\) :  65535", "SPROG at the end")
    data = image_bytes(img)
    t.eq(len(data), MIB, "image size")
    t.true(data == bytes([expect_byte]) * MIB if isinstance(expect_byte, int) else expect_byte(data),
           "the image after %s is not what the sanitize leaves (first bytes %s)" % (action, data[:8].hex()))
    t.eq(read_fmt(img)["lba_size"], 512, "lba size")
    return r


def test_block_erase(t):
    r = erase_case(t, "block-erase", 0)
    t.has(r, r"^Sanitize Command Dword 10 Information \(SCDW10\) :  0x2")


def test_crypto_erase(t):
    r = erase_case(t, "crypto-erase", 0)
    t.has(r, r"^Sanitize Command Dword 10 Information \(SCDW10\) :  0x4")


def test_overwrite(t):
    pat = bytes.fromhex("efbeadde")  # 0xdeadbeef little endian
    r = erase_case(t, "overwrite", lambda d: d == pat * (MIB // 4), "--ovrpat 0xdeadbeef --owpass 1", "0x109")
    t.has(r, r"^Sanitize Status +\(SSTAT\) :  0x109 \(completed, global data erased, 1 overwrite passes\)")


def test_failed_then_exit_failure(t):
    r = Sim("--sanitize-fail-at", "2", *FAST).run(
        "sanitize -a crypto-erase --ause --yes\n"
        "sanitize-log\n"
        "read -s 0\n"
        "sanitize -a exit-failure --yes\n"
        "read -s 0\n")
    t.clean(r)
    t.has(r, r"^error: sanitize failed: the Sanitize Status log says so \(SSTAT 0x3\)", "failure reported")
    t.has(r, r"^Sanitize Status +\(SSTAT\) :  0x3 \(failed", "log shows failed")
    t.has(r, r"^error: read failed at LBA 0\.\.0: Sanitize Failed", "I/O refused in failure mode")
    t.has(r, r"^sanitize: Success: nvme0 left the sanitize failure mode", "exit-failure")
    t.has(r, r"^read: Success: nvme0n1 LBA 0\.\.0", "I/O works again")


def test_restricted_failure_refuses_exit_failure(t):
    r = Sim("--sanitize-fail-at", "2", *FAST).run(
        "sanitize -a block-erase --yes\nsanitize -a exit-failure --yes\n")
    t.clean(r)
    t.has(r, r"^error: sanitize failed: Sanitize Failed", "exit-failure refused after a restricted failure")


def test_io_refused_while_sanitizing(t):
    r = Sim("--sanitize-steps", "100000", "--sanitize-step-ms", "100000").run(
        "sanitize -a block-erase --no-wait --yes\n"
        "read -s 0\n"
        "write -s 0 --pattern 0x11 --yes\n"
        "sanitize-log\n")
    t.clean(r)
    t.has(r, r"^sanitize: started \(block-erase", "started")
    t.has(r, r"^error: read failed at LBA 0\.\.0: Sanitize In Progress", "read refused")
    t.has(r, r"^error: write failed at LBA 0\.\.0: Sanitize In Progress", "write refused")
    t.has(r, r"^Sanitize Status +\(SSTAT\) :  0x2 \(in progress", "log: in progress")


def test_confirmation_no_keeps_data(t):
    d = tmpdir()
    img = os.path.join(d, "ns1.img")
    make_image(img, MIB, 0x5C)
    r = Sim("--ns", "image=" + img, *FAST).run("sanitize -a block-erase\nnope\n")
    t.clean(r)
    t.has(r, r"ALL USER DATA ON EVERY NAMESPACE OF THE CONTROLLER \(nvme0n1 1 MiB\)", "what it destroys")
    t.has(r, r"^aborted: nothing was changed")
    t.true(image_bytes(img) == bytes([0x5C]) * MIB, "the image changed although the answer was no")


def test_action_not_offered(t):
    r = Sim("--sanitize", "block").run("sanitize -a crypto-erase --yes\nsanitize -a block-erase --yes\n")
    t.clean(r)
    t.has(r, r"^error: .*crypto.*SANICAP", "crypto erase refused by SANICAP")
    t.has(r, r"^sanitize: Success: completed", "block erase works")


def test_no_wait_completion_event(t):
    r = Sim("--sanitize-steps", "3", "--sanitize-step-ms", "300").run(
        "sanitize -a block-erase --no-wait --yes\nsleep 1500\nsanitize-log\nevents\n")
    t.clean(r)
    t.has(r, r"^not waiting: 'sanitize-log' shows the progress$", "--no-wait")
    t.has(r, r"^Sanitize Status +\(SSTAT\) :  0x101 \(completed", "completed in the background")
    t.has(r, r"^nvme0: event 1: I/O command set: sanitize completed \(log 81h read\): completed$",
          "the Sanitize Operation Completed event")
    t.has(r, r"^ +1 +[\d.]+ s  dw0 00810106  I/O command set: sanitize completed", "events history")
