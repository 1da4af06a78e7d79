# SPDX-License-Identifier: BSD-2-Clause
"""Real drives' features through the shell (issue 13): device self-test
(short with the progress bar, extended and --abort, a failing segment),
the self-test log with nvme-cli's field names, the Telemetry Host-Initiated
log (data and generation), power states (table, current state, setting one,
non-operational refused without --force, a broken deepest state recovered)
and the Host Memory Buffer as `list -v`, `id-ctrl -H` and `get-feature -f
0x0d` show it. QEMU 7.2's
controller has none of these, so their success paths run only here."""
from simtest import Sim

DST = ["--self-test", "1500,4000"]


def test_self_test_short_with_progress(t):
    r = Sim(*DST).run("device-self-test --wait\nself-test-log\n")
    t.clean(r)
    t.has(r, r"^nvme0: short device self-test started \(NSID 0x0\)$", "start message")
    # the bar moves: at least one reading strictly between 0 and 100 %, then 100 %
    t.has(r, r"self-test \[#+\.+\] +([1-9]|[1-9]\d)% \((\d+)/100\)", "progress bar in between")
    t.has(r, r"self-test \[#{20}\] 100% \(100/100\)", "progress bar complete")
    res = r.section(r"^Self Test Result\[0\]:", r"^nvmetk>|^Device Self Test Log")
    t.has(r, r"^  Operation Result +: 0 \(completed without error\)$", "result 0", text=res)
    t.has(r, r"^  Self Test Code +: 1$", "code 1 (short)", text=res)
    log = r.section(r"^Device Self Test Log for NVME device:nvme0$")
    t.has(r, r"^Current operation  : 0x0$", "no test running afterwards", text=log)
    t.has(r, r"^Current Completion : 0%$", "completion field", text=log)
    t.has(r, r"^  Operation Result +: 0 \(completed without error\)$", "log keeps the result", text=log)
    t.has(r, r"^  Valid Diagnostic Information : 0x0$", "no diagnostic fields for a pass", text=log)
    t.has(r, r"^  Power on hours \(POH\) +: 0x[0-9a-f]+$", "POH field", text=log)
    t.lacks(r, r"Failing LBA", "failing LBA for a passed test", text=log)


def test_self_test_extended_abort(t):
    r = Sim(*DST).run("device-self-test -s extended\nself-test-log\ndevice-self-test --abort\nself-test-log\n")
    t.clean(r)
    t.has(r, r"^nvme0: extended device self-test started \(NSID 0x0\)$", "extended started")
    running = r.section(r"^Device Self Test Log", r"^nvmetk> device-self-test --abort")
    t.has(r, r"^Current operation  : 0x2$", "the extended test is running", text=running)
    t.has(r, r"^nvme0: device self-test aborted$", "abort message")
    after = r.section(r"^nvme0: device self-test aborted$")
    t.has(r, r"^Current operation  : 0x0$", "nothing running after the abort", text=after)
    t.has(r, r"^  Operation Result +: 1 \(aborted by a Device Self-test command\)$", "result 1", text=after)
    t.has(r, r"^  Self Test Code +: 2$", "code 2 (extended)", text=after)


def test_self_test_failing_segment(t):
    r = Sim("--self-test", "300", "--self-test-fail", "3:0x1234",
            "-c", "set -e; device-self-test -n 1 --wait").run()
    t.clean(r, status=None)
    t.true(r.status not in (0, None), "a failed self-test ends the script with a failure (status %s)" % r.status)
    t.has(r, r"^nvme0n1: short device self-test started \(NSID 0x1\)$", "namespace test started")
    t.has(r, r"^  Operation Result +: 7 \(completed with one or more failed segments\)$", "result 7")
    t.has(r, r"^  Valid Diagnostic Information : 0xf$", "NSID, FLBA, SCT, SC valid")
    t.has(r, r"^  Segment Number +: 3$", "segment 3")
    t.has(r, r"^  Namespace Identifier \(NSID\) +: 0x1$", "NSID 1")
    t.has(r, r"^  Failing LBA +: 0x1234$", "failing LBA")
    t.has(r, r"^  Status Code Type +: 0x2$", "SCT media error")
    t.has(r, r"^  Status Code +: 0x81$", "SC Unrecovered Read Error")
    t.has(r, r"^set -e: 'device-self-test' failed", "the command reports the failure")


def test_self_test_not_offered(t):
    r = Sim().run("device-self-test\nid-ctrl -H\n")
    t.clean(r)
    t.has(r, r"^error: .*Device Self-test", "refused without --self-test")
    t.lacks(r, r"Device Self-test \]", "OACS does not advertise it")


def test_telemetry_data_and_generation(t):
    r = Sim("--telemetry", "2,4,6").run("telemetry-log -d 1\ntelemetry-log -d 2\ntelemetry-log -d 1 --no-create\n")
    t.clean(r)
    heads = [l for l in r.out.splitlines() if l.startswith("nvme0: telemetry host-initiated:")]
    t.eq(len(heads), 3, "telemetry header lines")
    t.has(r, r"^nvme0: telemetry host-initiated: generation 1, data areas end at blocks 2/4/6, "
             r"controller-initiated data not available \(generation 0\), OUI 123456$", "first capture")
    t.has(r, r"^nvme0: telemetry host-initiated: generation 2, data areas end", "second capture bumps it")
    t.eq(len([h for h in heads if "generation 2," in h]), 2, "--no-create keeps generation 2")
    t.has(r, r"^1536 bytes \(header and data areas 1\.\.1\):$", "area 1 = header + 2 blocks")
    t.has(r, r"^2560 bytes \(header and data areas 1\.\.2\):$", "areas 1..2 = header + 4 blocks")
    first = r.section(r"^nvme0: telemetry host-initiated: generation 1", r"^nvmetk>")
    # header: log identifier 07h, OUI, area ends; then the model's data: block b
    # byte i = generation*31 + b*7 + i
    t.has(r, r"^00000000  07 00 00 00 00 12 34 56  02 00 04 00 06 00 00 00 ", "header bytes", text=first)
    t.has(r, r"^00000170  (00 ){8} (00 ){5}01 00 00 ", "generation byte 381", text=first)
    t.has(r, r"^00000200  26 27 28 29 2a 2b 2c 2d ", "block 1, generation 1", text=first)
    t.has(r, r"^00000400  2d 2e 2f 30 ", "block 2, generation 1", text=first)
    t.has(r, r"^00000600$", "ends after 1536 bytes", text=first)
    second = r.section(r"^nvme0: telemetry host-initiated: generation 2", r"^nvmetk>")
    t.has(r, r"^00000200  45 46 47 48 ", "block 1, generation 2", text=second)
    t.has(r, r"^00000a00$", "ends after 2560 bytes", text=second)


