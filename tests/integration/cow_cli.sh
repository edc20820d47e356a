#!/bin/sh
# pcow status / diff / commit / discard on an overlay built by
# tests/progs/cowdrive (the cow/ library, no tracee): their output, exit
# codes, and the real tree byte for byte.
. "${top_srcdir:-.}/tests/integration/lib.sh"

DRIVE="$top_builddir/tests/progs/cowdrive"
R="$T/real"

# tree DIR: every object's path, type, mode, size and content hash
tree() {
	(cd "$1" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort &&
		find . -type f -exec md5sum {} + | LC_ALL=C sort)
}

mkreal() {
	rm -rf "$R"
	mkdir -p "$R/dir/sub" "$R/gone"
	printf 'one\ntwo\nthree\n' >"$R/text"
	printf 'keep\n' >"$R/keep"
	printf 'bye\n' >"$R/del"
	printf 'x\n' >"$R/dir/x"
	printf 'deep\n' >"$R/dir/sub/deep"
	printf 'g\n' >"$R/gone/g"
	printf 'bin\000ary' >"$R/bin"
}

mkreal
before=$(tree "$R")
"$DRIVE" s write "$R/text" 'one\n2\nthree\n' append "$R/keep" '' \
	rm "$R/del" mv "$R/dir" "$R/moved" write "$R/moved/sub/deep" 'deeper\n' \
	mkdir "$R/new" write "$R/new/file" 'hello\n' symlink keep "$R/link" \
	fifo "$R/fifo" chmod "$R/bin" 600 rm "$R/gone/g" rmdir "$R/gone"
expect_eq "cowdrive builds the overlay" 0 $?
expect_eq "the real tree is untouched" "$before" "$(tree "$R")"

out=$("$PCOW" status s | sed "s|$T||g")
expect_eq "status exits 0" 0 $?
expect_eq "status lines" "T /real/bin
D /real/del
A /real/fifo
D /real/gone
A /real/link
R /real/dir -> /real/moved
M /real/moved/sub/deep
A /real/new
A /real/new/file
M /real/text" "$out"

out=$("$PCOW" diff s "$R/text" | sed "s|$T||g")
expect_eq "diff of one file" "--- a/real/text
+++ b/real/text
@@ -1,3 +1,3 @@
 one
-two
+2
 three" "$out"
out=$("$PCOW" diff s | sed "s|$T||g")
expect_match "diff names a mode change" '^mode changed /real/bin: 0644 -> 0600$' "$out"
expect_match "diff names the rename" '^renamed /real/dir -> /real/moved$' "$out"
expect_match "diff shows a new file" '^\+hello$' "$out"
expect_match "diff names the fifo" '^new fifo /real/fifo$' "$out"

"$PCOW" commit s --dry-run >/dev/null
expect_eq "commit --dry-run exits 0" 0 $?
expect_eq "--dry-run changes nothing" "$before" "$(tree "$R")"

# The expected tree, made with ordinary commands on a copy.
rm -rf "$T/want" && cp -a "$R" "$T/want"
W="$T/want"
printf 'one\n2\nthree\n' >"$W/text"
rm "$W/del"
mv "$W/dir" "$W/moved"
printf 'deeper\n' >"$W/moved/sub/deep"
mkdir "$W/new" && printf 'hello\n' >"$W/new/file"
ln -s keep "$W/link"
mkfifo "$W/fifo"
chmod 600 "$W/bin"
rm -r "$W/gone"

timeout 60 "$PCOW" commit s >commit.out
expect_eq "commit exits 0" 0 $?
# Directory times are not compared: committing writes into them.
expect_eq "the real tree is the merged view" "$(tree "$W")" "$(tree "$R")"
expect_eq "nothing left to commit" "" "$("$PCOW" status s)"

# A real file changed after copy-up: refused (exit 1), then --force.
"$DRIVE" s write "$R/text" 'mine\n' write "$R/keep" 'mine too\n'
printf 'theirs\n' >"$R/text"
"$PCOW" commit s >out 2>err
expect_eq "commit refusing a path exits 1" 1 $?
expect_match "the refusal names the path" "refused: $R/text: the real file changed" "$(cat out err)"
expect_eq "the refused file keeps the other change" "theirs" "$(cat "$R/text")"
expect_eq "the other path is committed" "mine too" "$(cat "$R/keep")"
"$PCOW" commit s --force >/dev/null
expect_eq "--force commits it" "mine" "$(cat "$R/text")"

