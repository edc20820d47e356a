/*
 * lseek with SEEK_END, SEEK_DATA and SEEK_HOLE: on a real file without
 * holes and the same file once copied up by a write, SEEK_HOLE gives the
 * size and SEEK_DATA past the end is ENXIO; on a file whose first MiB is a
 * hole, SEEK_DATA from 0 finds the data at 1 MiB; a bad whence is EINVAL.
 */
#include "corpus.h"

static void seeks(const char *what, int fd)
{
	printf("%s:\n", what);
	rc("  SEEK_END(0)", lseek(fd, 0, SEEK_END));
	rc("  SEEK_END(-3)", lseek(fd, -3, SEEK_END));
	rc("  SEEK_DATA(0)", lseek(fd, 0, SEEK_DATA));
	rc("  SEEK_HOLE(0)", lseek(fd, 0, SEEK_HOLE));
	rc("  SEEK_DATA(size)", lseek(fd, lseek(fd, 0, SEEK_END), SEEK_DATA));
	rc("  SEEK_HOLE(size + 1)", lseek(fd, lseek(fd, 0, SEEK_END) + 1, SEEK_HOLE));
}

int main(void)
{
	int fd;

	fd = rcfd("open(base/c.txt, O_RDONLY)", open("base/c.txt", O_RDONLY));
	seeks("real c.txt", fd);
	rc("lseek(-1, SEEK_SET)", lseek(fd, -1, SEEK_SET));
	rc("lseek(0, 17)", lseek(fd, 0, 17));
	close(fd);
	fd = rcfd("open(base/c.txt, O_WRONLY|O_APPEND)", open("base/c.txt", O_WRONLY | O_APPEND));
	rc("write(more)", write(fd, "more\n", 5));
	seeks("copied c.txt", fd);
	close(fd);
	fd = rcfd("open(base/r3.txt, O_RDWR)", open("base/r3.txt", O_RDWR));
	rc("pwrite(at 1 MiB)", pwrite(fd, "data", 4, 1 << 20));
	rc("ftruncate(0)", ftruncate(fd, 0));
	rc("pwrite(at 1 MiB)", pwrite(fd, "data", 4, 1 << 20));
	seeks("holey r3.txt", fd);
	rc("SEEK_DATA(1 MiB - 1)", lseek(fd, (1 << 20) - 1, SEEK_DATA));
	close(fd);
	return 0;
}
