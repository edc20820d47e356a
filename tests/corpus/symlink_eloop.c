/*
 * Symbolic link loops and long chains: base/loop1 <-> loop2 is ELOOP for
 * stat, open and a path through it, while lstat and readlink work; a chain
 * of 40 links made in the overlay resolves, 41 is ELOOP (the kernel's limit
 * of 40 follows), and O_NOFOLLOW on a link is ELOOP.
 */
#include "corpus.h"

int main(void)
{
	char name[32], target[32];

	show_stat("stat(base/loop1)", "base/loop1");
	show_lstat("lstat(base/loop1)", "base/loop1");
	show_link("readlink(base/loop1)", "base/loop1");
	rcfd("open(base/loop1)", open("base/loop1", O_RDONLY));
	rcfd("open(base/loop1, O_CREAT)", open("base/loop1", O_WRONLY | O_CREAT, 0644));
	show_stat("stat(base/loop2/x)", "base/loop2/x");
	rc("mkdir(base/chain)", mkdir("base/chain", 0755));
	put_file("base/chain/end", "end of chain\n", 0644);
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "base/chain/l%d", i);
		if (i == 1)
			snprintf(target, sizeof(target), "end");
		else
			snprintf(target, sizeof(target), "l%d", i - 1);
		if (symlink(target, name) < 0)
			die("symlink");
	}
	show_file("cat base/chain/l1", "base/chain/l1");
	show_file("cat base/chain/l40", "base/chain/l40");
	show_file("cat base/chain/l41", "base/chain/l41");
	show_lstat("lstat(base/chain/l41)", "base/chain/l41");
	rcfd("open(base/link, O_NOFOLLOW)", open("base/link", O_RDONLY | O_NOFOLLOW));
	rcfd("open(base/a.txt, O_NOFOLLOW)", open("base/a.txt", O_RDONLY | O_NOFOLLOW));
	return 0;
}