# discard: the overlay goes, the real files and the log stay.
before=$(tree "$R")
"$DRIVE" s write "$R/text" 'discard me\n' rm "$R/keep"
"$PCOW" discard s
expect_eq "discard exits 0" 0 $?
expect_eq "nothing left after discard" "" "$("$PCOW" status s)"
expect_eq "discard leaves the real tree" "$before" "$(tree "$R")"
expect_eq "the log's tables stay" 1 "$(sql s/log.db "SELECT count(*) FROM sqlite_master WHERE name = 'call'")"

"$PCOW" status nosuchstore/log.db >/dev/null 2>&1
expect_eq "status of a missing store exits 2" 2 $?
"$PCOW" commit --bogus >/dev/null 2>&1
expect_eq "bad option exits 2" 2 $?
"$PCOW" status --help | grep -q '^Usage: pcow status'
expect_eq "status --help" 0 $?

# Metadata-only changes: an extended attribute set, one removed, a time.
# status says T, diff names each, commit applies them (a later overlay
# that sets the same values is no change).
X="$T/x"
mkdir -p "$X" && printf 'a\n' >"$X/attr" && printf 'u\n' >"$X/unset" && printf 't\n' >"$X/time"
if "$DRIVE" xs0 xattr "$X/unset" user.k old 2>xattr.err; then
	"$PCOW" commit xs0 >/dev/null || fail "commit of an extended attribute exits $?"
	"$DRIVE" xs xattr "$X/attr" user.k v1 xattr "$X/unset" user.k - touch "$X/time" 978307200
	expect_eq "cowdrive sets and removes attributes, sets a time" 0 $?
	expect_eq "status: T for each metadata-only change" "T /x/attr
T /x/time
T /x/unset" "$("$PCOW" status xs | sed "s|$T||g")"
	out=$(TZ=UTC "$PCOW" diff xs | sed "s|$T||g")
	expect_eq "diff: a line for each" "extended attributes changed /x/attr: user.k
modification time changed /x/time: $(TZ=UTC date -r "$X/time" '+%Y-%m-%d %H:%M:%S.%N +0000') -> 2001-01-01 00:00:00.000000000 +0000
extended attributes changed /x/unset: user.k" "$out"
	"$PCOW" commit xs >/dev/null
	expect_eq "commit of metadata-only changes exits 0" 0 $?
	expect_eq "the time is committed" 978307200 "$(stat -c %Y "$X/time")"
	"$DRIVE" xs2 xattr "$X/attr" user.k v1 xattr "$X/unset" user.j x xattr "$X/unset" user.j -
	expect_eq "the attributes are committed (the same values again are no change)" "" \
		"$("$PCOW" status xs2)"
else
	echo "# no user extended attributes on $T: $(cat xattr.err)"
fi

# A store that only holds a trace log (pcow trace --no-cow): no changes.
"$PCOW" trace -q --no-cow --store logonly -- true
expect_eq "status of a log-only store" "" "$("$PCOW" status logonly)"

# The store: searchable, not listable, so that a program's processes that
# dropped root reach their upper files; the log, its owner's only.
chmod 755 "$T" # mktemp's 0700 would itself stop them (and be warned about)
mkdir -p P/bin
"$PCOW" trace -q --cow "$T/P" --store ps -- sh -c \
	'printf "#!/bin/sh\necho from the overlay\n" >P/bin/ovprog && chmod +x P/bin/ovprog'
expect_eq "the store and upper/ are 0711, work/ 0700, log.db 0600" "711 711 700 600" \
	"$(stat -c %a ps ps/upper ps/work ps/log.db | tr '\n' ' ' | sed 's/ $//')"
# A program a run made in the overlay is found along PATH by a later run.
out=$(PATH="$T/P/bin:$PATH" "$PCOW" trace -q --cow "$T/P" --store ps -- ovprog 2>&1)
expect_eq "a program in the overlay is found by name" "from the overlay" "$out"
expect_eq "it is not there for real" "absent" "$([ -e P/bin/ovprog ] && echo present || echo absent)"
out=$(PATH="$T/P/bin:$PATH" "$PCOW" trace -q --no-cow --store ps2 -- ovprog 2>&1)
expect_eq "without copy-on-write it is not found" 127 $?
# As root, a store below a directory others cannot search is said so.
if [ "$(id -u)" -eq 0 ]; then
	mkdir -m 700 priv
	err=$("$PCOW" trace --cow "$T/P" --store priv/st -- true 2>&1 >/dev/null)
	expect_match "a store under a 0700 directory: warned" \
		"priv is not searchable by other users \(mode 0700\)" "$err"
	err=$("$PCOW" trace --cow "$T/P" --store ps -- true 2>&1 >/dev/null)
	expect_eq "a reachable store: no warning" "" "$(echo "$err" | grep 'not searchable')"
fi

finish
