#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench/profile.sh - where the host's time goes while our kernel runs one
# bench job in QEMU: a perf profile of the QEMU process, split into guest
# code (TCG-translated code), QEMU's device emulation (NVMe, PCI/MSI, block
# layer, AIO and thread pool), QEMU's TCG runtime (translator, helpers,
# softmmu, the vCPU loop), the rest of QEMU and its libraries (main loop,
# glib, libc), and the host kernel; then per thread.
#
#   bench/profile.sh [options]
#     --job "CMD"        the shell command profiled (default: "bench --qd 1 --irq --time T")
#                        e.g. "bench --qd 32 --poll --wait sleep --time 10",
#                        "bench-floor --qd 1 --wait halt --time 10" (needs --shadow off)
#     --time T           seconds of the job (default 10); the profile covers the
#                        middle: from 2 s after the job starts, for T-4 s
#     --backend file|null  (default null)    --shadow on|off (default on)
#     --pin CPUS|none    taskset for QEMU (default 0)
#     --out DIR          keeps perf.data, the serial log, perf stat (default build/bench/profile-<time>)
#
# Needs perf (linux-perf) and root or perf_event_paranoid <= 1. QEMU runs
# with -name debug-threads=on so threads carry names (CPU 0/TCG, worker,
# the main loop as qemu-system-x86).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/boot.sh
. "$here/boot.sh"
job=
rtime=10
be=null
sh=on
pin=0
out=
while [ $# -gt 0 ]; do
	case $1 in
	--job) job=$2; shift ;;
	--time) rtime=$2; shift ;;
	--backend) be=$2; shift ;;
	--shadow) sh=$2; shift ;;
	--pin) pin=$2; shift ;;
	--out) out=$2; shift ;;
	-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
	*) echo "bench/profile.sh: unknown option '$1' (--help)" >&2; exit 2 ;;
	esac
	shift
done
[ "$rtime" -ge 5 ] 2>/dev/null || { echo "bench/profile.sh: --time must be at least 5" >&2; exit 2; }
[ -n "$job" ] || job="bench --qd 1 --irq --time $rtime"
command -v perf >/dev/null || { echo "bench/profile.sh: perf not installed (apt-get install linux-perf)" >&2; exit 1; }
[ -n "$out" ] || out=$root/build/bench/profile-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
make -C "$root" -s >/dev/null || { echo "build failed" >&2; exit 1; }
iso=$root/build/nvmetk.iso
img=$root/build/bench/nvme-1G.img
if [ "$be" = file ]; then
	bench_image "$img" || { echo "bench/profile.sh: cannot create $img" >&2; exit 1; }
fi
drive=$(bench_drive "$be" "$img")
tmp=$(mktemp -d /tmp/nvmetk-profile.XXXXXX)
dbarg=""
[ "$sh" = off ] && dbarg="nvmedbbuf=0"
bench_cfg_disk "$tmp" "$job --yes; exit 0" "$dbarg" || { rm -rf "$tmp"; exit 1; }
bench_qemu_args tcg "$iso" "$tmp/cfg.img" "$drive" peer0
pincmd=()
[ "$pin" != none ] && pincmd=(taskset -c "$pin")
"${pincmd[@]}" qemu-system-x86_64 -name nvmetk,debug-threads=on "${BENCH_QEMU_ARGS[@]}" \
	</dev/null >"$out/serial.log" 2>&1 &
qpid=$!
# Bounds: the boot to the job's first line, and the whole run.
BOOT_TIMEOUT_S=180
end=$((SECONDS + BOOT_TIMEOUT_S))
until grep -qE '^bench(-floor)? [^ ]+: ' "$out/serial.log"; do
	if [ $SECONDS -ge $end ] || ! kill -0 $qpid 2>/dev/null; then
		echo "bench/profile.sh: the job did not start within ${BOOT_TIMEOUT_S} s (see $out/serial.log)" >&2
		kill $qpid 2>/dev/null; rm -rf "$tmp"; exit 1
	fi
	sleep 0.2
done
sleep 2
secs=$((rtime - 4))
perf stat -e task-clock,context-switches,cpu-migrations -p $qpid -o "$out/perf-stat.txt" -- sleep "$secs" &
spid=$!
perf record -q -e cpu-clock -F 2000 -p $qpid -o "$out/perf.data" -- sleep "$secs" >/dev/null 2>&1
wait $spid
timeout $((rtime + 120)) tail --pid=$qpid -f /dev/null
rm -rf "$tmp"
grep -E '^(BENCH|FLOOR) ' "$out/serial.log"
echo "== perf stat of QEMU over ${secs} s (host)"
grep -E 'task-clock|context-switches|cpu-migrations' "$out/perf-stat.txt" | sed 's/^ */  /'
perf script -i "$out/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null | python3 "$here/profile_split.py" --job "$job"
echo "files: $out"
