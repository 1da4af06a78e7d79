#!/bin/sh
# tests/build/run.sh - portability builds of drivers/nvme.
#
# Compiles every drivers/nvme/*.c with -std=c11 -Wall -Wextra -Werror -pedantic
# for the host (gcc, clang), freestanding x86_64, aarch64 and riscv64, with
# NVME_CFG_TRACE=0 and =1, and with -DNVME_MMIO_HOOK; compiles a file that
# includes only nvme_spec.h (its static asserts) for each; prints one
# PASS/FAIL line per target (docs/DEVELOPING.md) and the driver's .text size
# per architecture as "# " lines. Installs nothing. Exit status 1 on any FAIL.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
drv="$root/drivers/nvme"
out=$(mktemp -d "${TMPDIR:-/tmp}/nvme-build.XXXXXX")
trap 'rm -rf "$out"' EXIT INT TERM

fails=0
warn="-std=c11 -Wall -Wextra -Werror -pedantic"

pass() { echo "PASS build/$1"; }
fail() { echo "FAIL build/$1: $2"; fails=$((fails + 1)); }

# target name | compiler | flags | apt package providing the compiler
targets="
host-gcc|gcc|-O2|gcc
host-clang|clang|-O2|clang
x86_64-freestanding|gcc|-O2 -ffreestanding -fno-stack-protector -mno-red-zone -mgeneral-regs-only -fno-pic -mcmodel=kernel|gcc
aarch64-freestanding|aarch64-linux-gnu-gcc|-O2 -ffreestanding -fno-stack-protector -mgeneral-regs-only|gcc-aarch64-linux-gnu
riscv64-freestanding|riscv64-linux-gnu-gcc|-O2 -ffreestanding -fno-stack-protector -mcmodel=medany|gcc-riscv64-linux-gnu
"

# compile_all NAME CC FLAGS -> 0 on success; message in $out/NAME.log
compile_all() {
	ca_name=$1; ca_cc=$2; ca_flags=$3
	ca_dir="$out/$ca_name"
	mkdir -p "$ca_dir"
	for ca_src in "$drv"/*.c; do
		ca_obj="$ca_dir/$(basename "$ca_src" .c).o"
		# shellcheck disable=SC2086
		if ! $ca_cc $warn $ca_flags -I"$drv" -c "$ca_src" -o "$ca_obj" >>"$out/$ca_name.log" 2>&1; then
			return 1
		fi
	done
	return 0
}

first_error() {
	grep -m1 -E 'error|undefined' "$1" 2>/dev/null | cut -c1-200
}

echo "$targets" | while IFS='|' read -r name cc flags pkg; do
	[ -n "$name" ] || continue
	echo "$name|$cc|$flags|$pkg"
done >"$out/targets"

while IFS='|' read -r name cc flags pkg; do
	if ! command -v "$cc" >/dev/null 2>&1; then
		for v in trace0 trace1 mmio-hook spec-only; do
			fail "$name-$v" "compiler $cc not found (apt-get install $pkg)"
		done
		continue
	fi
	for v in trace0 trace1 mmio-hook; do
		case $v in
		trace0) extra="-DNVME_CFG_TRACE=0" ;;
		trace1) extra="-DNVME_CFG_TRACE=1" ;;
		mmio-hook) extra="-DNVME_MMIO_HOOK -DNVME_CFG_TRACE=1" ;;
		esac
		if compile_all "$name-$v" "$cc" "$flags $extra"; then
			pass "$name-$v"
		else
			fail "$name-$v" "$(first_error "$out/$name-$v.log")"
		fi
	done
	# The freestanding driver may only need what a compiler emits on its own
	# (memcpy, memset, memmove, memcmp); the MMIO hook build adds the hooks.
	# Hosted builds are skipped: there the compiler may call any libc function.
	case $name in host-*) extern_check=no ;; *) extern_check=yes ;; esac
	nm_tool=${cc%gcc}nm
	[ "$cc" = clang ] && nm_tool=nm
	command -v "$nm_tool" >/dev/null 2>&1 || nm_tool=nm
	extern=$("$nm_tool" -u "$out/$name-trace1"/*.o "$out/$name-mmio-hook"/*.o 2>/dev/null |
		awk 'NF == 2 && $1 == "U" { print $2 }' | sort -u |
		grep -v -E '^(memcpy|memset|memmove|memcmp|nvme_mmio_hook_read32|nvme_mmio_hook_write32|nvme_[a-z0-9_]+)$' |
		tr '\n' ' ')
	if [ "$extern_check" = no ]; then
		:
	elif [ -d "$out/$name-trace1" ] && [ -z "$extern" ]; then
		pass "$name-symbols"
	else
		fail "$name-symbols" "driver objects need external symbols: ${extern:-objects missing}"
	fi
	printf '#include "nvme_spec.h"\nint nvme_spec_only_check;\n' >"$out/spec_only.c"
	# shellcheck disable=SC2086
	if $cc $warn $flags -I"$drv" -c "$out/spec_only.c" -o "$out/spec_only-$name.o" >"$out/spec-$name.log" 2>&1; then
		pass "$name-spec-only"
	else
		fail "$name-spec-only" "$(first_error "$out/spec-$name.log")"
	fi
done <"$out/targets"

# .text sizes (informational): sum over the driver's objects, -O2 and -Os, trace off.
text_size() {
	# $1 = size tool, rest = objects; sums the .text sections (size -A)
	ts_tool=$1; shift
	"$ts_tool" -A "$@" 2>/dev/null | awk '$1 ~ /^\.text/ { t += $2 } END { print t + 0 }'
}
rodata_size() {
	rs_tool=$1; shift
	"$rs_tool" -A "$@" 2>/dev/null | awk '$1 ~ /^\.(s?rodata)/ { t += $2 } END { print t + 0 }'
}
while IFS='|' read -r name cc flags pkg; do
	command -v "$cc" >/dev/null 2>&1 || continue
	case $name in host-*) continue ;; esac
	prefix=${cc%gcc}
	sz=${prefix}size
	command -v "$sz" >/dev/null 2>&1 || sz=size
	for opt in -O2 -Os; do
		f=$(echo "$flags" | sed "s/-O2/$opt/")
		if compile_all "$name-size$opt" "$cc" "$f -DNVME_CFG_TRACE=0"; then
			echo "# $name $opt .text $(text_size "$sz" "$out/$name-size$opt"/*.o) bytes," \
				".rodata $(rodata_size "$sz" "$out/$name-size$opt"/*.o) bytes"
		fi
	done
done <"$out/targets"

[ "$fails" -eq 0 ]
