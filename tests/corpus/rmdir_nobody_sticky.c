/*
 * As nobody in a sticky, world-writable directory: removing root's file is
 * EPERM, one's own file works; rmdir of a directory one cannot write into
 * is EACCES; creating in a 0555 directory is EACCES; a 0700 directory
 * cannot be searched (EACCES).
 */
#include "corpus.h"

int main(void)
{
	become_nobody();
	rc("unlink(pub/rootfile)", unlink("pub/rootfile"));
	rc("unlink(pub/nobodyfile)", unlink("pub/nobodyfile"));
	show_dir("ls pub", "pub");
	rc("rmdir(open/nbdir)", rmdir("open/nbdir"));
	rc("mkdir(rodir/sub)", mkdir("rodir/sub", 0755));
	rcfd("open(rodir/new, O_CREAT)", open("rodir/new", O_WRONLY | O_CREAT, 0644));
	show_stat("stat(priv/secret)", "priv/secret");
	rcfd("open(priv)", open("priv", O_RDONLY | O_DIRECTORY));
	rc("rmdir(base/empty)", rmdir("base/empty"));
	return 0;
}
