/*
 * As nobody, chmod(2) of root's file is EPERM (by name and through a
 * descriptor), even when the file is world-writable; of one's own file it
 * works, also in a sticky directory; of a file in a directory one cannot
 * search it is EACCES.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	become_nobody();
	rc("chmod(pub/rootfile, 0666)", chmod("pub/rootfile", 0666));
	show_stat("stat(pub/rootfile)", "pub/rootfile");
	rc("chmod(base/wonly.txt, 0666)", chmod("base/wonly.txt", 0666));
	fd = rcfd("open(base/a.txt, O_RDONLY)", open("base/a.txt", O_RDONLY));
	rc("fchmod(fd of base/a.txt, 0666)", fchmod(fd, 0666));
	show_stat("stat(base/a.txt)", "base/a.txt");
	rc("chmod(pub/nobodyfile, 0600)", chmod("pub/nobodyfile", 0600));
	show_stat("stat(pub/nobodyfile)", "pub/nobodyfile");
	rc("chmod(open/nbdir, 0700)", chmod("open/nbdir", 0700));
	show_stat("stat(open/nbdir)", "open/nbdir");
	rc("chmod(priv/secret, 0644)", chmod("priv/secret", 0644));
	rc("chmod(base, 0777)", chmod("base", 0777));
	return 0;
}
