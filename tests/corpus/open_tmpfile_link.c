/*
 * O_TMPFILE in a real directory: the file has no name (fstat nlink 0, not
 * in the listing) until linkat through /proc/self/fd/N with
 * AT_SYMLINK_FOLLOW gives it one; then it reads back what was written,
 * with the mode asked minus the umask; linking onto an existing name is
 * EEXIST.
 */
#include "corpus.h"

int main(void)
{
	char proc[64];
	int fd;

	umask(022);
	fd = rcfd("open(base/dir, O_TMPFILE|O_RDWR, 0666)", open("base/dir", O_TMPFILE | O_RDWR, 0666));
	if (fd < 0)
		return 1;
	rc("write", write(fd, "anon\n", 5));
	show_fstat("fstat(tmpfile)", fd);
	show_dir("ls base/dir", "base/dir");
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rc("linkat(proc fd, base/dir/x, FOLLOW)",
	   linkat(AT_FDCWD, proc, AT_FDCWD, "base/dir/x", AT_SYMLINK_FOLLOW));
	rc("linkat(proc fd, base/dir/named, FOLLOW)",
	   linkat(AT_FDCWD, proc, AT_FDCWD, "base/dir/named", AT_SYMLINK_FOLLOW));
	show_fstat("fstat(tmpfile)", fd);
	show_stat("stat(base/dir/named)", "base/dir/named");
	show_file("cat base/dir/named", "base/dir/named");
	show_file("cat base/dir/x", "base/dir/x");
	rc("pwrite(more)", pwrite(fd, "more\n", 5, 5));
	close(fd);
	show_file("cat base/dir/named", "base/dir/named");
	show_dir("ls base/dir", "base/dir");
	return 0;
}
