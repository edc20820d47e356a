/*
 * fsetxattr(2) on a descriptor opened read-only on a real file works (as
 * the owner); fgetxattr and getxattr by name both see the value,
 * flistxattr lists it, fremovexattr removes it; the descriptor still reads
 * the file; on an O_PATH descriptor fsetxattr is EBADF.
 */
#include "corpus.h"

int main(void)
{
	char buf[64];
	int fd = rcfd("open(base/r1.txt, O_RDONLY)", open("base/r1.txt", O_RDONLY));
	int pfd = rcfd("open(base/r2.txt, O_PATH)", open("base/r2.txt", O_PATH));

	if (fd < 0)
		return 1;
	rc("fsetxattr(fd, user.f)", fsetxattr(fd, "user.f", "fdval", 5, 0));
	show_xattr("getxattr(base/r1.txt, user.f)", "base/r1.txt", "user.f");
	rc("fgetxattr(fd, user.f)", fgetxattr(fd, "user.f", buf, sizeof(buf)));
	rc("flistxattr(fd)", flistxattr(fd, buf, sizeof(buf)));
	show_read("read(fd)", fd);
	rc("setxattr(base/r1.txt, user.g)", setxattr("base/r1.txt", "user.g", "byname", 6, 0));
	rc("fgetxattr(fd, user.g)", fgetxattr(fd, "user.g", buf, sizeof(buf)));
	rc("fremovexattr(fd, user.f)", fremovexattr(fd, "user.f"));
	show_xattr("getxattr(base/r1.txt, user.f) removed", "base/r1.txt", "user.f");
	rc("fsetxattr(O_PATH fd, user.p)", fsetxattr(pfd, "user.p", "p", 1, 0));
	show_xattr("getxattr(base/r2.txt, user.p)", "base/r2.txt", "user.p");
	return 0;
}
