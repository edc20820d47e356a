/*
 * A directory cannot be moved below itself: rename(2) of a real directory
 * into its own subdirectory, or into itself, is EINVAL, also for a
 * directory created in the overlay; renaming a directory onto its own
 * ancestor fails too.  Nothing moves.
 */
#include "corpus.h"

int main(void)
{
	rc("rename(base/sub, base/sub/deep/sub)", rename("base/sub", "base/sub/deep/sub"));
	rc("rename(base/sub, base/sub/x)", rename("base/sub", "base/sub/x"));
	rc("rename(base/sub/deep, base/sub)", rename("base/sub/deep", "base/sub"));
	rc("rename(base/sub, base/sub/deep)", rename("base/sub", "base/sub/deep"));
	rc("rename(base, base/dir/b)", rename("base", "base/dir/b"));
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	rc("mkdir(base/nd/in)", mkdir("base/nd/in", 0755));
	rc("rename(base/nd, base/nd/in/nd)", rename("base/nd", "base/nd/in/nd"));
	rc("rename(base/nd/in, base/nd/in/in2)", rename("base/nd/in", "base/nd/in/in2"));
	rc("rename(base/nd/in, base/nd)", rename("base/nd/in", "base/nd"));
	rc("rename(base/sub/deep, base/sub/deep/.)", rename("base/sub/deep", "base/sub/deep/."));
	show_dir("ls base/sub", "base/sub");
	show_dir("ls base/sub/deep", "base/sub/deep");
	show_dir("ls base/nd", "base/nd");
	show_dir("ls base/nd/in", "base/nd/in");
	return 0;
}
