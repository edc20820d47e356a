#!/bin/sh
# The copy-on-write view equals the kernel.  tests/progs/fsops runs the same
# file-system operations (open, stat, write, dirs, rename, links, meta,
# unlink, cwd) natively and under `pcow trace --cow`, each time in a fresh
# copy of one tree.  Under pcow: the exit status and every line of output
# (results, errno by name, attributes, contents) must equal the native run,
# the real tree must not change, a second traced run must see the first
# one's changes, and after `pcow commit` the real tree must equal the tree
# the native run left.
#
# Checks marked [sanity] test the test itself (fsops is deterministic, and
# plain tracing with --no-cow changes nothing in what it sees); checks
# marked [cow MODE] are the copy-on-write ones.
#
# COW_EQUIV_KEEP=DIR keeps every tree, store and output in DIR (to look at
# the whole diff: each output is in a file named after its run).
. "${top_srcdir:-.}/tests/integration/lib.sh"

FSOPS="$PROGS/fsops"
[ -x "$FSOPS" ] || harness "$FSOPS is not built"

. "${top_srcdir:-.}/tests/integration/fsops_tree.sh"

# snap DIR: every path with its type, mode, size (not for directories:
# theirs depends on the file system's history) and link target, then a
# sha256 of every regular file.  No times, owners or inode numbers.
snap() {
	(cd "$1" && { find . ! -type d -printf '%p %y %m %s %l\n'
		find . -type d -printf '%p %y %m\n'; } | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

# PEEK: what other programs see of the tree, with the tree as cwd (a
# directory's size and blocks depend on the file system's history: left
# out, and so is ls's column alignment, which the widest size sets: every
# line is rebuilt with single spaces)
PEEK='find . | LC_ALL=C sort
find . -type f -print0 | LC_ALL=C sort -z | xargs -0 cat | sha256sum
ls -lnR --time-style=+ . | awk '\''/^total / { next } /^d/ { $5 = "-" } { $1 = $1; print }'\'''

# same WHAT EXPECTED_FILE ACTUAL_FILE: pass, or fail showing the diff and,
# for fsops output, which scenarios' lines differ
same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
		return
	fi
	fail "$1"
	sc=$(diff "$2" "$3" | sed -n 's/^[<>] \([a-z]*\): .*/\1/p' | LC_ALL=C sort -u | tr '\n' ' ')
	[ -n "$sc" ] && echo "    scenarios whose lines differ: $sc"
	echo "    $(diff "$2" "$3" | grep -c '^[<>]') lines differ (- expected, + actual):"
	diff -u "$2" "$3" | sed -n '3,200s/^/    /p'
}

# run_fsops DIR OUT [pcow trace options]: fsops all with DIR as cwd; the
# exit status in $rc, stderr in OUT.err
run_fsops() {
	dir=$1 out=$2
	shift 2
	if [ $# -eq 0 ]; then
		(cd "$dir" && "$FSOPS" all) >"$out" 2>"$out.err"
	else
		(cd "$dir" && "$PCOW" trace -q "$@" -- "$FSOPS" all) >"$out" 2>"$out.err"
	fi
	rc=$?
}

show_err() {
	[ -s "$1" ] && sed -n '1,10s/^/    stderr: /p' "$1"
}

# --- the native reference ---------------------------------------------------
setup "$T/native"
run_fsops "$T/native" native.out
native_rc=$rc
[ "$native_rc" -eq 0 ] || harness "fsops failed natively ($native_rc): $(cat native.out.err)"
(cd "$T/native" && "$FSOPS" tree) >native.tree || harness "fsops tree failed natively"
(cd "$T/native" && sh -c "$PEEK") >native.peek || harness "peek failed natively"
snap "$T/native" >native.snap

# --- [sanity] the test itself -----------------------------------------------
setup "$T/native2"
run_fsops "$T/native2" native2.out
expect_eq "[sanity] native twice: exit status" "$native_rc" "$rc"
same "[sanity] native twice: same output" native.out native2.out
snap "$T/native2" >native2.snap
same "[sanity] native twice: same tree" native.snap native2.snap

setup "$T/nocow"
run_fsops "$T/nocow" nocow.out --store "$T/store-nocow" --no-cow
expect_eq "[sanity] pcow trace --no-cow: exit status" "$native_rc" "$rc"
show_err nocow.out.err
same "[sanity] pcow trace --no-cow: output equals native" native.out nocow.out
snap "$T/nocow" >nocow.snap
same "[sanity] pcow trace --no-cow: tree equals native's" native.snap nocow.snap

# --- [cow MODE] the copy-on-write view --------------------------------------
# default; --seccomp=off (stop at every call); --log=none (the seccomp
# filter, when used, must still stop every call the overlay needs)
modes=default
if "$PCOW" trace --help 2>&1 | grep -q -- '--seccomp'; then
	modes="$modes seccomp-off log-none"
fi
for mode in $modes; do
	case $mode in
	default) opts= ;;
	seccomp-off) opts=--seccomp=off ;;
	log-none) opts=--log=none ;;
	esac
	R="$T/real-$mode"
	S="$T/store-$mode"
	tag="[cow $mode]"
	setup "$R"
	snap "$R" >before.snap

	# shellcheck disable=SC2086 # $opts is one word or none
	run_fsops "$R" cow.out --store "$S" --cow "$R" $opts
	expect_eq "$tag exit status equals native's" "$native_rc" "$rc"
	show_err cow.out.err
	same "$tag fsops output equals native" native.out cow.out
	snap "$R" >after.snap
	same "$tag the real tree is unchanged" before.snap after.snap

	# A second run on the same store sees the overlay the first one left.
	# shellcheck disable=SC2086
	(cd "$R" && "$PCOW" trace -q --store "$S" --cow "$R" $opts -- "$FSOPS" tree) \
		>cow.tree 2>cow.tree.err
	expect_eq "$tag second run (fsops tree): exit status" 0 $?
	show_err cow.tree.err
	same "$tag second run (fsops tree) sees the first one's changes" native.tree cow.tree
	# shellcheck disable=SC2086
	(cd "$R" && "$PCOW" trace -q --store "$S" --cow "$R" $opts -- \
		sh -c "$PEEK") >cow.peek 2>cow.peek.err
	expect_eq "$tag second run (find, cat, ls): exit status" 0 $?
	show_err cow.peek.err
	same "$tag second run (find, cat, ls) sees the first one's changes" native.peek cow.peek
	snap "$R" >after.snap
	same "$tag the real tree is still unchanged" before.snap after.snap

	# The three runs replayed against this kernel: no divergence.
	if [ "$mode" = default ]; then
		for run in 1 2 3; do
			"$PCOW" replay "$S" --run $run >replay.out 2>&1
			rc=$?
			expect_eq "$tag pcow replay --run $run: no divergence (exit 0)" 0 $rc
			[ $rc -ne 0 ] && sed -n '1,30s/^/    replay: /p' replay.out
		done
	fi

	"$PCOW" commit "$S" >commit.out 2>&1
	rc=$?
	expect_eq "$tag pcow commit exits 0" 0 $rc
	# its messages, without the list of changes
	[ "$rc" -ne 0 ] && grep -v '^[ADMRT] /' commit.out | sed -n '1,10s/^/    commit: /p'
	snap "$R" >committed.snap
	same "$tag after commit the real tree equals native's" native.snap committed.snap
	for f in cow.out cow.tree cow.peek before.snap after.snap committed.snap commit.out; do
		mv "$f" "$mode.$f"
	done
done
if [ -n "${COW_EQUIV_KEEP:-}" ]; then
	rm -rf "$COW_EQUIV_KEEP" && cp -a "$T" "$COW_EQUIV_KEEP" && echo "# kept in $COW_EQUIV_KEEP"
fi
finish
