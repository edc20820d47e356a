/*
 * Invalid times are EINVAL and change nothing: utimensat(2) with tv_nsec
 * of 1000000000 or -1 (in either field), utimes(2) with tv_usec of
 * 1000000, utimensat with an unknown flag; UTIME_NOW in one field and an
 * explicit time in the other is valid.
 */
#include "corpus.h"
#include <sys/time.h>

int main(void)
{
	struct timespec good[2] = { { 1000000000, 5 }, { 1100000000, 6 } };
	struct timespec big[2] = { { 1200000000, 1000000000 }, { 1300000000, 0 } };
	struct timespec neg[2] = { { 1200000000, 0 }, { 1300000000, -1 } };
	struct timespec now_m[2] = { { 1400000000, 7 }, { 0, UTIME_NOW } };
	struct timeval tv[2] = { { 1500000000, 0 }, { 1500000000, 1000000 } };
	struct stat st;

	rc("utimensat(base/a.txt, good)", utimensat(AT_FDCWD, "base/a.txt", good, 0));
	rc("utimensat(base/a.txt, nsec 1e9)", utimensat(AT_FDCWD, "base/a.txt", big, 0));
	rc("utimensat(base/a.txt, nsec -1)", utimensat(AT_FDCWD, "base/a.txt", neg, 0));
	rc("utimes(base/a.txt, usec 1e6)", utimes("base/a.txt", tv));
	rc("utimensat(base/a.txt, bad flag)", utimensat(AT_FDCWD, "base/a.txt", good, 0x8000));
	if (stat("base/a.txt", &st) < 0)
		die("stat base/a.txt");
	printf("times(base/a.txt): atime %lld.%09ld mtime %lld.%09ld\n",
	       (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	rc("utimensat(base/missing, nsec 1e9)", utimensat(AT_FDCWD, "base/missing", big, 0));
	rc("utimensat(base/b.txt, now mtime)", utimensat(AT_FDCWD, "base/b.txt", now_m, 0));
	if (stat("base/b.txt", &st) < 0)
		die("stat base/b.txt");
	printf("atime(base/b.txt): %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
	return 0;
}
