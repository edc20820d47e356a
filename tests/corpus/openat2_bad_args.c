/*
 * openat2's argument checks: an unknown bit in resolve or in flags is
 * EINVAL, a mode without O_CREAT/O_TMPFILE is EINVAL, a size smaller than
 * the first version is EINVAL, a larger size with a non-zero tail is E2BIG
 * and with a zero tail works; O_CREAT|O_EXCL with a good how still fails
 * with EEXIST on a real file.
 */
#include "corpus.h"
#include <linux/openat2.h>

struct big_how {
	struct open_how how;
	unsigned long long extra;
};

static int o2(const char *path, unsigned long long flags, unsigned long long mode,
	      unsigned long long resolve, size_t size, unsigned long long extra)
{
	struct big_how b = { { .flags = flags, .mode = mode, .resolve = resolve }, extra };

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &b, size);
}

int main(void)
{
	size_t sz = sizeof(struct open_how);
	int fd;

	rcfd("openat2(unknown resolve bit)", o2("base/a.txt", O_RDONLY, 0, 1ULL << 40, sz, 0));
	rcfd("openat2(unknown flags bit)", o2("base/a.txt", O_RDONLY | (1ULL << 40), 0, 0, sz, 0));
	rcfd("openat2(mode without O_CREAT)", o2("base/a.txt", O_RDONLY, 0644, 0, sz, 0));
	rcfd("openat2(size 8)", o2("base/a.txt", O_RDONLY, 0, 0, 8, 0));
	rcfd("openat2(size 0)", o2("base/a.txt", O_RDONLY, 0, 0, 0, 0));
	rcfd("openat2(size 32, tail 1)", o2("base/a.txt", O_RDONLY, 0, 0, sz + 8, 1));
	fd = rcfd("openat2(size 32, tail 0)", o2("base/a.txt", O_RDONLY, 0, 0, sz + 8, 0));
	show_read("read(a.txt)", fd);
	close(fd);
	rcfd("openat2(BENEATH|IN_ROOT)",
	     o2("base/a.txt", O_RDONLY, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT, sz, 0));
	rcfd("openat2(base/b.txt, O_CREAT|O_EXCL)",
	     o2("base/b.txt", O_WRONLY | O_CREAT | O_EXCL, 0644, 0, sz, 0));
	rcfd("openat2(base/nothere, O_CREAT|O_EXCL, mode 010000)",
	     o2("base/nothere", O_WRONLY | O_CREAT | O_EXCL, 010000, 0, sz, 0));
	show_lstat("lstat(base/nothere)", "base/nothere");
	return 0;
}
