/*
 * stat and lstat of the real kinds of objects: a file, a directory, a
 * symbolic link (stat follows, lstat shows the link with its target's
 * length as size), a dangling link (stat ENOENT, lstat works), a loop
 * (stat ELOOP), a missing name and a file used as a directory.
 */
#include "corpus.h"

int main(void)
{
	show_stat("stat(base/exec.sh)", "base/exec.sh");
	show_stat("stat(base/ro.txt)", "base/ro.txt");
	show_stat("stat(base/dir)", "base/dir");
	show_stat("stat(base/link)", "base/link");
	show_lstat("lstat(base/link)", "base/link");
	rc("unlink(base/c.txt)", unlink("base/c.txt"));
	show_stat("stat(base/slink) (target gone)", "base/slink");
	show_lstat("lstat(base/slink)", "base/slink");
	show_stat("stat(base/loop1)", "base/loop1");
	show_lstat("lstat(base/loop1)", "base/loop1");
	show_stat("stat(base/missing)", "base/missing");
	show_stat("stat(base/a.txt/x)", "base/a.txt/x");
	show_stat("stat(base/a.txt/)", "base/a.txt/");
	show_lstat("lstat(base/link/)", "base/link/");
	show_stat("stat(base/sub/deep/f)", "base/sub/deep/f");
	show_stat("stat(\"\")", "");
	show_stat("stat(.)", ".");
	return 0;
}
