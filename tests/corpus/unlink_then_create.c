/*
 * A real file unlinked and then created again under the same name is a new
 * file: empty when created, with the new mode (umask applied), content
 * only what was written after; O_EXCL works since the old one is gone.
 * The same for a name whose real file was replaced twice.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	umask(077);
	rc("unlink(base/b.txt)", unlink("base/b.txt"));
	fd = rcfd("open(base/b.txt, O_CREAT|O_EXCL)",
		  open("base/b.txt", O_RDWR | O_CREAT | O_EXCL, 0666));
	show_fstat("fstat(new b.txt)", fd);
	show_read("read(new b.txt)", fd);
	rc("write", write(fd, "new b\n", 6));
	close(fd);
	show_file("cat base/b.txt", "base/b.txt");
	show_stat("stat(base/b.txt)", "base/b.txt");
	rc("unlink(base/b.txt) again", unlink("base/b.txt"));
	rc("mkdir(base/b.txt)", mkdir("base/b.txt", 0755));
	show_stat("stat(base/b.txt) a directory now", "base/b.txt");
	show_dir("ls base/b.txt", "base/b.txt");
	rc("unlink(base/d.txt)", unlink("base/d.txt"));
	rc("symlink(c.txt, base/d.txt)", symlink("c.txt", "base/d.txt"));
	show_file("cat base/d.txt", "base/d.txt");
	show_lstat("lstat(base/d.txt)", "base/d.txt");
	return 0;
}
