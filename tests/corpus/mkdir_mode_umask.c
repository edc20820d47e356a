/*
 * mkdir(2) applies the umask to the mode it is given: the new directory's
 * permission bits are mode & ~umask, the sticky bit is kept, and a
 * directory made inside a directory created in the overlay gets its own
 * mode, not its parent's.
 */
#include "corpus.h"

int main(void)
{
	umask(022);
	rc("mkdir(base/m777, 0777) umask 022", mkdir("base/m777", 0777));
	show_stat("stat(base/m777)", "base/m777");
	umask(077);
	rc("mkdir(base/m755, 0755) umask 077", mkdir("base/m755", 0755));
	show_stat("stat(base/m755)", "base/m755");
	umask(0);
	rc("mkdir(base/m1777, 01777) umask 0", mkdir("base/m1777", 01777));
	show_stat("stat(base/m1777)", "base/m1777");
	rc("mkdir(base/m000, 0) umask 0", mkdir("base/m000", 0));
	show_stat("stat(base/m000)", "base/m000");
	umask(027);
	rc("mkdir(base/m777/in, 0751) umask 027", mkdir("base/m777/in", 0751));
	show_stat("stat(base/m777/in)", "base/m777/in");
	show_stat("stat(base/m777) after", "base/m777");
	rc("mkdir(base/dir/new, 0700)", mkdir("base/dir/new", 0700));
	show_stat("stat(base/dir/new)", "base/dir/new");
	show_dir("ls base/dir", "base/dir");
	return 0;
}
