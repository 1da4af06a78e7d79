#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/kunit/run.sh [NAME-SUBSTRING] - host unit tests of pure kernel code
# (the ACPI table parser, the hidden-NVMe hint, capability list walks, the
# MSI destination check, the CPUID 15h/16h TSC decode):
# built with the host compiler under AddressSanitizer and UBSan, one
# "PASS kunit/<name>" or "FAIL kunit/<name>: ..." line per case.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/tests/out/kunit
mkdir -p "$out"
srcs=("$here"/kunit_main.c "$here"/test_*.c
      "$root"/kernel/dev/acpi_parse.c "$root"/kernel/dev/pci_hint.c
      "$root"/kernel/dev/pci_caps.c "$root"/kernel/arch/x86_64/msi.c
      "$root"/kernel/dev/tsc_cpuid.c)
# Built and run with $HOSTCC (gcc by default), then with clang when it is
# installed (its UBSan checks more); clang's cases print as kunit/clang/<name>.
status=0
run_with() { # compiler prefix
	local cc=$1 prefix=$2 bin=$out/kunit-$1
	if ! $cc -std=c11 -g -O1 -Wall -Wextra -Werror \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
		-I"$here" -I"$root"/kernel/dev -I"$root"/kernel/arch/x86_64 \
		"${srcs[@]}" -o "$bin" 2>"$out/build-$cc.log"; then
		cat "$out/build-$cc.log"
		echo "FAIL ${prefix}build: the host unit tests do not compile with $cc (see above)"
		status=1
		return
	fi
	KUNIT_PREFIX=$prefix "$bin" "${args[@]}" || status=1
}
args=("$@")
run_with "${HOSTCC:-gcc}" kunit/
if command -v clang >/dev/null 2>&1; then
	run_with clang kunit/clang/
else
	echo "SKIP kunit/clang: clang not found, the tests ran with ${HOSTCC:-gcc} only"
fi
exit $status
