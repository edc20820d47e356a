#!/bin/sh
# The copy-on-write corpus (issue 3): every tests/corpus/*.c is one small
# program, a sequence of file system calls with their results printed
# (tests/corpus/corpus.h).  Each runs natively in a copy of the corpus tree
# (tests/corpus/tree.sh) and under `pcow trace --cow` in another copy.
# For each case:
#   - the exit status and every line of output equal the native run's;
#   - the real tree is unchanged, bit for bit and in metadata (type, mode,
#     owner, size, link target, modification time, content hash);
#   - `pcow replay` of the trace finds no divergence, on the file system it
#     picks and, when that is a tmpfs and the tree's is not, on the tree's;
#   - after `pcow commit`, the tree equals the one the native run left
#     (times and directory sizes aside).
# One line per case; a failing case shows what differs.  A case listed in
# tests/corpus/KNOWN (a known difference, with its reason) may differ in
# output and committed tree, never in the real tree; if it passes, the
# test fails until it is taken off the list.
#
# CORPUS_ONLY="NAME..." runs those cases only; CORPUS_BIN=DIR takes the
# programs from DIR instead of the build tree.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$top_srcdir/tests/corpus/tree.sh"

BIN=${CORPUS_BIN:-$top_builddir/tests/corpus}

# snapm DIR: every path with type, mode, owner, size, mtime and link
# target, then the device numbers, the content hashes and the extended
# attributes (the real tree: nothing may change)
snapm() {
	(cd "$1" && find . -printf '%p %y %m %U %G %s %T@ %l\n' | LC_ALL=C sort &&
		devnums && find . -type f -exec sha256sum {} + 2>/dev/null | LC_ALL=C sort &&
		xattrs)
}
# snapc DIR: the same without times and directory sizes (commit against native)
snapc() {
	(cd "$1" && { find . ! -type d -printf '%p %y %m %U %G %s %l\n'
		find . -type d -printf '%p %y %m %U %G\n'; } | LC_ALL=C sort &&
		devnums && find . -type f -exec sha256sum {} + | LC_ALL=C sort &&
		xattrs)
}
# devnums: the major and minor numbers of the device nodes below .
devnums() {
	find . \( -type c -o -type b \) -exec stat -c '%n %t:%T' {} + | LC_ALL=C sort
}
# xattrs: every extended attribute below . (tests/progs/xattrdump)
xattrs() {
	"$PROGS/xattrdump" . | LC_ALL=C sort
}
# show WHAT A B: the first lines of the difference
show() {
	echo "    $1 (- native, + pcow):"
	diff -u "$2" "$3" | sed -n '4,40s/^/    /p'
}

if [ -n "${CORPUS_ONLY:-}" ]; then
	cases=$CORPUS_ONLY
else
	cases=$(cd "$top_srcdir/tests/corpus" && ls ./*.c | sed 's|^\./||; s|\.c$||')
fi
[ -n "$cases" ] || harness "no cases in $top_srcdir/tests/corpus"

# The cases that drop to nobody need search permission on the path to the
# tree and the store, which mktemp -d makes 0700: pcow gives the kernel
# absolute paths into both where the program's own names were relative to
# its cwd (doc/internals.md, "The corpus").
chmod 755 "$T" || harness "chmod $T"
# pcow replay builds its scratch tree on /dev/shm when it is a tmpfs with
# room, else in $TMPDIR or /tmp.  File systems list a directory in orders
# of their own (tmpfs by creation, ext4 by a hash), so when $T is on
# another file system than that, each case is replayed there too.
replay_fs2=
fs_shm=$(stat -f -c %T /dev/shm 2>/dev/null)
fs_t=$(stat -f -c %T "$T" 2>/dev/null)
[ "$fs_shm" = tmpfs ] && [ -n "$fs_t" ] && [ "$fs_t" != tmpfs ] && replay_fs2=$fs_t
corpus_tree "$T/template"
n=0
for c in $cases; do
	n=$((n + 1))
	prog="$BIN/$c"
	if [ ! -x "$prog" ]; then
		fail "$c: $prog is not built (run tests/corpus/gen-cases.sh, then make check)"
		continue
	fi
	rm -rf "$T/n" "$T/c" "$T/s"
	cp -a "$T/template" "$T/n" && cp -a "$T/template" "$T/c" || harness "cp -a"
	(cd "$T/n" && exec "$prog") >n.out 2>n.err
	nrc=$?
	if [ "$nrc" -eq 99 ]; then
		fail "$c: the case broke natively: $(head -3 n.err)"
		continue
	fi
	snapm "$T/c" >before
	(cd "$T/c" && exec "$PCOW" trace -q --store "$T/s" --cow "$T/c" -- "$prog") >c.out 2>c.err
	crc=$?
	why=
	[ "$crc" = "$nrc" ] || why="$why exit status $crc, native $nrc;"
	cmp -s n.out c.out || why="$why output differs;"
	snapm "$T/c" >after
	cmp -s before after || why="$why the real tree changed;"
	"$PCOW" replay "$T/s" >replay.out 2>&1
	rrc=$?
	[ "$rrc" = 0 ] || why="$why pcow replay exits $rrc;"
	if [ "$rrc" = 0 ] && [ "$replay_fs2" ]; then
		TMPDIR=$T "$PCOW" replay "$T/s" >replay.out 2>&1
		rrc=$?
		[ "$rrc" = 0 ] || why="$why pcow replay in $T ($replay_fs2) exits $rrc;"
	fi
	"$PCOW" commit "$T/s" >commit.out 2>&1 || why="$why pcow commit failed: $(grep -v '^[ADMRT]* /' commit.out | head -3);"
	snapc "$T/n" >native.tree
	snapc "$T/c" >committed.tree
	cmp -s native.tree committed.tree || why="$why the committed tree differs from native's;"
	known=$(sed -n "s/^$c  *//p" "$top_srcdir/tests/corpus/KNOWN")
	if [ -n "$known" ]; then
		case $why in
		"") fail "$c: listed in tests/corpus/KNOWN but now passes: take it off the list"
			continue ;;
		*"real tree changed"*) fail "$c (known: $known):$why" ;;
		*) pass "$c: known difference: $known"; continue ;;
		esac
	elif [ -z "$why" ]; then
		pass "$c"
		continue
	fi
	fail "$c:$why"
	[ "$crc" = 99 ] || [ -s c.err ] && sed -n '1,5s/^/    stderr: /p' c.err
	cmp -s n.out c.out || show output n.out c.out
	cmp -s before after || show "real tree (before, after)" before after
	cmp -s native.tree committed.tree || show "tree (native, committed)" native.tree committed.tree
	[ "$rrc" = 0 ] || sed -n '1,12s/^/    replay: /p' replay.out
done
echo "# $n cases"
finish
