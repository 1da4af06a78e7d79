#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""bench/table.py - the tables of `make bench` from a results directory.

  bench/table.py [--runs N --time S --ramp S --accel A] DIR

DIR holds what bench/run.sh collected, one line per job and run, every line
tagged with backend=, run=, pin= (and shadow_cfg= / peer=):
  ours.txt   BENCH lines of our `bench` (mode=irq|poll, wait=spin|sleep|halt|hybrid)
  floor.txt  FLOOR lines of `bench-floor` (one per job and floor wait strategy)
  peer.txt   PEER lines of the Linux peer (peer=linux-irq|linux-poll)
  uboot.txt  UBOOT lines of U-Boot (op=read|write)
  fail.txt   FAIL lines (an attempt that failed and was rerun) and GAVEUP
             lines (every attempt failed), with reason=...

One table per machine configuration (pin) and backend. A failed attempt
never contributes a figure: its lines were never written to the result
files. Where a side has no figure because every attempt failed, the table
says "failed: <reason>" and no ratio is computed; a ratio needs a median on
both sides. The ratio is our median over the better of Linux's two medians
(IOPS; sequential jobs: bandwidth), or over U-Boot's for U-Boot's jobs.
"""
import argparse
import os
import statistics
import sys

UBOOT_JOBS = {"seqread-512k-qd1": "read", "seqwrite-512k-qd1": "write"}
LINUX_PEERS = ("linux-irq", "linux-poll")


def kv_line(line):
    """'TAG k=v k=v ... reason=free text' -> (TAG, dict)."""
    words = line.rstrip("\n").split(" ")
    tag, d = words[0], {}
    for i, w in enumerate(words[1:], 1):
        if "=" not in w:
            continue
        k, v = w.split("=", 1)
        if k == "reason":
            d[k] = " ".join([v] + words[i + 1:])
            break
        d[k] = v
    return tag, d


def load(path, tag):
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                t, d = kv_line(line)
                if t == tag:
                    out.append(d)
    return out


def num(d, k):
    try:
        return float(d.get(k, "nan"))
    except ValueError:
        return float("nan")


def med(xs):
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else None


def spread(xs):
    xs = [x for x in xs if x == x]
    return "%d (%d-%d)" % (statistics.median(xs), min(xs), max(xs)) if xs else "-"


def is_seq(job):
    return job.startswith("seq")


def mode_of(d):
    """The table's mode of a BENCH line: irq or the wait strategy, with
    "-nolat" for a `bench --no-lat` run (no per-I/O latency)."""
    m = "irq" if d.get("mode") == "irq" else d.get("wait", "poll")
    return m + "-nolat" if d.get("lat") == "off" else m


def f81(v):
    """%8.1f, or "-" without a figure (--no-lat has no latency)."""
    return "%8.1f" % v if v is not None else "%8s" % "-"


def paired(o, fl):
    """Modes run in the same boot (bench/run.sh --mix, --repeat): each mode's
    IOPS over irq's and over each floor strategy's of the same boot and
    repetition. Whole boots run faster or slower together on a loaded host,
    so these ratios compare modes more fairly than medians across boots."""
    cells = {}
    for d in o + [dict(x, mode="floor-" + x.get("wait", "?"), wait="", lat="") for x in fl]:
        if "boot" not in d:
            continue
        m = d["mode"] if d["mode"].startswith("floor-") else mode_of(d)
        key = (d["job"], d.get("shadow_cfg", "?"))
        cells.setdefault(key, {}).setdefault((d["boot"], d.get("rep", "1")), {})[m] = num(d, "iops")
    lines = []
    for (job, sh), boots in cells.items():
        modes = []
        for ms in boots.values():
            modes += [m for m in ms if m not in modes]
        refs = [m for m in modes if m == "irq" or m.startswith("floor-")]
        for ref in refs:
            for m in modes:
                if m == ref or (ref != "irq" and m.startswith("floor-")):
                    continue
                r = [ms[m] / ms[ref] for ms in boots.values() if m in ms and ref in ms and ms[ref] > 0]
                if not r:
                    continue
                lines.append("%-18s %-6s %10s / %-10s %3d pairs: median %.3f (%.3f-%.3f), above 1 in %d" %
                             (job, sh, m, ref, len(r), statistics.median(r), min(r), max(r),
                              sum(1 for x in r if x > 1)))
    if lines:
        print("-- paired in one boot (IOPS ratio per boot and repetition)")
        for line in lines:
            print(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--runs", default="?")
    ap.add_argument("--time", default="?")
    ap.add_argument("--ramp", default="?")
    ap.add_argument("--accel", default="tcg")
    a = ap.parse_args()
    ours = load(os.path.join(a.dir, "ours.txt"), "BENCH")
    floor = load(os.path.join(a.dir, "floor.txt"), "FLOOR")
    peer = load(os.path.join(a.dir, "peer.txt"), "PEER")
    uboot = load(os.path.join(a.dir, "uboot.txt"), "UBOOT")
    fails = load(os.path.join(a.dir, "fail.txt"), "FAIL")
    gaveup = load(os.path.join(a.dir, "fail.txt"), "GAVEUP")

    configs = []
    for d in ours + floor + peer + uboot + fails + gaveup:
        c = (d.get("pin", "?"), d.get("backend", "?"))
        if c not in configs:
            configs.append(c)

    for pin, be in configs:
        def mine(rows):
            return [d for d in rows if d.get("pin", "?") == pin and d.get("backend", "?") == be]
        o, fl, pe, ub, gu = mine(ours), mine(floor), mine(peer), mine(uboot), mine(gaveup)

        def gave_up(side, shadow=None, mode=None):
            for d in gu:
                if d.get("side") == side and (shadow is None or d.get("shadow_cfg") == shadow) and \
                        (mode is None or mode in d.get("mode", "").split("+")):
                    return d
            return None

        print()
        print("== backend %s, pin %s (%s, %s run(s), %ss per job after %ss ramp)" %
              (be, pin, a.accel, a.runs, a.time, a.ramp))
        hdr = ("%-18s %-10s %-6s %2s %21s %8s %8s %8s %8s %6s | %-22s | %-17s | %-17s | %s" %
               ("job", "mode", "shadow", "n", "IOPS med (min-max)", "MiB/s", "lat_mean", "lat_p50", "lat_p99",
                "db/io", "floor IOPS lat (wait)", "linux-irq IOPS p50", "linux-poll IOPS p50", "ratio"))
        print(hdr)
        jobs, keys = [], []
        for d in o:
            k = (d["job"], mode_of(d), d.get("shadow_cfg", "?"))
            if k not in keys:
                keys.append(k)
            if d["job"] not in jobs:
                jobs.append(d["job"])
        for d in fl + pe:
            if d["job"] not in jobs:
                jobs.append(d["job"])
        # our boots (one per shadow setting and mode) that gave up in every
        # run get a row per job saying so
        for d in gu:
            if d.get("side") != "ours":
                continue
            # a --mix boot ran several modes ("irq+halt")
            sh = d.get("shadow_cfg", "?")
            for mo in d.get("mode", "?").split("+"):
                for j in jobs or ["(all jobs)"]:
                    if (j, mo, sh) not in keys:
                        keys.append((j, mo, sh))
        keys.sort(key=lambda k: (jobs.index(k[0]) if k[0] in jobs else 99, k[2], k[1]))

        def floor_cell(job):
            best = None
            for w in sorted({d.get("wait") for d in fl if d["job"] == job}):
                rows = [d for d in fl if d["job"] == job and d.get("wait") == w]
                v = med([num(d, "bw_kib" if is_seq(job) else "iops") for d in rows])
                if v is not None and (best is None or v > best[0]):
                    best = (v, w, rows)
            if best is None:
                g = gave_up("floor")
                return (None, "failed: %s" % g["reason"]) if g else (None, "-")
            v, w, rows = best
            io = med([num(d, "iops") for d in rows])
            return v, "%d %sus (%s)" % (io, "%.1f" % med([num(d, "lat_us_mean") for d in rows]), w)

        def linux_cell(job, p):
            rows = [d for d in pe if d["job"] == job and d.get("peer") == p]
            if not rows:
                g = gave_up(p)
                return None, ("failed: %s" % g["reason"]) if g else "-"
            io = [num(d, "iops") for d in rows]
            v = med([num(d, "bw_kib") for d in rows]) if is_seq(job) else med(io)
            return v, "%d %s" % (med(io), "%g" % med([num(d, "lat_us_p50") for d in rows]))

        def uboot_cell(job):
            op = UBOOT_JOBS[job]
            rows = [d for d in ub if d.get("op") == op]
            if not rows:
                g = gave_up("uboot")
                return None, ("failed: %s" % g["reason"]) if g else "-"
            mib = med([num(d, "mib_s") for d in rows])
            return mib * 1024, "U-Boot %.0f MiB/s (n=%d)" % (mib, len(rows))

        for job, mode, sh in keys:
            rows = [d for d in o if d["job"] == job and d.get("shadow_cfg") == sh and mode_of(d) == mode]
            fv, fcell = floor_cell(job)
            if job in UBOOT_JOBS:
                pv, c1 = uboot_cell(job)
                c2 = ""
            else:
                v1, c1 = linux_cell(job, "linux-irq")
                v2, c2 = linux_cell(job, "linux-poll")
                pv = max([v for v in (v1, v2) if v is not None], default=None)
            if not rows:
                g = gave_up("ours", sh, mode)
                why = ("failed: %s" % g["reason"]) if g else "no figure"
                print("%-18s %-10s %-6s %2d %s | %-22s | %-17s | %-17s | -" % (job, mode, sh, 0, why, fcell, c1, c2))
                continue
            iops = [num(d, "iops") for d in rows]
            ov = med([num(d, "bw_kib") for d in rows]) if is_seq(job) else med(iops)
            ratio = "%.2fx" % (ov / pv) if pv and ov is not None else "-"
            print("%-18s %-10s %-6s %2d %21s %8.1f %s %s %s %6.3f | %-22s | %-17s | %-17s | %s" %
                  (job, mode, sh, len(rows), spread(iops), med([num(d, "bw_kib") for d in rows]) / 1024,
                   f81(med([num(d, "lat_us_mean") for d in rows])), f81(med([num(d, "lat_us_p50") for d in rows])),
                   f81(med([num(d, "lat_us_p99") for d in rows])), med([num(d, "doorbells_per_io") for d in rows]),
                   fcell, c1, c2, ratio))
        paired(o, fl)
    print("(mode: irq, or the poll mode's wait strategy, -nolat: bench --no-lat; floor: bench-floor's median, the better wait "
          "strategy, latency = qd / IOPS; ratio: our median over the better Linux median, IOPS or for "
          "seq* bandwidth; U-Boot's jobs: over U-Boot's MiB/s; no ratio without a median on both sides)")
    if fails:
        print()
        print("== failed attempts (rerun; their figures are not in the table)")
        for d in fails:
            print("%s %s pin %s run %s attempt %s: %s" % (d.get("side"), d.get("backend"), d.get("pin"),
                                                         d.get("run"), d.get("attempt"), d.get("reason")))
    for d in gaveup:
        print("GAVE UP: %s %s pin %s run %s after %s attempts: %s" % (d.get("side"), d.get("backend"), d.get("pin"),
                                                                    d.get("run"), d.get("attempts"), d.get("reason")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
