/*
 * A trailing slash asks for a directory: on a real file, a new file and a
 * symbolic link to a file it is ENOTDIR; on a missing name with O_CREAT
 * it is EISDIR and nothing is created; on a directory or a symbolic link
 * to one it opens; with O_CREAT on a dangling link it is EISDIR.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rcfd("open(base/a.txt/)", open("base/a.txt/", O_RDONLY));
	rcfd("open(base/a.txt/, O_CREAT)", open("base/a.txt/", O_WRONLY | O_CREAT, 0644));
	rcfd("open(base/link/)", open("base/link/", O_RDONLY));
	put_file("base/nf", "nf\n", 0644);
	rcfd("open(base/nf/)", open("base/nf/", O_RDONLY));
	rcfd("open(base/missing/, O_CREAT)", open("base/missing/", O_WRONLY | O_CREAT, 0644));
	rcfd("open(base/missing/, O_RDONLY|O_CREAT)",
	     open("base/missing/", O_RDONLY | O_CREAT, 0644));
	show_lstat("lstat(base/missing)", "base/missing");
	rcfd("open(base/missing/)", open("base/missing/", O_RDONLY));
	rc("symlink(nothere, base/dang)", symlink("nothere", "base/dang"));
	rcfd("open(base/dang/, O_CREAT)", open("base/dang/", O_WRONLY | O_CREAT, 0644));
	show_lstat("lstat(base/nothere)", "base/nothere");
	fd = rcfd("open(base/dir/)", open("base/dir/", O_RDONLY));
	show_fstat("fstat(base/dir/)", fd);
	close(fd);
	rc("symlink(dir, base/dl)", symlink("dir", "base/dl"));
	fd = rcfd("open(base/dl/)", open("base/dl/", O_RDONLY));
	show_fstat("fstat(base/dl/)", fd);
	close(fd);
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	fd = rcfd("open(base/nd//)", open("base/nd//", O_RDONLY));
	show_fstat("fstat(base/nd//)", fd);
	close(fd);
	return 0;
}
