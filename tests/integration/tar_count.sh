#!/bin/sh
# The number of calls of each syscall pcow records for `tar xf` equals what
# strace -f -c counts for the same command (strace -c counts a call at its
# exit, so calls that never return, exit_group, are left out on both sides).
# Under copy-on-write the real directory stays empty until `pcow commit`,
# which then makes it equal to the natively extracted tree.
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v strace >/dev/null || skip "strace is not installed"
tar cf src.tar -C /usr/include linux asm-generic 2>/dev/null || harness "cannot make the tarball"
mkdir a b
strace -f -c -o strace.out tar xf src.tar -C a || harness "strace failed"
"$PCOW" trace -q --store s -- tar xf src.tar -C b
expect_eq "tar exits 0" 0 $?
expect_eq "the real directory is untouched" "" "$(ls -A b)"
"$PCOW" commit s >commit.out 2>&1
expect_eq "pcow commit exits 0" 0 $?
diff -r a b >/dev/null && pass "committed tree equals the native one" || fail "trees differ"
# strace -c: "% time seconds usecs/call calls [errors] syscall"
awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { print $NF, $4 }' strace.out | sort >want
sql s/log.db "SELECT name, count(*) FROM syscall WHERE ret IS NOT NULL GROUP BY name" | tr '|' ' ' | sort >got
if diff -u want got >diff.out; then pass "per-syscall counts equal strace -c's ($(wc -l <got) syscalls)"
else fail "counts differ from strace -c:"; cat diff.out; fi
finish
