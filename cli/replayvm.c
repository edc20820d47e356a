/*
 * cli/replayvm.c — `pcow replay --kernel`: pack a bundle and pcow-replayer
 * into an initramfs, boot the kernel image in QEMU with it, and read the
 * replayer's frames back from the guest's second serial port.
 *
 * The guest's console (kernel messages) is the first serial port, written
 * to console.log; the results go to the second, results.log, so they
 * never share a line with the kernel's output (the frames would survive
 * it anyway: replay/stream.c).  The guest powers itself off; QEMU runs
 * with -no-reboot and the kernel with panic=-1, so a panic ends QEMU too.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "replay/replay.h"

#define ERRMSG_SIZE 512

/* ------------------------------------------------------------- cpio */

/* An initramfs in the "newc" cpio format (what the kernel unpacks). */
struct cpio {
	FILE *f;
	unsigned ino;
	int err;
};

static void cpio_pad(struct cpio *c)
{
	static const char zero[4];
	long pos = ftell(c->f);

	if (pos % 4)
		fwrite(zero, 1, (size_t)(4 - pos % 4), c->f);
}

static void cpio_header(struct cpio *c, const char *name, mode_t mode, uint64_t size, dev_t rdev)
{
	fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08zX%08X", ++c->ino,
		(unsigned)mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, (unsigned)size, 0u, 0u,
		major(rdev), minor(rdev), strlen(name) + 1, 0u);
	fwrite(name, 1, strlen(name) + 1, c->f);
	cpio_pad(c);
}

static void cpio_data(struct cpio *c, const char *name, mode_t mode, const void *data, size_t len)
{
	cpio_header(c, name, mode, len, 0);
	fwrite(data, 1, len, c->f);
	cpio_pad(c);
}

/* Add the file at src as name. */
static void cpio_file(struct cpio *c, const char *name, mode_t mode, const char *src)
{
	char buf[1 << 16];
	struct stat st;
	FILE *in = fopen(src, "re");
	size_t n;

	if (!in || fstat(fileno(in), &st) < 0 || st.st_size > UINT32_MAX) {
		c->err = in && st.st_size > UINT32_MAX ? -EFBIG : -errno;
		if (in)
			fclose(in);
		return;
	}
	cpio_header(c, name, mode, (uint64_t)st.st_size, 0);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, c->f);
	fclose(in);
	cpio_pad(c);
}

static struct cpio *extra_cpio;
static size_t extra_skip;

static int add_extra(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *name = path + extra_skip;

	(void)ftw;
	while (*name == '/')
		name++;
	if (!*name)
		return 0;
	if (flag == FTW_D) {
		cpio_data(extra_cpio, name, S_IFDIR | (st->st_mode & 07777), "", 0);
	} else if (flag == FTW_SL) {
		char target[PATH_MAX];
		ssize_t n = readlink(path, target, sizeof(target));

		if (n >= 0)
			cpio_data(extra_cpio, name, S_IFLNK | 0777, target, (size_t)n);
	} else if (flag == FTW_F && S_ISREG(st->st_mode)) {
		cpio_file(extra_cpio, name, S_IFREG | (st->st_mode & 07777), path);
	} else if (flag == FTW_F && (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))) {
		cpio_header(extra_cpio, name, st->st_mode, 0, st->st_rdev);
	}
	return extra_cpio->err;
}

/* The initramfs: pcow-replayer as /init, the bundle, and --initrd-extra's tree. */
static int make_initrd(const char *path, const char *replayer, const char *bundle,
		       const char *extra, char *errmsg)
{
	struct cpio c = { fopen(path, "we"), 0, 0 };
	static const char *const dirs[] = { "dev", "proc", "scratch", "pcow" };

	if (!c.f) {
		snprintf(errmsg, ERRMSG_SIZE, "%.400s: %s", path, strerror(errno));
		return -errno;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cpio_data(&c, dirs[i], S_IFDIR | 0755, "", 0);
	cpio_header(&c, "dev/console", S_IFCHR | 0600, 0, makedev(5, 1));
	cpio_file(&c, "init", S_IFREG | 0755, replayer);
	if (!c.err)
		cpio_file(&c, "pcow/bundle", S_IFREG | 0644, bundle);
	if (!c.err && extra) {
		extra_cpio = &c;
		extra_skip = strlen(extra);
		if (nftw(extra, add_extra, 32, FTW_PHYS) < 0 && !c.err)
			c.err = -errno;
		if (c.err) {
			snprintf(errmsg, ERRMSG_SIZE, "--initrd-extra %.400s: %s", extra,
				 strerror(-c.err));
			fclose(c.f);
			return c.err;
		}
	}
	cpio_data(&c, "TRAILER!!!", 0, "", 0);
	if (c.err) {
		snprintf(errmsg, ERRMSG_SIZE, "cannot pack the initramfs: %s", strerror(-c.err));
		fclose(c.f);
		return c.err;
	}
	if (ferror(c.f) | fclose(c.f)) {
		snprintf(errmsg, ERRMSG_SIZE, "%.400s: %s", path, strerror(errno ? errno : EIO));
		return -EIO;
	}
	return 0;
}

/* ------------------------------------------------------------- QEMU */

/* pcow-replayer: beside the running pcow (installed or in the build tree), else $PATH. */
int cli_replayer_path(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 32);

	if (n > 0) {
		char *slash;

		buf[n] = '\0';
		slash = strrchr(buf, '/');
		if (slash) {
			strcpy(slash + 1, "pcow-replayer");
			if (access(buf, X_OK) == 0)
				return 0;
		}
	}
	for (const char *p = getenv("PATH"); p && *p;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		if (len && (size_t)snprintf(buf, size, "%.*s/pcow-replayer", (int)len, p) < size &&
		    access(buf, X_OK) == 0)
			return 0;
		p += len + (colon ? 1 : 0);
	}
	return -ENOENT;
}

