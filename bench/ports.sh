#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench/ports.sh [--runs N] [--mib N] [--pin CPUS|none] [--out DIR]
#
# Sequential write then read of N MiB (default 64) from LBA 0, in commands of
# the controller's max transfer (512 KiB with QEMU's default MDTS 7), on the
# aarch64 and riscv64 QEMU virt machines: our port (build/ports, option
# "bench") against U-Boot's NVMe driver (Debian u-boot-qemu, `nvme write` /
# `nvme read`) in the same QEMU, the same device and image, both pinned with
# taskset. Prints the median figures and the ratio (bench/README.md).
# Not a test: nothing passes or fails on a number. Needs u-boot-qemu and
# opensbi (apt-get install u-boot-qemu opensbi); `tools/ensure-deps.sh bench`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
"$root/tools/ensure-deps.sh" bench || exit 1
make -s -C "$root" ports || exit 1
exec python3 "$here/ports.py" "$@"
