/*
 * utimensat(AT_SYMLINK_NOFOLLOW) on a symbolic link sets the link's own
 * times and leaves the target's alone; without the flag the target gets
 * them and the link keeps its own; the same on a link created in the
 * overlay.
 */
#include "corpus.h"

static void same_mtime(const char *label, const char *path, int flags, time_t sec)
{
	struct stat st;

	if (fstatat(AT_FDCWD, path, &st, flags) < 0)
		printf("%s = -1 %s\n", label, errname(errno));
	else
		printf("%s: %s\n", label, st.st_mtim.tv_sec == sec ? "yes" : "no");
}

int main(void)
{
	struct timespec ts[2] = { { 1000000000, 111 }, { 1100000000, 222 } };
	struct timespec ts2[2] = { { 1200000000, 333 }, { 1300000000, 444 } };

	rc("utimensat(base/link, NOFOLLOW)",
	   utimensat(AT_FDCWD, "base/link", ts, AT_SYMLINK_NOFOLLOW));
	show_times("ltimes(base/link)", "base/link", AT_SYMLINK_NOFOLLOW);
	same_mtime("base/a.txt has the link's mtime", "base/a.txt", 0, ts[1].tv_sec);
	rc("utimensat(base/slink)", utimensat(AT_FDCWD, "base/slink", ts2, 0));
	show_times("times(base/c.txt)", "base/c.txt", 0);
	same_mtime("base/slink has c.txt's mtime", "base/slink", AT_SYMLINK_NOFOLLOW,
		   ts2[1].tv_sec);
	rc("symlink(d.txt, base/dlink)", symlink("d.txt", "base/dlink"));
	rc("utimensat(base/dlink, NOFOLLOW)",
	   utimensat(AT_FDCWD, "base/dlink", ts2, AT_SYMLINK_NOFOLLOW));
	show_times("ltimes(base/dlink)", "base/dlink", AT_SYMLINK_NOFOLLOW);
	same_mtime("base/d.txt has the link's mtime", "base/d.txt", 0, ts2[1].tv_sec);
	rc("utimensat(base/loop1, NOFOLLOW)",
	   utimensat(AT_FDCWD, "base/loop1", ts, AT_SYMLINK_NOFOLLOW));
	show_times("ltimes(base/loop1)", "base/loop1", AT_SYMLINK_NOFOLLOW);
	rc("utimensat(base/loop1)", utimensat(AT_FDCWD, "base/loop1", ts, 0));
	return 0;
}
