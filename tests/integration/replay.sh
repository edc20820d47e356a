#!/bin/sh
# pcow replay: a recorded run re-run against this kernel finds no
# divergence; a result changed in the log with SQL is reported at exactly
# that call and field, and nothing else; a run whose real files changed
# since is refused with the paths named; bad input exits 2 with a message.
# (Every case of the copy-on-write corpus is replayed by corpus.sh, the
# fsops scenarios by cow_equiv.sh, the real programs by cow_programs.sh.)
. "${top_srcdir:-.}/tests/integration/lib.sh"

W="$T/w"
mkdir -p "$W/dir" && printf 'alpha\n' >"$W/a.txt" && printf 'x\n' >"$W/dir/xfile" &&
	printf 'y\n' >"$W/dir/yfile" && ln -s a.txt "$W/link" &&
	mkdir "$W/other" && ln "$W/a.txt" "$W/other/hard" || harness "setup failed"
# a.txt has a second name the run never touches: its st_nlink is 2 all the same.
# Write then read back, list, stat, readlink, fail to open.
prog='printf "hello world\n" >new.txt && sed -n p new.txt && ls dir && stat -c %s a.txt &&
readlink link && { cat missing 2>/dev/null; true; }'
(cd "$W" && "$PCOW" trace -q --store "$T/s" --cow "$W" -- sh -c "$prog") >trace.out 2>&1 ||
	harness "trace failed: $(cat trace.out)"

"$PCOW" replay "$T/s" >out 2>err
expect_eq "replay of an untouched recording exits 0" 0 $?
expect_match "it prints the summary" '^replayed [0-9]+ calls \([0-9]+ skipped\) on Linux [^ ]+: 0 divergences$' "$(cat out)"
expect_match "it names both kernels" 'recorded on Linux .*, on Linux ' "$(cat err)"
expect_eq "no divergence stored" 0 "$(sql "$T/s/log.db" 'SELECT count(*) FROM divergence')"

# mutate_in STORE WHAT SQL: copy STORE's log, change it, replay; out in
# m.out, status in $st.  mutate WHAT SQL: the same on the main run's.
mutate_in() {
	cp "$1/log.db" m.db && sql m.db "$3" >/dev/null || harness "$2: SQL failed"
	"$PCOW" replay m.db --json >m.out 2>m.err
	st=$?
}
mutate() { mutate_in "$T/s" "$@"; }

# expect_one WHAT SEQ FIELD: exactly one divergence, at SEQ, in FIELD
expect_one() {
	expect_eq "$1: exit 1" 1 "$st"
	expect_eq "$1: one divergence" 1 "$(grep -c '"seq"' m.out)"
	expect_match "$1: at seq $2, field $3" "^\{\"seq\":$2,.*\"field\":\"$3\"" "$(cat m.out)"
}

seq_of() { # seq_of SQL-condition: the first matching call of the run
	sql "$T/s/log.db" "SELECT min(seq) FROM syscall WHERE $1"
}

s=$(seq_of "name = 'openat' AND args LIKE '%\"missing\"%'")
[ -n "$s" ] || harness "no openat of missing"
mutate "an errno" "UPDATE call SET ret = -13 WHERE seq = $s"
expect_one "an errno" "$s" result
expect_match "an errno: both values" '"recorded":"-1 EACCES.*"replayed":"-1 ENOENT' "$(cat m.out)"
pid=$(sql m.db "SELECT pid FROM call WHERE seq = $s")
"$PCOW" replay m.db --json --pid "$pid" >p.out 2>/dev/null
expect_eq "--pid of the diverging process: exit 1" 1 $?
expect_eq "--pid of the diverging process: its divergence" 1 "$(grep -c '"seq"' p.out)"
"$PCOW" replay m.db --json --pid 1 >p.out 2>/dev/null
expect_eq "--pid of another process: exit 0" 0 $?
expect_eq "--pid of another process: nothing reported" 0 "$(grep -c '"seq"' p.out)"

