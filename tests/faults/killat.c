/*
 * tests/faults/killat.c — an LD_PRELOAD library that SIGKILLs its process
 * at a chosen call, for tests/faults/kill_points.sh.
 *
 * It wraps the libc functions through which pcow (cow/sys.c, the rest of
 * cow/) and SQLite change files, counts the calls to the functions named in
 * PCOW_KILLAT_FUNCS, and raises SIGKILL just before the PCOW_KILLAT'th of
 * them is made, so a crash can be placed at every step of a copy-up, a
 * commit or a log flush in turn:
 *
 *	PCOW_KILLAT=N               kill before the Nth counted call (unset or
 *	                            0: never, only count)
 *	PCOW_KILLAT_FUNCS=a,b,...   the functions counted ("all": every one
 *	                            wrapped here)
 *	PCOW_KILLAT_THREAD=main     count only the calls of the main thread
 *	                            (pcow's tracer and cow/), or "other" (the
 *	                            log writer); default: every thread
 *	PCOW_KILLAT_COUNT=FILE      at exit, write how many calls were counted
 *	                            (so a test knows when N went past the end)
 *	PCOW_KILLAT_TRACE=FILE      append "N function" for every counted call
 *	PCOW_KILLAT_STALL=1         stop the thread for good at the Nth call
 *	                            instead (the test kills pcow itself)
 *
 * The variables and LD_PRELOAD are removed from the environment when the
 * library loads, so the programs pcow runs never inherit them.  Built
 * without sanitizers; pcow built with ASan needs
 * ASAN_OPTIONS=verify_asan_link_order=0 to accept being preloaded after.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>

static char funcs[1024];	/* ",a,b," or "all" */
static long kill_at;		/* 0: never */
static int stall;		/* at kill_at, sleep forever rather than die */
static int thread_sel;		/* 0 any, 1 main, 2 other */
static char count_path[4096];
static int trace_fd = -1;
static atomic_long counted;
static pid_t main_pid;

