/*
 * As root, mknod(2) of a character device node (1,3, like /dev/null):
 * whatever the kernel gives (it may work, or be refused in a container),
 * the stat of the result and its device numbers must be the same; a
 * second mknod of the name is EEXIST.
 */
#include "corpus.h"
#include <sys/sysmacros.h>

int main(void)
{
	struct stat st;

	umask(022);
	rc("mknod(base/null, S_IFCHR|0666, 1,3)",
	   mknod("base/null", S_IFCHR | 0666, makedev(1, 3)));
	show_lstat("lstat(base/null)", "base/null");
	if (lstat("base/null", &st) == 0)
		printf("rdev %u,%u\n", major(st.st_rdev), minor(st.st_rdev));
	rc("mknod(base/null) again", mknod("base/null", S_IFCHR | 0666, makedev(1, 3)));
	show_dir("ls base/sub", "base/sub");
	rc("mknod(base/sub/zero, S_IFCHR|0640, 1,5)",
	   mknod("base/sub/zero", S_IFCHR | 0640, makedev(1, 5)));
	show_lstat("lstat(base/sub/zero)", "base/sub/zero");
	if (lstat("base/sub/zero", &st) == 0)
		printf("rdev %u,%u\n", major(st.st_rdev), minor(st.st_rdev));
	return 0;
}