s=$(seq_of "name = 'statx' AND args LIKE '%\"a.txt\"%'")
[ -n "$s" ] || harness "no statx of a.txt"
# struct statx: stx_size is the 8 bytes at offset 40
mutate "a size" "UPDATE calldata SET data = CAST(substr(data, 1, 40) ||
	X'6300000000000000' || substr(data, 49) AS BLOB) WHERE seq = $s"
expect_one "a size" "$s" stx_size
expect_match "a size: both values" '"recorded":"99","replayed":"6"' "$(cat m.out)"

s=$(seq_of "name = 'getdents64' AND ret > 0")
[ -n "$s" ] || harness "no getdents64"
mutate "a listing entry" "UPDATE calldata SET data = CAST(replace(CAST(data AS TEXT),
	'xfile', 'qfile') AS BLOB) WHERE seq = $s"
expect_eq "a listing entry: exit 1" 1 "$st"
expect_eq "a listing entry: two divergences (one name for another)" 2 "$(grep -c '"seq"' m.out)"
expect_match "a listing entry: qfile recorded, missing now" \
	"^\{\"seq\":$s,.*\"field\":\"listing\",\"recorded\":\"\\\\\"qfile\\\\\" DT_REG\",\"replayed\":\"\(missing\)\"" "$(cat m.out)"
"$PCOW" replay m.db --max 1 >p.out 2>/dev/null
expect_eq "--max 1: one call shown" 1 "$(grep -c '^seq ' p.out)"
expect_match "--max 1: the rest counted" '^\(1 more; --max 0 shows all' "$(cat p.out)"
expect_match "a listing entry: xfile found, not recorded" \
	"^\{\"seq\":$s,.*\"field\":\"listing\",\"recorded\":\"\(missing\)\",\"replayed\":\"\\\\\"xfile\\\\\" DT_REG\"" "$(cat m.out)"

w=$(seq_of "name = 'write' AND args LIKE '%hello world%'")
r=$(seq_of "name = 'read' AND args LIKE '%hello world%'")
[ -n "$w" ] && [ -n "$r" ] || harness "no write or read of new.txt"
mutate "a written byte" "UPDATE calldata SET data = CAST(replace(CAST(data AS TEXT),
	'hello', 'jello') AS BLOB) WHERE seq = $w"
# The write itself returns the same count; the byte shows where it is read back.
expect_one "a written byte (seen by the read of it)" "$r" "data hash"

s=$(seq_of "name = 'readlink' OR name = 'readlinkat'")
[ -n "$s" ] || harness "no readlink"
mutate "a link target" "UPDATE calldata SET data = CAST('b.txt' AS BLOB) WHERE seq = $s"
expect_one "a link target" "$s" target

# A run of over 20,000 calls loads its steps in two halves at once, the
# second on a connection and thread of its own (replay/plan_db.c): replayed
# without divergence, and a result changed late in the run, in the second
# half, is reported at exactly that call.
long='i=0; while [ $i -lt 11000 ]; do [ -e a.txt ]; [ -e nothere ]; i=$((i+1)); done'
(cd "$W" && "$PCOW" trace -q --store "$T/sl" --cow "$W" -- sh -c "$long") >trace.out 2>&1 ||
	harness "long trace failed: $(cat trace.out)"
[ "$(sql "$T/sl/log.db" 'SELECT max(seq) - min(seq) FROM call')" -gt 20000 ] ||
	harness "the long run is not long enough to be split"
"$PCOW" replay "$T/sl" >out 2>err
expect_eq "a run loaded in two halves: exit 0" 0 $?
expect_match "a run loaded in two halves: every call replayed" \
	'^replayed 2[0-9]{4} calls \([0-9]+ skipped\) on Linux [^ ]+: 0 divergences$' "$(cat out)"
s=$(sql "$T/sl/log.db" "SELECT max(seq) FROM syscall WHERE args LIKE '%\"nothere\"%'")
[ -n "$s" ] || harness "no stat of nothere"
mutate_in "$T/sl" "the second half" "UPDATE call SET ret = -13 WHERE seq = $s"
expect_one "a result changed in the second half" "$s" result

