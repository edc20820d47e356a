/*
 * O_DIRECTORY: ENOTDIR on a real file, on a symbolic link to a file and on
 * a file created in the overlay; it opens a real directory, a symbolic
 * link to one and a directory made in the overlay; ENOENT on a missing
 * name; O_DIRECTORY|O_CREAT is EINVAL (and creates nothing).
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rcfd("open(base/a.txt, O_DIRECTORY)", open("base/a.txt", O_RDONLY | O_DIRECTORY));
	rcfd("open(base/link, O_DIRECTORY)", open("base/link", O_RDONLY | O_DIRECTORY));
	put_file("base/dir/new", "new\n", 0644);
	rcfd("open(base/dir/new, O_DIRECTORY)", open("base/dir/new", O_RDONLY | O_DIRECTORY));
	fd = rcfd("open(base/dir, O_DIRECTORY)", open("base/dir", O_RDONLY | O_DIRECTORY));
	show_fstat("fstat(base/dir)", fd);
	close(fd);
	rc("symlink(dir, base/dlink)", symlink("dir", "base/dlink"));
	fd = rcfd("open(base/dlink, O_DIRECTORY)", open("base/dlink", O_RDONLY | O_DIRECTORY));
	show_fstat("fstat(base/dlink)", fd);
	close(fd);
	rc("mkdir(base/nd)", mkdir("base/nd", 0750));
	fd = rcfd("open(base/nd, O_DIRECTORY)", open("base/nd", O_RDONLY | O_DIRECTORY));
	show_fstat("fstat(base/nd)", fd);
	close(fd);
	rcfd("open(base/missing, O_DIRECTORY)", open("base/missing", O_RDONLY | O_DIRECTORY));
	rcfd("open(base/mk, O_DIRECTORY|O_CREAT)",
	     open("base/mk", O_RDONLY | O_DIRECTORY | O_CREAT, 0755));
	show_lstat("lstat(base/mk)", "base/mk");
	rc("unlink(base/dlink)", unlink("base/dlink"));
	rcfd("open(base/dlink, O_DIRECTORY)", open("base/dlink", O_RDONLY | O_DIRECTORY));
	return 0;
}
