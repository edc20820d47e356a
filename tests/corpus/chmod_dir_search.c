/*
 * chmod(2) of a real directory changes who may search and list it: as
 * nobody, after 0711 its files can be opened but it cannot be listed,
 * after 0744 it can be listed but not searched (EACCES), after 0700
 * neither; a directory created in the overlay obeys the same bits.
 */
#include "corpus.h"

int main(void)
{
	rc("chmod(base/dir, 0711)", chmod("base/dir", 0711));
	rc("chmod(base/sub, 0744)", chmod("base/sub", 0744));
	rc("chmod(base/rdir, 0700)", chmod("base/rdir", 0700));
	rc("mkdir(base/newdir, 0755)", mkdir("base/newdir", 0755));
	put_file("base/newdir/f", "new\n", 0644);
	rc("chmod(base/newdir, 0744)", chmod("base/newdir", 0744));
	become_nobody();
	show_file("cat base/dir/x", "base/dir/x");
	show_dir("ls base/dir", "base/dir");
	show_dir("ls base/sub", "base/sub");
	show_stat("stat(base/sub/deep)", "base/sub/deep");
	show_file("cat base/sub/deep/f", "base/sub/deep/f");
	show_dir("ls base/rdir", "base/rdir");
	show_file("cat base/rdir/p", "base/rdir/p");
	show_dir("ls base/newdir", "base/newdir");
	show_file("cat base/newdir/f", "base/newdir/f");
	rc("chdir(base/sub)", chdir("base/sub"));
	return 0;
}
