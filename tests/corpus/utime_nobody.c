/*
 * Time changes as nobody: NULL times (or UTIME_NOW twice) on a file one
 * can write but does not own works; explicit times, or UTIME_NOW with
 * UTIME_OMIT, on it is EPERM; NULL times on a file one can neither write
 * nor owns is EACCES; explicit times on one's own file work.
 */
#include "corpus.h"
#include <sys/time.h>

int main(void)
{
	struct timespec ts[2] = { { 1000000000, 42 }, { 1100000000, 43 } };
	struct timespec now[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	struct timespec now_omit[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
	struct stat st;

	become_nobody();
	rc("utimensat(base/wonly.txt, NULL)", utimensat(AT_FDCWD, "base/wonly.txt", NULL, 0));
	rc("utimensat(base/wonly.txt, NOW NOW)", utimensat(AT_FDCWD, "base/wonly.txt", now, 0));
	rc("utimes(base/wonly.txt, NULL)", utimes("base/wonly.txt", NULL));
	rc("utimensat(base/wonly.txt, explicit)", utimensat(AT_FDCWD, "base/wonly.txt", ts, 0));
	rc("utimensat(base/wonly.txt, NOW OMIT)",
	   utimensat(AT_FDCWD, "base/wonly.txt", now_omit, 0));
	rc("utimensat(pub/rootfile, NULL)", utimensat(AT_FDCWD, "pub/rootfile", NULL, 0));
	rc("utimensat(pub/rootfile, explicit)", utimensat(AT_FDCWD, "pub/rootfile", ts, 0));
	rc("utimensat(base/noperm.txt, NULL)", utimensat(AT_FDCWD, "base/noperm.txt", NULL, 0));
	rc("utimensat(pub/nobodyfile, explicit)",
	   utimensat(AT_FDCWD, "pub/nobodyfile", ts, 0));
	if (stat("pub/nobodyfile", &st) < 0)
		printf("stat(pub/nobodyfile) = -1 %s\n", errname(errno));
	else
		printf("times(pub/nobodyfile): atime %lld.%09ld mtime %lld.%09ld\n",
		       (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
		       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	rc("utimensat(priv/secret, NULL)", utimensat(AT_FDCWD, "priv/secret", NULL, 0));
	return 0;
}
