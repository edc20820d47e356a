/*
 * statx errors: a missing name is ENOENT, a file used as a directory
 * ENOTDIR, a loop ELOOP, an unknown flag and the reserved mask bit EINVAL,
 * AT_STATX_FORCE_SYNC|DONT_SYNC together EINVAL, "" without AT_EMPTY_PATH
 * ENOENT, a bad dirfd EBADF; a name removed in the overlay is ENOENT.
 */
#include "corpus.h"

static void sx(const char *label, int dfd, const char *path, int flags, unsigned mask)
{
	struct statx st;

	if (statx(dfd, path, flags, mask, &st) < 0)
		printf("%s = -1 %s\n", label, errname(errno));
	else
		printf("%s: %c size %llu\n", label, type_char(st.stx_mode),
		       S_ISDIR(st.stx_mode) ? 0ULL : (unsigned long long)st.stx_size);
}

int main(void)
{
	sx("statx(base/missing)", AT_FDCWD, "base/missing", 0, STATX_BASIC_STATS);
	sx("statx(base/a.txt/x)", AT_FDCWD, "base/a.txt/x", 0, STATX_BASIC_STATS);
	sx("statx(base/loop1)", AT_FDCWD, "base/loop1", 0, STATX_BASIC_STATS);
	sx("statx(flags 0x80000000)", AT_FDCWD, "base/a.txt", (int)0x80000000, STATX_BASIC_STATS);
	sx("statx(mask STATX__RESERVED)", AT_FDCWD, "base/a.txt", 0, STATX__RESERVED);
	sx("statx(FORCE_SYNC|DONT_SYNC)", AT_FDCWD, "base/a.txt",
	   AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_BASIC_STATS);
	sx("statx(\"\", 0)", AT_FDCWD, "", 0, STATX_BASIC_STATS);
	sx("statx(-7, base/a.txt)", -7, "base/a.txt", 0, STATX_BASIC_STATS);
	sx("statx(-7, relative x)", -7, "x", 0, STATX_BASIC_STATS);
	sx("statx(base/a.txt, mask 0)", AT_FDCWD, "base/a.txt", 0, 0);
	rc("unlink(base/a.txt)", unlink("base/a.txt"));
	sx("statx(base/a.txt)", AT_FDCWD, "base/a.txt", 0, STATX_BASIC_STATS);
	rc("rmdir(base/empty)", rmdir("base/empty"));
	sx("statx(base/empty)", AT_FDCWD, "base/empty", 0, STATX_BASIC_STATS);
	sx("statx(base/empty/x)", AT_FDCWD, "base/empty/x", 0, STATX_BASIC_STATS);
	return 0;
}
