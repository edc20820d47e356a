/*
 * O_NOFOLLOW: ELOOP when the last component is a symbolic link (real,
 * created in the overlay, or dangling), even with O_CREAT; links in the
 * middle of the path are still followed; with O_PATH it opens the link
 * itself, whose fstat shows the link.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rcfd("open(base/link, O_NOFOLLOW)", open("base/link", O_RDONLY | O_NOFOLLOW));
	rc("symlink(b.txt, base/nl)", symlink("b.txt", "base/nl"));
	rcfd("open(base/nl, O_NOFOLLOW)", open("base/nl", O_RDONLY | O_NOFOLLOW));
	rc("symlink(gone, base/dang)", symlink("gone", "base/dang"));
	rcfd("open(base/dang, O_CREAT|O_NOFOLLOW)",
	     open("base/dang", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644));
	show_lstat("lstat(base/gone)", "base/gone");
	fd = rcfd("open(base/a.txt, O_NOFOLLOW)", open("base/a.txt", O_RDONLY | O_NOFOLLOW));
	show_read("read(a.txt)", fd);
	close(fd);
	rc("symlink(sub, base/sublink)", symlink("sub", "base/sublink"));
	fd = rcfd("open(base/sublink/deep/f, O_NOFOLLOW)",
		  open("base/sublink/deep/f", O_RDONLY | O_NOFOLLOW));
	show_read("read(f)", fd);
	close(fd);
	fd = rcfd("open(base/link, O_PATH|O_NOFOLLOW)", open("base/link", O_PATH | O_NOFOLLOW));
	show_fstat("fstat(link)", fd);
	close(fd);
	fd = rcfd("open(base/nl, O_PATH|O_NOFOLLOW)", open("base/nl", O_PATH | O_NOFOLLOW));
	show_fstat("fstat(nl)", fd);
	close(fd);
	rc("unlink(base/nl)", unlink("base/nl"));
	put_file("base/nl", "now a file\n", 0600);
	fd = rcfd("open(base/nl, O_NOFOLLOW)", open("base/nl", O_RDONLY | O_NOFOLLOW));
	show_read("read(nl)", fd);
	close(fd);
	return 0;
}
