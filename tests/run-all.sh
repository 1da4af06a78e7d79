#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/run-all.sh - run every test tier present and count the results.
#
# Tiers: tests/build/run.sh, `make -C tests/host test` (if tests/host/Makefile
# exists), tests/kunit/run.sh (host unit tests of pure kernel code),
# tests/fuzz/run.sh (fuzzer regressions, seeds and a bounded smoke
# run), tests/sim/run.sh (the shell against the simulated controller), tests/qemu/run.sh, tests/ports/run.sh (the aarch64 and riscv64 virt
# ports under QEMU). Each prints PASS/FAIL/SKIP lines
# (docs/DEVELOPING.md). A tier that exits nonzero without a FAIL line, or
# prints no result at all, adds one FAIL line for the tier. Ends with
# exactly "N passed, N failed"; the exit status is nonzero if anything failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p tests/out
summary=tests/out/results.txt
: >"$summary"

run_tier() { # name command...
	local name=$1
	shift
	local log=tests/out/tier-$name.log
	echo "== tier $name: $*"
	"$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	local results
	results=$(grep -E '^(PASS|FAIL|SKIP) ' "$log")
	local line=
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
		line="FAIL $name/tier: exited with status $rc without a FAIL line (log: $log)"
	elif [ -z "$results" ]; then
		line="FAIL $name/tier: printed no test results, status $rc (log: $log)"
	fi
	if [ -n "$line" ]; then
		echo "$line"
		results+=$'\n'"$line"
	fi
	printf '%s\n' "$results" | grep -E '^(PASS|FAIL|SKIP) ' >>"$summary" || true
}

[ -f tests/build/run.sh ] && run_tier build bash tests/build/run.sh
[ -f tests/host/Makefile ] && run_tier host make -C tests/host test
[ -f tests/kunit/run.sh ] && run_tier kunit bash tests/kunit/run.sh
[ -f tests/fuzz/run.sh ] && run_tier fuzz bash tests/fuzz/run.sh
[ -f tests/sim/run.sh ] && run_tier sim bash tests/sim/run.sh
run_tier qemu bash tests/qemu/run.sh
[ -f tests/ports/run.sh ] && run_tier ports bash tests/ports/run.sh

passed=$(grep -c '^PASS ' "$summary")
failed=$(grep -c '^FAIL ' "$summary")
skipped=$(grep -c '^SKIP ' "$summary")
if [ "$failed" -gt 0 ]; then
	echo "== failures:"
	grep '^FAIL ' "$summary"
fi
[ "$skipped" -gt 0 ] && echo "== $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
