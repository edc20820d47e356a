/*
 * openat2 with RESOLVE_NO_SYMLINKS on an untouched tree: a plain path to a
 * real file opens and reads; a symbolic link as the last component or in
 * the middle is ELOOP, even with O_NOFOLLOW|O_PATH; without the flag the
 * same links are followed.
 */
#include "corpus.h"
#include <linux/openat2.h>

static int o2(const char *path, unsigned long long flags, unsigned long long resolve)
{
	struct open_how how = { .flags = flags, .resolve = resolve };

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

int main(void)
{
	int fd;

	fd = rcfd("openat2(base/a.txt, NO_SYMLINKS)", o2("base/a.txt", O_RDONLY, RESOLVE_NO_SYMLINKS));
	show_read("read(a.txt)", fd);
	close(fd);
	fd = rcfd("openat2(base/sub/deep/f, NO_SYMLINKS)",
		  o2("base/sub/deep/f", O_RDONLY, RESOLVE_NO_SYMLINKS));
	show_read("read(f)", fd);
	close(fd);
	rcfd("openat2(base/link, NO_SYMLINKS)", o2("base/link", O_RDONLY, RESOLVE_NO_SYMLINKS));
	rcfd("openat2(base/loop1, NO_SYMLINKS)", o2("base/loop1", O_RDONLY, RESOLVE_NO_SYMLINKS));
	rcfd("openat2(base/link, O_PATH|O_NOFOLLOW, NO_SYMLINKS)",
	     o2("base/link", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS));
	fd = rcfd("openat2(base/link, 0)", o2("base/link", O_RDONLY, 0));
	show_read("read(link)", fd);
	close(fd);
	fd = rcfd("openat2(base/dir, O_DIRECTORY, NO_SYMLINKS)",
		  o2("base/dir", O_RDONLY | O_DIRECTORY, RESOLVE_NO_SYMLINKS));
	show_fstat("fstat(dir)", fd);
	close(fd);
	rcfd("openat2(base/missing, NO_SYMLINKS)", o2("base/missing", O_RDONLY, RESOLVE_NO_SYMLINKS));
	return 0;
}
