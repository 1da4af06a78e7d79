# SPDX-License-Identifier: BSD-2-Clause
"""Real drives' features (issue 13) against QEMU 7.2's controller, which has
one power state, no Device Self-test (OACS bit 4 clear), no telemetry (LPA
bit 3 clear), asks for no Host Memory Buffer and needs no quirk: `power`
shows its single state and refuses others, the self-test and telemetry
commands are refused with the capability bit named (nothing sent), list -v
and id-ctrl -H show no quirks and no HMB, and every bad input gets an error
and the usage line."""
from nvmetk_qemu import Machine, TestFile
from nvme_disk import ok, bad

t = TestFile()


@t.case("nvme-drives-qemu")
def _():
    with Machine("nvme-drives-qemu") as m:
        m.expect_prompt()
        # power: QEMU's one power state (PS 0, 25 W, operational)
        out = ok(m, "power", r"nvme0: 1 power state \(NPSS 0\)\n",
                 r"\n 0  25\.0000 W +yes ",
                 r"current power state: 0 \(workload hint 0\)\n",
                 r"autonomous power state transitions: not supported \(APSTA bit 0 clear\)")
        assert "quirk" not in out, out
        ok(m, "power -s 0", r"nvme0: already in power state 0 \(nothing sent\)\n")
        ok(m, "power", r"current power state: 0 ")
        bad(m, "power -s 1", r"^error: power state 1 does not exist \(NPSS 0: states 0\.\.0\)$")
        bad(m, "power -s 40", r"^error: .*-s.* 40 is out of range|^error: --set 40")
        bad(m, "power nvme7", r"^error: .*nvme7")
        # Device Self-test: refused by the capability bit, nothing sent
        bad(m, "device-self-test", r"^error: Device Self-test \(short\): not supported by this controller: "
            r"OACS bit 4 \(Device Self-test\) is clear")
        bad(m, "device-self-test -s 2 --wait", r"OACS bit 4 \(Device Self-test\) is clear")
        bad(m, "device-self-test --abort", r"OACS bit 4 \(Device Self-test\) is clear")
        bad(m, "self-test-log", r"OACS bit 4 \(Device Self-test\) is clear")
        bad(m, "device-self-test -s 3", r"^error: bad -s '3' \(expected 1/short or 2/extended")
        bad(m, "device-self-test --abort -s 1", r"^error: --abort takes no -s or --wait$")
        # Telemetry: LPA bit 3 clear
        bad(m, "telemetry-log", r"^error: Telemetry Host-Initiated log: not supported by this controller: "
            r"LPA bit 3 \(telemetry\) is clear")
        bad(m, "telemetry-log -d 4", r"^error: .*data-area.* 4|^error: --data-area")
        bad(m, "telemetry-log -d 0", r"^error: --data-area is 1, 2 or 3$")
        # no quirks, no HMB asked for
        ok(m, "list -v", r"nvme0: quirks: none\n", r"nvme0: host memory buffer: not asked for \(HMPRE 0\)\n")
        ok(m, "id-ctrl -H", r"hmpre +: 0\n", r"\t\[HMB\]: host memory buffer: not asked for")
        # the controller is still fine
        ok(m, "read -s 0 --count 1")
        m.sendline("exit 0")
        assert m.wait_exit() == 0



@t.case("nvme-drives-quirk-override")
def _():
    # nvmequirks= on the kernel command line: printed at attach and by list -v
    with Machine("nvme-drives-quirk-override", cmdline="nvmequirks=+no-deepest-ps,-sqe-128,+bogus") as m:
        m.expect(r'nvme: nvmequirks: unknown quirk "bogus" ignored\n')
        m.expect(r"nvme0: quirks: no-deepest-ps\n")
        m.expect_prompt()
        ok(m, "list -v", r"nvme0: quirks: no-deepest-ps\n")
        ok(m, "power", r"quirk no-deepest-ps: no effect \(one power state\)\n")
        ok(m, "power -s 0", r"nvme0: already in power state 0")
        ok(m, "read -s 0 --count 8")
        m.sendline("exit 0")
        assert m.wait_exit() == 0


t.run()

