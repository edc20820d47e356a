/*
 * The listing of a real directory after files are created and deleted in
 * it: a new file shows (type f), a deleted real file goes, a deleted new
 * file goes, and a real name deleted and created again shows once.
 */
#include "corpus.h"

int main(void)
{
	show_dir("ls base/dir", "base/dir");
	put_file("base/dir/new", "new\n", 0644);
	show_dir("ls base/dir +new", "base/dir");
	rc("unlink(base/dir/x)", unlink("base/dir/x"));
	show_dir("ls base/dir -x", "base/dir");
	rc("unlink(base/dir/new)", unlink("base/dir/new"));
	show_dir("ls base/dir -new", "base/dir");
	put_file("base/dir/x", "x again\n", 0600);
	show_dir("ls base/dir +x again", "base/dir");
	rc("truncate(base/dir/y, 0)", truncate("base/dir/y", 0));
	show_dir("ls base/dir y truncated", "base/dir");
	show_stat("stat(base/dir/x)", "base/dir/x");
	show_dir("ls base", "base");
	return 0;
}
