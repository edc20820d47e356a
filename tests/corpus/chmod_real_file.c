/*
 * chmod(2) of a real file: stat shows the new mode at once and after a
 * second chmod, the content is unchanged, the type bits passed in the mode
 * are ignored; chmod of a missing name is ENOENT, through a file used as a
 * directory ENOTDIR.
 */
#include "corpus.h"

int main(void)
{
	show_stat("stat(base/a.txt) before", "base/a.txt");
	rc("chmod(base/a.txt, 0600)", chmod("base/a.txt", 0600));
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_file("cat base/a.txt", "base/a.txt");
	rc("chmod(base/a.txt, S_IFDIR|0751)", chmod("base/a.txt", S_IFDIR | 0751));
	show_stat("stat(base/a.txt) again", "base/a.txt");
	rc("chmod(base/dir, 0700)", chmod("base/dir", 0700));
	show_stat("stat(base/dir)", "base/dir");
	show_stat("stat(base/dir/x)", "base/dir/x");
	rc("chmod(base/missing, 0644)", chmod("base/missing", 0644));
	rc("chmod(base/a.txt/x, 0644)", chmod("base/a.txt/x", 0644));
	return 0;
}
