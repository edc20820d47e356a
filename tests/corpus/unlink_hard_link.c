/*
 * unlink(2) of one name of a file with two links leaves the other: it
 * keeps the content and the mode, its link count drops to 1, and writes
 * through it are seen; unlinking the second name removes the file.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("link(base/u.txt, base/u-link)", link("base/u.txt", "base/u-link"));
	show_stat("stat(base/u.txt)", "base/u.txt");
	rc("unlink(base/u.txt)", unlink("base/u.txt"));
	show_stat("stat(base/u.txt)", "base/u.txt");
	show_stat("stat(base/u-link)", "base/u-link");
	show_file("cat base/u-link", "base/u-link");
	fd = rcfd("open(base/u-link, O_APPEND)", open("base/u-link", O_WRONLY | O_APPEND));
	rc("write", write(fd, "more\n", 5));
	close(fd);
	show_file("cat base/u-link", "base/u-link");
	rc("link(base/u-link, base/dir/u-2)", link("base/u-link", "base/dir/u-2"));
	rc("unlink(base/u-link)", unlink("base/u-link"));
	show_stat("stat(base/dir/u-2)", "base/dir/u-2");
	show_file("cat base/dir/u-2", "base/dir/u-2");
	rc("unlink(base/dir/u-2)", unlink("base/dir/u-2"));
	show_dir("ls base/dir", "base/dir");
	return 0;
}
