/*
 * creat(2) is open(O_CREAT|O_WRONLY|O_TRUNC): on a real file it empties it
 * (keeping its mode), the descriptor is write-only (read is EBADF); a new
 * file gets the mode minus the umask; on a directory EISDIR; through a
 * symbolic link it creates or truncates the target.
 */
#include "corpus.h"

int main(void)
{
	char c;
	int fd;

	umask(002);
	fd = rcfd("creat(base/d.txt, 0600)", creat("base/d.txt", 0600));
	rc("read", read(fd, &c, 1));
	rc("write", write(fd, "D\n", 2));
	rc("fcntl(F_GETFL) & O_ACCMODE", fcntl(fd, F_GETFL) & O_ACCMODE);
	close(fd);
	show_stat("stat(base/d.txt)", "base/d.txt");
	show_file("cat base/d.txt", "base/d.txt");
	fd = rcfd("creat(base/new, 0777)", creat("base/new", 0777));
	close(fd);
	show_stat("stat(base/new)", "base/new");
	rcfd("creat(base/dir, 0644)", creat("base/dir", 0644));
	rc("symlink(target, base/tl)", symlink("target", "base/tl"));
	fd = rcfd("creat(base/tl, 0640)", creat("base/tl", 0640));
	close(fd);
	show_stat("stat(base/target)", "base/target");
	fd = rcfd("creat(base/slink, 0600)", creat("base/slink", 0600));
	close(fd);
	show_stat("stat(base/c.txt)", "base/c.txt");
	rcfd("creat(base/nodir/x, 0644)", creat("base/nodir/x", 0644));
	return 0;
}
