#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/build/run.sh - portability builds of drivers/nvme.
#
# Compiles every drivers/nvme/*.c with -std=c11 -Wall -Wextra -Werror -pedantic
# for the host (gcc, clang), freestanding x86_64, aarch64 and riscv64, with
# NVME_CFG_TRACE=0 and =1, with -DNVME_MMIO_HOOK, and in the core
# configuration (-DNVME_CFG_OPTIONAL_COMMANDS=0; with trace and no messages;
# and "core-small": no SGL, no fast paths, error messages only);
# on the host also each optional family alone on top of the core; every
# configuration's objects must define every nvme_* symbol they reference.
# Compiles a file that includes only nvme_spec.h (its static asserts) for
# each; compiles every ```c block of drivers/nvme/README.md for each; links
# drivers/nvme/examples/minimal.c freestanding for each cross target; checks
# the porter's header budget (nvme.h + nvme_host.h + nvme_config.h under 500
# lines, the count stated in README.md); prints one PASS/FAIL line per target (docs/DEVELOPING.md) and the
# driver's .text and .rodata per architecture, configuration and -O2/-Os as
# "# " lines. Installs nothing. Exit status 1 on any FAIL.
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
	# the files in parallel (one compiler per core at most)
	# shellcheck disable=SC2086
	ls "$drv"/*.c | xargs -P "$jobs" -I{} sh -c \
		'o="$1/$(basename "$2" .c).o"; '"$ca_cc $warn $ca_flags"' -I"$3" -c "$2" -o "$o" >"$o.log" 2>&1 || { cat "$o.log"; exit 1; }' \
		sh "$ca_dir" {} "$drv" >>"$out/$ca_name.log" 2>&1
}
jobs=$(nproc 2>/dev/null || echo 2)

first_error() {
	grep -m1 -E 'error|undefined' "$1" 2>/dev/null | cut -c1-200
}

# nvme_* symbols the objects in $1 reference but none of them defines (a
# configuration that calls code it left out); empty when complete.
missing_syms() {
	ms_nm=${2:-nm}
	"$ms_nm" --defined-only "$1"/*.o 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u >"$1.def"
	"$ms_nm" -u "$1"/*.o 2>/dev/null | awk 'NF == 2 && $1 == "U" { print $2 }' | sort -u |
		grep -E '^nvme_' | grep -v -E '^nvme_mmio_hook_(read|write)32$' | comm -23 - "$1.def" | tr '\n' ' '
}

# compile_check NAME CC FLAGS NM: compile_all, then missing_syms; PASS/FAIL line
compile_check() {
	if ! compile_all "$1" "$2" "$3"; then
		fail "$1" "$(first_error "$out/$1.log")"
		return
	fi
	cc_missing=$(missing_syms "$out/$1" "$4")
	if [ -n "$cc_missing" ]; then
		fail "$1" "undefined in this configuration: $cc_missing"
	else
		pass "$1"
	fi
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
	nm_tool=${cc%gcc}nm
	[ "$cc" = clang ] && nm_tool=nm
	command -v "$nm_tool" >/dev/null 2>&1 || nm_tool=nm
	for v in trace0 trace1 mmio-hook core core-trace1 core-small; do
		case $v in
		trace0) extra="-DNVME_CFG_TRACE=0" ;;
		trace1) extra="-DNVME_CFG_TRACE=1" ;;
		mmio-hook) extra="-DNVME_MMIO_HOOK -DNVME_CFG_TRACE=1" ;;
		core) extra="-DNVME_CFG_OPTIONAL_COMMANDS=0" ;;
		core-trace1) extra="-DNVME_CFG_OPTIONAL_COMMANDS=0 -DNVME_CFG_TRACE=1 -DNVME_CFG_LOG_LEVEL=-1" ;;
		core-small) extra="-DNVME_CFG_OPTIONAL_COMMANDS=0 -DNVME_CFG_SGL=0 -DNVME_CFG_FAST_PATH=0 -DNVME_CFG_LOG_LEVEL=0" ;;
		esac
		compile_check "$name-$v" "$cc" "$flags $extra" "$nm_tool"
	done
	# Each optional family alone on top of the core (with what it needs),
	# host GCC only: the switches and stubs fit together.
	if [ "$name" = host-gcc ]; then
		for fam in DM LOGS "LOGS FW" "LOGS SANITIZE" FORMAT FEATURES "LOGS FEATURES AER" RESV SUPPORT POWER HMB "LOGS SELFTEST" "LOGS TELEMETRY" ZNS PI COPY NSMGMT; do
			extra="-DNVME_CFG_OPTIONAL_COMMANDS=0"
			for x in $fam; do extra="$extra -DNVME_CFG_$x=1"; done
			compile_check "$name-core+$(echo "$fam" | tr 'A-Z ' 'a-z+')" "$cc" "$flags $extra" "$nm_tool"
		done
	fi
	# The freestanding driver may only need what a compiler emits on its own
	# (memcpy, memset, memmove, memcmp); the MMIO hook build adds the hooks.
	# Hosted builds are skipped: there the compiler may call any libc function.
	case $name in host-*) extern_check=no ;; *) extern_check=yes ;; esac
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
	# The minimal port (drivers/nvme/examples/minimal.c) compiled and linked
	# freestanding with the driver (trace0 objects) and the little a kernel
	# provides (minimal_rt.c): no undefined symbol, an image that links.
	case $name in
	host-*) ;;
	*)
		case $name in
		x86_64-*) base=0xffffffff80100000 ;;
		aarch64-*) base=0x40080000 ;;
		*) base=0x80200000 ;;
		esac
		ex="$out/$name-example"
		mkdir -p "$ex"
		printf 'ENTRY(minimal_nvme_example)\nSECTIONS {\n . = %s;\n .text : { *(.text .text.*) }\n .rodata : { *(.rodata .rodata.* .srodata .srodata.*) }\n .data : { *(.data .data.* .sdata .sdata.*) }\n .bss : { *(.bss .bss.* .sbss .sbss.* COMMON) }\n}\n' \
			"$base" >"$ex/link.ld"
		rt_extra=
		[ "$cc" = clang ] || rt_extra=-fno-tree-loop-distribute-patterns
		# shellcheck disable=SC2086
		if [ -d "$out/$name-trace0" ] &&
			$cc $warn $flags -DNVME_CFG_TRACE=0 -I"$drv" -c "$drv/examples/minimal.c" -o "$ex/minimal.o" >"$ex/log" 2>&1 &&
			$cc $warn $flags $rt_extra -c "$here/minimal_rt.c" -o "$ex/rt.o" >>"$ex/log" 2>&1 &&
			$cc $flags -nostdlib -static -Wl,-T,"$ex/link.ld" -o "$ex/minimal.elf" \
				"$ex/minimal.o" "$ex/rt.o" "$out/$name-trace0"/*.o -lgcc >>"$ex/log" 2>&1; then
			pass "$name-example-minimal-links"
		else
			fail "$name-example-minimal-links" "$(first_error "$ex/log")"
		fi
		;;
	esac
	# Every ```c block of the porting guide compiles (readme_blocks.sh has
	# the convention for fragments).
	rb="$out/$name-readme"
	nblocks=$(sh "$here/readme_blocks.sh" "$drv/README.md" "$rb")
	rb_fail=
	for b in "$rb"/block-*.c; do
		[ -f "$b" ] || continue
		# shellcheck disable=SC2086
		$cc $warn -Wno-unused-function $flags -I"$drv" -c "$b" -o "$b.o" >"$b.log" 2>&1 ||
			rb_fail="$rb_fail $(basename "$b"): $(first_error "$b.log")"
	done
	if [ "$nblocks" -eq 0 ]; then
		fail "$name-readme-c-blocks" "no \`\`\`c block found in drivers/nvme/README.md"
	elif [ -n "$rb_fail" ]; then
		fail "$name-readme-c-blocks" "$rb_fail"
	else
		pass "$name-readme-c-blocks"
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
	# full: the defaults; core: -DNVME_CFG_OPTIONAL_COMMANDS=0; core-small:
	# also without SGL, without the fast paths, errors the only messages
	# (drivers/nvme/README.md "Configuration")
	for cfg in full core core-small; do
		case $cfg in
		full) extra= ;;
		core) extra="-DNVME_CFG_OPTIONAL_COMMANDS=0" ;;
		core-small) extra="-DNVME_CFG_OPTIONAL_COMMANDS=0 -DNVME_CFG_SGL=0 -DNVME_CFG_FAST_PATH=0 -DNVME_CFG_LOG_LEVEL=0" ;;
		esac
		for opt in -O2 -Os; do
			f=$(echo "$flags" | sed "s/-O2/$opt/")
			d="$name-size-$cfg$opt"
			if compile_all "$d" "$cc" "$f -DNVME_CFG_TRACE=0 $extra"; then
				t=$(text_size "$sz" "$out/$d"/*.o)
				echo "# $name $cfg $opt .text $t bytes ($(awk -v t="$t" 'BEGIN { printf "%.1f", t / 1024 }') KiB)," \
					".rodata $(rodata_size "$sz" "$out/$d"/*.o) bytes"
			fi
		done
	done
done <"$out/targets"

# The C-block check itself: a fragment calling an undeclared function must
# not compile, a correct one must (so readme-c-blocks can fail).
neg="$out/readme-neg"
mkdir -p "$neg"
printf '# t\n\n```c\n/* fragment */\nrc = nvme_no_such_function(c);\n```\n\n```c\n/* fragment */\nrc = nvme_flush(ns, q);\n```\n' >"$neg/t.md"
if [ "$(sh "$here/readme_blocks.sh" "$neg/t.md" "$neg/b")" = 2 ] &&
	! gcc $warn -I"$drv" -c "$neg/b/block-1.c" -o "$neg/b1.o" >/dev/null 2>&1 &&
	gcc $warn -I"$drv" -c "$neg/b/block-2.c" -o "$neg/b2.o" >/dev/null 2>&1; then
	pass readme-c-blocks-detects-errors
else
	fail readme-c-blocks-detects-errors "a bad block compiled, or a good one did not"
fi

# Header budget (issue 15): what a porter reads to get a working port
# (nvme.h, nvme_host.h, nvme_config.h; README.md "Porting") stays under
# HEADER_BUDGET lines, and the porting guide states the true count.
HEADER_BUDGET=500
# header_budget DIR README -> the reason it fails, or nothing
header_budget() {
	hb_n=$(cd "$1" && cat nvme.h nvme_host.h nvme_config.h 2>/dev/null | wc -l)
	if [ "$hb_n" -ge "$HEADER_BUDGET" ]; then
		echo "nvme.h + nvme_host.h + nvme_config.h are $hb_n lines (budget: under $HEADER_BUDGET)"
	elif ! tr '\n' ' ' <"$2" | grep -q "(the switches): $hb_n lines"; then
		echo "$2 does not say '(the switches): $hb_n lines' (the count)"
	fi
}
hb_why=$(header_budget "$drv" "$drv/README.md")
if [ -z "$hb_why" ]; then
	pass header-budget
else
	fail header-budget "$hb_why"
fi
# ... and the check fails on a header set over the budget
mkdir -p "$out/budget-neg"
for f in nvme.h nvme_host.h nvme_config.h; do
	awk 'BEGIN { for (i = 0; i < 167; i++) print "/* line */" }' >"$out/budget-neg/$f"
done
echo '`nvme_config.h` (the switches): 501 lines together.' >"$out/budget-neg/README.md"
if [ -n "$(header_budget "$out/budget-neg" "$out/budget-neg/README.md")" ]; then
	pass header-budget-detects-excess
else
	fail header-budget-detects-excess "501 lines of header were accepted"
fi

# License: every file of the tree carries the SPDX line (tools/check-spdx.sh),
# and the checker itself finds a file without one.
if spdx_out=$(sh "$root/tools/check-spdx.sh" "$root" 2>&1); then
	pass license-spdx
else
	fail license-spdx "$(echo "$spdx_out" | head -n 3 | tr '\n' ' ')"
fi
mkdir -p "$out/spdx-neg"
printf '/* SPDX-License-Identifier: BSD-2-Clause */\nint a;\n' >"$out/spdx-neg/good.c"
printf '#!/bin/sh\n# SPDX-License-Identifier: BSD-2-Clause\n' >"$out/spdx-neg/good.sh"
printf 'int b; /* no license line */\n' >"$out/spdx-neg/bad.c"
if neg=$(sh "$root/tools/check-spdx.sh" "$out/spdx-neg" 2>&1); then
	fail license-spdx-detects-missing "a file without the line was accepted: $neg"
elif echo "$neg" | grep -q 'bad.c' && ! echo "$neg" | grep -q 'good\.'; then
	pass license-spdx-detects-missing
else
	fail license-spdx-detects-missing "wrong files reported: $(echo "$neg" | tr '\n' ' ')"
fi

[ "$fails" -eq 0 ]
