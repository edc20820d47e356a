/*
 * rename(2) of a real directory with contents: everything below it is
 * reachable under the new name and gone under the old; renaming it onto a
 * non-empty directory is ENOTEMPTY, onto an empty one works, into itself
 * EINVAL, onto a file ENOTDIR.
 */
#include "corpus.h"

int main(void)
{
	rc("rename(base/rdir, base/rfull)", rename("base/rdir", "base/rfull"));
	rc("rename(base/rdir, base/rdir/s/in)", rename("base/rdir", "base/rdir/s/in"));
	rc("rename(base/rdir, base/a.txt)", rename("base/rdir", "base/a.txt"));
	rc("rename(base/rdir, base/rempty)", rename("base/rdir", "base/rempty"));
	show_dir("ls base/rempty", "base/rempty");
	show_dir("ls base/rempty/s", "base/rempty/s");
	show_file("cat base/rempty/s/t", "base/rempty/s/t");
	show_stat("stat(base/rdir)", "base/rdir");
	rc("rename(base/rempty/p, base/rempty/s/p2)", rename("base/rempty/p", "base/rempty/s/p2"));
	show_dir("ls base/rempty/s", "base/rempty/s");
	return 0;
}
