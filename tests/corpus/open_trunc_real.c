/*
 * O_TRUNC on a real file empties it in the view only: stat and a new
 * descriptor see size 0, a write through the truncating descriptor starts
 * at offset 0; O_RDONLY|O_TRUNC truncates too on Linux; O_TRUNC on a
 * 0444 file as root works; on a directory it is EISDIR.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	fd = rcfd("open(base/w.txt, O_WRONLY|O_TRUNC)", open("base/w.txt", O_WRONLY | O_TRUNC));
	show_stat("stat(base/w.txt)", "base/w.txt");
	show_file("cat base/w.txt", "base/w.txt");
	rc("write", write(fd, "ab", 2));
	rc("lseek(cur)", lseek(fd, 0, SEEK_CUR));
	close(fd);
	show_file("cat base/w.txt", "base/w.txt");
	fd = rcfd("open(base/w2.txt, O_RDONLY|O_TRUNC)", open("base/w2.txt", O_RDONLY | O_TRUNC));
	show_read("read(w2.txt)", fd);
	show_fstat("fstat(w2.txt)", fd);
	close(fd);
	fd = rcfd("open(base/ro.txt, O_WRONLY|O_TRUNC)", open("base/ro.txt", O_WRONLY | O_TRUNC));
	show_fstat("fstat(ro.txt)", fd);
	close(fd);
	rcfd("open(base/dir, O_RDWR|O_TRUNC)", open("base/dir", O_RDWR | O_TRUNC));
	fd = rcfd("open(base/link, O_WRONLY|O_TRUNC)", open("base/link", O_WRONLY | O_TRUNC));
	close(fd);
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_lstat("lstat(base/link)", "base/link");
	return 0;
}
