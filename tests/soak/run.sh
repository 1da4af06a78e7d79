#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/soak/run.sh [soak.py options] - the long verified soak (not in CI):
# iochk over 8 GiB (default) of verified writes and reads on a QEMU NVMe
# namespace with a controller reset every 500 ops, then the image re-checked
# from the host. Hours under TCG. Options: --gib G --bs 512|4096 --count N
# --reset-every N --seed S --hours H (python3 tests/soak/soak.py --help).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
make -s -C "$root" all >&2
exec python3 "$root/tests/soak/soak.py" "$@"
