/*
 * readlink(2) of /proc/self/fd/N names the file the descriptor is open on:
 * a real file, a real directory, a file created in the overlay, a real
 * file opened for writing (copied up), a file renamed after its open (the
 * new name), and a deleted file or one a rename replaced (" (deleted)"
 * appended).
 */
#include "corpus.h"

static void show_fd_link(const char *label, int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	show_proc_link(label, path);
}

int main(void)
{
	int a, c, d, n, w, r, u;

	remember_root();
	a = rcfd("open(base/a.txt)", open("base/a.txt", O_RDONLY));
	show_fd_link("fd of base/a.txt", a);
	d = rcfd("open(base/dir)", open("base/dir", O_RDONLY | O_DIRECTORY));
	show_fd_link("fd of base/dir", d);
	n = rcfd("open(base/new, O_CREAT)", open("base/new", O_RDWR | O_CREAT, 0644));
	show_fd_link("fd of base/new", n);
	w = rcfd("open(base/w.txt, O_RDWR)", open("base/w.txt", O_RDWR));
	show_fd_link("fd of base/w.txt", w);
	r = rcfd("open(base/r1.txt)", open("base/r1.txt", O_RDONLY));
	rc("rename(base/r1.txt, base/dir/r1moved)", rename("base/r1.txt", "base/dir/r1moved"));
	show_fd_link("fd of renamed base/r1.txt", r);
	rc("rename(base/new, base/new2)", rename("base/new", "base/new2"));
	show_fd_link("fd of renamed base/new", n);
	u = rcfd("open(base/u.txt)", open("base/u.txt", O_RDONLY));
	rc("unlink(base/u.txt)", unlink("base/u.txt"));
	show_fd_link("fd of deleted base/u.txt", u);
	rc("unlink(base/new2)", unlink("base/new2"));
	show_fd_link("fd of deleted base/new2", n);
	c = rcfd("open(base/c.txt)", open("base/c.txt", O_RDONLY));
	rc("rename(base/d.txt, base/c.txt)", rename("base/d.txt", "base/c.txt"));
	show_fd_link("fd of base/c.txt replaced by a rename", c);
	return 0;
}
