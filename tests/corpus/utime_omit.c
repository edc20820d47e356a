/*
 * utimensat(2) with UTIME_OMIT for one field changes only the other: after
 * explicit atime and mtime, omitting atime keeps the explicit atime and
 * sets the new mtime, and the reverse; both omitted changes nothing and
 * succeeds.
 */
#include "corpus.h"

int main(void)
{
	struct timespec both[2] = { { 1000000000, 1 }, { 1100000000, 2 } };
	struct timespec omit_a[2] = { { 0, UTIME_OMIT }, { 1200000000, 3 } };
	struct timespec omit_m[2] = { { 1300000000, 4 }, { 99, UTIME_OMIT } };
	struct timespec omit_both[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };

	rc("utimensat(base/b.txt, both)", utimensat(AT_FDCWD, "base/b.txt", both, 0));
	show_times("times(base/b.txt)", "base/b.txt", 0);
	rc("utimensat(base/b.txt, omit atime)", utimensat(AT_FDCWD, "base/b.txt", omit_a, 0));
	show_times("times(base/b.txt)", "base/b.txt", 0);
	rc("utimensat(base/b.txt, omit mtime)", utimensat(AT_FDCWD, "base/b.txt", omit_m, 0));
	show_times("times(base/b.txt)", "base/b.txt", 0);
	rc("utimensat(base/b.txt, omit both)", utimensat(AT_FDCWD, "base/b.txt", omit_both, 0));
	show_times("times(base/b.txt)", "base/b.txt", 0);
	rc("utimensat(base/missing, omit both)",
	   utimensat(AT_FDCWD, "base/missing", omit_both, 0));
	return 0;
}
