/*
 * futimens(2) on a descriptor opened read-only on a real file (the owner
 * may set times whatever the open mode), on a directory descriptor, and
 * utimensat(fd, NULL path) (the raw form futimens uses); stat by name shows
 * the times set through the descriptor; an O_PATH descriptor is EBADF.
 */
#include "corpus.h"

int main(void)
{
	struct timespec ts[2] = { { 1000000000, 7 }, { 1100000000, 8 } };
	struct timespec ts2[2] = { { 1200000000, 9 }, { 1300000000, 10 } };
	int fd = rcfd("open(base/a.txt, O_RDONLY)", open("base/a.txt", O_RDONLY));
	int dfd = rcfd("open(base/dir)", open("base/dir", O_RDONLY | O_DIRECTORY));
	int pfd = rcfd("open(base/b.txt, O_PATH)", open("base/b.txt", O_PATH));

	rc("futimens(fd)", futimens(fd, ts));
	show_times("times(base/a.txt)", "base/a.txt", 0);
	show_read("read(fd)", fd);
	rc("utimensat(fd, NULL, ts2)", syscall(SYS_utimensat, fd, NULL, ts2, 0));
	show_times("times(base/a.txt) again", "base/a.txt", 0);
	rc("futimens(dir fd)", futimens(dfd, ts2));
	show_times("times(base/dir)", "base/dir", 0);
	rc("futimens(O_PATH fd)", futimens(pfd, ts));
	rc("utimensat(O_PATH fd, \"\", AT_EMPTY_PATH)", utimensat(pfd, "", ts, AT_EMPTY_PATH));
	show_times("times(base/b.txt)", "base/b.txt", 0);
	return 0;
}
