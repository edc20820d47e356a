/*
 * access(2) on names changed in the overlay: a file created with mode 0400
 * is readable and, for root, writable but not executable; after chmod
 * 0500 it is executable; a renamed real file answers under its new name
 * only; a deleted one is ENOENT; as nobody, a 0400 file nobody made in
 * open/ is readable but not writable.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	put_file("base/new", "x\n", 0400);
	rc("access(base/new, R_OK|W_OK)", access("base/new", R_OK | W_OK));
	rc("access(base/new, X_OK)", access("base/new", X_OK));
	rc("chmod(base/new, 0500)", chmod("base/new", 0500));
	rc("access(base/new, X_OK)", access("base/new", X_OK));
	rc("rename(base/exec.sh, base/run.sh)", rename("base/exec.sh", "base/run.sh"));
	rc("access(base/exec.sh, F_OK)", access("base/exec.sh", F_OK));
	rc("access(base/run.sh, X_OK)", access("base/run.sh", X_OK));
	rc("unlink(base/d.txt)", unlink("base/d.txt"));
	rc("access(base/d.txt, F_OK)", access("base/d.txt", F_OK));
	rc("chmod(base/a.txt, 0)", chmod("base/a.txt", 0));
	become_nobody();
	rc("nobody: access(base/a.txt, R_OK)", access("base/a.txt", R_OK));
	rc("nobody: access(base/b.txt, R_OK)", access("base/b.txt", R_OK));
	umask(0);
	fd = rcfd("nobody: open(open/mine, O_CREAT, 0400)", open("open/mine", O_WRONLY | O_CREAT, 0400));
	close(fd);
	rc("nobody: access(open/mine, R_OK)", access("open/mine", R_OK));
	rc("nobody: access(open/mine, W_OK)", access("open/mine", W_OK));
	rc("nobody: access(base/run.sh, X_OK)", access("base/run.sh", X_OK));
	return 0;
}
