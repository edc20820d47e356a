#!/bin/sh
# Faults around the traced program (doc/security.md, issue 8): each case of
# tests/progs/faults runs natively and under `pcow trace --cow SCOPE
# --store STORE` (the store outside the scope), each in its own copy of one
# tree, and the two are compared: output, exit status (128+N for signal N),
# the real files of the scope unchanged by the traced run, the overlay
# (read back by a second traced run) equal to what the native run left, and
# `pcow status` and the log (STORE/log.db) agreeing.
#
# What pcow promises when the program is killed (SIGKILL, from outside): the
# tracer is not killed, so every call the program finished is in the overlay
# and in the log, and the call it was killed in either happened or not, as
# natively.  A copy-up pcow makes for the killed call runs to its end in
# pcow (cow/copyup.c: built in work/, renamed into upper/, then indexed), so
# a file is either absent from the index (its real content shows) or has a
# complete copy plus the program's completed writes; nothing stays in work/.
# pcow exits 137 with the program, and the log has the run's end.
. "${top_srcdir:-.}/tests/integration/lib.sh"

F="$PROGS/faults"
[ -x "$F" ] || harness "$F is not built"
command -v timeout >/dev/null || skip "timeout(1) is needed"

# snap DIR: each path with type, mode, size (not for directories) and a
# sha256 of every regular file.  No times, owners or inode numbers.
SNAP='{ find . ! -type d -printf "%p %y %m %s\n"; find . -type d -printf "%p %y %m\n"; } |
	LC_ALL=C sort; find . -type f -exec sha256sum {} + | LC_ALL=C sort'
snap() { (cd "$1" && sh -c "$SNAP"); }

# same WHAT FILE1 FILE2: pass, or fail with the diff (and what the run that
# read FILE2 back printed on stderr, if anything)
same() {
	if cmp -s "$2" "$3"; then pass "$1"; return; fi
	fail "$1"
	diff -u "$2" "$3" | sed -n '3,40s/^/    /p'
	[ -s "$3.err" ] && sed -n '1,10s/^/    stderr: /p' "$3.err"
	return 0
}

# traced STORE SCOPE CMD...: CMD under pcow with copy-on-write limited to SCOPE;
# a hung pcow is killed after 45 s (the log's run then has no end)
traced() {
	st=$1 sc=$2
	shift 2
	timeout -s KILL 45 "$PCOW" trace -q --store "$st" --cow "$sc" -- "$@"
}

# merged STORE SCOPE OUT: the scope as a second traced run sees it
merged() {
	(cd "$2" && traced "$1" "$2" sh -c "$SNAP") >"$3" 2>"$3.err" ||
		fail "reading the overlay back: $(cat "$3.err")"
}

# ended WHAT STORE STATUS: run 1 ended (pcow was not killed) with STATUS
ended() {
	expect_eq "$1: the log has the run's end and status $3" "1|$3" \
		"$(sql "$2/log.db" "SELECT t_end IS NOT NULL, exit_status FROM run WHERE id = 1")"
}

# calls STORE WHERE: how many calls of run 1 match WHERE (on view syscall)
calls() {
	sql "$1/log.db" "SELECT count(*) FROM syscall WHERE run_id = 1 AND ($2)"
}

# wait_for FILE REGEX PID: until a line of FILE matches (PID must live)
wait_for() {
	i=0
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		kill -0 "$3" 2>/dev/null || harness "$3 ended before /$2/ in $1: $(cat "$1")"
		i=$((i + 1))
		[ $i -gt 3000 ] && harness "timed out waiting for /$2/ in $1"
		sleep 0.01
	done
}

