/*
 * unlink(2) of a symbolic link removes the link, never its target: a link
 * to a real file, a link in a loop, a dangling link, a link to a directory;
 * the targets are unchanged; a trailing slash on a link to a directory is
 * EISDIR or ENOTDIR as the kernel says, and removes nothing.
 */
#include "corpus.h"

int main(void)
{
	rc("unlink(base/slink)", unlink("base/slink"));
	show_lstat("lstat(base/slink)", "base/slink");
	show_file("cat base/c.txt", "base/c.txt");
	rc("unlink(base/loop1)", unlink("base/loop1"));
	show_lstat("lstat(base/loop2)", "base/loop2");
	show_stat("stat(base/loop2)", "base/loop2");
	rc("symlink(nowhere, base/dangling)", symlink("nowhere", "base/dangling"));
	rc("unlink(base/dangling)", unlink("base/dangling"));
	show_lstat("lstat(base/dangling)", "base/dangling");
	rc("symlink(dir, base/dlink)", symlink("dir", "base/dlink"));
	rc("unlink(base/dlink/)", unlink("base/dlink/"));
	rc("unlink(base/dlink/x)", unlink("base/dlink/x"));
	rc("unlink(base/dlink)", unlink("base/dlink"));
	show_lstat("lstat(base/dlink)", "base/dlink");
	show_dir("ls base/dir", "base/dir");
	rc("unlink(base/link/)", unlink("base/link/"));
	show_lstat("lstat(base/link)", "base/link");
	return 0;
}
