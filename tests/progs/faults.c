/*
 * faults — programs that meet faults around them, run natively and under
 * `pcow trace` by tests/faults/tracee.sh.
 *
 * Usage: faults MODE ARG...
 *   rewrite SYNC FILE CHUNKS SIZE STOP
 *                                   open FILE O_RDWR (a copy-up under pcow),
 *                                   then overwrite it chunk by chunk with 'B';
 *                                   "opening" and "chunk I" lines go to SYNC;
 *                                   after chunk STOP (before the open when
 *                                   STOP is -1; never when below) it blocks in
 *                                   a read of stdin, for the test to kill it
 *   chunks FILE SIZE                print FILE as runs of chunk letters:
 *                                   "B*3 A*125 (400000 bytes)"
 *   piperead SYNC FILE              write "before" to FILE, say "reading" on
 *                                   SYNC, then read stdin (a pipe) forever
 *   busy SYNC DIR                   loop: append "I" to DIR/log, write
 *                                   "gen I" to DIR/tmp, rename it over DIR/cur
 *   execstorm ROUNDS THREADS        THREADS threads loop on getppid and stat
 *                                   (half of them exit on their own), one
 *                                   executes this program with ROUNDS-1;
 *                                   round 0 prints "done" and exits 7
 *   doublefork FILE                 the child forks a grandchild and exits;
 *                                   the parent sees it a zombie and exits 3
 *                                   without waiting; the grandchild outlives
 *                                   the parent and writes FILE
 *   closeall DIR RESULT             close_range(3, ~0U) then (0, ~0U), each
 *                                   followed by opens, writes and renames in
 *                                   DIR; the results go to RESULT at the end
 *   deadcwd DIR SYNC GO [DIR2]      chdir to DIR, say "in" on SYNC, wait for
 *                                   "go" on GO (the test removes DIR), then
 *                                   try relative names; with DIR2 (a path
 *                                   relative to DIR's parent) the program
 *                                   itself removes DIR with rmdir("../DIR2")
 *   forkfirst DIR                   in DIR, write "new"; a thread, then a
 *                                   forked child read it by relative name
 *                                   and through the parent's descriptor of
 *                                   DIR, and list DIR; the child makes
 *                                   kid/deep; the parent lists DIR again
 *   orphan DIR                      in DIR, write "new", then fork: the
 *                                   child writes "fromchild" and reads and
 *                                   lists as above; the parent waits and
 *                                   says "parent: not killed" (under
 *                                   PCOW_TEST_CHILD_FIRST=orphan pcow kills
 *                                   it at the fork, before its event)
 *   grow DIR                        under `--quota 1M`: grow files in DIR by
 *                                   truncate, fallocate, pwritev,
 *                                   copy_file_range, sendfile and splice (DIR/big
 *                                   must hold 2 MiB); each runs to ENOSPC and
 *                                   prints what it got, then frees its bytes
 *
 * Results print as "call = result" or "= -1 ENAME".  Nothing printed depends
 * on pids, inode numbers or times.  Exit status 0 unless said otherwise; 99
 * when the program itself broke.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static void die(const char *what)
{
	fprintf(stderr, "faults: %s: %s\n", what, strerror(errno));
	exit(99);
}

/* "= 0" or "= -1 ENOENT" (errno by name, so the output is locale-free) */
static const char *res(long r, int err)
{
	static char buf[64];

	if (r >= 0)
		snprintf(buf, sizeof(buf), "%ld", r);
	else
		snprintf(buf, sizeof(buf), "-1 %s", strerrorname_np(err) ? strerrorname_np(err) : "E?");
	return buf;
}

static void say(int fd, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(fd, buf, (size_t)n) != n)
		die("write sync");
}

