# SPDX-License-Identifier: BSD-2-Clause
"""Controller-level NVMe commands: shutdown/resume/reset, I/O queue pairs,
features, selftest and the driver's log level. I/O keeps working after each
step, and the images are checked on the host afterwards."""
import os
import re
import struct
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, ok, bad

t = TestFile()


def setup(name, seed, cmdline=""):
    disk = Disk(os.path.join(OUT, name), "ns1", 16 << 20, seed=seed)
    c0 = Controller("c0", "nvmetk-ctrl")
    c0.ns(1, disk)
    return disk, Machine(name, nvme=False, qemu_args=controllers([c0]), cmdline=cmdline)


@t.case("nvme-shutdown-resume-reset")
def _():
    disk, m = setup("nvme-shutdown-resume-reset", 51)
    with m:
        m.expect_prompt()
        ok(m, "write -s 100 --count 64 --pattern random --seed 1", r"write: Success")
        disk.write_pattern(100, 64, 512, "random", seed=1)
        ok(m, "shutdown", r"nvme0: normal shutdown in \d+ ms; state shut down, 0 I/O queue pairs")
        bad(m, "read -s 100", r"^error: nvme0 is shut down \(resume brings it back\)$", usage=False)
        ok(m, "queues", r"nvme0: shut down, 0 I/O queue pairs")
        ok(m, "resume", r"nvme0: resumed in \d+ ms; state ready, 1 I/O queue pair, 1 namespace")
        ok(m, "read -s 100 --count 64 --check random --seed 1", r"matches random seed 1")
        ok(m, "write -s 500 --count 10 --pattern inc", r"write: Success")
        disk.write_pattern(500, 10, 512, "inc")
        ok(m, "shutdown nvme0 --abrupt", r"nvme0: abrupt shutdown in \d+ ms; state shut down")
        ok(m, "reset", r"nvme0: reset in \d+ ms; state ready, 1 I/O queue pair")
        ok(m, "read -s 100 --count 64 --check random --seed 1", r"matches")
        ok(m, "read -s 500 --count 10 --check inc", r"matches")
        ok(m, "nvme reset nvme0n1", r"nvme0: reset in \d+ ms; state ready")
        ok(m, "write -s 900 --count 3 --pattern 0x99", r"write: Success")
        disk.write_pattern(900, 3, 512, "byte", byte=0x99)
        ok(m, "read -s 900 --count 3 --check 0x99", r"matches")
        ok(m, "selftest", r"selftest: \d+ passed, 0 failed")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()


def submitted(out, qid):
    g = re.search(r"\n +%d io +\d+ +\d+ +(\d+) +(\d+) +(\d+) " % qid, out)
    assert g, "queue %d not listed:\n%s" % (qid, out)
    return int(g.group(1)), int(g.group(3))


@t.case("nvme-queues")
def _():
    disk, m = setup("nvme-queues", 52, cmdline="nvmeqs=2")
    with m:
        m.expect(r"nvme0: max transfer 512 KiB, 2 I/O queue pairs")
        m.expect_prompt()
        out = ok(m, "queues", r"nvme0: ready, 2 I/O queue pairs \(up to 16: qid 1\.\.16\)", r"\n +0 admin +32 ")
        submitted(out, 1)
        submitted(out, 2)
        ok(m, "create-queue", r"nvme0: created I/O queue pair 3, depth 256 \(3 I/O queue pairs now\)")
        ok(m, "create-queue -q 9 -d 32", r"created I/O queue pair 9, depth 32 \(4 I/O queue pairs now\)")
        ok(m, "write -q 9 -s 40 --count 300 --pattern random --seed 9", r"write: Success")
        disk.write_pattern(40, 300, 512, "random", seed=9)
        ok(m, "read -q 3 -s 40 --count 300 --check random --seed 9", r"matches")
        ok(m, "read -q 2 -s 40 --count 300 --check random --seed 9", r"matches")
        ok(m, "flush -q 9", r"NVMe Flush: success")
        out = ok(m, "queues")
        for qid in (2, 3, 9):
            sub, err = submitted(out, qid)
            assert sub >= 1 and err == 0, "queue %d: %d submitted, %d errors\n%s" % (qid, sub, err, out)
        assert re.search(r"\n +9 io +32 ", out), out
        ok(m, "delete-queue -q 2", r"nvme0: deleted I/O queue pair 2 \(3 I/O queue pairs left\)")
        bad(m, "read -q 2", r"^error: no I/O queue 2 on nvme0 \(existing: 1, 3, 9\)$")
        ok(m, "set-queue-count 4", r"nvme0: controller reset, 4 I/O queue pairs \(asked for 4\)")
        out = ok(m, "queues")
        assert [int(q) for q in re.findall(r"\n +(\d+) io ", out)] == [1, 2, 3, 4], out
        ok(m, "write -q 4 -s 1000 --count 5 --pattern 0x44", r"write: Success")
        disk.write_pattern(1000, 5, 512, "byte", byte=0x44)
        ok(m, "read -q 1 -s 1000 --count 5 --check 0x44", r"matches")
        ok(m, "set-queue-count 0", r"0 I/O queue pairs")
        out = m.run("read -s 40")
        assert re.search(r"^error: read failed at LBA 40\.\.40: .+", out, re.M), out
        ok(m, "set-queue-count 1", r"1 I/O queue pair \(asked for 1\)")
        ok(m, "read -s 40 --count 300 --check random --seed 9", r"matches")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()


