/*
 * unlink(2) of a real file: gone from stat, open and the listing; a second
 * unlink is ENOENT; unlink of a directory is EISDIR, of a missing name
 * ENOENT, through a file as a directory ENOTDIR; a descriptor opened before
 * still reads the old content, and fstat shows no links.
 */
#include "corpus.h"

int main(void)
{
	int fd = rcfd("open(base/dir/x)", open("base/dir/x", O_RDONLY));

	rc("unlink(base/dir/x)", unlink("base/dir/x"));
	rc("unlink(base/dir/x) again", unlink("base/dir/x"));
	show_stat("stat(base/dir/x)", "base/dir/x");
	rcfd("open(base/dir/x)", open("base/dir/x", O_RDONLY));
	show_dir("ls base/dir", "base/dir");
	if (fd >= 0) {
		show_read("read(old descriptor)", fd);
		show_fstat("fstat(old descriptor)", fd);
		close(fd);
	}
	rc("unlink(base/dir)", unlink("base/dir"));
	rc("unlink(base/nothing)", unlink("base/nothing"));
	rc("unlink(base/a.txt/x)", unlink("base/a.txt/x"));
	rc("unlink(base/link)", unlink("base/link"));
	show_stat("stat(base/a.txt) after unlink of its link", "base/a.txt");
	return 0;
}
