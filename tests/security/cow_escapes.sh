#!/bin/sh
# Ways around the overlay must not change the real files: writes through
# /proc/self/fd/N and /proc/self/cwd, through a symlink made in the
# overlay that points at a real file, through a hard link, through
# O_PATH + AT_EMPTY_PATH and a directory descriptor; io_uring, file
# handles, mount, chroot and pivot_root are refused with the errno the
# issue names; 32-bit int 0x80 file calls are refused; a path swapped by
# another thread after pcow's check is never the one the kernel uses; a
# real directory outside the scope that pcow walked before and the program
# then replaced by a symbolic link into the scope leads into the overlay.
. "${top_srcdir:-.}/tests/integration/lib.sh"

mkdir r && echo orig >r/f && echo orig >r/g && echo orig >r/h && mkdir r/d && echo orig >r/attr &&
	mkdir r/m && echo orig >r/m/e
snap() { (cd r && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort && cat f g h m/e); }
before=$(snap)

"$PCOW" trace -q --store st --cow "$T/r" -- sh -c '
	exec 3<r/f; echo via-proc-fd >/proc/self/fd/3; exec 3<&-
	echo via-proc-cwd >/proc/self/cwd/r/g
	ln -s g r/lnk && echo via-symlink >>r/lnk
	ln r/h r/hard && echo via-hardlink >>r/hard
	cat r/f r/g r/h' >out 2>err
expect_eq "shell exits 0" 0 $?
expect_eq "the program sees its writes" "via-proc-fd
via-proc-cwd
via-symlink
orig
via-hardlink" "$(cat out)"
expect_eq "real files unchanged by /proc/self/fd, /proc/self/cwd, symlink, hard link" \
	"$before" "$(snap)"

"$PCOW" trace -q --store st --cow "$T/r" -- "$PROGS/escape" "$T/r/f" "$T/r/d" "$T/r/attr" >out 2>err
expect_eq "escape exits 0" 0 $?
expect_eq "O_PATH open works" "opath 0" "$(grep '^opath' out)"
expect_eq "fchownat(AT_EMPTY_PATH) is emulated" "fchownat_empty 0" "$(grep '^fchownat_empty' out)"
expect_eq "linkat(AT_EMPTY_PATH) of a real file to a name outside the scope: EXDEV" \
	"linkat_empty EXDEV" "$(grep '^linkat_empty ' out)"
expect_eq "linkat(AT_EMPTY_PATH) of a real file inside the scope works" \
	"linkat_empty_in_scope 0" "$(grep '^linkat_empty_in_scope' out)"
expect_eq "... and writing the new name works" "write_flinked 8" "$(grep '^write_flinked' out)"
expect_eq "reopen through /proc/self/fd works" "reopen_proc_fd 0" "$(grep '^reopen_proc_fd' out)"
expect_eq "create through a dirfd works" "create_via_dirfd 0" "$(grep '^create_via_dirfd' out)"
expect_eq "io_uring_setup: ENOSYS" "io_uring_setup ENOSYS" "$(grep '^io_uring_setup' out)"
expect_eq "name_to_handle_at: EOPNOTSUPP" "name_to_handle_at EOPNOTSUPP" "$(grep '^name_to_handle_at' out)"
expect_eq "open_by_handle_at: EOPNOTSUPP" "open_by_handle_at EOPNOTSUPP" "$(grep '^open_by_handle_at' out)"
expect_eq "mount: EPERM" "mount EPERM" "$(grep '^mount' out)"
expect_eq "umount2: EPERM" "umount2 EPERM" "$(grep '^umount2' out)"
expect_eq "chroot: EPERM" "chroot EPERM" "$(grep '^chroot' out)"
expect_eq "pivot_root: EPERM" "pivot_root EPERM" "$(grep '^pivot_root' out)"
expect_eq "real files unchanged by the descriptor tricks" "$before" "$(snap)"
expect_eq "a real directory renamed under an open descriptor of it" "rename_under_dirfd 0" \
	"$(grep '^rename_under_dirfd' out)"
expect_eq "... a real file below it written through that descriptor" "write_via_stale_dirfd 8" \
	"$(grep '^write_via_stale_dirfd' out)"
expect_eq "renameat2(RENAME_WHITEOUT): EINVAL" "renameat2_whiteout EINVAL" \
	"$(grep '^renameat2_whiteout' out)"
log=$("$PCOW" log st --syscall io_uring_setup,mount,chroot)
expect_match "refused calls are logged as denied" 'io_uring_setup.*= -1 ENOSYS .*\(denied\)' "$log"
expect_match "RENAME_WHITEOUT (0x4) is logged as denied" 'renameat2\(.*, 0x4\) = -1 EINVAL .*\(denied\)' \
	"$("$PCOW" log st --syscall renameat2)"
