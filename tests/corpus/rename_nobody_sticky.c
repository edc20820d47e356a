/*
 * rename(2) as nobody: in the sticky pub/ root's file cannot be moved or
 * replaced (EPERM) while nobody's own file can; root's file in the
 * non-sticky, world-writable open/ can be moved; moving into the 0555
 * rodir/ or out of root's base/ is EACCES.
 */
#include "corpus.h"

int main(void)
{
	become_nobody();
	rc("rename(pub/rootfile, pub/r2)", rename("pub/rootfile", "pub/r2"));
	rc("rename(pub/nobodyfile, pub/rootfile)", rename("pub/nobodyfile", "pub/rootfile"));
	rc("rename(pub/nobodyfile, pub/mine)", rename("pub/nobodyfile", "pub/mine"));
	rc("rename(pub/rootfile, open/r)", rename("pub/rootfile", "open/r"));
	rc("rename(open/f, open/f2)", rename("open/f", "open/f2"));
	rc("rename(pub/mine, rodir/mine)", rename("pub/mine", "rodir/mine"));
	rc("rename(base/a.txt, open/a)", rename("base/a.txt", "open/a"));
	rc("rename(open/f2, base/f2)", rename("open/f2", "base/f2"));
	rc("rename(open/nbdir, pub/nbdir)", rename("open/nbdir", "pub/nbdir"));
	rc("rename(priv/secret, open/s)", rename("priv/secret", "open/s"));
	show_dir("ls pub", "pub");
	show_dir("ls open", "open");
	show_file("cat pub/rootfile", "pub/rootfile");
	show_file("cat pub/mine", "pub/mine");
	return 0;
}
