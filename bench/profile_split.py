#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""bench/profile_split.py - reads `perf script -F comm,tid,ip,sym,dso` of a
QEMU process on stdin and prints the share of samples per part (see
bench/profile.sh), per thread, and the top symbols of each part."""
import argparse
import collections
import re
import sys

LINE = re.compile(r"^\s*(.*?)\s+(\d+)\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")

# QEMU functions by what they do (prefixes of symbol names in QEMU 7.2)
DEVICE = re.compile(r"^(nvme_|pci_nvme|pcie?_|msix?_|msi_|blk_|bdrv_|blk|aio_|qemu_aio|thread_pool|null_|raw_|"
                    r"dma_|address_space_|flatview_|memory_region_|qemu_sglist|qemu_iovec|iov_|coroutine|"
                    r"qemu_coroutine|apic_|ioapic|kvm_apic|hpet|qemu_irq|handle_aiocb|laio|luring|"
                    r"block_|bdrv|aio_co|co_|ram_block|subpage_|portio|memory_|unassigned|io_mem)")
TCG = re.compile(r"^(helper_|tcg_|tb_|cpu_exec|cpu_loop|cpu_tb|cpu_handle|cpu_get_tb|tlb_|io_readx|io_writex|"
                 r"load_helper|store_helper|full_|probe_|get_page_addr|page_|translator|gen_|disas_|"
                 r"x86_cpu|cpu_x86|cpu_ld|cpu_st|do_interrupt|raise_|cc_compute|compute_|mttcg|rr_cpu|"
                 r"qemu_tcg|tcg|victim_tlb|tlb|cpu_io_recompile|cpu_restore|cpu_mmu|mmu_)")


def part(dso, sym):
    if dso.startswith("[kernel"):
        return "host kernel"
    # TCG's code buffer: anonymous memory, or QEMU's perf map (/tmp/perf-PID.map)
    if dso in ("[unknown]", "") or dso.startswith("[JIT]") or "tcg-jit" in dso or dso.startswith("//anon") \
            or dso.startswith("memfd:") or re.match(r"^/tmp/perf-\d+\.map$", dso):
        return "guest code (TCG translated)"
    if "qemu-system" in dso and sym in ("[unknown]", ""):
        return "QEMU, no symbol"
    if "qemu-system" in dso:
        if DEVICE.match(sym):
            return "QEMU device emulation"
        if TCG.match(sym):
            return "QEMU TCG runtime"
        return "QEMU other (main loop, ...)"
    return "libraries (libc, glib, ...)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--job", default="")
    ap.add_argument("--top", type=int, default=6)
    a = ap.parse_args()
    parts = collections.Counter()
    threads = collections.Counter()
    per_thread = collections.defaultdict(collections.Counter)
    syms = collections.defaultdict(collections.Counter)
    n = 0
    for line in sys.stdin:
        m = LINE.match(line)
        if not m:
            continue
        comm, _, _, sym, dso = m.groups()
        sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
        if dso.startswith("[kernel"):
            dso = "[kernel]"
        p = part(dso, sym)
        n += 1
        parts[p] += 1
        threads[comm] += 1
        per_thread[comm][p] += 1
        syms[p][sym if sym != "[unknown]" else "(%s)" % dso] += 1
    if n == 0:
        print("no samples (perf record saw nothing: permissions, or the process ended)")
        return 1
    print("== where QEMU's host time goes%s: %d samples" % (" (" + a.job + ")" if a.job else "", n))
    for p, c in parts.most_common():
        print("  %-32s %5.1f %%" % (p, 100.0 * c / n))
    print("== per thread")
    for t, c in threads.most_common():
        split = ", ".join("%s %.0f%%" % (p.split(" (")[0], 100.0 * k / c) for p, k in per_thread[t].most_common(3))
        print("  %-20s %5.1f %%  (%s)" % (t, 100.0 * c / n, split))
    print("== top symbols per part (share of all samples)")
    for p, _ in parts.most_common():
        top = ", ".join("%s %.1f" % (s, 100.0 * k / n) for s, k in syms[p].most_common(a.top))
        print("  %s: %s" % (p, top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
