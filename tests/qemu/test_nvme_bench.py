# SPDX-License-Identifier: BSD-2-Clause
"""`bench`: short runs in polling (every wait strategy) and interrupt mode,
`bench-floor` and `poll-wait`. Checks that the output is well formed and the
counts are sane (I/Os done, no errors, doorbell writes per I/O within [0, 2],
interrupts counted in --irq mode and with --wait halt or hybrid), that the queues are
back in their old mode and I/O still works afterwards. Never a speed
threshold: no test passes or fails on a time. Also bench/table.py on made-up
results: a failed or stalled run is reported as failed, never a ratio."""
import os
import re
import subprocess
import tempfile
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, ok, bad

t = TestFile()

FIELDS = ("job", "dev", "rw", "bs", "qd", "queues", "mode", "time_s", "ios", "iops", "bw_kib",
          "lat_us_mean", "lat_us_p50", "lat_us_p99", "lat_us_p999", "doorbells_per_io", "shadow",
          "sq_mmio", "cq_mmio", "sq_shadow", "cq_shadow", "kicks", "submitted", "irqs", "errors", "wait",
          "spin_us", "empty_polls", "halts", "wake_msi", "wake_timer", "wake_other", "halted_us", "timer_found",
          "msi_empty", "reaps", "direct_halts", "lat", "dptr", "spin_hits", "spin_misses", "spin_skipped",
          "spin_offs", "spin_ons", "gate_closes", "gate_held", "spin_irqs")
LAT_FIELDS = ("lat_us_mean", "lat_us_p50", "lat_us_p99", "lat_us_p999")
FLOOR_FIELDS = ("job", "dev", "rw", "bs", "qd", "time_s", "ios", "iops", "bw_kib", "lat_us_mean", "wait",
                "spin_us", "failed", "left", "passes", "halts")


def bench_line(out):
    """The BENCH line of out as a dict (every field present, numbers parsed)."""
    lines = [l for l in out.split("\n") if l.startswith("BENCH ")]
    assert len(lines) == 1, "expected one BENCH line:\n%s" % out
    kv = dict(w.split("=", 1) for w in lines[0].split()[1:])
    for f in FIELDS:
        assert f in kv, "BENCH line without %s: %s" % (f, lines[0])
    num = re.compile(r"^\d+(\.\d+)?$")
    assert kv["lat"] in ("on", "off") and kv["dptr"] in ("prp", "sgl", "mixed"), lines[0]
    for f in FIELDS:
        if f in LAT_FIELDS and kv["lat"] == "off":
            # --no-lat: nothing timed, nothing made up
            assert kv[f] == "-", "BENCH %s=%r with lat=off: %s" % (f, kv[f], lines[0])
        elif f not in ("job", "dev", "rw", "mode", "shadow", "wait", "lat", "dptr"):
            assert num.match(kv[f]), "BENCH %s=%r is not a number: %s" % (f, kv[f], lines[0])
    return kv


def floor_line(out):
    lines = [l for l in out.split("\n") if l.startswith("FLOOR ")]
    assert len(lines) == 1, "expected one FLOOR line:\n%s" % out
    kv = dict(w.split("=", 1) for w in lines[0].split()[1:])
    for f in FLOOR_FIELDS:
        assert f in kv, "FLOOR line without %s: %s" % (f, lines[0])
    assert int(kv["ios"]) > 0 and int(kv["iops"]) > 0 and float(kv["lat_us_mean"]) > 0, kv
    assert int(kv["failed"]) == 0 and int(kv["left"]) == 0, kv
    # every reaping pass took at least one completion and at most qd
    ios, passes, qd = int(kv["ios"]), int(kv["passes"]), int(kv["qd"])
    assert 0 < passes <= ios <= passes * qd, "floor passes do not add up: %s" % kv
    if qd == 1:
        assert passes == ios, kv
    if kv["wait"] == "spin":
        assert int(kv["halts"]) == 0, kv
    elif kv["wait"] != "hybrid":
        # (hybrid halts only when its spinning stops paying off)
        assert int(kv["halts"]) > 0, kv
    return kv


