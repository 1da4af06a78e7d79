# SPDX-License-Identifier: BSD-2-Clause
"""Every bad input to the NVMe commands gives a one-line error naming the
problem plus the command's usage line, the shell keeps answering, and the disk
is unchanged afterwards (host check)."""
import os
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, ok, bad

t = TestFile()

# (command, regex for the error line, usage line expected: True for the
# command's own, a name for another's, False for none)
CASES = [
    # unknown namespace / controller / device name
    ("read nvme0n7", r"^error: no namespace nvme0n7 \(known: nvme0n1\)$", True),
    ("read -n 7", r"^error: no namespace nvme0n7 \(known: nvme0n1\)$", True),
    ("id-ns -n 5", r"^error: no namespace nvme0n5 \(known: nvme0n1\)$", True),
    ("id-ctrl nvme0n9", r"^error: no namespace nvme0n9 \(known: nvme0n1\)$", True),
    ("read nvme4", r"^error: no controller nvme4 \(known: nvme0\)$", True),
    ("flush /dev/nvme4n1", r"^error: no controller nvme4 \(known: nvme0\)$", True),
    ("read nvme0x", r"^error: bad device name 'nvme0x' \(expected nvmeN or nvmeNnM", True),
    ("read -n 0", r"^error: --namespace-id 0 is not a namespace", True),
    ("read nvme0n1 -n 2", r"^error: two namespaces given: nvme0n1 and --namespace-id 2$", True),
    # LBA / count out of range, count 0, overflow
    ("read -s 32768", r"^error: start block 32768 is beyond the end of nvme0n1 \(32768 blocks, last LBA 32767\)$", True),
    ("write -s 32768 --pattern 0 --yes", r"^error: start block 32768 is beyond the end of nvme0n1", True),
    ("read -s 32767 --count 2", r"^error: LBA 32767 \+ 2 blocks runs past the end of nvme0n1 \(last LBA 32767\)$", True),
    ("write -s 100 -c 32767 --pattern 0", r"^error: LBA 100 \+ 32768 blocks runs past the end of nvme0n1", True),
    ("read -s 40 --count 0xffffffffffffffff", r"^error: start block 40 \+ 18446744073709551615 blocks overflows 64 bits$", True),
    ("read -c 0xffffffffffffffff", r"^error: --block-count 0xffffffffffffffff is too large$", True),
    ("read --count 0", r"^error: --count 0: at least one block is needed$", True),
    ("write -s 40 --count 0 --pattern 1", r"^error: --count 0: at least one block is needed$", True),
    ("read -z 0", r"^error: --data-size 0: at least one block is needed$", True),
    ("read -z 1000", r"^error: --data-size 1000 is not a multiple of the 512-byte block size of nvme0n1$", True),
    ("read --count 2 -c 5", r"^error: give --count \(1-based\) or --block-count \(0's based\), not both$", True),
    ("read -c 3 -z 1k", r"^error: --data-size 1k \(2 blocks\) does not match the block count 4$", True),
    ("selftest --write-lba 99999999", r"^error: --write-lba 99999999 is beyond the end of nvme0n1 \(last LBA 32767\)$", True),
    # missing arguments
    ("write -s 40", r"^error: missing --pattern or --data", True),
    ("read -s", r"^error: option '-s' needs a value$", True),
    ("get-feature -f", r"^error: option '-f' needs a value$", True),
    ("set-feature -v 1", r"^error: missing --feature-id$", True),
    ("set-feature -f 6", r"^error: missing --value \(and no --data\)$", True),
    ("delete-queue", r"^error: missing --qid$", True),
    ("set-queue-count", r"^error: missing COUNT$", True),
    ("nvme", r"^error: missing COMMAND", True),
    # non-numeric values
    ("read -s abc", r"^error: bad number for --start-block: 'abc'$", True),
    ("read --count 12x", r"^error: bad number for --count: '12x'$", True),
    ("read -n abc", r"^error: bad NSID for --namespace-id: 'abc'$", True),
    ("write -s 40 --pattern random --seed x", r"^error: bad number for --seed: 'x'$", True),
    ("get-feature -f xyz", r"^error: bad number for --feature-id: 'xyz'$", True),
    ("set-queue-count four", r"^error: bad number for COUNT: 'four'$", True),
    ("read -q two", r"^error: bad number for --qid: 'two'$", True),
    # bad values
    ("write -s 40 --pattern bogus", r"^error: bad pattern 'bogus' for --pattern \(expected a byte 0\.\.255, zero, inc or random\)$", True),
    ("write -s 40 --pattern 256", r"^error: bad pattern '256' for --pattern", True),
    ("read --check 0x1ff", r"^error: bad pattern '0x1ff' for --check", True),
    ("write -s 40 --data 0g", r"^error: bad hex data for --data: '0g'", True),
    ("write -s 40 --data abc", r"^error: bad hex data for --data: 'abc'", True),
    ("write -s 40 --pattern 1 --data 00", r"^error: give --pattern or --data, not both$", True),
    ("get-feature -f 256", r"^error: --feature-id 256 is out of range \(at most 255\)$", True),
    ("get-feature -f 6 -s 4", r"^error: --sel 4 is out of range \(at most 3\)$", True),
    ("get-feature -f 0", r"^error: --feature-id 0 is reserved$", True),
    ("read -q 5", r"^error: no I/O queue 5 on nvme0 \(existing: 1\)$", True),
    ("create-queue -q 17", r"^error: --qid 17 is out of range: nvme0 allows qid 1\.\.16$", True),
    ("create-queue -q 1", r"^error: I/O queue 1 already exists on nvme0$", True),
    ("create-queue -d 1", r"^error: --depth 1: a queue needs at least 2 entries$", True),
    ("delete-queue -q 0", r"^error: --qid 0 is the admin queue; it cannot be deleted$", True),
    ("delete-queue -q 9", r"^error: no I/O queue 9 on nvme0$", True),
    ("set-queue-count 17", r"^error: COUNT 17 is out of range: 0\.\.16$", True),
    ("loglevel loud", r"^error: unknown level 'loud'", True),
    # unknown options, extra arguments, unknown subcommands
    ("read --bogus", r"^error: unknown option '--bogus'$", True),
    ("read --=", r"^error: option '--=' has no name \(expected --NAME or --NAME=VALUE\)$", True),
    ("read --=5", r"^error: option '--=5' has no name \(expected --NAME or --NAME=VALUE\)$", True),
    ("read nvme0n1 extra", r"^error: unexpected argument 'extra'$", True),
    ("id-ctrl nvme0 nvme0", r"^error: unexpected argument 'nvme0'$", True),
    ("set-queue-count 2 3", r"^error: unexpected argument '3'$", True),
    ("set-queue-count nvme0 2 3 4", r"^error: too many arguments \(at '4'\)$", True),
    ("events nvme0 extra", r"^error: unexpected argument 'extra'$", True),
    ("list extra", r"^error: unexpected argument 'extra'$", True),
    ("selftest nvme0 extra", r"^error: unexpected argument 'extra'$", True),
    ("selftest -n 1 nvme0n1 extra", r"^error: unexpected argument 'extra'$", True),
    ("bench --ns nvme0n1 nvme0n1", r"^error: give the device as --ns NAME or as DEVICE, not both$", True),
    ("bench --ns nvme0n9", r"^error: no namespace nvme0n9 \(known: nvme0n1\)$", True),
    ("nvme frobnicate", r"^error: no NVMe command 'frobnicate'", True),
    ("nvme exit 0", r"^error: no NVMe command 'exit'", True),
    ("nvme read nvme0n3", r"^error: no namespace nvme0n3 \(known: nvme0n1\)$", "read"),
    # unsupported on this controller (QEMU: no APST, no keep alive, no HMB)
    ("get-feature -f 0x0c", r"^error: nvme0 does not support Autonomous Power State Transition \(Identify Controller: APSTA bit 0 is 0\)$", True),
    ("set-feature -f 0x0f -v 1000", r"^error: nvme0 does not support Keep Alive Timer \(Identify Controller: KAS is 0\)$", True),
    ("set-feature -f 0x0d -v 1", r"^error: the driver manages the host memory buffer \(list -v shows it\): not set$", True),
    ("set-feature -f 7 -v 0x00030003", r"^error: Number of Queues is set by the driver \(once per reset\): use set-queue-count$", True),
    # the device refuses: its status in words (QEMU: Error Recovery is per namespace)
    ("get-feature -f 5", r"^error: get-feature 0x05 \(Error Recovery\) failed: Invalid Namespace or Format \(SCT 0h SC 0bh, DNR\)$", False),
    ("resume", r"^error: nvme0 is not shut down \(state ready\); use reset to re-initialise it$", False),
]


@t.case("nvme-bad-input")
def _():
    name = "nvme-bad-input"
    disk = Disk(os.path.join(OUT, name), "ns1", 16 << 20, seed=41)
    c0 = Controller("c0", "nvmetk-bad")
    c0.ns(1, disk)
    with Machine(name, nvme=False, qemu_args=controllers([c0]), timeout=400) as m:
        m.expect_prompt()
        for cmd, err, usage in CASES:
            bad(m, cmd, err, usage)
        # a controller that is shut down refuses I/O with its state
        ok(m, "shutdown", r"normal shutdown in \d+ ms; state shut down")
        bad(m, "read", r"^error: nvme0 is shut down \(resume brings it back\)$", usage=False)
        bad(m, "write -s 40 --pattern 1", r"^error: nvme0 is shut down", usage=False)
        bad(m, "shutdown", r"^error: nvme0 is already shut down \(resume brings it back\)$", usage=False)
        out = ok(m, "list")
        assert "(shut down)" in out, out
        ok(m, "resume", r"resumed in \d+ ms; state ready")
        ok(m, "read -s 40 --count 2", r"read: Success")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    disk.check()  # nothing above may have written anything


t.run()
