#!/bin/sh
# pcow killed with SIGKILL at every step of (a) a copy-up, (b) a commit,
# (c) a log flush and (d) renames and deletions in the overlay loses nothing,
# and (e) the index journal brings back what the log writer never committed (doc/security.md, "A failed or killed
# copy-up or commit loses nothing", "The log survives a killed pcow").
#
# tests/faults/libkillat.so is preloaded into pcow and raises SIGKILL just
# before the Nth call of the libc functions through which cow/ and SQLite
# change files (tests/faults/killat.c); N runs over every point of the
# operation, until the operation completes without reaching N.  After each
# kill:
#   - the store opens (pcow status exits 0) and its work/ is empty after;
#   - the index (table overlay) names exactly the objects in STORE/upper;
#   - the real files are untouched by a killed copy-up or run, and after a
#     killed commit every file is either as before or as committed;
#   - what the program sees through the overlay is one whole state, never
#     a partial copy; a later run on the same paths works on top of it;
#   - pcow commit, run again, exits 0 and leaves the real tree equal to the
#     merged view from before the kill.
. "${top_srcdir:-.}/tests/integration/lib.sh"

KILLAT="$top_builddir/tests/faults/libkillat.so"
DRIVE="$top_builddir/tests/progs/cowdrive"
[ -f "$KILLAT" ] || harness "$KILLAT is not built"
command -v sqlite3 >/dev/null || skip "sqlite3 (the command-line shell) is needed"
# A pcow built with ASan wants its runtime first in the library list.
export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"

# killat N FUNCS THREAD CMD...: run CMD with pcow killed before the Nth call.
killat() {
	n=$1 funcs=$2 thread=$3
	shift 3
	rm -f "$T/count"
	LD_PRELOAD="$KILLAT" PCOW_KILLAT=$n PCOW_KILLAT_FUNCS=$funcs \
		PCOW_KILLAT_THREAD=$thread PCOW_KILLAT_COUNT="$T/count" "$@"
}

# consistent WHAT STORE: the index names exactly what is in upper/ (every
# entry but a whiteout has an object, every object has an entry), the store
# opens, and work/ is empty once it was opened.
consistent() {
	what=$1 st=$2
	"$PCOW" status "$st" >"$T/status.out" 2>"$T/status.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$what: pcow status exits $rc: $(cat "$T/status.err")"
		return 1
	fi
	idx=$(sql "$st/log.db" "SELECT virt_path FROM overlay WHERE kind <> 5" | LC_ALL=C sort)
	up=$(cd "$st/upper" && find . -mindepth 1 | sed 's|^\.||' | LC_ALL=C sort)
	if [ "$idx" != "$up" ]; then
		fail "$what: the index and upper/ disagree"
		printf '%s\n' "$idx" >"$T/idx"; printf '%s\n' "$up" >"$T/up"
		diff "$T/idx" "$T/up" | sed 's/^/    /' | head -10
		return 1
	fi
	# Every line status prints names an index entry (or a real path
	# below a deleted, replaced or renamed directory).
	lines=$(sed 's/^. //; s/.* -> //' "$T/status.out")
	for p in $lines; do
		sql "$st/log.db" "SELECT 1 FROM overlay WHERE '$p' = virt_path OR
			'$p' LIKE virt_path || '/%'" | grep -q 1 ||
			{ fail "$what: status lists $p, which the index does not hold"; return 1; }
	done
	w=$(ls -A "$st/work")
	if [ -n "$w" ]; then
		fail "$what: work/ keeps $(echo $w) after the store was opened"
		return 1
	fi
	return 0
}

# ---------------------------------------------------------------- (a)
# Copy-up of a 3 MB file (three copy_file_range calls on ext4, more writes
# elsewhere) and of its parent directories, killed at each call of pcow's
# main thread (the tracer and cow/; the log writer's thread is (c)).
D="$T/d"
mkdir -p "$D"
head -c 3000000 /dev/urandom >"$T/big.orig" || harness "no random data"
printf 'more\n' >"$T/more"
cat "$T/big.orig" "$T/more" >"$T/big.more"
printf 'again\n' >"$T/again"
"$PCOW" trace -q --cow "$D" --store "$T/s.tmpl" -- true || harness "cannot make a store"

