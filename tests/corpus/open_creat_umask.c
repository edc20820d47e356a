/*
 * open(O_CREAT): a new file gets the requested mode minus the umask, in a
 * real directory and in one made in the overlay; O_CREAT on an existing
 * file opens it as it is (mode, content and owner unchanged); the mode
 * bits apply even when the new file is opened read-only.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	umask(022);
	fd = rcfd("open(base/n1, O_CREAT, 0777)", open("base/n1", O_WRONLY | O_CREAT, 0777));
	close(fd);
	show_stat("stat(base/n1)", "base/n1");
	umask(077);
	fd = rcfd("open(base/n2, O_CREAT, 0666)", open("base/n2", O_RDWR | O_CREAT, 0666));
	close(fd);
	show_stat("stat(base/n2)", "base/n2");
	umask(0);
	fd = rcfd("open(base/n3, O_RDONLY|O_CREAT, 0400)", open("base/n3", O_RDONLY | O_CREAT, 0400));
	show_fstat("fstat(n3)", fd);
	close(fd);
	rcfd("open(base/n3, O_WRONLY) as root", open("base/n3", O_WRONLY));
	rc("mkdir(base/newdir)", mkdir("base/newdir", 0700));
	fd = rcfd("open(base/newdir/f, O_CREAT, 06755)",
		  open("base/newdir/f", O_WRONLY | O_CREAT, 06755));
	close(fd);
	show_stat("stat(base/newdir/f)", "base/newdir/f");
	fd = rcfd("open(base/a.txt, O_CREAT, 0600)", open("base/a.txt", O_RDWR | O_CREAT, 0600));
	show_read("read(a.txt)", fd);
	close(fd);
	show_stat("stat(base/a.txt)", "base/a.txt");
	fd = rcfd("open(base/exec.sh, O_CREAT, 0600)", open("base/exec.sh", O_RDONLY | O_CREAT, 0600));
	close(fd);
	show_stat("stat(base/exec.sh)", "base/exec.sh");
	return 0;
}