def sane(kv, mode, rw, bs, qd, queues=1, wait=None):
    assert kv["mode"] == mode and kv["rw"] == rw, kv
    if wait is not None:
        assert kv["wait"] == wait, kv
    assert int(kv["bs"]) == bs and int(kv["qd"]) == qd and int(kv["queues"]) == queues, kv
    ios = int(kv["ios"])
    assert ios > 0, "no I/O done: %s" % kv
    assert int(kv["errors"]) == 0, kv
    assert int(kv["iops"]) > 0 and int(kv["bw_kib"]) > 0, kv
    dpi = float(kv["doorbells_per_io"])
    assert 0.0 <= dpi <= 2.0, "doorbells per I/O %s outside [0, 2]" % dpi
    sub = int(kv["submitted"])
    # Both counts cover the measuring window only: up to qd * queues commands
    # submitted during the ramp may complete inside it, and as many submitted
    # inside it may still be in flight when it ends.
    slack = qd * queues
    assert sub + slack >= ios and ios + slack >= sub, \
        "submitted %d vs completed %d differ by more than qd*queues=%d: %s" % (sub, ios, slack, kv)
    assert int(kv["sq_mmio"]) <= sub and int(kv["cq_mmio"]) <= sub, kv
    if kv["lat"] == "on":
        p50, p99, p999 = (float(kv[k]) for k in ("lat_us_p50", "lat_us_p99", "lat_us_p999"))
        assert 0 < p50 <= p99 <= p999, kv
    # reaping passes that found completions: each took at least one and at
    # most what one queue holds in flight; at QD1 on one queue exactly one
    reaps = int(kv["reaps"])
    assert 0 < reaps <= ios <= reaps * qd, "reaping passes do not add up: %s" % kv
    if qd == 1 and queues == 1:
        assert reaps == ios, "QD1: a reaping pass per completion: %s" % kv
    if mode == "irq" or kv["wait"] == "halt" or (kv["wait"] == "hybrid" and int(kv["halts"]) > 0):
        assert int(kv["irqs"]) > 0, "no interrupts counted in irq mode / --wait halt or hybrid: %s" % kv
    else:
        # spin/sleep never arm the queues' vectors; a sleep nap (sti; hlt)
        # may still take one MSI left pending in the LAPIC per queue by an
        # earlier --irq run
        assert int(kv["irqs"]) <= queues, kv
    wakes(kv, queues)