# Credentials: a process that drops to nobody is replayed as nobody from
# its set*id call on (the credentials the kernel left are recorded there);
# made root again in the log, its EACCES opens succeed and are reported.
. "$top_srcdir/tests/corpus/tree.sh"
# trace_case CASE TREE STORE: the corpus case traced in a new corpus tree
trace_case() {
	corpus_tree "$2"
	(cd "$2" && "$PCOW" trace -q --store "$3" --cow "$2" -- "$top_builddir/tests/corpus/$1") \
		>case.out 2>&1 || harness "$1: $(cat case.out)"
}
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$T"
	trace_case open_nobody_eacces "$T/ct" "$T/cs"
	"$PCOW" replay "$T/cs" >c.out 2>&1
	expect_eq "a run that drops to nobody: no divergence" 0 $?
	u=$(sql "$T/cs/log.db" "SELECT max(seq) FROM syscall WHERE name = 'setresuid'")
	s=$(sql "$T/cs/log.db" "SELECT min(seq) FROM syscall WHERE name = 'openat' AND args LIKE '%noperm.txt%'")
	[ -n "$u" ] && [ -n "$s" ] || harness "no setresuid or open of noperm.txt"
	mutate_in "$T/cs" "credentials" "UPDATE calldata SET data = zeroblob(20) WHERE seq = $u"
	expect_eq "credentials made root in the log: exit 1" 1 "$st"
	expect_match "credentials made root: the first EACCES open is reported" \
		"^\{\"seq\":$s,.*\"field\":\"result\",\"recorded\":\"-1 EACCES" "$(head -1 m.out)"
else
	echo "# not root: the credential checks need setfsuid (skipped)"
fi

# An O_TMPFILE's /proc link: the same but for the inode number, which only
# --strict compares; another directory in it is a divergence.
trace_case open_tmpfile_link "$T/tt" "$T/ts"
"$PCOW" replay "$T/ts" >t.out 2>&1
expect_eq "readlink of an O_TMPFILE descriptor: no divergence" 0 $?
s=$(sql "$T/ts/log.db" "SELECT min(seq) FROM syscall WHERE name = 'readlink' AND args LIKE '%/proc/self/fd/%'")
[ -n "$s" ] || harness "no readlink of /proc/self/fd/N"
"$PCOW" replay "$T/ts" --strict --json >t.out 2>&1
expect_match "readlink of an O_TMPFILE descriptor, --strict: the inode differs" \
	"\{\"seq\":$s,.*\"field\":\"(result|target)\"" "$(cat t.out)"
mutate_in "$T/ts" "an O_TMPFILE link" "UPDATE calldata SET data = CAST(replace(CAST(data AS TEXT),
	'/base/dir/#', '/base/dix/#') AS BLOB) WHERE seq = $s"
# (the result, the link's length, differs unless this file system's inode
# number has as many digits as the recorded one; then the target does)
expect_one "an O_TMPFILE link in another directory" "$s" "(result|target)"

# A listing begun through one descriptor and ended through its dup (one
# open file description) is one listing, whatever the file systems' orders:
# the log is changed so that the recorded first call returned every name
# and the dup's call the end, as a file system in another order would
# split it.  Replayed, the dup's call reads what this file system left:
# no divergence.  (It was compared as a listing of its own, and the
# names the first call took here were "missing".)
trace_case dir_dup_fork "$T/dt" "$T/ds"
"$PCOW" replay "$T/ds" >d.out 2>&1
expect_eq "listings through dup'd descriptors: no divergence" 0 $?
s1=$(sql "$T/ds/log.db" "SELECT max(seq) FROM syscall WHERE name = 'getdents64' AND arg2 = 64")
s2=$(sql "$T/ds/log.db" "SELECT min(seq) FROM syscall WHERE name = 'getdents64' AND seq > $s1")
[ -n "$s1" ] && [ -n "$s2" ] || harness "no getdents64 of 64 bytes and one after it"
mutate_in "$T/ds" "a listing split elsewhere" "UPDATE calldata SET data = data ||
	(SELECT data FROM calldata WHERE seq = $s2) WHERE seq = $s1;
	UPDATE calldata SET data = X'' WHERE seq = $s2; UPDATE call SET ret = 0 WHERE seq = $s2"