# start DIR native|cow ARG...: faults ARG... in DIR, in the background
# ($bg), stdin a FIFO nobody writes to; the traced one with store DIR.store
start() {
	dir=$1 how=$2
	shift 2
	: >"$dir/sync"
	rm -f "$dir/fifo" && mkfifo "$dir/fifo"
	if [ "$how" = native ]; then
		(cd "$dir" && exec "$F" "$@" <>fifo) >"$dir/out" 2>"$dir/err" &
	else
		(cd "$dir" && traced "$dir.store" "$dir/scope" "$F" "$@" <>fifo) >"$dir/out" 2>"$dir/err" &
	fi
	bg=$!
}

# killit DIR: SIGKILL the program (its pid is the first line of DIR/sync),
# then wait for the run; its status in $rc
killit() {
	kill -KILL "$(sed -n '1s/^pid //p' "$1/sync")" || harness "no pid in $1/sync"
	wait "$bg"
	rc=$?
}

# state PID: the state letter of /proc/PID/stat
state() { sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null; }

# ===================================================== killed: long rewrite
# scope/big (128 MiB of 'A') is opened O_RDWR (pcow copies it up) and
# overwritten 1 MiB at a time with 'B'.  Killed while pcow copies it up (a
# temporary in STORE/work; natively: before the open), and blocked in a
# read(2) after 3 and after 40 chunks.
CH=1048576 NCH=128
mkdir -p "$T/tpl/scope"
head -c $((CH * NCH)) /dev/zero | tr '\0' A >"$T/tpl/scope/big"
echo keep >"$T/tpl/scope/other"
snap "$T/tpl/scope" >tpl.snap

# blocked DIR: until the program (pid in DIR/sync) sleeps (in its read)
blocked() {
	pid=$(sed -n '1s/^pid //p' "$1/sync")
	i=0
	until [ "$(state "$pid")" = S ]; do
		i=$((i + 1))
		[ $i -gt 3000 ] && harness "the program never slept: $(state "$pid")"
		sleep 0.01
	done
}

# chunks_ok WHAT OUT: OUT is k chunks of B, maybe one chunk cut short in
# its write (B then A: $part is 1), then A, 128 MiB in all
chunks_ok() {
	k=$(sed -n 's/^B\*\([0-9]*\) .*/\1/p' "$2")
	[ -n "$k" ] || k=0
	expect_match "$1: a prefix of new chunks, the rest old" \
		"^(B\\*[0-9]+ )?(\\?\\*1 )?(A\\*[0-9]+ )?\\($((CH * NCH)) bytes\\)\$" "$(cat "$2")"
	part=$(grep -c '?\*1' "$2")
}

