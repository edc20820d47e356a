#!/bin/sh
# bench/stack.sh — the cost of stacks: `pcow trace --stack=file` against
# `pcow trace` without stacks and `strace -f -k -e trace=%file`, on a
# parallel build (make -j2 of NFILES generated C files, each compiled and
# then linked into one program).
#
# Usage: bench/stack.sh [-n RUNS] [-f NFILES]   (from the build directory;
#        RUNS defaults to 3, NFILES to 40)
#
# Each cell is the median wall time of RUNS builds, the tools alternating
# build by build.  Ratios are against the native build.
set -u
runs=3
nfiles=40
while [ $# -gt 0 ]; do
	case "$1" in
	-n) runs=$2; shift 2 ;;
	-f) nfiles=$2; shift 2 ;;
	*) echo "usage: bench/stack.sh [-n RUNS] [-f NFILES]" >&2; exit 2 ;;
	esac
done
build=$(pwd)
PCOW="$build/pcow"
[ -x "$PCOW" ] || { echo "bench: run from the build directory (no ./pcow)" >&2; exit 2; }
command -v make >/dev/null && command -v cc >/dev/null || { echo "bench: needs make and cc" >&2; exit 2; }
W=$(mktemp -d /tmp/pcow-bench-stack.XXXXXX)
trap 'rm -rf "$W"' EXIT

# The project: NFILES sources with a few includes each, one Makefile.
mkdir "$W/src"
i=0
objs=""
while [ $i -lt "$nfiles" ]; do
	cat >"$W/src/f$i.c" <<EOF
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
int f$i(int x);
int f$i(int x) { char b[64]; snprintf(b, sizeof(b), "%d", x); return (int)strlen(b) + (int)sqrt(x) + $i; }
EOF
	objs="$objs f$i.o"
	i=$((i + 1))
done
{
	echo "int main(void) { return 0; }" >"$W/src/main.c"
	printf 'prog: main.o%s\n\t$(CC) -o $@ $^ -lm\n' "$objs"
	printf '%%.o: %%.c\n\t$(CC) -O1 -c -o $@ $<\n'
	printf 'clean:\n\trm -f prog *.o\n'
} >"$W/src/Makefile"

tools="native pcow pcow-stack"
if command -v strace >/dev/null && strace -k -e trace=none true 2>/dev/null; then
	tools="$tools strace-k"
else
	echo "bench: strace with -k support not installed, skipped" >&2
fi

now() { date +%s.%N; }

run_one() {
	make -s -C "$W/src" clean >/dev/null 2>&1
	rm -rf "$W/store"
	case "$1" in
	native) pre="" ;;
	pcow) pre="$PCOW trace -q --no-cow --store $W/store --" ;;
	pcow-stack) pre="$PCOW trace -q --no-cow --stack=file --store $W/store --" ;;
	strace-k) pre="strace -f -k -e trace=%file -o /dev/null" ;;
	esac
	t0=$(now)
	$pre make -s -j2 -C "$W/src" >/dev/null 2>&1 || echo "bench: $1: build failed" >&2
	t1=$(now)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

for tool in $tools; do : >"$W/$tool.times"; done
i=0
while [ $i -lt "$runs" ]; do
	for tool in $tools; do run_one "$tool" >>"$W/$tool.times"; done
	i=$((i + 1))
done

# The store of the last pcow-stack run says how much was captured.
run_one pcow-stack >/dev/null
calls=$(sqlite3 "$W/store/log.db" "SELECT count(stack_id) FROM call" 2>/dev/null || echo ?)
stacks=$(sqlite3 "$W/store/log.db" "SELECT count(*) FROM stack" 2>/dev/null || echo ?)

echo "workload: make -j2 of $nfiles C files; median of $runs runs"
printf '%-12s %10s %8s\n' tool seconds ratio
base=$(median <"$W/native.times")
for tool in $tools; do
	m=$(median <"$W/$tool.times")
	printf '%-12s %10s %8s\n' "$tool" "$m" "$(echo "$m $base" | awk '{ printf "%.2f", $1 / $2 }')"
done
echo "pcow-stack: $calls calls with a stack, $stacks distinct stacks"