expect_eq "a listing split elsewhere, ended through the dup: no divergence" 0 "$st"
[ "$st" = 0 ] || sed 's/^/    /' m.out | head -8

# --max, the text form, the stored divergences
mutate "text form" "UPDATE call SET ret = -13 WHERE seq = $(seq_of "name = 'openat' AND args LIKE '%\"missing\"%'")"
"$PCOW" replay m.db >m.txt 2>/dev/null
expect_match "text form: the call as pcow log prints it" 'openat\(AT_FDCWD, "missing", O_RDONLY\) = -1 EACCES' "$(cat m.txt)"
expect_eq "divergences are stored (one per replay)" 2 "$(sql m.db 'SELECT count(*) FROM divergence')"

# --keep DIR keeps the scratch tree
"$PCOW" replay "$T/s" --keep "$T/kept" >/dev/null 2>&1
expect_eq "--keep: exit 0" 0 $?
[ -f "$T/kept$W/a.txt" ] && [ -L "$T/kept$W/link" ] && pass "--keep: the starting tree is kept" ||
	fail "--keep: no $T/kept$W/a.txt"

# --ignore: the divergences of whole system calls are not reported.
mutate "ignored" "UPDATE call SET ret = -13 WHERE seq = $(seq_of "name = 'openat' AND args LIKE '%\"missing\"%'")"
"$PCOW" replay m.db --json --ignore openat,statx >i.out 2>i.err
expect_eq "--ignore openat: exit 0" 0 $?
expect_match "--ignore openat: counted as ignored" '"divergences":0,"ignored":1' "$(cat i.out)"
"$PCOW" replay m.db --ignore nosuchcall >i.out 2>i.err
expect_eq "--ignore of an unknown call: exit 2" 2 $?
expect_match "--ignore of an unknown call: named" "nosuchcall.*no such system call" "$(cat i.err)"

# A bundle run by pcow-replayer by hand, its results reported by --results;
# the same mutated log: the same one divergence as replayed here.
"$PCOW" replay m.db --export-bundle eb >eb.out 2>eb.err
expect_eq "--export-bundle: exit 0" 0 $?
[ -s eb/replay.bundle ] && [ -x eb/pcow-replayer ] &&
	pass "--export-bundle: the bundle and pcow-replayer are in DIR" ||
	fail "--export-bundle: $(ls eb 2>&1) $(cat eb.err)"
mv "$W" "$W.away" # the replayer needs nothing but the bundle
eb/pcow-replayer -o res eb/replay.bundle 2>rp.err
expect_eq "pcow-replayer: exit 0" 0 $?
mv "$W.away" "$W"
expect_match "pcow-replayer: frames, each sent twice" '^@pcow:0:H:1:.*
@pcow:0:H:1:' "$(cat res)"
"$PCOW" replay m.db --results res --json >r.out 2>r.err
st=$?
expect_one "--results" "$(sql m.db "SELECT min(seq) FROM syscall WHERE name = 'openat' AND args LIKE '%\"missing\"%'")" result
expect_match "--results: the kernel that ran the calls" "\"kernel\":\"$(uname -r)\"" "$(tail -1 r.out)"
# A console log: kernel messages around and inside the frames.
awk 'NR == 1 { print "[    1.000000] random: crng init done" }
	NR % 2 == 1 { print substr($0, 1, 9) "[    2.5] noise" substr($0, 10); print; next }
	{ print "[    3.0] more noise " $0 }' res >noisy
