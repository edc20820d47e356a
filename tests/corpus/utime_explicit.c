/*
 * utimensat(2) with explicit times on a real file, a real directory and a
 * file created in the overlay: stat shows exactly the seconds and
 * nanoseconds given, for atime and mtime; writing to the new file
 * afterwards moves its mtime away from the value set.
 */
#include "corpus.h"

int main(void)
{
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 1234567890, 987654321 } };
	struct stat st;
	int fd;

	rc("utimensat(base/a.txt)", utimensat(AT_FDCWD, "base/a.txt", ts, 0));
	show_times("times(base/a.txt)", "base/a.txt", 0);
	rc("utimensat(base/dir)", utimensat(AT_FDCWD, "base/dir", ts, 0));
	show_times("times(base/dir)", "base/dir", 0);
	put_file("base/new", "new\n", 0644);
	rc("utimensat(base/new)", utimensat(AT_FDCWD, "base/new", ts, 0));
	show_times("times(base/new)", "base/new", 0);
	fd = rcfd("open(base/new, O_WRONLY|O_APPEND)", open("base/new", O_WRONLY | O_APPEND));
	rc("write", write(fd, "more\n", 5));
	close(fd);
	if (stat("base/new", &st) == 0)
		printf("mtime still the one set: %s\n",
		       st.st_mtim.tv_sec == ts[1].tv_sec ? "yes" : "no");
	rc("utimensat(base/missing)", utimensat(AT_FDCWD, "base/missing", ts, 0));
	return 0;
}
