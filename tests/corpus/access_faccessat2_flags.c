/*
 * faccessat/faccessat2 flags: with the real uid nobody's and the
 * effective uid root's, plain access checks as nobody (EACCES on
 * base/noperm.txt) and AT_EACCESS as root (granted); AT_SYMLINK_NOFOLLOW
 * checks a dangling link itself; AT_EMPTY_PATH checks a descriptor; an
 * unknown flag is EINVAL; faccessat (no flags argument) checks as real.
 */
#include "corpus.h"

static long fa2(int dfd, const char *path, int mode, int flags)
{
	return syscall(SYS_faccessat2, dfd, path, mode, flags);
}

int main(void)
{
	int fd;

	rc("symlink(nowhere, base/dang)", symlink("nowhere", "base/dang"));
	fd = rcfd("open(base/noperm.txt)", open("base/noperm.txt", O_RDONLY));
	if (setresuid(65534, 0, 0) < 0)
		die("setresuid");
	rc("faccessat2(base/noperm.txt, R_OK, 0)", fa2(AT_FDCWD, "base/noperm.txt", R_OK, 0));
	rc("faccessat2(base/noperm.txt, R_OK, AT_EACCESS)",
	   fa2(AT_FDCWD, "base/noperm.txt", R_OK, AT_EACCESS));
	rc("faccessat(SYS, base/noperm.txt, R_OK)",
	   syscall(SYS_faccessat, AT_FDCWD, "base/noperm.txt", R_OK));
	rc("faccessat2(base/ro.txt, W_OK, 0)", fa2(AT_FDCWD, "base/ro.txt", W_OK, 0));
	rc("faccessat2(base/ro.txt, W_OK, AT_EACCESS)",
	   fa2(AT_FDCWD, "base/ro.txt", W_OK, AT_EACCESS));
	rc("faccessat2(base/dang, F_OK, 0)", fa2(AT_FDCWD, "base/dang", F_OK, 0));
	rc("faccessat2(base/dang, F_OK, NOFOLLOW)",
	   fa2(AT_FDCWD, "base/dang", F_OK, AT_SYMLINK_NOFOLLOW));
	rc("faccessat2(fd, \"\", R_OK, EMPTY_PATH)", fa2(fd, "", R_OK, AT_EMPTY_PATH));
	rc("faccessat2(fd, \"\", R_OK, EMPTY_PATH|EACCESS)",
	   fa2(fd, "", R_OK, AT_EMPTY_PATH | AT_EACCESS));
	rc("faccessat2(fd, \"\", F_OK, 0)", fa2(fd, "", F_OK, 0));
	rc("faccessat2(base/a.txt, R_OK, 0x4000)", fa2(AT_FDCWD, "base/a.txt", R_OK, 0x4000));
	close(fd);
	return 0;
}
