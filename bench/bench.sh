#!/bin/sh
# bench/bench.sh — pcow against native runs, a minimal tracer (the floor),
# strace and PRoot, on the same machine in the same run.
#
# Usage (from the build directory, or `make bench`):
#   bench/bench.sh [-n RUNS] [-t TOOLS] [-d DIR] [WORKLOAD...]
# Workloads: getppid  1,000,000 getppid() calls ($N_GETPPID overrides)
#            tar      tar xf of a tarball of /usr/include, then rm -rf of it
#            build    make -j2 of a generated C project of 40 files
#            procs    2,000 short processes (a shell loop of /bin/true)
# Tools:     native floor floor-info pcow pcow-file pcow-none pcow-cow strace strace-file
#            proot
#            (floor-info: the floor reading each stop's call with
#            PTRACE_GET_SYSCALL_INFO, the least a tracer that records calls
#            and results must do; pcow: --no-cow, default --log=all; pcow-file: --no-cow
#            --log=file; pcow-none: --no-cow --log=none; pcow-cow: the
#            default copy-on-write trace, scope the work directory, full
#            log; strace: -f -o /dev/null; strace-file: -f --seccomp-bpf
#            -e trace=%file -o /dev/null; proot: -w DIR)
#
# The work (the tarball, its extraction, the project) goes in a new
# directory under DIR (default /tmp).  On a VM whose disk writeback makes
# native tar runs vary five-fold (seen: 1.3 s to 7.7 s), a tmpfs measures
# the tracers rather than the disk: as root, `mount -t tmpfs tmpfs
# /mnt/bench` and -d /mnt/bench.  Not /dev/shm: pcow never makes /dev
# copy-on-write (pcow trace refuses --cow there), and until stop 17 the
# pcow-cow figures measured there were traces without copy-on-write.
#
# Each cell is the median wall time of RUNS runs (default 5); the tools
# alternate run by run so drift hits all alike.  "q1-q3" is the middle
# half of the runs: on a noisy VM single runs spread wide, and a median
# inside the other tool's q1-q3 is no difference.  With native and proot
# in the run, each other tool's overhead over PRoot's is also given as
# the median of the per-round ratios (tool - native) / (proot - native),
# which one slow round cannot swing.  "ratio" is against native;
# for getppid "us/call" is the overhead per call, (tool - native) / calls.
# "rss" is the peak resident set of the tool's own process in KiB, and
# "B/call" the size of pcow's log.db per recorded call.
set -u
runs=5
tools_all="native floor floor-info pcow pcow-file pcow-none pcow-cow strace strace-file proot"
tools=$tools_all
base=/tmp
while [ $# -gt 0 ]; do
	case "$1" in
	-n) runs=$2; shift 2 ;;
	-t) tools=$2; shift 2 ;;
	-d) base=$2; shift 2 ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
	*) break ;;
	esac
