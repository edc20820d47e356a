/*
 * lstat(2) and stat(2) of symbolic links made during the run: lstat shows
 * the link (type l, mode 0777, size = length of the target text, one
 * link), stat the target; readlink returns the text exactly (odd bytes and
 * a very long target too), readlink of a non-link is EINVAL.
 */
#include "corpus.h"

int main(void)
{
	char longt[1001];

	rc("symlink(a.txt, base/l1)", symlink("a.txt", "base/l1"));
	show_lstat("lstat(base/l1)", "base/l1");
	show_stat("stat(base/l1)", "base/l1");
	rc("symlink(dir, base/l2)", symlink("dir", "base/l2"));
	show_lstat("lstat(base/l2)", "base/l2");
	show_stat("stat(base/l2)", "base/l2");
	rc("symlink(l1, base/l3)", symlink("l1", "base/l3"));
	show_stat("stat(base/l3) two hops", "base/l3");
	show_link("readlink(base/l3)", "base/l3");
	rc("symlink(nl\\nname, base/l4)", symlink("nl\nname", "base/l4"));
	show_link("readlink(base/l4)", "base/l4");
	show_file("cat base/l4", "base/l4");
	memset(longt, 'y', 1000);
	longt[1000] = '\0';
	rc("symlink(y*1000, base/l5)", symlink(longt, "base/l5"));
	show_lstat("lstat(base/l5)", "base/l5");
	show_stat("stat(base/l5)", "base/l5");
	show_link("readlink(base/a.txt)", "base/a.txt");
	show_link("readlink(base/dir)", "base/dir");
	show_lstat("lstat(base/a.txt)", "base/a.txt");
	return 0;
}
