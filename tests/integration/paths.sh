#!/bin/sh
# Path arguments are logged resolved to absolute paths (table path), with
# the working directory and descriptors tracked across chdir, fork and exec,
# whether every call stops or a seccomp filter picks the stops.
. "${top_srcdir:-.}/tests/integration/lib.sh"

for opts in "--log=all" "--log=file --seccomp=on" "--log=file --seccomp=off" \
	"--log=openat,chdir --seccomp=on"; do
	rm -rf s
	"$PCOW" trace -q --store s $opts -- sh -c \
		'cd /usr/include && cat ./stdio.h >/dev/null && cd linux && cat ../stdlib.h >/dev/null && (cd / && cat etc/hostname >/dev/null)'
	expect_eq "[$opts] exit status" 0 $?
	got=$(sql s/log.db "SELECT p.path FROM path p JOIN syscall s USING (seq)
		WHERE s.name = 'openat' AND (p.path LIKE '/usr/include/%' OR p.path = '/etc/hostname')
		ORDER BY seq")
	expect_eq "[$opts] relative opens resolved" "/usr/include/stdio.h
/usr/include/stdlib.h
/etc/hostname" "$got"
	got=$(sql s/log.db "SELECT s.args FROM path p JOIN syscall s USING (seq)
		WHERE s.name = 'openat' AND p.path = '/usr/include/stdlib.h'")
	expect_eq "[$opts] args keep the path as passed" '"../stdlib.h", O_RDONLY' \
		"$(echo "$got" | sed 's/^AT_FDCWD, //')"
done

# A descriptor used as dirfd and with AT_EMPTY_PATH.
rm -rf s
"$PCOW" trace -q --store s -- sh -c 'exec 3</etc/hostname; cat /proc/self/fd/3 >/dev/null; cat <&3 >/dev/null'
got=$(sql s/log.db "SELECT count(*) FROM path p JOIN syscall s USING (seq)
	WHERE s.name = 'newfstatat' AND s.args LIKE '0, \"\"%' AND p.path = '/etc/hostname'")
[ "$got" -ge 1 ] && pass "fstat of an inherited-by-exec descriptor resolves to its path" ||
	fail "no newfstatat(0, \"\") resolved to /etc/hostname"
finish
