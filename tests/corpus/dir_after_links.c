/*
 * Listings after links and special files are added to a real directory: a
 * symbolic link shows as type l, a hard link as f (with the link count of
 * 2 on both names), a FIFO as p; removing each takes only its entry.
 */
#include "corpus.h"

int main(void)
{
	rc("symlink(x, base/dir/sl)", symlink("x", "base/dir/sl"));
	rc("link(base/a.txt, base/dir/hard)", link("base/a.txt", "base/dir/hard"));
	rc("link(base/dir/y, base/dir/y-hard)", link("base/dir/y", "base/dir/y-hard"));
	rc("mkfifo(base/dir/fifo)", mkfifo("base/dir/fifo", 0644));
	rc("symlink(../sub, base/dir/subl)", symlink("../sub", "base/dir/subl"));
	show_dir("ls base/dir", "base/dir");
	show_stat("stat(base/dir/y)", "base/dir/y");
	show_stat("stat(base/dir/hard)", "base/dir/hard");
	rc("unlink(base/dir/y)", unlink("base/dir/y"));
	rc("unlink(base/dir/sl)", unlink("base/dir/sl"));
	rc("unlink(base/dir/fifo)", unlink("base/dir/fifo"));
	show_dir("ls base/dir", "base/dir");
	show_stat("stat(base/dir/y-hard)", "base/dir/y-hard");
	show_dir("ls base/dir/subl", "base/dir/subl");
	show_dir("ls base", "base");
	return 0;
}
