#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# run-qemu.sh - boot build/nvmetk.iso in QEMU (q35) with an NVMe controller,
# serial console on this terminal. See --help.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
iso=$here/build/nvmetk.iso
disk=$here/build/nvme-disk.img
disk_size=1G
uefi=0
accel=tcg
mem=512M
smp=1
gui=0
run_script=
extra_args=
ns_specs=()
timeout_s=0

usage() {
	cat <<'USAGE'
Usage: run-qemu.sh [options]

Boots build/nvmetk.iso in qemu-system-x86_64 -M q35 with an NVMe controller
(-device nvme,id=nvme0) and the serial console on this terminal
(Ctrl-A X quits QEMU, Ctrl-A C toggles the QEMU monitor).

Options:
  --uefi              boot with OVMF (UEFI) instead of SeaBIOS
  --accel tcg|kvm     accelerator (default tcg)
  --disk IMG          NVMe disk image (default build/nvme-disk.img, created as a
                      1 GiB sparse raw file if missing)
  --mem SIZE          guest RAM, QEMU syntax (default 512M), e.g. 128M, 8G
  --smp N             CPUs (default 1; nvmetk uses only the first)
  --ns LBASIZE:SIZE   add a namespace with that logical block size on a new
                      sparse image build/nvme-ns<N>.img (repeatable), e.g.
                      --ns 4096:256M. With --ns, the default disk becomes
                      namespace 1 (-device nvme-ns) and extra ones get NSID 2, 3..
  --run "CMDS"        boot script: run these shell commands after boot (the
                      kernel command line run="CMDS"), e.g. --run "lspci; exit 0"
  --qemu-args "ARGS"  extra QEMU arguments (split on blanks)
  --gui               show a window (framebuffer/VGA console) besides serial
  --timeout SECONDS   kill QEMU after this long (default: no limit)
  -h, --help          this help

Exit status: a kernel 'exit N' ends QEMU through isa-debug-exit (port 0xf4)
with status (N << 1) | 1, e.g. 'exit 0' -> 1, 'exit 3' -> 7; 'poweroff' -> 1.
USAGE
}

while [ $# -gt 0 ]; do
	case $1 in
	--uefi) uefi=1 ;;
	--accel) accel=${2:?--accel needs tcg or kvm}; shift ;;
	--accel=*) accel=${1#*=} ;;
	--disk) disk=${2:?--disk needs a file}; shift ;;
	--disk=*) disk=${1#*=} ;;
	--mem) mem=${2:?--mem needs a size}; shift ;;
	--mem=*) mem=${1#*=} ;;
	--smp) smp=${2:?--smp needs a number}; shift ;;
	--smp=*) smp=${1#*=} ;;
	--ns) ns_specs+=("${2:?--ns needs LBASIZE:SIZE}"); shift ;;
	--ns=*) ns_specs+=("${1#*=}") ;;
	--run) run_script=${2?--run needs commands}; shift ;;
	--run=*) run_script=${1#*=} ;;
	--qemu-args) extra_args=${2?--qemu-args needs arguments}; shift ;;
	--qemu-args=*) extra_args=${1#*=} ;;
	--gui) gui=1 ;;
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift ;;
	--timeout=*) timeout_s=${1#*=} ;;
	-h|--help) usage; exit 0 ;;
	*) echo "run-qemu.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done

case $accel in
tcg|kvm) ;;
*) echo "run-qemu.sh: --accel must be tcg or kvm" >&2; exit 2 ;;
esac

"$here/tools/ensure-deps.sh" run
if [ ! -f "$iso" ]; then
	echo "run-qemu.sh: $iso missing; building it (make)" >&2
	make -C "$here" >&2
fi

mkdir -p "$here/build"
if [ ! -e "$disk" ]; then
	echo "run-qemu.sh: creating $disk ($disk_size sparse)" >&2
	truncate -s "$disk_size" "$disk"
fi

args=(-M q35 -accel "$accel" -m "$mem" -smp "$smp" -no-reboot)
if [ "$gui" = 1 ]; then
	args+=(-serial mon:stdio)
else
	args+=(-display none -serial mon:stdio)