def wakes(kv, queues=1):
    """The wait counts of a BENCH line add up, and each strategy wakes the way
    it is meant to (counts, never times)."""
    halts, msi, timer, other = (int(kv[k]) for k in ("halts", "wake_msi", "wake_timer", "wake_other"))
    empty, found, msi_empty = int(kv["empty_polls"]), int(kv["timer_found"]), int(kv["msi_empty"])
    direct = int(kv["direct_halts"])
    # a halt follows an empty poll, or (halt without spinning) a reaping pass
    assert msi + timer + other == halts <= empty + direct, "halts and their wake-ups do not add up: %s" % kv
    assert direct <= int(kv["reaps"]), kv
    w = "irq" if kv["mode"] == "irq" else kv["wait"]
    hits, misses, skipped, offs, ons, closes = (int(kv[k]) for k in ("spin_hits", "spin_misses", "spin_skipped",
                                                                      "spin_offs", "spin_ons", "gate_closes"))
    if w == "halt" and kv["spin_us"] == "0":
        assert direct > 0, "halt without spinning never halted straight after a reaping pass: %s" % kv
    elif w != "hybrid":
        # (hybrid does so while its spinning is off)
        assert direct == 0, "only halt without spinning halts straight after a reaping pass: %s" % kv
    if w == "hybrid":
        # every wait has one verdict: ended spinning, spun its budget out
        # (then halted), or started with spinning off (then halted); a
        # verdict on the window's edge may fall outside the measured counts
        assert hits + misses + skipped > 0, "hybrid waited without a verdict: %s" % kv
        assert misses + skipped <= halts + 2, "hybrid stopped spinning without halting: %s" % kv
        # a verdict ends a pair of trials, each at least 4 ms and 8 completions
        verdicts = offs + ons
        assert verdicts <= int(kv["ios"]) // 16 + 1, "hybrid judged trials too short: %s" % kv
        assert verdicts <= int(kv["time_s"]) * 1000 // 8 + 1, "hybrid judged trials too short: %s" % kv
        assert direct <= skipped + 2, "hybrid halted straight after a pass while spinning: %s" % kv
        # bench's hybrid spins with its MSI-X masked: masked at the start of
        # spinning waits only, and while masked no interrupt comes; a wait
        # that did not halt (its spin windows, sti; nop; cli) can take only
        # the one each queue had already sent when the mask closed. (Not a
        # bound on all interrupts against halts: after the MSI-X that ends
        # a halt, a second one sent during its handler is taken before the
        # cli, more so unpinned at depth.)
        assert closes <= hits + misses + 2, "hybrid masked the MSI-X outside spinning waits: %s" % kv
        assert hits + misses == 0 or closes > 0, "hybrid spun with the MSI-X unmasked: %s" % kv
        assert int(kv["spin_irqs"]) <= (closes + 1) * queues, "interrupts came while hybrid spun: %s" % kv
        # held back: the MSI-X Pending bit, read at an unmask (at most one
        # per unmask; whether any is set depends on completions arriving
        # while the gate is closed, which a vCPU sharing one host core with
        # the device hardly sees: bench/README.md, "`hybrid` by throughput")
        assert int(kv["gate_held"]) <= closes + 1, "more held-back interrupts than unmasks: %s" % kv
    else:
        assert hits == misses == skipped == offs == ons == closes == int(kv["gate_held"]) == 0, \
            "spin verdicts outside hybrid: %s" % kv
        # only hybrid's spin windows enable interrupts without halting
        assert int(kv["spin_irqs"]) == 0, "interrupts taken outside a halt: %s" % kv
    assert msi_empty <= msi and found <= timer, kv
    # nothing but the bench's queues and timers interrupts a run
    assert other <= halts // 100 + 5, "halts ended by another interrupt: %s" % kv
    if w == "spin":
        assert halts == 0 and int(kv["halted_us"]) == 0, "spin halted: %s" % kv
    elif w == "sleep":
        # polled queues: every nap ends by its timer (or one stale MSI per queue)
        assert msi <= queues and halts > 0, kv
    elif w == "hybrid" and halts == 0:
        assert hits > 0, kv
    else:
        # irq and halt: the MSI-X ends the halts; a timer tick that finds
        # completions waiting means the MSI-X came late or not at all
        assert halts > 0 and msi > 0, kv
        assert found <= halts // 100 + 5, "halts ended by the timer with completions waiting: %s" % kv


