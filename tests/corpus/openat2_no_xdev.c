/*
 * openat2 with RESOLVE_NO_XDEV where no mount is crossed (the tree is on
 * one file system; tests/security/mounts.sh mounts one in it): writing,
 * creating and appending below a real directory, through a directory
 * made in the overlay and one renamed there, as without the flag.  An
 * absolute symbolic link is EXDEV until the walk has taken its root (an
 * absolute name or a ".." takes it; the kernel sets it lazily), and a
 * magic link (/proc/self/fd/N, on /proc's mount) is EXDEV.
 */
#include "corpus.h"
#include <linux/openat2.h>

static int o2(int dfd, const char *path, int flags)
{
	struct open_how how = { .flags = (unsigned long long)flags, .resolve = RESOLVE_NO_XDEV };

	if (flags & O_CREAT)
		how.mode = 0644;
	return (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
}

/* Open, write text and close. */
static void o2_write(const char *label, int dfd, const char *path, int flags, const char *text)
{
	int fd = rcfd(label, o2(dfd, path, flags));

	if (fd >= 0) {
		rc("  write", write(fd, text, strlen(text)));
		close(fd);
	}
}

int main(void)
{
	char proc[64];
	int dfd, fd;

	umask(022);
	dfd = rcfd("open(base, O_DIRECTORY)", open("base", O_RDONLY | O_DIRECTORY));
	o2_write("openat2(base, new1, CREAT, NO_XDEV)", dfd, "new1", O_CREAT | O_WRONLY, "one\n");
	show_file("cat base/new1", "base/new1");
	o2_write("openat2(base, a.txt, APPEND, NO_XDEV)", dfd, "a.txt", O_WRONLY | O_APPEND,
		 "appended\n");
	o2_write("openat2(base, sub/../b.txt, TRUNC, NO_XDEV)", dfd, "sub/../b.txt",
		 O_WRONLY | O_TRUNC, "b2\n");
	show_file("cat base/b.txt", "base/b.txt");
	rc("mkdir(base/ndir)", mkdir("base/ndir", 0755));
	o2_write("openat2(base, ndir/f, CREAT, NO_XDEV)", dfd, "ndir/f", O_CREAT | O_WRONLY, "f\n");
	o2_write("openat2(base, ndir/../a.txt, APPEND, NO_XDEV)", dfd, "ndir/../a.txt",
		 O_WRONLY | O_APPEND, "via ndir\n");
	show_file("cat base/a.txt", "base/a.txt");
	rc("rename(base/dir, base/dir2)", rename("base/dir", "base/dir2"));
	o2_write("openat2(base, dir2/x, APPEND, NO_XDEV)", dfd, "dir2/x", O_WRONLY | O_APPEND,
		 "x2\n");
	show_file("cat base/dir2/x", "base/dir2/x");
	rcfd("openat2(base, dir/x, RDONLY, NO_XDEV)", o2(dfd, "dir/x", O_RDONLY));
	/* Absolute links: the root is not taken yet, then it is. */
	rc("symlink(/, base/rootlink)", symlink("/", "base/rootlink"));
	rcfd("openat2(base, rootlink, DIRECTORY, NO_XDEV)", o2(dfd, "rootlink", O_DIRECTORY));
	fd = o2(dfd, "ndir/../rootlink", O_DIRECTORY);
	rc("openat2(base, ndir/../rootlink, DIRECTORY, NO_XDEV) is EXDEV or opens",
	   fd >= 0 ? 0 : errno == EXDEV ? 1 : -1);
	if (fd >= 0)
		close(fd);
	/* A magic link: /proc is another mount. */
	fd = rcfd("open(base/c.txt, O_RDONLY)", open("base/c.txt", O_RDONLY));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rcfd("openat2(/proc/self/fd/N, WRONLY, NO_XDEV)", o2(AT_FDCWD, proc, O_WRONLY));
	close(fd);
	show_dir("ls base", "base");
	close(dfd);
	return 0;
}
