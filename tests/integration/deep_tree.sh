#!/bin/sh
# A tree 10,000 directories deep under pcow (issue 8's "deep trees"):
# the chain is real (20,000 bytes of path at the bottom, five times
# PATH_MAX); the program goes down it by relative chdir of 1,000 levels
# at a time, and at the bottom reads and appends to the real file,
# creates a file, makes a directory, renames into it, lists, then climbs
# back by "..".  Every answer must be the native run's (in a twin
# chain), the real chain must be unchanged, `pcow status` must name the
# changes and `pcow commit` must make the real tree the native run's.
# perl (perl-base is Essential): a shell refuses a cd past PATH_MAX.
. "${top_srcdir:-.}/tests/integration/lib.sh"

LEVELS=${PCOW_DEEP_LEVELS:-10000}
STEP=1000

# chain DIR: LEVELS directories "d" below DIR/deep, and "bottom" there.
chain() {
	perl -e 'my ($dir, $n) = @ARGV; chdir $dir and mkdir "deep" and chdir "deep" or exit 1;
		for (1 .. $n) { mkdir "d" and chdir "d" or exit 1 }
		open(my $f, ">", "bottom") or exit 1; print {$f} "real\n"; close $f or exit 1' \
		"$1" "$LEVELS" || harness "the chain in $1 failed"
}

# bottom DIR: what is at the bottom of DIR's chain (names, sizes, contents).
bottom() {
	perl -e 'my ($dir, $n, $step) = @ARGV; chdir "$dir/deep" or die "chdir: $!";
		for (my $i = 0; $i < $n; $i += $step) {
			my $k = $n - $i < $step ? $n - $i : $step;
			chdir join("/", ("d") x $k) or die "chdir down at $i: $!" }
		sub show { my ($rel) = @_; opendir(my $d, $rel) or die "opendir $rel: $!";
			for my $e (sort grep { !/^\.\.?$/ } readdir $d) { my $p = "$rel/$e";
				if (-d $p) { print "$p/\n"; show($p) }
				else { open(my $f, "<", $p) or die "open $p: $!"; local $/;
					my $c = <$f>; printf "%s %d %s", $p, -s $p, $c } } }
		show(".")' "$1" "$LEVELS" "$STEP"
}

# The program: down, the changes, the answers, back up.
prog='my ($n, $step) = @ARGV; $| = 1;
	for (my $i = 0; $i < $n; $i += $step) {
		my $k = $n - $i < $step ? $n - $i : $step;
		print "chdir down $k: ", (chdir(join("/", ("d") x $k)) ? "ok" : "$!"), "\n" }
	open(my $f, "<", "bottom") or die "open bottom: $!"; print "read: ", <$f>; close $f;
	open($f, ">>", "bottom") or die "append: $!"; print {$f} "appended\n"; close $f or die;
	open($f, ">", "new") or die "create: $!"; print {$f} "new\n"; close $f or die;
	print "mkdir sub: ", (mkdir("sub") ? "ok" : "$!"), "\n";
	print "mkdir sub again: ", (mkdir("sub") ? "ok" : "$!"), "\n";
	print "rename new sub/moved: ", (rename("new", "sub/moved") ? "ok" : "$!"), "\n";
	print "stat new: ", (lstat("new") ? "there" : "$!"), "\n";
	my @st = stat "bottom"; print "size of bottom: $st[7]\n";
	opendir(my $d, ".") or die; print "ls: @{[sort grep { !/^\.\.?$/ } readdir $d]}\n";
	print "rmdir ../d: ", (rmdir("../d") ? "ok" : "$!"), "\n";
	for (my $i = 0; $i < $n; $i += $step) {
		my $k = $n - $i < $step ? $n - $i : $step;
		print "chdir up $k: ", (chdir(join("/", ("..") x $k)) ? "ok" : "$!"), "\n" }
	opendir($d, ".") or die; print "top: @{[sort grep { !/^\.\.?$/ } readdir $d]}\n"'

mkdir n c || harness "mkdir"
chain "$T/n"
chain "$T/c"
before=$(bottom "$T/c") || harness "the bottom of the real chain cannot be read"

(cd "$T/n/deep" && perl -e "$prog" "$LEVELS" "$STEP") >native.out 2>&1 ||
	harness "the program fails natively: $(tail -3 native.out)"
(cd "$T/c/deep" && "$PCOW" trace -q --store "$T/s" --cow "$T/c" -- perl -e "$prog" \
	"$LEVELS" "$STEP") >pcow.out 2>err
expect_eq "the program exits 0 under pcow" 0 $?
expect_eq "nothing on stderr" "" "$(head -3 err)"
expect_eq "every answer as natively ($(wc -l <native.out) lines)" "$(cat native.out)" \
	"$(cat pcow.out)"
expect_eq "the real chain is unchanged" "$before" "$(bottom "$T/c")"

"$PCOW" status "$T/s" >status.txt 2>&1
expect_eq "pcow status: exit 0" 0 $?
deep=$(perl -e 'print join("/", ("d") x $ARGV[0])' "$LEVELS")
for line in "M $T/c/deep/$deep/bottom" "A $T/c/deep/$deep/sub" "A $T/c/deep/$deep/sub/moved"; do
	if grep -qxF "$line" status.txt; then
		pass "pcow status: ${line%% *} ...${line##*/} ($(printf %s "$line" | wc -c) bytes)"
	else
		fail "pcow status has no line '${line%% *} .../${line##*/}'"
	fi
done
expect_eq "pcow status: three changes" 3 "$(wc -l <status.txt)"

"$PCOW" commit "$T/s" >commit.txt 2>&1
rc=$?
expect_eq "pcow commit: exit 0" 0 $rc
[ $rc = 0 ] || sed 's/\(d\/\)\{20,\}/.../g; s/^/    /' commit.txt | head -5
expect_eq "after commit the bottom is the native run's" "$(bottom "$T/n")" "$(bottom "$T/c")"
finish
