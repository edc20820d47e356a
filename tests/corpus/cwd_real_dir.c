/*
 * chdir(2) into a real directory: relative names then reach its files,
 * a file created by a relative name lands in it (seen from the root too),
 * getcwd shows it; relative mkdir, rename and unlink work there, and
 * "." lists the changes.
 */
#include "corpus.h"

int main(void)
{
	remember_root();
	rc("chdir(base/dir)", chdir("base/dir"));
	show_cwd("getcwd");
	show_file("cat x", "x");
	put_file("new", "made here\n", 0644);
	rc("mkdir(sub)", mkdir("sub", 0755));
	rc("rename(y, sub/y)", rename("y", "sub/y"));
	rc("unlink(z)", unlink("z"));
	show_dir("ls .", ".");
	show_stat("stat(.)", ".");
	show_file("cat ../a.txt", "../a.txt");
	rc("chdir(../..)", chdir("../.."));
	show_cwd("getcwd");
	show_file("cat base/dir/new", "base/dir/new");
	show_file("cat base/dir/sub/y", "base/dir/sub/y");
	return 0;
}
