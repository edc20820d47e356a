/*
 * Writing past the end leaves a hole that reads as zeros: after lseek
 * beyond the end of a real file and of a new file, a write extends them;
 * the bytes between read back as zeros, stat shows the new size; lseek
 * past the end alone does not change the size.
 */
#include "corpus.h"

static void show_range(const char *label, const char *path, off_t off, size_t len)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : pread(fd, buf, len, off);

	if (n < 0)
		printf("%s = -1 %s\n", label, errname(errno));
	else {
		printf("%s: %zd ", label, n);
		print_bytes(buf, (size_t)n);
		putchar('\n');
	}
	close(fd);
}

int main(void)
{
	int fd;

	fd = rcfd("open(base/r1.txt, O_WRONLY)", open("base/r1.txt", O_WRONLY));
	rc("lseek(10, SEEK_END)", lseek(fd, 10, SEEK_END));
	show_stat("stat(base/r1.txt) after lseek", "base/r1.txt");
	rc("write(after)", write(fd, "after\n", 6));
	close(fd);
	show_stat("stat(base/r1.txt)", "base/r1.txt");
	show_file("cat base/r1.txt", "base/r1.txt");
	fd = rcfd("open(base/holey, O_CREAT)", open("base/holey", O_RDWR | O_CREAT, 0644));
	rc("lseek(70000)", lseek(fd, 70000, SEEK_SET));
	rc("write(z)", write(fd, "z", 1));
	close(fd);
	show_stat("stat(base/holey)", "base/holey");
	show_range("pread(holey, 8, 0)", "base/holey", 0, 8);
	show_range("pread(holey, 8, 69995)", "base/holey", 69995, 8);
	return 0;
}
