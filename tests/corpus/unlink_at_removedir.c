/*
 * unlinkat(2) with AT_REMOVEDIR acts as rmdir: an empty real directory
 * goes, a non-empty one is ENOTEMPTY, a file is ENOTDIR; without the flag a
 * directory is EISDIR (real or created in the overlay) and a file goes.
 * Relative to a directory descriptor and to AT_FDCWD; a bad flag is EINVAL.
 */
#include "corpus.h"

int main(void)
{
	int fd = rcfd("open(base)", open("base", O_RDONLY | O_DIRECTORY));

	rc("unlinkat(base, empty, AT_REMOVEDIR)", unlinkat(fd, "empty", AT_REMOVEDIR));
	rc("unlinkat(base, full, AT_REMOVEDIR)", unlinkat(fd, "full", AT_REMOVEDIR));
	rc("unlinkat(base, a.txt, AT_REMOVEDIR)", unlinkat(fd, "a.txt", AT_REMOVEDIR));
	rc("unlinkat(base, link, AT_REMOVEDIR)", unlinkat(fd, "link", AT_REMOVEDIR));
	rc("unlinkat(base, full, 0)", unlinkat(fd, "full", 0));
	rc("unlinkat(base, a.txt, 0)", unlinkat(fd, "a.txt", 0));
	rc("unlinkat(base, a.txt, 0) again", unlinkat(fd, "a.txt", 0));
	rc("unlinkat(base, b.txt, 0x1)", unlinkat(fd, "b.txt", 0x1));
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	rc("unlinkat(base, nd, 0)", unlinkat(fd, "nd", 0));
	rc("unlinkat(AT_FDCWD, base/nd, AT_REMOVEDIR)", unlinkat(AT_FDCWD, "base/nd", AT_REMOVEDIR));
	rc("unlinkat(base, full/k, 0)", unlinkat(fd, "full/k", 0));
	rc("unlinkat(base, full, AT_REMOVEDIR) emptied", unlinkat(fd, "full", AT_REMOVEDIR));
	rc("unlinkat(base, ., AT_REMOVEDIR)", unlinkat(fd, ".", AT_REMOVEDIR));
	rc("unlinkat(base, .., AT_REMOVEDIR)", unlinkat(fd, "..", AT_REMOVEDIR));
	show_stat("stat(base/empty)", "base/empty");
	show_stat("stat(base/full)", "base/full");
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_stat("stat(base/b.txt)", "base/b.txt");
	show_lstat("lstat(base/link)", "base/link");
	close(fd);
	return 0;
}
