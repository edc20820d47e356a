/*
 * A descriptor of a real directory opened before the directory is renamed
 * in the overlay keeps naming it: openat reads its files and creates new
 * ones under the new name; after the directory is removed, creating
 * through the descriptor is ENOENT.
 */
#include "corpus.h"

int main(void)
{
	int dfd, fd;

	dfd = rcfd("open(base/rdir, O_DIRECTORY)", open("base/rdir", O_RDONLY | O_DIRECTORY));
	if (dfd < 0)
		return 1;
	rc("rename(base/rdir, base/moved)", rename("base/rdir", "base/moved"));
	fd = rcfd("openat(rdir, p)", openat(dfd, "p", O_RDONLY));
	show_read("read(p)", fd);
	close(fd);
	fd = rcfd("openat(rdir, s/t)", openat(dfd, "s/t", O_RDONLY));
	show_read("read(s/t)", fd);
	close(fd);
	fd = rcfd("openat(rdir, new, O_CREAT)", openat(dfd, "new", O_WRONLY | O_CREAT, 0644));
	rc("write", write(fd, "new\n", 4));
	close(fd);
	show_dir("ls base/moved", "base/moved");
	show_lstat("lstat(base/rdir)", "base/rdir");
	close(dfd);
	dfd = rcfd("open(base/empty, O_DIRECTORY)", open("base/empty", O_RDONLY | O_DIRECTORY));
	rc("rmdir(base/empty)", rmdir("base/empty"));
	rcfd("openat(empty, f, O_CREAT)", openat(dfd, "f", O_WRONLY | O_CREAT, 0644));
	rcfd("openat(empty, .)", openat(dfd, ".", O_RDONLY));
	show_lstat("lstat(base/empty)", "base/empty");
	close(dfd);
	return 0;
}