__attribute__((constructor)) static void killat_init(void)
{
	const char *s;

	main_pid = getpid();
	s = getenv("PCOW_KILLAT");
	kill_at = s ? atol(s) : 0;
	s = getenv("PCOW_KILLAT_STALL");
	stall = s && !strcmp(s, "1");
	s = getenv("PCOW_KILLAT_FUNCS");
	if (s && !strcmp(s, "all"))
		snprintf(funcs, sizeof(funcs), "all");
	else
		snprintf(funcs, sizeof(funcs), ",%s,", s ? s : "");
	s = getenv("PCOW_KILLAT_THREAD");
	thread_sel = s && !strcmp(s, "main") ? 1 : s && !strcmp(s, "other") ? 2 : 0;
	s = getenv("PCOW_KILLAT_COUNT");
	snprintf(count_path, sizeof(count_path), "%s", s ? s : "");
	s = getenv("PCOW_KILLAT_TRACE");
	if (s && *s)
		trace_fd = (int)syscall(SYS_openat, AT_FDCWD, s,
					O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	unsetenv("LD_PRELOAD");
	unsetenv("PCOW_KILLAT");
	unsetenv("PCOW_KILLAT_FUNCS");
	unsetenv("PCOW_KILLAT_THREAD");
	unsetenv("PCOW_KILLAT_COUNT");
	unsetenv("PCOW_KILLAT_TRACE");
	unsetenv("PCOW_KILLAT_STALL");
}

__attribute__((destructor)) static void killat_fini(void)
{
	char buf[32];
	int fd, n;

	if (!count_path[0] || getpid() != main_pid)
		return;
	fd = (int)syscall(SYS_openat, AT_FDCWD, count_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%ld\n", atomic_load(&counted));
	syscall(SYS_write, fd, buf, (size_t)n);
	syscall(SYS_close, fd);
}

/* Count a call to name; SIGKILL when it is the chosen one. */
static void point(const char *name)
{
	char key[64], line[96];
	long n;
	int len;

	if (getpid() != main_pid)
		return; /* a forked child (not exec'd yet): not pcow */
	if (thread_sel && (thread_sel == 1) != (syscall(SYS_gettid) == main_pid))
		return;
	if (strcmp(funcs, "all")) {
		snprintf(key, sizeof(key), ",%s,", name);
		if (!strstr(funcs, key))
			return;
	}
	n = atomic_fetch_add(&counted, 1) + 1;
	if (trace_fd >= 0) {
		len = snprintf(line, sizeof(line), "%ld %s\n", n, name);
		syscall(SYS_write, trace_fd, line, (size_t)len);
	}
	if (kill_at && n == kill_at && stall)
		for (;;)
			pause();
	if (kill_at && n == kill_at)
		raise(SIGKILL);
}

#define REAL(name) \
	static __typeof__(name) *real; \
	if (!real) \
		real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

#define WRAP(ret, name, params, args) \
	ret name params \
	{ \
		REAL(name); \
		point(#name); \
		return real args; \
	}

WRAP(ssize_t, write, (int fd, const void *buf, size_t n), (fd, buf, n))
WRAP(ssize_t, pwrite, (int fd, const void *buf, size_t n, off_t off), (fd, buf, n, off))
WRAP(ssize_t, pwrite64, (int fd, const void *buf, size_t n, off64_t off), (fd, buf, n, off))
WRAP(ssize_t, writev, (int fd, const struct iovec *iov, int n), (fd, iov, n))
WRAP(int, fsync, (int fd), (fd))
WRAP(int, fdatasync, (int fd), (fd))
WRAP(ssize_t, copy_file_range,
     (int in, off64_t *off_in, int out, off64_t *off_out, size_t n, unsigned int flags),
     (in, off_in, out, off_out, n, flags))
WRAP(int, rename, (const char *a, const char *b), (a, b))
WRAP(int, renameat, (int da, const char *a, int db, const char *b), (da, a, db, b))
WRAP(int, renameat2, (int da, const char *a, int db, const char *b, unsigned int flags),
     (da, a, db, b, flags))
WRAP(int, link, (const char *a, const char *b), (a, b))
WRAP(int, linkat, (int da, const char *a, int db, const char *b, int flags),
     (da, a, db, b, flags))
WRAP(int, unlink, (const char *p), (p))
WRAP(int, unlinkat, (int d, const char *p, int flags), (d, p, flags))
WRAP(int, rmdir, (const char *p), (p))
WRAP(int, remove, (const char *p), (p))
WRAP(int, mkdir, (const char *p, mode_t m), (p, m))
WRAP(int, mkdirat, (int d, const char *p, mode_t m), (d, p, m))
WRAP(int, symlink, (const char *t, const char *p), (t, p))
WRAP(int, symlinkat, (const char *t, int d, const char *p), (t, d, p))
WRAP(int, mknodat, (int d, const char *p, mode_t m, dev_t dev), (d, p, m, dev))
WRAP(int, ftruncate, (int fd, off_t len), (fd, len))
WRAP(int, ftruncate64, (int fd, off64_t len), (fd, len))
WRAP(int, fchown, (int fd, uid_t u, gid_t g), (fd, u, g))
WRAP(int, fchmod, (int fd, mode_t m), (fd, m))
WRAP(int, chmod, (const char *p, mode_t m), (p, m))
WRAP(int, chown, (const char *p, uid_t u, gid_t g), (p, u, g))
WRAP(int, lchown, (const char *p, uid_t u, gid_t g), (p, u, g))
WRAP(int, fchownat, (int d, const char *p, uid_t u, gid_t g, int flags), (d, p, u, g, flags))
WRAP(int, fchmodat, (int d, const char *p, mode_t m, int flags), (d, p, m, flags))
WRAP(int, futimens, (int fd, const struct timespec ts[2]), (fd, ts))
WRAP(int, utimensat, (int d, const char *p, const struct timespec ts[2], int flags),
     (d, p, ts, flags))
WRAP(int, fsetxattr, (int fd, const char *name, const void *v, size_t n, int flags),
     (fd, name, v, n, flags))

/* open and openat take the mode only with O_CREAT or O_TMPFILE. */
#define WRAP_OPEN(name, params, args) \
	int name params \
	{ \
		mode_t mode = 0; \
		REAL(name); \
		if (flags & (O_CREAT | __O_TMPFILE)) { \
			va_list ap; \
			va_start(ap, flags); \
			mode = va_arg(ap, mode_t); \
			va_end(ap); \
		} \
		point(#name); \
		return real args; \
	}

WRAP_OPEN(open, (const char *p, int flags, ...), (p, flags, mode))
WRAP_OPEN(open64, (const char *p, int flags, ...), (p, flags, mode))
WRAP_OPEN(openat, (int d, const char *p, int flags, ...), (d, p, flags, mode))
WRAP_OPEN(openat64, (int d, const char *p, int flags, ...), (d, p, flags, mode))
