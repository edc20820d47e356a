/*
 * many — many descriptors, many threads (tests/faults/many.sh).
 *
 * Usage: many setup DIR N     make DIR/fNNNNN for N files, "old I" in each
 *        many fds DIR N       open all N at once: every 10th O_RDWR and
 *                             rewritten "new I", every 10th + 1 replaced by
 *                             a new file DIR/gNNNNN (O_CREAT) written
 *                             "add I", the others O_RDONLY and read; then
 *                             close them all
 *        many threads DIR N   N threads, each writes DIR/tNNNN ("thread I")
 *                             with open, write, close; all joined
 *        many sum DIR         a line per file of DIR: name and content
 *
 * After fds and threads: "done" on stdout, then a read of stdin, so that
 * the test can read pcow's peak memory while everything is still alive;
 * EOF ends the program.  Exit 77 (with the reason) when RLIMIT_NOFILE's
 * hard limit is too low; 99 when the program itself broke.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static const char *dir;

static void die(const char *what)
{
	fprintf(stderr, "many: %s: %s\n", what, strerror(errno));
	exit(99);
}

static void hold(void)
{
	char c;

	printf("done\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
}

static int do_setup(long n)
{
	char p[4096], text[32];

	for (long i = 0; i < n; i++) {
		int len = snprintf(text, sizeof(text), "old %ld\n", i), fd;

		snprintf(p, sizeof(p), "%s/f%05ld", dir, i);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, text, (size_t)len) != len || close(fd))
			die(p);
	}
	return 0;
}

static int do_fds(long n)
{
	struct rlimit rl;
	char p[4096], text[32];
	int *fds = calloc((size_t)n, sizeof(*fds)), maxfd = -1;
	long wrote = 0, reads = 0;

	if (!fds)
		die("calloc");
	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit");
	if (rl.rlim_cur < (rlim_t)n + 16) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)n + 16) {
			printf("RLIMIT_NOFILE's hard limit is %ld, below %ld\n", (long)rl.rlim_max, n + 16);
			return 77;
		}
		rl.rlim_cur = (rlim_t)n + 16;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			die("setrlimit");
	}
	for (long i = 0; i < n; i++) {
		int flags = O_RDONLY;

		snprintf(p, sizeof(p), "%s/f%05ld", dir, i);
		if (i % 10 == 0)
			flags = O_RDWR;
		if (i % 10 == 1) {
			snprintf(p, sizeof(p), "%s/g%05ld", dir, i);
			flags = O_WRONLY | O_CREAT | O_EXCL;
		}
		fds[i] = open(p, flags | O_CLOEXEC, 0644);
		if (fds[i] < 0)
			die(p);
		if (fds[i] > maxfd)
			maxfd = fds[i];
	}
	for (long i = 0; i < n; i++) {
		int len;

		if (i % 10 > 1) {
			char buf[32];
			long r = read(fds[i], buf, sizeof(buf) - 1);

			if (r <= 0)
				die("read");
			buf[r] = '\0';
			snprintf(text, sizeof(text), "old %ld\n", i);
			reads += !strcmp(buf, text);
			continue;
		}
		len = snprintf(text, sizeof(text), "%s %ld\n", i % 10 ? "add" : "new", i);
		if (write(fds[i], text, (size_t)len) != len)
			die("write");
		wrote++;
	}
	for (long i = 0; i < n; i++)
		if (close(fds[i]))
			die("close");
	printf("opened %ld, highest fd %d, wrote %ld, read back %ld\n", n, maxfd, wrote, reads);
	hold();
	return 0;
}

static void *worker(void *arg)
{
	long i = (long)arg;
	char p[4096], text[32];
	int len = snprintf(text, sizeof(text), "thread %ld\n", i), fd;

	snprintf(p, sizeof(p), "%s/t%04ld", dir, i);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, (size_t)len) != len || close(fd))
		return (void *)1;
	return NULL;
}

static int do_threads(long n)
{
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	pthread_attr_t attr;
	long bad = 0;

	if (!t || pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, 64 * 1024))
		die("pthread_attr");
	for (long i = 0; i < n; i++) {
		errno = pthread_create(&t[i], &attr, worker, (void *)i);
		if (errno)
			die("pthread_create");
	}
	for (long i = 0; i < n; i++) {
		void *r;

		if (pthread_join(t[i], &r))
			die("pthread_join");
		bad += r != NULL;
	}
	printf("threads %ld joined, %ld failed\n", n, bad);
	hold();
	return bad ? 1 : 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int do_sum(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, p[4096], buf[64];
	size_t n = 0, cap = 0;

	if (!d)
		die(dir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap && !(names = realloc(names, (cap = cap ? 2 * cap : 1024) * sizeof(*names))))
			die("realloc");
		if (!(names[n++] = strdup(e->d_name)))
			die("strdup");
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		int fd;
		long r;

		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		r = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (r < 0)
			die(p);
		close(fd);
		printf("%s %.*s", names[i], (int)r, buf);
		if (r == 0 || buf[r - 1] != '\n')
			printf("\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 2 ? argv[1] : "";

	dir = argc > 2 ? argv[2] : "";
	if (!strcmp(m, "setup") && argc == 4)
		return do_setup(atol(argv[3]));
	if (!strcmp(m, "fds") && argc == 4)
		return do_fds(atol(argv[3]));
	if (!strcmp(m, "threads") && argc == 4)
		return do_threads(atol(argv[3]));
	if (!strcmp(m, "sum") && argc == 3)
		return do_sum();
	fprintf(stderr, "usage: many setup|fds|threads DIR N, or many sum DIR\n");
	return 2;
}
