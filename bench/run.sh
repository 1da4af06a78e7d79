#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench/run.sh - what `make bench` runs: nvmetk's `bench` and the Linux + fio
# peer on the same emulated NVMe device, the same five jobs, side by side.
#
#   bench/run.sh [options]       (make bench BENCH_ARGS="...")
#     --backends "file null"   which -drive backends (default both)
#     --runs N                 runs of every configuration, interleaved (default 1)
#     --modes "irq poll"       bench modes on our side (default both): irq, poll (the
#                              default wait strategy), or a strategy: spin, sleep, halt, hybrid;
#                              any of them with -nolat (bench --no-lat: no per-I/O
#                              latency), and with --mix and shadow off floor-spin,
#                              floor-halt (bench-floor in the same boot as ours)
#     --jobs "J..."            only these jobs (names as in the table, e.g. randread-qd32)
#     --repeat N               with --mix: every mode N times per boot (order rotated
#                              each time; default 1); the table pairs modes of one boot
#     --iso PATH               boot this ISO instead of building ours (A/B against
#                              another commit's build; modes it lacks fail)
#     --kargs "K=V ..."        more kernel command-line options for our boots and the
#                              floor's (e.g. nvmedptr=prp); tagged kargs= in the results
#     --shadow "on off"        shadow doorbells on our side (default both; one boot each)
#     --mix / --no-mix         our modes interleaved inside one boot per job (the mode
#                              order rotated every run; the default) / one boot per
#                              mode: on a loaded host whole boots run faster or slower
#                              together, so modes compared across boots measure the boots
#     --time S  --ramp S       seconds per job / not counted before (default 5 / 1, as the peer)
#     --accel tcg|kvm          (default tcg; kvm only if your /dev/kvm is usable)
#     --pin "0 none"           machine configurations: taskset CPU list for QEMU on
#                              every side, or none (unpinned); one table each (default both)
#     --peers "linux-irq linux-poll uboot"   peers (default all three)
#     --no-peer                only our side (no ratios)
#     --floor-waits "spin halt"  bench-floor runs (one boot, nvmedbbuf=0) per wait
#                              strategy; the table shows the best (default both)
#     --no-floor               no floor boot
#     --retries N              reruns of a failed boot (ours, floor or a peer's; default 2)
#     --trace                  count QEMU NVMe trace events per job on our side
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
# The peers: Linux + fio from bench/peer-linux/ (a copy of the team's
# ../shared/peer-linux scripts, its init passing module parameters;
# PEER_DIR=... uses another copy), interrupt-driven (linux-irq) and polled
# (linux-poll: nvme.poll_queues=1, fio --hipri); its kernel and initramfs
# come from PEER_OUT_IN (default ../shared/peer-linux/out, else
# build/bench/peer-out after running its build.sh, which downloads Debian
# packages; rebuilt there when the initramfs holds another /init). U-Boot
# x86_64 (bench/peer-uboot.py): 64 MiB sequential write and read at QD1.
#
# Prints one table per machine configuration (--pin) and backend
# (bench/table.py): our median IOPS / MiB/s / latency / doorbells per I/O
# per job and mode, the floor (bench-floor), the peers', and the ratio to
# the better Linux mode (U-Boot's jobs: to U-Boot); failed attempts are
# rerun up to --retries times and listed, never counted; then the host
# micro-benchmark (driver instructions per 4K I/O, .text sizes). Everything
# is kept in the output directory (serial logs, BENCH/FLOOR/PEER/UBOOT
# lines, QEMU command lines, traces). Exit status 0 unless a run failed.
# With several modes in one boot (--mix) the table also pairs them: each
# mode's figure over irq's (and over the floor's, with floor-* modes) from
# the same boot and repetition, median and range of the ratios.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/boot.sh
. "$here/boot.sh"

backends="file null"
runs=1
modes="irq poll"
shadows="on off"
rtime=5
ramp=1
accel=tcg
pins="0 none"
trace=0
peers="linux-irq linux-poll uboot"
floorw="spin halt"
retries=2
hostb=1
mix=1
out=
jobsonly=
repeat=1
isoarg=
kargs=