@t.case("nvme-bench")
def _():
    name = "nvme-bench"
    disk = Disk(os.path.join(OUT, name), "ns1", 64 << 20, seed=None)
    c0 = Controller("c0", "nvmetk-bench")
    c0.ns(1, disk)
    with Machine(name, nvme=False, qemu_args=controllers([c0])) as m:
        m.expect_prompt()
        out = ok(m, "bench --time 1", r"randread-4k-qd1: nvme0n1 randread bs=4k qd=1 queues=1 mode=poll",
                 r"latency us: mean [\d.]+, p50 [\d.]+, p99 [\d.]+, p99\.9 [\d.]+",
                 r"doorbells: [\d.]+ MMIO writes per I/O")
        sane(bench_line(out), "poll", "randread", 4096, 1)
        out = ok(m, "bench nvme0n1 --irq --qd 8 --time 1", r"mode=irq", r"\d+ interrupts")
        sane(bench_line(out), "irq", "randread", 4096, 8)
        out = ok(m, "bench --rw randwrite --qd 4 --time 1 --yes --name w4")
        kv = bench_line(out)
        assert kv["job"] == "w4", kv
        sane(kv, "poll", "randwrite", 4096, 4)
        out = ok(m, "bench --rw read --bs 128k --qd 2 --queues 2 --irq --time 1")
        sane(bench_line(out), "irq", "read", 131072, 2, queues=2)
        out = ok(m, "bench --ns nvme0n1 --rw randrw --qd 2 --time 1 --ramp 1 --yes")
        sane(bench_line(out), "poll", "randrw", 4096, 2)
        # --no-lat: the same counts, no latency (bench/README.md, the floor gap)
        for args, mode, qd in (("--no-lat", "poll", 1), ("--no-lat --irq --qd 8", "irq", 8),
                               ("--no-lat --wait halt --qd 8 --ramp 1", "poll", 8)):
            out = ok(m, "bench --time 1 %s" % args, r"lat=off", r"latency: not measured \(--no-lat\); "
                     r"qd x queues / IOPS = [\d.]+ us", r"passes: \d+ reaping passes, [\d.]+ completions each")
            kv = bench_line(out)
            assert kv["lat"] == "off", kv
            sane(kv, mode, "randread", 4096, qd)
        # the queues are as before: one polled I/O queue pair, I/O works
        ok(m, "queues", r"nvme0: ready, 1 I/O queue pair")
        ok(m, "write -s 10 --count 8 --pattern random --seed 3 --yes", r"write: Success")
        ok(m, "read -s 10 --count 8 --check random --seed 3", r"matches")
        bad(m, "bench --rw sideways", r"^error: bad --rw 'sideways'")
        bad(m, "bench --bs 1000", r"^error: --bs 1000 is not a multiple of the block size 512")
        bad(m, "bench --bs 1M", r"^error: --bs 1048576 is above the max transfer")
        bad(m, "bench --qd 0", r"^error: --qd, --queues and --time must be at least 1")
        bad(m, "bench --irq --poll", r"^error: give --irq or --poll, not both")
        bad(m, "bench --qd 300", r"^error: --qd 300 is above what queue 1 holds \(255\)")
        # wait strategies of the polled path, per run and as the setting
        for w in ("spin", "sleep", "halt", "hybrid"):
            out = ok(m, "bench --qd 4 --time 1 --wait %s" % w, r"mode=poll wait=%s spin=0us" % w)
            sane(bench_line(out), "poll", "randread", 4096, 4, wait=w)
        out = ok(m, "bench --mode poll --wait sleep --spin-us 20 --time 1", r"wait=sleep spin=20us")
        assert bench_line(out)["spin_us"] == "20"
        ok(m, "poll-wait", r"poll-wait: hybrid, spin 0 us")
        ok(m, "poll-wait spin --spin-us 5", r"poll-wait: spin, spin 5 us")
        sane(bench_line(ok(m, "bench --time 1", r"wait=spin spin=5us")), "poll", "randread", 4096, 1, wait="spin")
        ok(m, "poll-wait halt --spin-us 0", r"poll-wait: halt, spin 0 us")
        # synchronous commands wait with the setting too (halt naps on polled queues)
        ok(m, "read -s 10 --count 8 --check random --seed 3", r"matches")
        st = re.search(r"since boot: (\d+) empty polls, (\d+) spin polls, (\d+) halts \(\d+ ms\), (\d+) timer naps "
                       r"\((\d+) timer interrupts\)", ok(m, "poll-wait", r"poll-wait: halt"))
        assert st, "poll-wait without its counts"
        idle, pauses, halts, naps, ticks = (int(x) for x in st.groups())
        # every empty poll paused or halted; every nap armed one one-shot and
        # halted; halt and sleep ran above, so both happened
        assert pauses + halts == idle and 0 < naps <= halts and ticks <= naps, st.group(0)
        # hybrid as the setting: bench and synchronous commands use it
        ok(m, "poll-wait hybrid --spin-us 30", r"poll-wait: hybrid, spin 30 us")
        # (--ramp 0: the first trial, which spins, is measured)
        out = ok(m, "bench --time 1 --ramp 0", r"wait=hybrid spin=30us", r"hybrid: \d+ waits ended spinning, \d+ spun "
                 r"their whole budget, \d+ halted without spinning; trials won by spinning \d+, by halting \d+; "
                 r"MSI-X masked \d+ times, \d+ held back")
        kv = bench_line(out)
        sane(kv, "poll", "randread", 4096, 1, wait="hybrid")
        assert int(kv["spin_hits"]) + int(kv["spin_misses"]) > 0, "hybrid's first trial did not spin: %s" % kv
        ok(m, "read -s 10 --count 8 --check random --seed 3", r"matches")
        out = ok(m, "poll-wait", r"poll-wait: hybrid, spin 30 us")
        hy = re.search(r"hybrid: (\d+) waits ended spinning, (\d+) spun their whole budget, (\d+) halted", out)
        assert hy and sum(int(x) for x in hy.groups()) > 0, "poll-wait without hybrid's verdicts"
        # QEMU's TCG names itself in CPUID leaf 0x40000000: spinning without PAUSE
        assert re.search(r"spinning waits use no PAUSE \(QEMU's TCG", out), out
        ok(m, "poll-wait halt --spin-us 0", r"poll-wait: halt, spin 0 us")
        ok(m, "poll-wait sleep", r"poll-wait: sleep, spin 0 us")
        bad(m, "poll-wait doze", r"^error: bad strategy 'doze'")
        bad(m, "poll-wait spin --spin-us 100001", r"^error: --spin-us 100001 is above 100000")
        bad(m, "bench --wait doze", r"^error: bad --wait 'doze'")
        bad(m, "bench --irq --wait halt", r"^error: --wait and --spin-us are for polling, not --irq")
        bad(m, "bench --mode sideways", r"^error: bad --mode 'sideways'")
        bad(m, "bench --mode irq --poll", r"^error: give --mode or --irq/--poll, not both")
        bad(m, "bench-floor", r"^error: bench-floor writes MMIO doorbells only: boot with nvmedbbuf=0", usage=False)
        m.sendline("exit 0")
        assert m.wait_exit() == 0


