/*
 * chdir("..") climbs one level at a time from a deep real directory back
 * to the root, getcwd shows each step; relative paths with ".." in the
 * middle resolve as the kernel does ("base/sub/../a.txt"), and through a
 * file ("base/a.txt/..") are ENOTDIR.
 */
#include "corpus.h"

int main(void)
{
	remember_root();
	show_file("cat base/sub/../a.txt", "base/sub/../a.txt");
	show_file("cat base/sub/deep/../../dir/x", "base/sub/deep/../../dir/x");
	show_stat("stat(base/a.txt/..)", "base/a.txt/..");
	show_stat("stat(base/missing/..)", "base/missing/..");
	rc("mkdir(base/sub/deep/n)", mkdir("base/sub/deep/n", 0755));
	rc("chdir(base/sub/deep/n)", chdir("base/sub/deep/n"));
	show_cwd("getcwd");
	rc("chdir(..)", chdir(".."));
	show_cwd("getcwd");
	show_file("cat f", "f");
	rc("chdir(..)", chdir(".."));
	show_cwd("getcwd");
	rc("chdir(../.)", chdir("../."));
	show_cwd("getcwd");
	rc("chdir(..)", chdir(".."));
	show_cwd("getcwd");
	show_dir("ls base/sub/deep", "base/sub/deep");
	return 0;
}