# points FROM_RE TO_RE STRIDE < TRACE: every call from the first matching
# FROM_RE to 6 past the last matching TO_RE, every STRIDE-th elsewhere
# (SQLite's opening and closing), then the first past the end.
points() {
	awk -v from="$1" -v to="$2" -v stride="$3" '
		{ name[$1] = $2; n = $1 }
		first == "" && $2 ~ from { first = $1 }
		$2 ~ to { last = $1 }
		END {
			for (i = 1; i <= n + 1; i++)
				if ((i >= first && i <= last + 6) || i % stride == 1 || i > n)
					print i
		}'
}

# around RE STRIDE < TRACE: every call whose function matches RE and the
# call after it, every STRIDE-th other call, then the first past the end.
around() {
	awk -v re="$1" -v stride="$2" '
		{ name[$1] = $2; n = $1 }
		END {
			for (i = 1; i <= n + 1; i++)
				if (name[i] ~ re || (i > 1 && name[i - 1] ~ re) ||
				    i % stride == 1 || i > n)
					print i
		}'
}

# run_a N: the copy-up run with pcow killed before call N (0: never).
run_a() {
	rm -rf "$T/s" "$D"
	mkdir -p "$D" && cp -a "$T/big.orig" "$D/big" && cp -a "$T/s.tmpl" "$T/s" ||
		harness "cannot reset (a)"
	rm -f "$T/trace"
	PCOW_KILLAT_TRACE=$2 killat $1 all main "$PCOW" trace -q --cow "$D" --store "$T/s" -- \
		sh -c "echo more >>'$D/big'" 2>"$T/err"
}

run_a 0 "$T/trace.a" || harness "the copy-up run fails: $(cat "$T/err")"
a_points=0 a_bad=0
for n in $(points 'mkdirat|openat|copy_file_range' 'renameat' 4 <"$T/trace.a"); do
	run_a $n ""
	rc=$?
	[ $rc -eq 0 ] && break
	a_points=$((a_points + 1))
	what="copy-up killed at call $n ($(sed -n "${n}s/^[0-9]* //p" "$T/trace.a"))"
	[ $rc -eq 137 ] || { fail "$what: pcow exits $rc, not 137: $(head -3 "$T/err")"; break; }
	f0=$failures
	cmp -s "$D/big" "$T/big.orig" || fail "$what: the real file changed"
	consistent "$what" "$T/s"
	"$PCOW" trace -q --cow "$D" --store "$T/s" -- cat "$D/big" >"$T/seen" 2>"$T/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$what: cat under pcow exits $rc: $(head -3 "$T/err")"
	elif cmp -s "$T/seen" "$T/big.orig"; then
		cp "$T/big.orig" "$T/want"
	elif cmp -s "$T/seen" "$T/big.more"; then
		cp "$T/big.more" "$T/want"
	else
		fail "$what: the program sees $(wc -c <"$T/seen") bytes, neither before nor after"
		cp "$T/big.orig" "$T/want"
	fi
	"$PCOW" trace -q --cow "$D" --store "$T/s" -- sh -c "echo again >>'$D/big'" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] || fail "$what: a later run exits $rc: $(head -3 "$T/err")"
	cat "$T/again" >>"$T/want"
	"$PCOW" commit "$T/s" >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] || fail "$what: pcow commit exits $rc: $(head -3 "$T/err")"
	cmp -s "$D/big" "$T/want" || fail "$what: after commit the real file is not the merged view"
	left=$(ls -A "$T/s/upper" "$T/s/work" | grep -v -e '^$' -e ':$'; ls "$T/s" | grep '^live\.')
	[ -z "$left" ] || fail "$what: left in the store after commit: $(echo $left)"
	[ $failures -gt $f0 ] && a_bad=$((a_bad + 1))
	[ $a_bad -ge 3 ] && { fail "(a): more failures not shown"; break; }
done
expect_eq "(a) the run completes once past the last point" 0 "$rc"
[ "$a_points" -ge 40 ] && pass "(a) copy-up: killed at $a_points points" ||
	fail "(a) copy-up: only $a_points kill points"

