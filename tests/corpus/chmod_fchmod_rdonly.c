/*
 * fchmod(2) on a descriptor opened read-only on a real file works (the
 * owner may chmod whatever the open mode); fstat and stat by name agree,
 * the descriptor still reads the content; fchmod of an O_PATH descriptor
 * is EBADF, of a closed descriptor EBADF.
 */
#include "corpus.h"

int main(void)
{
	int fd = rcfd("open(base/b.txt, O_RDONLY)", open("base/b.txt", O_RDONLY));
	int pfd;

	if (fd < 0)
		return 1;
	rc("fchmod(fd, 0400)", fchmod(fd, 0400));
	show_fstat("fstat(fd)", fd);
	show_stat("stat(base/b.txt)", "base/b.txt");
	show_read("read(fd)", fd);
	rc("fchmod(fd, 0751)", fchmod(fd, 0751));
	show_fstat("fstat(fd) again", fd);
	show_stat("stat(base/b.txt) again", "base/b.txt");
	pfd = rcfd("open(base/c.txt, O_PATH)", open("base/c.txt", O_PATH));
	rc("fchmod(O_PATH fd, 0600)", fchmod(pfd, 0600));
	show_stat("stat(base/c.txt)", "base/c.txt");
	close(fd);
	rc("fchmod(closed fd, 0600)", fchmod(fd, 0600));
	fd = rcfd("open(base/dir, O_RDONLY)", open("base/dir", O_RDONLY | O_DIRECTORY));
	rc("fchmod(dir fd, 0711)", fchmod(fd, 0711));
	show_stat("stat(base/dir)", "base/dir");
	return 0;
}
