/*
 * readlink/readlinkat return a link's target as stored, without a NUL:
 * real links (base/link, base/loop1), a link created in the overlay, a
 * real link replaced by one with another target, a relative dirfd, and
 * readlinkat(fd, "") of an O_PATH|O_NOFOLLOW descriptor of a link.
 */
#include "corpus.h"

static void show_linkat(const char *label, int dfd, const char *path)
{
	char buf[256];

	show_bytes(label, readlinkat(dfd, path, buf, sizeof(buf)), buf);
}

int main(void)
{
	int dfd, fd;

	show_link("readlink(base/link)", "base/link");
	show_link("readlink(base/loop1)", "base/loop1");
	rc("symlink(../some/where/far, base/nl)", symlink("../some/where/far", "base/nl"));
	show_link("readlink(base/nl)", "base/nl");
	rc("unlink(base/ulink)", unlink("base/ulink"));
	rc("symlink(u2.txt, base/ulink)", symlink("u2.txt", "base/ulink"));
	show_link("readlink(base/ulink)", "base/ulink");
	rc("rename(base/rlink, base/dir/rl)", rename("base/rlink", "base/dir/rl"));
	show_link("readlink(base/dir/rl)", "base/dir/rl");
	show_link("readlink(base/rlink)", "base/rlink");
	dfd = rcfd("open(base, O_DIRECTORY)", open("base", O_RDONLY | O_DIRECTORY));
	show_linkat("readlinkat(base, slink)", dfd, "slink");
	show_linkat("readlinkat(base, nl)", dfd, "nl");
	close(dfd);
	fd = rcfd("open(base/mlink, O_PATH|O_NOFOLLOW)", open("base/mlink", O_PATH | O_NOFOLLOW));
	show_linkat("readlinkat(mlink fd, \"\")", fd, "");
	close(fd);
	fd = rcfd("open(base/nl, O_PATH|O_NOFOLLOW)", open("base/nl", O_PATH | O_NOFOLLOW));
	show_linkat("readlinkat(nl fd, \"\")", fd, "");
	close(fd);
	return 0;
}
