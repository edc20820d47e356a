/*
 * As nobody, O_CREAT of a new file whose mode forbids writing (0444, 0)
 * still gives a writable descriptor: the permission check does not apply
 * to the file the call itself created; a second open for writing is then
 * EACCES, and the written content stays.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	become_nobody();
	umask(022);
	fd = rcfd("open(open/ro, O_WRONLY|O_CREAT, 0444)", open("open/ro", O_WRONLY | O_CREAT, 0444));
	rc("write", write(fd, "ro\n", 3));
	close(fd);
	show_stat("stat(open/ro)", "open/ro");
	rcfd("open(open/ro, O_WRONLY)", open("open/ro", O_WRONLY));
	rcfd("open(open/ro, O_WRONLY|O_CREAT, 0644)", open("open/ro", O_WRONLY | O_CREAT, 0644));
	fd = rcfd("open(pub/zero, O_RDWR|O_CREAT|O_EXCL, 0)",
		  open("pub/zero", O_RDWR | O_CREAT | O_EXCL, 0));
	rc("write", write(fd, "zero\n", 5));
	rc("lseek(0)", lseek(fd, 0, SEEK_SET));
	show_read("read", fd);
	close(fd);
	show_stat("stat(pub/zero)", "pub/zero");
	rcfd("open(pub/zero, O_RDONLY)", open("pub/zero", O_RDONLY));
	show_file("cat open/ro", "open/ro");
	return 0;
}
