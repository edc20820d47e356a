/*
 * ".." after a symbolic link to a directory is resolved physically by the
 * kernel: "base/dl/.." is the link target's parent, not base/; chdir
 * through the link lands in the target (getcwd shows the target's path)
 * and chdir("..") then goes to the target's parent; with a link and a
 * directory created in the overlay the same.
 */
#include "corpus.h"

int main(void)
{
	remember_root();
	rc("symlink(sub/deep, base/dl)", symlink("sub/deep", "base/dl"));
	show_file("cat base/dl/../deep/f", "base/dl/../deep/f");
	show_file("cat base/dl/../a.txt", "base/dl/../a.txt");
	rc("chdir(base/dl)", chdir("base/dl"));
	show_cwd("getcwd");
	rc("chdir(..)", chdir(".."));
	show_cwd("getcwd");
	rc("chdir(../..)", chdir("../.."));
	rc("mkdir(base/n1)", mkdir("base/n1", 0755));
	rc("mkdir(base/n1/n2)", mkdir("base/n1/n2", 0755));
	put_file("base/n1/here", "n1\n", 0644);
	rc("symlink(../n1/n2, base/dir/l2)", symlink("../n1/n2", "base/dir/l2"));
	show_file("cat base/dir/l2/../here", "base/dir/l2/../here");
	show_file("cat base/dir/l2/../x", "base/dir/l2/../x");
	rc("chdir(base/dir/l2/..)", chdir("base/dir/l2/.."));
	show_cwd("getcwd");
	return 0;
}