(cd st/upper && find . -path '*/m2/e' -exec cat {} +) >m2e.out
expect_eq "... the write landed in the overlay's copy" "orig
escaped" "$(cat m2e.out)"
"$PCOW" status st >status.out
expect_match "status lists the file created through the dirfd" 'A .*/r/d/through_dirfd' "$(cat status.out)"
expect_eq "int 0x80 open of a real file: ENOSYS" "int80_open ENOSYS" "$(grep '^int80_open' out)"
expect_eq "int 0x80 io_uring_setup: ENOSYS" "int80_io_uring_setup ENOSYS" \
	"$(grep '^int80_io_uring_setup' out)"
if grep -q '^fs_ioc_setflags unsupported' out; then
	echo "    (the file system of $T has no inode flags: chattr not tested)"
else
	expect_eq "chattr +d through a read-only descriptor: EOPNOTSUPP" \
		"fs_ioc_setflags EOPNOTSUPP" "$(grep '^fs_ioc_setflags' out)"
	expect_eq "chattr +d: the real file's flags unchanged" "nodump_after 0" \
		"$(grep '^nodump_after' out)"
	# --log=none: the seccomp filter must still stop ioctl for the overlay.
	out2=$("$PCOW" trace -q --log=none --store st-none --cow "$T/r" -- \
		"$PROGS/escape" "$T/r/f" "$T/r/d" "$T/r/attr" 2>/dev/null)
	expect_eq "chattr +d under --log=none: EOPNOTSUPP, flags unchanged" \
		"fs_ioc_setflags EOPNOTSUPP
nodump_after 0" "$(echo "$out2" | grep '^fs_ioc_setflags\|^nodump_after')"
fi
expect_eq "/proc/self/mem opened for writing: EACCES" "proc_self_mem_write EACCES" \
	"$(grep '^proc_self_mem_write' out)"
expect_eq "bind of an AF_UNIX socket in the scope works (in the overlay)" "bind_in_scope 0" \
	"$(grep '^bind_in_scope' out)"
expect_eq "int 0x80 socketcall(SYS_BIND) and bind: ENOSYS" "int80_socketcall_bind ENOSYS
int80_bind ENOSYS" "$(grep '^int80_.*bind' out)"
expect_eq "int 0x80 recvmsg and socketcall(SYS_RECVMSG): ENOSYS (descriptors checked in x86_64)" \
	"int80_recvmsg ENOSYS
int80_socketcall_recvmsg ENOSYS" "$(grep '^int80_.*recvmsg' out)"
expect_match "status lists the socket" 'A .*/r/d/bound.sock' "$("$PCOW" status st)"
expect_eq "real files unchanged by the sockets" "$before" "$(snap)"

# /dev, /sys and /proc are walked like any path: /dev/fd/N and /dev/stdin
# of a file opened read-only, ".." out of /dev, and a link made in /dev/shm
# that points into the scope all land in the overlay.
before=$(snap)
shm=/dev/shm/pcow-escape.$$
"$PCOW" trace -q --store st --cow "$T/r" -- sh -c "
	exec 3<r/f; echo via-dev-fd >/dev/fd/3; exec 3<&-
	echo via-dev-stdin <r/g >/dev/stdin
	echo via-dev-dotdot >/dev/..$T/r/h
	ln -s $T/r/f $shm && echo via-dev-shm >>$shm; rm -f $shm
	cat r/f r/g r/h" >out 2>err
expect_eq "the program sees its writes through /dev" "via-dev-fd
via-dev-shm
via-dev-stdin
via-dev-dotdot" "$(cat out)"
expect_eq "real files unchanged by /dev/fd, /dev/stdin, /dev/.., a link in /dev/shm" \
	"$before" "$(snap)"
rm -f "$shm"

# The store is pcow's: the program may read it, never change it.
cp st/log.db log.before
"$PCOW" trace -q --store st --cow "$T/r" -- sh -c "
	echo x >st/log.db; echo write \$?
	rm -f st/log.db; echo unlink \$?
	mv st/log.db st/moved; echo rename \$?
	truncate -s 0 st/log.db; echo truncate \$?
	mkdir st/new; echo mkdir \$?
	cat st/log.db >/dev/null; echo read \$?" >out 2>err
expect_eq "writes, unlink, rename, truncate and mkdir in the store fail; reads work" \
	"write 2
unlink 1
rename 1
truncate 1
mkdir 1
read 0" "$(cat out)"
expect_match "refused with EACCES" 'Permission denied' "$(cat err)"
[ ! -e st/moved ] && [ ! -e st/new ] && pass "nothing renamed or made in the store" ||
	fail "the store changed: $(ls st)"
expect_match "logged as denied" 'unlinkat.*log\.db.*EACCES.*\(denied\)' "$("$PCOW" log st)"

# A rewritten path must reach the kernel even when the stack pointer sits
# just above an unmapped page (pcow's writes never grow a stack).
mkdir r/low
out=$("$PCOW" trace -q --store st --cow "$T/r" -- "$PROGS/lowstack" "$T/r/low/f")
expect_eq "open of an overlay file from the bottom of a small stack" "open ok 4" "$out"

