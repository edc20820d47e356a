/*
 * A real directory renamed twice (base/rdir to base/rd1, then into
 * base/sub/ as rd2) keeps its files and their content at each step; after
 * the renames its files can be written, appended to, created and removed,
 * and the old names stay gone.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("rename(base/rdir, base/rd1)", rename("base/rdir", "base/rd1"));
	show_file("cat base/rd1/p", "base/rd1/p");
	rc("rename(base/rd1, base/sub/rd2)", rename("base/rd1", "base/sub/rd2"));
	show_stat("stat(base/rdir)", "base/rdir");
	show_stat("stat(base/rd1)", "base/rd1");
	show_dir("ls base/sub/rd2", "base/sub/rd2");
	show_file("cat base/sub/rd2/q", "base/sub/rd2/q");
	show_file("cat base/sub/rd2/s/t", "base/sub/rd2/s/t");
	fd = rcfd("open(base/sub/rd2/p, O_APPEND)", open("base/sub/rd2/p", O_WRONLY | O_APPEND));
	rc("write", write(fd, "more p\n", 7));
	close(fd);
	show_file("cat base/sub/rd2/p", "base/sub/rd2/p");
	fd = rcfd("open(base/sub/rd2/s/t, O_TRUNC)", open("base/sub/rd2/s/t", O_WRONLY | O_TRUNC));
	rc("write", write(fd, "T\n", 2));
	close(fd);
	show_file("cat base/sub/rd2/s/t", "base/sub/rd2/s/t");
	rc("unlink(base/sub/rd2/q)", unlink("base/sub/rd2/q"));
	put_file("base/sub/rd2/new", "new\n", 0644);
	rc("rename(base/sub/rd2, base/rdir)", rename("base/sub/rd2", "base/rdir"));
	show_dir("ls base/rdir back home", "base/rdir");
	show_file("cat base/rdir/p", "base/rdir/p");
	show_file("cat base/rdir/s/t", "base/rdir/s/t");
	show_dir("ls base/sub", "base/sub");
	return 0;
}
