#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench/run.sh - what `make bench` runs: nvmetk's `bench` and the Linux + fio
# peer on the same emulated NVMe device, the same five jobs, side by side.
#
#   bench/run.sh [options]       (make bench BENCH_ARGS="...")
#     --backends "file null"   which -drive backends (default both)
#     --runs N                 runs of every configuration, interleaved (default 1)
#     --modes "irq poll"       bench modes on our side (default both)
#     --shadow "on off"        shadow doorbells on our side (default both; one boot each)
#     --time S  --ramp S       seconds per job / not counted before (default 5 / 1, as the peer)
#     --accel tcg|kvm          (default tcg; kvm only if your /dev/kvm is usable)
#     --pin CPUS|none          taskset CPU list for QEMU on both sides (default 0)
#     --trace                  count QEMU NVMe trace events per job on our side
#     --no-peer                only our side (no ratios)
#     --no-host                skip the host micro-benchmark (bench/host)
#     --out DIR                results (default build/bench/<timestamp>)
#
# Device configuration, identical on both sides (../shared/peer-linux/run.sh):
# -M q35 -m 512 -smp 1 -accel tcg -nic none, -device nvme,serial=peer0,drive=nvm
# over -drive file=<1 GiB zero-filled raw>,if=none,id=nvm,format=raw (file)
# or -drive if=none,id=nvm,driver=null-co,size=1G (null). Both sides use the
# same image file, one after the other. Our kernel boots from the ISO with
# its boot script on a small FAT disk (as run-qemu.sh --run does).
#
# The peer: bench/peer-linux/ (a copy of the team's ../shared/peer-linux
# scripts; PEER_DIR=... uses another copy). Its kernel and initramfs come
# from PEER_OUT (default ../shared/peer-linux/out, else build/bench/peer-out
# after running its build.sh, which downloads Debian packages).
#
# Prints one table per backend: our median IOPS / MiB/s / latency /
# doorbells per I/O per job and mode, the peer's, and the ratio; then the
# host micro-benchmark (driver instructions per 4K I/O, .text sizes).
# Everything is kept in the output directory (serial logs, BENCH and PEER
# lines, QEMU command lines, traces). Exit status 0 unless a run failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

backends="file null"
runs=1
modes="irq poll"
shadows="on off"
rtime=5
ramp=1
accel=tcg
pin=0
trace=0
peer=1
hostb=1
out=

while [ $# -gt 0 ]; do
	case $1 in
	--backends) backends=$2; shift ;;
	--runs) runs=$2; shift ;;
	--modes) modes=$2; shift ;;
	--shadow) shadows=$2; shift ;;
	--time) rtime=$2; shift ;;
	--ramp) ramp=$2; shift ;;
	--accel) accel=$2; shift ;;
	--pin) pin=$2; shift ;;
	--trace) trace=1 ;;
	--no-peer) peer=0 ;;
	--no-host) hostb=0 ;;
	--out) out=$2; shift ;;
	-h|--help) sed -n '2,38p' "$0"; exit 0 ;;
	*) echo "bench/run.sh: unknown option '$1' (--help)" >&2; exit 2 ;;
	esac
	shift
done

iso=$root/build/nvmetk.iso
[ -n "$out" ] || out=$root/build/bench/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
img=$root/build/bench/nvme-1G.img
PEER_DIR=${PEER_DIR:-$here/peer-linux}
if [ -z "${PEER_OUT_IN:-}" ]; then
	if [ -f "$root/../shared/peer-linux/out/initramfs.cpio.gz" ]; then
		PEER_OUT_IN=$root/../shared/peer-linux/out
	else
		PEER_OUT_IN=$root/build/bench/peer-out
	fi
fi

log() { echo "[bench] $*" >&2; }

make -C "$root" -s >/dev/null || { log "build failed"; exit 1; }
if [ ! -f "$img" ]; then
	log "creating $img (1 GiB, zero-filled like the peer's)"
	mkdir -p "$(dirname "$img")"
	dd if=/dev/zero of="$img" bs=1M count=1024 status=none
