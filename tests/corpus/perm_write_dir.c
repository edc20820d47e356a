/*
 * As nobody, a directory without write permission for nobody (root's
 * 0755 base/dir) refuses every change of its names with EACCES: create,
 * mkdir, symlink, link, unlink, rename in and out; writing to a file in it
 * that nobody may write (open/f is 0644, root's) is EACCES too.
 */
#include "corpus.h"

int main(void)
{
	become_nobody();
	rcfd("open(base/dir/new, O_CREAT)", open("base/dir/new", O_WRONLY | O_CREAT, 0644));
	rc("mkdir(base/dir/sub)", mkdir("base/dir/sub", 0755));
	rc("symlink(x, base/dir/l)", symlink("x", "base/dir/l"));
	rc("link(pub/nobodyfile, base/dir/h)", link("pub/nobodyfile", "base/dir/h"));
	rc("unlink(base/dir/x)", unlink("base/dir/x"));
	rc("rename(base/dir/x, base/dir/x2)", rename("base/dir/x", "base/dir/x2"));
	rc("rename(base/dir/x, open/x)", rename("base/dir/x", "open/x"));
	rc("rename(pub/nobodyfile, base/dir/nf)", rename("pub/nobodyfile", "base/dir/nf"));
	rcfd("open(open/f, O_WRONLY)", open("open/f", O_WRONLY));
	rc("truncate(open/f, 0)", truncate("open/f", 0));
	show_dir("ls base/dir", "base/dir");
	show_file("cat open/f", "open/f");
	rcfd("open(open/new, O_CREAT)", open("open/new", O_WRONLY | O_CREAT, 0600));
	show_stat("stat(open/new)", "open/new");
	return 0;
}
