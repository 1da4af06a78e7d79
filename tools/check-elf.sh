#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# check-elf.sh ELF - sanity checks on the linked kernel: the Multiboot2 header
# must sit in the first 32 KiB of the file and the image must stay below the
# 16 MiB line GRUB loads it under comfortably.
set -eu
elf=$1
off=$(od -A d -t x4 -N 32768 -v "$elf" | awk '{for(i=2;i<=NF;i++) if ($i=="e85250d6") {print $1 + (i-2)*4; exit}}')
if [ -z "$off" ]; then
	echo "check-elf: no Multiboot2 header in the first 32 KiB of $elf" >&2
	exit 1
fi
end=$(nm "$elf" | awk '$3=="_kernel_end"{print $1}')
if [ -z "$end" ] || [ $((0x$end)) -ge $((16 << 20)) ]; then
	echo "check-elf: _kernel_end (0x$end) missing or above 16 MiB" >&2
	exit 1
fi
