/*
 * After a real file or directory is renamed away, its old name is free: a
 * new file created there is empty and new, a new directory made there is
 * empty (no old real entries show through), while the renamed one keeps
 * its content under the new name.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("rename(base/w.txt, base/w-moved)", rename("base/w.txt", "base/w-moved"));
	fd = rcfd("open(base/w.txt, O_CREAT|O_EXCL)",
		  open("base/w.txt", O_RDWR | O_CREAT | O_EXCL, 0640));
	show_fstat("fstat(new w.txt)", fd);
	rc("write", write(fd, "second\n", 7));
	close(fd);
	show_file("cat base/w.txt", "base/w.txt");
	show_file("cat base/w-moved", "base/w-moved");
	rc("rename(base/rfrom, base/rfrom-moved)", rename("base/rfrom", "base/rfrom-moved"));
	rc("mkdir(base/rfrom)", mkdir("base/rfrom", 0700));
	show_dir("ls base/rfrom", "base/rfrom");
	show_stat("stat(base/rfrom/f)", "base/rfrom/f");
	show_dir("ls base/rfrom-moved", "base/rfrom-moved");
	put_file("base/rfrom/g", "g\n", 0644);
	show_dir("ls base/rfrom after", "base/rfrom");
	rc("rename(base/rfull, base/rfull-moved)", rename("base/rfull", "base/rfull-moved"));
	rc("symlink(rfull-moved, base/rfull)", symlink("rfull-moved", "base/rfull"));
	show_dir("ls base/rfull (a link now)", "base/rfull");
	show_lstat("lstat(base/rfull)", "base/rfull");
	return 0;
}
