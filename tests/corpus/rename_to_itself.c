/*
 * rename(2) of a name onto itself returns 0 and changes nothing, for a
 * file, a directory and a symbolic link; onto another hard link of the same
 * file it also returns 0 and both names stay (the link count is still 2).
 */
#include "corpus.h"

int main(void)
{
	rc("rename(base/a.txt, base/a.txt)", rename("base/a.txt", "base/a.txt"));
	show_stat("stat(base/a.txt)", "base/a.txt");
	rc("rename(base/dir, base/dir)", rename("base/dir", "base/dir"));
	show_dir("ls base/dir", "base/dir");
	rc("rename(base/link, base/link)", rename("base/link", "base/link"));
	show_link("readlink(base/link)", "base/link");
	rc("rename(base/dir/x, base/dir/../dir/x)", rename("base/dir/x", "base/dir/../dir/x"));
	show_file("cat base/dir/x", "base/dir/x");
	rc("link(base/l.txt, base/l-hard)", link("base/l.txt", "base/l-hard"));
	rc("rename(base/l.txt, base/l-hard)", rename("base/l.txt", "base/l-hard"));
	show_stat("stat(base/l.txt)", "base/l.txt");
	show_stat("stat(base/l-hard)", "base/l-hard");
	rc("rename(base/l-hard, base/l.txt)", rename("base/l-hard", "base/l.txt"));
	show_file("cat base/l.txt", "base/l.txt");
	show_file("cat base/l-hard", "base/l-hard");
	put_file("base/new", "new\n", 0644);
	rc("rename(base/new, base/new)", rename("base/new", "base/new"));
	show_file("cat base/new", "base/new");
	rc("rename(base/nothing, base/nothing)", rename("base/nothing", "base/nothing"));
	return 0;
}