# ---------------------------------------------------------------- (b)
# pcow commit of changed, created, deleted and renamed files and
# directories (the overlay built by tests/progs/cowdrive, no tracee),
# killed at every call.  After the kill each real object is as before or
# as committed (the names commit leaves beside, .pcow-*, apart), and a
# second commit finishes the job.
R="$T/r"
head -c 2000000 /dev/urandom >"$T/big2" || harness "no random data"

mkreal() {
	rm -rf "$R" && mkdir -p "$R/dir/sub" "$R/gone" && cp "$T/big2" "$R/big" &&
		printf 'one\n' >"$R/text" && printf 'bye\n' >"$R/del" &&
		printf 'r\n' >"$R/ren" && printf 'k\n' >"$R/keep" &&
		printf 'x\n' >"$R/dir/x" && printf 'deep\n' >"$R/dir/sub/deep" &&
		printf 'g\n' >"$R/gone/g" || harness "cannot make the real tree"
}

mkoverlay() {
	rm -rf "$T/s"
	"$DRIVE" "$T/s" append "$R/big" 'tail\n' write "$R/text" 'new\n' rm "$R/del" \
		mv "$R/ren" "$R/ren2" mv "$R/dir" "$R/moved" \
		write "$R/moved/sub/deep" 'deeper\n' mkdir "$R/new" \
		write "$R/new/file" 'hello\n' symlink keep "$R/link" chmod "$R/keep" 600 \
		rm "$R/gone/g" rmdir "$R/gone" fifo "$R/fifo" mkdir "$R/moved/sub/nd" \
		write "$R/moved/sub/nd/f" 'f\n' >"$T/err" 2>&1 ||
		harness "cowdrive: $(cat "$T/err")"
}

# manifest DIR: one line per object (path, type, mode, size, target, md5),
# the names commit leaves beside (.pcow-*) and what is below them apart.
manifest() {
	(cd "$1" && find . -name '.pcow-*' -prune -o -printf '%p %y %m %s %l\n' |
		LC_ALL=C sort | while read -r p y m sz l; do
			case $y in
			f) echo "$p f $m $sz $(md5sum <"$p" | cut -c1-32)" ;;
			d) echo "$p d" ;; # modes of directories are set last
			*) echo "$p $y $m${l:+ -> $l}" ;;
			esac
		done)
}

mkreal
# A file below a renamed directory may be at its new name with its old
# content: the directory is placed before the files are written.
before=$(manifest "$R" | sed 'p; s|^\./dir/|./moved/|; s|^\./ren |./ren2 |' | LC_ALL=C sort -u)
mkoverlay
rm -f "$T/trace.b"
PCOW_KILLAT_TRACE="$T/trace.b" killat 0 all any "$PCOW" commit "$T/s" >/dev/null 2>"$T/err" ||
	harness "commit: $(cat "$T/err")"
after=$(manifest "$R")
after_modes=$(cd "$R" && find . -type d -printf '%p %m\n' | LC_ALL=C sort)
[ "$before" != "$after" ] || harness "the commit changed nothing"

# Every rename, sync, removal and creation, the index write after each,
# every 4th other call (the copies' data, SQLite's own bookkeeping).
b_points=0 b_bad=0
for n in $(around '^(rename|fsync|fdatasync|unlink|rmdir|remove|mkdir|symlink|mknod|link)' 4 \
	<"$T/trace.b"); do
	mkreal
	mkoverlay
	killat $n all any "$PCOW" commit "$T/s" >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && break
	b_points=$((b_points + 1))
	what="commit killed at call $n ($(sed -n "${n}s/^[0-9]* //p" "$T/trace.b"))"
	[ $rc -eq 137 ] || { fail "$what: pcow commit exits $rc, not 137: $(head -3 "$T/err")"; break; }
	f0=$failures
	consistent "$what" "$T/s"
	now=$(manifest "$R")
	printf '%s\n' "$now" | while read -r line; do
		p=${line%% *}
		printf '%s\n' "$before" "$after" | grep -qxF -- "$line" ||
			echo "$p: [$line] is neither as before nor as committed"
	done >"$T/partial"
	[ -s "$T/partial" ] && fail "$what: $(head -3 "$T/partial")"
	"$PCOW" commit "$T/s" >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] || fail "$what: the second commit exits $rc: $(head -3 "$T/err")"
	expect_eq_q() { [ "$2" = "$3" ] || fail "$what: $1"; }
	expect_eq_q "after the second commit the real tree is not the merged view" "$after" \
		"$(manifest "$R")"
	expect_eq_q "directory modes after the second commit" "$after_modes" \
		"$(cd "$R" && find . -type d -printf '%p %m\n' | LC_ALL=C sort)"
	[ -z "$(find "$R" -name '.pcow-*')" ] ||
		fail "$what: left beside: $(find "$R" -name '.pcow-*' | head -3)"
	left=$(ls -A "$T/s/upper" "$T/s/work" | grep -v -e '^$' -e ':$'; ls "$T/s" | grep '^live\.')
	[ -z "$left" ] || fail "$what: left in the store after commit: $(echo $left)"
	[ $failures -gt $f0 ] && b_bad=$((b_bad + 1))
	[ $b_bad -ge 3 ] && { fail "(b): more failures not shown"; break; }
