/*
 * A write to a real file through O_RDWR that goes past its end: stat by
 * path, fstat of the writing descriptor and of a new descriptor all show
 * the new size at once, before close; reading the same descriptor
 * continues after what was written.
 */
#include "corpus.h"

int main(void)
{
	int fd, fd2;

	show_stat("stat(base/l.txt) before", "base/l.txt");
	fd = rcfd("open(base/l.txt, O_RDWR)", open("base/l.txt", O_RDWR));
	if (fd < 0)
		return 1;
	show_read("read", fd);
	rc("write(12 bytes)", write(fd, "twelve bytes", 12));
	show_stat("stat(base/l.txt)", "base/l.txt");
	show_fstat("fstat(fd)", fd);
	fd2 = rcfd("open(base/l.txt, O_RDONLY)", open("base/l.txt", O_RDONLY));
	show_fstat("fstat(fd2)", fd2);
	show_read("read(fd2)", fd2);
	rc("lseek(fd, 2)", lseek(fd, 2, SEEK_SET));
	rc("write(X)", write(fd, "X", 1));
	show_read("read(fd) after X", fd);
	show_stat("stat(base/l.txt)", "base/l.txt");
	close(fd);
	close(fd2);
	show_file("cat base/l.txt", "base/l.txt");
	show_stat("stat(base/ls.txt) (untouched)", "base/ls.txt");
	return 0;
}
