#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench/host/run.sh - the host micro-benchmark of `make bench`:
#   1. the driver's instructions per 4 KiB read (submit + complete, and each
#      side alone), counted with valgrind --tool=callgrind on
#      bench/host/ubench.c (what is and is not counted: see the comment at
#      the top of ubench.c);
#   2. the driver's .text size as the kernel builds it: full, core (no
#      optional command families) and core-small (also no SGL, no fast
#      paths, error messages only), at -O2 and -Os.
# Output: "HOST-UBENCH ..." and "HOST-TEXT ..." lines plus a short table.
# Needs gcc and valgrind: installed by `tools/ensure-deps.sh bench` when
# missing (as root; otherwise it prints the apt-get line and this stops).
# Builds into build/bench-host/. N=<reads> overrides the loop count (default 32768).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/bench-host
drv=$root/drivers/nvme
th=$root/tests/host
n=${N:-32768}
command -v valgrind >/dev/null 2>&1 && command -v callgrind_annotate >/dev/null 2>&1 ||
	"$root/tools/ensure-deps.sh" bench
mkdir -p "$out/drv" "$out/model" "$out/text"

# The kernel's flags for driver code (top-level Makefile CFLAGS, without
# the kernel's include paths and dependency files).
KFLAGS="-std=gnu11 -g -Wall -Wextra -Werror -ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone \
-mgeneral-regs-only -mcmodel=small -fno-omit-frame-pointer -fno-strict-aliasing -fno-builtin-printf"

# ---- 1. instructions per I/O ------------------------------------------------
# The measured copy of the driver: exactly the kernel's build (no MMIO hook:
# a doorbell is one store). The bring-up copy: with -DNVME_MMIO_HOOK so the
# model sees its register accesses, linked into one object whose global
# symbols are renamed hk_* (see ubench.c).
objs=()
mkdir -p "$out/drv-hook"
hook_objs=()
for f in "$drv"/*.c; do
	b=$(basename "$f" .c)
	# shellcheck disable=SC2086
	gcc $KFLAGS -O2 -I"$drv" -c "$f" -o "$out/drv/$b.o"
	objs+=("$out/drv/$b.o")
	# shellcheck disable=SC2086
	gcc $KFLAGS -O2 -DNVME_MMIO_HOOK -I"$drv" -c "$f" -o "$out/drv-hook/$b.o"
	hook_objs+=("$out/drv-hook/$b.o")
done
ld -r "${hook_objs[@]}" -o "$out/drv-hook/all.o"
nm -g --defined-only "$out/drv-hook/all.o" | awk 'NF == 3 { print $3 " hk_" $3 }' >"$out/drv-hook/rename.txt"
objcopy --redefine-syms="$out/drv-hook/rename.txt" "$out/drv-hook/all.o" "$out/drv-hook/all-hk.o"
objs+=("$out/drv-hook/all-hk.o")
MFLAGS="-std=c11 -O2 -g -fno-pie -DNVME_MMIO_HOOK -Dnvme_mmio_hook_read32=model_mmio_read32 \
-Dnvme_mmio_hook_write32=model_mmio_write32 -I$drv -I$th -I$th/model"
for f in "$th"/model/*.c "$th"/host_env.c; do
	o=$out/model/$(basename "$f" .c).o
	# shellcheck disable=SC2086
	gcc $MFLAGS -c "$f" -o "$o"
	objs+=("$o")
done
# shellcheck disable=SC2086
gcc -std=c11 -O2 -g -Wall -Wextra -Werror -fno-pie -I"$drv" -I"$th" -c "$here/ubench.c" -o "$out/ubench.o"
gcc -no-pie -pthread "$out/ubench.o" "${objs[@]}" -o "$out/ubench"

if ! command -v valgrind >/dev/null; then
	echo "HOST-UBENCH skipped: valgrind not installed (apt-get install valgrind)"
else
	rm -f "$out"/cg.out*
	(cd "$out" && valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no --dump-instr=yes \
		--callgrind-out-file="$out/cg.out" ./ubench "$n" >"$out/ubench.log" 2>"$out/valgrind.log") ||
		{ cat "$out/ubench.log" "$out/valgrind.log"; exit 1; }
	for phase in qd1 qd1-submit qd1-complete qd32 qd32-submit qd32-complete; do
		f=$(grep -l "^desc: Trigger: Client Request: $phase\$" "$out"/cg.out* | head -1)
		[ -n "$f" ] || { echo "no callgrind dump for $phase"; exit 1; }
		callgrind_annotate --inclusive=no --threshold=100 --auto=no "$f" >"$out/annotate-$phase.txt"
		# lines: "  12,345 (12.3%)  /path/file.c:function [/path/binary]"
		awk -v n="$n" -v phase="$phase" '
			/^-+$/ { sec++ }
			sec >= 5 && /^ *[0-9,]+ \(/ {
				v = $1; gsub(/,/, "", v); s = $0; sub(/^ *[0-9,]+ \( *[0-9.]+%\) +/, "", s); sub(/ \[.*/, "", s)
				fn = s; sub(/.*:/, "", fn); file = s; sub(/:[^:]*$/, "", file)
				if (file ~ /(^|\/)drivers\/nvme\//) { d += v; top[fn] += v } else { o += v; other[file ":" fn] += v }
			}
			END {
				printf "HOST-UBENCH phase=%s ios=%d driver_instr_per_io=%.1f not_counted_instr_per_io=%.1f\n", phase, n, d / n, o / n
				for (f in top) printf "  counted      %-34s %7.1f /io\n", f, top[f] / n | "sort -k3 -rn"
				close("sort -k3 -rn")
				for (f in other) printf "  not counted  %-60s %7.1f /io\n", f, other[f] / n | "sort -k4 -rn"
				close("sort -k4 -rn")
			}' "$out/annotate-$phase.txt"
	done
	cat "$out/ubench.log"
fi

# ---- 2. .text size ------------------------------------------------------------
# full: every driver file; core: the build a porter gets with
# -DNVME_CFG_OPTIONAL_COMMANDS=0; core-small: the smallest build that still
# does bring-up, PRP I/O, recovery and shadow doorbells (drivers/nvme/README.md
# "Configuration").
text_of() { # label opt extra-flags
	local label=$1 opt=$2 extra=$3 t=0 r=0 f o
	for f in "$drv"/*.c; do
		o=$out/text/$label-$(basename "$f" .c).o
		# shellcheck disable=SC2086
		gcc $KFLAGS $opt $extra -I"$drv" -c "$f" -o "$o"
		t=$((t + $(size -A "$o" | awk '$1 == ".text" || $1 ~ /^\.text\./ { s += $2 } END { print s + 0 }')))
		r=$((r + $(size -A "$o" | awk '$1 ~ /^\.rodata/ { s += $2 } END { print s + 0 }')))
	done
	printf "HOST-TEXT build=%s opt=%s text_bytes=%d text_kib=%.1f rodata_bytes=%d\n" "$label" "${opt#-}" "$t" \
		"$(echo "$t / 1024" | bc -l)" "$r"
}
text_of full -O2 ""
text_of full -Os ""
text_of core -O2 "-DNVME_CFG_OPTIONAL_COMMANDS=0"
text_of core -Os "-DNVME_CFG_OPTIONAL_COMMANDS=0"
small="-DNVME_CFG_OPTIONAL_COMMANDS=0 -DNVME_CFG_SGL=0 -DNVME_CFG_FAST_PATH=0 -DNVME_CFG_LOG_LEVEL=0"
text_of core-small -O2 "$small"
text_of core-small -Os "$small"
