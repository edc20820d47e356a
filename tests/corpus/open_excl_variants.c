/*
 * O_EXCL beyond the plain case: O_CREAT|O_EXCL on a directory is EEXIST;
 * after a real file is unlinked or renamed away in the overlay, the name
 * can be created again with O_EXCL and starts empty; O_EXCL without
 * O_CREAT on an existing regular file simply opens it.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rcfd("open(base/dir, O_CREAT|O_EXCL)", open("base/dir", O_RDONLY | O_CREAT | O_EXCL, 0644));
	rcfd("open(base/empty, O_CREAT|O_EXCL|O_DIRECTORY)",
	     open("base/empty", O_RDONLY | O_CREAT | O_EXCL | O_DIRECTORY, 0644));
	fd = rcfd("open(base/b.txt, O_EXCL)", open("base/b.txt", O_RDONLY | O_EXCL));
	show_read("read(b.txt)", fd);
	close(fd);
	rc("unlink(base/b.txt)", unlink("base/b.txt"));
	fd = rcfd("open(base/b.txt, O_CREAT|O_EXCL)",
		  open("base/b.txt", O_RDWR | O_CREAT | O_EXCL, 0600));
	show_fstat("fstat(b.txt)", fd);
	show_read("read(b.txt)", fd);
	rc("write", write(fd, "new b\n", 6));
	close(fd);
	show_file("cat base/b.txt", "base/b.txt");
	rc("rename(base/c.txt, base/c2.txt)", rename("base/c.txt", "base/c2.txt"));
	fd = rcfd("open(base/c.txt, O_CREAT|O_EXCL)",
		  open("base/c.txt", O_WRONLY | O_CREAT | O_EXCL, 0640));
	show_fstat("fstat(c.txt)", fd);
	close(fd);
	rcfd("open(base/c2.txt, O_CREAT|O_EXCL)",
	     open("base/c2.txt", O_WRONLY | O_CREAT | O_EXCL, 0640));
	show_file("cat base/c2.txt", "base/c2.txt");
	return 0;
}
