#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/ports/run.sh - the virt ports tier: builds the aarch64 and riscv64
# ports (make ports) and boots each under QEMU TCG (tests/ports/run.py).
# Prints PASS/FAIL/SKIP lines (docs/DEVELOPING.md).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
missing=
for c in aarch64-linux-gnu-gcc riscv64-linux-gnu-gcc qemu-system-aarch64 qemu-system-riscv64 python3 timeout; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "FAIL ports/setup: missing:$missing (tools/ensure-deps.sh test installs them)"
	exit 1
fi
mkdir -p "$root/tests/out"
if ! nice -n 10 make -s -C "$root" ports >"$root/tests/out/ports-build.log" 2>&1; then
	echo "FAIL ports/build: 'make ports' failed: $(grep -m1 -E 'error|Error' "$root/tests/out/ports-build.log")"
	exit 1
fi
exec python3 "$here/run.py" "$@"
