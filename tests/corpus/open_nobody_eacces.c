/*
 * Permission checks on open as nobody: reading base/noperm.txt (0000) and
 * base/wonly.txt (0222), writing base/ro.txt (0444) and O_TRUNC on it,
 * creating in base/ (root's 0755) and reaching priv/ (0700) are EACCES;
 * writing base/wonly.txt is allowed, and the real file stays as it was.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	become_nobody();
	rcfd("open(base/noperm.txt, O_RDONLY)", open("base/noperm.txt", O_RDONLY));
	rcfd("open(base/wonly.txt, O_RDONLY)", open("base/wonly.txt", O_RDONLY));
	rcfd("open(base/wonly.txt, O_RDWR)", open("base/wonly.txt", O_RDWR));
	rcfd("open(base/ro.txt, O_WRONLY)", open("base/ro.txt", O_WRONLY));
	rcfd("open(base/ro.txt, O_RDONLY|O_TRUNC)", open("base/ro.txt", O_RDONLY | O_TRUNC));
	rcfd("open(base/new, O_CREAT)", open("base/new", O_WRONLY | O_CREAT, 0644));
	rcfd("open(base/a.txt, O_CREAT|O_WRONLY)", open("base/a.txt", O_WRONLY | O_CREAT, 0644));
	rcfd("open(priv/secret)", open("priv/secret", O_RDONLY));
	rcfd("open(priv/new, O_CREAT)", open("priv/new", O_WRONLY | O_CREAT, 0644));
	fd = rcfd("open(base/ro.txt, O_RDONLY)", open("base/ro.txt", O_RDONLY));
	show_read("read(ro.txt)", fd);
	close(fd);
	fd = rcfd("open(base/wonly.txt, O_WRONLY)", open("base/wonly.txt", O_WRONLY));
	rc("write", write(fd, "W", 1));
	close(fd);
	show_stat("stat(base/wonly.txt)", "base/wonly.txt");
	show_lstat("lstat(base/new)", "base/new");
	return 0;
}
