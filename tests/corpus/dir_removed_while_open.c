/*
 * A directory removed after it was opened: getdents64 on the descriptor is
 * ENOENT and readdir returns no entries (not even "." and ".."), fstat shows
 * a link count of 0, creating inside it through the descriptor is ENOENT,
 * and as the working directory it lists nothing.  For a real empty
 * directory, a real one emptied in the overlay, and one made during the run.
 */
#include "corpus.h"

static void check(const char *path, int top)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		die(path);
	printf("%s:\n", path);
	rc("  rmdir", rmdir(path));
	rc("  getdents64", syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	show_fstat("  fstat", fd);
	rcfd("  openat(fd, new, O_CREAT)", openat(fd, "new", O_WRONLY | O_CREAT, 0644));
	rc("  fchdir", fchdir(fd));
	show_dir("  ls .", ".");
	if (fchdir(top) < 0)
		die("fchdir");
	close(fd);
}

int main(void)
{
	int n = 0, top = open(".", O_RDONLY | O_DIRECTORY);
	DIR *dir;

	check("base/empty", top);
	rc("unlink(base/udir/a)", unlink("base/udir/a"));
	rc("unlink(base/udir/b)", unlink("base/udir/b"));
	check("base/udir", top);
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	check("base/nd", top);
	dir = opendir("base/mdir");
	if (!dir)
		die("opendir");
	rc("rmdir(base/mdir)", rmdir("base/mdir"));
	errno = 0;
	while (readdir(dir))
		n++;
	printf("readdir(base/mdir): %d entries, then %s\n", n, errno ? errname(errno) : "end");
	closedir(dir);
	return 0;
}
