#!/bin/sh
# run_tests.sh BIN... [--no-driver] - run every host test binary through
# run_test.sh, then print "N passed, N failed" for this tier.
here=$(dirname "$0")
nodrv=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
start=$(date +%s)
for b in "$@"; do
	case "$b" in
	--no-driver) nodrv=1 ;;
	*) "$here/run_test.sh" "$b" | tee -a "$tmp" ;;
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