static bool kvm_usable(void)
{
	const char *accel = getenv("PCOW_QEMU_ACCEL");
	int fd;

	if (accel && *accel)
		return !strcmp(accel, "kvm");
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

void cli_replay_console_tail(const char *dir, int lines)
{
	char path[PATH_MAX];
	size_t len;
	char *buf, *p;
	int seen = 0;

	snprintf(path, sizeof(path), "%.4000s/console.log", dir);
	buf = cli_slurp(path, &len);
	if (!buf || !len) {
		fputs("  (the guest's console is empty)\n", stderr);
		free(buf);
		return;
	}
	for (p = buf + len; p > buf && seen <= lines; p--)
		if (p[-1] == '\n' && p != buf + len)
			seen++;
	fputs("the guest's console ends with:\n", stderr);
	for (char *line = strtok(p, "\r\n"); line; line = strtok(NULL, "\r\n"))
		fprintf(stderr, "  | %s\n", line);
	free(buf);
}

static bool console_empty(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 || st.st_size == 0;
}

/* The first line of the console that says the kernel panicked, or NULL. */
static char *panic_line(const char *path)
{
	size_t len;
	char *buf = cli_slurp(path, &len), *p, *e, *line = NULL;

	if (buf && (p = strstr(buf, "Kernel panic"))) {
		e = strpbrk(p, "\r\n");
		line = strndup(p, e ? (size_t)(e - p) : strlen(p));
	}
	free(buf);
	return line;
}

/*
 * Run QEMU until it exits or vm->timeout_s passes (*ret_timed_out).  With
 * stall_s, give up as soon as stall_s seconds pass without a byte of
 * results (*ret_stalled): KVM that cannot run this kernel hangs silently.
 */
static int run_qemu(const struct replay_vm *vm, const char *dir, const char *initrd, long mem_mb,
		    bool kvm, long stall_s, bool *ret_timed_out, bool *ret_stalled, int *ret_status)
{
	char mem[32], console[PATH_MAX + 16], results[PATH_MAX + 16], errlog[PATH_MAX];
	char results_path[PATH_MAX];
	const char *argv[64 + 2 * 32];
	struct timespec start, now;
	long elapsed_ms;
	int n = 0, status = 0;
	pid_t pid;

	snprintf(mem, sizeof(mem), "%ld", mem_mb);
	snprintf(console, sizeof(console), "file:%s/console.log", dir);
	snprintf(results_path, sizeof(results_path), "%.4000s/results.log", dir);
	snprintf(results, sizeof(results), "file:%s", results_path);
	snprintf(errlog, sizeof(errlog), "%s/qemu.log", dir);
	argv[n++] = vm->qemu;
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-user-config";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-no-reboot";
	argv[n++] = "-m";
	argv[n++] = mem;
	argv[n++] = "-accel";
	argv[n++] = kvm ? "kvm" : "tcg";
	argv[n++] = "-kernel";
	argv[n++] = vm->kernel;
	argv[n++] = "-initrd";
	argv[n++] = initrd;
	argv[n++] = "-append";
	argv[n++] = "console=ttyS0 quiet panic=-1 oops=panic rdinit=/init pcow.out=/dev/ttyS1"
		    " pcow.bundle=/pcow/bundle";
	argv[n++] = "-serial";
	argv[n++] = console;
	argv[n++] = "-serial";
	argv[n++] = results;
	for (int i = 0; i < vm->n_qemu_args && i < 64; i++)
		argv[n++] = vm->qemu_args[i];
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(errlog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (null >= 0)
			dup2(null, 0);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	*ret_timed_out = false;
	*ret_stalled = false;
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);
		struct timespec nap = { 0, 20 * 1000 * 1000 };

		if (got == pid)
			break;
		if (got < 0 && errno != EINTR)
			return -errno;
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed_ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (stall_s && elapsed_ms >= stall_s * 1000) {
			struct stat st;

			if (stat(results_path, &st) == 0 && st.st_size == 0)
				*ret_stalled = true;
			stall_s = 0;
		}
		if (*ret_stalled || elapsed_ms >= vm->timeout_s * 1000) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*ret_timed_out = !*ret_stalled;
			break;
		}
		nanosleep(&nap, NULL);
	}
	*ret_status = status;
	return 0;
}

