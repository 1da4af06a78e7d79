# SPDX-License-Identifier: BSD-2-Clause
"""Namespace attachment in a QEMU 7.2 NVM subsystem (-device nvme-subsys, two
controllers, a shared namespace and a detached one): list-ctrl, list-ns
--all, attach-ns / detach-ns on either controller with the namespace table
rescanned, data written through one controller read through the other and
checked in the host image; create-ns and delete-ns, which QEMU 7.2 does not
implement although OACS bit 3 is set, answered with its clear refusal."""
import os
import re
import time
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, ok, bad

t = TestFile()
BS = 512
EVENT_WAIT_S = 60


def changed(m, cmd, ctrl, *patterns):
    """Run an attach/detach command, then wait for the Namespace Attribute
    Changed event QEMU sends to ctrl (printed by the kernel, maybe while the
    command still runs), so that it does not cut into the next command line."""
    start = len(m.text())
    out = ok(m, cmd, *patterns)
    rx = re.compile(r"%s: event \d+: notice: namespace attribute changed \(log 04h read\)" % ctrl)
    deadline = time.monotonic() + EVENT_WAIT_S
    while not rx.search(m.text()[start:]):
        assert time.monotonic() < deadline, "%r: no event on %s within %d s:\n%s" % (cmd, ctrl, EVENT_WAIT_S,
                                                                                 m.tail())
        time.sleep(0.5)
    time.sleep(0.5)
    return out


