/*
 * replay/replayer.c — pcow-replayer: run a replay bundle against the
 * kernel it runs on and write the results as a frame stream.
 *
 * It is the executor and the comparator alone, linked statically, so it
 * runs where pcow cannot: as /init of an initramfs in a kernel booted by
 * `pcow replay --kernel`, or by hand on another machine.  As PID 1 it
 * mounts /proc, /dev and a tmpfs for the scratch tree, reads the bundle
 * and its output device from the kernel command line (pcow.bundle=,
 * pcow.out=), and powers the machine off when done.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "replay/replay.h"

static const char usage_text[] =
	"Usage: pcow-replayer [-o RESULTS] [--keep DIR] BUNDLE\n"
	"\n"
	"Run the recorded calls of a pcow replay bundle (written by `pcow replay\n"
	"--export-bundle`) against this kernel, compare each result with the\n"
	"recording, and write the outcome as a frame stream (doc/replay-bundle.md)\n"
	"to RESULTS or standard output.  `pcow replay LOG --results RESULTS` reports it.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE  write the results to FILE\n"
	"  --keep DIR         build the scratch tree in DIR (new or empty) and keep it\n"
	"  -h, --help         show this help\n"
	"\n"
	"The calls run chrooted into the scratch tree: run as root, or where\n"
	"unprivileged user namespaces are allowed.  As PID 1 (the /init of an\n"
	"initramfs) it takes pcow.bundle=PATH (default /pcow/bundle) and\n"
	"pcow.out=DEVICE (default /dev/ttyS1) from the kernel command line and\n"
	"powers off at the end.\n"
	"\n"
	"Exit status: 0 the calls ran (divergences or not), 2 they could not.\n";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int on_result(const struct replay_result *r, void *opaque)
{
	return replay_compare_step(opaque, r);
}

static void frame_error(struct replay_stream *s, const char *msg)
{
	const char *f[] = { msg };

	replay_stream_frame(s, 'E', 1, f);
}

/*
 * Run the bundle at path with its tree under root; the outcome goes to s.
 * Returns 0, or -errno with msg (512 bytes) when the calls could not run.
 */
static int run_bundle(const char *path, const char *root, struct replay_stream *s, char *msg)
{
	char num[4][32], crc[16], id[16], times[4][32];
	struct replay_plan plan;
	struct replay_compare *cmp;
	const struct replay_divergence *d;
	struct utsname uts;
	uint64_t ran, skipped;
	size_t n_changed, n;
	double t0 = now_s(), t1, t2;
	int err;

	err = replay_bundle_read(path, &plan, msg);
	if (err) {
		frame_error(s, msg);
		return err;
	}
	if (uname(&uts) < 0)
		memset(&uts, 0, sizeof(uts));
	snprintf(num[0], sizeof(num[0]), "%lld", (long long)plan.run_id);
	snprintf(num[1], sizeof(num[1]), "%zu", plan.n_steps);
	snprintf(crc, sizeof(crc), "%08x", plan.bundle_crc);
	snprintf(id, sizeof(id), "%08x", replay_plan_id(&plan));
	{
		const char *f[] = { "1", num[0], num[1], crc, plan.strict ? "1" : "0",
				    uts.release, uts.machine, id };

		replay_stream_frame(s, 'H', 8, f);
	}
	t1 = now_s();
	err = replay_rebuild(&plan, root, NULL, NULL, &n_changed, msg);
	(void)n_changed; /* a bundle's objects are its own: nothing can have changed */
	t2 = now_s();
	cmp = err ? NULL : replay_compare_new(&plan, plan.strict);
	if (!err && !cmp) {
		snprintf(msg, 512, "out of memory");
		err = -ENOMEM;
	}
	if (!err)
		err = replay_execute(&plan, root, on_result, cmp, msg);
	if (err) {
		if (err == -ENOMEM)
			snprintf(msg, 512, "out of memory");
		frame_error(s, msg);
		replay_compare_free(cmp);
		replay_plan_free(&plan);
		return err;
	}
	d = replay_divergences(cmp, &n);
	for (size_t i = 0; i < n; i++) {
		char step[32];
		const char *f[] = { step, d[i].field, d[i].recorded, d[i].replayed };

		snprintf(step, sizeof(step), "%u", d[i].step);
		replay_stream_frame(s, 'D', 4, f);
	}
	replay_compare_counts(cmp, &ran, &skipped);
	snprintf(num[2], sizeof(num[2]), "%llu", (unsigned long long)ran);
	snprintf(num[3], sizeof(num[3]), "%llu", (unsigned long long)skipped);
	{
		const char *f[] = { num[2], num[3] };

		replay_stream_frame(s, 'C', 2, f);
	}
	/* As PID 1, the monotonic clock at the start is the boot's duration. */
	snprintf(times[0], sizeof(times[0]), "%.3f", t0);
	snprintf(times[1], sizeof(times[1]), "%.3f", t1 - t0);
	snprintf(times[2], sizeof(times[2]), "%.3f", t2 - t1);
	snprintf(times[3], sizeof(times[3]), "%.3f", now_s() - t2);
	{
		const char *f[] = { times[0], times[1], times[2], times[3] };

		replay_stream_frame(s, 'T', 4, f);
	}
	{
		const char *f[] = { "ok" };

		replay_stream_frame(s, 'E', 1, f);
	}
	replay_compare_free(cmp);
	replay_plan_free(&plan);
	if (s->err)
		snprintf(msg, 512, "cannot write the results: %s", strerror(-s->err));
	return s->err;
}

