/*
 * renameat2(2) with RENAME_NOREPLACE: EEXIST when the target exists (a
 * real file, a file created in the overlay, a directory, a dangling
 * symbolic link), and nothing moves; when the target is free it renames
 * like rename(2), also for a directory.  Both flags at once are EINVAL.
 */
#include "corpus.h"

static long ren2(const char *from, const char *to, unsigned int flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
}

int main(void)
{
	rc("noreplace(base/m.txt, base/m2.txt)", ren2("base/m.txt", "base/m2.txt", RENAME_NOREPLACE));
	rc("noreplace(base/m.txt, base/dir)", ren2("base/m.txt", "base/dir", RENAME_NOREPLACE));
	put_file("base/fresh", "fresh\n", 0644);
	rc("noreplace(base/m.txt, base/fresh)", ren2("base/m.txt", "base/fresh", RENAME_NOREPLACE));
	symlink("nothing", "base/dangling");
	rc("noreplace(base/m.txt, base/dangling)", ren2("base/m.txt", "base/dangling", RENAME_NOREPLACE));
	show_file("cat base/m.txt", "base/m.txt");
	show_file("cat base/m2.txt", "base/m2.txt");
	show_file("cat base/fresh", "base/fresh");
	show_lstat("lstat(base/dangling)", "base/dangling");
	rc("noreplace(base/m.txt, base/m3.txt)", ren2("base/m.txt", "base/m3.txt", RENAME_NOREPLACE));
	show_file("cat base/m3.txt", "base/m3.txt");
	show_stat("stat(base/m.txt)", "base/m.txt");
	rc("noreplace(base/rfrom, base/rnew)", ren2("base/rfrom", "base/rnew", RENAME_NOREPLACE));
	show_dir("ls base/rnew", "base/rnew");
	rc("noreplace(base/rnew, base/rempty)", ren2("base/rnew", "base/rempty", RENAME_NOREPLACE));
	rc("noreplace|exchange(base/m2.txt, base/fresh)",
	   ren2("base/m2.txt", "base/fresh", RENAME_NOREPLACE | RENAME_EXCHANGE));
	rc("noreplace(base/none, base/none2)", ren2("base/none", "base/none2", RENAME_NOREPLACE));
	return 0;
}
