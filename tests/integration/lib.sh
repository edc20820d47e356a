# tests/integration/lib.sh — sourced by every integration test.
#
# Each test is a shell script run by `make check` (automake's parallel test
# driver): exit 0 pass, 1 fail, 77 skip (say why), 99 harness error.
# Programs run under pcow are never sanitized; pcow itself may be.
set -u

: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
PCOW="$top_builddir/pcow"
PROGS="$top_builddir/tests/progs"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
unset PCOW_STORE PCOW_FORCE_FALLBACK

T=$(mktemp -d "${TMPDIR:-/tmp}/pcow-test.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99

failures=0
checks=0

pass() { checks=$((checks + 1)); echo "ok - $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL - $*"; }
skip() { echo "SKIP: $*"; exit 77; }
harness() { echo "HARNESS ERROR: $*"; exit 99; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}

# expect_match WHAT REGEX TEXT
expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass "$1"
	else fail "$1: no line matches /$2/ in:"; printf '%s\n' "$3" | head -20 | sed 's/^/    /'; fi
}

# sql DB QUERY: one value per line
sql() {
	command -v sqlite3 >/dev/null || harness "sqlite3 (the command-line shell) is needed"
	sqlite3 -batch -noheader "$1" "$2"
}

# finish: print the tally and exit with the right status
finish() {
	echo "$checks checks, $failures failed"
	[ "$failures" -eq 0 ] && exit 0
	exit 1
}

# Run every check twice: fast paths, then PCOW_FORCE_FALLBACK (and peek).
fallback_modes="0 1 peek"