/* ------------------------------------------------------------- PID 1 */

/* The value of NAME= on the kernel command line, or def. */
static const char *cmdline(const char *name, const char *def, char *buf, size_t size)
{
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
	size_t len = strlen(name);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return def;
	buf[n] = '\0';
	for (char *w = strtok(buf, " \n"); w; w = strtok(NULL, " \n"))
		if (!strncmp(w, name, len) && w[len] == '=')
			return w + len + 1;
	return def;
}

static void power_off(int out)
{
	tcdrain(out);
	fsync(out);
	sync();
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void as_init(void)
{
	char buf[4096], buf2[4096], msg[512];
	const char *out_path, *bundle;
	struct replay_stream s;
	struct termios tio;
	int out;

	mkdir("/proc", 0555);
	mkdir("/dev", 0755);
	mkdir("/scratch", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/scratch", "tmpfs", 0, "mode=0755");
	out_path = cmdline("pcow.out", "/dev/ttyS1", buf, sizeof(buf));
	out = open(out_path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (out < 0)
		out = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (out < 0)
		out = 1;
	if (tcgetattr(out, &tio) == 0) {
		cfmakeraw(&tio);
		cfsetospeed(&tio, B115200);
		tcsetattr(out, TCSANOW, &tio);
	}
	bundle = cmdline("pcow.bundle", "/pcow/bundle", buf2, sizeof(buf2));
	replay_stream_init(&s, out);
	run_bundle(bundle, "/scratch", &s, msg);
	power_off(out);
}

/* ------------------------------------------------------------ by hand */

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "keep", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *keep = NULL, *tmp = getenv("TMPDIR");
	char root[PATH_MAX], msg[512];
	struct replay_stream s;
	int opt, out = 1, err;

	if (getpid() == 1)
		as_init();
	while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (opt) {
		case 'o':
			output = optarg;
			break;
		case 'k':
			keep = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs("Try 'pcow-replayer --help'.\n", stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs("pcow-replayer: one BUNDLE expected; try 'pcow-replayer --help'\n", stderr);
		return 2;
	}
	if (keep) {
		if ((mkdir(keep, 0755) < 0 && errno != EEXIST) || !realpath(keep, root) ||
		    rmdir(root) < 0 || mkdir(root, 0755) < 0) {
			fprintf(stderr, "pcow-replayer: --keep %s: not a new or empty directory\n",
				keep);
			return 2;
		}
	} else {
		snprintf(root, sizeof(root), "%s/pcow-replayer.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(root)) {
			fprintf(stderr, "pcow-replayer: %s: %s\n", root, strerror(errno));
			return 2;
		}
	}
	if (output && (out = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "pcow-replayer: %s: %s\n", output, strerror(errno));
		return 2;
	}
	replay_stream_init(&s, out);
	err = run_bundle(argv[optind], root, &s, msg);
	if (!keep)
		replay_remove_tree(root);
	if (out != 1 && close(out) < 0 && !err) {
		err = -errno;
		snprintf(msg, sizeof(msg), "%s: %s", output, strerror(errno));
	}
	if (err)
		fprintf(stderr, "pcow-replayer: %s\n", msg);
	return err ? 2 : 0;
}
