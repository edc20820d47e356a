/*
 * O_APPEND on a real file: every write lands at the current end, even
 * after lseek to 0 and through a second O_APPEND descriptor; the offset
 * after a write is the new end; pwrite on an O_APPEND descriptor also
 * appends (Linux ignores its offset); the content reads back in order.
 */
#include "corpus.h"

int main(void)
{
	int fd, fd2;

	fd = rcfd("open(base/app.txt, O_WRONLY|O_APPEND)", open("base/app.txt", O_WRONLY | O_APPEND));
	if (fd < 0)
		return 1;
	rc("lseek(cur) at open", lseek(fd, 0, SEEK_CUR));
	rc("write(one)", write(fd, "one\n", 4));
	rc("lseek(cur)", lseek(fd, 0, SEEK_CUR));
	rc("lseek(0)", lseek(fd, 0, SEEK_SET));
	rc("write(two)", write(fd, "two\n", 4));
	rc("lseek(cur)", lseek(fd, 0, SEEK_CUR));
	fd2 = rcfd("open(base/app.txt, O_RDWR|O_APPEND)", open("base/app.txt", O_RDWR | O_APPEND));
	rc("write(three) via fd2", write(fd2, "three\n", 6));
	rc("write(four) via fd", write(fd, "four\n", 5));
	rc("pwrite(X, 0)", pwrite(fd, "X\n", 2, 0));
	rc("lseek(fd2, 0)", lseek(fd2, 0, SEEK_SET));
	show_read("read(fd2)", fd2);
	close(fd);
	close(fd2);
	show_stat("stat(base/app.txt)", "base/app.txt");
	show_file("cat base/app.txt", "base/app.txt");
	return 0;
}
