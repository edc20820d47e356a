/*
 * mknod(2) of a socket node needs no privilege: stat shows type s; open
 * is ENXIO (no one bound it), O_PATH works; a second mknod is EEXIST; it
 * renames and unlinks like a file.  The whiteout device (character 0/0)
 * needs no privilege either, even as nobody; any other device does.
 */
#include "corpus.h"
#include <sys/sysmacros.h>

int main(void)
{
	umask(022);
	rc("mknod(base/sock, S_IFSOCK|0666)", mknod("base/sock", S_IFSOCK | 0666, 0));
	show_lstat("lstat(base/sock)", "base/sock");
	rcfd("open(base/sock, O_RDONLY)", open("base/sock", O_RDONLY));
	rcfd("open(base/sock, O_PATH)", open("base/sock", O_PATH));
	rc("mknod(base/sock) again", mknod("base/sock", S_IFSOCK | 0666, 0));
	rc("rename(base/sock, base/dir/sock2)", rename("base/sock", "base/dir/sock2"));
	show_lstat("lstat(base/dir/sock2)", "base/dir/sock2");
	show_dir("ls base/dir", "base/dir");
	rc("mknodat(base, keep.sock, S_IFSOCK|0600)", mknodat(AT_FDCWD, "base/keep.sock",
							      S_IFSOCK | 0600, 0));
	rc("unlink(base/dir/sock2)", unlink("base/dir/sock2"));
	show_lstat("lstat(base/dir/sock2)", "base/dir/sock2");

	become_nobody();
	rc("nobody: mknod(open/wh, S_IFCHR 0,0)", mknod("open/wh", S_IFCHR | 0644, 0));
	show_lstat("lstat(open/wh)", "open/wh");
	rc("nobody: mknod(open/zero, S_IFCHR 1,5)",
	   mknod("open/zero", S_IFCHR | 0644, makedev(1, 5)));
	rc("nobody: mknod(open/blk0, S_IFBLK 0,0)", mknod("open/blk0", S_IFBLK | 0644, 0));
	rc("nobody: mknod(open/s, S_IFSOCK)", mknod("open/s", S_IFSOCK | 0644, 0));
	rc("nobody: mknod(rodir/s, S_IFSOCK)", mknod("rodir/s", S_IFSOCK | 0644, 0));
	show_dir("ls open", "open");
	return 0;
}
