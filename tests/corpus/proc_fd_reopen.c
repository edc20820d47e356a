/*
 * open("/proc/self/fd/N") reopens the file behind descriptor N as a new
 * open file description (its own offset): a real file, a file created in
 * the overlay and written, a real file renamed after the open; stat of
 * /proc/self/fd/N shows the file, lstat the magic link.
 */
#include "corpus.h"

static int reopen(const char *label, int fd, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return rcfd(label, open(path, flags));
}

static void stat_fd_path(const char *label, int fd, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	show_stat_at(label, AT_FDCWD, path, flags);
}

int main(void)
{
	char c;
	int a = rcfd("open(base/a.txt)", open("base/a.txt", O_RDONLY));
	int n = rcfd("open(base/new, O_CREAT)", open("base/new", O_RDWR | O_CREAT, 0600));
	int r = rcfd("open(base/r3.txt)", open("base/r3.txt", O_RDONLY));
	int a2, n2, r2;

	rc("read(a, 1)", read(a, &c, 1));
	a2 = reopen("open(/proc/self/fd/a)", a, O_RDONLY);
	show_read("read(a2)", a2);
	show_read("read(a)", a);
	stat_fd_path("stat(/proc/self/fd/a)", a, 0);
	rc("write(n)", write(n, "overlay\n", 8));
	n2 = reopen("open(/proc/self/fd/n)", n, O_RDONLY);
	show_read("read(n2)", n2);
	stat_fd_path("stat(/proc/self/fd/n)", n, 0);
	rc("rename(base/r3.txt, base/r3moved)", rename("base/r3.txt", "base/r3moved"));
	r2 = reopen("open(/proc/self/fd/r)", r, O_RDONLY);
	show_read("read(r2)", r2);
	stat_fd_path("stat(/proc/self/fd/r)", r, 0);
	stat_fd_path("lstat(/proc/self/fd/r)", r, AT_SYMLINK_NOFOLLOW);
	return 0;
}
