# SPDX-License-Identifier: BSD-2-Clause
"""Optional NVMe admin commands through the shell against QEMU 7.2: the
firmware slot log, the firmware module GRUB loads (found, checked against the
file on the host, planned in pieces), the clean refusal of firmware
download/commit, sanitize and reservations with the capability bits (and
--force giving the device's Invalid Command Opcode), the sanitize log's
decoded error, effects and generic logs, the confirmation prompts, Format NVM
between LBA formats (id-ns and the image checked afterwards), and every bad
input to the new commands (error + usage, the shell stays usable)."""
import os
import re
import struct
import zlib
from nvmetk_qemu import Machine, TestFile, OUT, ROOT
from nvme_disk import Disk, Controller, controllers, ok, bad, pattern

t = TestFile()

MODEL = "QEMU NVMe Ctrl"
ASK = re.escape("Continue? [type 'yes' to continue]: ")
OPCODE = r"Invalid Command Opcode \(SCT 0h SC 01h, DNR\)"


def fw_refusal(opcode):
    """The refusal of a firmware command: it names the command's own opcode
    (Firmware Image Download 11h, Firmware Commit 10h)."""
    return (r"not supported by this controller: OACS bit 2 \(Firmware Download/Commit\) is clear "
            r"\(OACS=010Ah\) and the Commands Supported and Effects log does not list admin opcode %s; "
            r"--force sends it anyway" % re.escape(opcode))


def resv_refusal(opcode):
    return (r"not supported by this controller: ONCS bit 5 \(Reservations\) is clear \(ONCS=015Dh\) and the "
            r"Commands Supported and Effects log does not list I/O opcode %s; --force sends it anyway"
            % re.escape(opcode))


def fw_image(size, seed):
    """kernel/nvme_fwimage.h: the nvmetk firmware test image."""
    payload = pattern("random", 0, size, seed)[32:]
    return (b"NVMETKFW" + struct.pack("<IIQII", 1, size, seed, zlib.crc32(payload), 0) + payload)


def answer(m, cmd, reply, *patterns):
    """Type cmd, wait for the confirmation prompt (checking patterns before
    it), reply, and return the output up to the next prompt."""
    m.sendline(cmd)
    m.expect(re.escape(cmd))
    for p in patterns:
        m.expect(p)
    m.expect(ASK)
    return m.run(reply)


def usage_after(out, name):
    lines = [l for l in out.strip("\n").split("\n") if l.strip()]
    assert len(lines) >= 2 and lines[-2].startswith("error: ") and lines[-1].startswith("usage: %s " % name), out
    return lines[-2]