for stop in copyup 2 39; do
	name=rewrite-$stop
	for how in native cow; do
		d="$T/$name-$how"
		cp -a "$T/tpl" "$d"
		if [ $stop != copyup ]; then
			start "$d" $how rewrite sync scope/big $NCH $CH $stop
			wait_for "$d/sync" "^chunk $stop\$" "$bg"
			blocked "$d"
		elif [ $how = native ]; then
			start "$d" $how rewrite sync scope/big $NCH $CH -1
			wait_for "$d/sync" '^opening' "$bg"
			blocked "$d"
		else
			# until a temporary is in work/ (pcow copies the file
			# up), or the program blocks after its first chunk
			start "$d" $how rewrite sync scope/big $NCH $CH 0
			i=0
			while :; do
				set -- "$d.store"/work/tmp.*
				[ -e "$1" ] && break
				grep -q '^chunk' "$d/sync" && break
				kill -0 "$bg" 2>/dev/null || harness "the traced run ended: $(cat "$d/err")"
				i=$((i + 1))
				[ $i -gt 200000 ] && harness "no copy-up seen"
			done
			[ -e "$1" ] && echo "# killed while $1 existed" ||
				{ echo "# the copy-up ended before it was seen"; blocked "$d"; }
		fi
		killit "$d"
		expect_eq "$name $how: status 137" 137 "$rc"
	done
	(cd "$T/$name-native" && "$F" chunks scope/big $CH) >"$name.native"
	chunks_ok "$name native" "$name.native"
	[ $stop = copyup ] && want=0 || want=$((stop + 1))
	expect_eq "$name native: new chunks" "$want+0" "$k+$part"
	d="$T/$name-cow"
	ended "$name" "$d.store" 137
	snap "$d/scope" >"$name.real"
	same "$name: the real files are unchanged" tpl.snap "$name.real"
	left=$(ls -A "$d.store/work" 2>&1)
	expect_eq "$name: nothing left in STORE/work" "" "$left"
	st=$("$PCOW" status "$d.store" 2>&1)
	expect_eq "$name: pcow status works" 0 $?
	case "$st" in
	"" | "M $d/scope/big") pass "$name: pcow status lists at most the file [$st]" ;;
	*) fail "$name: pcow status says [$st]" ;;
	esac
	(cd "$d" && traced "$d.store" "$d/scope" "$F" chunks scope/big $CH) >"$name.cow" 2>&1
	chunks_ok "$name cow" "$name.cow"
	[ $stop = copyup ] || expect_eq "$name cow: new chunks" "$want+0" "$k+$part"
	done_w=$(calls "$d.store" "name = 'pwrite64' AND ret = $CH")
	open_w=$(calls "$d.store" "name = 'pwrite64' AND ret IS NULL")
	if [ "$k" -ge "$done_w" ] && [ $((k + part)) -le $((done_w + open_w)) ]; then
		pass "$name: $k+$part new chunks, $done_w finished pwrite64 and $open_w cut short in the log"
	else
		fail "$name: $k+$part new chunks, but $done_w finished pwrite64 and $open_w cut short in the log"
	fi
	if [ -n "$st" ]; then
		[ -f "$d.store/upper$d/scope/big" ] && pass "$name: indexed and in upper/" ||
			fail "$name: indexed but not in upper/"
	fi
	rm -rf "$T/$name-native" "$T/$name-cow" "$d.store/upper"
done

# ==================================================== killed: pipe read
# The program writes scope/f, then blocks in read(2) of a FIFO.
for how in native cow; do
	d="$T/pipe-$how"
	mkdir -p "$d/scope"
	echo old >"$d/scope/f"
	start "$d" $how piperead sync scope/f
	wait_for "$d/sync" '^reading' "$bg"
	pid=$(sed -n '1s/^pid //p' "$d/sync")
	i=0
	until [ "$(state "$pid")" = S ]; do
		i=$((i + 1))
		[ $i -gt 3000 ] && harness "the program never slept in read: $(state "$pid")"
		sleep 0.01
	done
	killit "$d"
	expect_eq "pipe $how: killed in read(2), status 137" 137 "$rc"
done
d="$T/pipe-cow"
ended pipe "$d.store" 137
expect_eq "pipe: the real file is unchanged" old "$(cat "$d/scope/f")"
expect_eq "pipe: pcow status" "M $d/scope/f" "$("$PCOW" status "$d.store" 2>&1)"
expect_eq "pipe: the overlay has what was written" before "$(cd "$d" && traced "$d.store" "$d/scope" cat scope/f)"
expect_eq "pipe: the log has the read cut short" 1 "$(calls "$d.store" "name = 'read' AND args LIKE '0,%' AND ret IS NULL")"

