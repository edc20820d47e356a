#!/bin/sh
# Mounts inside the scope (issue 3's "every flag", issue 8's openat2 with
# RESOLVE_ flags): openat2 with RESOLVE_NO_XDEV walks through the overlay
# as the kernel walks (EXDEV into a mount, out of one by ".." or an
# absolute link, a magic link to another mount, an absolute link before
# the walk took its root; writes on one mount go to the overlay), and a
# mount point is busy (EBUSY) for rename, rename over and rmdir, in the
# overlay too, even after something below it was copied up.  Every
# answer is compared with a native run in a twin tree with the same
# mount, and the real tree, the mount's files included, stays as it was.
# pcow replay of the run skips what the mount made (it rebuilds the tree
# on one file system) and finds no divergence.
# Needs root (a tmpfs mounted in the tree).
. "${top_srcdir:-.}/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "mounting a tmpfs in the tree needs root"
trap 'umount "$T/r/mnt" "$T/native/mnt" 2>/dev/null; rm -rf "$T"' EXIT
mk() {
	mkdir "$1" "$1/mnt" && echo orig >"$1/f" && ln -s "$T/$1/f" "$1/abs" &&
		mount -t tmpfs -o mode=0755 tmpfs "$1/mnt" 2>/dev/null &&
		echo g >"$1/mnt/g" && ln -s "$T/$1/f" "$1/mnt/abs"
}
mk native || skip "cannot mount a tmpfs here"
mk r || harness "cannot make the tree"
snap() { (cd r && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort && cat f mnt/g); }
before=$(snap)

"$PROGS/bypass" --mounts "$T/native" >native.out 2>&1
expect_eq "bypass --mounts exits 0 natively" 0 $?
"$PCOW" trace -q --store st --cow "$T/r" -- "$PROGS/bypass" --mounts "$T/r" >pcow.out 2>err
expect_eq "bypass --mounts exits 0 under pcow" 0 $?
expect_eq "nothing on stderr" "" "$(cat err)"

# The kernel's answers, so that a change of them shows here.
expect_eq "NO_XDEV into the mount: EXDEV natively" "noxdev_into_mount EXDEV" \
	"$(grep '^noxdev_into_mount ' native.out)"
expect_eq "a mount point is busy natively" "rmdir_mount_point EBUSY" \
	"$(grep '^rmdir_mount_point' native.out)"
while read -r name rest; do
	expect_eq "$name as natively" "$name $rest" "$(grep "^$name " pcow.out)"
done <native.out
expect_eq "as many answers as natively" "$(wc -l <native.out)" "$(wc -l <pcow.out)"

# The writes on one mount went to the overlay, and only there.
expect_eq "the real tree is unchanged, the mount's files too" "$before" "$(snap)"
expect_eq "the overlay's f has what the native f has" "$(cat native/f)" "$(cat "st/upper$T/r/f")"
status=$("$PCOW" status st)
expect_match "the mount point is not renamed in the overlay" '^M .*/r/mnt/g$' "$status"
expect_eq "no rename in the status" "" "$(printf '%s\n' "$status" | grep '^R ')"

# pcow replay rebuilds the tree on one file system: the walks that crossed
# the mount (EXDEV) and the busy mount point (EBUSY) are skipped, not
# reported as divergences; everything else agrees.
"$PCOW" replay st >replay.out 2>&1
expect_eq "pcow replay of the run: no divergence" 0 $?
[ -z "$(grep -v '^pcow: replaying\|0 divergences' replay.out)" ] || sed 's/^/    /' replay.out | head -12
finish
