#!/bin/sh
# Ways around the path layer (issue 8, doc/security.md): a system call
# number pcow does not know and a changing call it does not model are
# refused with ENOSYS and logged as denied; openat2 with RESOLVE_ flags
# reads and writes like the kernel (RESOLVE_NO_XDEV across mounts:
# mounts.sh); a writable
# shared mapping of a read-only descriptor fails as natively; a script
# changed in the overlay and run by descriptor (execveat AT_EMPTY_PATH) is
# the overlay's; /proc/PID/cwd and /proc/PID/root of another traced
# process lead into the overlay; a descriptor opened through a symlink
# stays on what the kernel opened when the link is pointed elsewhere
# (openat through it once wrote the real file); a descriptor that could
# write a real file, passed over a unix socket by a process pcow does not
# trace, is closed before the program sees it.  Every other answer is
# the kernel's, and the real files never change.
. "${top_srcdir:-.}/tests/integration/lib.sh"

mk() {
	mkdir "$1" && for n in f g h; do echo orig >"$1/$n"; done &&
		printf '#!/bin/sh\necho real\n' >"$1/x" && chmod +x "$1/x"
}
mk r && mk native && mkdir out && : >out/h || harness "cannot make the trees"
snap() { (cd r && find . -printf '%p %y %m %s\n' | LC_ALL=C sort && cat f g h x); }
before=$(snap)

"$PROGS/bypass" "$T/native" "$T/out" >native.out 2>&1
expect_eq "bypass exits 0 natively" 0 $?
: >out/h
"$PCOW" trace -q --store st --cow "$T/r" -- "$PROGS/bypass" "$T/r" "$T/out" >pcow.out 2>err
expect_eq "bypass exits 0 under pcow" 0 $?

# What pcow refuses, against what the kernel did.
expect_eq "an unknown call: ENOSYS natively" "unknown_syscall ENOSYS" \
	"$(grep '^unknown_syscall' native.out)"
expect_eq "an unknown call: ENOSYS under pcow" "unknown_syscall ENOSYS" \
	"$(grep '^unknown_syscall' pcow.out)"
if grep -q '^setxattrat ENOSYS' native.out; then
	echo "    (this kernel has no setxattrat: the refusal is the kernel's)"
else
	expect_eq "setxattrat: ENOSYS under pcow (not modelled)" "setxattrat ENOSYS" \
		"$(grep '^setxattrat' pcow.out)"
fi
log=$("$PCOW" log st --failed)
expect_match "the unknown call is logged as denied" 'syscall_0x3e8\(.*ENOSYS.*\(denied\)' "$log"
expect_match "setxattrat is logged as denied" 'setxattrat\(.*ENOSYS.*\(denied\)' "$log"

# Everything else as natively.
for name in openat2_resolve_read openat2_resolve_write openat2_noxdev_write openat2_plain_write mmap_shared_write_rdonly_fd \
	mmap_shared_read mprotect_shared_write execveat_empty_path proc_pid_cwd_open \
	proc_pid_cwd_write proc_pid_root_open proc_pid_root_write relink_dirfd_open \
	relink_dirfd_write; do
	expect_eq "$name as natively" "$(grep "^$name " native.out)" "$(grep "^$name " pcow.out)"
done
expect_eq "execveat(AT_EMPTY_PATH) ran the overlay's script" "overlay" "$(grep -x 'overlay\|real' pcow.out)"
expect_eq "mmap(MAP_SHARED, PROT_WRITE) of a read-only descriptor: EACCES" \
	"mmap_shared_write_rdonly_fd EACCES" "$(grep '^mmap_shared_write_rdonly_fd' pcow.out)"

