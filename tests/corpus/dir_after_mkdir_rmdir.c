/*
 * Listings after directories are made and removed: mkdir in a real
 * directory shows a d entry, rmdir of it removes it; rmdir of a real
 * subdirectory (once emptied) removes it from its parent's listing, and
 * the parent's link count follows.
 */
#include "corpus.h"

int main(void)
{
	show_stat("stat(base/sub)", "base/sub");
	rc("mkdir(base/sub/new)", mkdir("base/sub/new", 0755));
	show_dir("ls base/sub", "base/sub");
	show_stat("stat(base/sub)", "base/sub");
	rc("unlink(base/sub/deep/f)", unlink("base/sub/deep/f"));
	rc("rmdir(base/sub/deep)", rmdir("base/sub/deep"));
	show_dir("ls base/sub", "base/sub");
	rc("rmdir(base/sub/new)", rmdir("base/sub/new"));
	show_dir("ls base/sub", "base/sub");
	show_stat("stat(base/sub)", "base/sub");
	rc("mkdir(base/sub/deep)", mkdir("base/sub/deep", 0700));
	show_dir("ls base/sub", "base/sub");
	show_dir("ls base/sub/deep", "base/sub/deep");
	rc("rmdir(base/rdir/s) not empty", rmdir("base/rdir/s"));
	show_dir("ls base/rdir", "base/rdir");
	return 0;
}