@t.case("nvme-fw-sanitize-refusals")
def _():
    name = "nvme-fw-sanitize-refusals"
    disk = Disk(os.path.join(OUT, name), "ns1", 4 << 20, seed=71)
    c0 = Controller("c0", "nvmetk-adm")
    c0.ns(1, disk)
    fw_file = open(os.path.join(ROOT, "build", "fw-test.bin"), "rb").read()
    with Machine(name, nvme=False, qemu_args=controllers([c0])) as m:
        m.expect(r'module: "fw-test.bin", %d bytes at 0x[0-9a-f]+\n' % len(fw_file))
        m.expect_prompt()
        ok(m, "mem", r"\n  [0-9a-f]{16}-[0-9a-f]{16} fw-test\.bin\n",
           r'module 0: "fw-test.bin" at 0x[0-9a-f]+, %d bytes' % len(fw_file))
        ok(m, "fw-log", r"Firmware Log for device:nvme0\nafi  : 0x1 \(active slot 1, next reset: no change\)\n"
           r"frs1 : 1\.0  \(active\)  \(read only\)\n"
           r"frmw : 0x3: 1 slot, slot 1 read only, activation without reset not supported")

        # the module: found, the same bytes as the file, planned in two pieces
        out = m.run("fw-download --module fw-test.bin")
        assert re.search(r"image: module 'fw-test.bin' at 0x[0-9a-f]+, %d bytes, CRC-32 0x%08x\n" %
                         (len(fw_file), zlib.crc32(fw_file)), out), out
        assert re.search(r"image: nvmetk test image v1, seed 0, payload CRC-32 0x%08x: intact\n" %
                         zlib.crc32(fw_file[32:]), out), out
        assert re.search(r"plan: 2 Firmware Image Download commands: 1 x 524288 bytes \+ %d bytes \(piece size "
                         r"524288: max transfer 512 KiB, FWUG 0" % (len(fw_file) - 524288), out), out
        assert re.search(r"^error: Firmware Image Download: " + fw_refusal("11h (Firmware Image Download)") + "$",
                         usage_after(out, "fw-download")), out
        # printed once: the driver logs refusals at debug level only
        assert out.count("not supported by this controller") == 1, out
        out = m.run("fw-download --module fw-test.bin --force")
        assert re.search(r"\nerror: fw-download failed at offset 0 \(piece 1 of 2, 524288 bytes\): " + OPCODE, out), out
        # a generated image: the same bytes as the Python generator
        img = fw_image(200 * 1024, 9)
        out = m.run("fw-download --generate 200k --seed 9 --force")
        assert re.search(r"image: generated test image \(seed 9\) at 0x[0-9a-f]+, 204800 bytes, CRC-32 0x%08x\n"
                         % zlib.crc32(img), out), out
        assert "plan: 1 Firmware Image Download command: 204800 bytes" in out, out
        assert re.search(r"error: fw-download failed at offset 0 \(piece 1 of 1, 204800 bytes\): " + OPCODE, out), out
        # nvme-cli's --xfer and --offset: the plan follows them, the refusal
        # names Firmware Image Download's own opcode
        out = m.run("fw-download --module fw-test.bin --xfer 64k")
        assert re.search(r"plan: 10 Firmware Image Download commands: 9 x 65536 bytes \+ %d bytes \(piece size "
                         r"65536: --xfer; max transfer 512 KiB, granularity 4096 bytes \(FWUG 0 = not reported, "
                         r"taken as 4 KiB\)\)\n" % (len(fw_file) - 9 * 65536), out), out
        assert re.search(r"^error: Firmware Image Download: " + fw_refusal("11h (Firmware Image Download)") + "$",
                         usage_after(out, "fw-download")), out
        out = m.run("fw-download --generate 8k --xfer 4k --offset 8k --force")
        assert re.search(r"plan: 2 Firmware Image Download commands: 2 x 4096 bytes at offsets 8192\.\.16383 "
                         r"\(piece size 4096: --xfer;", out), out
        assert re.search(r"error: fw-download failed at offset 8192 \(piece 1 of 2, 4096 bytes\): " + OPCODE, out), out

        # fw-commit: refused before asking; --force asks, 'no' aborts
        bad(m, "fw-commit -a 1", r"^error: Firmware Commit: " + fw_refusal("10h (Firmware Commit)") + "$")
        out = answer(m, "fw-commit -s 1 -a 2 --force", "no",
                     r"nvme0: running firmware '7\.2\.22'\n", r'nvme0: model "%s", serial "nvmetk-adm"\n' % MODEL,
                     r"this will activate the image in slot 1 \(now '1\.0'\) at the next reset \(Firmware Commit, "
                     r"action 2\)\n")
        assert "aborted: nothing was changed" in out, out
        out = m.run("fw-commit -a 1 --force --yes")
        assert re.search(r"error: fw-commit failed: " + OPCODE + r"\nfirmware slots now:\n  slot 1: 1\.0 +active", out), out

        # sanitize: refused with SANICAP and the bit; --force: the device's answer
        bad(m, "sanitize -a block-erase", r"^error: Sanitize \(block-erase\): not supported by this controller: "
            r"SANICAP: block erase not supported \(SANICAP=00000000h\); SANICAP bit 1 \(BES\) is clear; "
            r"--force sends it anyway$")
        bad(m, "sanitize -a crypto-erase", r"SANICAP: crypto erase not supported \(SANICAP=00000000h\); SANICAP "
            r"bit 0 \(CES\) is clear")
        bad(m, "sanitize -a overwrite --owpass 2 --ovrpat 0xdeadbeef", r"SANICAP bit 2 \(OWS\) is clear")
        bad(m, "sanitize -a exit-failure", r"^error: Sanitize \(exit failure mode\): not supported by this "
            r"controller: SANICAP: no sanitize action supported \(SANICAP=00000000h\); --force sends it anyway$")
        out = answer(m, "sanitize -a block-erase --force", "no", r'nvme0: model "%s", serial "nvmetk-adm"\n' % MODEL,
                     r"this will sanitize nvme0 by block-erase: ALL USER DATA ON EVERY NAMESPACE OF THE CONTROLLER "
                     r"\(nvme0n1 4 MiB\)")
        assert "aborted: nothing was changed" in out, out
        out = m.run("sanitize -a start-block-erase --force --yes")
        assert re.search(r"^error: sanitize failed: " + OPCODE + "$", out, re.M), out
        out = m.run("sanitize-log")
        assert re.search(r"^error: sanitize-log failed: Invalid Field in Command \(SCT 0h SC 02h, DNR\) "
                         r"\(SANICAP=00000000h: nvme0 advertises no sanitize support\)$", out.strip()), out

        # reservations: ONCS bit 5
        bad(m, "resv-register -k 0x1234",
            r"^error: Reservation Register: " + resv_refusal("0Dh (Reservation Register)") + "$")
        bad(m, "resv-acquire -t 1 -c 0x1234",
            r"^error: Reservation Acquire: " + resv_refusal("11h (Reservation Acquire)") + "$")
        bad(m, "resv-release -c 0x1234",
            r"^error: Reservation Release: " + resv_refusal("15h (Reservation Release)") + "$")
        bad(m, "resv-report", r"^error: Reservation Report: " + resv_refusal("0Eh (Reservation Report)") + "$")
        out = m.run("resv-register -k 0x1234 --force")
        assert out.strip() == "error: Reservation Register failed: Invalid Command Opcode (SCT 0h SC 01h, DNR)", out
        out = m.run("resv-report --force")
        assert out.strip() == "error: resv-report failed: Invalid Command Opcode (SCT 0h SC 01h, DNR)", out

        # logs
        ok(m, "effects-log", r"Admin Command Set\n", r"\nACS128 \[Format NVM +\] 00000003  supported, LBCC\n",
           r"NVM Command Set\n", r"\nIOCS12  \[Verify +\] 00000001  supported\n")
        ok(m, "get-log -i 3 -l 64 -o 8", r"Device:nvme0 log-id:0x3 namespace-id:0xffffffff offset:8 length:64\n"
           r"00000008  31 2e 30 20 20 20 20 20  00 00 00 00 00 00 00 00  \|1\.0     \.{8}\|\n", r"\n00000048\n$")
        ok(m, "get-log -i 2 -l 512", r"\n00000000  00 43 01 ")   # critical warning 0, 0x0143 = 323 K
        ok(m, "smart-log -n 1", r"Smart Log for NVME device:nvme0 namespace-id:1\n")
        # --force: the LPA gates (QEMU has LPA bits 0 and 1) are skipped, same answer
        ok(m, "smart-log -n 1 --force", r"Smart Log for NVME device:nvme0 namespace-id:1\n")
        ok(m, "effects-log --force", r"\nIOCS12  \[Verify +\] 00000001  supported\n")
        ok(m, "echo alive", r"alive")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()