# ============================================== killed: busy loop of calls
# Each round I appends "I" to scope/log, writes "gen I" to scope/tmp and
# renames it over scope/cur.  Killed after several delays.
# busy_ok WHAT CUR LOG: cur is one whole "gen K" line and the log "start",
# 0..L; K is L or L-1 (sets $kk)
busy_ok() {
	kk=$(sed -n 's/^gen 0*\([0-9][0-9]*\)$/\1/p' "$2")
	ll=$(tail -n 1 "$3")
	n=$(wc -l <"$3")
	if [ -n "$kk" ] && [ "$(wc -l <"$2")" -eq 1 ] && [ "$n" -eq $((ll + 2)) ] &&
		[ "$(sed -n 2p "$3")" = 0 ] && { [ "$kk" = "$ll" ] || [ "$kk" = $((ll - 1)) ]; }; then
		pass "$1: cur is round $kk, the log ends at round $ll"
	else
		fail "$1: cur [$(cat "$2")], log of $n lines ending [$ll]"
	fi
}
for delay in 0 0.02 0.1 0.3; do
	for how in native cow; do
		d="$T/busy-$delay-$how"
		mkdir -p "$d/scope"
		echo "gen 99999999" >"$d/scope/cur"
		echo start >"$d/scope/log"
		start "$d" $how busy sync scope
		wait_for "$d/sync" '^started' "$bg"
		sleep $delay
		killit "$d"
		expect_eq "busy $delay $how: status 137" 137 "$rc"
	done
	d="$T/busy-$delay-native"
	busy_ok "busy $delay native" "$d/scope/cur" "$d/scope/log"
	d="$T/busy-$delay-cow"
	ended "busy $delay" "$d.store" 137
	expect_eq "busy $delay: the real files are unchanged" "gen 99999999 start" \
		"$(cat "$d/scope/cur" "$d/scope/log" | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "busy $delay: real scope has no new file" "cur log" "$(ls "$d/scope" | tr '\n' ' ' | sed 's/ $//')"
	st=$("$PCOW" status "$d.store" 2>&1 | sed "s|$d/scope/||g" | tr '\n' ' ')
	case "$st" in
	"M cur M log " | "M cur M log A tmp ") pass "busy $delay: pcow status [$st]" ;;
	*) fail "busy $delay: pcow status says [$st]" ;;
	esac
	(cd "$d" && traced "$d.store" "$d/scope" cat scope/cur) >"busy.cur" 2>&1
	(cd "$d" && traced "$d.store" "$d/scope" cat scope/log) >"busy.log" 2>&1
	busy_ok "busy $delay cow (a second run reads the overlay)" busy.cur busy.log
	ok=$(calls "$d.store" "name IN ('rename', 'renameat', 'renameat2') AND ret = 0")
	cut=$(calls "$d.store" "name IN ('rename', 'renameat', 'renameat2') AND ret IS NULL")
	if [ $((kk + 1)) -eq "$ok" ] || { [ "$cut" -eq 1 ] && [ $((kk + 1)) -eq $((ok + 1)) ]; }; then
		pass "busy $delay: round $kk in cur, $ok renames done and $cut cut short in the log"
	else
		fail "busy $delay: round $kk in cur, but $ok renames done and $cut cut short in the log"
	fi
	rm -rf "$T/busy-$delay-native" "$d"
done

# ============================================ many threads around an exec
# 50 threads loop on getppid and stat (25 of them exit on their own) while
# one executes the program again, five times; the last prints "done", exit 7.
d="$T/exec"
mkdir -p "$d/scope"
(cd "$d" && "$F" execstorm 5 50) >exec.native 2>&1
nrc=$?
(cd "$d" && traced "$d.store" "$d/scope" "$F" execstorm 5 50) >exec.cow 2>&1
crc=$?
expect_eq "execstorm: native status" 7 $nrc
expect_eq "execstorm: status under pcow" 7 $crc
same "execstorm: output" exec.native exec.cow
ended execstorm "$d.store" 7
expect_eq "execstorm: the log has the first exec and the five by threads" 6 \
	"$(sql "$d.store/log.db" "SELECT count(*) FROM exec WHERE run_id = 1")"
expect_eq "execstorm: six execve calls return 0 (pcow's and the threads')" 6 \
	"$(calls "$d.store" "name = 'execve' AND ret = 0 AND args LIKE '%execstorm%'")"
expect_eq "execstorm: every task has ended" 0 \
	"$(sql "$d.store/log.db" "SELECT count(*) FROM process WHERE run_id = 1 AND t_end IS NULL")"
