/*
 * truncate as nobody: base/ro.txt (0444) and base/noperm.txt (0000) are
 * EACCES, a file under priv/ (0700) is EACCES; base/wonly.txt (0222) can
 * be truncated (write permission is enough); ftruncate on a descriptor
 * opened for writing works; root's open/f is EACCES.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	become_nobody();
	rc("truncate(base/ro.txt, 0)", truncate("base/ro.txt", 0));
	rc("truncate(base/noperm.txt, 0)", truncate("base/noperm.txt", 0));
	rc("truncate(priv/secret, 0)", truncate("priv/secret", 0));
	rc("truncate(open/f, 0)", truncate("open/f", 0));
	rc("truncate(base/wonly.txt, 2)", truncate("base/wonly.txt", 2));
	show_stat("stat(base/wonly.txt)", "base/wonly.txt");
	fd = rcfd("open(pub/nobodyfile, O_WRONLY)", open("pub/nobodyfile", O_WRONLY));
	rc("ftruncate(nobodyfile, 3)", ftruncate(fd, 3));
	close(fd);
	show_file("cat pub/nobodyfile", "pub/nobodyfile");
	show_stat("stat(base/ro.txt)", "base/ro.txt");
	return 0;
}
