# SPDX-License-Identifier: BSD-2-Clause
# bench/boot.sh - sourced (not run) by bench/run.sh, bench/profile.sh and
# bench/insn/run.sh: how a benchmark boots our kernel, in one place, so that
# the three measure the same machine.
#
# The machine: -M q35 -m 512 -smp 1, no NIC, the ISO as an IDE CD-ROM
# (BIOS boot), the boot script on a small FAT disk (GRUB's config, which
# the ISO's grub.cfg loads when it finds one: the kernel command line
# carries `run="..."`), isa-debug-exit (the kernel's `exit N` ends QEMU
# with status 2N+1) and one NVMe controller over the chosen backend.

# bench_drive null|file IMG: the -drive value of the NVMe controller's
# backend (null-co, 1 GiB; or the raw image IMG, which the caller makes).
bench_drive() {
	if [ "$1" = null ]; then
		echo "if=none,id=nvm,driver=null-co,size=1G"
	else
		echo "file=$2,if=none,id=nvm,format=raw"
	fi
}

# bench_image IMG: makes the file backend's image IMG when it is missing:
# 1 GiB of zeros written out (not sparse), like the Linux peer's. One maker
# for every script: the image is shared, and a sparse one left by one
# script would have been what the others measured on.
bench_image() {
	[ -f "$1" ] && return 0
	mkdir -p "$(dirname "$1")" &&
		dd if=/dev/zero of="$1" bs=1M count=1024 status=none
}

# bench_cfg_disk DIR SCRIPT [KARGS]: DIR/cfg.img, a FAT disk whose
# nvmetk.cfg boots the kernel with run="SCRIPT" and the further kernel
# options KARGS (e.g. nvmedbbuf=0). SCRIPT must not hold a double quote.
bench_cfg_disk() {
	local dir=$1 script=$2 kargs=${3-}
	case $script in *'"'*) echo "bench_cfg_disk: the script holds a double quote" >&2; return 2 ;; esac
	cat >"$dir/nvmetk.cfg" <<CFG
set timeout=0
set default=nvmetk_bench
menuentry "nvmetk bench" --id nvmetk_bench {
	multiboot2 /boot/nvmetk.elf run="$script"${kargs:+ $kargs}
	nvmetk_modules
	nvmetk_textmode
	boot
}
CFG
	rm -f "$dir/cfg.img"
	mformat -i "$dir/cfg.img" -C -f 1440 :: >/dev/null &&
		mcopy -i "$dir/cfg.img" "$dir/nvmetk.cfg" ::/nvmetk.cfg
}

# bench_qemu_args ACCEL ISO CFGIMG DRIVE SERIAL: the QEMU arguments of
# that machine, in the array BENCH_QEMU_ARGS (callers append their own).
# (The array is the callers'; commas inside an argument are QEMU's.)
# shellcheck disable=SC2034,SC2054
bench_qemu_args() {
	BENCH_QEMU_ARGS=(-M q35 -m 512 -smp 1 -nographic -nic none -no-reboot -accel "$1"
		-drive "file=$2,media=cdrom,if=none,id=cd0,readonly=on" -device ide-cd,drive=cd0,bus=ide.0,bootindex=0
		-drive "file=$3,format=raw,if=none,id=cfg0" -device ide-hd,drive=cfg0,bus=ide.1,bootindex=1
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
		-drive "$4" -device "nvme,serial=$5,drive=nvm")
}
