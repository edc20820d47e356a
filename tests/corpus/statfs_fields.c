/*
 * statfs/fstatfs fields that cannot differ between two copies of the tree
 * (f_type, f_bsize, f_namelen), the same for a real file, a directory, a
 * file created in the overlay and a descriptor; errors: ENOENT, ENOTDIR,
 * ELOOP, and EBADF for fstatfs of a closed descriptor.
 */
#include "corpus.h"
#include <sys/vfs.h>

static void show_statfs(const char *label, const char *path)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	printf("%s: type %#lx bsize %ld namelen %ld\n", label, (unsigned long)sf.f_type,
	       (long)sf.f_bsize, (long)sf.f_namelen);
}

int main(void)
{
	struct statfs sf;
	int fd;

	show_statfs("statfs(.)", ".");
	show_statfs("statfs(base/a.txt)", "base/a.txt");
	show_statfs("statfs(base/link)", "base/link");
	put_file("base/new", "new\n", 0644);
	show_statfs("statfs(base/new)", "base/new");
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	show_statfs("statfs(base/nd)", "base/nd");
	fd = rcfd("open(base/b.txt, O_WRONLY)", open("base/b.txt", O_WRONLY));
	if (fstatfs(fd, &sf) == 0)
		printf("fstatfs(b.txt): type %#lx bsize %ld\n", (unsigned long)sf.f_type,
		       (long)sf.f_bsize);
	close(fd);
	rc("fstatfs(closed)", fstatfs(fd, &sf));
	show_statfs("statfs(base/missing)", "base/missing");
	show_statfs("statfs(base/a.txt/x)", "base/a.txt/x");
	show_statfs("statfs(base/loop1)", "base/loop1");
	rc("unlink(base/d.txt)", unlink("base/d.txt"));
	show_statfs("statfs(base/d.txt)", "base/d.txt");
	return 0;
}
