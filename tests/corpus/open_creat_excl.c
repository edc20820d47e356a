/*
 * open(O_CREAT|O_EXCL): EEXIST on a real file, on a file created in the
 * overlay, on a symbolic link (even a dangling one: O_EXCL never follows);
 * a new file is made with the umask applied and reads back what was written.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	umask(027);
	rcfd("open(base/a.txt, O_CREAT|O_EXCL)", open("base/a.txt", O_WRONLY | O_CREAT | O_EXCL, 0666));
	rcfd("open(base/link, O_CREAT|O_EXCL)", open("base/link", O_WRONLY | O_CREAT | O_EXCL, 0666));
	symlink("nowhere", "base/dangling");
	rcfd("open(base/dangling, O_CREAT|O_EXCL)",
	     open("base/dangling", O_WRONLY | O_CREAT | O_EXCL, 0666));
	show_lstat("lstat(base/dangling)", "base/dangling");
	fd = rcfd("open(base/new, O_CREAT|O_EXCL)", open("base/new", O_RDWR | O_CREAT | O_EXCL, 0666));
	if (fd < 0)
		return 1;
	rc("write", write(fd, "fresh\n", 6));
	show_fstat("fstat(new)", fd);
	rc("lseek(0)", lseek(fd, 0, SEEK_SET));
	show_read("read(new)", fd);
	close(fd);
	rcfd("open(base/new, O_CREAT|O_EXCL) again",
	     open("base/new", O_WRONLY | O_CREAT | O_EXCL, 0666));
	show_stat("stat(base/new)", "base/new");
	return 0;
}