int cli_replay_vm(struct replay_vm *vm, const struct replay_plan *plan, const char *bundle,
		  uint64_t bundle_size, const char *dir, struct replay_outcome *o, char *errmsg)
{
	char replayer[PATH_MAX], initrd[PATH_MAX], console[PATH_MAX], results[PATH_MAX];
	long mem_mb = vm->memory_mb;
	bool kvm = kvm_usable(), forced = getenv("PCOW_QEMU_ACCEL") && *getenv("PCOW_QEMU_ACCEL");
	bool timed_out, stalled;

	vm->kvm = kvm;
	vm->console = false;
	long long t0 = cli_now_ns(), t1;
	size_t len;
	char *text;
	int err, status;

	if (cli_replayer_path(replayer, sizeof(replayer)) < 0) {
		snprintf(errmsg, ERRMSG_SIZE,
			 "cannot find pcow-replayer beside pcow or in $PATH (it is built and"
			 " installed with pcow)");
		return -ENOENT;
	}
	snprintf(initrd, sizeof(initrd), "%.4000s/initrd.cpio", dir);
	snprintf(console, sizeof(console), "%.4000s/console.log", dir);
	snprintf(results, sizeof(results), "%.4000s/results.log", dir);
	err = make_initrd(initrd, replayer, bundle, vm->initrd_extra, errmsg);
	if (err)
		return err;
	/* Room for the initramfs twice while it unpacks, the trees, and the kernel. */
	if (!mem_mb)
		mem_mb = 384 + 3 * (long)(bundle_size >> 20);
	t1 = cli_now_ns();
	fprintf(stderr, "pcow: booting %s in QEMU (%s, %ld MiB)\n", vm->kernel,
		kvm ? "KVM" : forced ? "TCG" : "TCG: no usable /dev/kvm", mem_mb);
	/* A kernel under KVM reaches /init in a second or two; unpacking a big initramfs adds some. */
	err = run_qemu(vm, dir, initrd, mem_mb, kvm, kvm && !forced ? 15 + (long)(bundle_size >> 26) : 0,
		       &timed_out, &stalled, &status);
	if (!err && stalled) {
		cli_warn("replay: the guest showed no sign of life under KVM; booting again with TCG"
			 " (PCOW_QEMU_ACCEL=tcg skips KVM)");
		vm->kvm = kvm = false;
		err = run_qemu(vm, dir, initrd, mem_mb, false, 0, &timed_out, &stalled, &status);
	}
	if (err) {
		snprintf(errmsg, ERRMSG_SIZE, "cannot start %s: %s", vm->qemu, strerror(-err));
		return err;
	}
	vm->times[0] = (double)(t1 - t0) / 1e9;
	vm->times[1] = (double)(cli_now_ns() - t1) / 1e9;
	text = cli_slurp(results, &len);
	err = replay_stream_parse(text ? text : "", text ? len : 0, o, errmsg);
	free(text);
	/* The run, the calls and the replayer's own errors: outcome_fits in cli/replay.c. */
	if (!err && !o->error && o->bundle_crc != plan->bundle_crc) {
		snprintf(errmsg, ERRMSG_SIZE, "the guest's results are for another bundle");
		err = -EINVAL;
	}
	if (!err)
		return 0;
	if (timed_out) {
		snprintf(errmsg, ERRMSG_SIZE,
			 "the guest did not finish within %ld s (--timeout); QEMU was killed",
			 vm->timeout_s);
	} else if (err == -ENODATA || err == -EPIPE) {
		char *panic = panic_line(console);
		char qemu_log[PATH_MAX + 16];
		size_t qlen = 0;
		char *qtext;

		snprintf(qemu_log, sizeof(qemu_log), "%.4000s/qemu.log", dir);
		qtext = cli_slurp(qemu_log, &qlen);
		if (panic)
			snprintf(errmsg, ERRMSG_SIZE, "the guest kernel panicked: %.400s", panic);
		else if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			snprintf(errmsg, ERRMSG_SIZE, "QEMU failed (%s %d): %.400s",
				 WIFEXITED(status) ? "exit status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
				 qlen ? strtok(qtext, "\n") : "(no message)");
		else if (err == -ENODATA && console_empty(console))
			snprintf(errmsg, ERRMSG_SIZE,
				 "the guest stopped without printing anything: %.300s is not a"
				 " bootable x86-64 kernel image (bzImage), or it is damaged", vm->kernel);
		else if (err == -ENODATA)
			snprintf(errmsg, ERRMSG_SIZE,
				 "the guest stopped before pcow-replayer reported anything (the"
				 " kernel did not boot, or could not run /init)");
		else {
			char why[ERRMSG_SIZE];

			snprintf(why, sizeof(why), "%s", errmsg);
			snprintf(errmsg, ERRMSG_SIZE,
				 "the guest stopped in the middle of the replay (%.300s)", why);
		}
		free(panic);
		free(qtext);
	}
	vm->console = true;
	return -EIO;
}
