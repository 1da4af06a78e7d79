# SPDX-License-Identifier: BSD-2-Clause
"""`bench`: short runs in polling and interrupt mode. Checks that the output
is well formed and the counts are sane (I/Os done, no errors, doorbell writes
per I/O within [0, 2], interrupts counted in --irq mode), that the queues
are back in their old mode and I/O still works afterwards. Never a speed
threshold: no test passes or fails on a time."""
import os
import re
from nvmetk_qemu import Machine, TestFile, OUT
from nvme_disk import Disk, Controller, controllers, ok, bad

t = TestFile()

FIELDS = ("job", "dev", "rw", "bs", "qd", "queues", "mode", "time_s", "ios", "iops", "bw_kib",
          "lat_us_mean", "lat_us_p50", "lat_us_p99", "lat_us_p999", "doorbells_per_io", "shadow",
          "sq_mmio", "cq_mmio", "sq_shadow", "cq_shadow", "kicks", "submitted", "irqs", "errors")


def bench_line(out):
    """The BENCH line of out as a dict (every field present, numbers parsed)."""
    lines = [l for l in out.split("\n") if l.startswith("BENCH ")]
    assert len(lines) == 1, "expected one BENCH line:\n%s" % out
    kv = dict(w.split("=", 1) for w in lines[0].split()[1:])
    for f in FIELDS:
        assert f in kv, "BENCH line without %s: %s" % (f, lines[0])
    num = re.compile(r"^\d+(\.\d+)?$")
    for f in FIELDS:
        if f not in ("job", "dev", "rw", "mode", "shadow"):
            assert num.match(kv[f]), "BENCH %s=%r is not a number: %s" % (f, kv[f], lines[0])
    return kv


def sane(kv, mode, rw, bs, qd, queues=1):
    assert kv["mode"] == mode and kv["rw"] == rw, kv
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
    p50, p99, p999 = (float(kv[k]) for k in ("lat_us_p50", "lat_us_p99", "lat_us_p999"))
    assert 0 < p50 <= p99 <= p999, kv
    if mode == "irq":
        assert int(kv["irqs"]) > 0, "no interrupts counted in irq mode: %s" % kv
    else:
        assert int(kv["irqs"]) == 0, kv


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
        m.sendline("exit 0")
        assert m.wait_exit() == 0


@t.case("nvme-bench-shadow-off")
def _():
    """nvmedbbuf=0: no shadow doorbells, every doorbell an MMIO write; with
    them (QEMU 7.2 offers OACS bit 8) shadow updates are counted."""
    name = "nvme-bench-shadow-off"
    disk = Disk(os.path.join(OUT, name), "ns1", 16 << 20, seed=None)
    c0 = Controller("c0", "nvmetk-bench2")
    c0.ns(1, disk)
    with Machine(name, nvme=False, qemu_args=controllers([c0]), cmdline="nvmedbbuf=0") as m:
        m.expect_prompt()
        out = ok(m, "bench --qd 4 --time 1", r"shadow=off")
        kv = bench_line(out)
        sane(kv, "poll", "randread", 4096, 4)
        assert kv["shadow"] == "off" and int(kv["sq_shadow"]) == 0 and int(kv["cq_shadow"]) == 0, kv
        assert int(kv["kicks"]) == 0, kv
        m.sendline("exit 0")
        assert m.wait_exit() == 0
    with Machine(name + "-on", nvme=False, qemu_args=controllers([c0])) as m:
        m.expect_prompt()
        kv = bench_line(ok(m, "bench --qd 4 --time 1 --irq", r"shadow=on"))
        sane(kv, "irq", "randread", 4096, 4)
        assert kv["shadow"] == "on" and int(kv["sq_shadow"]) > 0 and int(kv["cq_shadow"]) > 0, kv
        # an MMIO write only follows a shadow update
        assert int(kv["sq_mmio"]) <= int(kv["sq_shadow"]) + int(kv["kicks"]), kv
        m.sendline("exit 0")
        assert m.wait_exit() == 0


t.run()
