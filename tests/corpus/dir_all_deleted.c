/*
 * A real directory whose every entry is deleted in the overlay (files and,
 * once emptied, its subdirectory) lists only "." and "..", both through
 * readdir and raw getdents64, and its link count drops to 2; a new entry
 * made in it is then the only one.
 */
#include "corpus.h"

int main(void)
{
	char buf[4096];
	long n, count = 0;
	int fd;

	show_stat("stat(base/rdir)", "base/rdir");
	rc("unlink(base/rdir/p)", unlink("base/rdir/p"));
	rc("unlink(base/rdir/q)", unlink("base/rdir/q"));
	rc("unlink(base/rdir/s/t)", unlink("base/rdir/s/t"));
	show_dir("ls base/rdir/s", "base/rdir/s");
	rc("rmdir(base/rdir/s)", rmdir("base/rdir/s"));
	show_dir("ls base/rdir", "base/rdir");
	show_stat("stat(base/rdir)", "base/rdir");
	fd = rcfd("open(base/rdir)", open("base/rdir", O_RDONLY | O_DIRECTORY));
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n; off += *(unsigned short *)(buf + off + 16))
			count++;
	printf("getdents64: %ld entries, then %ld\n", count, n);
	close(fd);
	put_file("base/rdir/only", "only\n", 0644);
	show_dir("ls base/rdir +only", "base/rdir");
	return 0;
}
