/*
 * Opening a directory for writing is EISDIR: O_WRONLY and O_RDWR on a
 * real directory, on a directory made in the overlay and through a
 * symbolic link to a directory; O_CREAT on an existing directory is EISDIR
 * too; O_RDONLY works and the directory stays a directory.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rcfd("open(base/dir, O_WRONLY)", open("base/dir", O_WRONLY));
	rcfd("open(base/dir, O_RDWR)", open("base/dir", O_RDWR));
	rcfd("open(base/dir, O_WRONLY|O_CREAT)", open("base/dir", O_WRONLY | O_CREAT, 0644));
	rcfd("open(base/dir, O_RDONLY|O_CREAT)", open("base/dir", O_RDONLY | O_CREAT, 0644));
	rcfd("open(., O_RDWR)", open(".", O_RDWR));
	rc("mkdir(base/nd)", mkdir("base/nd", 0777));
	rcfd("open(base/nd, O_WRONLY)", open("base/nd", O_WRONLY));
	rcfd("open(base/nd, O_RDWR|O_TRUNC)", open("base/nd", O_RDWR | O_TRUNC));
	rc("symlink(sub, base/dl)", symlink("sub", "base/dl"));
	rcfd("open(base/dl, O_WRONLY)", open("base/dl", O_WRONLY));
	rcfd("open(base/dl/, O_RDWR|O_CREAT)", open("base/dl/", O_RDWR | O_CREAT, 0644));
	fd = rcfd("open(base/nd, O_RDONLY)", open("base/nd", O_RDONLY));
	show_fstat("fstat(nd)", fd);
	close(fd);
	show_lstat("lstat(base/dir)", "base/dir");
	show_lstat("lstat(base/sub)", "base/sub");
	return 0;
}
