#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ensure-deps.sh [build|run|test|bench|all] - make sure the Debian packages nvmetk
# needs are installed.
#
#   build  compiler, NASM, GRUB (BIOS and EFI modules), xorriso, mtools
#   run    build + QEMU, OVMF firmware, python3 (for run-qemu.sh)
#   test   run + what `make test` needs beyond it: clang, the aarch64 and
#          riscv64 cross compilers (build tier), libFuzzer's runtime (fuzz
#          tier), QEMU for the aarch64 and riscv64 virt ports
#   bench  test + U-Boot for QEMU and OpenSBI (the U-Boot peer of
#          `make bench`, bench/ports.sh) and valgrind (bench/host/run.sh
#          counts the driver's instructions with callgrind)
#   all    same as test (default)
#
# Missing pieces are installed with apt-get when running as root; otherwise the
# exact apt-get command is printed and the script fails.
set -euo pipefail

what=${1:-all}
[ "$what" = all ] && what=test
missing=()

need_cmd() { # command package
	command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}
need_path() { # path package
	[ -e "$1" ] || missing+=("$2")
}

need_cmd gcc gcc
need_cmd make make
need_cmd ld binutils
need_cmd nasm nasm
need_cmd grub-mkrescue grub-common
need_path /usr/lib/grub/i386-pc/multiboot2.mod grub-pc-bin
need_path /usr/lib/grub/x86_64-efi/multiboot2.mod grub-efi-amd64-bin
need_cmd xorriso xorriso
need_cmd mformat mtools
need_cmd mcopy mtools
if [ "$what" != build ]; then
	need_cmd qemu-system-x86_64 qemu-system-x86
	if [ ! -e /usr/share/OVMF/OVMF_CODE_4M.fd ] && [ ! -e /usr/share/OVMF/OVMF_CODE.fd ]; then
		missing+=(ovmf)
	fi
	need_cmd python3 python3
	need_cmd timeout coreutils
fi
if [ "$what" = test ] || [ "$what" = bench ]; then
	need_cmd clang clang
	need_cmd aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
	need_cmd riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
	need_cmd qemu-system-aarch64 qemu-system-arm
	need_cmd qemu-system-riscv64 qemu-system-misc
	# libFuzzer's runtime for clang -fsanitize=fuzzer (tests/fuzz)
	if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
		missing+=(libclang-rt-14-dev)
	fi
fi

if [ "$what" = bench ]; then
	need_path /usr/lib/u-boot/qemu_arm64/u-boot.bin u-boot-qemu
	need_path /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin opensbi
	need_cmd valgrind valgrind
	need_cmd callgrind_annotate valgrind
fi

[ ${#missing[@]} -eq 0 ] && exit 0

# Unique, stable order.
mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" | sort -u)
line="apt-get install -y --no-install-recommends ${pkgs[*]}"

if [ "$(id -u)" -ne 0 ]; then
	echo "nvmetk: missing packages: ${pkgs[*]}" >&2
	echo "nvmetk: install them with:  sudo $line" >&2
	exit 1
fi

echo "nvmetk: installing missing packages: ${pkgs[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Update the package lists first if they are missing or the install fails.
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
	apt-get update -q >&2
fi
if ! $line >&2; then
	apt-get update -q >&2
	$line >&2
fi
