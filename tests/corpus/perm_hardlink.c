/*
 * link(2) of a file one does not own: root may link anything (a 0000 file
 * too); as nobody, with fs.protected_hardlinks on, linking root's files is
 * EPERM unless nobody could read and write them (a 0644 file is EPERM, a
 * 0666 one made in the overlay works), and its own files always work.
 */
#include "corpus.h"

int main(void)
{
	rc("link(base/noperm.txt, open/np) as root", link("base/noperm.txt", "open/np"));
	show_stat("stat(base/noperm.txt)", "base/noperm.txt");
	put_file("open/rw", "rw\n", 0644);
	rc("chmod(open/rw, 0666)", chmod("open/rw", 0666));
	become_nobody();
	rc("link(pub/rootfile, open/l1)", link("pub/rootfile", "open/l1"));
	rc("link(base/wonly.txt, open/l2)", link("base/wonly.txt", "open/l2"));
	rc("link(open/rw, open/l3)", link("open/rw", "open/l3"));
	rc("link(pub/nobodyfile, open/l4)", link("pub/nobodyfile", "open/l4"));
	show_stat("stat(open/l4)", "open/l4");
	show_stat("stat(open/rw)", "open/rw");
	rc("link(priv/secret, open/l5)", link("priv/secret", "open/l5"));
	show_dir("ls open", "open");
	return 0;
}
