/*
 * tests/corpus/corpus.h — what every case of the copy-on-write corpus
 * prints with.
 *
 * A case is one small program: a sequence of file system calls on the
 * tree of tests/corpus/tree.sh (its cwd is the tree's root), each result
 * printed on a line.  tests/integration/corpus.sh runs it natively in one
 * copy of the tree and under `pcow trace --cow` in another, and requires
 * the same lines, the same exit status, the real tree unchanged, and after
 * `pcow commit` the tree the native run left.
 *
 * So nothing printed may depend on inode numbers, times, pids or a
 * directory's size; listings are sorted.  Errors print by name, never by
 * message (the output is locale-free).  Exit status 0 unless the case says
 * otherwise; 99 when the case itself broke (die).
 */
#ifndef PCOW_TESTS_CORPUS_H
#define PCOW_TESTS_CORPUS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

/* The case itself broke (not what it tests): exit 99. */
static inline void die(const char *what)
{
	fprintf(stderr, "corpus: %s: %s\n", what, strerror(errno));
	exit(99);
}

static inline const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

/*
 * Print "LABEL = R", or "LABEL = -1 ENAME" when r < 0 (errno as the call
 * left it); returns r.  Use it around the call: rc("open", open(...)).
 */
static inline long rc(const char *label, long r)
{
	int e = errno;

	if (r < 0)
		printf("%s = -1 %s\n", label, errname(e));
	else
		printf("%s = %ld\n", label, r);
	errno = e;
	return r;
}

/* Like rc, for a call that returns a descriptor: "= fd", whatever number. */
static inline int rcfd(const char *label, int fd)
{
	int e = errno;

	if (fd < 0)
		printf("%s = -1 %s\n", label, errname(e));
	else
		printf("%s = fd\n", label);
	errno = e;
	return fd;
}

static inline char type_char(mode_t m)
{
	return S_ISREG(m) ? 'f' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISFIFO(m) ? 'p'
	       : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISSOCK(m) ? 's' : '?';
}

/* The fields that must match: type, mode, size (not a directory's), links, owner. */
static inline void print_stat(const char *label, const struct stat *st)
{
	printf("%s: %c %04o", label, type_char(st->st_mode), (unsigned)(st->st_mode & 07777));
	if (S_ISDIR(st->st_mode))
		printf(" size -");
	else
		printf(" size %lld", (long long)st->st_size);
	printf(" nlink %lu uid %u gid %u\n", (unsigned long)st->st_nlink, (unsigned)st->st_uid,
	       (unsigned)st->st_gid);
}

/* fstatat(dirfd, path, flags): the fields, or "LABEL = -1 ENAME". */
static inline void show_stat_at(const char *label, int dirfd, const char *path, int flags)
{
	struct stat st;

	if (fstatat(dirfd, path, &st, flags) < 0)
		printf("%s = -1 %s\n", label, errname(errno));
	else
		print_stat(label, &st);
}

static inline void show_stat(const char *label, const char *path)
{
	show_stat_at(label, AT_FDCWD, path, 0);
}

static inline void show_lstat(const char *label, const char *path)
{
	show_stat_at(label, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW);
}

static inline void show_fstat(const char *label, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		printf("%s = -1 %s\n", label, errname(errno));
	else
		print_stat(label, &st);
}

/* Bytes as a C string literal, at most 200 of them. */
static inline void print_bytes(const char *buf, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n && i < 200; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 32 || c > 126)
			printf("\\%03o", c);
		else
			putchar(c);
	}
	printf("\"%s", n > 200 ? "..." : "");
}

/* "LABEL: N "bytes"" for what a call returned (n >= 0), or the error. */
static inline void show_bytes(const char *label, ssize_t n, const char *buf)
{
	if (n < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	printf("%s: %zd ", label, n);
	print_bytes(buf, (size_t)n);
	putchar('\n');
}

/* What read(2) of fd gives now, up to 4096 bytes. */
static inline void show_read(const char *label, int fd)
{
	char buf[4096];

	show_bytes(label, read(fd, buf, sizeof(buf)), buf);
}

/* The value of extended attribute name of path (getxattr), up to 256 bytes. */
static inline void show_xattr(const char *label, const char *path, const char *name)
{
	char buf[256];

	show_bytes(label, getxattr(path, name, buf, sizeof(buf)), buf);
}

/* The whole content of path: "LABEL: N "bytes"" (N up to 64 KiB), or the error. */
static inline void show_file(const char *label, const char *path)
{
	static char buf[65536];
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	printf("%s: %zu ", label, len);
	print_bytes(buf, len);
	putchar('\n');
}

static inline void show_link(const char *label, const char *path)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf));

	if (n < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	printf("%s: ", label);
	print_bytes(buf, (size_t)n);
	putchar('\n');
}

