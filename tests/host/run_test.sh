#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# run_test.sh BINARY [ARGS...] - run one host test binary and make sure its
# outcome shows as PASS/FAIL lines: the binary prints one line per case and a
# final "# host-tests-complete N"; if that line is missing (crash, sanitizer
# abort, timeout) or the exit status is not 0 (e.g. a leak report at exit), a
# FAIL line naming the binary is added, with the tail of its stderr.
bin=$1
shift
name=$(basename "$bin")
prefix=${CHECK_PREFIX:-host/}
limit=${HOST_TEST_TIMEOUT:-120}
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	timeout -k 5 "$limit" "$bin" "$@" >"$out" 2>"$err"
rc=$?
cat "$out"
if ! grep -q '^# host-tests-complete' "$out"; then
	last=$(grep -E '^(PASS|FAIL) ' "$out" | tail -n 1 | cut -d' ' -f2 | cut -d: -f1)
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then why="timed out after ${limit}s"; else why="exited abnormally (status $rc)"; fi
	echo "FAIL $prefix$name: $why after ${last:-no completed case}"
	tail -n 40 "$err" | sed 's/^/  | /' >&2
elif [ "$rc" -ne 0 ]; then
	echo "FAIL $prefix$name-exit: status $rc after all cases (sanitizer or leak report at exit)"
	tail -n 40 "$err" | sed 's/^/  | /' >&2
elif [ -n "$HOST_TEST_VERBOSE" ]; then
	cat "$err" >&2
fi
exit 0
