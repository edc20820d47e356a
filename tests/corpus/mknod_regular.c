/*
 * mknod(2) with S_IFREG, or with no type at all, makes an empty regular
 * file with the mode less the umask (mode 0 gives 0000); mknodat works
 * relative to a directory descriptor; an existing name is EEXIST (a file, a
 * directory, a dangling link), a missing parent ENOENT, a bad type EINVAL.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	umask(022);
	rc("mknod(base/reg, S_IFREG|0666)", mknod("base/reg", S_IFREG | 0666, 0));
	show_stat("stat(base/reg)", "base/reg");
	show_file("cat base/reg", "base/reg");
	rc("mknod(base/reg0, S_IFREG|0)", mknod("base/reg0", S_IFREG, 0));
	show_stat("stat(base/reg0)", "base/reg0");
	rc("mknod(base/notype, 0640)", mknod("base/notype", 0640, 0));
	show_stat("stat(base/notype)", "base/notype");
	fd = rcfd("open(base/sub)", open("base/sub", O_RDONLY | O_DIRECTORY));
	rc("mknodat(base/sub, r2, S_IFREG|0600)", mknodat(fd, "r2", S_IFREG | 0600, 0));
	rc("mknodat(base/sub, deep, S_IFREG|0600)", mknodat(fd, "deep", S_IFREG | 0600, 0));
	close(fd);
	show_stat("stat(base/sub/r2)", "base/sub/r2");
	rc("mknod(base/a.txt, S_IFREG)", mknod("base/a.txt", S_IFREG | 0644, 0));
	rc("mknod(base/dir, S_IFREG)", mknod("base/dir", S_IFREG | 0644, 0));
	symlink("gone", "base/dangling");
	rc("mknod(base/dangling, S_IFREG)", mknod("base/dangling", S_IFREG | 0644, 0));
	rc("mknod(base/reg, S_IFIFO)", mknod("base/reg", S_IFIFO | 0644, 0));
	rc("mknod(base/nodir/x, S_IFREG)", mknod("base/nodir/x", S_IFREG | 0644, 0));
	rc("mknod(base/bad, S_IFDIR)", mknod("base/bad", S_IFDIR | 0755, 0));
	rc("mknod(base/bad, 0170000)", mknod("base/bad", 0170000 | 0644, 0));
	show_lstat("lstat(base/gone)", "base/gone");
	show_stat("stat(base/bad)", "base/bad");
	show_file("cat base/a.txt", "base/a.txt");
	return 0;
}
