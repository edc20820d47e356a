/*
 * link(2) errors: the new name existing is EEXIST (a file, a directory, a
 * dangling symbolic link); a directory as the source is EPERM; a missing
 * source ENOENT (also one unlinked in the overlay), a missing target
 * directory ENOENT, a file as a directory ENOTDIR.  No link count moves.
 */
#include "corpus.h"

int main(void)
{
	rc("link(base/a.txt, base/b.txt)", link("base/a.txt", "base/b.txt"));
	rc("link(base/a.txt, base/dir)", link("base/a.txt", "base/dir"));
	rc("link(base/a.txt, base/loop1)", link("base/a.txt", "base/loop1"));
	symlink("gone", "base/dangling");
	rc("link(base/a.txt, base/dangling)", link("base/a.txt", "base/dangling"));
	rc("link(base/dir, base/dir2)", link("base/dir", "base/dir2"));
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	rc("link(base/nd, base/nd2)", link("base/nd", "base/nd2"));
	rc("link(base/nothing, base/x)", link("base/nothing", "base/x"));
	rc("unlink(base/c.txt)", unlink("base/c.txt"));
	rc("link(base/c.txt, base/x)", link("base/c.txt", "base/x"));
	rc("link(base/a.txt, base/nodir/x)", link("base/a.txt", "base/nodir/x"));
	rc("link(base/a.txt, base/b.txt/x)", link("base/a.txt", "base/b.txt/x"));
	rc("link(base/a.txt/, base/x)", link("base/a.txt/", "base/x"));
	rc("link(base/a.txt, base/x/)", link("base/a.txt", "base/x/"));
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_stat("stat(base/b.txt)", "base/b.txt");
	show_stat("stat(base/x)", "base/x");
	show_stat("stat(base/dir2)", "base/dir2");
	return 0;
}
