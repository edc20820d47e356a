/*
 * openat's dirfd errors: a descriptor of a file (real or new) is ENOTDIR
 * for a relative path but ignored for an absolute one; an empty path is
 * ENOENT; a closed descriptor is EBADF; AT_FDCWD is the cwd.
 */
#include "corpus.h"

int main(void)
{
	char cwd[4096], abs[4200];
	int ffd, nfd, fd;

	if (!getcwd(cwd, sizeof(cwd)))
		die("getcwd");
	ffd = rcfd("open(base/a.txt)", open("base/a.txt", O_RDONLY));
	rcfd("openat(a.txt, x)", openat(ffd, "x", O_RDONLY));
	rcfd("openat(a.txt, x, O_CREAT)", openat(ffd, "x", O_WRONLY | O_CREAT, 0644));
	rcfd("openat(a.txt, \"\")", openat(ffd, "", O_RDONLY));
	snprintf(abs, sizeof(abs), "%s/base/c.txt", cwd);
	fd = rcfd("openat(a.txt, ROOT/base/c.txt)", openat(ffd, abs, O_RDONLY));
	show_read("read(c.txt)", fd);
	close(fd);
	nfd = rcfd("open(base/new, O_CREAT)", open("base/new", O_RDWR | O_CREAT, 0644));
	rcfd("openat(new, x, O_CREAT)", openat(nfd, "x", O_WRONLY | O_CREAT, 0644));
	rcfd("openat(new, .)", openat(nfd, ".", O_RDONLY));
	close(nfd);
	close(ffd);
	rcfd("openat(closed fd, x)", openat(ffd, "x", O_RDONLY));
	rcfd("openat(-5, x)", openat(-5, "x", O_RDONLY));
	fd = rcfd("openat(AT_FDCWD, base/d.txt)", openat(AT_FDCWD, "base/d.txt", O_RDONLY));
	show_read("read(d.txt)", fd);
	close(fd);
	show_lstat("lstat(base/a.txt/x)", "base/a.txt/x");
	show_dir("ls base/empty", "base/empty");
	return 0;
}
