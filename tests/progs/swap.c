/*
 * swap — races against pcow's checks: a second thread changes, over and
 * over, what a call names while the first thread makes the call and
 * writes through what it got.  Under pcow the real file REAL (in the
 * copy-on-write scope) must never change.
 *
 *   swap how OUTSIDE REALDIR N   openat2(REALDIR/fI) for I = 0..N-1 (a file
 *                                pcow has not copied up yet each time)
 *                                while the thread flips the open_how's
 *                                flags between O_RDONLY and
 *                                O_WRONLY|O_APPEND (OUTSIDE unused)
 *   swap chdir OUTDIR REALDIR N  chdir(buf) while the thread flips buf
 *                                between the two directories, then open
 *                                "f" relative for appending
 *   swap link OUTSIDE REAL N     open(DIR/l) for appending while the
 *                                thread renames a link to OUTSIDE and one
 *                                to REAL over DIR/l in turn (DIR: where
 *                                OUTSIDE is, which the program owns)
 *   swap dirlink OUTDIR REALDIR N  the same with links to two directories,
 *                                opened read-only as directories; then
 *                                "f" is opened for appending through the
 *                                descriptor (openat)
 *   swap dup2 OUTDIR REALDIR N   openat(100, "f") for appending while the
 *                                thread dup2()s a descriptor of OUTDIR and
 *                                one of REALDIR over number 100 in turn
 *   swap fchdir OUTDIR REALDIR N open("f") relative for appending while the
 *                                thread fchdir()s to the two in turn
 *
 * Prints "writes some" or "writes none": whether any write went through
 * (it must, or the race was never run).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <libgen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char buf[4096];
static struct open_how how;
static const char *paths[2];
static char links[3][4200];
static atomic_bool done;
static const char *mode;
static int dirfds[2];

static void *swapper(void *arg)
{
	(void)arg;
	for (unsigned i = 0; !atomic_load(&done); i++) {
		if (!strcmp(mode, "how"))
			how.flags = i & 1 ? O_WRONLY | O_APPEND : O_RDONLY;
		else if (!strcmp(mode, "chdir"))
			strcpy(buf, paths[i & 1]);
		else if (!strcmp(mode, "dup2"))
			dup2(dirfds[i & 1], 100);
		else if (!strcmp(mode, "fchdir"))
			(void)!fchdir(dirfds[i & 1]);
		else if (rename(links[1 + (i & 1)], links[0]) == 0 &&
			 symlink(paths[i & 1], links[1 + (i & 1)]) < 0)
			break;
	}
	return NULL;
}

static int open_one(long i)
{
	if (!strcmp(mode, "how")) {
		char name[4200];

		snprintf(name, sizeof(name), "%s/f%ld", paths[1], i);
		return (int)syscall(SYS_openat2, AT_FDCWD, name, &how, sizeof(how));
	}
	if (!strcmp(mode, "chdir")) {
		int fd;

		if (chdir(buf) < 0)
			return -1;
		fd = open("f", O_WRONLY | O_APPEND);
		if (chdir("/") < 0)
			return -1;
		return fd;
	}
	if (!strcmp(mode, "dup2"))
		return openat(100, "f", O_WRONLY | O_APPEND);
	if (!strcmp(mode, "fchdir"))
		return open("f", O_WRONLY | O_APPEND);
	if (!strcmp(mode, "dirlink")) {
		int dfd = open(links[0], O_RDONLY | O_DIRECTORY), fd;

		if (dfd < 0)
			return -1;
		fd = openat(dfd, "f", O_WRONLY | O_APPEND);
		close(dfd);
		return fd;
	}
	return open(links[0], O_WRONLY | O_APPEND);
}

int main(int argc, char **argv)
{
	long n, writes = 0;
	pthread_t th;

	if (argc != 5)
		return 2;
	mode = argv[1];
	paths[0] = argv[2];
	paths[1] = argv[3];
	n = atol(argv[4]);
	how.flags = O_RDONLY;
	strcpy(buf, paths[0]);
	if (!strcmp(mode, "link") || !strcmp(mode, "dirlink")) {
		char dir[4000];

		snprintf(dir, sizeof(dir), "%s", paths[0]);
		snprintf(links[0], sizeof(links[0]), "%s/l", dirname(dir));
		snprintf(links[1], sizeof(links[1]), "%s/l.out", dir);
		snprintf(links[2], sizeof(links[2]), "%s/l.real", dir);
		if (symlink(paths[0], links[0]) < 0 || symlink(paths[0], links[1]) < 0 ||
		    symlink(paths[1], links[2]) < 0)
			return 2;
	}
	if (!strcmp(mode, "dup2") || !strcmp(mode, "fchdir")) {
		dirfds[0] = open(paths[0], O_RDONLY | O_DIRECTORY);
		dirfds[1] = open(paths[1], O_RDONLY | O_DIRECTORY);
		if (dirfds[0] < 0 || dirfds[1] < 0 || dup2(dirfds[0], 100) < 0 ||
		    fchdir(dirfds[0]) < 0)
			return 2;
	}
	pthread_create(&th, NULL, swapper, NULL);
	for (long i = 0; i < n; i++) {
		int fd = open_one(i);

		if (fd >= 0) {
			if (write(fd, "X", 1) == 1)
				writes++;
			close(fd);
		}
	}
	atomic_store(&done, true);
	pthread_join(th, NULL);
	printf("writes %s\n", writes > 0 ? "some" : "none");
	return 0;
}
