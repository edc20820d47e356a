#!/bin/sh
# Races against pcow's checks (issue 8, "Path swap"): a second thread
# changes what a call names between pcow's check and the kernel's read.
# - openat2's struct open_how flipped between O_RDONLY and
#   O_WRONLY|O_APPEND: pcow pins the struct it checked, so a read-only
#   open never becomes a writing one (each try is a file pcow has not
#   copied up yet);
# - chdir's path flipped between a directory outside the scope and a real
#   one inside: pcow pins the path, so its idea of the cwd is the
#   kernel's, and a later relative open for writing lands where pcow
#   thinks it does.
# Both changed real files before the pins (tried: 483 of 2,000 files, and
# every relative write).
. "${top_srcdir:-.}/tests/integration/lib.sh"

mkdir -p r/many r/d out && echo orig >r/d/f && : >out/f && : >out/x ||
	harness "cannot make the trees"
i=0
while [ $i -lt 500 ]; do echo orig >r/many/f$i; i=$((i + 1)); done

out=$("$PCOW" trace -q --store st-how --cow "$T/r" -- "$PROGS/swap" how "$T/out/x" "$T/r/many" 500)
expect_eq "openat2 with a flipped open_how: the writes went somewhere" "writes some" "$out"
expect_eq "openat2 with a flipped open_how: every real file unchanged" "500 orig" \
	"$(cat r/many/* | sort | uniq -c | sed 's/^ *//')"
expect_match "openat2 with a flipped open_how: the writes are in the overlay" \
	'^M .*/r/many/f' "$("$PCOW" status st-how)"

out=$("$PCOW" trace -q --store st-cd --cow "$T/r" -- "$PROGS/swap" chdir "$T/out" "$T/r/d" 5000)
expect_eq "chdir with a flipped path: the writes went somewhere" "writes some" "$out"
expect_eq "chdir with a flipped path: the real file unchanged" "orig" "$(cat r/d/f)"
finish
