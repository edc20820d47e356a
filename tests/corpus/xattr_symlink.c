/*
 * Extended attributes and symbolic links: lsetxattr(2) of a user.* name
 * on a link is EPERM (real link and one made in the overlay), lgetxattr
 * on it ENODATA; setxattr(2) through the link follows it and sets the
 * target's, which getxattr through the link and on the target both see.
 */
#include "corpus.h"

int main(void)
{
	char buf[64];

	rc("lsetxattr(base/link, user.l)", lsetxattr("base/link", "user.l", "v", 1, 0));
	rc("lgetxattr(base/link, user.l)", lgetxattr("base/link", "user.l", buf, sizeof(buf)));
	rc("llistxattr(base/link)", llistxattr("base/link", buf, sizeof(buf)));
	rc("setxattr(base/link, user.t)", setxattr("base/link", "user.t", "target", 6, 0));
	show_xattr("getxattr(base/link, user.t)", "base/link", "user.t");
	show_xattr("getxattr(base/a.txt, user.t)", "base/a.txt", "user.t");
	rc("lgetxattr(base/link, user.t)", lgetxattr("base/link", "user.t", buf, sizeof(buf)));
	rc("symlink(d.txt, base/dlink)", symlink("d.txt", "base/dlink"));
	rc("lsetxattr(base/dlink, user.l)", lsetxattr("base/dlink", "user.l", "v", 1, 0));
	rc("setxattr(base/dlink, user.t)", setxattr("base/dlink", "user.t", "d", 1, 0));
	show_xattr("getxattr(base/d.txt, user.t)", "base/d.txt", "user.t");
	rc("lremovexattr(base/dlink, user.t)", lremovexattr("base/dlink", "user.t"));
	rc("removexattr(base/dlink, user.t)", removexattr("base/dlink", "user.t"));
	show_xattr("getxattr(base/d.txt, user.t) removed", "base/d.txt", "user.t");
	rc("setxattr(base/loop1, user.t)", setxattr("base/loop1", "user.t", "v", 1, 0));
	return 0;
}
