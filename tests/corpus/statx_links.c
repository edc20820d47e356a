/*
 * statx and symbolic and hard links: AT_SYMLINK_NOFOLLOW shows a real
 * link, a dangling one and a link made in the overlay, while following a
 * dangling link is ENOENT; after link(2) in the overlay both names show
 * nlink 2, after unlink of one again 1; AT_EMPTY_PATH on an O_PATH link.
 */
#include "corpus.h"

static void show_statx(const char *label, int dfd, const char *path, int flags)
{
	struct statx sx;

	if (statx(dfd, path, flags, STATX_BASIC_STATS, &sx) < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	printf("%s: %c %04o size %llu nlink %u uid %u mask %#x\n", label, type_char(sx.stx_mode),
	       sx.stx_mode & 07777, S_ISDIR(sx.stx_mode) ? 0ULL : (unsigned long long)sx.stx_size,
	       sx.stx_nlink, sx.stx_uid, sx.stx_mask & STATX_BASIC_STATS);
}

int main(void)
{
	int fd;

	show_statx("statx(base/slink, NOFOLLOW)", AT_FDCWD, "base/slink", AT_SYMLINK_NOFOLLOW);
	show_statx("statx(base/slink)", AT_FDCWD, "base/slink", 0);
	rc("unlink(base/c.txt)", unlink("base/c.txt"));
	show_statx("statx(base/slink) dangling", AT_FDCWD, "base/slink", 0);
	show_statx("statx(base/slink, NOFOLLOW) dangling", AT_FDCWD, "base/slink",
		   AT_SYMLINK_NOFOLLOW);
	rc("symlink(sub/deep, base/nl)", symlink("sub/deep", "base/nl"));
	show_statx("statx(base/nl, NOFOLLOW)", AT_FDCWD, "base/nl", AT_SYMLINK_NOFOLLOW);
	show_statx("statx(base/nl/f)", AT_FDCWD, "base/nl/f", 0);
	rc("link(base/m.txt, base/m-hard)", link("base/m.txt", "base/m-hard"));
	show_statx("statx(base/m.txt)", AT_FDCWD, "base/m.txt", 0);
	show_statx("statx(base/mlink)", AT_FDCWD, "base/mlink", 0);
	rc("unlink(base/m.txt)", unlink("base/m.txt"));
	show_statx("statx(base/m-hard)", AT_FDCWD, "base/m-hard", 0);
	show_statx("statx(base/mlink)", AT_FDCWD, "base/mlink", 0);
	fd = rcfd("open(base/mlink, O_PATH|O_NOFOLLOW)", open("base/mlink", O_PATH | O_NOFOLLOW));
	show_statx("statx(mlink fd, \"\", EMPTY_PATH)", fd, "", AT_EMPTY_PATH);
	close(fd);
	return 0;
}
