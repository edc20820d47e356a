/*
 * RENAME_EXCHANGE of a file and a directory swaps them (the types cross
 * over, the directory keeps its entries), also across parents; ENOENT when
 * either side is missing, and then nothing moves.
 */
#include "corpus.h"

static long xchg(const char *a, const char *b)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

int main(void)
{
	rc("exchange(base/app.txt, base/full)", xchg("base/app.txt", "base/full"));
	show_stat("stat(base/app.txt)", "base/app.txt");
	show_dir("ls base/app.txt", "base/app.txt");
	show_file("cat base/app.txt/k", "base/app.txt/k");
	show_file("cat base/full", "base/full");
	rc("exchange(base/full, base/sub/deep)", xchg("base/full", "base/sub/deep"));
	show_dir("ls base/full", "base/full");
	show_file("cat base/sub/deep", "base/sub/deep");
	show_file("cat base/full/f", "base/full/f");
	rc("exchange(base/a.txt, base/missing)", xchg("base/a.txt", "base/missing"));
	rc("exchange(base/missing, base/a.txt)", xchg("base/missing", "base/a.txt"));
	rc("exchange(base/dir, base/missing)", xchg("base/dir", "base/missing"));
	rc("exchange(base/a.txt, base/nodir/x)", xchg("base/a.txt", "base/nodir/x"));
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_stat("stat(base/missing)", "base/missing");
	show_dir("ls base/dir", "base/dir");
	show_dir("ls base/sub", "base/sub");
	return 0;
}
