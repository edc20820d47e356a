/*
 * fchmodat(AT_SYMLINK_NOFOLLOW): on a symbolic link it is EOPNOTSUPP and
 * neither the link nor its target changes; on a regular file it works;
 * the fchmodat2 system call says the same, and accepts AT_EMPTY_PATH on a
 * descriptor of a real file.
 */
#include "corpus.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

int main(void)
{
	int fd;

	rc("fchmodat(base/link, 0600, NOFOLLOW)",
	   fchmodat(AT_FDCWD, "base/link", 0600, AT_SYMLINK_NOFOLLOW));
	show_lstat("lstat(base/link)", "base/link");
	show_stat("stat(base/a.txt)", "base/a.txt");
	rc("fchmodat2(base/link, 0600, NOFOLLOW)",
	   syscall(SYS_fchmodat2, AT_FDCWD, "base/link", 0600, AT_SYMLINK_NOFOLLOW));
	show_stat("stat(base/a.txt) again", "base/a.txt");
	rc("fchmodat(base/b.txt, 0640, NOFOLLOW)",
	   fchmodat(AT_FDCWD, "base/b.txt", 0640, AT_SYMLINK_NOFOLLOW));
	show_stat("stat(base/b.txt)", "base/b.txt");
	rc("fchmodat2(base/c.txt, 0604, NOFOLLOW)",
	   syscall(SYS_fchmodat2, AT_FDCWD, "base/c.txt", 0604, AT_SYMLINK_NOFOLLOW));
	show_stat("stat(base/c.txt)", "base/c.txt");
	fd = rcfd("open(base/d.txt, O_RDONLY)", open("base/d.txt", O_RDONLY));
	rc("fchmodat2(fd, \"\", 0611, AT_EMPTY_PATH)",
	   syscall(SYS_fchmodat2, fd, "", 0611, AT_EMPTY_PATH));
	show_stat("stat(base/d.txt)", "base/d.txt");
	rc("fchmodat(base/d.txt, 0644, bad flag)",
	   fchmodat(AT_FDCWD, "base/d.txt", 0644, 0x4000000));
	return 0;
}
