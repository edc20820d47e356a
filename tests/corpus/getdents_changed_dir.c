/*
 * Listing a real directory after changes in it: created, deleted and
 * renamed names show as the kernel would list them, with their d_type;
 * a listing read through a tiny buffer ends, and lseek(fd, 0) restarts it.
 */
#include "corpus.h"

int main(void)
{
	char buf[64];
	long n, total, rounds;
	int fd;

	put_file("base/udir/new", "new\n", 0644);
	rc("unlink(base/udir/a)", unlink("base/udir/a"));
	rc("mkdir(base/udir/sub)", mkdir("base/udir/sub", 0755));
	rc("symlink(b, base/udir/lnk)", symlink("b", "base/udir/lnk"));
	rc("rename(base/udir/b, base/udir/c)", rename("base/udir/b", "base/udir/c"));
	show_dir("ls base/udir", "base/udir");
	fd = rcfd("open(base/udir)", open("base/udir", O_RDONLY | O_DIRECTORY));
	if (fd < 0)
		return 1;
	for (int pass = 0; pass < 2; pass++) {
		total = rounds = 0;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0 && rounds++ < 100)
			for (long off = 0; off < n; off += *(unsigned short *)(buf + off + 16))
				total++;
		printf("pass %d: %ld entries, then %ld\n", pass, total, n);
		rc("lseek(0)", lseek(fd, 0, SEEK_SET));
	}
	rc("getdents64(buffer too small)", syscall(SYS_getdents64, fd, buf, 8));
	close(fd);
	return 0;
}
