/*
 * mkdir(2) needs its parent: a missing parent is ENOENT (also one that was
 * a real directory and was removed in the overlay, or a dangling symbolic
 * link), a file as the parent is ENOTDIR (also through a symbolic link to a
 * file); mkdir does not create parents, and nothing is left behind.
 */
#include "corpus.h"

int main(void)
{
	rc("mkdir(base/nope/x)", mkdir("base/nope/x", 0755));
	rc("mkdir(base/nope/y/z)", mkdir("base/nope/y/z", 0755));
	rc("mkdir(base/a.txt/x)", mkdir("base/a.txt/x", 0755));
	rc("mkdir(base/link/x)", mkdir("base/link/x", 0755));
	rc("mkdir(base/loop1/x)", mkdir("base/loop1/x", 0755));
	rc("rmdir(base/empty)", rmdir("base/empty"));
	rc("mkdir(base/empty/x)", mkdir("base/empty/x", 0755));
	symlink("gone", "base/dangling");
	rc("mkdir(base/dangling/x)", mkdir("base/dangling/x", 0755));
	put_file("base/newfile", "f\n", 0644);
	rc("mkdir(base/newfile/x)", mkdir("base/newfile/x", 0755));
	rc("mkdir(\"\")", mkdir("", 0755));
	show_stat("stat(base/nope)", "base/nope");
	show_stat("stat(base/empty)", "base/empty");
	show_lstat("lstat(base/gone)", "base/gone");
	return 0;
}
