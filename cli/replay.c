/*
 * cli/replay.c — `pcow replay`: re-run a recorded run's file system calls
 * against the running kernel in a scratch tree and report every place
 * where the results differ from the recording.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/cli.h"
#include "db/db.h"
#include "emu/syscalls.h"
#include "replay/replay.h"

static const char usage_text[] =
	"Usage: pcow replay [STORE|LOG.db] [OPTION...]\n"
	"       pcow replay [STORE|LOG.db] --kernel IMAGE [QEMU OPTION...] [OPTION...]\n"
	"       pcow replay [STORE|LOG.db] --export-bundle DIR | --results FILE\n"
	"\n"
	"Re-run the file system calls of a recorded run against a kernel, in a\n"
	"scratch copy of the files the run started from, and report every call\n"
	"whose result differs from the recording: return value and errno, bytes read\n"
	"(by hash), stat fields, directory listings, link targets.\n"
	"\n"
	"The starting tree is rebuilt from the real files, which pcow never changed,\n"
	"and checked against the hashes recorded when the run first touched them.\n"
	"By default the calls run on the running kernel; --kernel boots another\n"
	"kernel build in QEMU and runs them there.\n"
	"\n"
	"Options:\n"
	"  --run N        replay run N (default: the latest)\n"
	"  --pid P        report only the divergences of process P\n"
	"  --max K        print at most K divergences (default 20; 0: all)\n"
	"  --json         one JSON object per divergence, then the summary\n"
	"  --ignore NAME[,NAME...]\n"
	"                 do not report the divergences of these system calls\n"
	"  --keep DIR     build the scratch tree (with --kernel: the bundle, the\n"
	"                 initramfs and the guest's console log) in DIR, new or\n"
	"                 empty, and keep it\n"
	"  --force        replay even when real files changed since the run\n"
	"  --strict       also compare inode numbers, times, and the sizes and link\n"
	"                 counts of directories\n"
	"  -h, --help     show this help\n"
	"\n"
	"Another kernel:\n"
	"  --kernel IMAGE        boot IMAGE (a bzImage) in QEMU with pcow-replayer as\n"
	"                        its /init and the run as a bundle in its initramfs\n"
	"  --initrd-extra DIR    add DIR's tree to the initramfs (modules, firmware)\n"
	"  --qemu BINARY         the emulator (default qemu-system-x86_64)\n"
	"  --qemu-arg ARG        pass ARG to QEMU (repeatable)\n"
	"  --memory MB           guest memory (default: from the bundle's size)\n"
	"  --timeout S           give up on the guest after S seconds (default 600)\n"
	"  --export-bundle DIR   write the run as DIR/replay.bundle, with a copy of\n"
	"                        pcow-replayer, to run anywhere by hand\n"
	"  --results FILE        report the results pcow-replayer wrote for that bundle\n"
	"                        (a file, or a console log with them inside)\n"
	"\n"
	"Replay runs the calls chrooted into the scratch tree: as root, or in a new\n"
	"user namespace.  The divergences are also stored in the log (table\n"
	"divergence), with the release of the kernel that ran the calls.\n"
	"\n"
	"Exit status: 0 no divergence, 1 divergences, 2 replay could not run (no or\n"
	"bad log, a run without replay data, real files changed, a guest kernel\n"
	"that did not boot, panicked, timed out or garbled its results).\n";

enum {
	OPT_RUN = 256, OPT_PID, OPT_MAX, OPT_JSON, OPT_KEEP, OPT_FORCE, OPT_STRICT, OPT_IGNORE,
	OPT_KERNEL, OPT_INITRD_EXTRA, OPT_QEMU, OPT_QEMU_ARG, OPT_MEMORY, OPT_TIMEOUT,
	OPT_EXPORT, OPT_RESULTS,
};

static const struct option long_options[] = {
	{ "run", required_argument, NULL, OPT_RUN },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd-extra", required_argument, NULL, OPT_INITRD_EXTRA },
	{ "qemu", required_argument, NULL, OPT_QEMU },
	{ "qemu-arg", required_argument, NULL, OPT_QEMU_ARG },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "export-bundle", required_argument, NULL, OPT_EXPORT },
	{ "results", required_argument, NULL, OPT_RESULTS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define MAX_IGNORE 64
#define MAX_QEMU_ARGS 64

struct opts {
	const char *store;
	int64_t run_id;
	int32_t pid;
	long max;
	bool json, force, strict;
	const char *keep, *export_dir, *results;
	int ignore[MAX_IGNORE];	/* x86_64 syscall numbers */
	int n_ignore;
	struct replay_vm vm;
	const char *qemu_args[MAX_QEMU_ARGS];
};