@t.case("nvme-format")
def _():
    name = "nvme-format"
    disk = Disk(os.path.join(OUT, name), "ns1", 16 << 20, seed=72)
    c0 = Controller("c0", "nvmetk-fmt")
    c0.ns(1, disk)
    with Machine(name, nvme=False, qemu_args=controllers([c0])) as m:
        m.expect_prompt()
        ok(m, "write -s 100 --count 8 --pattern random --seed 5", r"write: Success")
        disk.write_pattern(100, 8, 512, "random", seed=5)
        out = answer(m, "format --lbaf 4", "no", r'nvme0: model "%s", serial "nvmetk-fmt"\n' % MODEL,
                     r"this will format nvme0n1 \(NSID 1: 32768 blocks x 512 B = 16 MiB, LBA format 0\) to LBA "
                     r"format 4 \(4096 B data \+ 0 B metadata\), no secure erase, PI 0: ALL DATA ON nvme0n1 IS LOST\n")
        assert "aborted: nothing was changed" in out, out
        ok(m, "read -s 100 --count 8 --check random --seed 5", r"matches")
        out = answer(m, "format --lbaf 4", "yes", r"ALL DATA ON nvme0n1 IS LOST\n")
        assert "formatting (progress from the namespace's FPI, else the time; Ctrl-C stops waiting, not the " \
               "format)...\n" in out, out
        assert re.search(r"format: Success in \d+ ms; namespaces re-read:\nnvme0n1: LBA format 4 \(4096 B data \+ "
                         r"0 B metadata\), 4096 blocks = 16 MiB", out), out
        ok(m, "ns-rescan", r"nvme0: 1 namespace \(1 active\)\nnvme0n1: LBA format 4 \(4096 B data \+ 0 B metadata\), "
           r"4096 blocks = 16 MiB")
        disk.expected[:] = bytes(disk.size)   # QEMU writes zeroes over the namespace
        ok(m, "id-ns", r"\nnsze +: 0x1000\n", r"\nflbas +: 0x4\n", r"\nlbaf  4 : ms:0   lbads:12 rp:0 \(in use\)\n")
        ok(m, "list", r"nvme0n1 .* 4 KiB \+  0 B ")
        ok(m, "read -s 0 --count 4 --check zero", r"nvme0n1 LBA 0\.\.3 \(4 blocks, 16 KiB\), matches byte 0x00")
        ok(m, "write -s 20 --count 3 --pattern inc --seed 1", r"nvme0n1 LBA 20\.\.22 \(3 blocks, 12 KiB\)")
        disk.write_pattern(20, 3, 4096, "inc", seed=1)
        # a format with metadata: I/O with the metadata options (test_pi.py)
        out = ok(m, "format -l 5 --yes", r"note: LBA format 5 has 8 bytes of metadata per block",
                 r"nvme0n1: LBA format 5 \(4096 B data \+ 8 B metadata\), 4088 blocks = 15\.9 MiB, nuse 4088\n")
        disk.expected[:] = bytes(disk.size)
        ok(m, "read -s 0 -M --check zero", r"LBA 0 metadata: 00 00 00 00 00 00 00 00\n")
        ok(m, "format --lbaf 0 --yes -s 1", r"to LBA format 0 \(512 B data \+ 0 B metadata\), user data erase",
           r"nvme0n1: LBA format 0 \(512 B data \+ 0 B metadata\), 32768 blocks = 16 MiB")
        ok(m, "id-ns -n 1", r"\nnsze +: 0x8000\n", r"\nlbaf  0 : ms:0   lbads:9  rp:0 \(in use\)\n")
        ok(m, "write -s 50 --count 2 --pattern 0x3c", r"write: Success")
        disk.write_pattern(50, 2, 512, "byte", byte=0x3c)
        bad(m, "format -l 8", r"^error: --lbaf 8 is out of range: nvme0n1 has LBA formats 0\.\.7$")
        bad(m, "format -l 4 -s 2", r"^error: Format NVM \(cryptographic erase\): not supported by this controller: "
            r"FNA bit 2 \(cryptographic erase\) is clear \(FNA=00h\); --force sends it anyway$")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()


