/*
 * chown(2) as root of a real file and a real directory to 65534: stat
 * shows the new owner and group, the mode and content stay; fchown of a
 * descriptor opened read-only works too, of an O_PATH descriptor is EBADF;
 * chown of a missing name is ENOENT.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("chown(base/a.txt, 65534, 65534)", chown("base/a.txt", 65534, 65534));
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_file("cat base/a.txt", "base/a.txt");
	rc("chown(base/dir, 65534, 65534)", chown("base/dir", 65534, 65534));
	show_stat("stat(base/dir)", "base/dir");
	show_stat("stat(base/dir/x)", "base/dir/x");
	fd = rcfd("open(base/b.txt, O_RDONLY)", open("base/b.txt", O_RDONLY));
	rc("fchown(fd, 65534, 0)", fchown(fd, 65534, 0));
	show_fstat("fstat(fd)", fd);
	show_stat("stat(base/b.txt)", "base/b.txt");
	close(fd);
	fd = rcfd("open(base/d.txt, O_PATH)", open("base/d.txt", O_PATH));
	rc("fchown(O_PATH fd, 65534, 65534)", fchown(fd, 65534, 65534));
	show_stat("stat(base/d.txt)", "base/d.txt");
	rc("fchownat(base, c.txt, 0, 65534, 0)", fchownat(AT_FDCWD, "base/c.txt", 0, 65534, 0));
	show_stat("stat(base/c.txt)", "base/c.txt");
	rc("chown(base/missing, 65534, 65534)", chown("base/missing", 65534, 65534));
	rc("chown(base/a.txt, 0, 0)", chown("base/a.txt", 0, 0));
	show_stat("stat(base/a.txt) back", "base/a.txt");
	return 0;
}
