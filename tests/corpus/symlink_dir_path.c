/*
 * A symbolic link to a directory works as the directory in the middle of
 * a path: files are read, created, renamed and removed through it, and the
 * changes show in the real directory it points to; the link itself stays
 * a link (lstat), and a trailing slash resolves it as a directory.
 */
#include "corpus.h"

int main(void)
{
	rc("symlink(dir, base/dlink)", symlink("dir", "base/dlink"));
	show_file("cat base/dlink/x", "base/dlink/x");
	show_dir("ls base/dlink", "base/dlink");
	show_stat("stat(base/dlink/)", "base/dlink/");
	show_lstat("lstat(base/dlink)", "base/dlink");
	show_lstat("lstat(base/dlink/)", "base/dlink/");
	put_file("base/dlink/new", "through link\n", 0644);
	show_file("cat base/dir/new", "base/dir/new");
	rc("rename(base/dlink/y, base/dlink/y2)", rename("base/dlink/y", "base/dlink/y2"));
	rc("unlink(base/dlink/z)", unlink("base/dlink/z"));
	rc("mkdir(base/dlink/sub)", mkdir("base/dlink/sub", 0755));
	show_dir("ls base/dir", "base/dir");
	rc("symlink(../../sub/deep, base/dir/sub/dd)", symlink("../../sub/deep", "base/dir/sub/dd"));
	show_file("cat base/dlink/sub/dd/f", "base/dlink/sub/dd/f");
	rc("symlink(dlink/sub, base/l2)", symlink("dlink/sub", "base/l2"));
	show_file("cat base/l2/dd/f", "base/l2/dd/f");
	rc("rmdir(base/l2/..)", rmdir("base/l2/.."));
	show_dir("ls base/l2/..", "base/l2/..");
	return 0;
}
