#!/bin/sh
# The copy-on-write scope, traced (the rules alone have unit tests):
#   --rw DIR         a change below DIR reaches the real file and is no
#                    change of the store (creations, links and renames
#                    too, even past an ancestor copied up); one elsewhere
#                    in the scope lands in the overlay;
#   --cow A --cow B  both overlaid; a directory in neither is written for real;
#   no --cow         the whole file system is the scope (but /proc, /sys,
#                    /dev and the store): a real file written lands in the
#                    overlay, /dev/null takes writes.
# Each checks what the program saw, the real files, pcow status line by
# line, and that pcow commit then leaves what the program saw.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# tree DIR: f, rw/g, sub/h
tree() {
	mkdir -p "$1/rw" "$1/sub" && printf 'f\n' >"$1/f" && printf 'g\n' >"$1/rw/g" &&
		printf 'h\n' >"$1/sub/h" || harness "tree $1"
}

# ---- --rw DIR inside the --cow scope
tree "$T/c"
out=$("$PCOW" trace -q --store "$T/s1" --cow "$T/c" --rw "$T/c/rw" -- sh -c '
	echo F >c/f && echo G >c/rw/g && echo N >c/rw/new && mkdir c/rw/d &&
	ln -s g c/rw/sl && echo H >c/sub/h && cat c/f c/rw/g c/rw/new c/sub/h' 2>&1)
expect_eq "--rw: exit status and what the program read" "F
G
N
H" "$out"
expect_eq "--rw: the real file below DIR is written" "G" "$(cat "$T/c/rw/g")"
expect_eq "--rw: a new file below DIR (past a copied-up ancestor) is real" "N" \
	"$(cat "$T/c/rw/new" 2>&1)"
[ -d "$T/c/rw/d" ] && [ "$(readlink "$T/c/rw/sl")" = g ] &&
	pass "--rw: mkdir and symlink below DIR are real" ||
	fail "--rw: mkdir or symlink below DIR is not real: $(ls -l "$T/c/rw")"
expect_eq "--rw: the real files outside DIR are unchanged" "f
h" "$(cat "$T/c/f" "$T/c/sub/h")"
expect_eq "--rw: pcow status lists the changes outside DIR only" "M $T/c/f
M $T/c/sub/h" "$("$PCOW" status "$T/s1" 2>&1)"
"$PCOW" commit "$T/s1" >/dev/null 2>&1
expect_eq "--rw: pcow commit exits 0" 0 $?
expect_eq "--rw: after commit, what the program saw" "F
G
N
H" "$(cat "$T/c/f" "$T/c/rw/g" "$T/c/rw/new" "$T/c/sub/h")"

# rename and link below DIR, once an ancestor in the scope is copied up
# (the walks go through the overlay): the kernel does them for real.
out=$("$PCOW" trace -q --store "$T/s1b" --cow "$T/c" --rw "$T/c/rw" -- sh -c '
	echo F2 >c/f && ln c/rw/g c/rw/hard && mv c/rw/d c/rw/d2 && mv c/rw/hard c/rw/hard2 &&
	mv c/rw/d2/ c/rw/d3/ && ls c/rw' 2>&1)
expect_eq "--rw: link and rename below DIR past a copied-up ancestor" "d3
g
hard2
new
sl" "$out"
[ "$(stat -c %i "$T/c/rw/g")" = "$(stat -c %i "$T/c/rw/hard2" 2>/dev/null)" ] && [ -d "$T/c/rw/d3" ] &&
	pass "--rw: the link and the renames are real" ||
	fail "--rw: the link or a rename is not real: $(ls -li "$T/c/rw")"
expect_eq "--rw: pcow status lists only the change outside DIR" "M $T/c/f" \
	"$("$PCOW" status "$T/s1b" 2>&1)"

# --cow below /proc, /sys or /dev: refused (pcow passes those trees to the
# kernel, so the program's writes there would reach the real files).
if [ -d /dev/shm ]; then
	d=$(mktemp -d /dev/shm/pcow-scope.XXXXXX) || harness "mktemp in /dev/shm"
	"$PCOW" trace -q --store "$T/s1c" --cow "$d" -- sh -c "echo x >$d/f" >out 2>err
	expect_eq "--cow below /dev: pcow exits 125" 125 $?
	expect_match "--cow below /dev: says why" "below /dev, which pcow never makes copy-on-write" \
		"$(cat err)"
	[ ! -e "$d/f" ] && pass "--cow below /dev: the program did not run" ||
		fail "--cow below /dev: $d/f was written"
	rm -rf "$d"
fi
"$PCOW" trace -q --store "$T/s1c" --cow /proc/self -- true 2>err
expect_eq "--cow below /proc: pcow exits 125" 125 $?

# ---- --cow A --cow B; C outside
tree "$T/A" && tree "$T/B" && tree "$T/C"
out=$("$PCOW" trace -q --store "$T/s2" --cow "$T/A" --cow "$T/B" -- sh -c '
	echo A >A/f && echo B >B/f && echo C >C/f && echo new >A/new && rm B/sub/h &&
	rm C/rw/g && cat A/f B/f C/f A/new && ls B/sub C/rw' 2>&1)
expect_eq "--cow A --cow B: exit status and what the program saw" "A
B
C
new
B/sub:

C/rw:" "$out"
expect_eq "--cow A --cow B: the real files of A and B are unchanged" "f
f
g
h" "$(cat "$T/A/f" "$T/B/f" "$T/B/rw/g" "$T/B/sub/h")"
[ ! -e "$T/A/new" ] && pass "--cow A --cow B: no new real file in A" ||
	fail "--cow A --cow B: A/new is real"
expect_eq "--cow A --cow B: C, outside both, is written for real" "C" "$(cat "$T/C/f")"
[ ! -e "$T/C/rw/g" ] && pass "--cow A --cow B: a deletion in C is real" ||
	fail "--cow A --cow B: C/rw/g is still there"
expect_eq "--cow A --cow B: pcow status lists A and B" "M $T/A/f
A $T/A/new
M $T/B/f
D $T/B/sub/h" "$("$PCOW" status "$T/s2" 2>&1)"
"$PCOW" commit "$T/s2" >/dev/null 2>&1
expect_eq "--cow A --cow B: pcow commit exits 0" 0 $?
expect_eq "--cow A --cow B: after commit, what the program saw" "A
B
new
absent" "$(cat "$T/A/f" "$T/B/f" "$T/A/new"; [ -e "$T/B/sub/h" ] || echo absent)"

# ---- no --cow: the whole file system but /proc, /sys, /dev and the store
tree "$T/d"
out=$(T=$T "$PCOW" trace -q --store "$T/s3" -- sh -c '
	echo x >"$T/d/f" && echo new >"$T/d/new" && echo y >/dev/null &&
	grep -c "^Pid:" /proc/self/status && cat "$T/d/f" "$T/d/new"' 2>&1)
expect_eq "default scope: exit status and what the program saw" "1
x
new" "$out"
expect_eq "default scope: the real file is unchanged" "f" "$(cat "$T/d/f")"
[ ! -e "$T/d/new" ] && pass "default scope: no new real file" ||
	fail "default scope: $T/d/new is real"
[ -c /dev/null ] && [ ! -s /dev/null ] && pass "default scope: /dev/null is still itself" ||
	fail "default scope: /dev/null changed"
expect_eq "default scope: pcow status lists the file and the new one" "M $T/d/f
A $T/d/new" "$("$PCOW" status "$T/s3" 2>&1)"
"$PCOW" commit "$T/s3" >/dev/null 2>&1
expect_eq "default scope: pcow commit exits 0" 0 $?
expect_eq "default scope: after commit, what the program saw" "x
new" "$(cat "$T/d/f" "$T/d/new")"
finish
