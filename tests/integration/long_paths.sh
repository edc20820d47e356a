#!/bin/sh
# Paths up to and past PATH_MAX under pcow (issue 8):
#   - fsops longpath: an absolute name of 4095 bytes (PATH_MAX with its
#     NUL: the longest the kernel takes), one of 4096 (refused), and a
#     relative one of 4095 whose absolute form is longer than PATH_MAX,
#     in a chain the program makes (so every object is in the overlay,
#     where STORE/upper is put before the path);
#   - fsops deepcwd: a working directory 5,000 bytes deep in a real
#     chain, where the program reads, appends to, renames and lists real
#     files by short relative names, and makes and removes its own;
# each must give the native results; the real chain must be unchanged;
# then `pcow status` must name the changes and `pcow commit` must make
# the real tree equal to the native run's.
#
# pcow works on absolute paths; past PATH_MAX it gives the kernel names
# through symbolic links in STORE/links/ (cow/longpath.c).
. "${top_srcdir:-.}/tests/integration/lib.sh"

FSOPS="$PROGS/fsops"
[ -x "$FSOPS" ] || harness "$FSOPS is not built"
. "${top_srcdir:-.}/tests/integration/fsops_tree.sh"

# deep_chain DIR: DIR/deepcwd/ and 25 directories of 200 bytes below it,
# a file f at the bottom, and DIR/dl, a link to the 19th level.  perl (perl-base is Essential), because a shell
# keeps $PWD and refuses a cd past PATH_MAX.
deep_chain() {
	perl -e 'chdir $ARGV[0] and mkdir "deepcwd" and chdir "deepcwd" or exit 1;
		for (1 .. 25) { mkdir "d" x 200 and chdir "d" x 200 or exit 1 }
		open(my $f, ">", "f") or exit 1; print {$f} "bottom\n"; close $f or exit 1;
		chdir $ARGV[0] and symlink("deepcwd" . ("/" . "d" x 200) x 19, "dl") or exit 1' "$1" ||
		harness "deep chain in $1 failed"
}

# listing DIR: every object below DIR (path, type, mode, size, and a
# checksum of a file's content or a link's target), in a stable order,
# walked by relative chdir (past PATH_MAX).
listing() {
	perl -e '
		sub walk { my ($rel) = @_; opendir(my $d, ".") or die "opendir $rel: $!";
			for my $n (sort grep { $_ ne "." && $_ ne ".." } readdir $d) {
				my @st = lstat $n or die "lstat $rel/$n: $!";
				my $p = $rel eq "" ? $n : "$rel/$n"; my $extra = "";
				if (-l _) { $extra = readlink $n }
				elsif (-f _) { open(my $f, "<", $n) or die "open $p: $!";
					local $/; my $c = <$f>; $extra = unpack("%32W*", $c) }
				printf "%s %o %d %s\n", $p, $st[2], -d _ ? 0 : $st[7], $extra;
				if (-d _ && !-l _) { chdir $n or die "chdir $p: $!"; walk($p);
					chdir ".." or die "chdir ..: $!" } } }
		chdir $ARGV[0] or die "chdir $ARGV[0]: $!"; walk("")' "$1" ||
		harness "listing of $1 failed"
}

# Trees at paths of the same length, so the chains are the same depth.
setup "$T/n" && setup "$T/c" || harness "setup failed"
deep_chain "$T/n"
deep_chain "$T/c"
listing "$T/c" >real_before.txt

for scen in longpath deepcwd; do
	(cd "$T/n" && "$FSOPS" "$scen") >"native_$scen.out" 2>&1 ||
		harness "fsops $scen failed natively"
	(cd "$T/c" && "$PCOW" trace -q --store "$T/s" --cow "$T/c" -- "$FSOPS" "$scen") \
		>"cow_$scen.out" 2>&1
	expect_eq "fsops $scen under pcow: exit 0" 0 $?
	if cmp -s "native_$scen.out" "cow_$scen.out"; then
		pass "fsops $scen: the same results as natively ($(wc -l <"native_$scen.out") lines)"
	else
		fail "fsops $scen: results differ from native"
		diff "native_$scen.out" "cow_$scen.out" | sed 's/d\{200\}/D/g; s/^/    /'
	fi
done
grep -q 'getcwd() = -1 ENAMETOOLONG' native_deepcwd.out ||
	harness "the native deepcwd run did not reach past a page"

# A descriptor 5,000 bytes deep opened through a real link (dl) the
# program then points outside the scope, with an empty overlay (pcow's
# quiet open): the write through it must land in the overlay, not in
# ../out.
mkdir "$T/out" || harness "mkdir out failed"
(cd "$T/n" && "$FSOPS" deeplink) >native_deeplink.out 2>&1 || harness "fsops deeplink failed natively"
(cd "$T/c" && "$PCOW" trace -q --store "$T/s2" --cow "$T/c" -- "$FSOPS" deeplink) \
	>cow_deeplink.out 2>&1
expect_eq "fsops deeplink under pcow: exit 0" 0 $?
if cmp -s native_deeplink.out cow_deeplink.out; then
	pass "fsops deeplink: the same results as natively"
else
	fail "fsops deeplink: results differ from native"
	diff native_deeplink.out cow_deeplink.out | sed 's/^/    /'
fi
expect_eq "nothing was written outside the scope" "" "$(ls -A "$T/out")"
"$PCOW" status "$T/s2" >status2.txt 2>&1
expect_match "the write through the descriptor is in the overlay" "^A $T/c/deepcwd/.*/h\$" \
	"$(cat status2.txt)"

listing "$T/c" >real_after.txt
if cmp -s real_before.txt real_after.txt; then
	pass "the real tree is unchanged after both runs"
else
	fail "the real tree changed under pcow"
	diff real_before.txt real_after.txt | sed 's/d\{200\}/D/g; s/^/    /' | head -20
fi

"$PCOW" status "$T/s" >status.txt 2>&1
expect_eq "pcow status: exit 0" 0 $?
for change in "R $T/c/deepcwd/.*/f -> $T/c/deepcwd/.*/f.moved\$" \
	"A $T/c/deepcwd/.*/new\$" "A $T/c/deepcwd/.*/new.sym\$" "A $T/c/longpath\$"; do
	if grep -q "^$change" status.txt; then
		pass "pcow status: ${change%% *} $(basename "$change" | tr -d '$')"
	else
		fail "pcow status has no line '$change'"
		sed 's/d\{200\}/D/g; s/^/    /' status.txt | head -20
	fi
done

"$PCOW" commit "$T/s2" >commit2.txt 2>&1 || harness "commit of the deeplink store failed"
"$PCOW" commit "$T/s" >commit.txt 2>&1
rc=$?
expect_eq "pcow commit: exit 0" 0 $rc
[ $rc = 0 ] || sed 's/d\{200\}/D/g; s/^/    /' commit.txt | head -20
listing "$T/n" | sed "s|$T/n|T|g" >native_tree.txt
listing "$T/c" | sed "s|$T/c|T|g" >committed_tree.txt
if cmp -s native_tree.txt committed_tree.txt; then
	pass "after commit the real tree equals the native run's ($(wc -l <native_tree.txt) lines)"
else
	fail "after commit the real tree differs from the native run's"
	diff native_tree.txt committed_tree.txt | sed 's/d\{200\}/D/g; s/^/    /' | head -20
fi
finish
