/*
 * Listings of real directories after renames: a file renamed out of one
 * directory leaves its listing and joins the other's, a rename within a
 * directory swaps the name, a directory renamed in shows as type d, and a
 * file renamed over an existing one leaves a single entry.
 */
#include "corpus.h"

int main(void)
{
	rc("rename(base/dir/x, base/sub/x)", rename("base/dir/x", "base/sub/x"));
	show_dir("ls base/dir", "base/dir");
	show_dir("ls base/sub", "base/sub");
	rc("rename(base/dir/y, base/dir/y2)", rename("base/dir/y", "base/dir/y2"));
	show_dir("ls base/dir", "base/dir");
	rc("rename(base/rfrom, base/dir/rfrom)", rename("base/rfrom", "base/dir/rfrom"));
	show_dir("ls base/dir", "base/dir");
	rc("rename(base/sub/x, base/dir/z)", rename("base/sub/x", "base/dir/z"));
	show_dir("ls base/dir", "base/dir");
	show_dir("ls base/sub", "base/sub");
	show_file("cat base/dir/z", "base/dir/z");
	rc("rename(base/dir/rfrom/f, base/rdir/f)", rename("base/dir/rfrom/f", "base/rdir/f"));
	show_dir("ls base/dir/rfrom", "base/dir/rfrom");
	show_dir("ls base/rdir", "base/rdir");
	return 0;
}
