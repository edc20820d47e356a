#!/bin/sh
# Paths up to PATH_MAX under pcow (issue 8): an absolute path of 4095
# bytes, and a relative one of 4095 bytes whose absolute form is longer
# than PATH_MAX, must work as natively (tests/progs/fsops longpath).
#
# EXPECTED TO FAIL today (XFAIL_TESTS in Makefile.am): pcow resolves every
# name to an absolute virtual path and works on the store and the real
# files by absolute paths (STORE/upper + the path), so a name whose
# absolute form, or STORE/upper plus it, reaches PATH_MAX gets
# ENAMETOOLONG where the kernel would walk it.  The fix is to walk from
# directory descriptors (the cwd's, the dirfd's) instead of strings; when
# it lands this test passes and must leave XFAIL_TESTS.
. "${top_srcdir:-.}/tests/integration/lib.sh"

FSOPS="$PROGS/fsops"
[ -x "$FSOPS" ] || harness "$FSOPS is not built"
. "${top_srcdir:-.}/tests/integration/fsops_tree.sh"

# Two trees at paths of the same length, so the chain is the same depth.
setup "$T/n" && setup "$T/c" || harness "setup failed"
(cd "$T/n" && "$FSOPS" longpath) >native.out 2>&1 || harness "fsops failed natively"
(cd "$T/c" && "$PCOW" trace -q --store "$T/s" --cow "$T/c" -- "$FSOPS" longpath) >cow.out 2>&1
expect_eq "fsops longpath under pcow: exit 0" 0 $?
if cmp -s native.out cow.out; then
	pass "paths of 4095 bytes: the same results as natively"
else
	fail "paths of 4095 bytes: results differ from native"
	diff native.out cow.out | sed 's/^/    /'
fi
finish