static int open_sync(const char *name)
{
	int fd = open(name, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		die(name);
	say(fd, "pid %d\n", (int)getpid());
	return fd;
}

/* ------------------------------------------------------------ rewrite */

/* Block in read(2) of stdin until EOF. */
static void gate(void)
{
	char c;

	while (read(0, &c, 1) > 0)
		;
}

static int do_rewrite(char **av)
{
	int sync = open_sync(av[0]);
	long chunks = atol(av[2]), size = atol(av[3]), stop = atol(av[4]);
	char *buf = malloc((size_t)size);
	int fd;

	if (!buf)
		die("malloc");
	memset(buf, 'B', (size_t)size);
	say(sync, "opening\n");
	if (stop == -1)
		gate();
	fd = open(av[1], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die(av[1]);
	for (long i = 0; i < chunks; i++) {
		if (pwrite(fd, buf, (size_t)size, i * size) != size)
			die("pwrite");
		say(sync, "chunk %ld\n", i);
		if (i == stop)
			gate();
	}
	close(fd);
	say(sync, "done\n");
	return 0;
}

static int do_chunks(char **av)
{
	long size = atol(av[1]), total = 0, run = 0;
	char *buf = malloc((size_t)size), cur = 0;
	int fd = open(av[0], O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!buf || fd < 0)
		die(av[0]);
	while ((n = pread(fd, buf, (size_t)size, total)) > 0) {
		char c = buf[0];

		for (ssize_t i = 1; i < n; i++)
			if (buf[i] != c)
				c = '?'; /* a chunk of mixed content */
		if (c != cur && run) {
			printf("%c*%ld ", cur, run);
			run = 0;
		}
		cur = c;
		run++;
		total += n;
	}
	if (run)
		printf("%c*%ld ", cur, run);
	printf("(%ld bytes)\n", total);
	return 0;
}

/* ----------------------------------------------------------- piperead */

static int do_piperead(char **av)
{
	int sync = open_sync(av[0]);
	int fd = open(av[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	char c;

	if (fd < 0)
		die(av[1]);
	if (write(fd, "before\n", 7) != 7)
		die("write");
	say(sync, "reading\n");
	for (;;)
		if (read(0, &c, 1) <= 0)
			return 0;
}

/* --------------------------------------------------------------- busy */

static int do_busy(char **av)
{
	int sync = open_sync(av[0]);
	char logp[4096], tmpp[4096], curp[4096], line[32];

	snprintf(logp, sizeof(logp), "%s/log", av[1]);
	snprintf(tmpp, sizeof(tmpp), "%s/tmp", av[1]);
	snprintf(curp, sizeof(curp), "%s/cur", av[1]);
	for (long i = 0;; i++) {
		int fd = open(logp, O_WRONLY | O_APPEND | O_CLOEXEC);
		int n = snprintf(line, sizeof(line), "%ld\n", i);

		if (fd < 0 || write(fd, line, (size_t)n) != n)
			die(logp);
		close(fd);
		fd = open(tmpp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		n = snprintf(line, sizeof(line), "gen %08ld\n", i);
		if (fd < 0 || write(fd, line, (size_t)n) != n)
			die(tmpp);
		close(fd);
		if (rename(tmpp, curp) < 0)
			die("rename");
		if (i == 0)
			say(sync, "started\n");
	}
	return 0;
}

/* ---------------------------------------------------------- execstorm */

static pthread_barrier_t barrier;
static const char *self;
static long rounds;

static void *spinner(void *arg)
{
	long idx = (long)arg;
	struct stat st;

	pthread_barrier_wait(&barrier);
	for (long i = 0; idx % 2 == 0 || i < 200 + idx * 10; i++) {
		syscall(SYS_getppid);
		stat("/", &st);
	}
	return NULL; /* odd threads exit on their own, around the exec */
}

static void *execer(void *arg)
{
	char r[32];

	(void)arg;
	pthread_barrier_wait(&barrier);
	snprintf(r, sizeof(r), "%ld", rounds - 1);
	execl(self, self, "execstorm", r, "0", (char *)NULL);
	die("execl");
	return NULL;
}

static int do_execstorm(char **av)
{
	long n = atol(av[1]);
	pthread_t t;

	self = "/proc/self/exe";
	rounds = atol(av[0]);
	if (rounds <= 0) {
		printf("done\n");
		return 7;
	}
	if (n == 0)
		n = atol(getenv("FAULTS_THREADS") ? getenv("FAULTS_THREADS") : "50");
	printf("round %ld: %ld threads\n", rounds, n);
	fflush(stdout);
	if (pthread_barrier_init(&barrier, NULL, (unsigned)n + 1))
		die("barrier");
	for (long i = 0; i < n; i++)
		if (pthread_create(&t, NULL, i == n / 2 ? execer : spinner, (void *)i))
			die("pthread_create");
	pthread_barrier_wait(&barrier);
	for (;;)
		pause();
}

/* --------------------------------------------------------- doublefork */

/* The state letter of /proc/PID/stat, waiting up to 10 s for a zombie. */
static char state_of(pid_t pid)
{
	char name[64], buf[512], *p;

	snprintf(name, sizeof(name), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 10000; i++) {
		int fd = open(name, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

		if (fd >= 0)
			close(fd);
		if (n <= 0)
			return '-';
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (p && p[2] == 'Z')
			return 'Z';
		usleep(1000);
	}
	return p ? p[2] : '?';
}

static int do_doublefork(char **av)
{
	int gate[2], done[2];
	pid_t parent = getpid(), child;
	char c;

	if (pipe(gate) < 0 || pipe(done) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		pid_t gc = fork();

		if (gc < 0)
			die("fork");
		if (gc == 0) {
			/* the grandchild: wait for the parent to exit (EOF on gate) */
			int fd;

			close(gate[1]);
			close(done[0]);
			if (read(gate[0], &c, 1) != 0)
				_exit(98);
			fd = open(av[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (fd < 0)
				_exit(97);
			dprintf(fd, "grandchild: reparented %s\n",
				getppid() != parent && getppid() != 0 ? "yes" : "no");
			close(fd);
			printf("grandchild: wrote the file\n");
			fflush(stdout);
			_exit(5);
		}
		_exit(0);
	}
	close(gate[0]);
	close(done[0]);
	close(done[1]);
	printf("parent: child is %c\n", state_of(child));
	fflush(stdout);
	return 3; /* without waiting: gate[1] closes with the parent */
}

/* ----------------------------------------------------------- closeall */

static char out[16384];
static size_t outlen;

static void rec(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outlen += (size_t)vsnprintf(out + outlen, sizeof(out) - outlen, fmt, ap);
	va_end(ap);
}

static void put(const char *dir, const char *name, const char *text, int flags)
{
	char p[4096];
	int fd, err;
	long w;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, flags, 0644);
	err = errno;
	rec("open(%s) = %s\n", name, res(fd, err));
	if (fd < 0)
		return;
	w = write(fd, text, strlen(text));
	rec("write(%s) = %s\n", name, res(w, errno));
}

static void get(const char *dir, const char *name)
{
	char p[4096], buf[256];
	int fd, err;
	long n;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_RDONLY);
	err = errno;
	rec("open(%s, O_RDONLY) = %s\n", name, res(fd, err));
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n >= 0) {
		buf[n] = '\0';
		rec("read(%s) = \"%s\"\n", name, buf);
	}
}

static void mv(const char *dir, const char *from, const char *to)
{
	char a[4096], b[4096];
	long r;

	snprintf(a, sizeof(a), "%s/%s", dir, from);
	snprintf(b, sizeof(b), "%s/%s", dir, to);
	r = rename(a, b);
	rec("rename(%s, %s) = %s\n", from, to, res(r, errno));
}

static int do_closeall(char **av)
{
	const char *dir = av[0];
	long r;
	int dfd, fd;

	r = syscall(SYS_close_range, 3U, ~0U, 0U);
	rec("close_range(3, ~0U, 0) = %s\n", res(r, errno));
	put(dir, "a", "alpha\n", O_WRONLY | O_CREAT | O_EXCL);
	mv(dir, "a", "b");
	put(dir, "old", "appended\n", O_WRONLY | O_APPEND);
	get(dir, "b");
	/* a directory descriptor made close-on-exec, then closed */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	rec("open(DIR) = %s\n", res(dfd, errno));
	r = syscall(SYS_close_range, (unsigned)dfd, (unsigned)dfd, CLOSE_RANGE_CLOEXEC);
	rec("close_range(dfd, dfd, CLOEXEC) = %s\n", res(r, errno));
	fd = openat(dfd, "e", O_WRONLY | O_CREAT, 0644);
	rec("openat(dfd, e) = %s\n", res(fd, errno));
	r = syscall(SYS_close_range, (unsigned)dfd, ~0U, 0U);
	rec("close_range(dfd, ~0U, 0) = %s\n", res(r, errno));
	fd = openat(dfd, "f", O_WRONLY | O_CREAT, 0644);
	rec("openat(closed dfd, f) = %s\n", res(fd, errno));
	r = renameat(dfd, "e", dfd, "e2");
	rec("renameat(closed dfd, e, e2) = %s\n", res(r, errno));
	/* the number reused by a pipe, which pcow sees made by no path */
	{
		int p[2];

		r = pipe(p);
		rec("pipe() = %s, reuses dfd %s\n", res(r, errno), p[0] == dfd ? "yes" : "no");
		fd = openat(dfd, "f", O_WRONLY | O_CREAT, 0644);
		rec("openat(pipe, f) = %s\n", res(fd, errno));
		r = mkdirat(dfd, "fd", 0755);
		rec("mkdirat(pipe, fd) = %s\n", res(r, errno));
		r = syscall(SYS_close_range, (unsigned)p[0], (unsigned)p[1], 0U);
		rec("close_range(pipe) = %s\n", res(r, errno));
	}

	r = syscall(SYS_close_range, 0U, ~0U, 0U);
	rec("close_range(0, ~0U, 0) = %s\n", res(r, errno));
	put(dir, "c", "gamma\n", O_WRONLY | O_CREAT | O_TRUNC);
	get(dir, "old");
	mv(dir, "c", "d");
	put(dir, "d", "delta\n", O_WRONLY | O_APPEND);
	get(dir, "d");
	mv(dir, "old", "old2");
	/* a directory descriptor that lands on 0..2 after the close */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	rec("open(DIR) = %s\n", res(dfd, errno));
	fd = openat(dfd, "g", O_WRONLY | O_CREAT, 0644);
	rec("openat(dfd, g) = %s\n", res(fd, errno));
	r = renameat(dfd, "g", dfd, "h");
	rec("renameat(dfd, g, h) = %s\n", res(r, errno));
	r = syscall(SYS_close_range, 0U, ~0U, 0U);
	rec("close_range(0, ~0U, 0) = %s\n", res(r, errno));

	fd = open(av[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, out, outlen) != (ssize_t)outlen)
		return 99;
	return 0;
}

/* ------------------------------------------------------------ deadcwd */

static void try_names(const char *tag)
{
	char buf[4096];
	struct stat st;
	long r;
	int fd;

	r = syscall(SYS_getcwd, buf, sizeof(buf));
	printf("%s: getcwd = %s\n", tag, r < 0 ? res(r, errno) : "(a path)");
	r = open("x", O_RDONLY);
	printf("%s: open(x, O_RDONLY) = %s\n", tag, res(r, errno));
	r = open("x", O_WRONLY | O_CREAT, 0644);
	printf("%s: open(x, O_CREAT) = %s\n", tag, res(r, errno));
	r = mkdir("sub", 0755);
	printf("%s: mkdir(sub) = %s\n", tag, res(r, errno));
	r = stat(".", &st);
	printf("%s: stat(.) = %s nlink %ld\n", tag, res(r, errno), r ? -1L : (long)st.st_nlink);
	r = syscall(SYS_statx, AT_FDCWD, "././/", 0, STATX_NLINK, (struct statx *)buf);
	printf("%s: statx(././/) = %s nlink %ld\n", tag, res(r, errno),
	       r ? -1L : (long)((struct statx *)buf)->stx_nlink);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	printf("%s: open(., O_DIRECTORY) = %s\n", tag, fd < 0 ? res(fd, errno) : "fd");
	if (fd >= 0) {
		r = fstat(fd, &st);
		printf("%s: fstat(.) = %s nlink %ld\n", tag, res(r, errno),
		       r ? -1L : (long)st.st_nlink);
		r = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		printf("%s: getdents64(.) = %s\n", tag, res(r, errno));
		close(fd);
	}
	r = stat("..", &st);
	printf("%s: stat(..) = %s\n", tag, res(r, errno));
	r = open("../mark", O_RDONLY);
	printf("%s: open(../mark) = %s\n", tag, r < 0 ? res(r, errno) : "fd");
	if (r >= 0) {
		long n = read((int)r, buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = '\0';
		printf("%s: read(../mark) = \"%.*s\"\n", tag, (int)strcspn(buf, "\n"), buf);
		close((int)r);
	}
	r = open("../scope/new", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	printf("%s: open(../scope/new, O_CREAT) = %s\n", tag, r < 0 ? res(r, errno) : "fd");
	if (r >= 0) {
		dprintf((int)r, "written from %s\n", tag);
		close((int)r);
	}
	r = mkdir("../scope/newdir", 0755);
	printf("%s: mkdir(../scope/newdir) = %s\n", tag, res(r, errno));
	r = chdir("..");
	printf("%s: chdir(..) = %s\n", tag, res(r, errno));
	r = syscall(SYS_getcwd, buf, sizeof(buf));
	printf("%s: getcwd = %s %s\n", tag, res(r < 0 ? r : 0, errno), r < 0 ? "" : strrchr(buf, '/'));
	r = open("mark", O_RDONLY);
	printf("%s: open(mark) after chdir(..) = %s\n", tag, r < 0 ? res(r, errno) : "fd");
}

static int do_deadcwd(char **av, int ac)
{
	int sync = open_sync(av[1]);
	int go = open(av[2], O_RDWR | O_CLOEXEC); /* a FIFO: O_RDWR never blocks */
	char c;
	long r;

	if (go < 0)
		die(av[2]);
	if (ac > 3)
		mkdir(av[0], 0755); /* a directory only the overlay has */
	if (chdir(av[0]) < 0)
		die(av[0]);
	if (ac > 3) {
		r = rmdir(av[3]);
		printf("rmdir(%s) = %s\n", av[3], res(r, errno));
	}
	say(sync, "in\n");
	if (read(go, &c, 1) != 1)
		die("read go");
	try_names(ac > 3 ? "self" : "other");
	return 0;
}

/* ---------------------------------------------------------- forkfirst */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "TAG: names a b c" for the directory TAG's cwd is (sorted). */
static void print_names(const char *tag)
{
	DIR *d = opendir(".");
	struct dirent *e;
	char *names[64];
	size_t n = 0;

	printf("%s: names", tag);
	if (!d) {
		printf(" (opendir = %s)\n", res(-1, errno));
		return;
	}
	while (n < 64 && (e = readdir(d)))
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	putchar('\n');
}

static int first_dirfd; /* the parent's descriptor of DIR */

static void *look(void *tag)
{
	char buf[64] = "";
	struct stat st;
	long r;
	int fd;

	r = fstatat(first_dirfd, "new", &st, 0);
	printf("%s: fstatat(dirfd, new) = %s size %ld\n", (char *)tag, res(r, errno),
	       r ? -1L : (long)st.st_size);
	fd = open("new", O_RDONLY);
	r = fd < 0 ? fd : read(fd, buf, sizeof(buf) - 1);
	printf("%s: read(new) = %s \"%.*s\"\n", (char *)tag, res(r, errno),
	       (int)strcspn(buf, "\n"), buf);
	if (fd >= 0)
		close(fd);
	print_names(tag);
	fflush(stdout);
	return NULL;
}

/* chdir to dir, keep a descriptor of it, and write "new" there. */
static void enter_with_new(const char *dir)
{
	int fd;

	if (chdir(dir) < 0)
		die(dir);
	first_dirfd = open(".", O_RDONLY | O_DIRECTORY);
	fd = open("new", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (first_dirfd < 0 || fd < 0 || write(fd, "from the parent\n", 16) != 16)
		die("new");
	close(fd);
	fflush(stdout);
}

static int do_forkfirst(char **av)
{
	pthread_t th;
	pid_t pid;
	int fd, status;

	enter_with_new(av[0]);
	if (pthread_create(&th, NULL, look, (void *)(uintptr_t)"thread") ||
	    pthread_join(th, NULL))
		die("thread");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		look((void *)(uintptr_t)"child");
		printf("child: mkdir(kid) = %s\n", res(mkdir("kid", 0755), errno));
		fd = open("kid/deep", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		printf("child: open(kid/deep) = %s\n", fd < 0 ? res(fd, errno) : "fd");
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	printf("parent: the child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	look((void *)(uintptr_t)"parent");
	return 0;
}

static int do_orphan(char **av)
{
	int fd;

	enter_with_new(av[0]);
	if (fork() == 0) {
		fd = open("fromchild", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		printf("orphan: open(fromchild) = %s\n", fd < 0 ? res(fd, errno) : "fd");
		if (fd >= 0 && write(fd, "the orphan\n", 11) != 11)
			die("write");
		look((void *)(uintptr_t)"orphan");
		_exit(0);
	}
	wait(NULL);
	printf("parent: not killed\n");
	return 0;
}

/* --------------------------------------------------------------- grow */

#define KiB 1024L
#define MiB (1024L * KiB)

static int open_in(const char *dir, const char *name, int flags)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, flags | O_CLOEXEC, 0644);
	if (fd < 0)
		die(path);
	return fd;
}

static long size_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	return (long)st.st_size;
}

/*
 * Call step until it fails or returns 0; print the bytes it moved, how it
 * ended and the file's size.  kind: 0 copy_file_range, 1 sendfile, 2 splice
 * from a pipe refilled with 64 KiB.
 */
static void copy_until_full(const char *tag, int kind, int src, int dst)
{
	static char chunk[64 * KiB];
	long total = 0, r;
	int p[2] = { -1, -1 }, err = 0;

	if (kind == 2 && pipe(p) < 0)
		die("pipe");
	for (;;) {
		if (kind == 0)
			r = (long)copy_file_range(src, NULL, dst, NULL, 256 * KiB, 0);
		else if (kind == 1)
			r = (long)sendfile(dst, src, NULL, 256 * KiB);
		else {
			if (write(p[1], chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
				die("write pipe");
			r = (long)splice(p[0], NULL, dst, NULL, sizeof(chunk), 0);
			/* What the file did not take stays in the pipe: drop it. */
			for (long left = r < 0 ? (long)sizeof(chunk) : (long)sizeof(chunk) - r; left > 0;) {
				ssize_t n = read(p[0], chunk, (size_t)left);

				if (n <= 0)
					die("read pipe");
				left -= n;
			}
		}
		if (r <= 0) {
			err = errno;
			break;
		}
		total += r;
	}
	printf("%s moved %ld, then %s, size %ld\n", tag, total, res(r, err), size_of(dst));
	if (kind == 2) {
		close(p[0]);
		close(p[1]);
	}
	if (ftruncate(dst, 0) < 0 || lseek(dst, 0, SEEK_SET) < 0)
		die("ftruncate");
}

static int do_grow(char **av)
{
	const char *dir = av[0];
	char path[4096], buf[300 * KiB];
	struct iovec iov[2] = { { buf, sizeof(buf) }, { buf, sizeof(buf) } };
	int fd, big;
	long r;

	memset(buf, 'g', sizeof(buf));
	snprintf(path, sizeof(path), "%s/t", dir);
	fd = open_in(dir, "t", O_RDWR | O_CREAT | O_TRUNC);
	r = truncate(path, 2 * MiB);
	printf("truncate(t, 2M) = %s, size %ld\n", res(r, errno), size_of(fd));
	r = truncate(path, MiB);
	printf("truncate(t, 1M) = %s, size %ld\n", res(r, errno), size_of(fd));
	r = pwrite(fd, "x", 1, MiB);
	printf("pwrite at the quota = %s\n", res(r, errno));
	r = truncate(path, 0);
	printf("truncate(t, 0) = %s, size %ld\n", res(r, errno), size_of(fd));

	r = fallocate(fd, 0, 0, 2 * MiB);
	printf("fallocate(2M) = %s, size %ld\n", res(r, errno), size_of(fd));
	r = fallocate(fd, 0, 0, 512 * KiB);
	printf("fallocate(512K) = %s, size %ld\n", res(r, errno), size_of(fd));
	r = pwritev(fd, iov, 2, 512 * KiB);
	printf("pwritev(600K at 512K) = %s, size %ld\n", res(r, errno), size_of(fd));
	iov[0].iov_len = iov[1].iov_len = 200 * KiB;
	r = pwritev(fd, iov, 2, 512 * KiB);
	printf("pwritev(400K at 512K) = %s, size %ld\n", res(r, errno), size_of(fd));
	r = ftruncate(fd, 0);
	printf("ftruncate(0) = %s, size %ld\n", res(r, errno), size_of(fd));

	big = open_in(dir, "big", O_RDONLY);
	copy_until_full("copy_file_range", 0, big, fd);
	lseek(big, 0, SEEK_SET);
	copy_until_full("sendfile", 1, big, fd);
	if (write(fd, buf, 1000) != 1000) /* the last splice is cut short */
		die("write");
	copy_until_full("splice", 2, -1, fd);
	close(big);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	char **av = argv + 2;
	int ac = argc - 2;

	if (!strcmp(m, "rewrite") && ac == 5)
		return do_rewrite(av);
	if (!strcmp(m, "chunks") && ac == 2)
		return do_chunks(av);
	if (!strcmp(m, "piperead") && ac == 2)
		return do_piperead(av);
	if (!strcmp(m, "busy") && ac == 2)
		return do_busy(av);
	if (!strcmp(m, "execstorm") && ac == 2)
		return do_execstorm(av);
	if (!strcmp(m, "doublefork") && ac == 1)
		return do_doublefork(av);
	if (!strcmp(m, "closeall") && ac == 2)
		return do_closeall(av);
	if (!strcmp(m, "deadcwd") && (ac == 3 || ac == 4))
		return do_deadcwd(av, ac);
	if (!strcmp(m, "forkfirst") && ac == 1)
		return do_forkfirst(av);
	if (!strcmp(m, "orphan") && ac == 1)
		return do_orphan(av);
	if (!strcmp(m, "grow") && ac == 1)
		return do_grow(av);
	fprintf(stderr, "usage: faults MODE ARG... (see the source)\n");
	return 2;
}
