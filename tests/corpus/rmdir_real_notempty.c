/*
 * rmdir(2) of a real directory with contents is ENOTEMPTY, and stays so
 * while any real entry is left; once every entry is unlinked in the
 * overlay (the merged view is empty) it works, and the directory is gone
 * from stat and from its parent's listing.
 */
#include "corpus.h"

int main(void)
{
	rc("rmdir(base/dir)", rmdir("base/dir"));
	rc("unlink(base/dir/x)", unlink("base/dir/x"));
	rc("unlink(base/dir/y)", unlink("base/dir/y"));
	rc("rmdir(base/dir) with z left", rmdir("base/dir"));
	show_dir("ls base/dir", "base/dir");
	rc("unlink(base/dir/z)", unlink("base/dir/z"));
	show_dir("ls base/dir emptied", "base/dir");
	rc("rmdir(base/dir)", rmdir("base/dir"));
	rc("rmdir(base/dir) again", rmdir("base/dir"));
	show_stat("stat(base/dir)", "base/dir");
	show_stat("stat(base/dir/z)", "base/dir/z");
	rc("rmdir(base/sub)", rmdir("base/sub"));
	rc("unlink(base/sub/deep/f)", unlink("base/sub/deep/f"));
	rc("rmdir(base/sub) with deep/ left", rmdir("base/sub"));
	rc("rmdir(base/sub/deep)", rmdir("base/sub/deep"));
	rc("rmdir(base/sub)", rmdir("base/sub"));
	show_dir("ls base", "base");
	return 0;
}