fi
if [ "$peer" = 1 ]; then
	if [ ! -x "$PEER_DIR/run.sh" ]; then
		log "no peer scripts in $PEER_DIR (set PEER_DIR, or --no-peer)"; exit 1
	fi
	if [ ! -f "$PEER_OUT_IN/initramfs.cpio.gz" ]; then
		log "no peer kernel/initramfs in $PEER_OUT_IN: building it with $PEER_DIR/build.sh"
		PEER_OUT=$PEER_OUT_IN "$PEER_DIR/build.sh" >&2 || { log "peer build failed"; exit 1; }
	fi
fi

pincmd=()
[ "$pin" != none ] && pincmd=(taskset -c "$pin")
jobs="randread-qd1:randread:4k:1 randread-qd32:randread:4k:32 randwrite-qd1:randwrite:4k:1 randwrite-qd32:randwrite:4k:32 seqread-128k-qd8:read:128k:8"

drive_for() { # backend -> -drive value
	if [ "$1" = null ]; then
		echo "if=none,id=nvm,driver=null-co,size=1G"
	else
		echo "file=$img,if=none,id=nvm,format=raw"
	fi
}

# our side: one boot runs every job in every mode with one shadow setting
ours() { # backend shadow run
	local be=$1 sh=$2 r=$3
	local name=ours-$be-shadow$sh-r$r dir=$out/$1
	mkdir -p "$dir"
	local script="" m j
	for m in $modes; do
		for j in $jobs; do
			IFS=: read -r jn rw bs qd <<<"$j"
			script+="bench --name $jn --rw $rw --bs $bs --qd $qd --time $rtime --ramp $ramp --$m --yes; "
		done
	done
	script+="exit 0"
	local tmp
	tmp=$(mktemp -d /tmp/nvmetk-bench.XXXXXX)
	local dbarg=""
	[ "$sh" = off ] && dbarg=" nvmedbbuf=0"
	cat >"$tmp/nvmetk.cfg" <<CFG
set timeout=0
set default=nvmetk_bench
menuentry "nvmetk bench" --id nvmetk_bench {
	multiboot2 /boot/nvmetk.elf run="$script"$dbarg
	nvmetk_modules
	nvmetk_textmode
	boot
}
CFG
	mformat -i "$tmp/cfg.img" -C -f 1440 :: >/dev/null
	mcopy -i "$tmp/cfg.img" "$tmp/nvmetk.cfg" ::/nvmetk.cfg
	local args=(-M q35 -m 512 -smp 1 -nographic -nic none -no-reboot -accel "$accel"
		-drive "file=$iso,media=cdrom,if=none,id=cd0,readonly=on" -device ide-cd,drive=cd0,bus=ide.0,bootindex=0
		-drive "file=$tmp/cfg.img,format=raw,if=none,id=cfg0" -device ide-hd,drive=cfg0,bus=ide.1,bootindex=1
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
		-drive "$(drive_for "$be")" -device nvme,serial=peer0,drive=nvm)
	if [ "$trace" = 1 ]; then
		rm -f "$dir/$name.trace"
		args+=(-msg timestamp=on -D "$dir/$name.trace")
		for ev in pci_nvme_mmio_doorbell_sq pci_nvme_mmio_doorbell_cq pci_nvme_irq_msix pci_nvme_eventidx_sq \
			pci_nvme_eventidx_cq pci_nvme_shadow_doorbell_sq pci_nvme_shadow_doorbell_cq; do
			args+=(-trace "$ev")
		done
	fi
	local njobs
	njobs=$(($(echo $modes | wc -w) * 5))
	local tmo=$((60 + njobs * (rtime + ramp + 15)))
	{ printf '# %s\n# cmd:' "$(date -Is)"; printf ' %q' "${pincmd[@]}" qemu-system-x86_64 "${args[@]}"; echo; } >"$dir/$name.cmdline"
	log "$name: ${njobs} jobs (modes: $modes), timeout ${tmo}s"
	local t0=$EPOCHREALTIME
	timeout -k 5 "$tmo" "${pincmd[@]}" qemu-system-x86_64 "${args[@]}" </dev/null 2>&1 |
		while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "${line//$'\r'/}"; done >"$dir/$name.serial.log"
	local rc=${PIPESTATUS[0]}
	rm -rf "$tmp"
	# kernel `exit 0` -> QEMU status 1
	if [ "$rc" != 1 ]; then
		log "$name: QEMU ended with status $rc (see $dir/$name.serial.log)"
		return 1
	fi
	sed -n 's/^[0-9.]* \(BENCH .*\)$/\1 backend='"$be"' shadow_cfg='"$sh"' run='"$r"'/p' "$dir/$name.serial.log" >>"$out/ours.txt"
	local got
	got=$(grep -c '^[0-9.]* BENCH ' "$dir/$name.serial.log")
	[ "$got" -eq "$njobs" ] || { log "$name: $got of $njobs BENCH lines"; return 1; }
	if [ "$trace" = 1 ]; then
		awk '
			FNR == NR {
				if ($2 == "bench" && $3 ~ /:$/) { n++; job[n] = $3; sub(/:$/, "", job[n]); st[n] = $1 }
				if ($2 == "BENCH") { en[n] = $1; for (i = 3; i <= NF; i++) if ($i ~ /^(ios|submitted|mode)=/) { split($i, a, "="); v[n, a[1]] = a[2] } }
				next
			}
			{
				p = index($0, "@"); c = index($0, ":"); if (!p || !c) next
				t = substr($0, p + 1, c - p - 1) + 0; ev = substr($0, c + 1); sub(/ .*/, "", ev); sub(/^pci_nvme_/, "", ev)
				evs[ev] = 1
				for (j = 1; j <= n; j++) if (t >= st[j] && t <= en[j]) { cnt[j, ev]++; break }
			}
			END {
				for (j = 1; j <= n; j++) {
					line = "TRACE job=" job[j] " mode=" v[j, "mode"] " submitted=" v[j, "submitted"]
					for (ev in evs) if (cnt[j, ev] > 0)
						line = line sprintf(" %s=%d(%.3f/io)", ev, cnt[j, ev], v[j, "submitted"] > 0 ? cnt[j, ev] / v[j, "submitted"] : 0)
					print line
				}
			}' "$dir/$name.serial.log" "$dir/$name.trace" | sed "s/\$/ backend=$be shadow_cfg=$sh run=$r/" >>"$out/trace.txt"
	fi
	return 0
}

