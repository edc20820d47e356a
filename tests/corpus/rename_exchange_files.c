/*
 * renameat2(2) with RENAME_EXCHANGE swaps two files atomically: each name
 * then reads the other's content and has the other's mode; two real files,
 * a real file with one created in the overlay, a file with a symbolic
 * link; exchanging again swaps back.
 */
#include "corpus.h"

static long xchg(const char *a, const char *b)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

int main(void)
{
	rc("exchange(base/a.txt, base/ro.txt)", xchg("base/a.txt", "base/ro.txt"));
	show_file("cat base/a.txt", "base/a.txt");
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_file("cat base/ro.txt", "base/ro.txt");
	show_stat("stat(base/ro.txt)", "base/ro.txt");
	put_file("base/new", "new one\n", 0600);
	rc("exchange(base/new, base/b.txt)", xchg("base/new", "base/b.txt"));
	show_file("cat base/new", "base/new");
	show_file("cat base/b.txt", "base/b.txt");
	rc("exchange(base/c.txt, base/link)", xchg("base/c.txt", "base/link"));
	show_lstat("lstat(base/c.txt)", "base/c.txt");
	show_link("readlink(base/c.txt)", "base/c.txt");
	show_file("cat base/link", "base/link");
	show_file("cat base/c.txt (the link, to a.txt)", "base/c.txt");
	rc("exchange(base/new, base/b.txt) back", xchg("base/new", "base/b.txt"));
	show_file("cat base/new", "base/new");
	show_file("cat base/b.txt", "base/b.txt");
	rc("exchange(base/d.txt, base/d.txt)", xchg("base/d.txt", "base/d.txt"));
	show_file("cat base/d.txt", "base/d.txt");
	return 0;
}
