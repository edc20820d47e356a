/*
 * setxattr(2) flags on a real file: XATTR_CREATE of a name that exists is
 * EEXIST and keeps the old value, of a new name works; XATTR_REPLACE of a
 * missing name is ENODATA, of an existing one works; both flags at once on
 * an existing name are EEXIST.
 */
#include "corpus.h"

int main(void)
{
	rc("setxattr(user.a, XATTR_CREATE)",
	   setxattr("base/b.txt", "user.a", "1", 1, XATTR_CREATE));
	rc("setxattr(user.a, XATTR_CREATE) again",
	   setxattr("base/b.txt", "user.a", "2", 1, XATTR_CREATE));
	show_xattr("getxattr(user.a)", "base/b.txt", "user.a");
	rc("setxattr(user.b, XATTR_REPLACE)",
	   setxattr("base/b.txt", "user.b", "3", 1, XATTR_REPLACE));
	show_xattr("getxattr(user.b)", "base/b.txt", "user.b");
	rc("setxattr(user.a, XATTR_REPLACE)",
	   setxattr("base/b.txt", "user.a", "4", 1, XATTR_REPLACE));
	show_xattr("getxattr(user.a) replaced", "base/b.txt", "user.a");
	rc("setxattr(user.a, CREATE|REPLACE)",
	   setxattr("base/b.txt", "user.a", "5", 1, XATTR_CREATE | XATTR_REPLACE));
	rc("setxattr(base/c.txt, user.z, XATTR_REPLACE)",
	   setxattr("base/c.txt", "user.z", "6", 1, XATTR_REPLACE));
	rc("setxattr(base/missing, user.z)", setxattr("base/missing", "user.z", "7", 1, 0));
	show_xattr("getxattr(user.a) at the end", "base/b.txt", "user.a");
	return 0;
}
