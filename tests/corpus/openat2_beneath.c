/*
 * openat2 with RESOLVE_BENEATH relative to a real directory, untouched
 * tree: names below it open; ".." that stays inside is fine, one that
 * leaves is EXDEV, an absolute path is EXDEV; a symbolic link that stays
 * inside (base/link -> a.txt, from base) is followed.
 */
#include "corpus.h"
#include <linux/openat2.h>

static int o2(int dfd, const char *path, unsigned long long resolve)
{
	struct open_how how = { .flags = O_RDONLY, .resolve = resolve };

	return (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
}

int main(void)
{
	char cwd[4096], abs[4200];
	int dfd, fd;

	if (!getcwd(cwd, sizeof(cwd)))
		die("getcwd");
	dfd = rcfd("open(base, O_DIRECTORY)", open("base", O_RDONLY | O_DIRECTORY));
	fd = rcfd("openat2(base, dir/x, BENEATH)", o2(dfd, "dir/x", RESOLVE_BENEATH));
	show_read("read(dir/x)", fd);
	close(fd);
	fd = rcfd("openat2(base, sub/../b.txt, BENEATH)", o2(dfd, "sub/../b.txt", RESOLVE_BENEATH));
	show_read("read(b.txt)", fd);
	close(fd);
	rcfd("openat2(base, ../open/f, BENEATH)", o2(dfd, "../open/f", RESOLVE_BENEATH));
	snprintf(abs, sizeof(abs), "%s/base/a.txt", cwd);
	rcfd("openat2(base, ROOT/base/a.txt, BENEATH)", o2(dfd, abs, RESOLVE_BENEATH));
	fd = rcfd("openat2(base, link, BENEATH)", o2(dfd, "link", RESOLVE_BENEATH));
	show_read("read(link)", fd);
	close(fd);
	rcfd("openat2(base, missing, BENEATH)", o2(dfd, "missing", RESOLVE_BENEATH));
	fd = rcfd("openat2(base, ../open/f, 0)", o2(dfd, "../open/f", 0));
	show_read("read(open/f)", fd);
	close(fd);
	close(dfd);
	return 0;
}
