#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/fuzz/speed.sh - CPU cost of the harness (the speed table of README.md).
#
#   tests/fuzz/speed.sh exec   BINARY CORPUS RUNS   libFuzzer -runs=RUNS -seed=1 from CORPUS
#                                                   (read only: new inputs go to a temporary
#                                                   directory)
#   tests/fuzz/speed.sh replay BINARY FILES...      each file run once (libFuzzer's file
#                                                   mode: no mutation, no feature bookkeeping)
#   tests/fuzz/speed.sh growth BINARY CORPUS CPUSEC libFuzzer from CORPUS (-seed=SEED, default 1)
#                                                   until it has used CPUSEC seconds of CPU
#                                                   (user+sys; SIGINT then), then the coverage
#                                                   build (build/fuzz_cov, or COV=FILE) over
#                                                   CORPUS + what it found (drivers/nvme total)
#
# Every line printed starts with the mode; CPU time is user+sys of the
# fuzzer process (wall time depends on the machine's load: it is shown with
# the load average). Run it at nice 19 on a shared machine.
set -uo pipefail
cd "$(dirname "$0")"
mode=${1:-}
bin=${2:-}
[ -n "$mode" ] && [ -x "$bin" ] || { echo "usage: $0 exec|replay|growth BINARY ..." >&2; exit 2; }
shift 2
export ASAN_OPTIONS=quarantine_size_mb=32${ASAN_OPTIONS:+:$ASAN_OPTIONS}
flags=(-max_len=8192 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fzspeed.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# CPU seconds (user+sys, children included) of a command, from /usr/bin/time
cpu_of() { awk '/^CPU/ { printf "%.2f", $2 + $3 }' "$1"; }

case "$mode" in
exec)
	corpus=$1 runs=$2
	mkdir -p "$tmp/out"
	/usr/bin/time -f 'CPU %U %S %e' -o "$tmp/time" "$bin" "${flags[@]}" -runs="$runs" -seed=1 \
		"$tmp/out" "$corpus" >"$tmp/log" 2>&1
	rc=$?
	n=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$tmp/log" | grep -oE '[0-9]+$')
	cpu=$(cpu_of "$tmp/time")
	done=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$tmp/log" | grep -oE 'cov: [0-9]+ ft: [0-9]+')
	echo "exec $bin: rc $rc, $n executions, $cpu s CPU ($(awk -v c="$cpu" -v n="$n" 'BEGIN { printf "%.3f", n ? 1000 * c / n : 0 }') ms/exec), wall $(awk '/^CPU/ {print $4}' "$tmp/time") s, $done, load $(cut -d' ' -f1-3 /proc/loadavg)"
	;;
replay)
	/usr/bin/time -f 'CPU %U %S %e' -o "$tmp/time" "$bin" "${flags[@]}" "$@" >"$tmp/log" 2>&1
	rc=$?
	cpu=$(cpu_of "$tmp/time")
	echo "replay $bin: rc $rc, $# files, $cpu s CPU ($(awk -v c="$cpu" -v n="$#" 'BEGIN { printf "%.3f", 1000 * c / n }') ms/file), wall $(awk '/^CPU/ {print $4}' "$tmp/time") s, load $(cut -d' ' -f1-3 /proc/loadavg)"
	;;
growth)
	corpus=$1 budget=$2
	mkdir -p "$tmp/out"
	"$bin" "${flags[@]}" -seed="${SEED:-1}" "$tmp/out" "$corpus" >"$tmp/log" 2>&1 &
	pid=$!
	tck=$(getconf CLK_TCK)
	cpu=0
	while kill -0 "$pid" 2>/dev/null; do
		read -r -a st <"/proc/$pid/stat" || break
		cpu=$(( (st[13] + st[14]) / tck ))   # utime + stime (the fields after the command name)
		[ "$cpu" -ge "$budget" ] && { kill -INT "$pid"; break; }
		sleep 1
	done
	wait "$pid"
	last=$(grep -E '^#[0-9]+' "$tmp/log" | tail -n 1 | grep -oE '^#[0-9]+|cov: [0-9]+ ft: [0-9]+' | tr '\n' ' ')
	# the coverage build of the tree (or COV=another one)
	cov=${COV:-build/fuzz_cov}
	[ -n "${COV:-}" ] || make -s build/fuzz_cov >/dev/null || exit 1
	rm -f "$tmp"/*.profraw
	LLVM_PROFILE_FILE="$tmp/cov-%p.profraw" "$cov" -runs=0 "$tmp/out" "$corpus" >/dev/null 2>&1
	llvm-profdata merge -sparse "$tmp"/cov-*.profraw -o "$tmp/cov.profdata"
	tot=$(llvm-cov report "$cov" -instr-profile="$tmp/cov.profdata" ../../drivers/nvme/*.c |
	      awk 'NF >= 13 && $1 != "TOTAL" && $1 !~ /fuzz_nvme/ && $1 !~ /^(Filename|---)/ { l += $8; lm += $9; b += $11; bm += $12 }
		   END { printf "lines %.2f%% (%d of %d), branches %.2f%% (%d of %d)", 100 * (l - lm) / l, l - lm, l, 100 * (b - bm) / b, b - bm, b }')
	echo "growth $bin: ${cpu} s CPU, executions and libFuzzer's last line: $last; $(ls "$tmp/out" | wc -l) new inputs; drivers/nvme over the start corpus + them: $tot; load $(cut -d' ' -f1-3 /proc/loadavg)"
	;;
*)
	echo "usage: $0 exec|replay|growth BINARY ..." >&2; exit 2 ;;
esac
