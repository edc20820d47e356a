/*
 * O_TMPFILE in a real directory: the file has no name (fstat nlink 0, not
 * in the listing) until linkat through /proc/self/fd/N with
 * AT_SYMLINK_FOLLOW gives it one; then it reads back what was written,
 * with the mode asked minus the umask; linking onto an existing name is
 * EEXIST.
 */
#include "corpus.h"

/* readlink of an O_TMPFILE's /proc link, "DIR/#INODE (deleted)", without the inode number. */
static void show_tmpfile_link(const char *label, const char *path)
{
	char buf[4096], *hash;
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	buf[n] = '\0';
	hash = strchr(buf, '#');
	if (hash)
		memmove(hash + 1, hash + 1 + strspn(hash + 1, "0123456789"),
			strlen(hash + 1 + strspn(hash + 1, "0123456789")) + 1);
	print_rel(label, buf);
}

int main(void)
{
	char proc[64];
	int fd;

	remember_root();
	umask(022);
	fd = rcfd("open(base/dir, O_TMPFILE|O_RDWR, 0666)", open("base/dir", O_TMPFILE | O_RDWR, 0666));
	if (fd < 0)
		return 1;
	rc("write", write(fd, "anon\n", 5));
	show_fstat("fstat(tmpfile)", fd);
	show_dir("ls base/dir", "base/dir");
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	show_tmpfile_link("readlink(proc fd)", proc);
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
