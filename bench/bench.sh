#!/bin/sh
# bench/bench.sh — pcow against native runs, a minimal tracer (the floor),
# strace and PRoot, on the same machine in the same run.
#
# Usage: bench/bench.sh [-n RUNS] [WORKLOAD...]     (run from the build dir,
#        or `make bench`; RUNS defaults to 5; workloads: getppid tar)
#
# Every cell is the median wall time of RUNS runs, the tools alternating
# run by run so drift hits all alike.  Ratios are against native.  The
# last column, for getppid, is the overhead per call in microseconds.
set -u
runs=5
while [ $# -gt 0 ]; do
	case "$1" in
	-n) runs=$2; shift 2 ;;
	*) break ;;
	esac
done
workloads=${*:-getppid tar}
build=$(pwd)
PCOW="$build/pcow"
[ -x "$PCOW" ] || { echo "bench: run from the build directory (no ./pcow)" >&2; exit 2; }
make -s bench/floor bench/getppid_loop >/dev/null || exit 2
W=$(mktemp -d /tmp/pcow-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
N_GETPPID=1000000

tools="native floor pcow strace"
command -v strace >/dev/null || { echo "bench: strace not installed, skipped" >&2; tools="native floor pcow"; }

now() { date +%s.%N; }

# run_one TOOL WORKLOAD: prints seconds
run_one() {
	tool=$1 wl=$2
	case "$wl" in
	getppid) cmd="$build/bench/getppid_loop $N_GETPPID" ;;
	tar) rm -rf "$W/x"; mkdir "$W/x"; cmd="tar xf $W/include.tar -C $W/x" ;;
	esac
	rm -rf "$W/store"
	case "$tool" in
	native) pre="" ;;
	floor) pre="$build/bench/floor" ;;
	pcow) pre="$PCOW trace -q --no-cow --store $W/store --" ;;
	strace) pre="strace -f -o /dev/null" ;;
	esac
	t0=$(now)
	$pre $cmd >/dev/null 2>&1
	t1=$(now)
	echo "$t0 $t1" | awk '{ printf "%.4f\n", $2 - $1 }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

case " $workloads " in *" tar "*)
	tar cf "$W/include.tar" -C /usr include 2>/dev/null ;;
esac

printf '%-8s %-8s %10s %8s %14s\n' workload tool seconds ratio "us/call extra"
for wl in $workloads; do
	for tool in $tools; do : >"$W/$wl.$tool"; done
	i=0
	while [ $i -lt "$runs" ]; do
		for tool in $tools; do run_one "$tool" "$wl" >>"$W/$wl.$tool"; done
		i=$((i + 1))
	done
	base=$(median <"$W/$wl.native")
	for tool in $tools; do
		m=$(median <"$W/$wl.$tool")
		if [ "$wl" = getppid ]; then
			extra=$(echo "$m $base $N_GETPPID" | awk '{ printf "%.2f", ($1 - $2) * 1e6 / $3 }')
		else
			extra=-
		fi
		printf '%-8s %-8s %10s %8s %14s\n' "$wl" "$tool" "$m" \
			"$(echo "$m $base" | awk '{ printf "%.2f", $1 / $2 }')" "$extra"
	done
done