while [ $# -gt 0 ]; do
	case $1 in
	--backends) backends=$2; shift ;;
	--runs) runs=$2; shift ;;
	--modes) modes=$2; shift ;;
	--shadow) shadows=$2; shift ;;
	--time) rtime=$2; shift ;;
	--ramp) ramp=$2; shift ;;
	--accel) accel=$2; shift ;;
	--pin) pins=$2; shift ;;
	--trace) trace=1 ;;
	--peers) peers=$2; shift ;;
	--no-peer) peers= ;;
	--floor-waits) floorw=$2; shift ;;
	--no-floor) floorw= ;;
	--retries) retries=$2; shift ;;
	--no-host) hostb=0 ;;
	--out) out=$2; shift ;;
	--mix) mix=1 ;;
	--no-mix) mix=0 ;;
	--jobs) jobsonly=$2; shift ;;
	--repeat) repeat=$2; shift ;;
	--iso) isoarg=$2; shift ;;
	--kargs) kargs=$2; shift ;;
	-h|--help) sed -n '2,66p' "$0"; exit 0 ;;
	*) echo "bench/run.sh: unknown option '$1' (--help)" >&2; exit 2 ;;
	esac
	shift
done

iso=$root/build/nvmetk.iso
[ -n "$isoarg" ] && iso=$(cd "$(dirname "$isoarg")" && pwd)/$(basename "$isoarg")
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

if [ -n "$isoarg" ]; then
	[ -f "$iso" ] || { log "no ISO $iso"; exit 2; }
else
	make -C "$root" -s >/dev/null || { log "build failed"; exit 1; }
fi
case $repeat in ''|*[!0-9]*|0) log "--repeat wants a number >= 1"; exit 2 ;; esac
if [ ! -f "$img" ]; then
	log "creating $img (1 GiB, zero-filled like the peer's)"
	bench_image "$img" || { log "cannot create $img"; exit 1; }
fi
for m in $modes; do
	case ${m%-nolat} in
	irq|poll|spin|sleep|halt|hybrid) ;;
	floor-spin|floor-sleep|floor-halt|floor-hybrid)
		[ "$mix" = 1 ] && [ "$m" = "${m%-nolat}" ] || { log "mode '$m' needs --mix (and no -nolat)"; exit 2; } ;;
	*) log "unknown mode '$m' (irq poll spin sleep halt hybrid, X-nolat, floor-spin floor-halt floor-hybrid)"; exit 2 ;;
	esac
done
case " $peers " in *" linux-"*) peer=1 ;; *) peer=0 ;; esac
if [ "$peer" = 1 ]; then
	if [ ! -x "$PEER_DIR/run.sh" ]; then
		log "no peer scripts in $PEER_DIR (set PEER_DIR, or --no-peer)"; exit 1
	fi
	# an initramfs built from another /init than ours (e.g. the shared one,
	# without module parameters for the polled peer) is rebuilt here
	same_init() { zcat "$1/initramfs.cpio.gz" 2>/dev/null | cpio -i --quiet --to-stdout init 2>/dev/null | cmp -s - "$PEER_DIR/init"; }
	if [ -f "$PEER_OUT_IN/initramfs.cpio.gz" ] && ! same_init "$PEER_OUT_IN"; then
		log "$PEER_OUT_IN/initramfs.cpio.gz has another /init than $PEER_DIR/init: using build/bench/peer-out"
		PEER_OUT_IN=$root/build/bench/peer-out
		same_init "$PEER_OUT_IN" || rm -f "$PEER_OUT_IN/initramfs.cpio.gz"
	fi
	if [ ! -f "$PEER_OUT_IN/initramfs.cpio.gz" ]; then
		log "no peer kernel/initramfs in $PEER_OUT_IN: building it with $PEER_DIR/build.sh"
		PEER_OUT=$PEER_OUT_IN "$PEER_DIR/build.sh" >&2 || { log "peer build failed"; exit 1; }
	fi
fi

