/*
 * chown(2) with -1 for the owner or the group keeps that field: -1 for the
 * owner changes only the group, -1 for the group only the owner, -1 for
 * both changes nothing and still succeeds; the same through fchown and on
 * a file created in the overlay.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("chown(base/a.txt, -1, 65534)", chown("base/a.txt", (uid_t)-1, 65534));
	show_stat("stat(base/a.txt)", "base/a.txt");
	rc("chown(base/a.txt, 65534, -1)", chown("base/a.txt", 65534, (gid_t)-1));
	show_stat("stat(base/a.txt) again", "base/a.txt");
	rc("chown(base/b.txt, -1, -1)", chown("base/b.txt", (uid_t)-1, (gid_t)-1));
	show_stat("stat(base/b.txt)", "base/b.txt");
	fd = rcfd("open(base/new, O_CREAT)", open("base/new", O_RDWR | O_CREAT, 0640));
	rc("fchown(new, 65534, -1)", fchown(fd, 65534, (gid_t)-1));
	show_fstat("fstat(new)", fd);
	rc("fchown(new, -1, 65534)", fchown(fd, (uid_t)-1, 65534));
	show_fstat("fstat(new) again", fd);
	rc("fchown(new, -1, -1)", fchown(fd, (uid_t)-1, (gid_t)-1));
	show_stat("stat(base/new)", "base/new");
	close(fd);
	return 0;
}
