/*
 * Real FIFOs and device nodes changed in place: chmod, chown and utimes
 * copy them up as nodes of the same type and device number (never
 * opened); rename moves them; the real ones are untouched.
 */
#include "corpus.h"
#include <sys/sysmacros.h>

static void show_rdev(const char *label, const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		printf("%s: rdev %u,%u\n", label, major(st.st_rdev), minor(st.st_rdev));
}

int main(void)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	umask(022);
	rc("chmod(special/fifo, 0600)", chmod("special/fifo", 0600));
	show_lstat("lstat(special/fifo)", "special/fifo");
	rc("utimensat(special/fifo)", utimensat(AT_FDCWD, "special/fifo", ts, 0));
	show_times("times(special/fifo)", "special/fifo", AT_SYMLINK_NOFOLLOW);
	if (access("special/null", F_OK) == 0) {
		rc("chmod(special/null, 0640)", chmod("special/null", 0640));
		rc("chown(special/null, 65534, 65534)", chown("special/null", 65534, 65534));
		show_lstat("lstat(special/null)", "special/null");
		show_rdev("rdev(special/null)", "special/null");
		rc("rename(special/null, base/null)", rename("special/null", "base/null"));
		show_lstat("lstat(base/null)", "base/null");
		show_rdev("rdev(base/null)", "base/null");
		show_read("read(base/null)", open("base/null", O_RDONLY));
	} else {
		printf("not root: no device in the tree\n");
	}
	show_dir("ls special", "special");
	rc("rename(special/fifo, base/fifo)", rename("special/fifo", "base/fifo"));
	show_lstat("lstat(base/fifo)", "base/fifo");
	show_dir("ls special", "special");
	return 0;
}
