#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/sim/run.sh [test_file.py...] [-k SUBSTRING] - the simulator tier:
# builds build/nvmetk-sim (`make sim`, ASan + UBSan) and runs tests/sim/test_*.py
# against it. Prints PASS/FAIL lines (docs/DEVELOPING.md); see tests/sim/README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if ! make -s -C "$root" sim >&2; then
	echo "FAIL sim/build: 'make sim' failed"
	exit 1
fi
mkdir -p "$root/tests/out/sim"
python3 "$here/runner.py" "$@"
