/*
 * A real directory's link count follows its subdirectories in the merged
 * view: mkdir adds one, rmdir of a real subdirectory takes one, renaming a
 * subdirectory out moves one to the other parent; stat, fstat of a
 * descriptor opened before, and statx agree.
 */
#include "corpus.h"

static void nlinks(const char *label, const char *path, int fd)
{
	struct stat st;
	struct statx stx;

	if (stat(path, &st) < 0 || fstat(fd, &st) < 0 ||
	    statx(AT_FDCWD, path, 0, STATX_NLINK, &stx) < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	stat(path, &st);
	printf("%s: stat %lu", label, (unsigned long)st.st_nlink);
	fstat(fd, &st);
	printf(" fstat %lu statx %u\n", (unsigned long)st.st_nlink, stx.stx_nlink);
}

int main(void)
{
	int b = rcfd("open(base)", open("base", O_RDONLY | O_DIRECTORY));
	int s = rcfd("open(base/sub)", open("base/sub", O_RDONLY | O_DIRECTORY));

	nlinks("base", "base", b);
	nlinks("base/sub", "base/sub", s);
	rc("mkdir(base/sub/new)", mkdir("base/sub/new", 0755));
	nlinks("base/sub", "base/sub", s);
	rc("rmdir(base/empty)", rmdir("base/empty"));
	nlinks("base", "base", b);
	rc("rename(base/sub/deep, base/deep)", rename("base/sub/deep", "base/deep"));
	nlinks("base", "base", b);
	nlinks("base/sub", "base/sub", s);
	rc("rename(base/cdir, base/sub/cdir)", rename("base/cdir", "base/sub/cdir"));
	nlinks("base", "base", b);
	nlinks("base/sub", "base/sub", s);
	return 0;
}
