/*
 * As nobody, mknod(2) of a character or block device is EPERM, even in
 * the world-writable open/; a FIFO or regular file works there (owned by
 * nobody); in root's base/ and the 0555 rodir/ even a FIFO is EACCES.
 */
#include "corpus.h"
#include <sys/sysmacros.h>

int main(void)
{
	become_nobody();
	umask(022);
	rc("mknod(open/null, S_IFCHR 1,3)", mknod("open/null", S_IFCHR | 0666, makedev(1, 3)));
	rc("mknod(open/blk, S_IFBLK 7,0)", mknod("open/blk", S_IFBLK | 0660, makedev(7, 0)));
	rc("mknod(base/null, S_IFCHR 1,3)", mknod("base/null", S_IFCHR | 0666, makedev(1, 3)));
	rc("mknod(base/fifo, S_IFIFO)", mknod("base/fifo", S_IFIFO | 0644, 0));
	rc("mknod(rodir/fifo, S_IFIFO)", mknod("rodir/fifo", S_IFIFO | 0644, 0));
	rc("mknod(open/fifo, S_IFIFO)", mknod("open/fifo", S_IFIFO | 0666, 0));
	rc("mknod(open/reg, S_IFREG)", mknod("open/reg", S_IFREG | 0666, 0));
	rc("mknod(open/f, S_IFIFO) existing", mknod("open/f", S_IFIFO | 0644, 0));
	show_stat("stat(open/fifo)", "open/fifo");
	show_stat("stat(open/reg)", "open/reg");
	show_stat("stat(open/null)", "open/null");
	show_dir("ls open", "open");
	return 0;
}