@t.case("nvme-nsattach")
def _():
    name = "nvme-nsattach"
    wd = os.path.join(OUT, name)
    d1 = Disk(wd, "shared1", 8 << 20, seed=71)
    d2 = Disk(wd, "detached2", 8 << 20, seed=72)
    args = [
        "-device", "nvme-subsys,id=subsys0,nqn=nvmetk-subsys0",
        "-device", "nvme,id=c0,serial=nvmetk-ss,subsys=subsys0",
        "-device", "nvme,id=c1,serial=nvmetk-ss,subsys=subsys0",
        "-drive", "file=%s,format=raw,if=none,id=d1" % d1.path,
        "-device", "nvme-ns,drive=d1,bus=c0,nsid=1,shared=true",
        "-drive", "file=%s,format=raw,if=none,id=d2" % d2.path,
        "-device", "nvme-ns,drive=d2,bus=c0,nsid=2,shared=true,detached=true",
    ]
    with Machine(name, nvme=False, qemu_args=args, timeout=400) as m:
        m.expect(r"nvme: 2 controllers attached", timeout=120)
        m.expect_prompt()
        out = ok(m, "list")
        assert re.search(r"^nvme0n1 ", out, re.M) and re.search(r"^nvme1n1 ", out, re.M), out
        assert not re.search(r"^nvme\dn2 ", out, re.M), out
        ok(m, "id-ctrl", r"\noacs +: 0x10a\n")
        # the subsystem's controllers, and namespace 1's
        out = ok(m, "list-ctrl", r"(?m)^num of ctrls present: 2\n")
        ids = re.findall(r"^\[ +\d+\]:(0x[0-9a-f]+)$", out, re.M)
        assert len(ids) == 2, out
        me0 = re.search(r"\(this controller: (0x[0-9a-f]+)\)", out).group(1)
        me1 = re.search(r"\(this controller: (0x[0-9a-f]+)\)", ok(m, "list-ctrl nvme1")).group(1)
        assert sorted([me0, me1]) == sorted(ids), (me0, me1, ids)
        out = ok(m, "list-ctrl -n 1", r"(?m)^num of ctrls present: 2\n")
        ok(m, "list-ctrl -n 2", r"(?m)^num of ctrls present: 0\n")
        # active and allocated namespaces
        out = ok(m, "list-ns")
        assert re.findall(r"^\[ +\d+\]:(\S+)", out, re.M) == ["0x1"], out
        ok(m, "list-ns --all", r"\[   0\]:0x1\n\[   1\]:0x2 \(not attached here\)\n")
        bad(m, "read nvme0n2", r"^error: no namespace nvme0n2 \(known: nvme0n1\)$")

        # attach namespace 2 to controller 0, write it there
        changed(m, "attach-ns nvme0 -n 2", "nvme0",
                r"attach-ns: Success, nsid:2 \(this controller \(%s\)\); nvme0 has 2 namespaces now" % me0)
        ok(m, "list-ns nvme0", r"\[   1\]:0x2\n")
        ok(m, "list-ctrl -n 2", r"(?m)^num of ctrls present: 1\n\[   0\]:%s\n" % me0)
        ok(m, "write nvme0n2 -s 100 --count 16 --pattern random --seed 4", r"write: Success: nvme0n2 LBA 100\.\.115")
        d2.write_pattern(100, 16, BS, "random", seed=4)
        bad(m, "attach-ns nvme0 -n 2",
            r"^error: Namespace Attachment \(attach\) failed: Namespace Already Attached \(SCT 1h SC 18h, DNR\)$",
            usage=False)
        # detach it from controller 0 (asks unless --yes): gone from nvme0
        changed(m, "detach-ns nvme0 -n 2 --yes", "nvme0",
                r"this will detach namespace 2 from this controller \(%s\): it disappears from this controller" % me0,
           r"detach-ns: Success, nsid:2 .*; nvme0 has 1 namespace now")
        bad(m, "read nvme0n2", r"^error: no namespace nvme0n2 \(known: nvme0n1\)$")
        ok(m, "list-ns --all", r"\[   1\]:0x2 \(not attached here\)\n")
        out = m.run("detach-ns nvme0 -n 2 --yes")
        assert re.search(r"(?m)^error: Namespace Attachment \(detach\) failed: Namespace Not Attached "
                         r"\(SCT 1h SC 1ah, DNR\)$", out), out
        # attach it to controller 1 by its ID from controller 0: nvme1 reads the data
        changed(m, "attach-ns nvme0 -n 2 -c %s" % me1, "nvme1", r"attach-ns: Success, nsid:2 \(controller %s\)" % me1)
        # nvme1 found it through the event alone (Changed Namespace List, rescan)
        ok(m, "events nvme1", r"namespace attribute changed \(log 04h read\): 1 changed: 2; added 2")
        ok(m, "read nvme1n2 -s 100 --count 16 --check random --seed 4", r"matches random seed 4")
        ok(m, "write nvme1n2 -s 300 --count 4 --pattern 0x5c", r"write: Success")
        d2.write_pattern(300, 4, BS, "byte", byte=0x5c)
        changed(m, "detach-ns nvme1 -n 2 --yes", "nvme1", r"detach-ns: Success, nsid:2 .*; nvme1 has 1 namespace now")
        # an unknown controller ID
        bad(m, "attach-ns nvme0 -n 2 -c 0x7ff",
            r"^error: Namespace Attachment \(attach\) failed: Controller List Invalid \(SCT 1h SC 1ch, DNR\)$",
            usage=False)

        # Namespace Management: OACS bit 3 is set, QEMU 7.2 does not implement it
        bad(m, "create-ns -s 1000",
            r"^error: Namespace Management \(create\) failed: Invalid Command Opcode \(SCT 0h SC 01h, DNR\)$",
            usage=False)
        out = m.run("delete-ns -n 2 --yes")
        assert re.search(r"this will delete namespace 2: all its data is lost", out), out
        assert re.search(r"(?m)^error: Namespace Management \(delete\) failed: Invalid Command Opcode "
                         r"\(SCT 0h SC 01h, DNR\)$", out), out
        ok(m, "list-ns --all", r"\[   1\]:0x2 \(not attached here\)\n")
        ok(m, "events nvme1", r"1 changed: 2; 1 namespace\(s\)")  # the detach had rescanned already
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    d1.check()
    d2.check()

t.run()
