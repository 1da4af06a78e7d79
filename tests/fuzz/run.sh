#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/fuzz/run.sh - the fuzz tier of `make test` (tests/run-all.sh).
#
#  1. every regression input (regressions/: crashes the fuzzer found, kept
#     after the fix) and every seed (corpus/) through the harness without
#     libFuzzer, one process per file: PASS fuzz/regression/<name> or FAIL;
#  2. a bounded libFuzzer smoke run (FUZZ_RUNS executions, fixed seed) when
#     clang has libFuzzer: PASS fuzz/smoke, or FAIL naming the crash input
#     kept in tests/fuzz/build/crashes/.
set -uo pipefail
cd "$(dirname "$0")"
runs=${FUZZ_RUNS:-4000}
out=build
mkdir -p "$out"
start=$(date +%s)

if ! make -s "$out/fuzz_replay" >"$out/build-replay.log" 2>&1; then
	echo "FAIL fuzz/build-replay: $(tail -n 3 "$out/build-replay.log" | tr '\n' ' ')"
	exit 1
fi
for dir in regressions corpus; do
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		name=$(basename "$f")
		kind=$([ "$dir" = regressions ] && echo regression || echo seed)
		if timeout 120 "$out/fuzz_replay" "$f" >/dev/null 2>"$out/replay.err"; then
			echo "PASS fuzz/$kind/$name"
		else
			echo "FAIL fuzz/$kind/$name: $(grep -m1 -E 'invariant|ERROR|runtime error' "$out/replay.err")"
			tail -n 30 "$out/replay.err" | sed 's/^/  | /' >&2
		fi
	done
done

# libFuzzer needs clang and its runtime (Debian: libclang-rt-14-dev)
if ! command -v clang >/dev/null || ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' |
	clang -x c -fsanitize=fuzzer - -o "$out/probe" >/dev/null 2>&1; then
	echo "SKIP fuzz/smoke: clang with libFuzzer not found (Debian: clang libclang-rt-14-dev)"
	exit 0
fi
if ! make -s "$out/fuzz_nvme" >"$out/build-fuzz.log" 2>&1; then
	echo "FAIL fuzz/build: $(tail -n 3 "$out/build-fuzz.log" | tr '\n' ' ')"
	exit 1
fi
rm -rf "$out/smoke-corpus"
mkdir -p "$out/smoke-corpus" "$out/crashes"
log=$out/smoke.log
ASAN_OPTIONS=quarantine_size_mb=32 timeout 600 "$out/fuzz_nvme" -runs="$runs" -seed=1 -max_len=8192 -timeout=20 \
	-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/crashes/" "$out/smoke-corpus" corpus >"$log" 2>&1
rc=$?
cov=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | grep -oE 'cov: [0-9]+ ft: [0-9]+' | tail -n 1)
execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$')
if [ "$rc" -eq 0 ]; then
	echo "PASS fuzz/smoke"
	echo "# fuzz smoke: ${execs:-?} executions, ${cov:-?} (libFuzzer edge counters), $(( $(date +%s) - start ))s"
else
	art=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1 | sed 's/Test unit written to //')
	echo "FAIL fuzz/smoke: exit $rc after ${execs:-?} executions; input: tests/fuzz/${art:-?} (see $log)"
	grep -m3 -E 'invariant|ERROR|runtime error' "$log" | sed 's/^/  | /' >&2
fi