# (command, regex for the error line, usage line: True = the command's own)
BAD = [
    # dsm / trim
    ("dsm -b 1", r"^error: missing --slbs \(start blocks of the ranges\)$", True),
    ("dsm -s 1", r"^error: missing --blocks \(lengths of the ranges\)$", True),
    ("dsm -s 1,2 -b 1", r"^error: --slbs has 2 entries, --blocks 1: give one length per range$", True),
    ("dsm -s 1,x -b 1,1", r"^error: bad number for --slbs: entry 2 is 'x'$", True),
    ("dsm -s 1,,2 -b 1,1,1", r"^error: bad number for --slbs: entry 2 is ''$", True),
    ("dsm -s 32768 -b 1 --ad", r"^error: range 1: start block 32768 is beyond the end of nvme0n1 \(32768 blocks, last LBA 32767\)$", True),
    ("dsm -s 5,32767 -b 1,2", r"^error: range 2: LBA 32767 \+ 2 blocks runs past the end of nvme0n1 \(last LBA 32767\)$", True),
    ("dsm -s 5 -b 0 --ad", r"^error: range 1: --blocks 0: at least one block is needed$", True),
    ("dsm -s 5 -b 0x100000000", r"^error: --blocks: entry 1 \(0x100000000\) is out of range \(at most 4294967295\)$", True),
    ("dsm nvme0n5 -s 1 -b 1", r"^error: no namespace nvme0n5 \(known: nvme0n1\)$", True),
    ("dsm -s 1 -b 1 -a 1,2", r"^error: --ctx-attrs has 2 entries, --slbs 1: give one per range$", True),
    ("trim -s 99999", r"^error: start block 99999 is beyond the end of nvme0n1", True),
    ("trim --count 0", r"^error: --count 0: at least one block is needed$", True),
    ("trim -s abc", r"^error: bad number for --start-block: 'abc'$", True),
    ("trim -n 9", r"^error: no namespace nvme0n9 \(known: nvme0n1\)$", True),
    ("trim -c", r"^error: option '-c' needs a value$", True),
    # write-zeroes / verify / compare
    ("write-zeroes --count 0", r"^error: --count 0: at least one block is needed$", True),
    ("write-zeroes -s 32768", r"^error: start block 32768 is beyond the end of nvme0n1", True),
    ("write-zeroes -s 1x", r"^error: bad number for --start-block: '1x'$", True),
    ("write-zeroes -s 32000 --count 1000", r"^error: LBA 32000 \+ 1000 blocks runs past the end of nvme0n1", True),
    ("write-zeroes nvme3n1", r"^error: no controller nvme3 \(known: nvme0\)$", True),
    ("verify -s 40000", r"^error: start block 40000 is beyond the end of nvme0n1", True),
    ("verify --count abc", r"^error: bad number for --count: 'abc'$", True),
    ("verify -c 0xffffffffffffffff", r"^error: --block-count 0xffffffffffffffff is too large$", True),
    ("verify --deac", r"^error: unknown option '--deac'$", True),
    ("compare -s 10", r"^error: missing --pattern or --data: what should the blocks hold\?$", True),
    ("compare --pattern bogus", r"^error: bad pattern 'bogus' for --pattern", True),
    ("compare -s 32767 --count 2 --pattern 1", r"^error: LBA 32767 \+ 2 blocks runs past the end", True),
    ("compare --count 0 --pattern 1", r"^error: --count 0: at least one block is needed$", True),
    ("compare --data 0g", r"^error: bad hex data for --data: '0g'", True),
    # logs
    ("smart-log -n 9", r"^error: no namespace nvme0n9 \(known: nvme0n1\)$", True),
    ("smart-log extra", r"^error: unexpected argument 'extra'$", True),
    ("error-log -e 0", r"^error: --log-entries 0: at least one entry is needed$", True),
    ("error-log -e x", r"^error: bad number for --log-entries: 'x'$", True),
    ("error-log -e 300", r"^error: --log-entries 300 is out of range \(at most 256\)$", True),
    ("fw-log nvme3", r"^error: no controller nvme3 \(known: nvme0\)$", True),
    ("effects-log --bogus", r"^error: unknown option '--bogus'$", True),
    ("sanitize-log nvme0 extra", r"^error: unexpected argument 'extra'$", True),
    ("get-log -l 512", r"^error: missing --log-id$", True),
    ("get-log -i 2", r"^error: missing --log-len$", True),
    ("get-log -i 2 -l 6", r"^error: --log-len 6: the length must be a multiple of 4 bytes, at least 4$", True),
    ("get-log -i 2 -l 0", r"^error: --log-len 0: the length must be a multiple of 4 bytes, at least 4$", True),
    ("get-log -i 2 -l 8 -o 2", r"^error: --offset 2 is not dword aligned \(a multiple of 4\)$", True),
    ("get-log -i 300 -l 4", r"^error: --log-id 300 is out of range \(at most 255\)$", True),
    ("get-log -i x -l 4", r"^error: bad number for --log-id: 'x'$", True),
    ("get-log -i 2 -l 4M", r"^error: --log-len 4M is out of range \(at most 1048576\)$", True),
    # firmware
    ("fw-download", r"^error: missing --module NAME or --generate SIZE: which image\?$", True),
    ("fw-download --module fw-test.bin --generate 4k", r"^error: give --module or --generate, not both$", True),
    ("fw-download --module nope", r"^error: no boot module 'nope' \(loaded: 'fw-test.bin'; GRUB's module2 loads them\)$", True),
    ("fw-download --generate 30", r"^error: --generate 30: the size must be a multiple of 4, at least 32 bytes$", True),
    ("fw-download --generate 4097", r"^error: --generate 4097: the size must be a multiple of 4", True),
    ("fw-download --generate abc", r"^error: bad number for --generate: 'abc'$", True),
    ("fw-download --generate 1G", r"^error: --generate 1G is out of range \(at most 67108864\)$", True),
    ("fw-download --module fw-test.bin --seed 3", r"^error: --seed goes with --generate$", True),
    ("fw-download --generate 4k --xfer 1024", r"^error: --xfer 1024: pieces must be a multiple of the firmware "
     r"update granularity, 4096 bytes \(FWUG 0 = not reported, taken as 4 KiB\)$", True),
    ("fw-download --generate 4k --xfer 1M", r"^error: --xfer 1048576 is above the max transfer of 512 KiB "
     r"\(524288 bytes\)$", True),
    ("fw-download --generate 4k --offset 2", r"^error: --offset 2: the offset is a multiple of 4 bytes", True),
    ("fw-download --generate 4k --offset 1024", r"^error: --offset 1024: the offset must be a multiple of the "
     r"firmware update granularity, 4096 bytes", True),
    ("fw-download --generate 4k --xfer 6", r"^error: --xfer 6: a piece is a positive multiple of 4 bytes$", True),
    ("fw-commit", r"^error: missing --action \(0 replace, 1 replace-activate, 2 activate, 3 replace-activate-now\)$", True),
    ("fw-commit -a 9", r"^error: --action 9 is out of range \(0\.\.3\)$", True),
    ("fw-commit -a 7", r"^error: --action 7: boot partition actions are not supported$", True),
    ("fw-commit -a bogus", r"^error: bad value for --action: 'bogus'", True),
    ("fw-commit -a 1 -s 8", r"^error: --slot 8 is out of range \(at most 7\)$", True),
    # sanitize / format
    ("sanitize", r"^error: missing --sanact \(block-erase, crypto-erase, overwrite or exit-failure\)$", True),
    ("sanitize -a bogus", r"^error: bad value for --sanact: 'bogus'", True),
    ("sanitize -a 5", r"^error: bad value for --sanact: '5'", True),
    ("sanitize -a 2 --owpass 3", r"^error: --owpass, --oipbp and --ovrpat go with --sanact overwrite$", True),
    ("sanitize -a overwrite --owpass 17", r"^error: --owpass 17 is out of range \(at most 16\)$", True),
    ("sanitize -a overwrite --owpass 0", r"^error: --owpass 0: 1\.\.16 overwrite passes$", True),
    ("sanitize -a overwrite --ovrpat x", r"^error: bad number for --ovrpat: 'x'$", True),
    ("format --lbaf x", r"^error: bad number for --lbaf: 'x'$", True),
    ("format --ses 3", r"^error: --ses 3 is out of range \(at most 2\)$", True),
    ("format -n 4", r"^error: no namespace nvme0n4 \(known: nvme0n1\)$", True),
    ("format -n 0xffffffff", r"^error: missing --lbaf \(needed with --namespace-id 0xffffffff\)$", True),
    ("format --pi 4", r"^error: --pi 4 is out of range \(at most 3\)$", True),
    ("ns-rescan extra", r"^error: unexpected argument 'extra'$", True),
    ("ns-rescan nvme5", r"^error: no controller nvme5 \(known: nvme0\)$", True),
    # reservations, events
    ("resv-acquire", r"^error: missing --rtype 1\.\.6 \(the reservation type\)$", True),
    ("resv-register -r 3", r"^error: --rrega 3 is out of range \(at most 2\)$", True),
    ("resv-register -k xyz", r"^error: bad number for --nrkey: 'xyz'$", True),
    ("resv-register -p 1", r"^error: --cptpl 1 is reserved", True),
    ("resv-release -a 2", r"^error: --rrela 2 is out of range \(at most 1\)$", True),
    ("resv-report -d 2", r"^error: --numd 2: the report header alone is 24 bytes", True),
    ("events nvme7", r"^error: no controller nvme7 \(known: nvme0\)$", True),
    ("events --bogus", r"^error: unknown option '--bogus'$", True),
]


@t.case("nvme-opt-bad-input")
def _():
    name = "nvme-opt-bad-input"
    disk = Disk(os.path.join(OUT, name), "ns1", 16 << 20, seed=73)
    c0 = Controller("c0", "nvmetk-optbad")
    c0.ns(1, disk)
    with Machine(name, nvme=False, qemu_args=controllers([c0]), timeout=400) as m:
        m.expect_prompt()
        for cmd, err, usage in BAD:
            bad(m, cmd, err, usage)
        # the partition area: trim/write-zeroes/dsm --ad ask, 'no' changes nothing
        for cmd in ("trim -s 0 --count 4", "write-zeroes -s 33", "dsm -s 10,100 -b 1,1 --ad"):
            out = answer(m, cmd, "no", r'nvme0: model "%s", serial "nvmetk-optbad"\n' % MODEL,
                         r"this will .*where partition tables live\n")
            assert "aborted: nothing was changed" in out, out
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()   # nothing above may have changed the image


t.run()