"$PCOW" replay m.db --results noisy --json >r2.out 2>r2.err
expect_eq "--results with console noise: exit 1" 1 $?
expect_eq "--results with console noise: the same report" "$(cat r.out)" "$(cat r2.out)"
# Both copies of a frame damaged: garbled, exit 2.
sed 's/^\(@pcow:1:[A-Z]:\)./\1#/' res >garbled
"$PCOW" replay m.db --results garbled >g.out 2>g.err
expect_eq "--results garbled: exit 2" 2 $?
expect_match "--results garbled: says which frame" 'garbled: frame 1 ' "$(cat g.err)"
head -n 2 res >cut
"$PCOW" replay m.db --results cut >g.out 2>g.err
expect_eq "--results cut short: exit 2" 2 $?
expect_match "--results cut short: says so" 'ends early' "$(cat g.err)"
"$PCOW" replay "$T/s" --results res >g.out 2>g.err
expect_eq "--results of the same run in another log (its results changed): exit 2" 2 $?
expect_match "--results of another recording: says so" 'another recording' "$(cat g.err)"
printf 'x' >>eb/replay.bundle
eb/pcow-replayer eb/replay.bundle >res2 2>rp.err
expect_eq "pcow-replayer, damaged bundle: exit 2" 2 $?
expect_match "pcow-replayer, damaged bundle: an E frame says why" '^@pcow:0:E:.*corrupt' "$(cat res2)"
"$PCOW" replay m.db --results res2 >g.out 2>g.err
expect_eq "--results of a replayer that could not run: exit 2" 2 $?

# A forged log (the store is the program's to write) cannot make replay
# write outside its scratch tree: not with "..", not through a link.
rm -rf "$T/outside"
cp "$T/s/log.db" f.db && sql f.db "INSERT INTO touch (run_id, path, type, mode, uid, gid,
	size, mtime_ns, dev, ino, nlink, listed, content, source)
	VALUES (1, '$W/../../../../../../..$T/outside', 32768, 420, 0, 0, 1, 0, 1, 999999, 1, 0, X'41', '')" >/dev/null ||
	harness "SQL failed"
"$PCOW" replay f.db >f.out 2>f.err
expect_eq "a forged '..' in the starting tree: exit 2" 2 $?
expect_match "a forged '..': refused, named" 'malformed: .* is not a canonical path' "$(cat f.err)"
[ -e "$T/outside" ] && fail "a forged '..': $T/outside was made" || pass "a forged '..': nothing made outside"
mkdir -p "$T/outside"
cp "$T/s/log.db" f.db && sql f.db "INSERT INTO touch (run_id, path, type, mode, uid, gid,
	size, mtime_ns, dev, ino, nlink, listed, target, source)
	VALUES (1, '/evil', 40960, 511, 0, 0, 0, 0, 1, 999998, 1, 0, '$T/outside', '');
	INSERT INTO touch (run_id, path, type, mode, uid, gid, size, mtime_ns, dev, ino, nlink, listed,
	content, source) VALUES (1, '/evil/planted', 32768, 420, 0, 0, 1, 0, 1, 999997, 1, 0, X'41', '')" \
	>/dev/null || harness "SQL failed"
"$PCOW" replay f.db >f.out 2>f.err
expect_eq "a forged link in the starting tree: exit 2" 2 $?
expect_match "a forged link: refused, named" 'below the symbolic link /evil' "$(cat f.err)"
[ -e "$T/outside/planted" ] && fail "a forged link: $T/outside/planted was made" ||
	pass "a forged link: nothing made outside"
"$PCOW" replay f.db --export-bundle fb >/dev/null 2>&1 && fb/pcow-replayer fb/replay.bundle >fres 2>/dev/null
expect_match "a forged bundle: pcow-replayer refuses it too" \
	'^@pcow:[0-9]+:E:.*lies%20below%20the%20symbolic%20link%20/evil:' "$(cat fres)"
[ -e "$T/outside/planted" ] && fail "a forged bundle: $T/outside/planted was made" ||
	pass "a forged bundle: nothing made outside"

# --kernel's QEMU command line and initramfs, with a QEMU that only
# writes down its arguments (the real boots: replay_qemu.sh).
printf '#!/bin/sh\nfor a; do echo "$a"; done >"%s/qemu.args"\nexit 3\n' "$(pwd)" >fakeqemu &&
	chmod +x fakeqemu && printf 'not a kernel\n' >fakeimage || harness "cannot make the fake QEMU"
