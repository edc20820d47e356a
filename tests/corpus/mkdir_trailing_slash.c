/*
 * Trailing slashes in mkdir(2): "new/" and "new//" make the directory; on
 * an existing file, directory or symbolic link the answer is EEXIST; a
 * path with a slash after a file name elsewhere is ENOTDIR.  The new
 * directories are reachable with and without the slash.
 */
#include "corpus.h"

int main(void)
{
	rc("mkdir(base/new1/)", mkdir("base/new1/", 0755));
	rc("mkdir(base/new2//)", mkdir("base/new2//", 0700));
	rc("mkdir(base//new3)", mkdir("base//new3", 0755));
	show_stat("stat(base/new1)", "base/new1");
	show_stat("stat(base/new2/)", "base/new2/");
	show_stat("stat(base/new3/.)", "base/new3/.");
	rc("mkdir(base/a.txt/)", mkdir("base/a.txt/", 0755));
	rc("mkdir(base/dir/)", mkdir("base/dir/", 0755));
	rc("mkdir(base/link/)", mkdir("base/link/", 0755));
	symlink("none", "base/dangling");
	rc("mkdir(base/dangling/)", mkdir("base/dangling/", 0755));
	show_lstat("lstat(base/none)", "base/none");
	rc("mkdir(base/a.txt/x/)", mkdir("base/a.txt/x/", 0755));
	rc("mkdir(base/new1/sub/)", mkdir("base/new1/sub/", 0755));
	show_dir("ls base/new1/", "base/new1/");
	return 0;
}
