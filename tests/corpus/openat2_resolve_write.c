/*
 * openat2 with RESOLVE_* flags where the overlay acts: creating and
 * writing below a real directory with RESOLVE_BENEATH (a name that leaves
 * it, or an absolute one, is EXDEV), RESOLVE_IN_ROOT ("/" and ".." stop at
 * the dirfd), RESOLVE_NO_SYMLINKS (ELOOP for a real link and one made in
 * the overlay; an O_PATH|O_NOFOLLOW open of the link itself works),
 * RESOLVE_NO_MAGICLINKS (ELOOP through /proc/self/fd/N), through a
 * directory made in the overlay and one renamed there; RESOLVE_CACHED with
 * O_CREAT is EAGAIN; bad combinations are EINVAL.
 */
#include "corpus.h"
#include <linux/openat2.h>

static int o2(int dfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = { .flags = (unsigned long long)flags, .resolve = resolve };

	if (flags & O_CREAT)
		how.mode = 0644;
	return (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
}

/* Open, write text and close; the result of the open. */
static void o2_write(const char *label, int dfd, const char *path, int flags,
		     unsigned long long resolve, const char *text)
{
	int fd = rcfd(label, o2(dfd, path, flags, resolve));

	if (fd >= 0) {
		rc("  write", write(fd, text, strlen(text)));
		close(fd);
	}
}

int main(void)
{
	char proc[64];
	int dfd, rfd, fd;

	umask(022);
	dfd = rcfd("open(base, O_DIRECTORY)", open("base", O_RDONLY | O_DIRECTORY));
	/* RESOLVE_BENEATH */
	o2_write("openat2(base, new1, CREAT, BENEATH)", dfd, "new1", O_CREAT | O_WRONLY,
		 RESOLVE_BENEATH, "one\n");
	show_file("cat base/new1", "base/new1");
	o2_write("openat2(base, a.txt, APPEND, BENEATH)", dfd, "a.txt", O_WRONLY | O_APPEND,
		 RESOLVE_BENEATH, "appended\n");
	show_file("cat base/a.txt", "base/a.txt");
	o2_write("openat2(base, sub/../b.txt, APPEND, BENEATH)", dfd, "sub/../b.txt",
		 O_WRONLY | O_APPEND, RESOLVE_BENEATH, "b2\n");
	o2_write("openat2(base, ../open/f, WRONLY, BENEATH)", dfd, "../open/f", O_WRONLY,
		 RESOLVE_BENEATH, "no\n");
	o2_write("openat2(base, ../open/new, CREAT, BENEATH)", dfd, "../open/new",
		 O_CREAT | O_WRONLY, RESOLVE_BENEATH, "no\n");
	o2_write("openat2(base, /tmp/x, CREAT, BENEATH)", dfd, "/tmp/pcow-corpus-never",
		 O_CREAT | O_WRONLY, RESOLVE_BENEATH, "no\n");
	/* Through a directory the overlay made, and one it renamed. */
	rc("mkdir(base/ndir)", mkdir("base/ndir", 0755));
	o2_write("openat2(base, ndir/f, CREAT, BENEATH)", dfd, "ndir/f", O_CREAT | O_WRONLY,
		 RESOLVE_BENEATH, "in ndir\n");
	fd = rcfd("openat2(base, ndir/../a.txt, RDONLY, BENEATH)",
		  o2(dfd, "ndir/../a.txt", O_RDONLY, RESOLVE_BENEATH));
	show_read("read", fd);
	close(fd);
	rcfd("openat2(base, ndir/../../open/f, RDONLY, BENEATH)",
	     o2(dfd, "ndir/../../open/f", O_RDONLY, RESOLVE_BENEATH));
	rc("rename(base/dir, base/dir2)", rename("base/dir", "base/dir2"));
	o2_write("openat2(base, dir2/x, APPEND, BENEATH)", dfd, "dir2/x", O_WRONLY | O_APPEND,
		 RESOLVE_BENEATH, "x2\n");
	show_file("cat base/dir2/x", "base/dir2/x");
	rcfd("openat2(base, dir/x, RDONLY, BENEATH)", o2(dfd, "dir/x", O_RDONLY, RESOLVE_BENEATH));
	/* RESOLVE_IN_ROOT: base is "/". */
	o2_write("openat2(base, /new2, CREAT, IN_ROOT)", dfd, "/new2", O_CREAT | O_WRONLY,
		 RESOLVE_IN_ROOT, "two\n");
	show_file("cat base/new2", "base/new2");
	o2_write("openat2(base, ../../../a.txt, APPEND, IN_ROOT)", dfd, "../../../a.txt",
		 O_WRONLY | O_APPEND, RESOLVE_IN_ROOT, "root\n");
	show_file("cat base/a.txt", "base/a.txt");
	rc("symlink(/new2, base/abslink)", symlink("/new2", "base/abslink"));
	fd = rcfd("openat2(base, abslink, RDONLY, IN_ROOT)",
		  o2(dfd, "abslink", O_RDONLY, RESOLVE_IN_ROOT));
	show_read("read", fd);
	close(fd);
	rcfd("openat2(base, abslink, RDONLY, BENEATH)", o2(dfd, "abslink", O_RDONLY, RESOLVE_BENEATH));
	/* RESOLVE_NO_SYMLINKS */
	o2_write("openat2(base, link, APPEND, NO_SYMLINKS)", dfd, "link", O_WRONLY | O_APPEND,
		 RESOLVE_NO_SYMLINKS, "no\n");
	rc("symlink(a.txt, base/ol)", symlink("a.txt", "base/ol"));
	rcfd("openat2(base, ol, RDONLY, NO_SYMLINKS)", o2(dfd, "ol", O_RDONLY, RESOLVE_NO_SYMLINKS));
	fd = rcfd("openat2(base, ol, O_PATH|O_NOFOLLOW, NO_SYMLINKS)",
		  o2(dfd, "ol", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS));
	close(fd);
	o2_write("openat2(base, ol, APPEND, 0)", dfd, "ol", O_WRONLY | O_APPEND, 0, "via ol\n");
	/* RESOLVE_NO_MAGICLINKS */
	rfd = rcfd("open(base/c.txt, O_RDONLY)", open("base/c.txt", O_RDONLY));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", rfd);
	o2_write("openat2(/proc/self/fd/N, WRONLY, NO_MAGICLINKS)", AT_FDCWD, proc, O_WRONLY,
		 RESOLVE_NO_MAGICLINKS, "no\n");
	o2_write("openat2(/proc/self/fd/N, WRONLY, NO_SYMLINKS)", AT_FDCWD, proc, O_WRONLY,
		 RESOLVE_NO_SYMLINKS, "no\n");
	close(rfd);
	/* RESOLVE_CACHED and bad combinations */
	rcfd("openat2(base, new3, CREAT, CACHED)",
	     o2(dfd, "new3", O_CREAT | O_WRONLY, RESOLVE_CACHED));
	rcfd("openat2(base, a.txt, TRUNC, CACHED)", o2(dfd, "a.txt", O_WRONLY | O_TRUNC, RESOLVE_CACHED));
	rcfd("openat2(base, new3, CREAT, BENEATH|IN_ROOT)",
	     o2(dfd, "new3", O_CREAT | O_WRONLY, RESOLVE_BENEATH | RESOLVE_IN_ROOT));
	rcfd("openat2(base, new3, CREAT, 0x40)", o2(dfd, "new3", O_CREAT | O_WRONLY, 0x40));
	show_dir("ls base", "base");
	close(dfd);
	return 0;
}
