# SPDX-License-Identifier: BSD-2-Clause
"""Success paths of shell commands that had none of their own in QEMU or the
simulator (the audit of issue 19: tests/sim/README.md lists every command):
`status` after a success, after a usage error and repeated."""
from simtest import Sim


def test_status(t):
    r = Sim().run("status\necho hi\nstatus\nread -s 99999999\nstatus\nstatus\n")
    t.clean(r)
    t.eq([l for l in r.out.splitlines() if l.startswith("status ")],
         ["status 0", "status 0", "status 2", "status 2"],
         "status: at start, after echo, after a usage error, and again (unchanged)")
    t.has(r, r"^error: start block 99999999 is beyond the end of nvme0n1", "the failing line")
