/*
 * Creating as nobody where it is allowed: in open/ (0777) and in the sticky
 * pub/ the new file is nobody's, with the umask applied, readable back;
 * in nobody's own open/nbdir too; root's open/f cannot be opened for
 * writing (EACCES) but can be read.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	become_nobody();
	umask(022);
	fd = rcfd("open(open/mine, O_CREAT)", open("open/mine", O_RDWR | O_CREAT | O_EXCL, 0666));
	rc("write", write(fd, "mine\n", 5));
	show_fstat("fstat(open/mine)", fd);
	close(fd);
	show_file("cat open/mine", "open/mine");
	fd = rcfd("open(pub/mine, O_CREAT)", open("pub/mine", O_WRONLY | O_CREAT, 0600));
	close(fd);
	show_stat("stat(pub/mine)", "pub/mine");
	fd = rcfd("open(open/nbdir/f, O_CREAT)", open("open/nbdir/f", O_WRONLY | O_CREAT, 0640));
	close(fd);
	show_stat("stat(open/nbdir/f)", "open/nbdir/f");
	rcfd("open(open/f, O_WRONLY)", open("open/f", O_WRONLY));
	fd = rcfd("open(open/f, O_RDONLY)", open("open/f", O_RDONLY));
	show_read("read(open/f)", fd);
	close(fd);
	fd = rcfd("open(pub/nobodyfile, O_WRONLY|O_APPEND)",
		  open("pub/nobodyfile", O_WRONLY | O_APPEND));
	rc("write", write(fd, "more\n", 5));
	close(fd);
	show_file("cat pub/nobodyfile", "pub/nobodyfile");
	rcfd("open(pub/rootfile, O_WRONLY)", open("pub/rootfile", O_WRONLY));
	return 0;
}