# Jobs: the peer's five, plus U-Boot's shape (sequential 512 KiB, QD1: the
# MDTS-sized commands its driver sends one at a time) when uboot is a peer.
jobs="randread-qd1:randread:4k:1 randread-qd32:randread:4k:32 randwrite-qd1:randwrite:4k:1 randwrite-qd32:randwrite:4k:32 seqread-128k-qd8:read:128k:8"
case " $peers " in *" uboot "*) jobs+=" seqread-512k-qd1:read:512k:1 seqwrite-512k-qd1:write:512k:1" ;; esac
if [ -n "$jobsonly" ]; then
	sel=
	for jn in $jobsonly; do
		found=
		for j in $jobs; do
			[ "${j%%:*}" = "$jn" ] && { sel+="${sel:+ }$j"; found=1; }
		done
		[ -n "$found" ] || { log "unknown job '$jn' (one of: $(for j in $jobs; do printf '%s ' "${j%%:*}"; done))"; exit 2; }
	done
	jobs=$sel
fi

# Why the last attempt failed, one line (set by the attempt functions).
reason=

# our side: one boot runs every job of one mode as a script of shell
# commands on the kernel command line (1 KiB at most: one mode per boot);
# kind "ours" (bench in mode m with one shadow setting) or "floor"
# (bench-floor with wait strategy m, shadow doorbells off). With --mix, m is
# several modes joined by "+" and the boot runs them all, one after the
# other, for the jobs in $jobsel (one job per boot).
jobsel=
ours() { # kind backend shadow mode run attempt
	local kind=$1 be=$2 sh=$3 m=$4 r=$5 a=$6
	local name=$kind-$be-shadow$sh-$m-pin$pin-r$r-a$a dir=$out/$2
	local jl=$jobs
	if [ -n "$jobsel" ]; then
		jl=$jobsel
		name=$kind-$be-shadow$sh-${jobsel%%:*}-$m-pin$pin-r$r-a$a
	fi
	mkdir -p "$dir"
	local script="" j njobs=0 nbench=0 nfloor=0 mm k
	if [ "$kind" = floor ]; then
		for j in $jobs; do
			IFS=: read -r jn rw bs qd <<<"$j"
			script+="bench-floor --name $jn --rw $rw --bs $bs --qd $qd --time $rtime --ramp $ramp --wait $m --yes; "
			nfloor=$((nfloor + 1))
		done
	else
		local mo ml
		for j in $jl; do
			IFS=: read -r jn rw bs qd <<<"$j"
			# shellcheck disable=SC2086
			set -- ${m//+/ }
			for k in $(seq 1 "$repeat"); do
				ml="$*"
				for mm in $ml; do
					case $mm in
					floor-*)
						# bench-floor needs shadow doorbells off
						[ "$sh" = off ] || continue
						script+="bench-floor --name $jn --rw $rw --bs $bs --qd $qd --time $rtime --ramp $ramp --wait ${mm#floor-} --yes; "
						nfloor=$((nfloor + 1))
						continue ;;
					esac
					mo="--${mm%-nolat}"
					case ${mm%-nolat} in spin|sleep|halt|hybrid) mo="--poll --wait ${mm%-nolat}" ;; esac
					[ "$mm" != "${mm%-nolat}" ] && mo+=" --no-lat"
					script+="bench --name $jn --rw $rw --bs $bs --qd $qd --time $rtime --ramp $ramp $mo --yes; "
					nbench=$((nbench + 1))
				done
				# the next repetition in another order
				set -- "${@:2}" "$1"
			done
		done
	fi
	njobs=$((nbench + nfloor))
	script+="exit 0"
	local tmp
	tmp=$(mktemp -d /tmp/nvmetk-bench.XXXXXX)
	local dbarg=""
	[ "$sh" = off ] && dbarg=" nvmedbbuf=0"
	[ -n "$kargs" ] && dbarg+=" $kargs"
	bench_cfg_disk "$tmp" "$script" "${dbarg# }" || { rm -rf "$tmp"; reason="cannot write the boot disk"; return 1; }
	local args
	bench_qemu_args "$accel" "$iso" "$tmp/cfg.img" "$(bench_drive "$be" "$img")" peer0
	args=("${BENCH_QEMU_ARGS[@]}")
	if [ "$trace" = 1 ] && [ "$kind" = ours ]; then
		rm -f "$dir/$name.trace"
		args+=(-msg timestamp=on -D "$dir/$name.trace")
		for ev in pci_nvme_mmio_doorbell_sq pci_nvme_mmio_doorbell_cq pci_nvme_irq_msix pci_nvme_eventidx_sq \
			pci_nvme_eventidx_cq pci_nvme_shadow_doorbell_sq pci_nvme_shadow_doorbell_cq; do
			args+=(-trace "$ev")
		done
	fi
	local tmo=$((60 + njobs * (rtime + ramp + 15)))
	{ printf '# %s\n# cmd:' "$(date -Is)"; printf ' %q' "${pincmd[@]}" qemu-system-x86_64 "${args[@]}"; echo; } >"$dir/$name.cmdline"
	log "$name: ${njobs} jobs, timeout ${tmo}s"
	timeout -k 5 "$tmo" "${pincmd[@]}" qemu-system-x86_64 "${args[@]}" </dev/null 2>&1 |
		while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "${line//$'\r'/}"; done >"$dir/$name.serial.log"
	local rc=${PIPESTATUS[0]}
	rm -rf "$tmp"
	local got gotb gotf err
	gotb=$(grep -c "^[0-9.]* BENCH " "$dir/$name.serial.log")
	gotf=$(grep -c "^[0-9.]* FLOOR " "$dir/$name.serial.log")
	got=$((gotb + gotf))
	err=$(sed -n 's/^[0-9.]* \(error: .*\)$/\1/p' "$dir/$name.serial.log" | head -1)
	# kernel `exit 0` -> QEMU status 1
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		reason="timed out after ${tmo} s ($got of $njobs jobs done${err:+; $err})"
	elif [ "$rc" != 1 ]; then
		reason="QEMU status $rc ($got of $njobs jobs done${err:+; $err})"
	elif [ "$gotb" -ne "$nbench" ] || [ "$gotf" -ne "$nfloor" ]; then
		reason="$got of $njobs jobs reported${err:+ ($err)}"
	elif grep -q "^[0-9.]* BENCH .* errors=[1-9]" "$dir/$name.serial.log"; then
		reason="I/O errors in a job ($(grep -o "^[0-9.]* BENCH job=[^ ]*" "$dir/$name.serial.log" | head -1))"
	elif grep -q "^[0-9.]* FLOOR .* failed=[1-9]" "$dir/$name.serial.log"; then
		reason="failed commands in a floor job ($(grep -o "^[0-9.]* FLOOR job=[^ ]*" "$dir/$name.serial.log" | head -1))"
	else
		reason=
	fi
	[ -z "$reason" ] || return 1
	local tags="backend=$be shadow_cfg=$sh run=$r pin=$pin boot=$name"
	[ -n "$kargs" ] && tags+=" kargs=${kargs// /,}"
	# rep=K: the K-th line of its job and mode in this boot (--repeat)
	sed -n 's/^[0-9.]* \(FLOOR .*\)$/\1 '"$tags"'/p' "$dir/$name.serial.log" |
		awk '{ for (i = 2; i <= NF; i++) { if ($i ~ /^job=/) j = $i; if ($i ~ /^wait=/) w = $i } n[j w]++; print $0 " rep=" n[j w] }' >>"$out/floor.txt"
	[ "$kind" = floor ] && return 0
	sed -n 's/^[0-9.]* \(BENCH .*\)$/\1 '"$tags"'/p' "$dir/$name.serial.log" |
		awk '{ l = ""; for (i = 2; i <= NF; i++) { if ($i ~ /^job=/) j = $i; if ($i ~ /^mode=/) mo = $i; if ($i ~ /^wait=/) w = $i; if ($i ~ /^lat=/) l = $i } n[j mo w l]++; print $0 " rep=" n[j mo w l] }' >>"$out/ours.txt"
	if [ "$trace" = 1 ]; then
		awk '
			FNR == NR {
				if ($2 == "bench" && $3 ~ /:$/) { n++; job[n] = $3; sub(/:$/, "", job[n]); st[n] = $1 }
				if ($2 == "BENCH") { en[n] = $1; for (i = 3; i <= NF; i++) if ($i ~ /^(ios|submitted|mode|wait)=/) { split($i, a, "="); v[n, a[1]] = a[2] } }
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
					line = "TRACE job=" job[j] " mode=" v[j, "mode"] " wait=" v[j, "wait"] " submitted=" v[j, "submitted"]
					for (ev in evs) if (cnt[j, ev] > 0)
						line = line sprintf(" %s=%d(%.3f/io)", ev, cnt[j, ev], v[j, "submitted"] > 0 ? cnt[j, ev] / v[j, "submitted"] : 0)
					print line
				}
			}' "$dir/$name.serial.log" "$dir/$name.trace" | sed "s/\$/ $tags/" >>"$out/trace.txt"
	fi
	return 0
}