@t.case("nvme-features")
def _():
    disk, m = setup("nvme-features", 53)
    with m:
        m.expect_prompt()
        out = ok(m, "get-feature", r"get-feature:0x01 \(Arbitration\), Current value:0x[0-9a-f]{8}\n\tArbitration Burst",
                 r"get-feature:0x07 \(Number of Queues\), Current value:0x[0-9a-f]{8}\n\tNumber of IO Submission",
                 r"get-feature:0x0c \(Autonomous Power State Transition\): not supported \(APSTA bit 0 is 0\)")
        ok(m, "get-feature -f 6", r"get-feature:0x06 \(Volatile Write Cache\), Current value:0x00000001\n"
           r"\tVolatile Write Cache Enable \(WCE\): Enabled")
        ok(m, "get-feature -f 6 -s 3", r"Supported capabilities value:0x[0-9a-f]{8}\n\t.*, changeable")
        ok(m, "set-feature -f 6 -v 0", r"set-feature:0x06 \(Volatile Write Cache\), value:0x00000000, save:0",
           r"WCE\): Disabled")
        ok(m, "get-feature -f 6", r"Current value:0x00000000\n\tVolatile Write Cache Enable \(WCE\): Disabled")
        ok(m, "write -s 60 --count 8 --pattern inc --seed 60", r"write: Success")  # write-through now
        disk.write_pattern(60, 8, 512, "inc", seed=60)
        ok(m, "set-feature -f 6 -v 1", r"WCE\): Enabled")
        ok(m, "get-feature -f 6", r"Current value:0x00000001")
        # Temperature Threshold: 343 K default on QEMU, set to 350 K and back
        ok(m, "get-feature -f 4", r"Temperature Threshold \(TMPTH\): \d+ K")
        ok(m, "set-feature -f 4 -v 350", r"value:0x0000015e", r"TMPTH\): 350 K \(77 C\)")
        ok(m, "get-feature -f 4", r"Current value:0x0000015e\n\tTemperature Threshold \(TMPTH\): 350 K \(77 C\)")
        # Timestamp: 8 bytes of data, milliseconds since 1970
        ms = 1700000000000
        ok(m, "set-feature -f 0xe --data %s" % struct.pack("<Q", ms).hex(), r"set-feature:0x0e \(Timestamp\)")
        out = ok(m, "get-feature -f 0xe", r"\tTimestamp: (\d+) ms = 2023-11-14 22:13:\d\d\.\d{3} UTC")
        got = int(re.search(r"Timestamp: (\d+) ms", out).group(1))
        assert ms <= got < ms + 120000, "timestamp %d after setting %d" % (got, ms)
        # what QEMU refuses comes back as its status, in words
        out = m.run("set-feature -f 1 -v 0x03020103")
        assert re.search(r"^error: set-feature 0x01 \(Arbitration\) failed: Feature Not Changeable "
                         r"\(SCT 1h SC 0eh, DNR\)$", out, re.M), out
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()


@t.case("nvme-selftest-loglevel")
def _():
    disk, m = setup("nvme-selftest-loglevel", 54, cmdline="nvmelog=warn")
    with m:
        m.expect(r'nvme0: model "QEMU NVMe Ctrl"')
        m.expect_prompt()
        assert "nvme0: nvme@" not in m.text(), "driver info lines printed at nvmelog=warn"
        ok(m, "loglevel", r"nvme log level: warn \(1\); printed: error warn\n")
        out = ok(m, "selftest", r"selftest: (\d+) passed, 0 failed")
        for what in ("registers", "Identify data", "active namespaces", "Number of Queues",
                     "nvme0n1 read LBA 0\n", "nvme0n1 read last LBA 32767", "nvme0n1 flush", "queue 1:"):
            assert "PASS nvme0" in out and what in out, "selftest lacks %r:\n%s" % (what, out)
        assert "FAIL" not in out, out
        ok(m, "selftest --write-lba 100", r"PASS nvme0n1 write test: read back, 0 bytes differ",
           r"PASS nvme0n1 write test: original data restored", r"selftest: \d+ passed, 0 failed")
        m.sendline("selftest nvme0n1 --write-lba 3")
        m.expect(r"this will write LBA 3 of nvme0n1")
        m.expect(re.escape("Continue? [type 'yes' to continue]: "))
        m.sendline("no")
        m.expect("aborted: nothing was changed")
        m.expect_prompt()
        ok(m, "loglevel debug", r"printed: error warn info debug\n")
        ok(m, "id-ctrl", r"nvme0: debug: .*admin opcode 06")
        ok(m, "loglevel info")
        ok(m, "reset", r"nvme0: nvme@[0-9a-f]+: controller reset")
        ok(m, "loglevel error")
        out = ok(m, "reset", r"nvme0: reset in")
        assert "nvme@" not in out, out
        ok(m, "loglevel trace", r"note: this kernel is built with NVME_CFG_TRACE=0")
        ok(m, "loglevel 2", r"nvme log level: info \(2\)")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()  # selftest restored the block it wrote


t.run()
