/*
 * Sizes in getxattr(2) and listxattr(2) on a real file: size 0 returns the
 * size the value (the list) needs without copying, a buffer too small is
 * ERANGE, the exact size works; a name without a namespace is EOPNOTSUPP,
 * an empty or too long name ERANGE.
 */
#include "corpus.h"

int main(void)
{
	char buf[300], name[300];

	rc("setxattr(user.size)", setxattr("base/c.txt", "user.size", "0123456789", 10, 0));
	rc("setxattr(user.s2)", setxattr("base/c.txt", "user.s2", "x", 1, 0));
	rc("getxattr(user.size, NULL, 0)", getxattr("base/c.txt", "user.size", NULL, 0));
	rc("getxattr(user.size, buf, 4)", getxattr("base/c.txt", "user.size", buf, 4));
	rc("getxattr(user.size, buf, 10)", getxattr("base/c.txt", "user.size", buf, 10));
	rc("listxattr(NULL, 0)", listxattr("base/c.txt", NULL, 0));
	rc("listxattr(buf, 5)", listxattr("base/c.txt", buf, 5));
	rc("listxattr(buf, 18)", listxattr("base/c.txt", buf, 18));
	rc("getxattr(missing name, NULL, 0)", getxattr("base/c.txt", "user.none", NULL, 0));
	rc("setxattr(noprefix)", setxattr("base/c.txt", "noprefix", "v", 1, 0));
	rc("getxattr(noprefix)", getxattr("base/c.txt", "noprefix", buf, sizeof(buf)));
	rc("setxattr(empty name)", setxattr("base/c.txt", "", "v", 1, 0));
	memset(name, 'n', sizeof(name));
	memcpy(name, "user.", 5);
	name[260] = '\0';
	rc("setxattr(260-byte name)", setxattr("base/c.txt", name, "v", 1, 0));
	rc("getxattr(260-byte name)", getxattr("base/c.txt", name, buf, sizeof(buf)));
	show_stat("stat(base/c.txt)", "base/c.txt");
	return 0;
}
