/*
 * User extended attributes on files and a directory created in the
 * overlay: set, read back, kept through rename(2) and through a hard link,
 * gone with a file deleted and made anew under the same name.
 */
#include "corpus.h"

int main(void)
{
	put_file("base/new", "new\n", 0644);
	rc("setxattr(base/new, user.k)", setxattr("base/new", "user.k", "v1", 2, 0));
	show_xattr("getxattr(base/new, user.k)", "base/new", "user.k");
	rc("rename(base/new, base/moved)", rename("base/new", "base/moved"));
	show_xattr("getxattr(base/moved, user.k)", "base/moved", "user.k");
	rc("link(base/moved, base/hard)", link("base/moved", "base/hard"));
	show_xattr("getxattr(base/hard, user.k)", "base/hard", "user.k");
	rc("setxattr(base/hard, user.k, v2)", setxattr("base/hard", "user.k", "v2", 2, 0));
	show_xattr("getxattr(base/moved, user.k)", "base/moved", "user.k");
	rc("unlink(base/moved)", unlink("base/moved"));
	rc("unlink(base/hard)", unlink("base/hard"));
	put_file("base/moved", "again\n", 0644);
	show_xattr("getxattr(base/moved, user.k) new file", "base/moved", "user.k");
	rc("mkdir(base/newdir)", mkdir("base/newdir", 0755));
	rc("setxattr(base/newdir, user.d)", setxattr("base/newdir", "user.d", "dir", 3, 0));
	put_file("base/newdir/f", "f\n", 0644);
	show_xattr("getxattr(base/newdir, user.d)", "base/newdir", "user.d");
	show_xattr("getxattr(base/newdir/f, user.d)", "base/newdir/f", "user.d");
	return 0;
}