# The Linux peer: linux-irq (io_uring, interrupts) or linux-poll (the same
# kernel and fio with nvme.poll_queues=1 and fio --hipri: io_uring polled I/O)
linux() { # peer backend run attempt
	local pe=$1 be=$2 r=$3 a=$4
	local name=$pe-$be-pin$pin-r$r-a$a
	local append="" fio=""
	[ "$pe" = linux-poll ] && { append="nvme.poll_queues=1"; fio="--hipri"; }
	log "$name: Linux $(sed -n 's/^kver=//p' "$PEER_OUT_IN/build-info.txt" 2>/dev/null) + fio${fio:+ $fio}${append:+, $append}"
	PEER_OUT=$out/peer KERNEL=$PEER_OUT_IN/vmlinux INITRD=$PEER_OUT_IN/initramfs.cpio.gz IMG=$img \
		BACKEND=$be ACCEL=$accel RUNTIME=$rtime RAMP=$ramp PIN=$([ "$pin" = none ] || echo "$pin") \
		APPEND_EXTRA="$append" FIO_EXTRA="$fio" NAME="$name" "$PEER_DIR/run.sh" >"$out/$name.log" 2>&1
	local rc=$?
	local rdir=$out/peer/runs/$name
	if [ "$rc" -eq 3 ]; then
		reason="I/O stall: $(sed 's/^HOST-WARN //' "$rdir/warnings.txt" 2>/dev/null | head -2 | tr '\n' ' ' | sed 's/ *$//')"
	elif [ "$rc" -ne 0 ]; then
		reason="$(grep -h '^\[run\] FAILED' "$out/$name.log" | head -1 | sed 's/^\[run\] FAILED: //; s/; see .*//')"
		local perr
		perr=$(grep -h 'PEER-ERROR\|Kernel panic' "$rdir/console.log" 2>/dev/null | head -1 |
			sed 's/^.*PEER-ERROR //; s/^.*\(Kernel panic\)/\1/')
		[ -n "$perr" ] && reason+=" ($perr)"
		[ -n "$reason" ] || reason="run.sh status $rc"
	elif grep '^PEER accel=' "$out/$name.log" | grep -q ' iops=0 '; then
		reason="a job reported 0 IOPS ($(grep '^PEER accel=' "$out/$name.log" | grep ' iops=0 ' | grep -o 'job=[^ ]*' | head -1))"
	else
		reason=
	fi
	[ -z "$reason" ] || return 1
	grep '^PEER accel=' "$out/$name.log" | sed "s/\$/ peer=$pe run=$r pin=$pin/" >>"$out/peer.txt"
	return 0
}