static inline int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names in directory path (relative to dirfd), sorted, each with its
 * d_type: "LABEL: a/f b/d".
 */
static inline void show_dir_at(const char *label, int dirfd, const char *path)
{
	char *names[512];
	size_t n = 0;
	struct dirent *d;
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (!dir) {
		printf("%s = -1 %s\n", label, errname(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((d = readdir(dir)) && n < 512) {
		char t = d->d_type == DT_REG ? 'f' : d->d_type == DT_DIR ? 'd'
		       : d->d_type == DT_LNK ? 'l' : d->d_type == DT_FIFO ? 'p'
		       : d->d_type == DT_UNKNOWN ? 'u' : '?';

		if (asprintf(&names[n], "%s/%c", d->d_name, t) < 0)
			die("asprintf");
		n++;
	}
	closedir(dir);
	qsort(names, n, sizeof(names[0]), cmp_names);
	printf("%s:", label);
	for (size_t i = 0; i < n; i++) {
		putchar(' ');
		print_bytes(names[i], strlen(names[i]));
		free(names[i]);
	}
	putchar('\n');
}

static inline void show_dir(const char *label, const char *path)
{
	show_dir_at(label, AT_FDCWD, path);
}

/*
 * The tree's root, as the case's cwd at its start (remember_root): paths
 * the kernel gives back (getcwd, /proc links) are printed relative to it,
 * since the two runs have their trees in different places.
 */
static char corpus_root[4096];

static inline void remember_root(void)
{
	if (!getcwd(corpus_root, sizeof(corpus_root)))
		die("getcwd");
}

/* "LABEL: ROOT/rest", or "LABEL: outside the root". */
static inline void print_rel(const char *label, const char *path)
{
	size_t n = strlen(corpus_root);

	if (strncmp(path, corpus_root, n) == 0 && (path[n] == '/' || path[n] == '\0'))
		printf("%s: ROOT%s\n", label, path + n);
	else
		printf("%s: outside the root\n", label);
}

/* getcwd, relative to the root. */
static inline void show_cwd(const char *label)
{
	char buf[4096];

	if (!getcwd(buf, sizeof(buf)))
		printf("%s = -1 %s\n", label, errname(errno));
	else
		print_rel(label, buf);
}

/* readlink of a /proc magic link, relative to the root. */
static inline void show_proc_link(const char *label, const char *path)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	buf[n] = '\0';
	print_rel(label, buf);
}

/* Write a whole string to a new file (as the case, under pcow into the overlay). */
static inline void put_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) < 0)
		die(path);
}

/*
 * Run the rest as nobody (uid and gid 65534, no groups) when started as
 * root; a no-op otherwise.  For the EACCES and EPERM cases.
 */
static inline void become_nobody(void)
{
	if (geteuid() != 0)
		return;
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		die("become nobody");
}

/* The times of path (fstatat flags), for cases that set them explicitly. */
static inline void show_times(const char *label, const char *path, int flags)
{
	struct stat st;

	if (fstatat(AT_FDCWD, path, &st, flags) < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	printf("%s: atime %lld.%09ld mtime %lld.%09ld\n", label, (long long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static const char *const corpus_env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };

static inline int xexecve(const char *path, const char *const argv[])
{
	return execve(path, (char *const *)argv, (char *const *)corpus_env);
}

/*
 * Fork; child(arg) in the child with stdout and stderr to a pipe (it execs,
 * or prints why not); then print what it wrote and how it ended.
 */
static inline void run_child(const char *label, void (*child)(const void *arg), const void *arg)
{
	char buf[1024];
	ssize_t n, len = 0;
	int p[2], st;
	pid_t pid;

	fflush(stdout);
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		die("pipe, fork");
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		child(arg);
		exit(127);
	}
	close(p[1]);
	while (len < (ssize_t)sizeof(buf) &&
	       (n = read(p[0], buf + len, sizeof(buf) - (size_t)len)) > 0)
		len += n;
	close(p[0]);
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	printf("%s: ", label);
	print_bytes(buf, (size_t)len);
	printf(", exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

struct exec_args {
	const char *path;
	const char *const *argv;
};

static inline void exec_child(const void *arg)
{
	const struct exec_args *e = arg;

	printf("execve = -1 %s\n", errname(xexecve(e->path, e->argv) < 0 ? errno : 0));
}

/* Fork, execve path in the child, print its output and how it ended. */
static inline void run(const char *label, const char *path, const char *const argv[])
{
	struct exec_args e = { path, argv };

	run_child(label, exec_child, &e);
}

#endif /* PCOW_TESTS_CORPUS_H */
