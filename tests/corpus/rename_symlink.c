/*
 * rename(2) of a symbolic link moves the link itself, never its target:
 * the new name reads back the same target text and the target stays where
 * it was; a relative link moved to another directory resolves from there
 * (so it dangles when its target is not beside it).
 */
#include "corpus.h"

int main(void)
{
	rc("rename(base/slink, base/slink2)", rename("base/slink", "base/slink2"));
	show_lstat("lstat(base/slink)", "base/slink");
	show_lstat("lstat(base/slink2)", "base/slink2");
	show_link("readlink(base/slink2)", "base/slink2");
	show_file("cat base/slink2", "base/slink2");
	show_file("cat base/c.txt", "base/c.txt");
	rc("rename(base/slink2, base/dir/slink3)", rename("base/slink2", "base/dir/slink3"));
	show_link("readlink(base/dir/slink3)", "base/dir/slink3");
	show_file("cat base/dir/slink3", "base/dir/slink3");
	rc("rename(base/loop1, base/loop3)", rename("base/loop1", "base/loop3"));
	show_link("readlink(base/loop3)", "base/loop3");
	show_stat("stat(base/loop3)", "base/loop3");
	show_stat("stat(base/loop2)", "base/loop2");
	rc("symlink(dir, base/dlink)", symlink("dir", "base/dlink"));
	rc("rename(base/dlink, base/dlink2)", rename("base/dlink", "base/dlink2"));
	show_stat("stat(base/dir)", "base/dir");
	show_dir("ls base/dlink2", "base/dlink2");
	show_lstat("lstat(base/dlink2)", "base/dlink2");
	return 0;
}
