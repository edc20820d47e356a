#!/bin/sh
# apt-get install -y of a small package (GNU hello) under pcow with
# --cow /: the installer runs whole (download as _apt, dpkg, triggers as
# man), the real system is untouched, the overlay holds the package, a
# later run starts the installed program by name, and a commit of part of
# it makes the real files what the program saw.
# Found by this test: an O_TMPFILE descriptor was taken for its directory
# (apt's lseek on it was answered as a directory's: "The package lists or
# status file could not be parsed"); a 0700 store refused processes that
# dropped root (apt's _apt: "Download is performed unsandboxed").
. "${top_srcdir:-.}/tests/integration/lib.sh"

PKG=hello
[ "$(id -u)" -eq 0 ] || skip "apt-get install needs root"
command -v apt-get >/dev/null && command -v dpkg >/dev/null || skip "no apt-get and dpkg (not Debian)"
if dpkg -s $PKG >/dev/null 2>&1; then skip "$PKG is already installed for real"; fi
# The package archive must be reachable (apt-get update done, network up).
(mkdir dl && cd dl && apt-get download $PKG >/dev/null 2>&1) ||
	skip "the package archive cannot be reached (apt-get download $PKG failed)"

status_before=$(md5sum /var/lib/dpkg/status)
# The store must be reachable by _apt and man: $T is 0700.
chmod 755 "$T"
"$PCOW" trace -q --cow / --store "$T/st" -- \
	apt-get install -y --no-install-recommends $PKG >apt.out 2>&1
expect_eq "apt-get install exits 0" 0 $?
expect_match "dpkg set the package up" "Setting up $PKG" "$(cat apt.out)"
expect_eq "no warning or error from apt" "" "$(grep '^[WE]:' apt.out)"

expect_eq "the real program was not installed" "absent" \
	"$([ -e /usr/bin/$PKG ] && echo present || echo absent)"
expect_eq "dpkg's real status file is unchanged" "$status_before" "$(md5sum /var/lib/dpkg/status)"
dpkg -s $PKG >/dev/null 2>&1
expect_eq "dpkg, for real, does not know the package" 1 $?

"$PCOW" status "$T/st" >status.out
expect_match "status lists the program" "^A /usr/bin/$PKG$" "$(cat status.out)"
expect_match "status lists dpkg's status file" "^M /var/lib/dpkg/status$" "$(cat status.out)"
out=$("$PCOW" trace -q --cow / --store "$T/st" -- $PKG)
expect_eq "a later run starts the installed program by name" "Hello, world!" "$out"
out=$("$PCOW" trace -q --cow / --store "$T/st" -- dpkg -s $PKG | grep '^Status')
expect_eq "dpkg in the overlay knows it" "Status: install ok installed" "$out"

# Commit the documentation only (the rest would install it for real).
doc=/usr/share/doc/$PKG
seen=$("$PCOW" trace -q --cow / --store "$T/st" -- cat $doc/copyright | md5sum)
"$PCOW" commit "$T/st" $doc >commit.out 2>&1
expect_eq "commit of $doc exits 0" 0 $?
expect_eq "the committed copyright is what the program saw" "$seen" "$(md5sum <$doc/copyright)"
rm -rf $doc
expect_eq "the program is still only in the overlay" "absent" \
	"$([ -e /usr/bin/$PKG ] && echo present || echo absent)"
finish