n=$(sql "$d.store/log.db" "SELECT count(*) FROM process WHERE run_id = 1")
[ "$n" -ge 251 ] && pass "execstorm: $n tasks in the log" || fail "execstorm: only $n tasks in the log"

# ==================================================== double fork, zombie
# The parent sees its child a zombie and exits 3 without waiting; the
# grandchild, reparented, writes scope/gc after the parent is gone.  The
# pipe to cat ends when the grandchild does.
for how in native cow; do
	d="$T/df-$how"
	mkdir -p "$d/scope"
	if [ $how = native ]; then
		{ (cd "$d" && "$F" doublefork scope/gc); echo $? >"$d/rc"; } | cat >"df.$how"
	else
		{ (cd "$d" && traced "$d.store" "$d/scope" "$F" doublefork scope/gc); echo $? >"$d/rc"; } |
			cat >"df.$how"
	fi
done
expect_eq "doublefork: native status" 3 "$(cat "$T/df-native/rc")"
expect_eq "doublefork: status under pcow" 3 "$(cat "$T/df-cow/rc")"
same "doublefork: output" df.native df.cow
d="$T/df-cow"
expect_eq "doublefork: no real file" "" "$(ls -A "$d/scope")"
merged "$d.store" "$d/scope" df.merged
snap "$T/df-native/scope" >df.snap
same "doublefork: the overlay equals the native tree" df.snap df.merged
ended doublefork "$d.store" 3
expect_eq "doublefork: parent, child, grandchild and their statuses" "3 0 5" \
	"$(sql "$d.store/log.db" "SELECT exit_status FROM process WHERE run_id = 1 AND pid = tgid ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"

# ================================================= closing every descriptor
for how in native cow; do
	d="$T/close-$how"
	mkdir -p "$d/scope"
	echo old >"$d/scope/old"
	if [ $how = native ]; then
		(cd "$d" && "$F" closeall scope res)
	else
		(cd "$d" && traced "$d.store" "$d/scope" "$F" closeall scope res)
	fi
	echo $? >"$d/rc"
done
expect_eq "closeall: native status" 0 "$(cat "$T/close-native/rc")"
expect_eq "closeall: status under pcow" 0 "$(cat "$T/close-cow/rc")"
same "closeall: results" "$T/close-native/res" "$T/close-cow/res"
d="$T/close-cow"
expect_eq "closeall: the real scope is unchanged" "old old" "$(ls "$d/scope") $(cat "$d/scope/old")"
merged "$d.store" "$d/scope" close.merged
snap "$T/close-native/scope" >close.snap
same "closeall: the overlay equals the native tree" close.snap close.merged