# Path swap between pcow's check and the kernel's read: a second thread
# flips the buffer between a file outside the scope and a real one inside.
mkdir outside && : >outside/x && echo orig >r/swap || harness "cannot set up the swap test"
out=$("$PCOW" trace -q --store st --cow "$T/r" -- "$PROGS/toctou" "$T/outside/x" "$T/r/swap" 20000)
expect_eq "a swapped path never reaches the real file" "orig" "$(cat r/swap)"
expect_eq "the outside file was written" "opens some" "$(echo "$out" | grep '^opens')"
expect_eq "munmap of pcow's scratch region: EPERM" "munmap EPERM" "$(echo "$out" | grep '^munmap')"
expect_eq "mprotect of pcow's scratch region: EPERM" "mprotect EPERM" "$(echo "$out" | grep '^mprotect')"
# Without the region (mapping it failed; forced here), a checked path goes
# below the stack pointer: safe for a single thread, not with another
# task in the memory, where the call fails closed (ENOMEM) instead.
echo orig >r/swap
out=$(PCOW_FORCE_FALLBACK=stack "$PCOW" trace -q --store st-stack --cow "$T/r" -- \
	"$PROGS/toctou" "$T/outside/x" "$T/r/swap" 2000)
expect_eq "no region, two threads: no open gets through" "opens none" \
	"$(echo "$out" | grep '^opens')"
expect_eq "no region, two threads: the real file is untouched" "orig" "$(cat r/swap)"
expect_match "no region, two threads: refused with ENOMEM" \
	'openat\(AT_FDCWD, ".*/r/swap", O_WRONLY\|O_APPEND\) = -1 ENOMEM' \
	"$("$PCOW" log st-stack --failed)"
expect_eq "no region, one thread: a write in the scope works" "orig
one" "$(PCOW_FORCE_FALLBACK=stack "$PCOW" trace -q --store st-stack --cow "$T/r" -- \
	sh -c "echo one >>'$T/r/swap' && cat '$T/r/swap'")"
expect_eq "no region, one thread: the real file is untouched" "orig" "$(cat r/swap)"
# A process sharing the memory (clone(CLONE_VM), not a thread) has a
# region of its own there; the other may not make it writable either.
expect_eq "clone(CLONE_VM): both regions refused to the parent" "regions 2 refused 2" \
	"$("$PCOW" trace -q --store st --cow "$T/r" -- "$PROGS/toctou" --vm-sibling)"
# Under a narrower --log the seccomp filter must still stop at clone, or
# pcow takes the child for a fork and guards only its own region.
expect_eq "clone(CLONE_VM) under --log=file: both regions refused" "regions 2 refused 2" \
	"$("$PCOW" trace -q --log=file --store st --cow "$T/r" -- "$PROGS/toctou" --vm-sibling)"

# The program cannot kill pcow (its parent, here): refused, logged, and
# pcow finishes the run.
for lg in all none; do
	"$PCOW" trace -q --log=$lg --store st-kill-$lg --cow "$T/r" -- sh -c \
		'kill -KILL $PPID; echo "kill $?"; kill -STOP $PPID; echo "stop $?"' >out 2>err
	expect_eq "--log=$lg: pcow exits as the program did" 0 $?
	expect_eq "--log=$lg: kill -KILL and -STOP of pcow fail" "kill 1
stop 1" "$(cat out)"
done
expect_match "the kill is logged as denied" 'kill\([0-9]+, SIGKILL\) = -1 EPERM.*\(denied\)' \
	"$("$PCOW" log st-kill-all)"

# Two threads with ids equal modulo 16, both in calls whose paths pcow
# rewrites: one path must never replace the other (a writer's open once
# landed on a real file that way).
echo orig >r/slot.txt
"$PCOW" trace -q --store st-slot --cow "$T/r" -- sh -c \
	"mkdir '$T/r/sd' && '$PROGS/slotrace' '$T/r/slotnew' '$T/r/sd/../slot.txt' 20000" >out 2>err
expect_eq "threads sharing a tid modulo 16 both ran" "pair same" "$(cat out)"
expect_eq "a rewritten path never lands in another thread's call" "orig" "$(cat r/slot.txt)"

# pcow keeps the real directories outside the scope it has walked; a
# directory on the way replaced by a symbolic link into the scope (by the
# program, after pcow cached it) must send the write to the overlay.
mkdir -p outdir/sub && echo orig >r/via.txt
"$PCOW" trace -q --store st-dcache --cow "$T/r" -- sh -c "
	cat '$T/outdir/sub/via.txt' 2>/dev/null; ls '$T/outdir/sub' >/dev/null
	mv '$T/outdir/sub' '$T/outdir/sub.old' && ln -s '$T/r' '$T/outdir/sub' &&
	echo changed >'$T/outdir/sub/via.txt' && cat '$T/outdir/sub/via.txt'" >out 2>err
expect_eq "the write through the new symbolic link is seen" "changed" "$(cat out)"
expect_eq "... and lands in the overlay, not in the real file" "orig" "$(cat r/via.txt)"
finish
