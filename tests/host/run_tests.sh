#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# run_tests.sh [--prefix P] BIN... [--no-driver] [--no-clang] - run every
# host test binary through run_test.sh (binaries after --prefix P print
# "PASS P<name>"), then print "N passed, N failed" for this tier.
here=$(dirname "$0")
nodrv=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
start=$(date +%s)
prefix=host/
next_is_prefix=0
for b in "$@"; do
	if [ "$next_is_prefix" = 1 ]; then
		prefix=$b
		next_is_prefix=0
		continue
	fi
	case "$b" in
	--prefix) next_is_prefix=1 ;;
	--no-driver) nodrv=1 ;;
	--no-clang) echo "SKIP host/clang: clang not found, the tests ran with GCC only" | tee -a "$tmp" ;;
	*) CHECK_PREFIX=$prefix "$here/run_test.sh" "$b" | tee -a "$tmp" ;;
	esac
done
if [ "$nodrv" = 1 ]; then
	echo "SKIP host/driver: drivers/nvme/*.c not present yet, only the model self-tests ran" | tee -a "$tmp"
fi
p=$(grep -c '^PASS ' "$tmp")
f=$(grep -c '^FAIL ' "$tmp")
echo "# host tier: $(( $(date +%s) - start ))s"
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
