/*
 * rename(2) errors: a missing source is ENOENT (also one unlinked in the
 * overlay), a missing target directory ENOENT, a file used as a directory
 * in either path ENOTDIR, "." or ".." as either name EBUSY or EINVAL as the
 * kernel says, an empty name ENOENT.  Nothing moves.
 */
#include "corpus.h"

int main(void)
{
	rc("rename(base/nothing, base/x)", rename("base/nothing", "base/x"));
	rc("unlink(base/d.txt)", unlink("base/d.txt"));
	rc("rename(base/d.txt, base/x)", rename("base/d.txt", "base/x"));
	rc("rename(base/a.txt, base/nodir/x)", rename("base/a.txt", "base/nodir/x"));
	rc("rename(base/a.txt, base/b.txt/x)", rename("base/a.txt", "base/b.txt/x"));
	rc("rename(base/a.txt/x, base/y)", rename("base/a.txt/x", "base/y"));
	rc("rename(base/link/x, base/y)", rename("base/link/x", "base/y"));
	rc("rename(base/loop1/x, base/y)", rename("base/loop1/x", "base/y"));
	rc("rename(base/empty/., base/y)", rename("base/empty/.", "base/y"));
	rc("rename(base/empty/.., base/y)", rename("base/empty/..", "base/y"));
	rc("rename(base/a.txt, base/empty/.)", rename("base/a.txt", "base/empty/."));
	rc("rename(base/a.txt, base/empty/..)", rename("base/a.txt", "base/empty/.."));
	rc("rename(\"\", base/y)", rename("", "base/y"));
	rc("rename(base/a.txt, \"\")", rename("base/a.txt", ""));
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_stat("stat(base/empty)", "base/empty");
	show_stat("stat(base/x)", "base/x");
	show_stat("stat(base/y)", "base/y");
	return 0;
}
