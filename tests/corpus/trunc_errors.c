/*
 * truncate/ftruncate errors: a directory is EISDIR, a negative length
 * EINVAL, a missing file ENOENT, a file as a directory ENOTDIR, a
 * symbolic link loop ELOOP; ftruncate on an O_RDONLY descriptor, on a
 * directory and on an O_PATH one fails as the kernel says; none changes
 * the file.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("truncate(base/dir, 0)", truncate("base/dir", 0));
	rc("truncate(base/a.txt, -1)", truncate("base/a.txt", -1));
	rc("truncate(base/missing, 0)", truncate("base/missing", 0));
	rc("truncate(base/a.txt/x, 0)", truncate("base/a.txt/x", 0));
	rc("truncate(base/loop1, 0)", truncate("base/loop1", 0));
	fd = rcfd("open(base/a.txt, O_RDONLY)", open("base/a.txt", O_RDONLY));
	rc("ftruncate(rdonly, 0)", ftruncate(fd, 0));
	close(fd);
	fd = rcfd("open(base/a.txt, O_WRONLY)", open("base/a.txt", O_WRONLY));
	rc("ftruncate(wronly, -5)", ftruncate(fd, -5));
	close(fd);
	fd = rcfd("open(base/dir)", open("base/dir", O_RDONLY));
	rc("ftruncate(dir, 0)", ftruncate(fd, 0));
	close(fd);
	fd = rcfd("open(base/a.txt, O_PATH)", open("base/a.txt", O_PATH));
	rc("ftruncate(O_PATH, 0)", ftruncate(fd, 0));
	close(fd);
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	rc("truncate(base/nd, 0)", truncate("base/nd", 0));
	show_file("cat base/a.txt", "base/a.txt");
	return 0;
}