PCOW_QEMU_ACCEL=tcg "$PCOW" replay "$T/s" --kernel fakeimage --qemu ./fakeqemu --memory 777 \
	--qemu-arg=-smp --qemu-arg=2 --keep vmk >q.out 2>q.err
expect_eq "a QEMU that fails: exit 2" 2 $?
expect_match "a QEMU that fails: says so" 'QEMU failed \(exit status 3\)' "$(cat q.err)"
expect_eq "QEMU gets --memory, the accelerator, the image, the initramfs, --qemu-arg last" \
	"-m 777 -accel tcg -kernel fakeimage -initrd $(pwd)/vmk/initrd.cpio -smp 2" \
	"$(grep -x -A1 -e -m -e -accel -e -kernel -e -initrd qemu.args | grep -v '^--$' | tr '\n' ' ')$(tail -n 2 qemu.args | tr '\n' ' ' | sed 's/ $//')"
expect_match "the results come on the second serial port" "^file:$(pwd)/vmk/results.log\$" \
	"$(grep -A1 -x -e -serial qemu.args | tail -n 1)"
for name in init pcow/bundle dev/console TRAILER!!!; do
	grep -aq "$name" vmk/initrd.cpio && pass "the initramfs holds $name" ||
		fail "the initramfs has no $name"
done
"$PCOW" replay "$T/s" --kernel fakeimage --qemu ./no-such-qemu >q.out 2>q.err
expect_eq "a QEMU that is not there: exit 2" 2 $?
expect_match "a QEMU that is not there: named" 'no-such-qemu' "$(cat q.err)"

# Real files changed since the recording: refused, the paths named.
printf 'changed\n' >"$W/a.txt"
rm "$W/dir/yfile"
"$PCOW" replay "$T/s" >out 2>err
expect_eq "changed real files: exit 2" 2 $?
expect_match "changed real files: the changed content is named" "$W/a.txt \(content changed\)" "$(cat err)"
expect_match "changed real files: --force is suggested" 'force' "$(cat err)"
"$PCOW" replay "$T/s" --export-bundle cb >out 2>err
expect_eq "changed real files, --export-bundle: exit 2" 2 $?
expect_match "changed real files, --export-bundle: named" "$W/a.txt \(content changed\)" "$(cat err)"
[ -e cb/replay.bundle ] && fail "changed real files: a bundle was written anyway" ||
	pass "changed real files: no bundle written"
"$PCOW" replay "$T/s" --force >out 2>err
st=$?
[ $st -eq 1 ] && pass "--force replays anyway and reports the differences (exit 1)" ||
	fail "--force: exit $st: $(cat err)"

# Bad input
"$PCOW" replay "$T/none" >out 2>err
expect_eq "missing log: exit 2" 2 $?
expect_match "missing log: says so" 'no such log' "$(cat err)"
printf 'junk\n' >junk.db
"$PCOW" replay junk.db >out 2>err
expect_eq "corrupt log: exit 2" 2 $?
expect_match "corrupt log: says so" 'not a database|corrupt' "$(cat err)"
cp "$T/s/log.db" noruns.db && sql noruns.db "DELETE FROM calldata; DELETE FROM path; DELETE FROM call;
	DELETE FROM touch; DELETE FROM process; DELETE FROM exec; DELETE FROM run" >/dev/null
"$PCOW" replay noruns.db >out 2>err
expect_eq "a log with no run: exit 2" 2 $?
expect_match "a log with no run: says so" 'no run' "$(cat err)"
(cd "$W" && "$PCOW" trace -q --store "$T/nc" --no-cow -- cat a.txt) >/dev/null 2>&1
"$PCOW" replay "$T/nc" >out 2>err
expect_eq "a --no-cow run: exit 2" 2 $?
expect_match "a --no-cow run: its starting state is unknown" 'without replay data.*unknown' "$(cat err)"
"$PCOW" replay --bogus >out 2>err
expect_eq "unknown option: exit 2" 2 $?
"$PCOW" replay --help >out 2>err
expect_eq "--help: exit 0" 0 $?
expect_match "--help: describes the options" '--strict' "$(cat out)"
finish