# U-Boot x86_64: sequential write and read of 64 MiB, QD1, 512 KiB commands
uboot() { # backend run attempt
	local be=$1 r=$2 a=$3
	local name=uboot-$be-pin$pin-r$r-a$a
	log "$name: U-Boot $(dpkg-query -W -f='${Version}' u-boot-qemu 2>/dev/null) nvme write/read 64 MiB"
	"$here/peer-uboot.py" --drive "$(bench_drive "$be" "$img")" --pin "$pin" --log "$out/$name.serial.log" >"$out/$name.txt" 2>&1
	local rc=$?
	if [ "$rc" -ne 0 ]; then
		reason=$(sed -n 's/^UBOOT-FAIL reason=//p' "$out/$name.txt" | head -1)
		[ -n "$reason" ] || reason="peer-uboot.py status $rc: $(tail -1 "$out/$name.txt")"
		return 1
	fi
	reason=
	sed -n 's/^\(UBOOT op=.*\)$/\1 backend='"$be"' run='"$r"' pin='"$pin"'/p' "$out/$name.txt" >>"$out/uboot.txt"
	return 0
}

# Runs "$@" (one of the functions above, the attempt number appended) until
# it succeeds, at most 1 + retries times; every failure is a FAIL line in
# fail.txt and stays out of the medians; the last one, if all failed, a
# GAVEUP line the tables print instead of figures.
attempt() { # side backend run shadow_cfg mode -- command...
	local side=$1 be=$2 r=$3 sh=$4 mo=$5
	shift 6
	local a
	for a in $(seq 1 $((retries + 1))); do
		settle "$be"
		if "$@" "$a"; then
			[ "$a" -gt 1 ] && log "$side $be run $r: attempt $a succeeded"
			return 0
		fi
		log "$side $be $mo run $r (pin $pin): attempt $a failed: $reason"
		echo "FAIL side=$side backend=$be shadow_cfg=$sh mode=$mo run=$r pin=$pin attempt=$a reason=$reason" >>"$out/fail.txt"
	done
	echo "GAVEUP side=$side backend=$be shadow_cfg=$sh mode=$mo run=$r pin=$pin attempts=$((retries + 1)) reason=$reason" >>"$out/fail.txt"
	return 1
}

