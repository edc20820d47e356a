/*
 * A directory outside the copy-on-write scope (a new one in /tmp, which the
 * kernel itself renames under pcow), held as a descriptor and as the cwd,
 * then renamed: creating through the descriptor and relative to the cwd
 * lands in it under its new name, and /proc/self/fd/N and /proc/self/cwd
 * name it so.  The creations are made by a second thread: with its tables
 * shared, pcow gives the kernel such paths made absolute from its own
 * tables (against another thread's dup2 or fchdir), which must follow the
 * kernel's rename.
 */
#include "corpus.h"
#include <pthread.h>

static int fd;

/* The calls through the descriptor and the cwd, from another thread. */
static void *create(void *arg)
{
	(void)arg;
	close(rcfd("openat(fd, via_fd, O_CREAT)", openat(fd, "via_fd", O_CREAT | O_WRONLY, 0644)));
	close(rcfd("open(via_cwd, O_CREAT)", open("via_cwd", O_CREAT | O_WRONLY, 0644)));
	rc("mkdirat(fd, sub)", mkdirat(fd, "sub", 0755));
	rc("renameat(fd, sub, fd, sub2)", renameat(fd, "sub", fd, "sub2"));
	return NULL;
}

/* The last component of a /proc link. */
static void show_last(const char *label, const char *link)
{
	char buf[4096];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);

	if (n < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	buf[n] = '\0';
	printf("%s: %s\n", label, strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf);
}

int main(void)
{
	char top[] = "/tmp/pcow-corpus-out.XXXXXX", d[64], e[64], proc[64], here[4096];
	pthread_t th;

	if (!getcwd(here, sizeof(here)) || !mkdtemp(top))
		die("mkdtemp");
	snprintf(d, sizeof(d), "%s/d", top);
	snprintf(e, sizeof(e), "%s/e", top);
	rc("mkdir(TOP/d)", mkdir(d, 0755));
	fd = rcfd("open(TOP/d, O_DIRECTORY)", open(d, O_RDONLY | O_DIRECTORY));
	rc("chdir(TOP/d)", chdir(d));
	rc("rename(TOP/d, TOP/e)", rename(d, e));
	if (pthread_create(&th, NULL, create, NULL) || pthread_join(th, NULL))
		die("pthread");
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	show_last("readlink(/proc/self/fd/N)", proc);
	show_last("readlink(/proc/self/cwd)", "/proc/self/cwd");
	show_dir("ls TOP/e", e);
	rc("unlinkat(fd, via_fd)", unlinkat(fd, "via_fd", 0));
	rc("unlink(via_cwd)", unlink("via_cwd"));
	rc("rmdir(sub2)", rmdir("sub2"));
	close(fd);
	if (chdir(here) < 0 || rmdir(e) < 0 || rmdir(top) < 0)
		die("cleanup");
	return 0;
}