struct emit_state {
	struct replay_compare *cmp;
	size_t done, total;
	bool progress;
	int err;
};

static int on_result(const struct replay_result *r, void *opaque)
{
	struct emit_state *es = opaque;
	int err = replay_compare_step(es->cmp, r);

	if (++es->done % 4096 == 0 && es->progress)
		fprintf(stderr, "\rpcow: replaying %3zu%% (%zu/%zu)", es->done * 100 / es->total,
			es->done, es->total);
	return err;
}

struct changed {
	size_t n;
};

static void on_changed(const char *path, const char *why, void *opaque)
{
	struct changed *c = opaque;

	if (c->n++ == 0)
		fputs("pcow replay: real files changed since the run was recorded:\n", stderr);
	fputs("  ", stderr);
	cli_put_path(stderr, path);
	fprintf(stderr, " (%s)\n", why);
}

/*
 * Where the scratch tree goes by default: $TMPDIR when set; else /dev/shm
 * when it is a tmpfs with room for twice what the replay writes (the
 * starting tree and the written bytes), since a file system in memory
 * makes replay several times faster; else /tmp.  The written bytes are
 * read from the log on a connection of the caller's own (the rebuild's
 * thread, while the steps load on db); when they cannot be, /tmp.
 */
static const char *scratch_base(const struct replay_plan *plan, struct db *db,
				const struct db_replay_run *run)
{
	const char *tmp = getenv("TMPDIR");
	char msg[DB_ERRMSG_SIZE];
	uint64_t need = 64u << 20, data_bytes;
	struct statfs sf;

	if (tmp && *tmp)
		return tmp;
	if (replay_plan_data_bytes(db, run, &data_bytes, msg) < 0)
		return "/tmp";
	for (size_t i = 0; i < plan->n_touches; i++)
		if (S_ISREG(plan->touches[i].type) && plan->touches[i].size > 0)
			need += (uint64_t)plan->touches[i].size;
	need += data_bytes;
	if (statfs("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC &&
	    (uint64_t)sf.f_bavail * (uint64_t)sf.f_bsize > 2 * need && access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	return "/tmp";
}

/* The scratch tree's root: --keep DIR (new or empty), else a new temporary directory in base. */
static int make_root(const struct opts *o, const char *base, char *root, size_t size)
{
	if (o->keep) {
		if (mkdir(o->keep, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (!realpath(o->keep, root))
			return -errno;
		if (rmdir(root) == 0 && mkdir(root, 0755) == 0)
			return 0;
		cli_error("replay: --keep %s: the directory is not empty", o->keep);
		return -ENOTEMPTY;
	}
	if (snprintf(root, size, "%s/pcow-replay.XXXXXX", base) >= (int)size)
		return -ENAMETOOLONG;
	if (!mkdtemp(root))
		return -errno;
	return 0;
}

/* JSON string of s. */
static void put_json(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

struct call_text {
	char *text;
};

static int take_call(const struct db_call_row *row, void *opaque)
{
	struct call_text *ct = opaque;

	ct->text = cli_call_text(row);
	return 0;
}

/* The call at seq as `pcow log` prints it (malloc'd, NULL if unknown). */
static char *call_text(struct db *db, int64_t run_id, int64_t seq)
{
	struct db_call_filter f;
	struct call_text ct = { NULL };

	memset(&f, 0, sizeof(f));
	f.run_id = run_id;
	f.seq = seq;
	db_calls(db, &f, take_call, &ct, NULL);
	return ct.text;
}

/* --ignore NAME[,NAME...]: the x86_64 numbers of those calls. */
static int parse_ignore(struct opts *o, const char *arg)
{
	char *list = strdup(arg), *save = NULL;

	if (!list)
		return -1;
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct emu_syscall *sc = emu_syscall_by_name(EMU_ABI_X86_64, name);

		if (!sc) {
			cli_error("replay: --ignore '%s': no such system call", name);
			free(list);
			return -1;
		}
		if (o->n_ignore == MAX_IGNORE) {
			cli_error("replay: --ignore: at most %d system calls", MAX_IGNORE);
			free(list);
			return -1;
		}
		o->ignore[o->n_ignore++] = sc->nr;
	}
	free(list);
	return 0;
}

static bool ignored(const struct opts *o, int nr)
{
	for (int i = 0; i < o->n_ignore; i++)
		if (o->ignore[i] == nr)
			return true;
	return false;
}

static int parse(int argc, char **argv, struct opts *o)
{
	long v;
	int opt;

	memset(o, 0, sizeof(*o));
	o->max = 20;
	o->vm.qemu = "qemu-system-x86_64";
	o->vm.qemu_args = o->qemu_args;
	o->vm.timeout_s = 600;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(usage_text, stdout);
			return 1;
		case OPT_RUN:
			if (!cli_parse_long(optarg, 1, LONG_MAX, &v)) {
				cli_error("replay: --run '%s': not a run number", optarg);
				return -1;
			}
			o->run_id = v;
			break;
		case OPT_PID:
			if (!cli_parse_long(optarg, 1, INT32_MAX, &v)) {
				cli_error("replay: --pid '%s': not a process id", optarg);
				return -1;
			}
			o->pid = (int32_t)v;
			break;
		case OPT_MAX:
			if (!cli_parse_long(optarg, 0, LONG_MAX, &v)) {
				cli_error("replay: --max '%s': not a count", optarg);
				return -1;
			}
			o->max = v;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_KEEP:
			o->keep = optarg;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_IGNORE:
			if (parse_ignore(o, optarg) < 0)
				return -1;
			break;
		case OPT_KERNEL:
			o->vm.kernel = optarg;
			break;
		case OPT_INITRD_EXTRA:
			o->vm.initrd_extra = optarg;
			break;
		case OPT_QEMU:
			o->vm.qemu = optarg;
			break;
		case OPT_QEMU_ARG:
			if (o->vm.n_qemu_args == MAX_QEMU_ARGS) {
				cli_error("replay: --qemu-arg: at most %d", MAX_QEMU_ARGS);
				return -1;
			}
			o->qemu_args[o->vm.n_qemu_args++] = optarg;
			break;
		case OPT_MEMORY:
			if (!cli_parse_long(optarg, 64, 1L << 30, &v)) {
				cli_error("replay: --memory '%s': not a size in MiB (64 or more)", optarg);
				return -1;
			}
			o->vm.memory_mb = v;
			break;
		case OPT_TIMEOUT:
			if (!cli_parse_long(optarg, 1, 1L << 30, &v)) {
				cli_error("replay: --timeout '%s': not a number of seconds", optarg);
				return -1;
			}
			o->vm.timeout_s = v;
			break;
		case OPT_EXPORT:
			o->export_dir = optarg;
			break;
		case OPT_RESULTS:
			o->results = optarg;
			break;
		case ':':
			cli_error("replay: option '%s' needs an argument; see 'pcow replay --help'",
				  argv[optind - 1]);
			return -1;
		default:
			cli_error("replay: unknown option '%s'; see 'pcow replay --help'",
				  argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc)
		o->store = argv[optind++];
	if (optind < argc) {
		cli_error("replay: unexpected argument '%s'; see 'pcow replay --help'", argv[optind]);
		return -1;
	}
	if (!!o->vm.kernel + !!o->export_dir + !!o->results > 1) {
		cli_error("replay: --kernel, --export-bundle and --results exclude each other");
		return -1;
	}
	if (!o->vm.kernel && (o->vm.initrd_extra || o->vm.n_qemu_args || o->vm.memory_mb)) {
		cli_error("replay: --initrd-extra, --qemu-arg and --memory go with --kernel");
		return -1;
	}
	return 0;
}

/* What a replay found, wherever the calls ran. */
struct findings {
	const struct replay_divergence *divs;
	size_t n_divs;
	uint64_t ran;
	const char *kernel;	/* the release of the kernel that ran the calls */
};

/* Print (and store) the divergences; returns how many there were. */
static size_t report(struct db *db, const struct replay_plan *plan, const struct findings *fd,
		     const struct opts *o)
{
	size_t n_all = fd->n_divs, n = 0, shown = 0, n_ignored = 0;
	const struct replay_divergence *d = fd->divs;
	struct db_divergence *rows = calloc(n_all ? n_all : 1, sizeof(*rows));
	const char *kernel = fd->kernel;
	uint64_t ran = fd->ran;
	char msg[DB_ERRMSG_SIZE];

	for (size_t i = 0; i < n_all; i++) {
		const struct replay_step *st;

		if (d[i].step >= plan->n_steps)
			continue;
		st = &plan->steps[d[i].step];
		if (o->pid && st->pid != o->pid && st->tid != o->pid)
			continue;
		if (ignored(o, st->nr)) {
			n_ignored++;
			continue;
		}
		if (rows)
			rows[n] = (struct db_divergence){ st->seq, st->pid, d[i].field, d[i].recorded,
							  d[i].replayed };
		n++;
	}
	if (!o->json) {
		printf("replayed %llu calls (%llu skipped) on Linux %s: %zu divergence%s",
		       (unsigned long long)ran, (unsigned long long)(plan->n_calls - (int64_t)ran),
		       kernel, n, n == 1 ? "" : "s");
		if (n_ignored)
			printf(" (and %zu in calls --ignore skips)", n_ignored);
		putchar('\n');
	}
	for (size_t i = 0; rows && i < n && (o->json || !o->max || shown < (size_t)o->max); i++) {
		char *text = call_text(db, plan->run_id, rows[i].seq);

		if (o->json) {
			printf("{\"seq\":%lld,\"pid\":%d,\"call\":", (long long)rows[i].seq, rows[i].pid);
			put_json(stdout, text ? text : "");
			fputs(",\"field\":", stdout);
			put_json(stdout, rows[i].field);
			fputs(",\"recorded\":", stdout);
			put_json(stdout, rows[i].recorded);
			fputs(",\"replayed\":", stdout);
			put_json(stdout, rows[i].replayed);
			fputs("}\n", stdout);
		} else {
			printf("\nseq %lld [pid %d] %s\n    %s: recorded %s, replayed %s\n",
			       (long long)rows[i].seq, rows[i].pid, text ? text : "?", rows[i].field,
			       rows[i].recorded, rows[i].replayed);
		}
		free(text);
		shown++;
	}
	if (!o->json && shown < n)
		printf("\n(%zu more; --max 0 shows all, the table divergence holds all)\n",
		       n - shown);
	if (o->json) {
		printf("{\"summary\":{\"run\":%lld,\"kernel\":", (long long)plan->run_id);
		put_json(stdout, kernel);
		printf(",\"replayed\":%llu,\"skipped\":%llu,\"divergences\":%zu,\"ignored\":%zu}}\n",
		       (unsigned long long)ran, (unsigned long long)(plan->n_calls - (int64_t)ran), n,
		       n_ignored);
	}
	if (rows && db_divergences_store(db, plan->run_id, kernel, rows, n, NULL, msg) < 0)
		cli_warn("replay: cannot store the divergences: %s", msg);
	free(rows);
	return n;
}

/* Refuse a replay from changed real files, unless --force; true when refused. */
static bool refuse_changed(const struct opts *o, const struct replay_plan *plan, size_t n_changed)
{
	if (!n_changed || o->force)
		return false;
	cli_error("replay: %zu real file%s changed since run %lld; replaying would report"
		  " the changes, not the kernel (--force replays anyway)",
		  n_changed, n_changed == 1 ? "" : "s", (long long)plan->run_id);
	return true;
}

static void print_times(const long long t[4], const struct replay_plan *plan)
{
	fprintf(stderr, "pcow: replay times: plan %.3fs, rebuild after it %.3fs (%zu objects),"
		" execute %.3fs (%zu steps), report %.3fs\n",
		(double)(t[1] - t[0]) / 1e9, (double)(t[2] - t[1]) / 1e9, plan->n_touches,
		(double)(t[3] - t[2]) / 1e9, plan->n_steps, (double)(cli_now_ns() - t[3]) / 1e9);
}

/*
 * The starting tree, rebuilt in a thread of its own while the steps load
 * (it needs only the touched objects, which are loaded first).
 */
struct rebuild {
	const struct opts *o;
	const struct replay_plan *plan;
	struct db *db;		/* the log, to open a connection of the thread's own */
	struct db_replay_run range; /* the run's id and seqs */
	pthread_t thread;
	bool started;
	char root[PATH_MAX];
	bool made_root;
	struct changed changed;
	size_t n_changed;
	int err;	       /* -errno of make_root (!made_root), or of replay_rebuild (msg) */
	char msg[512];
	long long t_done;
};

static void *rebuild_main(void *opaque)
{
	struct rebuild *rb = opaque;
	const char *base = rb->o->keep ? NULL : scratch_base(rb->plan, rb->db, &rb->range);

	rb->err = make_root(rb->o, base, rb->root, sizeof(rb->root));
	if (!rb->err) {
		rb->made_root = true;
		rb->err = replay_rebuild(rb->plan, rb->root, on_changed, &rb->changed,
					 &rb->n_changed, rb->msg);
	}
	rb->t_done = cli_now_ns();
	return NULL;
}

/* Start it; when no thread can be made, it is run here and now. */
static void rebuild_start(struct rebuild *rb, const struct opts *o, const struct replay_plan *plan,
			  struct db *db, const struct db_replay_run *run)
{
	memset(rb, 0, sizeof(*rb));
	rb->o = o;
	rb->plan = plan;
	rb->db = db;
	rb->range.id = run->id;
	rb->range.seq_first = run->seq_first;
	rb->range.seq_last = run->seq_last;
	if (pthread_create(&rb->thread, NULL, rebuild_main, rb) == 0)
		rb->started = true;
	else
		rebuild_main(rb);
}

static void rebuild_wait(struct rebuild *rb)
{
	if (rb->started)
		pthread_join(rb->thread, NULL);
	rb->started = false;
}

/* Replay on the running kernel, from the tree rb rebuilt. */
static int replay_here(struct db *db, struct replay_plan *plan, const struct opts *o,
		       struct rebuild *rb, long long t_phase[4])
{
	char xmsg[512];
	const char *root = rb->root;
	struct replay_compare *cmp = NULL;
	struct emit_state es;
	struct findings fd;
	struct utsname uts;
	uint64_t skipped;
	int err, status = EXIT_BAD_INPUT;

	if (uname(&uts) < 0)
		snprintf(uts.release, sizeof(uts.release), "?");
	t_phase[2] = rb->t_done > t_phase[1] ? rb->t_done : t_phase[1];
	if (rb->err && !rb->made_root) {
		if (rb->err != -ENOTEMPTY)
			cli_error("replay: cannot make the scratch directory: %s",
				  strerror(-rb->err));
		goto out;
	}
	if (rb->err) {
		cli_error("replay: %s", rb->msg);
		goto out;
	}
	if (refuse_changed(o, plan, rb->n_changed))
		goto out;
	cmp = replay_compare_new(plan, o->strict);
	if (!cmp) {
		cli_error("replay: out of memory");
		goto out;
	}
	memset(&es, 0, sizeof(es));
	es.cmp = cmp;
	es.total = plan->n_steps ? plan->n_steps : 1;
	es.progress = isatty(2) && !o->json;
	if (!o->json)
		fprintf(stderr, "pcow: replaying run %lld (%s), recorded on Linux %s, on Linux %s\n",
			(long long)plan->run_id, plan->argv, plan->kernel_release, uts.release);
	err = replay_execute(plan, root, on_result, &es, xmsg);
	if (es.progress)
		fputs("\r\033[K", stderr);
	if (err) {
		cli_error("replay: %s", err == -ENOMEM ? "out of memory" : xmsg);
		goto out;
	}
	t_phase[3] = cli_now_ns();
	memset(&fd, 0, sizeof(fd));
	fd.divs = replay_divergences(cmp, &fd.n_divs);
	replay_compare_counts(cmp, &fd.ran, &skipped);
	fd.kernel = uts.release;
	status = report(db, plan, &fd, o) ? 1 : 0;
	if (getenv("PCOW_REPLAY_TIMES"))
		print_times(t_phase, plan);
out:
	replay_compare_free(cmp);
	return status;
}

/* Make plan self-contained and write it as a bundle at path. */
static int write_bundle(struct replay_plan *plan, const struct opts *o, const char *path,
			uint64_t *ret_size)
{
	struct changed changed = { 0 };
	size_t n_changed = 0;
	char msg[512];

	if (replay_plan_embed(plan, on_changed, &changed, &n_changed, msg) < 0) {
		cli_error("replay: %s", msg);
		return -1;
	}
	if (refuse_changed(o, plan, n_changed))
		return -1;
	if (replay_bundle_write(plan, o->strict, path, &plan->bundle_crc, ret_size, msg) < 0) {
		cli_error("replay: cannot write the bundle: %s", msg);
		return -1;
	}
	return 0;
}

/* --export-bundle DIR: DIR/replay.bundle and DIR/pcow-replayer. */
static int export_bundle(struct replay_plan *plan, const struct opts *o)
{
	char path[PATH_MAX], replayer[PATH_MAX];
	uint64_t size = 0;
	int err;

	if (mkdir(o->export_dir, 0755) < 0 && errno != EEXIST) {
		cli_error("replay: --export-bundle %s: %s", o->export_dir, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	snprintf(path, sizeof(path), "%.4000s/replay.bundle", o->export_dir);
	if (write_bundle(plan, o, path, &size) < 0)
		return EXIT_BAD_INPUT;
	if (cli_replayer_path(replayer, sizeof(replayer)) == 0) {
		char dst[PATH_MAX], real[PATH_MAX];

		snprintf(dst, sizeof(dst), "%.4000s/pcow-replayer", o->export_dir);
		err = realpath(replayer, real) ? replay_copy(real, dst, 0755, NULL) : -errno;
		if (err)
			cli_warn("replay: cannot copy pcow-replayer to %s: %s", dst, strerror(-err));
	} else {
		cli_warn("replay: pcow-replayer not found; the bundle was written without it");
	}
	printf("wrote %s: run %lld, %zu calls to replay, %zu objects, %.1f MiB\n", path,
	       (long long)plan->run_id, plan->n_steps, plan->n_touches, (double)size / 1048576.0);
	printf("run it with:  pcow-replayer -o results %s\n"
	       "then report:  pcow replay %s --results results\n",
	       path, o->store ? o->store : "");
	return 0;
}

/* Check that an outcome is for this plan; false (with the error printed) if not. */
static bool outcome_fits(const struct replay_outcome *out, const struct replay_plan *plan,
			 const char *what)
{
	if (out->error) {
		cli_error("replay: pcow-replayer could not run the calls: %s", out->error);
		return false;
	}
	if (out->run_id != plan->run_id || out->n_steps != plan->n_steps) {
		cli_error("replay: %s: the results are for run %lld (%llu calls), not run %lld"
			  " (%zu calls)",
			  what, (long long)out->run_id, (unsigned long long)out->n_steps,
			  (long long)plan->run_id, plan->n_steps);
		return false;
	}
	if (out->plan_id != replay_plan_id(plan)) {
		cli_error("replay: %s: the results are for another recording of run %lld (the"
			  " recorded calls differ: plan %08x, results %08x)",
			  what, (long long)plan->run_id, replay_plan_id(plan), out->plan_id);
		return false;
	}
	return true;
}

static int report_outcome(struct db *db, const struct replay_plan *plan,
			  const struct replay_outcome *out, const struct opts *o, const char *how)
{
	struct findings fd = { out->divs, out->n_divs, out->ran, out->release };

	if (!o->json)
		fprintf(stderr, "pcow: replayed run %lld (%s), recorded on Linux %s, on Linux %s (%s)\n",
			(long long)plan->run_id, plan->argv, plan->kernel_release, out->release, how);
	return report(db, plan, &fd, o) ? 1 : 0;
}

/* --results FILE: what pcow-replayer wrote for an exported bundle. */
static int from_results(struct db *db, const struct replay_plan *plan, const struct opts *o)
{
	struct replay_outcome out;
	char msg[512];
	size_t len;
	char *text = cli_slurp(o->results, &len);
	int status = EXIT_BAD_INPUT;

	if (!text) {
		cli_error("replay: --results %s: %s", o->results, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	if (replay_stream_parse(text, len, &out, msg) < 0)
		cli_error("replay: --results %s: %s", o->results, msg);
	else if (outcome_fits(&out, plan, o->results))
		status = report_outcome(db, plan, &out, o, out.strict ? "results file, --strict"
								      : "results file");
	free(text);
	replay_outcome_free(&out);
	return status;
}

/* --kernel IMAGE: the calls run in QEMU. */
static int replay_vm(struct db *db, struct replay_plan *plan, struct opts *o,
		     long long t_phase[4])
{
	char dir[PATH_MAX], bundle[PATH_MAX], msg[512];
	const char *tmp = getenv("TMPDIR");
	struct replay_outcome out;
	uint64_t size = 0;
	int status = EXIT_BAD_INPUT, err;

	memset(&out, 0, sizeof(out));
	if (access(o->vm.kernel, R_OK) < 0) {
		cli_error("replay: --kernel %s: %s", o->vm.kernel, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	/* The bundle and initramfs are big: $TMPDIR or /tmp, never /dev/shm. */
	err = make_root(o, tmp && *tmp ? tmp : "/tmp", dir, sizeof(dir));
	if (err) {
		if (err != -ENOTEMPTY)
			cli_error("replay: cannot make a work directory: %s", strerror(-err));
		return EXIT_BAD_INPUT;
	}
	snprintf(bundle, sizeof(bundle), "%.4000s/replay.bundle", dir);
	if (write_bundle(plan, o, bundle, &size) < 0)
		goto out;
	t_phase[2] = cli_now_ns();
	err = cli_replay_vm(&o->vm, plan, bundle, size, dir, &out, msg);
	t_phase[3] = cli_now_ns();
	if (err) {
		cli_error("replay: %s", msg);
		if (o->vm.console)
			cli_replay_console_tail(dir, 15);
		goto out;
	}
	if (!outcome_fits(&out, plan, "the guest"))
		goto out;
	status = report_outcome(db, plan, &out, o, o->vm.kvm ? "QEMU, KVM" : "QEMU, TCG");
	if (getenv("PCOW_REPLAY_TIMES"))
		fprintf(stderr, "pcow: replay times: plan %.3fs, bundle %.3fs (%.1f MiB), initramfs"
			" %.3fs, QEMU %.3fs (guest: boot %.3fs, load %.3fs, rebuild %.3fs,"
			" execute %.3fs), report %.3fs\n",
			(double)(t_phase[1] - t_phase[0]) / 1e9,
			(double)(t_phase[2] - t_phase[1]) / 1e9, (double)size / 1048576.0,
			o->vm.times[0], o->vm.times[1], out.times[0], out.times[1], out.times[2],
			out.times[3], (double)(cli_now_ns() - t_phase[3]) / 1e9);
out:
	if (!o->keep)
		replay_remove_tree(dir);
	replay_outcome_free(&out);
	return status;
}

int cmd_replay(int argc, char **argv)
{
	char msg[DB_ERRMSG_SIZE];
	struct replay_plan plan;
	struct db_replay_run run;
	struct rebuild rb = { 0 };
	struct db *db = NULL;
	struct opts o;
	long long t_phase[4] = { 0 };
	bool here;
	int err, status = EXIT_BAD_INPUT;

	memset(&plan, 0, sizeof(plan));
	err = parse(argc, argv, &o);
	if (err)
		return err > 0 ? 0 : EXIT_BAD_INPUT;
	db = cli_open_log("replay", o.store, DB_OPEN_WRITE);
	if (!db)
		return EXIT_BAD_INPUT;
	t_phase[0] = cli_now_ns();
	here = !o.results && !o.export_dir && !o.vm.kernel;
	err = replay_plan_load_head(db, o.run_id, &plan, &run, msg);
	if (!err && here)
		rebuild_start(&rb, &o, &plan, db, &run);
	if (!err)
		err = replay_plan_load_steps(db, &run, &plan, msg);
	t_phase[1] = cli_now_ns();
	rebuild_wait(&rb);
	if (err)
		cli_error("%s", msg);
	else if (o.results)
		status = from_results(db, &plan, &o);
	else if (o.export_dir)
		status = export_bundle(&plan, &o);
	else if (o.vm.kernel)
		status = replay_vm(db, &plan, &o, t_phase);
	else
		status = replay_here(db, &plan, &o, &rb, t_phase);
	if (rb.made_root && !o.keep)
		replay_remove_tree(rb.root);
	replay_plan_free(&plan);
	db_close(db);
	return status;
}
