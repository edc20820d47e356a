#!/bin/sh
# pcow trace exits as the program does; output is the program's own;
# a missing program gives 127 and a shell's message.
. "${top_srcdir:-.}/tests/integration/lib.sh"

for mode in $fallback_modes; do
	export PCOW_FORCE_FALLBACK=$mode
	"$PCOW" trace -q --store s -- sh -c 'exit 7'
	expect_eq "[$mode] sh -c 'exit 7' exits 7" 7 $?

	"$PCOW" trace -q --store s -- true
	expect_eq "[$mode] true exits 0" 0 $?

	"$PCOW" trace -q --store s -- "$PROGS/segv" >out 2>/dev/null
	expect_eq "[$mode] SIGSEGV gives 139" 139 $?
	expect_eq "[$mode] output before the crash kept" "about to crash" "$(cat out)"

	"$PCOW" trace -q --store s -- sh -c 'kill -TERM $$'
	expect_eq "[$mode] killed by SIGTERM gives 143" 143 $?

	native=$(ls -la /usr/include/linux | md5sum; sh -c 'echo out; echo err >&2' 2>&1)
	traced=$("$PCOW" trace -q --store s -- ls -la /usr/include/linux | md5sum;
		"$PCOW" trace -q --store s -- sh -c 'echo out; echo err >&2' 2>&1)
	expect_eq "[$mode] output identical to the native run" "$native" "$traced"
done
unset PCOW_FORCE_FALLBACK

"$PCOW" trace --store s -- no-such-program-pcow >out 2>err
expect_eq "missing program exits 127" 127 $?
expect_eq "missing program message" "pcow: no-such-program-pcow: command not found" "$(cat err)"

printf 'not a program\n' >notexec
"$PCOW" trace --store s -- ./notexec 2>err
expect_eq "non-executable file exits 127" 127 $?
expect_match "non-executable file message" "Permission denied" "$(cat err)"

printf '\177ELFgarbage' >badelf; chmod +x badelf
"$PCOW" trace --store s -- ./badelf 2>err
expect_eq "exec failure (bad ELF) exits 127" 127 $?
expect_match "exec failure message" "Exec format error" "$(cat err)"

"$PCOW" trace --store s 2>err
expect_eq "no program: pcow's own error 125" 125 $?

"$PCOW" trace --store s -- true 2>err
expect_match "summary line on stderr" "^pcow: [0-9]+ calls, 1 processes, 1 threads; log s/log.db \(run [0-9]+\)$" "$(cat err)"
"$PCOW" trace -q --store s -- true 2>err
expect_eq "-q: no summary" "" "$(cat err)"

finish
