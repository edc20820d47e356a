/*
 * Relative symbolic links resolve from the directory holding the link, not
 * from the working directory: "../a.txt" in base/dir/ reaches base/a.txt,
 * "deep/f" in base/sub/ reaches the file below, "./" and "." prefixes
 * work, and "x" made in base/dir/ finds base/dir/x, not ./x.
 */
#include "corpus.h"

int main(void)
{
	rc("symlink(../a.txt, base/dir/up)", symlink("../a.txt", "base/dir/up"));
	show_file("cat base/dir/up", "base/dir/up");
	rc("symlink(deep/f, base/sub/down)", symlink("deep/f", "base/sub/down"));
	show_file("cat base/sub/down", "base/sub/down");
	rc("symlink(./x, base/dir/dotx)", symlink("./x", "base/dir/dotx"));
	show_file("cat base/dir/dotx", "base/dir/dotx");
	rc("symlink(x, base/dir/plainx)", symlink("x", "base/dir/plainx"));
	show_file("cat base/dir/plainx", "base/dir/plainx");
	rc("symlink(../../base/c.txt, base/sub/around)", symlink("../../base/c.txt", "base/sub/around"));
	show_file("cat base/sub/around", "base/sub/around");
	rc("symlink(../dir/up, base/sub/chain)", symlink("../dir/up", "base/sub/chain"));
	show_file("cat base/sub/chain", "base/sub/chain");
	rc("symlink(., base/dir/self)", symlink(".", "base/dir/self"));
	show_file("cat base/dir/self/self/y", "base/dir/self/self/y");
	show_stat("stat(base/dir/self)", "base/dir/self");
	rc("symlink(x, base/xlink)", symlink("x", "base/xlink"));
	show_stat("stat(base/xlink)", "base/xlink");
	show_dir("ls base/dir", "base/dir");
	return 0;
}
