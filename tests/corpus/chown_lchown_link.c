/*
 * lchown(2) and fchownat(AT_SYMLINK_NOFOLLOW) change a symbolic link's
 * owner and leave its target alone; chown(2) through the link changes the
 * target and leaves the link alone; on a link created in the overlay the
 * same.
 */
#include "corpus.h"

int main(void)
{
	rc("lchown(base/link, 65534, 65534)", lchown("base/link", 65534, 65534));
	show_lstat("lstat(base/link)", "base/link");
	show_stat("stat(base/a.txt)", "base/a.txt");
	rc("chown(base/slink, 65534, 0)", chown("base/slink", 65534, 0));
	show_lstat("lstat(base/slink)", "base/slink");
	show_stat("stat(base/c.txt)", "base/c.txt");
	rc("fchownat(base/rlink, NOFOLLOW)",
	   fchownat(AT_FDCWD, "base/rlink", 0, 65534, AT_SYMLINK_NOFOLLOW));
	show_lstat("lstat(base/rlink)", "base/rlink");
	show_stat("stat(base/r2.txt)", "base/r2.txt");
	rc("symlink(d.txt, base/dlink)", symlink("d.txt", "base/dlink"));
	rc("lchown(base/dlink, 65534, 65534)", lchown("base/dlink", 65534, 65534));
	show_lstat("lstat(base/dlink)", "base/dlink");
	show_stat("stat(base/d.txt)", "base/d.txt");
	rc("lchown(base/loop1, 65534, 65534)", lchown("base/loop1", 65534, 65534));
	show_lstat("lstat(base/loop1)", "base/loop1");
	rc("chown(base/loop1, 65534, 65534)", chown("base/loop1", 65534, 65534));
	return 0;
}
