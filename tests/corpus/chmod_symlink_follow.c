/*
 * chmod(2) through a symbolic link changes the target, never the link
 * (lstat still shows 0777); through a dangling link it is ENOENT, through
 * a loop ELOOP; fchmodat on the link without flags follows it too.
 */
#include "corpus.h"

int main(void)
{
	rc("chmod(base/link, 0640)", chmod("base/link", 0640));
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_lstat("lstat(base/link)", "base/link");
	rc("fchmodat(base/slink, 0604, 0)", fchmodat(AT_FDCWD, "base/slink", 0604, 0));
	show_stat("stat(base/c.txt)", "base/c.txt");
	show_lstat("lstat(base/slink)", "base/slink");
	rc("symlink(nowhere, base/dangling)", symlink("nowhere", "base/dangling"));
	rc("chmod(base/dangling, 0600)", chmod("base/dangling", 0600));
	rc("chmod(base/loop1, 0600)", chmod("base/loop1", 0600));
	rc("symlink(b.txt, base/newlink)", symlink("b.txt", "base/newlink"));
	rc("chmod(base/newlink, 0611)", chmod("base/newlink", 0611));
	show_stat("stat(base/b.txt)", "base/b.txt");
	show_lstat("lstat(base/newlink)", "base/newlink");
	return 0;
}