done
expect_eq "(b) the commit completes once past the last point" 0 "$rc"
[ "$b_points" -ge 40 ] && pass "(b) commit: killed at $b_points points" ||
	fail "(b) commit: only $b_points kill points"

# ---------------------------------------------------------------- (c)
# The log writer's thread killed at its writes and syncs while a program
# creates files between bursts of calls: the log opens and is intact, the
# overlay holds each file whole or not at all, and commits.
C="$T/c"
prog="i=1; while [ \$i -le 8 ]; do echo \$i >'$C'/f\$i; '$PROGS/getppid_loop' 3000; i=\$((i + 1)); done"
run_c() {
	rm -rf "$T/s" "$C" && mkdir -p "$C" && cp -a "$T/s.tmpl" "$T/s" || harness "reset (c)"
	rm -f "$T/trace.c"
	PCOW_KILLAT_TRACE=$2 killat $1 pwrite64,pwrite,write,fdatasync,fsync other \
		"$PCOW" trace -q --cow "$C" --store "$T/s" -- sh -c "$prog" 2>"$T/err"
}
run_c 0 "$T/trace.c" || harness "the (c) run fails: $(cat "$T/err")"
total=$(wc -l <"$T/trace.c")
[ "$total" -ge 10 ] || harness "the log writer made only $total writes"
stride=$((total / 12 + 1))
# The first five writes one by one, then every stride-th: on a loaded
# machine the writer batches more and makes fewer writes than the first
# run did, and the strided points alone could all fall past the end.
c_points=0 c_bad=0 n=1
while [ $n -le "$total" ]; do
	run_c $n ""
	rc=$?
	what="log writer killed at its write $n of about $total"
	if [ $n -lt 5 ]; then n=$((n + 1)); else n=$((n + stride)); fi
	[ $rc -eq 0 ] && continue # the timing of batches varies: fewer writes
	c_points=$((c_points + 1))
	[ $rc -eq 137 ] || { fail "$what: pcow exits $rc, not 137: $(head -3 "$T/err")"; continue; }
	f0=$failures
	"$PCOW" log "$T/s" >/dev/null 2>"$T/err" || fail "$what: the log does not open: $(cat "$T/err")"
	expect_eq_q() { [ "$2" = "$3" ] || fail "$what: $1: [$3]"; }
	expect_eq_q "integrity_check" ok "$(sql "$T/s/log.db" 'PRAGMA integrity_check')"
	consistent "$what" "$T/s"
	: >"$T/want"
	for i in 1 2 3 4 5 6 7 8; do
		seen=$("$PCOW" trace -q --cow "$C" --store "$T/s" -- cat "$C/f$i" 2>/dev/null)
		case $seen in
		"$i") echo "$i" >>"$T/want" ;;
		"") ;;
		*) fail "$what: f$i reads [$seen]" ;;
		esac
	done
	"$PCOW" commit "$T/s" >/dev/null 2>"$T/err" ||
		fail "$what: commit exits $?: $(head -3 "$T/err")"
	expect_eq_q "committed files" "$(cat "$T/want")" "$(cat "$C"/f* 2>/dev/null)"
	[ $failures -gt $f0 ] && c_bad=$((c_bad + 1))
	[ $c_bad -ge 3 ] && { fail "(c): more failures not shown"; break; }
done
[ "$c_points" -ge 5 ] && pass "(c) log flush: killed at $c_points points" ||
	fail "(c) log flush: only $c_points kill points"

