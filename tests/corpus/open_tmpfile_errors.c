/*
 * O_TMPFILE as root and its errors: linkat with AT_EMPTY_PATH names it;
 * O_TMPFILE|O_EXCL can never be linked (ENOENT); O_TMPFILE on a file is
 * ENOTDIR, on a missing directory ENOENT, read-only EINVAL; in a directory
 * made in the overlay it works too.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	fd = rcfd("open(base/empty, O_TMPFILE|O_WRONLY)", open("base/empty", O_TMPFILE | O_WRONLY, 0600));
	rc("write", write(fd, "one\n", 4));
	rc("linkat(fd, \"\", base/empty/one, AT_EMPTY_PATH)",
	   linkat(fd, "", AT_FDCWD, "base/empty/one", AT_EMPTY_PATH));
	close(fd);
	show_stat("stat(base/empty/one)", "base/empty/one");
	show_file("cat base/empty/one", "base/empty/one");
	fd = rcfd("open(base/empty, O_TMPFILE|O_EXCL|O_RDWR)",
		  open("base/empty", O_TMPFILE | O_EXCL | O_RDWR, 0600));
	rc("linkat(excl fd, AT_EMPTY_PATH)", linkat(fd, "", AT_FDCWD, "base/empty/two", AT_EMPTY_PATH));
	close(fd);
	rcfd("open(base/a.txt, O_TMPFILE)", open("base/a.txt", O_TMPFILE | O_RDWR, 0600));
	rcfd("open(base/nodir, O_TMPFILE)", open("base/nodir", O_TMPFILE | O_RDWR, 0600));
	rcfd("open(base/empty, O_TMPFILE|O_RDONLY)", open("base/empty", O_TMPFILE | O_RDONLY, 0600));
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	fd = rcfd("open(base/nd, O_TMPFILE|O_RDWR)", open("base/nd", O_TMPFILE | O_RDWR, 0640));
	rc("write", write(fd, "three\n", 6));
	rc("linkat(fd, \"\", base/nd/three, AT_EMPTY_PATH)",
	   linkat(fd, "", AT_FDCWD, "base/nd/three", AT_EMPTY_PATH));
	close(fd);
	show_stat("stat(base/nd/three)", "base/nd/three");
	show_dir("ls base/empty", "base/empty");
	show_dir("ls base/nd", "base/nd");
	return 0;
}