theirs() { # backend run
	local be=$1 r=$2
	log "peer-$be-r$r: Linux $(cat "$PEER_OUT_IN/build-info.txt" 2>/dev/null | sed -n 's/^kver=//p') + fio"
	PEER_OUT=$out/peer KERNEL=$PEER_OUT_IN/vmlinux INITRD=$PEER_OUT_IN/initramfs.cpio.gz IMG=$img \
		BACKEND=$be ACCEL=$accel RUNTIME=$rtime RAMP=$ramp PIN=$([ "$pin" = none ] || echo "$pin") \
		NAME=peer-$be-r$r "$PEER_DIR/run.sh" >"$out/peer-$be-r$r.log" 2>&1
	local rc=$?
	grep '^PEER accel=' "$out/peer-$be-r$r.log" | sed "s/\$/ run=$r/" >>"$out/peer.txt"
	[ "$rc" -eq 0 ] || log "peer-$be-r$r: run.sh status $rc (3 = stall detected; see $out/peer-$be-r$r.log)"
	return $rc
}

{
	echo "# $(date -Is) $(uname -r) $(qemu-system-x86_64 --version | head -1)"
	echo "# nvmetk $(git -C "$root" describe --always --dirty 2>/dev/null) accel=$accel pin=$pin runs=$runs time=$rtime ramp=$ramp"
	echo "# load before: $(cat /proc/loadavg)"
} | tee "$out/info.txt" >&2
: >"$out/ours.txt"
: >"$out/peer.txt"
# Before every boot on the file backend, both sides start from the same host
# state: what the previous VM left dirty for the image is written back (no
# boot starts while the host still flushes the last one's writes), and the
# whole image is read into the host's page cache. Without the read, whether
# a random read hits the page cache depended on what the host had evicted
# since the last boot (this host runs proactive reclaim, kdamond): with the
# cache dropped, randread 4K irq measured 7847 IOPS at QD1 and 48377 at
# QD32, warm 28907 and 132446 - the same job, one boot after the other.
settle() { # backend
	[ "$1" = file ] || return 0
	sync "$img"
	cat "$img" >/dev/null
}
fail=0
for r in $(seq 1 "$runs"); do
	for be in $backends; do
		for sh in $shadows; do
			settle "$be"
			ours "$be" "$sh" "$r" || fail=1
		done
		if [ "$peer" = 1 ]; then
			settle "$be"
			theirs "$be" "$r" || fail=1
		fi
	done