{
	echo "# $(date -Is) $(uname -r) $(qemu-system-x86_64 --version | head -1)"
	echo "# nvmetk $(git -C "$root" describe --always --dirty 2>/dev/null) accel=$accel pins=$pins runs=$runs time=$rtime ramp=$ramp modes=$modes mix=$mix repeat=$repeat shadow=$shadows peers=$peers floor=$floorw retries=$retries${kargs:+ kargs=$kargs} jobs=$(for j in $jobs; do printf '%s,' "${j%%:*}"; done)${isoarg:+ iso=$iso}"
	echo "# load before: $(cat /proc/loadavg)"
} | tee "$out/info.txt" >&2
: >"$out/ours.txt"
: >"$out/peer.txt"
: >"$out/floor.txt"
: >"$out/uboot.txt"
: >"$out/fail.txt"
# Before every boot on the file backend, all sides start from the same host
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
for pin in $pins; do
	pincmd=()
	[ "$pin" != none ] && pincmd=(taskset -c "$pin")
	for r in $(seq 1 "$runs"); do
		for be in $backends; do
			for sh in $shadows; do
				if [ "$mix" = 1 ]; then
					# every mode in one boot per job, the order rotated per run
					# shellcheck disable=SC2086
					set -- $modes
					for _ in $(seq 2 "$r"); do set -- "${@:2}" "$1"; done
					mixm=$(IFS=+; echo "$*")
					for jobsel in $jobs; do
						attempt ours "$be" "$r" "$sh" "$mixm" -- ours ours "$be" "$sh" "$mixm" "$r" || fail=1
					done
					jobsel=
					continue
				fi
				for m in $modes; do
					attempt ours "$be" "$r" "$sh" "$m" -- ours ours "$be" "$sh" "$m" "$r" || fail=1
				done
			done
			for m in $floorw; do
				attempt floor "$be" "$r" off "$m" -- ours floor "$be" off "$m" "$r" || fail=1
			done
			for pe in $peers; do
				case $pe in
				linux-irq|linux-poll) attempt "$pe" "$be" "$r" - - -- linux "$pe" "$be" "$r" || fail=1 ;;
				uboot) attempt uboot "$be" "$r" - - -- uboot "$be" "$r" || fail=1 ;;
				*) log "unknown peer '$pe'"; fail=1 ;;
				esac
			done
		done
	done
done
echo "# load after: $(cat /proc/loadavg)" | tee -a "$out/info.txt" >&2

python3 "$here/table.py" --runs "$runs" --time "$rtime" --ramp "$ramp" --accel "$accel" "$out" | tee "$out/table.txt"
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
