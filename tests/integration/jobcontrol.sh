#!/bin/sh
# Shell job control through pcow, in a real terminal (tmux): Ctrl-Z stops
# the traced program and gives the prompt back, fg resumes it, and Ctrl-C
# reaches it as it would without pcow.
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v tmux >/dev/null || skip "tmux is not installed"
command -v bash >/dev/null || skip "bash is not installed"
sock="$T/tmux.sock"
tm() { tmux -S "$sock" "$@"; }
screen() { tm capture-pane -p -t jc -S -50 2>/dev/null; }
wait_screen() { # wait_screen REGEX: up to 10 s
	i=0
	until screen | grep -Eq -- "$1"; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
}
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT

tm new-session -d -s jc -x 200 -y 50 "env PS1='prompt\$ ' bash --norc --noprofile -i" || harness "tmux failed"
wait_screen 'prompt\$' || harness "no shell prompt"
tm send-keys -t jc "cd '$T' && '$PCOW' trace -q --store s -- sh -c 'for i in 1 2 3 4 5 6 7 8; do echo tick \$i; sleep 0.3; done'" Enter
wait_screen '^tick 2' || fail "the program never started"
tm send-keys -t jc C-z
if wait_screen 'Stopped'; then pass "Ctrl-Z: the shell reports the job stopped"
else fail "Ctrl-Z: no 'Stopped' from the shell"; screen; fi
ticks=$(screen | grep -c '^tick')
sleep 1
expect_eq "Ctrl-Z: nothing runs while stopped" "$ticks" "$(screen | grep -c '^tick')"
tm send-keys -t jc "fg; echo fgstatus=\$?" Enter
if wait_screen 'fgstatus=0'; then pass "fg: the program resumes and finishes (status 0)"
else fail "fg: no fgstatus=0"; screen; fi
expect_eq "fg: every tick printed once" 8 "$(screen | grep -c '^tick')"

tm send-keys -t jc "clear; '$PCOW' trace -q --store s -- sleep 30; echo status=\$?" Enter
sleep 0.5
tm send-keys -t jc C-c
if wait_screen 'status=130'; then pass "Ctrl-C kills the program: 130"
else fail "Ctrl-C: no status=130"; screen; fi

tm send-keys -t jc "clear; '$PROGS/../../pcow' trace -q --store s -- '$PROGS/sigint'; echo status=\$?" Enter
wait_screen '^ready' || fail "sigint program not ready"
tm send-keys -t jc C-c
if wait_screen 'status=3'; then pass "Ctrl-C reaches a handler once: 3"
else fail "Ctrl-C with a handler: no status=3"; screen; fi
expect_eq "the handler ran once" 1 "$(screen | grep -c 'caught SIGINT')"
finish
