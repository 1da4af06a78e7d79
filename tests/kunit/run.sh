#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/kunit/run.sh [NAME-SUBSTRING] - host unit tests of pure kernel code
# (the ACPI table parser, the hidden-NVMe hint, the MSI destination check):
# built with the host compiler under AddressSanitizer and UBSan, one
# "PASS kunit/<name>" or "FAIL kunit/<name>: ..." line per case.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/tests/out/kunit
mkdir -p "$out"
CC=${HOSTCC:-gcc}
srcs=("$here"/kunit_main.c "$here"/test_*.c
      "$root"/kernel/dev/acpi_parse.c "$root"/kernel/dev/pci_hint.c
      "$root"/kernel/arch/x86_64/msi.c)
if ! $CC -std=c11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-I"$here" -I"$root"/kernel/dev -I"$root"/kernel/arch/x86_64 \
	"${srcs[@]}" -o "$out"/kunit 2>"$out"/build.log; then
	cat "$out"/build.log
	echo "FAIL kunit/build: the host unit tests do not compile (see above)"
	exit 1
fi
"$out"/kunit "$@"
