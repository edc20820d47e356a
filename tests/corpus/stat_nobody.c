/*
 * stat as nobody needs search permission on the directories, not read
 * permission on the file: base/noperm.txt (0000) stats fine, priv/secret
 * (priv/ is 0700) is EACCES, priv/ itself stats; rodir/f stats; a file
 * nobody created in open/ shows nobody as owner.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	become_nobody();
	show_stat("stat(base/noperm.txt)", "base/noperm.txt");
	show_stat("stat(base/wonly.txt)", "base/wonly.txt");
	show_stat("stat(priv/secret)", "priv/secret");
	show_stat("stat(priv/missing)", "priv/missing");
	show_stat("stat(priv)", "priv");
	show_stat("stat(rodir/f)", "rodir/f");
	show_stat("stat(pub/nobodyfile)", "pub/nobodyfile");
	fd = rcfd("open(open/mine, O_CREAT)", open("open/mine", O_WRONLY | O_CREAT, 0640));
	rc("write", write(fd, "mine\n", 5));
	close(fd);
	show_stat("stat(open/mine)", "open/mine");
	show_lstat("lstat(priv/secret)", "priv/secret");
	rc("symlink(../priv/secret, open/tosecret)", symlink("../priv/secret", "open/tosecret"));
	show_stat("stat(open/tosecret)", "open/tosecret");
	show_lstat("lstat(open/tosecret)", "open/tosecret");
	return 0;
}