@t.case("nvme-bench-wake-counts")
def _():
    """Hybrid polling's wake-up mechanism, by counts (never a time): at QD1,
    `halt` and `irq` halt once per I/O and the MSI-X ends (almost) every halt;
    a timer wake-up that finds the completion waiting (the MSI late or lost),
    an MSI wake-up that finds nothing (an extra halt per I/O) stay rare.
    `sleep` naps end by the LAPIC timer."""
    name = "nvme-bench-wake"
    disk = Disk(os.path.join(OUT, name), "ns1", 16 << 20, seed=None)
    c0 = Controller("c0", "nvmetk-bench3")
    c0.ns(1, disk)
    with Machine(name, nvme=False, qemu_args=controllers([c0])) as m:
        m.expect_prompt()
        for args, w in (("--wait halt", "halt"), ("--irq", "irq"), ("--wait halt --rw randwrite --yes", "halt")):
            out = ok(m, "bench --time 2 %s" % args, r"waits: \d+ empty polls, \d+ halts")
            kv = bench_line(out)
            sane(kv, "irq" if w == "irq" else "poll", kv["rw"], 4096, 1)
            ios, halts, msi = int(kv["ios"]), int(kv["halts"]), int(kv["wake_msi"])
            timer, msi_empty = int(kv["wake_timer"]), int(kv["msi_empty"])
            # the CPU halts right after each submit (spin 0): one halt per I/O,
            # ended by its MSI-X
            assert msi >= ios * 8 // 10, "fewer MSI-X wake-ups than 0.8 per I/O: %s" % kv
            assert halts - timer <= ios * 11 // 10 + 10, "more than one halt per I/O: %s" % kv
            assert msi_empty <= ios // 10 + 10, "MSI-X wake-ups finding nothing: %s" % kv
        kv = bench_line(ok(m, "bench --time 1 --wait sleep", r"wait=sleep"))
        sane(kv, "poll", "randread", 4096, 1, wait="sleep")
        assert int(kv["wake_timer"]) >= int(kv["halts"]) - 1, kv
        m.sendline("exit 0")
        assert m.wait_exit() == 0


