/*
 * After a real directory is emptied and removed, mkdir(2) of the same name
 * makes a new, empty directory: none of the old real entries reappear (in
 * the listing, by stat, by open), the new mode is the one given, and new
 * entries made in it are the only ones seen.
 */
#include "corpus.h"

int main(void)
{
	rc("unlink(base/udir/a)", unlink("base/udir/a"));
	rc("unlink(base/udir/b)", unlink("base/udir/b"));
	rc("rmdir(base/udir)", rmdir("base/udir"));
	rc("mkdir(base/udir, 0700)", mkdir("base/udir", 0700));
	show_stat("stat(base/udir)", "base/udir");
	show_dir("ls base/udir", "base/udir");
	show_stat("stat(base/udir/a)", "base/udir/a");
	rcfd("open(base/udir/b)", open("base/udir/b", O_RDONLY));
	put_file("base/udir/c", "c\n", 0644);
	rc("mkdir(base/udir/d)", mkdir("base/udir/d", 0755));
	show_dir("ls base/udir after", "base/udir");
	rc("rmdir(base/udir) not empty", rmdir("base/udir"));
	rc("unlink(base/cdir/f)", unlink("base/cdir/f"));
	rc("rmdir(base/cdir)", rmdir("base/cdir"));
	rc("mkdir(base/cdir)", mkdir("base/cdir", 0755));
	rc("rmdir(base/cdir) new and empty", rmdir("base/cdir"));
	rc("mkdir(base/cdir) again", mkdir("base/cdir", 0755));
	show_dir("ls base/cdir", "base/cdir");
	show_file("cat base/cdir/f", "base/cdir/f");
	return 0;
}
