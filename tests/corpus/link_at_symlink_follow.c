/*
 * linkat(2) on a symbolic link: without AT_SYMLINK_FOLLOW the new name is
 * another link to the symbolic link itself (an 'l' with the same target
 * text); with it, the new name is a hard link to the target file (its
 * count goes to 2).  A dangling link followed is ENOENT, not followed it
 * links fine; a link in a loop followed is ELOOP; an unknown flag EINVAL.
 */
#include "corpus.h"

int main(void)
{
	rc("linkat(base/link, base/nofollow, 0)",
	   linkat(AT_FDCWD, "base/link", AT_FDCWD, "base/nofollow", 0));
	show_lstat("lstat(base/nofollow)", "base/nofollow");
	show_link("readlink(base/nofollow)", "base/nofollow");
	show_lstat("lstat(base/link)", "base/link");
	rc("linkat(base/link, base/follow, AT_SYMLINK_FOLLOW)",
	   linkat(AT_FDCWD, "base/link", AT_FDCWD, "base/follow", AT_SYMLINK_FOLLOW));
	show_lstat("lstat(base/follow)", "base/follow");
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_file("cat base/follow", "base/follow");
	symlink("nowhere", "base/dangling");
	rc("linkat(base/dangling, base/d1, AT_SYMLINK_FOLLOW)",
	   linkat(AT_FDCWD, "base/dangling", AT_FDCWD, "base/d1", AT_SYMLINK_FOLLOW));
	rc("linkat(base/dangling, base/d2, 0)",
	   linkat(AT_FDCWD, "base/dangling", AT_FDCWD, "base/d2", 0));
	show_lstat("lstat(base/d2)", "base/d2");
	rc("linkat(base/loop1, base/l1, AT_SYMLINK_FOLLOW)",
	   linkat(AT_FDCWD, "base/loop1", AT_FDCWD, "base/l1", AT_SYMLINK_FOLLOW));
	rc("linkat(base/loop1, base/l2, 0)", linkat(AT_FDCWD, "base/loop1", AT_FDCWD, "base/l2", 0));
	show_link("readlink(base/l2)", "base/l2");
	rc("linkat(base/a.txt, base/bad, 0x1)", linkat(AT_FDCWD, "base/a.txt", AT_FDCWD, "base/bad", 0x1));
	show_dir("ls base/dir", "base/dir");
	return 0;
}
