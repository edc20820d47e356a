/*
 * As nobody in the sticky, world-writable pub/: renaming root's file
 * within pub/ or out of it is EPERM, renaming one's own file out of pub/
 * and back works, renaming it onto root's file is EPERM, and onto a file of
 * one's own (made in the overlay) works.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	become_nobody();
	rc("rename(pub/rootfile, pub/r2)", rename("pub/rootfile", "pub/r2"));
	rc("rename(pub/rootfile, open/r2)", rename("pub/rootfile", "open/r2"));
	rc("rename(pub/nobodyfile, open/nf)", rename("pub/nobodyfile", "open/nf"));
	show_dir("ls pub", "pub");
	rc("rename(open/nf, pub/nobodyfile)", rename("open/nf", "pub/nobodyfile"));
	rc("rename(pub/nobodyfile, pub/rootfile)", rename("pub/nobodyfile", "pub/rootfile"));
	fd = rcfd("open(pub/mine, O_CREAT)", open("pub/mine", O_WRONLY | O_CREAT, 0644));
	rc("write", write(fd, "mine\n", 5));
	close(fd);
	rc("rename(pub/nobodyfile, pub/mine)", rename("pub/nobodyfile", "pub/mine"));
	show_dir("ls pub", "pub");
	show_file("cat pub/mine", "pub/mine");
	show_stat("stat(pub/rootfile)", "pub/rootfile");
	rc("rename(open/f, pub/f)", rename("open/f", "pub/f"));
	show_stat("stat(pub/f)", "pub/f");
	rc("rename(pub/f, pub/rootfile)", rename("pub/f", "pub/rootfile"));
	return 0;
}
