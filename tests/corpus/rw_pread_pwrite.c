/*
 * pread/pwrite at offsets on a real file (base/big.txt, 108894 bytes):
 * they leave the file offset alone; pwrite in the middle changes just
 * those bytes; pread at and past the end gives 0 bytes; a negative offset
 * is EINVAL; pwrite far past the end extends the file.
 */
#include "corpus.h"

int main(void)
{
	char buf[16];
	ssize_t n;
	int fd;

	fd = rcfd("open(base/big.txt, O_RDWR)", open("base/big.txt", O_RDWR));
	if (fd < 0)
		return 1;
	n = rc("pread(12, 50000)", pread(fd, buf, 12, 50000));
	print_bytes(buf, n > 0 ? (size_t)n : 0);
	putchar('\n');
	rc("pwrite(XXXX, 50002)", pwrite(fd, "XXXX", 4, 50002));
	n = rc("pread(12, 50000)", pread(fd, buf, 12, 50000));
	print_bytes(buf, n > 0 ? (size_t)n : 0);
	putchar('\n');
	rc("lseek(cur)", lseek(fd, 0, SEEK_CUR));
	rc("pread(16, 108890)", pread(fd, buf, 16, 108890));
	rc("pread(16, 108894)", pread(fd, buf, 16, 108894));
	rc("pread(16, 200000)", pread(fd, buf, 16, 200000));
	rc("pread(16, -1)", pread(fd, buf, 16, -1));
	rc("pwrite(x, -1)", pwrite(fd, "x", 1, -1));
	rc("pwrite(end, 108900)", pwrite(fd, "end\n", 4, 108900));
	n = rc("pread(16, 108890)", pread(fd, buf, 16, 108890));
	print_bytes(buf, n > 0 ? (size_t)n : 0);
	putchar('\n');
	show_read("read at offset 0", fd);
	close(fd);
	show_stat("stat(base/big.txt)", "base/big.txt");
	return 0;
}
