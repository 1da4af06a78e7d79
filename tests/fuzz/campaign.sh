#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/fuzz/campaign.sh - a fuzz campaign of the driver (`make fuzz-campaign`).
#
#   tests/fuzz/campaign.sh [-j WORKERS] [-t SECONDS] [-n NICE] [--no-update]
#
#  1. builds the libFuzzer harness and the coverage build (clang,
#     -fprofile-instr-generate -fcoverage-mapping);
#  2. runs WORKERS libFuzzer processes (default 1) for SECONDS (default 3600)
#     at nice NICE (default 15), starting from corpus/ plus the corpus kept
#     from earlier campaigns in build/campaign/corpus, crashes to
#     build/crashes/;
#  3. merges and minimizes (libFuzzer -merge=1: the smallest set of inputs
#     that keeps every feature) everything found into build/campaign/corpus
#     (carried over to the next campaign on this machine), and adds to the
#     tree's corpus/ (unless --no-update) the inputs that bring features
#     corpus/ lacks, smallest first, at most KEEP (default 48) per campaign:
#     corpus/ is replayed one process per file by `make test`, so it stays
#     small;
#  4. prints executions (sum over workers), line and branch coverage of
#     drivers/nvme per file and in total (llvm-cov report of the coverage
#     build run over the merged corpus), and findings (new files in
#     build/crashes/).
# The summary goes to build/campaign/summary.txt too.
set -uo pipefail
cd "$(dirname "$0")"
workers=1 secs=3600 nicev=15 update=1 keep=${KEEP:-48}
while [ $# -gt 0 ]; do
	case "$1" in
	-j) workers=$2; shift 2 ;;
	-t) secs=$2; shift 2 ;;
	-n) nicev=$2; shift 2 ;;
	--no-update) update=0; shift ;;
	*) echo "usage: $0 [-j WORKERS] [-t SECONDS] [-n NICE] [--no-update]" >&2; exit 2 ;;
	esac
done
case "$workers$secs$nicev" in *[!0-9]*) echo "error: -j, -t and -n take numbers" >&2; exit 2 ;; esac
out=build
camp=$out/campaign
mkdir -p "$camp/corpus" "$out/crashes" "$camp/logs"
make -s "$out/fuzz_nvme" "$out/fuzz_cov" || { echo "error: build failed" >&2; exit 1; }

crashes_before=$(ls "$out/crashes" | wc -l)
rm -f "$camp"/logs/*.log
start=$(date +%s)
echo "campaign: $workers worker(s), $secs s, nice $nicev, started $(date -u +%FT%TZ)"
pids=()
for w in $(seq 1 "$workers"); do
	# each worker its own seed and log; they share the corpus directory
	ASAN_OPTIONS=quarantine_size_mb=32 nice -n "$nicev" "$out/fuzz_nvme" -max_len=8192 -timeout=20 \
		-rss_limit_mb=2048 -print_final_stats=1 -max_total_time="$secs" -seed="$((start + w))" \
		-artifact_prefix="$out/crashes/" "$camp/corpus" corpus >"$camp/logs/worker-$w.log" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
elapsed=$(( $(date +%s) - start ))

execs=0
for f in "$camp"/logs/worker-*.log; do
	n=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$f" | grep -oE '[0-9]+$' | tail -n 1)
	execs=$(( execs + ${n:-0} ))
done

# merge + minimize everything into a fresh directory (the carried corpus)
rm -rf "$camp/merged"
mkdir -p "$camp/merged"
nice -n "$nicev" "$out/fuzz_nvme" -merge=1 -max_len=8192 -timeout=20 -rss_limit_mb=2048 \
	"$camp/merged" corpus "$camp/corpus" >"$camp/logs/merge.log" 2>&1
nmerged=$(ls "$camp/merged" | wc -l)
if [ "$nmerged" -gt 0 ]; then
	rm -rf "$camp/corpus"
	cp -r "$camp/merged" "$camp/corpus"
fi
# what corpus/ lacks: merge into a copy of corpus/ (its files are kept,
# only inputs with new features are added), then the smallest KEEP of those
added=0
if [ "$update" = 1 ]; then
	rm -rf "$camp/tree"
	cp -r corpus "$camp/tree"
	nice -n "$nicev" "$out/fuzz_nvme" -merge=1 -max_len=8192 -timeout=20 -rss_limit_mb=2048 \
		"$camp/tree" "$camp/merged" >"$camp/logs/merge-tree.log" 2>&1
	for f in $(cd "$camp/tree" && ls -S -r); do
		[ -e "corpus/$f" ] && continue
		[ "$added" -ge "$keep" ] && break
		cp "$camp/tree/$f" "corpus/campaign-$f"
		added=$((added + 1))
	done
fi

# coverage of drivers/nvme over the merged corpus
rm -f "$camp"/cov-*.profraw
LLVM_PROFILE_FILE="$camp/cov-%p.profraw" nice -n "$nicev" "$out/fuzz_cov" -runs=0 "$camp/merged" \
	>"$camp/logs/cov.log" 2>&1
llvm-profdata merge -sparse "$camp"/cov-*.profraw -o "$camp/cov.profdata"
llvm-cov report "$out/fuzz_cov" -instr-profile="$camp/cov.profdata" ../../drivers/nvme/*.c \
	>"$camp/cov-report.txt" 2>&1

crashes_after=$(ls "$out/crashes" | wc -l)
{
	echo "campaign: $workers worker(s), ${elapsed} s, $execs executions ($(( execs / (elapsed > 0 ? elapsed : 1) ))/s)"
	echo "corpus: $nmerged inputs after merge ($(( $(du -sb "$camp/merged" | cut -f1) / 1024 )) KiB, kept in tests/fuzz/build/campaign/corpus); $added added to tests/fuzz/corpus/ (now $(ls corpus | wc -l) files, $(( $(du -sb corpus | cut -f1) / 1024 )) KiB)"
	echo "findings: $(( crashes_after - crashes_before )) new file(s) in tests/fuzz/build/crashes/"
	echo "coverage of drivers/nvme (llvm-cov; columns: file, lines, missed, line %, branches, missed, branch %):"
	# llvm-cov report columns: Filename Regions Missed Cover Functions Missed Executed Lines Missed Cover Branches Missed Cover
	awk '/^(Filename|---)/ {next}
	     NF >= 13 && $1 != "TOTAL" && $1 !~ /fuzz_nvme/ {
		sub(".*/", "", $1); printf "  %-20s %6s %6s %8s %6s %6s %8s\n", $1, $8, $9, $10, $11, $12, $13
		l += $8; lm += $9; b += $11; bm += $12 }
	     END { printf "  %-20s %6d %6d %7.2f%% %6d %6d %7.2f%%\n", "drivers/nvme", l, lm,
			  l ? 100 * (l - lm) / l : 0, b, bm, b ? 100 * (b - bm) / b : 0 }' "$camp/cov-report.txt"
} | tee "$camp/summary.txt"
[ "$crashes_after" -eq "$crashes_before" ]
