#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench/insn/run.sh - guest instructions per I/O of one shell command, by
# symbol of build/nvmetk.elf, counted by a TCG plugin (tbcount.c).
#
#   bench/insn/run.sh [--iso ISO] [--elf ELF] [--backend null|file]
#                     [--short S] [--long S] [--top N] [--kargs "K=V ..."]
#                     [--pin CPU|none]
#                     -- bench ARGS...      (or bench-floor ARGS...)
#
# The command runs twice, in two boots, with --time S (short, default 1)
# and --time L (long, default 4), --ramp 0 and --yes appended; each boot's
# counts are per translation block, summed per symbol. The figures are the
# differences (long - short) divided by the difference in commands
# submitted (the BENCH line's submitted=, the FLOOR line's ios=): the boot,
# the setup and the drain cancel out. Counts, not times: the load of the
# machine does not change them (the timer's wake-ups, per I/O, do a little),
# but where QEMU runs does: pinned to one host core (--pin 0) the device
# works only while the vCPU halts, so spinning waits spin longer.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=bench/boot.sh
. "$root/bench/boot.sh"
iso=$root/build/nvmetk.iso elf=$root/build/nvmetk.elf backend=null short=1 long=4 top=25 kargs='' pin=none
while [ $# -gt 0 ]; do
	case $1 in
	--iso) iso=$2; shift ;;
	--elf) elf=$2; shift ;;
	--backend) backend=$2; shift ;;
	--short) short=$2; shift ;;
	--long) long=$2; shift ;;
	--top) top=$2; shift ;;
	--kargs) kargs=$2; shift ;;
	--pin) pin=$2; shift ;;
	--) shift; break ;;
	*) echo "insn/run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ $# -gt 0 ] || { echo "insn/run.sh: no command after --" >&2; exit 2; }
case $1 in bench|bench-floor) ;; *) echo "insn/run.sh: the command must be bench or bench-floor" >&2; exit 2 ;; esac
[ "$short" -lt "$long" ] || { echo "insn/run.sh: --short must be below --long" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "insn/run.sh: qemu-system-x86_64 missing (make deps)" >&2; exit 2; }
work=$(mktemp -d /tmp/nvmetk-insn.XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden "$here/tbcount.c" -o "$work/tbcount.so"
img=$root/build/bench/nvme-1G.img
[ "$backend" = null ] || bench_image "$img"
drive=$(bench_drive "$backend" "$img")

boot() { # seconds -> $work/S.counts, $work/S.log
	local s=$1
	shift
	bench_cfg_disk "$work" "$* --time $s --ramp 0 --yes; exit 0" "$kargs"
	set +e
	local pinc=()
	[ "$pin" = none ] || pinc=(taskset -c "$pin")
	bench_qemu_args tcg "$iso" "$work/cfg.img" "$drive" insn0
	timeout -k 5 $((120 + 4 * s)) "${pinc[@]}" qemu-system-x86_64 "${BENCH_QEMU_ARGS[@]}" \
		-plugin "$work/tbcount.so,out=$work/$s.counts" </dev/null >"$work/$s.log" 2>&1
	local rc=$?
	set -e
	if [ "$rc" != 1 ] || ! grep -q '^\(BENCH\|FLOOR\) ' "$work/$s.log" || [ ! -s "$work/$s.counts" ]; then
		echo "insn/run.sh: the $s s boot failed (QEMU status $rc); its serial log:" >&2
		tail -20 "$work/$s.log" >&2
		exit 1
	fi
}
boot "$short" "$@"
boot "$long" "$@"
grep -h '^\(BENCH\|FLOOR\) ' "$work/$short.log" "$work/$long.log" | tr -d '\r'
nm -n --defined-only "$elf" | python3 "$here/symbols.py" --top "$top" "$work/$short.log" "$work/$short.counts" \
	"$work/$long.log" "$work/$long.counts"
