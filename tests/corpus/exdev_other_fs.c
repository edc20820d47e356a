/*
 * rename(2) and link(2) (the legacy SYS_rename and SYS_link) from the tree
 * to another mount, /dev/shm: EXDEV, nothing moved.  The kernel's order
 * (fs/namei.c): do_renameat2 compares the mounts of the two parents before
 * it looks at the source, so a missing source is EXDEV too, a missing
 * parent ENOENT; do_linkat looks up the source (ENOENT) and makes the new
 * name (EEXIST) before it compares the mounts.  A tree on the same mount
 * as /dev/shm prints that instead.
 */
#include "corpus.h"

int main(void)
{
	struct stat here, shm;
	char name[64];

	if (stat(".", &here) < 0)
		die("stat .");
	if (stat("/dev/shm", &shm) < 0 || here.st_dev == shm.st_dev) {
		printf("/dev/shm: not another file system here\n");
		return 0;
	}
	snprintf(name, sizeof(name), "/dev/shm/pcow-corpus-%d", (int)getpid());
	rc("SYS_rename(base/a.txt, /dev/shm/N)", syscall(SYS_rename, "base/a.txt", name));
	rc("SYS_rename(base/dir, /dev/shm/N)", syscall(SYS_rename, "base/dir", name));
	rc("SYS_rename(base/missing, /dev/shm/N)", syscall(SYS_rename, "base/missing", name));
	rc("SYS_rename(base/missing/x, /dev/shm/N)",
	   syscall(SYS_rename, "base/missing/x", name));
	rc("SYS_rename(base/a.txt, /dev/shm)", syscall(SYS_rename, "base/a.txt", "/dev/shm"));
	rc("SYS_link(base/a.txt, /dev/shm/N)", syscall(SYS_link, "base/a.txt", name));
	rc("SYS_link(base/missing, /dev/shm/N)", syscall(SYS_link, "base/missing", name));
	rc("SYS_link(base/a.txt, /dev/shm)", syscall(SYS_link, "base/a.txt", "/dev/shm"));
	rc("renameat2(base/b.txt, /dev/shm/N, RENAME_NOREPLACE)",
	   renameat2(AT_FDCWD, "base/b.txt", AT_FDCWD, name, RENAME_NOREPLACE));
	rc("linkat(base/b.txt, /dev/shm/N)", linkat(AT_FDCWD, "base/b.txt", AT_FDCWD, name, 0));
	if (unlink(name) == 0)
		printf("%s was made\n", "/dev/shm/N");
	show_file("base/a.txt", "base/a.txt");
	show_stat("stat(base/dir)", "base/dir");
	return 0;
}
