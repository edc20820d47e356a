#!/bin/sh
# Many descriptors and many threads (doc/security.md, issue 8), natively and
# under `pcow trace --cow SCOPE` (tests/progs/many):
#   fds:     10,000 files of the scope open at once (RLIMIT_NOFILE raised to
#            its hard limit; skipped when that is lower), 1,000 of them
#            rewritten (copy-ups), 1,000 new, 8,000 read; then all closed;
#   threads: 1,000 threads, each writes a file of its own (open, write,
#            close), all joined.
# Output and status as natively, the real tree unchanged, every file of the
# overlay as the native run left it, `pcow status` and the number of calls
# of each kind in the log as expected.  pcow's peak resident memory (VmHWM,
# read while the program waits at its end) is printed and must stay under
# 256 MiB.
. "${top_srcdir:-.}/tests/integration/lib.sh"

M="$PROGS/many"
[ -x "$M" ] || harness "$M is not built"
N=10000 NT=1000 LIMIT_KIB=262144

same() {
	if cmp -s "$2" "$3"; then pass "$1"; return; fi
	fail "$1"
	diff -u "$2" "$3" | sed -n '3,30s/^/    /p'
}

snap() { (cd "$1" && find . -printf '%p %y %m %s\n' | LC_ALL=C sort && cat ./* | cksum); }

# calls STORE WHERE: the number of run 1's calls (view syscall) matching WHERE
calls() { sql "$1/log.db" "SELECT count(*) FROM syscall WHERE run_id = 1 AND ($2)"; }

# traced NAME STORE SCOPE ARG...: many ARG... under pcow in the background,
# its stdin a FIFO held open until "done" is on its stdout; then pcow's
# VmHWM (KiB) goes to $hwm, the FIFO is closed and $rc is pcow's status
traced() {
	name=$1 st=$2 sc=$3
	shift 3
	rm -f "$T/hold" && mkfifo "$T/hold"
	t0=$(date +%s.%N)
	"$PCOW" trace -q --store "$st" --cow "$sc" -- "$M" "$@" <"$T/hold" >"$T/$name.cow" 2>"$T/$name.err" &
	pid=$!
	exec 3>"$T/hold"
	i=0
	until grep -q "^done" "$T/$name.cow"; do
		kill -0 $pid 2>/dev/null || break
		i=$((i + 1))
		[ $i -gt 6000 ] && { kill -KILL $pid; harness "$name: no end after 60 s"; }
		sleep 0.01
	done
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$pid/status 2>/dev/null)
	exec 3>&-
	wait $pid
	rc=$?
	t1=$(date +%s.%N)
	echo "# $name: pcow ran $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s, peak RSS ${hwm:-?} KiB"
}

# rss_ok NAME: pcow's peak resident memory is under the limit (not under
# AddressSanitizer, whose shadow memory and quarantine triple it: 297 MiB seen)
sanitized=no
ldd "$PCOW" 2>/dev/null | grep -q 'libasan' && sanitized=yes
rss_ok() {
	if [ $sanitized = yes ]; then
		echo "# $1: pcow is built with AddressSanitizer: its RSS is not pcow's own"
	elif [ -n "$hwm" ] && [ "$hwm" -lt $LIMIT_KIB ]; then
		pass "$1: pcow's peak RSS $hwm KiB < $LIMIT_KIB KiB"
	else
		fail "$1: pcow's peak RSS [${hwm:-not read}] KiB"
	fi
}

# ====================================================== 10,000 descriptors
mkdir -p "$T/n/s" "$T/c/s"
"$M" setup "$T/n/s" $N || harness "setup"
"$M" setup "$T/c/s" $N || harness "setup"
snap "$T/c/s" >fds.before
(cd "$T/n" && "$M" fds s $N) </dev/null >fds.native 2>&1
nrc=$?
[ $nrc -eq 77 ] && skip "$(cat fds.native)"
expect_eq "fds: native status" 0 $nrc
cd "$T/c" || harness "cd"
traced fds "$T/c.store" "$T/c/s" fds s $N
cd "$T" || harness "cd"
expect_eq "fds: status under pcow" 0 $rc
same "fds: output" fds.native fds.cow
rss_ok fds
snap "$T/c/s" >fds.after
same "fds: the real files are unchanged" fds.before fds.after
(cd "$T/n" && "$M" sum s) >fds.sum.native
(cd "$T/c" && "$PCOW" trace -q --store "$T/c.store" --cow "$T/c/s" -- "$M" sum s) >fds.sum.cow
same "fds: every file of the overlay as natively" fds.sum.native fds.sum.cow
"$PCOW" status "$T/c.store" >fds.status
expect_eq "fds: pcow status: 1,000 M and 1,000 A" "1000 1000 2000" \
	"$(grep -c "^M $T/c/s/f[0-9]*0\$" fds.status) $(grep -c "^A $T/c/s/g[0-9]*1\$" fds.status) $(wc -l <fds.status)"
scope="p.path GLOB '$T/c/s/*'"
expect_eq "fds: the log has 10,000 successful openat in the scope" $N \
	"$(sql "$T/c.store/log.db" "SELECT count(*) FROM syscall s JOIN path p ON p.seq = s.seq
		WHERE s.run_id = 1 AND s.name = 'openat' AND s.ret >= 0 AND $scope")"
first=$(sql "$T/c.store/log.db" "SELECT min(s.seq) FROM syscall s JOIN path p ON p.seq = s.seq
	WHERE s.run_id = 1 AND $scope")
expect_eq "fds: 2,000 writes, 8,000 reads and 10,000 closes after it" "2000 8000 $N" \
	"$(calls "$T/c.store" "seq > $first AND name = 'write' AND arg0 > 2 AND ret > 0") $(calls "$T/c.store" "seq > $first AND name = 'read' AND arg0 > 2 AND ret > 0") $(calls "$T/c.store" "seq > $first AND name = 'close' AND ret = 0")"
rm -rf "$T/n" "$T/c" "$T/c.store"

# ========================================================= 1,000 threads
mkdir -p "$T/n/s" "$T/c/s"
echo keep >"$T/n/s/keep"
echo keep >"$T/c/s/keep"
(cd "$T/n" && "$M" threads s $NT) </dev/null >threads.native 2>&1
expect_eq "threads: native status" 0 $?
cd "$T/c" || harness "cd"
traced threads "$T/c.store" "$T/c/s" threads s $NT
cd "$T" || harness "cd"
expect_eq "threads: status under pcow" 0 $rc
same "threads: output" threads.native threads.cow
rss_ok threads
expect_eq "threads: the real scope is unchanged" "keep keep" "$(ls "$T/c/s") $(cat "$T/c/s/keep")"
(cd "$T/n" && "$M" sum s) >threads.sum.native
(cd "$T/c" && "$PCOW" trace -q --store "$T/c.store" --cow "$T/c/s" -- "$M" sum s) >threads.sum.cow
same "threads: every file of the overlay as natively" threads.sum.native threads.sum.cow
expect_eq "threads: pcow status: 1,000 A" "1000 1000" \
	"$("$PCOW" status "$T/c.store" | grep -c "^A $T/c/s/t[0-9]*\$") $("$PCOW" status "$T/c.store" | wc -l)"
scope="seq IN (SELECT seq FROM path WHERE path GLOB '$T/c/s/t*')"
expect_eq "threads: 1,000 openat in the scope, by 1,000 threads" "1000 1000" \
	"$(sql "$T/c.store/log.db" "SELECT count(*), count(DISTINCT tid) FROM syscall
		WHERE run_id = 1 AND name = 'openat' AND ret >= 0 AND tid != pid AND $scope" | tr '|' ' ')"
expect_eq "threads: 1,000 writes and 1,000 closes by threads" "1000 1000" \
	"$(calls "$T/c.store" "name = 'write' AND tid != pid AND ret = arg2") $(calls "$T/c.store" "name = 'close' AND tid != pid AND ret = 0")"
expect_eq "threads: 1,001 tasks, all ended" "1001 0" \
	"$(sql "$T/c.store/log.db" "SELECT count(*), sum(t_end IS NULL) FROM process WHERE run_id = 1" | tr '|' ' ')"
finish
