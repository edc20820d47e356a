/*
 * open(O_CREAT) of a name that exists is an open of that file and needs
 * its permissions: as nobody O_CREAT|O_WRONLY of root's 0644 file is
 * EACCES (real file and one made in the overlay), O_CREAT|O_RDONLY of it
 * works and leaves it as it was, O_CREAT|O_TRUNC of nobody's own file works.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	put_file("open/made", "made by root\n", 0644);
	become_nobody();
	rcfd("open(open/f, O_CREAT|O_WRONLY)", open("open/f", O_WRONLY | O_CREAT, 0666));
	rcfd("open(open/made, O_CREAT|O_WRONLY)", open("open/made", O_WRONLY | O_CREAT, 0666));
	rcfd("open(pub/rootfile, O_CREAT|O_RDWR)", open("pub/rootfile", O_RDWR | O_CREAT, 0666));
	fd = rcfd("open(open/f, O_CREAT|O_RDONLY)", open("open/f", O_RDONLY | O_CREAT, 0666));
	show_read("read", fd);
	close(fd);
	rcfd("open(base/noperm.txt, O_CREAT|O_RDONLY)",
	     open("base/noperm.txt", O_RDONLY | O_CREAT, 0666));
	fd = rcfd("open(pub/nobodyfile, O_CREAT|O_TRUNC)",
		  open("pub/nobodyfile", O_WRONLY | O_CREAT | O_TRUNC, 0600));
	close(fd);
	show_stat("stat(pub/nobodyfile)", "pub/nobodyfile");
	show_stat("stat(open/f)", "open/f");
	show_file("cat open/made", "open/made");
	return 0;
}
