/*
 * cli/replay.c — `pcow replay`: re-run a recorded run's file system calls
 * against the running kernel in a scratch tree and report every place
 * where the results differ from the recording.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
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
	"\n"
	"Re-run the file system calls of a recorded run against the running kernel,\n"
	"in a scratch copy of the files the run started from, and report every call\n"
	"whose result differs from the recording: return value and errno, bytes read\n"
	"(by hash), stat fields, directory listings, link targets.\n"
	"\n"
	"The starting tree is rebuilt from the real files, which pcow never changed,\n"
	"and checked against the hashes recorded when the run first touched them.\n"
	"\n"
	"Options:\n"
	"  --run N        replay run N (default: the latest)\n"
	"  --pid P        report only the divergences of process P\n"
	"  --max K        print at most K divergences (default 20; 0: all)\n"
	"  --json         one JSON object per divergence, then the summary\n"
	"  --keep DIR     build the scratch tree in DIR (new or empty) and keep it\n"
	"  --force        replay even when real files changed since the run\n"
	"  --strict       also compare inode numbers, times, and the sizes and link\n"
	"                 counts of directories\n"
	"  -h, --help     show this help\n"
	"\n"
	"Replay runs the calls chrooted into the scratch tree: as root, or in a new\n"
	"user namespace.  The divergences are also stored in the log (table\n"
	"divergence).\n"
	"\n"
	"Exit status: 0 no divergence, 1 divergences, 2 replay could not run (no or\n"
	"bad log, a run without replay data, real files changed).\n";

enum { OPT_RUN = 256, OPT_PID, OPT_MAX, OPT_JSON, OPT_KEEP, OPT_FORCE, OPT_STRICT };

static const struct option long_options[] = {
	{ "run", required_argument, NULL, OPT_RUN },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *store;
	int64_t run_id;
	int32_t pid;
	long max;
	bool json, force, strict;
	const char *keep;
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

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/*
 * Where the scratch tree goes by default: $TMPDIR when set; else /dev/shm
 * when it is a tmpfs with room for twice what the replay writes (the
 * starting tree and the written bytes), since a file system in memory
 * makes replay several times faster; else /tmp.
 */
