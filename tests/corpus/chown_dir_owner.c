/*
 * Giving a real directory to nobody with chown(2) gives nobody the owner's
 * permissions on it: as nobody, creating, renaming and removing names in
 * it then works (the new file is nobody's), while its root-owned sibling
 * still refuses (EACCES).
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("chown(base/udir, 65534, 65534)", chown("base/udir", 65534, 65534));
	become_nobody();
	fd = rcfd("open(base/udir/new, O_CREAT)", open("base/udir/new", O_WRONLY | O_CREAT, 0640));
	if (fd >= 0)
		close(fd);
	show_stat("stat(base/udir/new)", "base/udir/new");
	rc("rename(base/udir/a, base/udir/a2)", rename("base/udir/a", "base/udir/a2"));
	rc("unlink(base/udir/b)", unlink("base/udir/b"));
	rc("mkdir(base/udir/sub)", mkdir("base/udir/sub", 0700));
	show_stat("stat(base/udir/sub)", "base/udir/sub");
	show_dir("ls base/udir", "base/udir");
	rcfd("open(base/cdir/new, O_CREAT)", open("base/cdir/new", O_WRONLY | O_CREAT, 0640));
	rc("unlink(base/cdir/f)", unlink("base/cdir/f"));
	rc("rename(base/udir/a2, base/cdir/a2)", rename("base/udir/a2", "base/cdir/a2"));
	return 0;
}
