/*
 * O_PATH: a descriptor on a real file, a file made in the overlay and a
 * file one cannot read (0000 as nobody) still fstats; read and write
 * through it are EBADF; an O_PATH directory works as a dirfd for openat
 * and fstatat.
 */
#include "corpus.h"

int main(void)
{
	char c;
	int fd, dfd;

	fd = rcfd("open(base/a.txt, O_PATH)", open("base/a.txt", O_PATH));
	show_fstat("fstat(a.txt)", fd);
	rc("read(a.txt)", read(fd, &c, 1));
	rc("write(a.txt)", write(fd, "x", 1));
	close(fd);
	put_file("base/fresh", "fresh\n", 0640);
	fd = rcfd("open(base/fresh, O_PATH)", open("base/fresh", O_PATH));
	show_fstat("fstat(fresh)", fd);
	rc("read(fresh)", read(fd, &c, 1));
	rc("pwrite(fresh)", pwrite(fd, "x", 1, 0));
	close(fd);
	dfd = rcfd("open(base/dir, O_PATH|O_DIRECTORY)", open("base/dir", O_PATH | O_DIRECTORY));
	fd = rcfd("openat(dir, y)", openat(dfd, "y", O_RDONLY));
	show_read("read(y)", fd);
	close(fd);
	show_stat_at("fstatat(dir, z)", dfd, "z", 0);
	close(dfd);
	show_file("cat base/fresh", "base/fresh");
	become_nobody();
	fd = rcfd("nobody: open(base/noperm.txt, O_PATH)", open("base/noperm.txt", O_PATH));
	show_fstat("fstat(noperm.txt)", fd);
	rc("read(noperm.txt)", read(fd, &c, 1));
	close(fd);
	rcfd("nobody: open(base/noperm.txt)", open("base/noperm.txt", O_RDONLY));
	return 0;
}
