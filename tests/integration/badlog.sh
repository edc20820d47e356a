#!/bin/sh
# A missing, empty, foreign, corrupt or future log gives a clear message and
# exit 2 from every reader — never a crash.
. "${top_srcdir:-.}/tests/integration/lib.sh"

check_bad() { # check_bad WHAT FILE REGEX
	for cmd in log stats replay; do
		"$PCOW" $cmd "$2" >out 2>err; st=$?
		expect_eq "$1: pcow $cmd exits 2" 2 "$st"
		expect_match "$1: pcow $cmd says why" "$3" "$(cat err)"
	done
	# The store's commands, on a store directory holding FILE as its log:
	# the same refusal, and nothing made or removed in the directory.
	[ -f "$2" ] || return 0
	rm -rf bad.store && mkdir bad.store && cp "$2" bad.store/log.db && printf 'keep\n' >bad.store/mine
	for cmd in status diff commit discard; do
		"$PCOW" $cmd bad.store >out 2>err; st=$?
		expect_eq "$1: pcow $cmd of its store exits 2" 2 "$st"
		expect_match "$1: pcow $cmd of its store says why" "$3" "$(cat err)"
		expect_eq "$1: pcow $cmd leaves the directory as it was" "log.db mine" \
			"$(ls bad.store | tr '\n' ' ' | sed 's/ $//')"
		cmp -s "$2" bad.store/log.db || fail "$1: pcow $cmd changed the log"
	done
}

check_bad "missing log" "$T/nothing/log.db" "no such|not found|No such"
: >empty.db
check_bad "empty file" empty.db "not a pcow|empty|no runs"
printf 'hello\n' >text.db
check_bad "text file" text.db "not a database|corrupt"
head -c 65536 /dev/urandom >random.db
check_bad "random bytes" random.db "not a database|corrupt"
sql foreign.db "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
check_bad "another application's database" foreign.db "not a pcow"

"$PCOW" trace -q --store s -- true
cp s/log.db future.db
sql future.db "PRAGMA user_version = 999" >/dev/null
check_bad "a future schema version" future.db "version"
# A log under another name than log.db is not a store (upper/ is beside log.db).
cp s/log.db other.db
for cmd in status diff commit discard; do
	"$PCOW" $cmd other.db >out 2>err; st=$?
	expect_eq "a log not named log.db: pcow $cmd exits 2" 2 "$st"
	expect_match "a log not named log.db: pcow $cmd says so" "other.db: not a store's log" "$(cat err)"
done
cp s/log.db trunc.db
size=$(stat -c %s trunc.db)
head -c $((size / 2)) s/log.db >trunc.db
"$PCOW" log trunc.db >/dev/null 2>err; st=$?
[ $st -eq 0 ] || [ $st -eq 2 ] && pass "truncated log: exit $st, no crash" || fail "truncated log: exit $st"
finish
