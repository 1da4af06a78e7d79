#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/qemu/run.sh [test_file.py...] - the QEMU integration tier.
# Builds the ISO if needed, then runs tests/qemu/test_*.py two at a time
# (NVMETK_JOBS to change). Prints PASS/FAIL/SKIP lines (docs/DEVELOPING.md).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if ! "$root/tools/ensure-deps.sh" run >&2; then
	echo "FAIL qemu/setup: required packages missing (see above)"
	exit 1
fi
if ! make -s -C "$root" all >&2; then
	echo "FAIL qemu/setup: 'make all' failed, no ISO to test"
	exit 1
fi
mkdir -p "$root/tests/out"
rm -f "$root/tests/out/qemu-timings.txt"
python3 "$here/runner.py" "$@"
