#!/bin/sh
# --log selects what is recorded; the seccomp filter (--seccomp=on) and
# stopping at every call (--seccomp=off) record exactly the same calls.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# Pids, pointers and the store's name (in the paths of rewritten calls) vary.
norm() { sed -E "s/^\[pid +[0-9]+\] //; s/0x[0-9a-f]{6,}/PTR/g; s#\"$T/[a-z]+/upper/#\"STORE/upper/#g"; }

mkdir w
"$PCOW" trace -q --store all -- "$PROGS/demo" "$T/w/d" >out
expect_eq "--log=all run" 0 $?
file_names=$("$PCOW" log all | norm | sed -n 's/^\([a-z0-9_]*\)(.*/\1/p' | sort -u |
	while read -r n; do
		case "$n" in # the file class: calls taking a path (strace %file)
		openat|newfstatat|access|mkdir|rename|unlink|rmdir|execve|statfs|stat|lstat|readlink) echo "$n" ;;
		esac
	done | paste -sd, -)
"$PCOW" log all --syscall "$file_names" | norm >want

for mode in on off; do
	rm -rf s
	"$PCOW" trace -q --store s --log=file --seccomp=$mode -- "$PROGS/demo" "$T/w/d" >out
	expect_eq "[seccomp=$mode] demo exits 0" 0 $?
	expect_match "[seccomp=$mode] demo output" "wrote and read back 12 bytes" "$(cat out)"
	"$PCOW" log s | norm >got
	if diff -u want got >d; then pass "[seccomp=$mode] --log=file records the file calls, and only them"
	else fail "[seccomp=$mode] --log=file differs from the file calls of --log=all:"; cat d; fi
	opts=$(sql s/log.db "SELECT options FROM run")
	expect_eq "[seccomp=$mode] options recorded" "--log=file --seccomp=$mode" "$opts"

	rm -rf t
	"$PCOW" trace -q --store t --log=getppid --seccomp=$mode -- "$PROGS/threads" 8 1000 >/dev/null
	expect_eq "[seccomp=$mode] threads exit 0" 0 $?
	n=$(sql t/log.db "SELECT count(*) FROM syscall WHERE name = 'getppid'")
	expect_eq "[seccomp=$mode] --log=getppid: 8000 getppid" 8000 "$n"
	n=$(sql t/log.db "SELECT count(*) FROM syscall WHERE name <> 'getppid'")
	expect_eq "[seccomp=$mode] --log=getppid: nothing else" 0 "$n"
	n=$(sql t/log.db "SELECT count(*) FROM process WHERE pid <> tgid")
	expect_eq "[seccomp=$mode] the 8 threads are known as threads" 8 "$n"

	rm -rf n
	"$PCOW" trace -q --store n --log=none --seccomp=$mode -- sh -c 'exit 3'
	expect_eq "[seccomp=$mode] --log=none: exit status kept" 3 $?
	n=$(sql n/log.db "SELECT count(*) FROM syscall")
	expect_eq "[seccomp=$mode] --log=none: no calls" 0 "$n"
	n=$(sql n/log.db "SELECT count(*) FROM exec")
	expect_eq "[seccomp=$mode] --log=none: the exec is still recorded" 1 "$n"

	# int 0x80 calls stop under the filter too, and are recorded under i386.
	rm -rf i
	"$PCOW" trace -q --store i --log=write --seccomp=$mode -- "$PROGS/int80" >/dev/null
	rows=$(sql i/log.db "SELECT abi, nr, name FROM syscall WHERE abi = 1")
	expect_eq "[seccomp=$mode] i386 write recorded" "1|4|write" "$rows"
done

"$PCOW" trace -q --store s --log=file,bogus -- true 2>err
expect_eq "unknown --log word: exit 125" 125 $?
expect_match "unknown --log word: message" "'bogus' is neither a class" "$(cat err)"
"$PCOW" trace -q --store s --seccomp=maybe -- true 2>err
expect_eq "bad --seccomp: exit 125" 125 $?
finish
