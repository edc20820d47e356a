/*
 * What a descriptor's access mode allows, on real files: write through
 * O_RDONLY is EBADF and leaves the file as it was, read through O_WRONLY
 * is EBADF, read of a directory descriptor is EISDIR, a closed descriptor
 * is EBADF; a zero-length write through O_RDONLY is EBADF too.
 */
#include "corpus.h"

int main(void)
{
	char c;
	int fd;

	fd = rcfd("open(base/m.txt, O_RDONLY)", open("base/m.txt", O_RDONLY));
	rc("write(x)", write(fd, "x", 1));
	rc("write(0 bytes)", write(fd, "", 0));
	rc("pwrite(x, 0)", pwrite(fd, "x", 1, 0));
	show_read("read", fd);
	close(fd);
	fd = rcfd("open(base/m2.txt, O_WRONLY)", open("base/m2.txt", O_WRONLY));
	rc("read", read(fd, &c, 1));
	rc("pread", pread(fd, &c, 1, 0));
	close(fd);
	rc("read(closed)", read(fd, &c, 1));
	fd = rcfd("open(base/dir)", open("base/dir", O_RDONLY));
	rc("read(dir)", read(fd, &c, 1));
	rc("write(dir)", write(fd, "x", 1));
	close(fd);
	show_file("cat base/m.txt", "base/m.txt");
	show_file("cat base/m2.txt", "base/m2.txt");
	show_stat("stat(base/m2.txt)", "base/m2.txt");
	return 0;
}