static const char *scratch_base(const struct replay_plan *plan)
{
	const char *tmp = getenv("TMPDIR");
	uint64_t need = 64u << 20;
	struct statfs sf;

	if (tmp && *tmp)
		return tmp;
	for (size_t i = 0; i < plan->n_touches; i++)
		if (S_ISREG(plan->touches[i].type) && plan->touches[i].size > 0)
			need += (uint64_t)plan->touches[i].size;
	for (size_t i = 0; i < plan->n_steps; i++)
		need += plan->steps[i].data_len;
	if (statfs("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC &&
	    (uint64_t)sf.f_bavail * (uint64_t)sf.f_bsize > 2 * need && access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	return "/tmp";
}

/* The scratch tree's root: --keep DIR (new or empty), else a new temporary directory. */
static int make_root(const struct opts *o, const struct replay_plan *plan, char *root,
		     size_t size)
{
	const char *tmp = scratch_base(plan);

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
	if (snprintf(root, size, "%s/pcow-replay.XXXXXX", tmp) >= (int)size)
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

static int parse(int argc, char **argv, struct opts *o)
{
	long v;
	int opt;

	memset(o, 0, sizeof(*o));
	o->max = 20;
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
	return 0;
}

/* Print (and store) the divergences; returns how many there were. */
static size_t report(struct db *db, const struct replay_plan *plan, struct replay_compare *cmp,
		     const struct opts *o, const char *kernel)
{
	size_t n_all, n = 0, shown = 0;
	const struct replay_divergence *d = replay_divergences(cmp, &n_all);
	struct db_divergence *rows = calloc(n_all ? n_all : 1, sizeof(*rows));
	uint64_t ran, skipped;
	char msg[DB_ERRMSG_SIZE];

	replay_compare_counts(cmp, &ran, &skipped);
	for (size_t i = 0; i < n_all; i++) {
		const struct replay_step *st = &plan->steps[d[i].step];

		if (o->pid && st->pid != o->pid && st->tid != o->pid)
			continue;
		if (rows)
			rows[n] = (struct db_divergence){ st->seq, st->pid, d[i].field, d[i].recorded,
							  d[i].replayed };
		n++;
	}
	if (!o->json)
		printf("replayed %llu calls (%llu skipped): %zu divergence%s\n",
		       (unsigned long long)ran, (unsigned long long)(plan->n_calls - (int64_t)ran),
		       n, n == 1 ? "" : "s");
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
	if (o->json)
		printf("{\"summary\":{\"run\":%lld,\"kernel\":\"%s\",\"replayed\":%llu,"
		       "\"skipped\":%llu,\"divergences\":%zu}}\n",
		       (long long)plan->run_id, kernel, (unsigned long long)ran,
		       (unsigned long long)(plan->n_calls - (int64_t)ran), n);
	if (rows && db_divergences_store(db, plan->run_id, kernel, rows, n, NULL, msg) < 0)
		cli_warn("replay: cannot store the divergences: %s", msg);
	free(rows);
	return n;
}

int cmd_replay(int argc, char **argv)
{
	char msg[DB_ERRMSG_SIZE], root[PATH_MAX], xmsg[512];
	struct replay_plan plan;
	struct replay_compare *cmp = NULL;
	struct changed changed = { 0 };
	struct emit_state es;
	struct utsname uts;
	struct db *db = NULL;
	struct opts o;
	size_t n_changed = 0, n_div;
	bool made_root = false;
	long long t_phase[4] = { 0 };
	int err, status = EXIT_BAD_INPUT;

	memset(&plan, 0, sizeof(plan));
	err = parse(argc, argv, &o);
	if (err)
		return err > 0 ? 0 : EXIT_BAD_INPUT;
	db = cli_open_log("replay", o.store, DB_OPEN_WRITE);
	if (!db)
		return EXIT_BAD_INPUT;
	t_phase[0] = cli_now_ns();
	err = replay_plan_load(db, o.run_id, &plan, msg);
	t_phase[1] = cli_now_ns();
	if (err) {
		cli_error("%s", msg);
		goto out;
	}
	if (uname(&uts) < 0)
		snprintf(uts.release, sizeof(uts.release), "?");
	err = make_root(&o, &plan, root, sizeof(root));
	if (err) {
		if (err != -ENOTEMPTY)
			cli_error("replay: cannot make the scratch directory: %s", strerror(-err));
		goto out;
	}
	made_root = true;
	err = replay_rebuild(&plan, root, on_changed, &changed, &n_changed, xmsg);
	t_phase[2] = cli_now_ns();
	if (err) {
		cli_error("replay: %s", xmsg);
		goto out;
	}
	if (n_changed && !o.force) {
		cli_error("replay: %zu real file%s changed since run %lld; replaying would report"
			  " the changes, not the kernel (--force replays anyway)",
			  n_changed, n_changed == 1 ? "" : "s", (long long)plan.run_id);
		goto out;
	}
	cmp = replay_compare_new(&plan, o.strict);
	if (!cmp) {
		cli_error("replay: out of memory");
		goto out;
	}
	memset(&es, 0, sizeof(es));
	es.cmp = cmp;
	es.total = plan.n_steps ? plan.n_steps : 1;
	es.progress = isatty(2) && !o.json;
	if (!o.json)
		fprintf(stderr, "pcow: replaying run %lld (%s), recorded on Linux %s, on Linux %s\n",
			(long long)plan.run_id, plan.argv, plan.kernel_release, uts.release);
	err = replay_execute(&plan, root, on_result, &es, xmsg);
	if (es.progress)
		fputs("\r\033[K", stderr);
	if (err) {
		cli_error("replay: %s", err == -ENOMEM ? "out of memory" : xmsg);
		goto out;
	}
	t_phase[3] = cli_now_ns();
	n_div = report(db, &plan, cmp, &o, uts.release);
	status = n_div ? 1 : 0;
	if (getenv("PCOW_REPLAY_TIMES"))
		fprintf(stderr, "pcow: replay times: plan %.3fs, rebuild %.3fs (%zu objects),"
			" execute %.3fs (%zu steps), report %.3fs\n",
			(double)(t_phase[1] - t_phase[0]) / 1e9,
			(double)(t_phase[2] - t_phase[1]) / 1e9, plan.n_touches,
			(double)(t_phase[3] - t_phase[2]) / 1e9, plan.n_steps,
			(double)(cli_now_ns() - t_phase[3]) / 1e9);
out:
	if (made_root && !o.keep)
		nftw(root, rm_one, 64, FTW_DEPTH | FTW_PHYS);
	replay_compare_free(cmp);
	replay_plan_free(&plan);
	db_close(db);
	return status;
}
