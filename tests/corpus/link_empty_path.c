/*
 * linkat(fd, "", ..., AT_EMPTY_PATH) (as root) links what the descriptor is
 * open on: a real file, an O_PATH descriptor of a symbolic link (the link
 * itself), a file renamed after its open (the same file), a file made in
 * the overlay; a file deleted while open, a pipe and a directory cannot be
 * linked; a bad descriptor is EBADF; an existing name is EEXIST.
 */
#include "corpus.h"

static long flink(int fd, const char *to)
{
	return linkat(fd, "", AT_FDCWD, to, AT_EMPTY_PATH);
}

int main(void)
{
	int a = rcfd("open(base/a.txt)", open("base/a.txt", O_RDONLY));
	int l = rcfd("open(base/link, O_PATH|O_NOFOLLOW)", open("base/link", O_PATH | O_NOFOLLOW));
	int r = rcfd("open(base/r1.txt)", open("base/r1.txt", O_RDONLY));
	int u = rcfd("open(base/u.txt)", open("base/u.txt", O_RDONLY));
	int d = rcfd("open(base/dir)", open("base/dir", O_RDONLY | O_DIRECTORY));
	int n = rcfd("open(base/new, O_CREAT)", open("base/new", O_RDWR | O_CREAT, 0640));
	int p[2];

	rc("pipe", pipe(p));
	rc("flink(a, base/a2)", flink(a, "base/a2"));
	show_stat("stat(base/a2)", "base/a2");
	show_stat("stat(base/a.txt)", "base/a.txt");
	rc("flink(link, base/l2)", flink(l, "base/l2"));
	show_link("readlink(base/l2)", "base/l2");
	rc("rename(base/r1.txt, base/r1moved)", rename("base/r1.txt", "base/r1moved"));
	rc("flink(r, base/dir/r)", flink(r, "base/dir/r"));
	show_stat("stat(base/dir/r)", "base/dir/r");
	show_file("cat base/dir/r", "base/dir/r");
	rc("write(n)", write(n, "made\n", 5));
	rc("flink(n, base/n2)", flink(n, "base/n2"));
	show_stat("stat(base/n2)", "base/n2");
	show_file("cat base/n2", "base/n2");
	rc("unlink(base/u.txt)", unlink("base/u.txt"));
	rc("flink(u, base/u-again)", flink(u, "base/u-again"));
	rc("flink(pipe, base/pipe)", flink(p[0], "base/pipe"));
	rc("flink(dir, base/dir2)", flink(d, "base/dir2"));
	rc("flink(a, base/b.txt)", flink(a, "base/b.txt"));
	rc("flink(a, base/nodir/x)", flink(a, "base/nodir/x"));
	rc("flink(99, base/bad)", flink(99, "base/bad"));
	show_dir("ls base/dir", "base/dir");
	return 0;
}