fi
args+=(-drive "file=$iso,media=cdrom,if=none,id=cd0,readonly=on"
	-device ide-cd,drive=cd0,bus=ide.0,bootindex=0)
args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)

tmpdir=
cleanup() { [ -n "$tmpdir" ] && rm -rf "$tmpdir"; }
trap cleanup EXIT

if [ "$uefi" = 1 ]; then
	code=/usr/share/OVMF/OVMF_CODE_4M.fd
	vars=/usr/share/OVMF/OVMF_VARS_4M.fd
	[ -e "$code" ] || { code=/usr/share/OVMF/OVMF_CODE.fd; vars=/usr/share/OVMF/OVMF_VARS.fd; }
	tmpdir=$(mktemp -d)
	cp "$vars" "$tmpdir/vars.fd"
	args+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
		-drive "if=pflash,format=raw,unit=1,file=$tmpdir/vars.fd")
fi

if [ -n "$run_script" ]; then
	# Same mechanism as the test harness: grub.cfg sources /nvmetk.cfg from
	# any disk; this one boots at once with run="..." on the command line.
	[ -n "$tmpdir" ] || tmpdir=$(mktemp -d)
	esc=${run_script//\\/\\\\}
	esc=${esc//\"/\\\"}
	esc=${esc//\$/\\\$}
	cat >"$tmpdir/nvmetk.cfg" <<CFG
set timeout=0
set default=nvmetk_run
menuentry "nvmetk (run-qemu.sh --run)" --id nvmetk_run {
	multiboot2 /boot/nvmetk.elf run="$esc"
	nvmetk_modules
	nvmetk_textmode
	boot
}
CFG
	mformat -i "$tmpdir/cfg.img" -C -f 1440 :: >/dev/null
	mcopy -i "$tmpdir/cfg.img" "$tmpdir/nvmetk.cfg" ::/nvmetk.cfg
	# bootindex so OVMF connects the disk and GRUB can see it.
	args+=(-drive "file=$tmpdir/cfg.img,format=raw,if=none,id=cfg0"
		-device ide-hd,drive=cfg0,bus=ide.1,bootindex=1)
fi

serial=nvmetk-$(printf '%08x' "$(cksum <<<"$disk" | cut -d' ' -f1)")
if [ ${#ns_specs[@]} -eq 0 ]; then
	args+=(-drive "file=$disk,format=raw,if=none,id=nvm0"
		-device "nvme,id=nvme0,serial=$serial,drive=nvm0")
else
	args+=(-drive "file=$disk,format=raw,if=none,id=nvm0"
		-device "nvme,id=nvme0,serial=$serial"
		-device "nvme-ns,drive=nvm0,bus=nvme0,nsid=1")
	nsid=2
	for spec in "${ns_specs[@]}"; do
		lbs=${spec%%:*}
		size=${spec#*:}
		if [ "$lbs" = "$spec" ] || ! [[ $lbs =~ ^[0-9]+$ ]] || [ -z "$size" ]; then
			echo "run-qemu.sh: --ns wants LBASIZE:SIZE (e.g. 4096:256M), got '$spec'" >&2
			exit 2
		fi
		img=$here/build/nvme-ns$nsid.img
		rm -f "$img"
		truncate -s "$size" "$img"
		args+=(-drive "file=$img,format=raw,if=none,id=nvm$nsid"
			-device "nvme-ns,drive=nvm$nsid,bus=nvme0,nsid=$nsid,logical_block_size=$lbs,physical_block_size=$lbs")
		nsid=$((nsid + 1))
	done
fi

# shellcheck disable=SC2206
[ -n "$extra_args" ] && args+=($extra_args)

cmd=(qemu-system-x86_64 "${args[@]}")
[ "$timeout_s" != 0 ] && cmd=(timeout --foreground "$timeout_s" "${cmd[@]}")
echo "run-qemu.sh: ${cmd[*]}" >&2
set +e
"${cmd[@]}"
status=$?
set -e
if [ $((status & 1)) = 1 ] && [ "$status" -lt 256 ]; then
	echo "run-qemu.sh: QEMU status $status = kernel exit code $((status >> 1))" >&2
fi
exit "$status"