@t.case("nvme-bench-shadow-off")
def _():
    """nvmedbbuf=0: no shadow doorbells, every doorbell an MMIO write; with
    them (QEMU 7.2 offers OACS bit 8) shadow updates are counted. nvmedptr=prp:
    PRP data pointers where QEMU's SGLS would give SGLs (bench says which)."""
    name = "nvme-bench-shadow-off"
    disk = Disk(os.path.join(OUT, name), "ns1", 16 << 20, seed=None)
    c0 = Controller("c0", "nvmetk-bench2")
    c0.ns(1, disk)
    with Machine(name, nvme=False, qemu_args=controllers([c0]), cmdline="nvmedbbuf=0 nvmedptr=prp") as m:
        m.expect_prompt()
        out = ok(m, "bench --qd 4 --time 1", r"shadow=off", r"dptr=prp")
        kv = bench_line(out)
        sane(kv, "poll", "randread", 4096, 4)
        assert kv["dptr"] == "prp", kv
        sane(bench_line(ok(m, "bench --rw write --bs 128k --qd 2 --time 1 --yes", r"dptr=prp")), "poll", "write",
             131072, 2)
        assert kv["shadow"] == "off" and int(kv["sq_shadow"]) == 0 and int(kv["cq_shadow"]) == 0, kv
        assert int(kv["kicks"]) == 0, kv
        # the floor: its own queue pair, every wait strategy, PRP lists at 128k
        for w, args in (("spin", "--qd 1"), ("halt", "--qd 8"), ("sleep", "--rw read --bs 128k --qd 4"),
                        ("hybrid", "--qd 4")):
            kv = floor_line(ok(m, "bench-floor %s --time 1 --wait %s" % (args, w), r"FLOOR job="))
            assert kv["wait"] == w, kv
        kv = floor_line(ok(m, "bench-floor --rw randwrite --qd 2 --time 1 --yes --name fw"))
        assert kv["job"] == "fw" and kv["rw"] == "randwrite", kv
        bad(m, "bench-floor --qd 256", r"^error: .*qd")
        bad(m, "bench-floor --bs 512", r"^error: --bs 512 is not a multiple of 4096")
        bad(m, "bench-floor --rw rw", r"^error: bad --rw 'rw'")
        # the driver's queues are untouched, I/O works
        ok(m, "queues", r"nvme0: ready, 1 I/O queue pair")
        ok(m, "read -s 0 --count 8", r"read: Success")
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    with Machine(name + "-on", nvme=False, qemu_args=controllers([c0])) as m:
        m.expect_prompt()
        kv = bench_line(ok(m, "bench --qd 4 --time 1 --irq", r"shadow=on"))
        sane(kv, "irq", "randread", 4096, 4)
        # QEMU 7.2 advertises SGLs for I/O: the driver's default (auto) sends
        # a one-page read by PRP1 on its fast path, a 128 KiB one by SGL
        assert kv["dptr"] == "prp", kv
        kv128 = bench_line(ok(m, "bench --bs 128k --qd 2 --time 1", r"dptr=sgl"))
        assert kv128["dptr"] == "sgl", kv128
        assert kv["shadow"] == "on" and int(kv["sq_shadow"]) > 0 and int(kv["cq_shadow"]) > 0, kv
        # an MMIO write only follows a shadow update
        assert int(kv["sq_mmio"]) <= int(kv["sq_shadow"]) + int(kv["kicks"]), kv
        m.sendline("exit 0")
        assert m.wait_exit() == 0


TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "table.py")


