/*
 * symlink(2) and symlinkat(2) never replace: the new name existing is
 * EEXIST whatever it is (a real file, a directory, a link, a dangling link,
 * a file created in the overlay), also with a trailing slash (a free name
 * with one is ENOENT); an empty target or a missing parent is ENOENT.
 * symlinkat with a directory descriptor puts the link in that directory.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("symlink(x, base/a.txt)", symlink("x", "base/a.txt"));
	rc("symlink(x, base/dir)", symlink("x", "base/dir"));
	rc("symlink(x, base/link)", symlink("x", "base/link"));
	rc("symlink(x, base/loop1)", symlink("x", "base/loop1"));
	rc("symlink(gone, base/dl)", symlink("gone", "base/dl"));
	rc("symlink(x, base/dl) again", symlink("x", "base/dl"));
	put_file("base/new", "new\n", 0644);
	rc("symlink(x, base/new)", symlink("x", "base/new"));
	rc("symlink(x, base/dir/)", symlink("x", "base/dir/"));
	rc("symlink(x, base/fresh/)", symlink("x", "base/fresh/"));
	rc("symlink(\"\", base/empty-target)", symlink("", "base/empty-target"));
	rc("symlink(x, base/nodir/l)", symlink("x", "base/nodir/l"));
	fd = rcfd("open(base/sub)", open("base/sub", O_RDONLY | O_DIRECTORY));
	rc("symlinkat(deep/f, base/sub, sl)", symlinkat("deep/f", fd, "sl"));
	rc("symlinkat(x, base/sub, deep)", symlinkat("x", fd, "deep"));
	close(fd);
	show_file("cat base/sub/sl", "base/sub/sl");
	show_link("readlink(base/link)", "base/link");
	show_link("readlink(base/dl)", "base/dl");
	show_file("cat base/new", "base/new");
	show_lstat("lstat(base/fresh)", "base/fresh");
	show_lstat("lstat(base/empty-target)", "base/empty-target");
	return 0;
}