# ================================================== a cwd that was removed
# other: the cwd (outside the scope) is removed by the test while the
# program sits in it; recreated: and made again, with an x in it; self,
# self2: the program removes its cwd in the scope (a real directory, then
# one only the overlay has).  Each then tries relative names and "..".
# deadcwd ROOT VARIANT native|cow
deadcwd() {
	r=$1
	rm -rf "$r" "$r.store"
	mkdir -p "$r/w/scope/sub" "$r/w/d"
	echo top >"$r/w/mark"
	echo top >"$r/w/scope/mark"
	mkdir "$r/w/scope/scope"
	: >"$r/sync"
	mkfifo "$r/go"
	case $2 in
	other | recreated) dir=w/d sc=w/scope x= ;;
	self) dir=w/scope/sub sc=w/scope x=../sub ;;
	self2) dir=w/scope/sub2 sc=w/scope x=../sub2 ;;
	esac
	if [ "$3" = native ]; then
		(cd "$r" && exec "$F" deadcwd "$dir" "$r/sync" "$r/go" $x) >"$r/out" 2>&1 &
	else
		(cd "$r" && exec timeout -s KILL 45 "$PCOW" trace -q --store "$r.store" \
			--cow "$r/$sc" -- "$F" deadcwd "$dir" "$r/sync" "$r/go" $x) >"$r/out" 2>&1 &
	fi
	bg=$!
	wait_for "$r/sync" '^in' "$bg"
	case $2 in
	other) rmdir "$r/w/d" ;;
	recreated) rmdir "$r/w/d" && mkdir "$r/w/d" && echo new >"$r/w/d/x" ;;
	esac
	echo go >"$r/go"
	wait "$bg"
	echo "status $?" >>"$r/out"
}
for v in other recreated self self2; do
	deadcwd "$T/cwd-native" $v native
	deadcwd "$T/cwd-cow" $v cow
	n="$T/cwd-native" c="$T/cwd-cow"
	# self: stat(".") and open(".") of a real cwd removed in the overlay
	# failed with ENOENT under pcow, where the kernel gives the removed
	# directory (nlink 0; getdents64 ENOENT).
	cp "$n/out" cwd.native && cp "$c/out" cwd.cow
	same "deadcwd $v: results and status" cwd.native cwd.cow
	snap "$n/w/scope" >cwd.snap
	merged "$c.store" "$c/w/scope" cwd.merged
	same "deadcwd $v: the overlay equals the native tree" cwd.snap cwd.merged
	expect_eq "deadcwd $v: the real scope is unchanged" "mark scope sub" \
		"$(ls "$c/w/scope" | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "deadcwd $v: the real scope/scope is empty" "" "$(ls -A "$c/w/scope/scope")"
done

# forkrun MODE KNOB: faults MODE natively in $T/fr-native/d and under pcow
# with PCOW_TEST_CHILD_FIRST=KNOB in $T/fr-cow/d (each holding "old");
# their outputs in fr.native and fr.cow, pcow's status in $st
forkrun() {
	n="$T/fr-native" c="$T/fr-cow"
	rm -rf "$n" "$c" "$c.store"
	mkdir -p "$n/d" "$c/d" && echo real >"$n/d/old" && echo real >"$c/d/old" ||
		harness "$1 trees"
	(cd "$n/d" && "$F" "$1" .) >fr.native 2>&1
	(cd "$c/d" && PCOW_TEST_CHILD_FIRST=$2 traced "$c.store" "$c" "$F" "$1" .) >fr.cow 2>&1
	st=$?
}
# forkrun_trees WHAT: the overlay equals the native tree, the real one is as it was
forkrun_trees() {
	snap "$n" >fr.snap
	merged "$c.store" "$c" fr.merged
	same "$1: the overlay equals the native tree" fr.snap fr.merged
	expect_eq "$1: the real tree is unchanged" "old" "$(ls "$c/d")"
}

# A new task whose first stop reaches pcow before its parent's fork event
# (the parent preempted in between; PCOW_TEST_CHILD_FIRST gives that order
# every time) waits for the event.  Let run, it had no cwd and no
# descriptor table: a relative name missed the overlay (ENOENT), a
# directory it opened was listed without the overlay's file, and its
# mkdir went into the cwd of no one.  Each way is checked both orders.
for order in usual child-first; do
	knob=
	[ $order = child-first ] && knob=1
	forkrun forkfirst "$knob"
	same "forkfirst ($order): what the thread, the child and the parent saw" fr.native fr.cow
	forkrun_trees "forkfirst ($order)"
done

# The parent killed between its fork and its event (PCOW_TEST_CHILD_FIRST=
# orphan): no event will come, and the held child goes on with the cwd and
# descriptors /proc shows.  Let go with none, it missed the overlay's
# "new" by relative name and in its listing, and its relative open of
# "fromchild" went to the kernel, in the real directory.
forkrun orphan orphan
expect_eq "orphan: pcow exits with the killed parent's status" 137 "$st"
grep -v '^parent: not killed$' fr.native >fr.expected
same "orphan: the child saw what it sees natively" fr.expected fr.cow
forkrun_trees orphan

finish