@t.case("bench-table-failed-runs")
def _():
    """bench/table.py on made-up results: a peer that stalled in every
    attempt, an attempt of ours that failed and was rerun, a peer job of 0
    IOPS never reaching the results: "failed: ..." and no ratio where a side
    has no figure, ratios against the better Linux mode elsewhere."""
    d = tempfile.mkdtemp(prefix="bench-table-")
    tags = " backend=null shadow_cfg=on run=1 pin=0"
    with open(os.path.join(d, "ours.txt"), "w") as f:
        for job, iops, bw in (("randread-qd1", 50000, 200000), ("randread-qd32", 400000, 1600000),
                              ("seqread-512k-qd1", 2000, 1024000)):
            f.write("BENCH job=%s mode=poll wait=sleep iops=%d bw_kib=%d lat_us_mean=19.5 lat_us_p50=19.0 "
                    "lat_us_p99=31.0 doorbells_per_io=2.000 errors=0%s\n" % (job, iops, bw, tags))
    with open(os.path.join(d, "floor.txt"), "w") as f:
        f.write("FLOOR job=randread-qd1 iops=60000 bw_kib=240000 lat_us_mean=16.6 wait=halt%s\n" % tags)
        f.write("FLOOR job=randread-qd1 iops=40000 bw_kib=160000 lat_us_mean=25.0 wait=spin%s\n" % tags)
    with open(os.path.join(d, "peer.txt"), "w") as f:
        f.write("PEER accel=tcg backend=null job=randread-qd1 iops=10000 bw_kib=40000 lat_us_p50=53 "
                "peer=linux-irq run=1 pin=0\n")
        f.write("PEER accel=tcg backend=null job=randread-qd1 iops=12500 bw_kib=50000 lat_us_p50=40 "
                "peer=linux-poll run=1 pin=0\n")
        f.write("PEER accel=tcg backend=null job=randread-qd32 iops=30000 bw_kib=120000 lat_us_p50=900 "
                "peer=linux-poll run=1 pin=0\n")
    with open(os.path.join(d, "fail.txt"), "w") as f:
        f.write("FAIL side=ours backend=null shadow_cfg=on mode=irq run=1 pin=0 attempt=1 reason=timed out after 300 s "
                "(3 of 5 jobs done)\n")
        for a in (1, 2, 3):
            f.write("FAIL side=linux-irq backend=null shadow_cfg=- run=1 pin=0 attempt=%d reason=I/O stall: "
                    "nvme: nvme nvme0: I/O 259 QID 1 timeout, aborting\n" % a)
        f.write("GAVEUP side=linux-irq backend=null shadow_cfg=- run=1 pin=0 attempts=3 reason=I/O stall: "
                "nvme: nvme nvme0: I/O 259 QID 1 timeout, aborting\n")
        f.write("GAVEUP side=uboot backend=null shadow_cfg=- run=1 pin=0 attempts=3 reason=no 'Hit any key' "
                "within 180 s\n")
        f.write("GAVEUP side=ours backend=null shadow_cfg=on mode=irq run=1 pin=0 attempts=3 reason=QEMU status 0 "
                "(2 of 7 jobs done; error: bench I/O: timeout)\n")
        # a --mix boot (every mode of one job in one boot) that gave up
        f.write("GAVEUP side=ours backend=null shadow_cfg=on mode=spin+halt run=1 pin=0 attempts=3 reason=timed out "
                "after 99 s (0 of 2 jobs done)\n")
    out = subprocess.run(["python3", TABLE, "--runs", "1", d], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, universal_newlines=True, timeout=60).stdout
    rows = {l.split()[0]: l for l in out.split("\n") if l.startswith(("randread", "seqread"))}
    # our irq boot gave up: its rows say so, without a ratio
    irq = [l for l in out.split("\n") if l.startswith("randread-qd1 ") and " irq " in l]
    assert len(irq) == 1 and "failed: QEMU status 0 (2 of 7 jobs done" in irq[0] and \
        irq[0].rstrip().endswith("| -"), out
    # the --mix boot's modes each say so
    for mo in ("spin", "halt"):
        r = [l for l in out.split("\n") if l.startswith("randread-qd1 ") and " %s " % mo in l]
        assert len(r) == 1 and "failed: timed out after 99 s" in r[0] and r[0].rstrip().endswith("| -"), out
    rows = {l.split()[0]: l for l in out.split("\n") if l.startswith(("randread", "seqread")) and " sleep " in l}
    # QD1: the better Linux mode (poll, 12500) is the reference; the floor is the better wait (halt)
    assert rows["randread-qd1"].rstrip().endswith("4.00x"), out
    assert "60000 16.6us (halt)" in rows["randread-qd1"], out
    # QD32: linux-irq stalled in every attempt: said so; the ratio only against linux-poll
    assert "failed: I/O stall: nvme: nvme nvme0: I/O 259 QID 1 timeout" in rows["randread-qd32"], out
    assert rows["randread-qd32"].rstrip().endswith("13.33x"), out
    # U-Boot gave up: no ratio at all for its job
    assert "failed: no 'Hit any key' within 180 s" in rows["seqread-512k-qd1"], out
    assert rows["seqread-512k-qd1"].rstrip().endswith("| -"), out
    assert "inf" not in out and " 0 (0-0)" not in out, out
    assert "== failed attempts" in out and "ours null pin 0 run 1 attempt 1: timed out after 300 s" in out, out
    assert "GAVE UP: linux-irq null pin 0 run 1 after 3 attempts" in out, out



