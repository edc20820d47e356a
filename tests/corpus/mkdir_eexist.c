/*
 * mkdir(2) on a name that exists is EEXIST, whatever it is: a real file, a
 * real directory, a symbolic link to a file, a dangling symbolic link
 * (mkdir never follows the last component), a file and a directory
 * created in the overlay.  Nothing is changed by the failed calls.
 */
#include "corpus.h"

int main(void)
{
	rc("mkdir(base/a.txt)", mkdir("base/a.txt", 0755));
	rc("mkdir(base/dir)", mkdir("base/dir", 0755));
	rc("mkdir(base/link)", mkdir("base/link", 0755));
	rc("mkdir(base/loop1)", mkdir("base/loop1", 0755));
	rc("symlink(nowhere, base/dangling)", symlink("nowhere", "base/dangling"));
	rc("mkdir(base/dangling)", mkdir("base/dangling", 0755));
	show_lstat("lstat(base/dangling)", "base/dangling");
	show_stat("stat(base/nowhere)", "base/nowhere");
	put_file("base/newfile", "new\n", 0644);
	rc("mkdir(base/newfile)", mkdir("base/newfile", 0755));
	rc("mkdir(base/newdir)", mkdir("base/newdir", 0755));
	rc("mkdir(base/newdir) again", mkdir("base/newdir", 0755));
	rc("mkdir(.)", mkdir(".", 0755));
	rc("mkdir(base/dir/..)", mkdir("base/dir/..", 0755));
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_file("cat base/newfile", "base/newfile");
	return 0;
}