# ---------------------------------------------------------------- (d)
# Renames and deletions in the overlay, of upper and real files and
# directories, killed at each of their steps (pcow's main thread).  After
# the kill the store is consistent, the program sees the tree as it was
# after some number of the operations (each one whole or not at all), and
# a commit makes the real tree that.  Before the intent journal
# (cow/recover.c), a kill between the move in upper/ and the index write
# left an index entry with no object and an object with none.
E="$T/e"
mke() {
	rm -rf "$E" && mkdir -p "$E/rd" "$E/rr" && for f in a b c d; do echo "$f" >"$E/$f"; done &&
		echo x >"$E/rd/x" && echo z >"$E/rr/z" || harness "cannot make (d)'s tree"
}
prep_d="echo u1 >'$E/u1' && echo more >>'$E/b' && mkdir '$E/ud' && echo f >'$E/ud/f' &&
	mv '$E/rd' '$E/rd1'"
set -- "mv '$E/u1' '$E/b'" "mv '$E/c' '$E/u1'" "rm '$E/d'" "rm '$E/b'" "mv '$E/rd1' '$E/rd2'" \
	"mv '$E/a' '$E/rd2/a'" "rm '$E/ud/f'" "rmdir '$E/ud'" "mv '$E/rr' '$E/rr2'"
