/*
 * As nobody, chown(2) of root's file is EPERM, giving one's own file away
 * is EPERM, changing its group to a group one is not in is EPERM; -1/-1
 * and one's own group work; chown below a directory one cannot search is
 * EACCES.
 */
#include "corpus.h"

int main(void)
{
	become_nobody();
	rc("chown(pub/rootfile, 65534, 65534)", chown("pub/rootfile", 65534, 65534));
	rc("chown(pub/rootfile, -1, -1)", chown("pub/rootfile", (uid_t)-1, (gid_t)-1));
	show_stat("stat(pub/rootfile)", "pub/rootfile");
	rc("chown(pub/nobodyfile, 0, -1)", chown("pub/nobodyfile", 0, (gid_t)-1));
	rc("chown(pub/nobodyfile, -1, 0)", chown("pub/nobodyfile", (uid_t)-1, 0));
	rc("chown(pub/nobodyfile, -1, -1)", chown("pub/nobodyfile", (uid_t)-1, (gid_t)-1));
	rc("chown(pub/nobodyfile, 65534, 65534)", chown("pub/nobodyfile", 65534, 65534));
	show_stat("stat(pub/nobodyfile)", "pub/nobodyfile");
	rc("lchown(base/link, -1, 65534)", lchown("base/link", (uid_t)-1, 65534));
	rc("chown(priv/secret, -1, -1)", chown("priv/secret", (uid_t)-1, (gid_t)-1));
	return 0;
}
