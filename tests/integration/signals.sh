#!/bin/sh
# Signals reach the program as natively: handlers run, SIGSTOP/SIGCONT stop
# and continue it, SIGINT/SIGTERM sent to pcow are passed on.
. "${top_srcdir:-.}/tests/integration/lib.sh"

wait_for() { # wait_for FILE TEXT: up to 10 s
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 200 ] && return 1; sleep 0.05
	done
}

"$PROGS/sigint" self >native.out; native=$?
"$PCOW" trace -q --store s -- "$PROGS/sigint" self >traced.out; traced=$?
expect_eq "handled SIGINT: status as native" "$native" "$traced"
expect_eq "handled SIGINT: output as native" "$(cat native.out)" "$(cat traced.out)"

# SIGINT sent to pcow reaches the program, whose handler runs.
"$PCOW" trace -q --store s -- "$PROGS/sigint" >out &
pcow_pid=$!
wait_for out ready || fail "sigint program never ready"
kill -INT $pcow_pid
wait $pcow_pid; st=$?
expect_eq "SIGINT to pcow: the program's handler runs (exit 3)" 3 "$st"
expect_eq "SIGINT to pcow: output" "ready
caught SIGINT" "$(cat out)"

# SIGTERM to pcow kills the program (default action) and pcow says so.
"$PCOW" trace -q --store s -- sleep 30 &
pcow_pid=$!
sleep 0.3
kill -TERM $pcow_pid
wait $pcow_pid; st=$?
expect_eq "SIGTERM to pcow: exit 143" 143 "$st"

# SIGSTOP / SIGCONT of the program itself.
"$PCOW" trace -q --store s -- sh -c 'echo started; sleep 0.5; echo done' >out &
pcow_pid=$!
wait_for out started || fail "program never started"
child=$(pgrep -P $pcow_pid | head -1)
[ -n "$child" ] || harness "no traced child found"
kill -STOP "$child"
sleep 0.8
state=$(awk '{print $3}' "/proc/$child/stat" 2>/dev/null)
case "$state" in T|t) pass "SIGSTOP: the program is stopped ($state)" ;;
*) fail "SIGSTOP: state is [$state]" ;; esac
expect_eq "SIGSTOP: nothing printed while stopped" "started" "$(cat out)"
kill -CONT "$child"
wait $pcow_pid; st=$?
expect_eq "SIGCONT: the program finishes (exit 0)" 0 "$st"
expect_eq "SIGCONT: output" "started
done" "$(cat out)"

# SIGPIPE behaves as natively: yes | head -1 ends yes with SIGPIPE.
out=$("$PCOW" trace -q --store s -- sh -c 'yes | head -1; echo "${PIPESTATUS:-}"')
expect_eq "SIGPIPE pipeline output" "y" "$(echo "$out" | head -1)"
n=$(sql s/log.db "SELECT count(*) FROM process WHERE exit_status = 141")
[ "$n" -ge 1 ] && pass "yes killed by SIGPIPE recorded (141)" || fail "no process exited 141"

finish
