/*
 * open(O_NOATIME) needs the caller to own the file: root may use it on any
 * file; as nobody it is EPERM on root's files (EACCES first when nobody
 * cannot even read them), works on nobody's own file, and
 * fcntl(F_SETFL, O_NOATIME) on a descriptor of root's file is EPERM too.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	fd = rcfd("open(base/a.txt, O_NOATIME) as root", open("base/a.txt", O_RDONLY | O_NOATIME));
	close(fd);
	put_file("open/made", "made\n", 0644);
	become_nobody();
	rcfd("open(base/a.txt, O_NOATIME)", open("base/a.txt", O_RDONLY | O_NOATIME));
	rcfd("open(base/noperm.txt, O_NOATIME)", open("base/noperm.txt", O_RDONLY | O_NOATIME));
	rcfd("open(open/made, O_NOATIME)", open("open/made", O_RDONLY | O_NOATIME));
	fd = rcfd("open(pub/nobodyfile, O_NOATIME)",
		  open("pub/nobodyfile", O_RDONLY | O_NOATIME));
	show_read("read", fd);
	close(fd);
	fd = rcfd("open(base/b.txt)", open("base/b.txt", O_RDONLY));
	rc("fcntl(F_SETFL, O_NOATIME)", fcntl(fd, F_SETFL, O_NOATIME));
	close(fd);
	return 0;
}
