#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Sums tbcount.c's per-block counts per symbol (nm -n on stdin) for two
boots and prints the difference per command submitted (bench/insn/run.sh)."""
import bisect
import re
import sys


def commands(log):
    with open(log, errors="replace") as f:
        for line in f:
            line = line.strip()
            m = re.match(r"^BENCH .*\bsubmitted=(\d+)", line)
            if m:
                return int(m.group(1))
            m = re.match(r"^FLOOR .*\bios=(\d+)", line)
            if m:
                return int(m.group(1))
    sys.exit(f"symbols.py: no BENCH or FLOOR line in {log}")


def per_symbol(path, addrs, names):
    sums = {}
    total = 0
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            va, n = line.split()
            va, n = int(va, 16), int(n)
            total += n
            i = bisect.bisect_right(addrs, va) - 1
            name = names[i] if i >= 0 else "?"
            if va >= 1 << 47:
                name = "?"
            sums[name] = sums.get(name, 0) + n
    return sums, total


def main():
    args = sys.argv[1:]
    top = 25
    if args[:1] == ["--top"]:
        top = int(args[1])
        args = args[2:]
    log_s, cnt_s, log_l, cnt_l = args
    addrs, names = [], []
    for line in sys.stdin:
        p = line.split()
        if len(p) == 3 and p[1] in "TtWw":
            addrs.append(int(p[0], 16))
            names.append(p[2])
    ios = commands(log_l) - commands(log_s)
    if ios <= 0:
        sys.exit("symbols.py: the long boot submitted no more commands than the short one")
    s, ts = per_symbol(cnt_s, addrs, names)
    l, tl = per_symbol(cnt_l, addrs, names)
    diff = {k: l.get(k, 0) - s.get(k, 0) for k in set(s) | set(l)}
    print(f"INSN commands={ios} per_io={(tl - ts) / ios:.1f}")
    for k, v in sorted(diff.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {v / ios:8.1f}  {k}")


main()
