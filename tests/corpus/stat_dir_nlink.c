/*
 * A directory's st_nlink is 2 plus its subdirectories: it grows by one
 * with mkdir in a real directory and shrinks with rmdir; renaming a
 * subdirectory into another directory moves the count; a new directory
 * starts at 2; files do not count.
 */
#include "corpus.h"

int main(void)
{
	show_stat("stat(base/sub)", "base/sub");
	show_stat("stat(base/rdir)", "base/rdir");
	rc("mkdir(base/sub/a)", mkdir("base/sub/a", 0755));
	rc("mkdir(base/sub/b)", mkdir("base/sub/b", 0755));
	put_file("base/sub/file", "f\n", 0644);
	show_stat("stat(base/sub)", "base/sub");
	show_stat("stat(base/sub/a)", "base/sub/a");
	rc("rmdir(base/sub/deep)", rmdir("base/sub/deep"));
	rc("unlink(base/sub/deep/f)", unlink("base/sub/deep/f"));
	rc("rmdir(base/sub/deep)", rmdir("base/sub/deep"));
	show_stat("stat(base/sub)", "base/sub");
	rc("rename(base/rdir/s, base/sub/s)", rename("base/rdir/s", "base/sub/s"));
	show_stat("stat(base/rdir)", "base/rdir");
	show_stat("stat(base/sub)", "base/sub");
	rc("mkdir(base/sub/a/x)", mkdir("base/sub/a/x", 0755));
	show_stat("stat(base/sub/a)", "base/sub/a");
	rc("rename(base/sub/a, base/rdir/a)", rename("base/sub/a", "base/rdir/a"));
	show_stat("stat(base/rdir)", "base/rdir");
	show_stat("stat(base/sub)", "base/sub");
	return 0;
}
