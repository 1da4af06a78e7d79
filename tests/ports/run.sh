#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/ports/run.sh [NAME...] - the virt ports tier: builds the aarch64 and
# riscv64 ports (make ports), tests their device tree walker on the host
# against QEMU's DTBs and corrupted copies (fdt_test.c, ASan/UBSan; skipped
# when NAMEs select runs), and boots each port under QEMU TCG
# (tests/ports/run.py NAME...). Prints PASS/FAIL/SKIP lines
# (docs/DEVELOPING.md).
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
# The device tree walker on the host (ASan, UBSan): QEMU's own DTBs, then
# corrupted copies of them (tests/ports/fdt_test.c).
out="$root/tests/out/ports"
mkdir -p "$out"
rc=0
if [ $# -eq 0 ]; then
	if gcc -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all \
		-I"$root/ports/common" "$root/ports/common/fdt.c" "$here/fdt_test.c" -o "$out/fdt_test" \
		>"$out/fdt_test-build.log" 2>&1; then
		for m in aarch64 riscv64; do
			q=qemu-system-$m
			[ $m = aarch64 ] && q="$q -cpu cortex-a57"
			if timeout 60 $q -M virt,dumpdtb="$out/$m-virt.dtb" -m 256 -nographic \
				-device nvme,serial=x >"$out/$m-dumpdtb.log" 2>&1; then
				log="$out/fdt_test-$m.log"
				"$out/fdt_test" "$m-virt" "$out/$m-virt.dtb" 3000 >"$log" 2>&1
				st=$?
				grep -E '^(PASS|FAIL|SKIP|#) ' "$log"
				if [ "$st" -ne 0 ]; then
					rc=1
					grep -q '^FAIL ' "$log" ||
						echo "FAIL ports/fdt-$m-virt: exit status $st: $(grep -m1 -E 'ERROR: AddressSanitizer|runtime error' "$log" | cut -c1-160) (log $log)"
				fi
			else
				echo "FAIL ports/fdt-$m-virt-real: QEMU did not dump its DTB ($out/$m-dumpdtb.log)"
				rc=1
			fi
		done
	else
		echo "FAIL ports/fdt-build: $(grep -m1 error "$out/fdt_test-build.log")"
		rc=1
	fi
fi
python3 "$here/run.py" "$@" || rc=1
exit $rc
