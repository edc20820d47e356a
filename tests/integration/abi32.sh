#!/bin/sh
# int 0x80 system calls from a 64-bit program are recorded under the i386
# numbering (getpid is 20, write is 4), never decoded as x86_64 calls.
. "${top_srcdir:-.}/tests/integration/lib.sh"

for mode in $fallback_modes; do
	rm -rf s
	PCOW_FORCE_FALLBACK=$mode "$PCOW" trace -q --store s -- "$PROGS/int80" >out
	expect_eq "[$mode] exit status" 0 $?
	expect_eq "[$mode] output" "int80
i386 getpid ok, i386 write 6" "$(cat out)"
	rows=$(sql s/log.db "SELECT abi, nr, name FROM syscall WHERE abi = 1 ORDER BY seq")
	expect_eq "[$mode] i386 rows" "1|20|getpid
1|4|write" "$rows"
	n=$(sql s/log.db "SELECT count(*) FROM syscall WHERE abi = 0 AND name IN ('writev', 'stat')")
	expect_eq "[$mode] no x86_64 writev/stat invented" 0 "$n"
	line=$("$PCOW" log s | grep 'i386.*write')
	expect_match "[$mode] pcow log shows the i386 write" '\[i386\] write\(1, "int80\\n", 6\) = 6' "$line"
done
finish
