/*
 * openat relative to a descriptor of a real directory: reading a real
 * file, creating a new one (visible by path afterwards), opening ".." and
 * a subdirectory through it; an absolute path ignores the dirfd; the new
 * file shows in the directory's listing.
 */
#include "corpus.h"

int main(void)
{
	char cwd[4096], abs[4200];
	int dfd, fd;

	if (!getcwd(cwd, sizeof(cwd)))
		die("getcwd");
	dfd = rcfd("open(base/sub, O_DIRECTORY)", open("base/sub", O_RDONLY | O_DIRECTORY));
	if (dfd < 0)
		return 1;
	fd = rcfd("openat(sub, deep/f)", openat(dfd, "deep/f", O_RDONLY));
	show_read("read(deep/f)", fd);
	close(fd);
	fd = rcfd("openat(sub, new, O_CREAT)", openat(dfd, "new", O_RDWR | O_CREAT | O_EXCL, 0640));
	rc("write", write(fd, "via dirfd\n", 10));
	close(fd);
	show_file("cat base/sub/new", "base/sub/new");
	fd = rcfd("openat(sub, ../a.txt)", openat(dfd, "../a.txt", O_RDONLY));
	show_read("read(../a.txt)", fd);
	close(fd);
	fd = rcfd("openat(sub, deep/new2, O_CREAT)", openat(dfd, "deep/new2", O_WRONLY | O_CREAT, 0600));
	close(fd);
	show_stat_at("fstatat(sub, deep/new2)", dfd, "deep/new2", 0);
	snprintf(abs, sizeof(abs), "%s/base/b.txt", cwd);
	fd = rcfd("openat(sub, ROOT/base/b.txt)", openat(dfd, abs, O_RDONLY));
	show_read("read(b.txt)", fd);
	close(fd);
	rcfd("openat(sub, missing)", openat(dfd, "missing", O_RDONLY));
	close(dfd);
	show_dir("ls base/sub", "base/sub");
	show_dir("ls base/sub/deep", "base/sub/deep");
	return 0;
}
