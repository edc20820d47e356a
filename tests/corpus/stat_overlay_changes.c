/*
 * stat follows the overlay's changes: a created file and symbolic link
 * show with their mode, size and owner; after rename the old name is
 * ENOENT and the new one has the same attributes; after unlink it is
 * ENOENT; a real file replaced by a directory shows as a directory.
 */
#include "corpus.h"

int main(void)
{
	umask(022);
	put_file("base/n.txt", "new file\n", 0600);
	show_stat("stat(base/n.txt)", "base/n.txt");
	rc("symlink(n.txt, base/nl)", symlink("n.txt", "base/nl"));
	show_lstat("lstat(base/nl)", "base/nl");
	show_stat("stat(base/nl)", "base/nl");
	rc("rename(base/n.txt, base/n2.txt)", rename("base/n.txt", "base/n2.txt"));
	show_stat("stat(base/n.txt)", "base/n.txt");
	show_stat("stat(base/n2.txt)", "base/n2.txt");
	show_stat("stat(base/nl) (dangling now)", "base/nl");
	rc("rename(base/u2.txt, base/dir/u2)", rename("base/u2.txt", "base/dir/u2"));
	show_stat("stat(base/u2.txt)", "base/u2.txt");
	show_stat("stat(base/dir/u2)", "base/dir/u2");
	rc("unlink(base/n2.txt)", unlink("base/n2.txt"));
	show_stat("stat(base/n2.txt)", "base/n2.txt");
	rc("unlink(base/r1.txt)", unlink("base/r1.txt"));
	rc("mkdir(base/r1.txt)", mkdir("base/r1.txt", 0711));
	show_stat("stat(base/r1.txt)", "base/r1.txt");
	rc("rmdir(base/empty)", rmdir("base/empty"));
	put_file("base/empty", "was a dir\n", 0644);
	show_stat("stat(base/empty)", "base/empty");
	return 0;
}
