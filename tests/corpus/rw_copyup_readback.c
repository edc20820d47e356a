/*
 * Writing a real file: overwriting its start through O_WRONLY, then a new
 * descriptor reads the changed content (rest of the old bytes kept); a
 * second write session continues from where a read left the offset; stat
 * shows the size the writes made.
 */
#include "corpus.h"

int main(void)
{
	char buf[4];
	int fd;

	fd = rcfd("open(base/w.txt, O_WRONLY)", open("base/w.txt", O_WRONLY));
	if (fd < 0)
		return 1;
	rc("write(ABC)", write(fd, "ABC", 3));
	close(fd);
	fd = rcfd("open(base/w.txt, O_RDONLY)", open("base/w.txt", O_RDONLY));
	show_read("read(w.txt)", fd);
	close(fd);
	fd = rcfd("open(base/w.txt, O_RDWR)", open("base/w.txt", O_RDWR));
	rc("read(4)", read(fd, buf, 4));
	print_bytes(buf, 4);
	putchar('\n');
	rc("write(xyz)", write(fd, "xyz", 3));
	rc("lseek(cur)", lseek(fd, 0, SEEK_CUR));
	show_read("read(rest)", fd);
	rc("write(tail)", write(fd, "tail\n", 5));
	close(fd);
	show_stat("stat(base/w.txt)", "base/w.txt");
	show_file("cat base/w.txt", "base/w.txt");
	show_file("cat base/w2.txt (untouched)", "base/w2.txt");
	return 0;
}
