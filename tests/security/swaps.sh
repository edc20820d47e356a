#!/bin/sh
# Races against pcow's checks (issue 8, "Path swap"): a second thread
# changes what a call names between pcow's check and the kernel's read.
# - openat2's struct open_how flipped between O_RDONLY and
#   O_WRONLY|O_APPEND: pcow pins the struct it checked, so a read-only
#   open never becomes a writing one (each try is a file pcow has not
#   copied up yet);
# - chdir's path flipped between a directory outside the scope and a real
#   one inside: pcow pins the path, so its idea of the cwd is the
#   kernel's, and a later relative open for writing lands where pcow
#   thinks it does;
# - a symlink outside the scope renamed over, in turn, by one to a file
#   outside and one to a real file inside, while the first thread opens
#   it for appending: pcow's walk and the kernel's must see the same
#   link, which the tracer's serial lock ensures (no rename runs while a
#   changing call pcow let through is in the kernel);
# - the same with links to two directories, opened read-only as
#   directories, and a file opened for appending through the descriptor:
#   after a passed open, pcow takes the descriptor's path from the
#   kernel, not from its own walk.
# - a directory descriptor's number dup2()'d over, in turn, by one of a
#   directory outside and one of a real directory, while the first thread
#   opens "f" for appending through the number; and the same with the cwd
#   and fchdir: pcow gives the kernel the path it checked made absolute,
#   so the kernel's descriptor table and cwd are not looked at.
# All six changed real files before their defences (tried: 114 of 500
# files; every relative write; about one open in three; about half;
# 7,326 of 20,000 appends through the dup2'd number).
# The lock must not hang a program whose holder blocks: a writer of a
# FIFO waits for a reader that first removes and renames files.
. "${top_srcdir:-.}/tests/integration/lib.sh"

mkdir -p r/many r/d out && echo orig >r/d/f && : >out/f && : >out/x ||
	harness "cannot make the trees"
i=0
while [ $i -lt 500 ]; do echo orig >r/many/f$i; i=$((i + 1)); done

out=$("$PCOW" trace -q --store st-how --cow "$T/r" -- "$PROGS/swap" how "$T/out/x" "$T/r/many" 500)
expect_eq "openat2 with a flipped open_how: the writes went somewhere" "writes some" "$out"
expect_eq "openat2 with a flipped open_how: every real file unchanged" "500 orig" \
	"$(cat r/many/* | sort | uniq -c | sed 's/^ *//')"
expect_match "openat2 with a flipped open_how: the writes are in the overlay" \
	'^M .*/r/many/f' "$("$PCOW" status st-how)"

out=$("$PCOW" trace -q --store st-cd --cow "$T/r" -- "$PROGS/swap" chdir "$T/out" "$T/r/d" 5000)
expect_eq "chdir with a flipped path: the writes went somewhere" "writes some" "$out"
expect_eq "chdir with a flipped path: the real file unchanged" "orig" "$(cat r/d/f)"

echo orig >r/f || harness "cannot make r/f"
out=$("$PCOW" trace -q --store st-link --cow "$T/r" -- "$PROGS/swap" link "$T/out/x" "$T/r/f" 5000)
expect_eq "a swapped symlink: the writes went somewhere" "writes some" "$out"
expect_eq "a swapped symlink: the real file unchanged" "orig" "$(cat r/f)"

out=$("$PCOW" trace -q --store st-dirlink --cow "$T/r" -- "$PROGS/swap" dirlink "$T/out" "$T/r/d" 5000)
expect_eq "a swapped directory symlink: the writes went somewhere" "writes some" "$out"
expect_eq "a swapped directory symlink: the real file unchanged" "orig" "$(cat r/d/f)"

for m in dup2 fchdir; do
	out=$("$PCOW" trace -q --store st-$m --cow "$T/r" -- "$PROGS/swap" $m "$T/out" "$T/r/d" 5000)
	expect_eq "a directory $m'd over by another thread: the writes went somewhere" "writes some" "$out"
	expect_eq "a directory $m'd over by another thread: the real file unchanged" "orig" "$(cat r/d/f)"
done

for where in out r; do
	mkdir "$T/$where/fifo" && touch "$T/$where/fifo/x" "$T/$where/fifo/y" ||
		harness "cannot make $where/fifo"
	out=$(timeout 60 "$PCOW" trace -q --store st-fifo-$where --cow "$T/r" -- sh -c '
		cd "$1" && mkfifo p && { (sleep 0.3; rm -f x; mv y z; cat p) & }
		echo hi >p; wait; ls' sh "$T/$where/fifo")
	expect_eq "a FIFO writer waiting for a reader that renames first ($where)" "hi
p
z" "$out"
done
finish
