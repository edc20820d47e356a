/*
 * fstatat/newfstatat flags: AT_SYMLINK_NOFOLLOW shows the link, without it
 * the target; AT_EMPTY_PATH with a descriptor (a real file, a new file,
 * an O_PATH|O_NOFOLLOW link) stats the descriptor; "" without it is
 * ENOENT; a relative path uses the dirfd; an unknown flag is EINVAL.
 */
#include "corpus.h"

int main(void)
{
	int dfd, fd;

	dfd = rcfd("open(base, O_DIRECTORY)", open("base", O_RDONLY | O_DIRECTORY));
	show_stat_at("fstatat(base, link, 0)", dfd, "link", 0);
	show_stat_at("fstatat(base, link, NOFOLLOW)", dfd, "link", AT_SYMLINK_NOFOLLOW);
	show_stat_at("fstatat(base, \"\", EMPTY_PATH)", dfd, "", AT_EMPTY_PATH);
	show_stat_at("fstatat(base, \"\", 0)", dfd, "", 0);
	fd = rcfd("open(base/exec.sh)", open("base/exec.sh", O_RDONLY));
	show_stat_at("fstatat(exec.sh, \"\", EMPTY_PATH)", fd, "", AT_EMPTY_PATH);
	show_stat_at("fstatat(exec.sh, x, 0)", fd, "x", 0);
	close(fd);
	put_file("base/new", "0123456789\n", 0604);
	fd = rcfd("open(base/new)", open("base/new", O_RDONLY));
	show_stat_at("fstatat(new, \"\", EMPTY_PATH)", fd, "", AT_EMPTY_PATH);
	close(fd);
	rc("symlink(new, base/nl)", symlink("new", "base/nl"));
	fd = rcfd("open(base/nl, O_PATH|O_NOFOLLOW)", open("base/nl", O_PATH | O_NOFOLLOW));
	show_stat_at("fstatat(nl, \"\", EMPTY_PATH)", fd, "", AT_EMPTY_PATH);
	show_stat_at("fstatat(nl, \"\", EMPTY_PATH|NOFOLLOW)", fd, "",
		     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
	close(fd);
	show_stat_at("fstatat(base, nl, 0)", dfd, "nl", 0);
	show_stat_at("fstatat(base, a.txt, 0x8000)", dfd, "a.txt", 0x8000);
	show_stat_at("fstatat(AT_FDCWD, \"\", EMPTY_PATH)", AT_FDCWD, "", AT_EMPTY_PATH);
	close(dfd);
	return 0;
}
