/*
 * readlink errors and truncation: a regular file (real or new) and a
 * directory are EINVAL, a missing name ENOENT, a path through a file
 * ENOTDIR, a size of 0 EINVAL; a buffer shorter than the target gets
 * exactly that many bytes and no NUL (the rest of the buffer untouched);
 * a link through a symbolic link to a directory is read.
 */
#include "corpus.h"

int main(void)
{
	char buf[16];
	ssize_t n;
	int fd;

	rc("readlink(base/a.txt)", readlink("base/a.txt", buf, sizeof(buf)));
	rc("readlink(base/dir)", readlink("base/dir", buf, sizeof(buf)));
	rc("readlink(base/missing)", readlink("base/missing", buf, sizeof(buf)));
	rc("readlink(base/a.txt/x)", readlink("base/a.txt/x", buf, sizeof(buf)));
	rc("readlink(base/link, size 0)", readlink("base/link", buf, 0));
	put_file("base/new", "new\n", 0644);
	rc("readlink(base/new)", readlink("base/new", buf, sizeof(buf)));
	memset(buf, '#', sizeof(buf));
	n = rc("readlink(base/link, size 3)", readlink("base/link", buf, 3));
	print_bytes(buf, 6);
	putchar('\n');
	rc("symlink(0123456789abcdefXYZ, base/long)", symlink("0123456789abcdefXYZ", "base/long"));
	memset(buf, '#', sizeof(buf));
	n = rc("readlink(base/long, size 16)", readlink("base/long", buf, sizeof(buf)));
	print_bytes(buf, (size_t)(n > 0 ? n : 0));
	putchar('\n');
	rc("symlink(sub, base/sl)", symlink("sub", "base/sl"));
	rc("symlink(deep/f, base/sub/fl)", symlink("deep/f", "base/sub/fl"));
	show_link("readlink(base/sl/fl)", "base/sl/fl");
	fd = rcfd("open(base/a.txt, O_PATH)", open("base/a.txt", O_PATH));
	rc("readlinkat(a.txt fd, \"\")", readlinkat(fd, "", buf, sizeof(buf)));
	close(fd);
	return 0;
}
