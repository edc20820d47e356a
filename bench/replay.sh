#!/bin/sh
# bench/replay.sh — replay throughput on the tar and build traces.
#
# Usage (from the build directory):
#   sh ../bench/replay.sh [-n RUNS] [-k IMAGE [-a "kvm tcg"]] [tar] [build]
#
# Each workload (the same as bench/bench.sh's: tar xf of a tarball of
# /usr/include then rm -rf of it; make -j2 of a 40-file C project) is traced
# once with `pcow trace` (copy-on-write, the default scope), then replayed
# RUNS times with `pcow replay`.  Printed per workload: the traced run's
# wall time, the replay's (median), their ratio, the calls replayed and
# skipped, and replayed file calls per second.  Goal (issue 4): replay at
# least 5x faster than the traced run, and at least 200,000 calls/s.
#
# With -k IMAGE, each trace is also replayed once in that kernel booted in
# QEMU (`pcow replay --kernel IMAGE`), with KVM and with TCG: the time from
# command to report, and its split (PCOW_REPLAY_TIMES) between building the
# bundle and initramfs, the guest's boot, and its execution (issue 5).
# -a picks the accelerators (default both; a KVM that cannot boot the
# kernel shows as a timeout).
set -u
runs=3
kernel=
accels="kvm tcg"
while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	-k) kernel=$2; shift 2 ;;
	-a) accels=$2; shift 2 ;;
	*) break ;;
	esac
done
workloads=${*:-tar build}
build=$(pwd)
PCOW="$build/pcow"
[ -x "$PCOW" ] || { echo "bench: run from the build directory (no ./pcow)" >&2; exit 2; }
W=$(mktemp -d /tmp/pcow-rbench.XXXXXX)
trap 'rm -rf "$W"' EXIT

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

. "$(dirname "$0")/workloads.sh"

printf '%-6s %10s %10s %8s %9s %9s %12s\n' workload trace_s replay_s speedup replayed skipped calls/s
for wl in $workloads; do
	case $wl in
	tar)
		setup tar
		cmd="mkdir -p $W/x && tar xf $W/include.tar -C $W/x && rm -rf $W/x" ;;
	build)
		setup build
		cmd="make -s -j2 -C $W/proj prog" ;;
	*) echo "bench: unknown workload $wl" >&2; continue ;;
	esac
	rm -rf "$W/store"
	t0=$(now)
	sh -c "\"$PCOW\" trace -q --store \"$W/store\" -- sh -c '$cmd'" >/dev/null 2>&1
	t1=$(now)
	trace_s=$(echo "$t1 - $t0" | bc)
	: >"$W/times"
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now)
		"$PCOW" replay "$W/store" >"$W/out" 2>/dev/null
		t1=$(now)
		echo "$t1 - $t0" | bc >>"$W/times"
		i=$((i + 1))
	done
	replay_s=$(median <"$W/times")
	set -- $(sed -n 's/^replayed \([0-9]*\) calls (\([0-9]*\) skipped).*/\1 \2/p' "$W/out")
	printf '%-6s %10.3f %10.3f %7.1fx %9s %9s %12.0f\n' "$wl" "$trace_s" "$replay_s" \
		"$(echo "$trace_s / $replay_s" | bc -l)" "${1:-?}" "${2:-?}" \
		"$(echo "${1:-0} / $replay_s" | bc -l)"
	grep -q ' 0 divergences' "$W/out" || { echo "  (divergences:)"; sed -n '2,12p' "$W/out"; }
	[ -n "$kernel" ] || continue
	for accel in $accels; do
		t0=$(now)
		PCOW_QEMU_ACCEL=$accel PCOW_REPLAY_TIMES=1 "$PCOW" replay "$W/store" \
			--kernel "$kernel" --timeout 300 >"$W/out" 2>"$W/err"
		st=$?
		t1=$(now)
		printf '  %s in QEMU (%s): %.3f s, exit %d: %s\n' "$wl" "$accel" \
			"$(echo "$t1 - $t0" | bc)" "$st" "$(head -n 1 "$W/out")"
		if [ $st -le 1 ]; then
			sed -n 's/^pcow: replay times: /    /p' "$W/err"
		else
			sed -n '2,3s/^/    /p' "$W/err"
		fi
	done
done
