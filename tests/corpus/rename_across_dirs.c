/*
 * rename(2) between directories: a real file moved from one real directory
 * into another (and into a directory created in the overlay) leaves the
 * first listing and joins the second with its content and mode; moved
 * back it is whole again.
 */
#include "corpus.h"

int main(void)
{
	rc("rename(base/dir/x, base/sub/deep/x2)", rename("base/dir/x", "base/sub/deep/x2"));
	show_dir("ls base/dir", "base/dir");
	show_dir("ls base/sub/deep", "base/sub/deep");
	show_file("cat base/sub/deep/x2", "base/sub/deep/x2");
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	rc("rename(base/exec.sh, base/nd/exec.sh)", rename("base/exec.sh", "base/nd/exec.sh"));
	show_stat("stat(base/nd/exec.sh)", "base/nd/exec.sh");
	rc("rename(base/sub/deep/f, base/nd/f)", rename("base/sub/deep/f", "base/nd/f"));
	show_dir("ls base/nd", "base/nd");
	rc("rename(base/nd/f, base/sub/deep/f)", rename("base/nd/f", "base/sub/deep/f"));
	rc("rename(base/sub/deep/x2, base/dir/x)", rename("base/sub/deep/x2", "base/dir/x"));
	show_dir("ls base/dir after", "base/dir");
	show_dir("ls base/sub/deep after", "base/sub/deep");
	show_file("cat base/dir/x", "base/dir/x");
	show_file("cat base/sub/deep/f", "base/sub/deep/f");
	rc("rename(base/dir/y, open/y)", rename("base/dir/y", "open/y"));
	show_file("cat open/y", "open/y");
	show_dir("ls open", "open");
	return 0;
}