ops_d=$(printf '%s && ' "$@")true
# view: the tree as a program sees it, with $E as cwd
view='find . | LC_ALL=C sort; find . -type f | LC_ALL=C sort | while read -r f; do echo "$f: $(cat "$f")"; done'
# The states after 0..9 operations, natively.
k=0 states=
while [ $k -le $# ]; do
	mke
	(cd "$E" && sh -c "$prep_d") || harness "(d) prep"
	i=0
	for op in "$@"; do
		[ $i -lt $k ] && { sh -c "$op" || harness "(d): $op"; }
		i=$((i + 1))
	done
	(cd "$E" && sh -c "$view") >"$T/state.$k"
	states="$states $k"
	k=$((k + 1))
done
run_d() {
	mke
	rm -rf "$T/s" && cp -a "$T/s.tmpl" "$T/s" || harness "reset (d)"
	"$PCOW" trace -q --cow "$E" --store "$T/s" -- sh -c "$prep_d" || harness "(d) prep under pcow"
	PCOW_KILLAT_TRACE=$2 killat $1 all main "$PCOW" trace -q --cow "$E" --store "$T/s" -- \
		sh -c "$ops_d" 2>"$T/err"
}
rm -f "$T/trace.d"
run_d 0 "$T/trace.d" || harness "the (d) run fails: $(cat "$T/err")"
d_points=0 d_bad=0
for n in $(around '^(rename|unlink|rmdir|mkdir|open|write)' 3 <"$T/trace.d"); do
	run_d $n ""
	rc=$?
	[ $rc -eq 0 ] && break
	d_points=$((d_points + 1))
	what="renames and deletions killed at call $n ($(sed -n "${n}s/^[0-9]* //p" "$T/trace.d"))"
	[ $rc -eq 137 ] || { fail "$what: pcow exits $rc, not 137: $(head -3 "$T/err")"; break; }
	f0=$failures
	consistent "$what" "$T/s"
	"$PCOW" trace -q --cow "$E" --store "$T/s" -- sh -c "cd '$E' && $view" >"$T/seen" 2>"$T/err"
	vrc=$?
	seen_k=
	for k in $states; do
		cmp -s "$T/seen" "$T/state.$k" && { seen_k=$k; break; }
	done
	# Everything a rare failure needs to be understood from the log alone.
	[ -n "$seen_k" ] || fail "$what: the program sees a tree after no whole number of operations: $(diff "$T/state.0" "$T/seen" | head -5 | tr '\n' ' ') [the view exits $vrc: $(head -3 "$T/err" | tr '\n' ' ')] [status: $("$PCOW" status "$T/s" 2>&1 | tr '\n' ' ')] [index: $(sql "$T/s/log.db" 'SELECT virt_path, kind, origin, state FROM overlay' 2>&1 | tr '\n' ' ')]"
	"$PCOW" commit "$T/s" >/dev/null 2>"$T/err" || fail "$what: pcow commit exits $?: $(head -3 "$T/err")"
	(cd "$E" && sh -c "$view") >"$T/committed"
	cmp -s "$T/committed" "$T/seen" || fail "$what: the committed tree is not what the program saw"
	[ $failures -gt $f0 ] && d_bad=$((d_bad + 1))
	[ $d_bad -ge 3 ] && { fail "(d): more failures not shown"; break; }
done
expect_eq "(d) the run completes once past the last point" 0 "$rc"
[ "$d_points" -ge 40 ] && pass "(d) renames and deletions: killed at $d_points points" ||
	fail "(d) renames and deletions: only $d_points kill points"

# ---------------------------------------------------------------- (e)
# The index changes of a trace reach log.db with the log writer's
# transactions; until then the index journal (cow/journal.c) keeps them.
# Here the writer stops for good before its first write (it never
# commits), the program makes its changes and says so, and pcow is killed:
# the next opening must bring back every change from the journal, whole.
# Without the journal, the store would be an empty index over a full upper/.
X="$T/x"
mkx() {
	rm -rf "$X" && mkdir -p "$X/rd" && for f in a b c; do echo "$f" >"$X/$f"; done &&
		echo r >"$X/rd/r" || harness "cannot make (e)'s tree"
}
ops_e="echo hello >new && mkdir d && echo y >d/y && echo more >>a && mv b b2 && rm c &&
	mv rd rd2 && ln -s a l && rm d/y"
mkx
(cd "$X" && sh -c "$ops_e" && sh -c "$view") >"$T/want.e" || harness "(e) natively"
mkx
rm -rf "$T/s" && cp -a "$T/s.tmpl" "$T/s" || harness "reset (e)"
rm -f "$T/e.done"
LD_PRELOAD="$KILLAT" PCOW_KILLAT=1 PCOW_KILLAT_FUNCS=pwrite64,pwrite,write,writev \
	PCOW_KILLAT_THREAD=other PCOW_KILLAT_STALL=1 \
	"$PCOW" trace -q --cow "$X" --store "$T/s" -- sh -c "cd '$X' && $ops_e && : >'$T/e.done'" \
	2>"$T/err" &
pcow_pid=$!
i=0
while [ ! -e "$T/e.done" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$T/e.done" ] || harness "(e): the program did not finish: $(head -3 "$T/err")"
# Another process opening the store beside the live trace finds an empty
# index over a full upper/, which it must not take for a crashed discard.
"$PCOW" status "$T/s" >/dev/null 2>"$T/status.err"
rc=$?
expect_eq "(e) pcow status beside the trace exits 0 ($(head -1 "$T/status.err"))" 0 "$rc"
[ -f "$T/s/upper$X/new" ] && pass "(e) pcow status beside the trace leaves its upper/ alone" ||
	fail "(e) pcow status beside the trace emptied its upper/"
kill -9 $pcow_pid
wait $pcow_pid
expect_eq "(e) pcow was killed" 137 "$?"
expect_eq "(e) the writer committed no overlay row" 0 "$(sql "$T/s/log.db" 'SELECT count(*) FROM overlay')"
ls "$T/s/work" | grep -q '^journal\.' && pass "(e) the journal is there" ||
	fail "(e) no journal in work/: $(ls "$T/s/work")"
consistent "(e) after the kill" "$T/s"
ls "$T/s/work" | grep -q '^journal\.' && fail "(e) the journal was not replayed and removed" ||
	pass "(e) the journal was replayed and removed"
"$PCOW" trace -q --cow "$X" --store "$T/s" -- sh -c "cd '$X' && $view" >"$T/seen" 2>"$T/err"
cmp -s "$T/seen" "$T/want.e" && pass "(e) the program sees every change" ||
	fail "(e) the program does not see its changes: $(diff "$T/want.e" "$T/seen" | head -6 | tr '\n' ' ')"
"$PCOW" commit "$T/s" >/dev/null 2>"$T/err" || fail "(e) pcow commit exits $?: $(head -3 "$T/err")"
(cd "$X" && sh -c "$view") >"$T/committed"
cmp -s "$T/committed" "$T/want.e" && pass "(e) the commit makes every change" ||
	fail "(e) the committed tree differs: $(diff "$T/want.e" "$T/committed" | head -6 | tr '\n' ' ')"

finish