@t.case("bench-table-paired")
def _():
    """bench/table.py on made-up results of one --mix --repeat boot: a
    --no-lat mode gets its own row with "-" for latency, and the paired
    section divides each mode by irq and by the floor of the same boot and
    repetition, never across boots."""
    d = tempfile.mkdtemp(prefix="bench-table-paired-")
    boot = " backend=null shadow_cfg=off run=1 pin=0 boot=b1"
    other = " backend=null shadow_cfg=off run=2 pin=0 boot=b2"
    with open(os.path.join(d, "ours.txt"), "w") as f:
        for mode, wait, lat, iops, rep, tags in (("irq", "irq", "on", 100000, 1, boot), ("poll", "halt", "on", 110000, 1, boot),
                                                 ("poll", "halt", "off", 120000, 1, boot),
                                                 ("irq", "irq", "on", 200000, 2, boot), ("poll", "halt", "on", 180000, 2, boot),
                                                 ("poll", "halt", "off", 240000, 2, boot),
                                                 # another boot: only halt, so no pair
                                                 ("poll", "halt", "on", 999999, 1, other)):
            lats = "lat_us_mean=1.0 lat_us_p50=1.0 lat_us_p99=2.0" if lat == "on" else \
                "lat_us_mean=- lat_us_p50=- lat_us_p99=-"
            f.write("BENCH job=randread-qd32 mode=%s wait=%s iops=%d bw_kib=%d %s doorbells_per_io=0.037 "
                    "errors=0 lat=%s%s rep=%d\n" % (mode, wait, iops, iops * 4, lats, lat, tags, rep))
    with open(os.path.join(d, "floor.txt"), "w") as f:
        for iops, rep in ((200000, 1), (250000, 2)):
            f.write("FLOOR job=randread-qd32 iops=%d bw_kib=%d lat_us_mean=160.0 wait=halt%s rep=%d\n" %
                    (iops, iops * 4, boot, rep))
    out = subprocess.run(["python3", TABLE, "--runs", "1", d], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, universal_newlines=True, timeout=60).stdout
    nolat = [l for l in out.split("\n") if l.startswith("randread-qd32 ") and " halt-nolat " in l and "pairs" not in l]
    assert len(nolat) == 1, out
    # IOPS median of 120000 and 240000, latency columns "-"
    assert "180000 (120000-240000)" in nolat[0] and "       -        -        -  0.037" in nolat[0], out
    pairs = {tuple(l.split()[2:5]): l for l in out.split("\n") if " pairs: " in l}
    # halt / irq: 110000/100000 and 180000/200000; the other boot's halt has no irq
    assert "2 pairs: median 1.000 (0.900-1.100), above 1 in 1" in pairs[("halt", "/", "irq")], out
    # halt-nolat / floor-halt: 120000/200000 and 240000/250000
    assert "2 pairs: median 0.780 (0.600-0.960), above 1 in 0" in pairs[("halt-nolat", "/", "floor-halt")], out
    assert ("floor-halt", "/", "floor-halt") not in pairs, out


t.run()
