/*
 * rmdir(2) of something that is not a directory is ENOTDIR: a real file, a
 * file created in the overlay, a symbolic link to a directory (rmdir does
 * not follow it), a dangling symbolic link; a path through a file is
 * ENOTDIR, a missing name ENOENT.  The link and its directory stay.
 */
#include "corpus.h"

int main(void)
{
	rc("rmdir(base/a.txt)", rmdir("base/a.txt"));
	put_file("base/new.txt", "new\n", 0644);
	rc("rmdir(base/new.txt)", rmdir("base/new.txt"));
	rc("symlink(empty, base/elink)", symlink("empty", "base/elink"));
	rc("rmdir(base/elink)", rmdir("base/elink"));
	rc("rmdir(base/elink/)", rmdir("base/elink/"));
	show_lstat("lstat(base/elink)", "base/elink");
	show_stat("stat(base/elink)", "base/elink");
	show_stat("stat(base/empty)", "base/empty");
	rc("symlink(gone, base/dangling)", symlink("gone", "base/dangling"));
	rc("rmdir(base/dangling)", rmdir("base/dangling"));
	rc("rmdir(base/link)", rmdir("base/link"));
	rc("rmdir(base/a.txt/x)", rmdir("base/a.txt/x"));
	rc("rmdir(base/nothing)", rmdir("base/nothing"));
	rc("rmdir(base/empty/)", rmdir("base/empty/"));
	show_stat("stat(base/elink) after", "base/elink");
	show_lstat("lstat(base/elink) after", "base/elink");
	return 0;
}