done
workloads=${*:-getppid tar build procs}
build=$(pwd)
PCOW="$build/pcow"
[ -x "$PCOW" ] || { echo "bench: run from the build directory (no ./pcow)" >&2; exit 2; }
make -s bench/floor bench/getppid_loop bench/runtime >/dev/null || exit 2
case "$(cd "$base" 2>/dev/null && pwd -P)/" in
/dev/*|/proc/*|/sys/*)
	echo "bench: $base is below /dev, /proc or /sys, which pcow never makes copy-on-write;" \
		"use a tmpfs mounted elsewhere (mount -t tmpfs tmpfs /mnt/bench)" >&2
	exit 2 ;;
esac
W=$(mktemp -d "$base/pcow-bench.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT
N_GETPPID=${N_GETPPID:-1000000}

have() { command -v "$1" >/dev/null 2>&1; }
avail=""
for t in $tools; do
	case "$t" in
	strace|strace-file) have strace || { echo "bench: no strace, $t skipped" >&2; continue; } ;;
	proot) have proot || { echo "bench: no proot, skipped" >&2; continue; } ;;
	esac
	avail="$avail $t"
done
tools=$avail

# setup WORKLOAD: its files in $W (bench/workloads.sh)
. "$(dirname "$0")/workloads.sh"

# cmd_of WORKLOAD: the command line, and its preparation
cmd_of() {
	case "$1" in
	getppid) echo "$build/bench/getppid_loop $N_GETPPID" ;;
	tar) echo "sh -c 'mkdir -p $W/x && tar xf $W/include.tar -C $W/x && rm -rf $W/x'" ;;
	build) echo "make -s -j2 -C $W/proj prog" ;;
	procs) echo "sh -c 'i=0; while [ \$i -lt 2000 ]; do /bin/true; i=\$((i+1)); done'" ;;
	esac
}
prepare() {
	case "$1" in
	build) make -s -C "$W/proj" clean >/dev/null ;;
	tar) rm -rf "$W/x" ;;
	esac
	rm -rf "$W/store"
}

prefix_of() {
	case "$1" in
	native) echo "" ;;
	floor) echo "$build/bench/floor" ;;
	floor-info) echo "env FLOOR_INFO=1 $build/bench/floor" ;;
	pcow) echo "$PCOW trace -q --no-cow --store $W/store --" ;;
	pcow-file) echo "$PCOW trace -q --no-cow --log=file --store $W/store --" ;;
	pcow-none) echo "$PCOW trace -q --no-cow --log=none --store $W/store --" ;;
	pcow-cow) echo "$PCOW trace -q --cow $W --store $W/store --" ;;
	strace) echo "strace -f -o /dev/null" ;;
	strace-file) echo "strace -f --seccomp-bpf -e trace=%file -o /dev/null" ;;
	proot) echo "proot -w $W" ;;
	esac
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# quartiles: "Q1-Q3" of the runs, how far single runs spread
quartiles() {
	sort -n | awk '{ a[NR] = $1 } END { printf "%.2f-%.2f", a[int((NR + 3) / 4)], a[int((3 * NR + 3) / 4)] }'
}
# vs_proot TOOL: the median over runs of (TOOL - native) / (PRoot - native),
# each run against the native and PRoot runs of the same round
vs_proot() {
	paste "$W/$wl.native" "$W/$wl.$1" "$W/$wl.proot" |
		awk '$3 > $1 { print ($2 - $1) / ($3 - $1) }' | median
}

printf '%-8s %-12s %9s %7s %11s %9s %8s %7s\n' workload tool seconds ratio q1-q3 us/call rss B/call
for wl in $workloads; do
	setup "$wl"
	cmd=$(cmd_of "$wl")
	for tool in $tools; do : >"$W/$wl.$tool"; : >"$W/$wl.$tool.rss"; done
	i=0
	while [ $i -lt "$runs" ]; do
		for tool in $tools; do
			prepare "$wl"
			set -- $(eval "$build/bench/runtime $(prefix_of "$tool") $cmd" 2>/dev/null </dev/null)
			echo "$1" >>"$W/$wl.$tool"
			echo "$2" >>"$W/$wl.$tool.rss"
			case "$tool" in pcow*)
				n=$(sqlite3 "$W/store/log.db" "SELECT n_calls FROM run" 2>/dev/null)
				bytes=$(cat "$W/store/log.db" "$W/store/log.db-wal" 2>/dev/null | wc -c)
				[ -n "$n" ] && [ "$n" -gt 0 ] && echo $((bytes / n)) >"$W/$wl.$tool.bpc" ;;
			esac
		done
		i=$((i + 1))
	done
	base=$(median <"$W/$wl.native")
	for tool in $tools; do
		m=$(median <"$W/$wl.$tool")
		rss=$(sort -n "$W/$wl.$tool.rss" | tail -1)
		bpc=$(cat "$W/$wl.$tool.bpc" 2>/dev/null || echo -)
		[ "$wl" = getppid ] && extra=$(echo "$m $base $N_GETPPID" |
			awk '{ printf "%.2f", ($1 - $2) * 1e6 / $3 }') || extra=-
		printf '%-8s %-12s %9s %7s %11s %9s %8s %7s\n' "$wl" "$tool" "$m" \
			"$(echo "$m $base" | awk '{ printf "%.2f", $1 / $2 }')" \
			"$(quartiles <"$W/$wl.$tool")" "$extra" "$rss" "$bpc"
	done
	[ -s "$W/$wl.native" ] && [ -s "$W/$wl.proot" ] && for tool in $tools; do
		case "$tool" in native | proot) continue ;; esac
		printf '%-8s %-12s overhead / PRoot'"'"'s: %s (median of the rounds)\n' \
			"$wl" "$tool" "$(vs_proot "$tool" | awk '{ printf "%.2f", $1 }')"
	done
done
