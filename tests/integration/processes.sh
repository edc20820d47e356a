#!/bin/sh
# Processes: 200 from a shell loop, vfork+exec (posix_spawn), and exec from a
# non-leader thread — all recorded, all exit as natively.
. "${top_srcdir:-.}/tests/integration/lib.sh"

TRUE=/bin/true; [ -x "$TRUE" ] || TRUE=/usr/bin/true
"$PCOW" trace -q --store s -- sh -c "i=0; while [ \$i -lt 200 ]; do $TRUE; i=\$((i+1)); done"
expect_eq "shell loop exits 0" 0 $?
n=$(sql s/log.db "SELECT count(*) FROM exec WHERE filename = '$TRUE'")
expect_eq "200 execs of true recorded" 200 "$n"
n=$(sql s/log.db "SELECT count(*) FROM syscall WHERE name = 'execve' AND ret = 0")
expect_eq "201 successful execve calls" 201 "$n"
n=$(sql s/log.db "SELECT count(*) FROM syscall WHERE name = 'exit_group'")
expect_eq "201 exit_group calls" 201 "$n"
n=$(sql s/log.db "SELECT count(*) FROM process WHERE pid = tgid")
expect_eq "201 processes" 201 "$n"
n=$(sql s/log.db "SELECT count(*) FROM process WHERE t_end IS NULL OR exit_status IS NULL")
expect_eq "every process has an end" 0 "$n"

"$PCOW" trace -q --store p -- "$PROGS/spawn" 20 "$TRUE" >out
expect_eq "posix_spawn x20 exits 0" 0 $?
expect_eq "posix_spawn output" "spawned 20, failed 0" "$(cat out)"
n=$(sql p/log.db "SELECT count(*) FROM exec WHERE filename = '$TRUE'")
expect_eq "20 vfork+exec recorded" 20 "$n"
n=$(sql p/log.db "SELECT count(*) FROM syscall WHERE pid <> (SELECT min(pid) FROM syscall) AND name = 'exit_group'")
expect_eq "20 children exit_group recorded" 20 "$n"

ECHO=/bin/echo; [ -x "$ECHO" ] || ECHO=/usr/bin/echo
"$PCOW" trace -q --store e -- "$PROGS/execthread" "$ECHO" "from a thread" >out
expect_eq "exec from a non-leader thread exits 0" 0 $?
expect_eq "exec from a thread: output" "from a thread" "$(cat out)"
n=$(sql e/log.db "SELECT count(*) FROM exec WHERE filename = '$ECHO'")
expect_eq "exec from a thread recorded" 1 "$n"
leader=$(sql e/log.db "SELECT min(pid) FROM process")
n=$(sql e/log.db "SELECT count(*) FROM syscall WHERE name = 'execve' AND ret = 0 AND tid = $leader AND args LIKE '\"$ECHO\"%'")
expect_eq "the execve returns in the leader's tid" 1 "$n"
n=$(sql e/log.db "SELECT count(*) FROM syscall WHERE name = 'write' AND tid = $leader")
expect_eq "echo's write recorded under the leader's tid" 1 "$n"
n=$(sql e/log.db "SELECT count(*) FROM process WHERE t_end IS NULL")
expect_eq "the thread that executed has an end" 0 "$n"

finish
