/*
 * Symbolic link loops: open of base/loop1 (a real two-link loop), a path
 * through it and O_CREAT on it are ELOOP; a loop made in the overlay and a
 * self-link behave the same; a chain of 40 links resolves, 41 is ELOOP;
 * O_NOFOLLOW|O_PATH opens the loop link itself.
 */
#include "corpus.h"

int main(void)
{
	char name[32], target[32];
	int fd;

	rcfd("open(base/loop1)", open("base/loop1", O_RDONLY));
	rcfd("open(base/loop1/x)", open("base/loop1/x", O_RDONLY));
	rcfd("open(base/loop2, O_CREAT)", open("base/loop2", O_WRONLY | O_CREAT, 0644));
	rc("symlink(self, base/self)", symlink("self", "base/self"));
	rcfd("open(base/self)", open("base/self", O_RDONLY));
	rcfd("open(base/self, O_CREAT|O_EXCL)", open("base/self", O_WRONLY | O_CREAT | O_EXCL, 0644));
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "base/ch%d", i);
		snprintf(target, sizeof(target), i == 1 ? "a.txt" : "ch%d", i - 1);
		if (symlink(target, name) < 0)
			die("symlink chain");
	}
	fd = rcfd("open(base/ch40)", open("base/ch40", O_RDONLY));
	show_read("read(ch40)", fd);
	close(fd);
	rcfd("open(base/ch41)", open("base/ch41", O_RDONLY));
	fd = rcfd("open(base/loop1, O_PATH|O_NOFOLLOW)", open("base/loop1", O_PATH | O_NOFOLLOW));
	show_fstat("fstat(loop1)", fd);
	close(fd);
	show_stat("stat(base/loop2)", "base/loop2");
	return 0;
}