def test_power_states(t):
    r = Sim("--power-states", "5").run("power\npower -s 1\npower -s 3\npower -s 3 --force\npower\npower -s 9\n")
    t.clean(r)
    table = r.section(r"^nvme0: 5 power states \(NPSS 4\)$", r"^nvmetk>")
    t.has(r, r"^ps  max power +op +entry lat +exit lat +rrt rrl rwt rwl +idle power +active power$", "header",
          text=table)
    t.has(r, r"^ 0  25\.0000 W +yes +0 us +0 us +0 +0 +0 +0 ", "state 0", text=table)
    t.has(r, r"^ 2  17\.0000 W +yes +4000 us +8000 us +2 +2 +2 +2 ", "state 2", text=table)
    t.has(r, r"^ 3  13\.0000 W +no +9000 us +18000 us ", "state 3 non-operational", text=table)
    t.has(r, r"^ 4  9\.0000 W +no +16000 us +32000 us ", "state 4 non-operational", text=table)
    t.has(r, r"^current power state: 0 \(workload hint 0\)$", "current state 0", text=table)
    t.has(r, r"^nvme0: power state 1$", "state 1 set")
    t.has(r, r"^error: Set Features \(Power Management\): .*non-operational.*--force", "state 3 refused")
    t.has(r, r"^nvme0: power state 3$", "state 3 set with --force")
    last = r.section(r"^nvmetk> power$", None)
    last = last[last.find("nvme0: power state 3"):]
    t.has(r, r"^current power state: 3 \(workload hint 0\)$", "current state 3 afterwards", text=last)
    t.has(r, r"^error: power state 9 does not exist \(NPSS 4: states 0\.\.4\)$", "state 9 refused")


def test_hmb_shown(t):
    # the write leaves a checksum per block in the buffer, the read checks it
    r = Sim("--hmb", "8M,2M").run("list -v\nid-ctrl -H\nget-feature -f 0x0d\n"
                                  "write -s 100 -c 63 --pattern 0x5a --yes\nread -s 100 -c 63 --check 0x5a\n")
    t.clean(r)
    line = (r"host memory buffer: enabled, 8192 KiB in 1 chunk\(s\) \(largest 8192 KiB\); "
            r"controller prefers 8192 KiB, needs 2048 KiB$")
    t.has(r, r"^nvme0: " + line, "list -v")
    t.has(r, r"^hmpre +: 2048$", "id-ctrl HMPRE (4 KiB units)")
    t.has(r, r"^hmmin +: 512$", "id-ctrl HMMIN")
    t.has(r, r"^\t\[HMB\]: " + line, "id-ctrl -H HMB state")
    feat = r.section(r"^get-feature:0x0d \(Host Memory Buffer\), Current value:0x00000001$", r"^nvmetk>")
    t.true(feat != "", "get-feature 0x0d current value 1")
    t.has(r, r"^\tEnable Host Memory \(EHM\): 1$", "EHM", text=feat)
    t.has(r, r"^\tHost Memory Buffer Size \(HSIZE\): 2048 pages$", "HSIZE", text=feat)
    t.has(r, r"^\tHost Memory Descriptor List Entry Count \(HMDLEC\): 1$", "HMDLEC", text=feat)
    t.has(r, r"^write: Success: nvme0n1 LBA 100\.\.163 \(64 blocks", "write with the HMB in use")
    t.has(r, r"^read: Success: nvme0n1 LBA 100\.\.163 \(64 blocks, 32 KiB\), matches byte 0x5a", "read checked")
    t.lacks(r, r"^error:", "an error with the HMB in use")


def test_hmb_refused_and_absent(t):
    r = Sim("--hmb", "4M", "--hmb-refuse").run("list -v\n")
    t.clean(r)
    t.has(r, r"^nvme0: host memory buffer: none given \(Invalid Field in Command.*\); controller prefers 4096 KiB, "
             r"needs 4096 KiB$", "refused HMB in list -v")
    r = Sim().run("list -v\n")
    t.clean(r)
    t.has(r, r"^nvme0: host memory buffer: not asked for \(HMPRE 0\)$", "no HMB without --hmb")


def test_power_deepest_broken_recovered(t):
    r = Sim("--power-states", "3", "--ps-deepest-broken").run("power -s 2 --force\npower\nread -s 0 -c 7\n")
    t.clean(r)
    t.has(r, r"^nvme0: power state 2$", "the deepest state entered")
    t.has(r, r"CSTS\.CFS set: controller fatal status", "the controller fails in it")
    t.has(r, r"^nvme0: .*re-initialised: 1 I/O queue pair", "the driver recovers by a reset")
    t.has(r, r"^read: Success: nvme0n1 LBA 0\.\.7 ", "I/O works afterwards")
