/*
 * Growing files with truncate(2) and ftruncate(2): a real file grows with
 * zeros after its content (in the view only), a file created in the
 * overlay too; the offset of an open descriptor is not moved; truncating
 * through a symbolic link changes its target.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("truncate(base/r1.txt, 10)", truncate("base/r1.txt", 10));
	show_stat("stat(base/r1.txt)", "base/r1.txt");
	show_file("cat base/r1.txt", "base/r1.txt");
	fd = rcfd("open(base/new, O_CREAT|O_RDWR)", open("base/new", O_RDWR | O_CREAT, 0644));
	rc("write(abc)", write(fd, "abc", 3));
	rc("ftruncate(new, 6)", ftruncate(fd, 6));
	rc("lseek(cur)", lseek(fd, 0, SEEK_CUR));
	rc("write(d)", write(fd, "d", 1));
	show_fstat("fstat(new)", fd);
	close(fd);
	show_file("cat base/new", "base/new");
	fd = rcfd("open(base/r2.txt, O_WRONLY)", open("base/r2.txt", O_WRONLY));
	rc("ftruncate(r2.txt, 5)", ftruncate(fd, 5));
	close(fd);
	show_file("cat base/r2.txt", "base/r2.txt");
	rc("truncate(base/rlink, 7)", truncate("base/rlink", 7));
	show_lstat("lstat(base/rlink)", "base/rlink");
	show_stat("stat(base/r2.txt)", "base/r2.txt");
	rc("truncate(base/r3.txt, 3) (same size)", truncate("base/r3.txt", 3));
	show_file("cat base/r3.txt", "base/r3.txt");
	return 0;
}
