#!/bin/sh
# Every call of every thread is recorded: 8 threads x 10,000 getppid()
# give exactly 80,000 getppid rows, in every register/memory mode.
. "${top_srcdir:-.}/tests/integration/lib.sh"

for mode in $fallback_modes; do
	rm -rf s
	PCOW_FORCE_FALLBACK=$mode "$PCOW" trace -q --store s -- "$PROGS/threads" 8 10000 >out
	expect_eq "[$mode] exit status" 0 $?
	n=$(sql s/log.db "SELECT count(*) FROM syscall WHERE name = 'getppid'")
	expect_eq "[$mode] getppid rows" 80000 "$n"
	n=$(sql s/log.db "SELECT count(DISTINCT tid) FROM syscall WHERE name = 'getppid'")
	expect_eq "[$mode] threads making getppid" 8 "$n"
	n=$(sql s/log.db "SELECT count(*) FROM process WHERE tgid = pid")
	expect_eq "[$mode] one process" 1 "$n"
	n=$(sql s/log.db "SELECT count(*) FROM process")
	expect_eq "[$mode] nine tasks (leader + 8 threads)" 9 "$n"
	n=$(sql s/log.db "SELECT count(*) FROM syscall WHERE (ret IS NULL AND name NOT IN ('exit', 'exit_group')) OR t_exit < t_enter")
	expect_eq "[$mode] every call but exit has a result, t_exit >= t_enter" 0 "$n"
done
finish
