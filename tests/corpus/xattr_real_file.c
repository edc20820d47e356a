/*
 * User extended attributes on a real file: setxattr, then getxattr reads
 * the value back, listxattr lists the names (sorted here), removexattr
 * deletes one (getxattr is then ENODATA, a second remove ENODATA); the
 * file's content and mode do not change.
 */
#include "corpus.h"

static void show_list(const char *label, const char *path)
{
	char buf[1024], *names[64];
	ssize_t n = listxattr(path, buf, sizeof(buf));
	size_t k = 0;

	if (n < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	for (ssize_t off = 0; off < n && k < 64; off += (ssize_t)strlen(buf + off) + 1)
		names[k++] = buf + off;
	qsort(names, k, sizeof(names[0]), cmp_names);
	printf("%s:", label);
	for (size_t i = 0; i < k; i++)
		printf(" %s", names[i]);
	putchar('\n');
}

int main(void)
{
	show_list("listxattr(base/a.txt) before", "base/a.txt");
	rc("setxattr(user.color)", setxattr("base/a.txt", "user.color", "red", 3, 0));
	rc("setxattr(user.empty)", setxattr("base/a.txt", "user.empty", "", 0, 0));
	rc("setxattr(user.bin)", setxattr("base/a.txt", "user.bin", "a\0b\n", 4, 0));
	show_xattr("getxattr(user.color)", "base/a.txt", "user.color");
	show_xattr("getxattr(user.empty)", "base/a.txt", "user.empty");
	show_xattr("getxattr(user.bin)", "base/a.txt", "user.bin");
	show_list("listxattr(base/a.txt)", "base/a.txt");
	rc("setxattr(user.color, blue)", setxattr("base/a.txt", "user.color", "blue", 4, 0));
	show_xattr("getxattr(user.color) again", "base/a.txt", "user.color");
	rc("removexattr(user.color)", removexattr("base/a.txt", "user.color"));
	show_xattr("getxattr(user.color) removed", "base/a.txt", "user.color");
	rc("removexattr(user.color) again", removexattr("base/a.txt", "user.color"));
	show_list("listxattr(base/a.txt) after", "base/a.txt");
	show_stat("stat(base/a.txt)", "base/a.txt");
	show_file("cat base/a.txt", "base/a.txt");
	show_xattr("getxattr(base/b.txt, user.color)", "base/b.txt", "user.color");
	return 0;
}
