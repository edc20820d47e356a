/*
 * As nobody, every directory of a path needs search permission: with
 * p1 0755, p2 0600 and p3 0755 (made in the overlay), reaching p1 works,
 * p2 itself can be stat'ed but anything below it is EACCES; the same
 * below a real directory made 0644 by chmod, and below priv/ (0700).
 */
#include "corpus.h"

int main(void)
{
	rc("mkdir(base/p1)", mkdir("base/p1", 0755));
	rc("mkdir(base/p1/p2)", mkdir("base/p1/p2", 0755));
	rc("mkdir(base/p1/p2/p3)", mkdir("base/p1/p2/p3", 0755));
	put_file("base/p1/p2/p3/f", "deep\n", 0644);
	rc("chmod(base/p1/p2, 0600)", chmod("base/p1/p2", 0600));
	rc("chmod(base/sub, 0644)", chmod("base/sub", 0644));
	become_nobody();
	show_stat("stat(base/p1)", "base/p1");
	show_stat("stat(base/p1/p2)", "base/p1/p2");
	show_stat("stat(base/p1/p2/p3)", "base/p1/p2/p3");
	show_file("cat base/p1/p2/p3/f", "base/p1/p2/p3/f");
	show_stat("stat(base/p1/p2/../p2)", "base/p1/p2/../p2");
	show_stat("stat(base/sub)", "base/sub");
	show_stat("stat(base/sub/deep)", "base/sub/deep");
	show_file("cat base/sub/deep/f", "base/sub/deep/f");
	show_stat("stat(priv/secret)", "priv/secret");
	show_stat("stat(priv/missing)", "priv/missing");
	return 0;
}
