/*
 * statx(STATX_BASIC_STATS) of a real file, a real directory, a file
 * created in the overlay and a real file grown by a write: type, mode,
 * size (not a directory's), nlink, uid and gid, and which of the basic
 * fields the returned mask says are filled in.
 */
#include "corpus.h"

static void show_statx(const char *label, int dfd, const char *path, int flags, unsigned mask)
{
	struct statx sx;

	if (statx(dfd, path, flags, mask, &sx) < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	printf("%s: %c %04o", label, type_char(sx.stx_mode), sx.stx_mode & 07777);
	if (S_ISDIR(sx.stx_mode))
		printf(" size -");
	else
		printf(" size %llu", (unsigned long long)sx.stx_size);
	printf(" nlink %u uid %u gid %u mask %#x\n", sx.stx_nlink, sx.stx_uid, sx.stx_gid,
	       sx.stx_mask & STATX_BASIC_STATS);
}

int main(void)
{
	int fd;

	show_statx("statx(base/ro.txt)", AT_FDCWD, "base/ro.txt", 0, STATX_BASIC_STATS);
	show_statx("statx(base/sub)", AT_FDCWD, "base/sub", 0, STATX_BASIC_STATS);
	show_statx("statx(base/link)", AT_FDCWD, "base/link", 0, STATX_BASIC_STATS);
	show_statx("statx(base/a.txt, TYPE|SIZE)", AT_FDCWD, "base/a.txt", 0,
		   STATX_TYPE | STATX_SIZE);
	umask(022);
	put_file("base/new", "new!\n", 0751);
	show_statx("statx(base/new)", AT_FDCWD, "base/new", 0, STATX_BASIC_STATS);
	fd = rcfd("open(base/b.txt, O_WRONLY|O_APPEND)", open("base/b.txt", O_WRONLY | O_APPEND));
	rc("write", write(fd, "more\n", 5));
	show_statx("statx(fd, \"\", EMPTY_PATH)", fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS);
	close(fd);
	show_statx("statx(base/b.txt)", AT_FDCWD, "base/b.txt", 0, STATX_BASIC_STATS);
	rc("mkdir(base/nd)", mkdir("base/nd", 0700));
	show_statx("statx(base/nd)", AT_FDCWD, "base/nd", 0, STATX_BASIC_STATS);
	show_statx("statx(base/nd, AT_STATX_DONT_SYNC)", AT_FDCWD, "base/nd",
		   AT_STATX_DONT_SYNC, STATX_BASIC_STATS);
	return 0;
}