expect_eq "the real files are unchanged" "$before" "$(snap)"
expect_eq "the directory the symlink points at later is untouched" "" "$(cat out/h)"
"$PCOW" diff st >diff.out 2>&1
expect_match "the write through /proc/PID/cwd is in the overlay" '^\+via-cwd$' "$(cat diff.out)"
expect_match "the write through /proc/PID/root is in the overlay" '^\+via-root$' "$(cat diff.out)"
expect_match "the write through the relinked descriptor is in the overlay" '^\+relink$' \
	"$(cat diff.out)"
"$PCOW" commit st >/dev/null 2>&1
expect_eq "after commit the tree equals the native run's" \
	"$(cat native/f native/g native/h native/x)" "$(cat r/f r/g r/h r/x)"

# A descriptor passed over a unix socket by a process pcow does not
# trace: one open for writing on a real file in the scope is closed in
# the program before it sees the message (EBADF), and the call is logged
# as denied; a read-only one and one of a file outside the scope work.
# Natively the first writes the file: the attack is real.
mkdir fp && echo orig >fp/f && echo orig >fp/n && : >out/o || harness "fdpass files"
# serve NAME MODE ARG...: an untraced fdpass MODE on fp/NAME.sock, listening
serve() {
	n=$1 m=$2
	shift 2
	"$PROGS/fdpass" "$m" "$T/fp/$n.sock" "$@" >"fp/$n.srv" 2>&1 &
	i=0
	while [ ! -S "fp/$n.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
fdpass() { # fdpass NAME REAL [pcow trace options | "native"] [mmsg]
	serve "$1" serve "$2" "$T/out/o"
	if [ "$3" = native ]; then
		"$PROGS/fdpass" recv "$T/fp/$1.sock" ${4:-}
	else
		"$PCOW" trace -q $3 --store "st-$1" --cow "$T/r" --cow "$T/fp" -- \
			"$PROGS/fdpass" recv "$T/fp/$1.sock" ${4:-}
	fi
	wait
}
expect_eq "fd passing natively: the writable descriptor writes" "fd0 write 2
fd1 read orig
fd2 write 2" "$(fdpass native "$T/fp/n" native)"
for how in "all --log=all" "allm --log=all mmsg" "file --log=file" "filem --log=file mmsg" \
	"none --log=none"; do
	set -- $how
	expect_eq "fd passing ($2${3:+, recvmmsg}): the real file's writer is closed" "fd0 write EBADF
fd1 read orig
fd2 write 2" "$(fdpass "$1" "$T/fp/f" "$2" ${3:-})"
done
expect_eq "fd passing: the real file is unchanged" "orig" "$(cat fp/f)"
expect_match "fd passing: the recvmsg is logged as denied" 'recvmsg\(.*\) = 1 \(denied\)' \
	"$("$PCOW" log st-all)"

# A directory descriptor from a process pcow does not trace: pcow saw no
# open of it, yet a listing through it must be the merged one, and fchdir
# to it must move the directory relative names start from.  Before: the
# real listing, without the overlay's file, and open("new") looked in the
# old cwd (ENOENT).
mkdir fp/d && : >fp/d/old || harness "fdpass dir"
serve dn servedir "$T/fp/d"
(cd fp && sh -c 'echo top >d/new && exec "$1" recvdir "$2"' sh "$PROGS/fdpass" "$T/fp/dn.sock") \
	>fpdir.native 2>&1
wait
rm fp/d/new
serve dc servedir "$T/fp/d"
(cd fp && "$PCOW" trace -q --store "$T/st-dir" --cow "$T/fp" -- \
	sh -c 'echo top >d/new && exec "$1" recvdir "$2"' sh "$PROGS/fdpass" "$T/fp/dc.sock") \
	>fpdir.cow 2>&1
wait
expect_match "a received directory descriptor: natively, the new file is listed" '^entry new$' \
	"$(cat fpdir.native)"
expect_eq "a received directory descriptor: listing and fchdir as natively" \
	"$(cat fpdir.native)" "$(cat fpdir.cow)"
expect_eq "a received directory descriptor: the real directory is unchanged" "old" "$(ls fp/d)"
finish
