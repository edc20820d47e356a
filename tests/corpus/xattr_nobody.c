/*
 * User extended attributes as nobody: setting one on root's file is
 * EACCES (it needs write permission), reading one on a file one cannot
 * read EACCES; on one's own file both work; on root's sticky directory
 * setting is EPERM; in a directory one cannot search EACCES.
 */
#include "corpus.h"

int main(void)
{
	char buf[64];

	rc("setxattr(base/noperm.txt, user.r)", setxattr("base/noperm.txt", "user.r", "r", 1, 0));
	rc("setxattr(base/wonly.txt, user.w)", setxattr("base/wonly.txt", "user.w", "w", 1, 0));
	become_nobody();
	rc("setxattr(pub/rootfile, user.n)", setxattr("pub/rootfile", "user.n", "n", 1, 0));
	show_xattr("getxattr(base/noperm.txt, user.r)", "base/noperm.txt", "user.r");
	rc("setxattr(base/wonly.txt, user.n)", setxattr("base/wonly.txt", "user.n", "n", 1, 0));
	rc("getxattr(base/wonly.txt, user.w)", getxattr("base/wonly.txt", "user.w", buf, 64));
	rc("setxattr(pub/nobodyfile, user.n)", setxattr("pub/nobodyfile", "user.n", "mine", 4, 0));
	show_xattr("getxattr(pub/nobodyfile, user.n)", "pub/nobodyfile", "user.n");
	rc("setxattr(pub, user.n)", setxattr("pub", "user.n", "n", 1, 0));
	rc("setxattr(open, user.n)", setxattr("open", "user.n", "n", 1, 0));
	show_xattr("getxattr(open, user.n)", "open", "user.n");
	rc("getxattr(priv/secret, user.n)", getxattr("priv/secret", "user.n", buf, 64));
	return 0;
}
