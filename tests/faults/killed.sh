#!/bin/sh
# pcow killed with SIGKILL: the program dies with it (PTRACE_O_EXITKILL)
# and the log opens with everything but the last unflushed batch.
. "${top_srcdir:-.}/tests/integration/lib.sh"

"$PCOW" trace -q --store s -- "$PROGS/getppid_loop" 100000000 &
pcow_pid=$!
sleep 1.5
child=$(pgrep -P $pcow_pid | head -1)
[ -n "$child" ] || harness "no traced child"
kill -KILL $pcow_pid
wait $pcow_pid 2>/dev/null
i=0
while kill -0 "$child" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05
done
kill -0 "$child" 2>/dev/null && fail "the program survived pcow" || pass "the program died with pcow"
"$PCOW" log s >log.out 2>err
expect_eq "the log opens after SIGKILL" 0 $?
n=$(grep -c 'getppid() = ' log.out)
[ "$n" -gt 1000 ] && pass "the log holds $n getppid calls" || fail "only $n calls in the log"
n=$(sql s/log.db "PRAGMA integrity_check")
expect_eq "integrity_check" ok "$n"
finish