done
echo "# load after: $(cat /proc/loadavg)" | tee -a "$out/info.txt" >&2

# ---- tables: medians (min..max) over the runs, ratio to the peer's median ----
for be in $backends; do
	echo
	echo "== backend $be ($accel, pin $pin, $runs run(s), ${rtime}s per job after ${ramp}s ramp)"
	awk -v be="$be" '
		function kv(   i, a) { delete F; for (i = 2; i <= NF; i++) if (split($i, a, "=") == 2) F[a[1]] = a[2] }
		function sort(s, a,   n, i, j, t) { n = split(s, a, " "); for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }; return n }
		function med(s,   a, n) { n = sort(s, a); if (!n) return 0; return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
		function mn(s,   a, n) { n = sort(s, a); return n ? a[1] : 0 }
		function mx(s,   a, n) { n = sort(s, a); return n ? a[n] : 0 }
		FNR == 1 { file++ }
		file == 1 && $1 == "BENCH" {
			kv(); if (F["backend"] != be) next
			k = F["job"] "|" F["mode"] "|" F["shadow_cfg"]
			if (!(k in n)) order[++nk] = k
			n[k]++; io[k] = io[k] " " F["iops"]; bw[k] = bw[k] " " F["bw_kib"]; l50[k] = l50[k] " " F["lat_us_p50"]
			l99[k] = l99[k] " " F["lat_us_p99"]; lm[k] = lm[k] " " F["lat_us_mean"]; db[k] = db[k] " " F["doorbells_per_io"]
		}
		file == 2 && $1 == "PEER" {
			kv(); if (F["backend"] != be) next
			j = F["job"]; pn[j]++; pio[j] = pio[j] " " F["iops"]; pbw[j] = pbw[j] " " F["bw_kib"]; p50[j] = p50[j] " " F["lat_us_p50"]; p99[j] = p99[j] " " F["lat_us_p99"]
		}
		END {
			printf "%-17s %-4s %-6s %2s %17s %9s %8s %8s %8s %7s | %17s %8s %7s | %7s\n", "job", "mode", "shadow", "n", "IOPS med (min-max)", "MiB/s", "lat_mean", "lat_p50", "lat_p99", "db/io", "peer IOPS (min-max)", "MiB/s", "p50", "ratio"
			for (i = 1; i <= nk; i++) {
				k = order[i]; split(k, p, "|"); j = p[1]
				r = (j in pn) ? sprintf("%.2fx", (j ~ /seqread/ ? med(bw[k]) / med(pbw[j]) : med(io[k]) / med(pio[j]))) : "-"
				ps = (j in pn) ? sprintf("%7d (%d-%d)", med(pio[j]), mn(pio[j]), mx(pio[j])) : "-"
				printf "%-17s %-4s %-6s %2d %7d (%d-%d) %9.1f %8.1f %8.1f %8.1f %7.3f | %17s %8.1f %7s | %7s\n", j, p[2], p[3], n[k], med(io[k]), mn(io[k]), mx(io[k]), med(bw[k]) / 1024, med(lm[k]), med(l50[k]), med(l99[k]), med(db[k]), ps, (j in pn) ? med(pbw[j]) / 1024 : 0, (j in pn) ? med(p50[j]) : "-", r
			}
		}' "$out/ours.txt" "$out/peer.txt"
done
echo "(ratio: our median IOPS / the peer's median IOPS; seqread: bandwidth)"
if [ -s "$out/trace.txt" ]; then
	echo
	echo "== QEMU trace events per submitted command (our side)"
	cat "$out/trace.txt"
fi

if [ "$hostb" = 1 ]; then
	echo
	echo "== host micro-benchmark (bench/host)"
	"$here/host/run.sh" 2>&1 | tee "$out/host.txt" || fail=1
fi
echo
echo "results: $out"
exit $fail
