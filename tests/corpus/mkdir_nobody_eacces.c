/*
 * As nobody, mkdir(2) needs write and search permission on the parent:
 * EACCES in root's 0755 base/, in the 0555 rodir/ and below the 0700 priv/;
 * it works in the world-writable open/ and pub/ and in nobody's own
 * open/nbdir/, and the new directory is nobody's.
 */
#include "corpus.h"

int main(void)
{
	become_nobody();
	umask(022);
	rc("mkdir(base/x)", mkdir("base/x", 0755));
	rc("mkdir(rodir/x)", mkdir("rodir/x", 0755));
	rc("mkdir(priv/x)", mkdir("priv/x", 0755));
	rc("mkdir(priv)", mkdir("priv", 0755));
	rc("mkdir(open/x)", mkdir("open/x", 0777));
	show_stat("stat(open/x)", "open/x");
	rc("mkdir(pub/x)", mkdir("pub/x", 0700));
	show_stat("stat(pub/x)", "pub/x");
	rc("mkdir(open/nbdir/x)", mkdir("open/nbdir/x", 0755));
	show_stat("stat(open/nbdir/x)", "open/nbdir/x");
	rc("mkdir(open/x/y)", mkdir("open/x/y", 0755));
	show_dir("ls open", "open");
	show_stat("stat(base/x)", "base/x");
	return 0;
}
