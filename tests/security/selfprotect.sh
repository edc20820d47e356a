#!/bin/sh
# The traced program cannot take over pcow: pcow makes itself non-dumpable
# once its child is seized, so a process of the same (unprivileged) user —
# the traced program itself or one outside pcow — cannot ptrace it, open
# its memory or read or write it with process_vm_readv/writev.
. "${top_srcdir:-.}/tests/integration/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to run pcow as an unprivileged user"
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
chmod 755 "$T"
mkdir store store2 && chmod 777 store store2
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
as_nobody test -x "$PCOW" -a -x "$PROGS/attack_pcow" ||
	skip "the build directory is not reachable by an unprivileged user"
eperm=1 eacces=13

# From inside: a seize that works would leave pcow and its tracee stopped
# for good, hence the timeout (SIGKILL reaches stopped processes).
out=$(as_nobody timeout -s KILL 20 "$PCOW" trace -q --store "$T/store" -- "$PROGS/attack_pcow")
expect_eq "attack program under pcow exits 0" 0 $?
expect_eq "tracee: ptrace(PTRACE_SEIZE) of pcow is refused" "seize $eperm" "$(echo "$out" | grep '^seize')"
expect_eq "tracee: ptrace(PTRACE_ATTACH) of pcow is refused" "attach $eperm" "$(echo "$out" | grep '^attach')"
expect_eq "tracee: open of /proc/PCOW/mem is refused" "mem $eacces" "$(echo "$out" | grep '^mem')"
expect_eq "tracee: process_vm_readv of pcow is refused" "vm_readv $eperm" "$(echo "$out" | grep '^vm_readv')"
expect_eq "tracee: process_vm_writev into pcow is refused" "vm_writev $eperm" "$(echo "$out" | grep '^vm_writev')"

# From outside: another process of the same user.
as_nobody "$PCOW" trace -q --store "$T/store2" -- sleep 30 &
tracer=$!
i=0
# sleep runs once pcow has let its child exec, after it turned non-dumpable
while [ $i -lt 100 ] && ! pgrep -P "$tracer" -x sleep >/dev/null; do sleep 0.1; i=$((i + 1)); done
pcow=$tracer
out=$(as_nobody "$PROGS/attack_pcow" "$pcow")
kill -INT "$pcow" 2>/dev/null
wait "$tracer"
expect_eq "outsider: ptrace(PTRACE_SEIZE) of pcow is refused" "seize $eperm" "$(echo "$out" | grep '^seize')"
expect_eq "outsider: ptrace(PTRACE_ATTACH) of pcow is refused" "attach $eperm" "$(echo "$out" | grep '^attach')"
expect_eq "outsider: open of /proc/PCOW/mem is refused" "mem $eacces" "$(echo "$out" | grep '^mem')"
expect_eq "outsider: process_vm_readv of pcow is refused" "vm_readv $eperm" "$(echo "$out" | grep '^vm_readv')"
expect_eq "outsider: process_vm_writev into pcow is refused" "vm_writev $eperm" "$(echo "$out" | grep '^vm_writev')"
finish
