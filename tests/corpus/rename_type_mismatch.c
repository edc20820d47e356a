/*
 * rename(2) between a file and a directory: a file over a directory is
 * EISDIR (empty or not, real or created in the overlay), a directory over
 * a file ENOTDIR, a directory over a symbolic link to a directory ENOTDIR;
 * both sides are left as they were.
 */
#include "corpus.h"

int main(void)
{
	rc("rename(base/a.txt, base/empty)", rename("base/a.txt", "base/empty"));
	rc("rename(base/a.txt, base/dir)", rename("base/a.txt", "base/dir"));
	rc("rename(base/empty, base/a.txt)", rename("base/empty", "base/a.txt"));
	rc("rename(base/empty, base/link)", rename("base/empty", "base/link"));
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	put_file("base/nf", "nf\n", 0644);
	rc("rename(base/nf, base/nd)", rename("base/nf", "base/nd"));
	rc("rename(base/nd, base/nf)", rename("base/nd", "base/nf"));
	rc("symlink(dir, base/dlink)", symlink("dir", "base/dlink"));
	rc("rename(base/empty, base/dlink)", rename("base/empty", "base/dlink"));
	rc("rename(base/a.txt, base/dlink/)", rename("base/a.txt", "base/dlink/"));
	rc("rename(base/a.txt, base/empty/)", rename("base/a.txt", "base/empty/"));
	rc("rename(base/a.txt/, base/z.txt)", rename("base/a.txt/", "base/z.txt"));
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_stat("stat(base/empty)", "base/empty");
	show_lstat("lstat(base/dlink)", "base/dlink");
	show_stat("stat(base/nd)", "base/nd");
	show_file("cat base/nf", "base/nf");
	show_dir("ls base/dir", "base/dir");
	return 0;
}
