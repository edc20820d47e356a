/*
 * cli/trace.c — `pcow trace [OPTION...] [--] PROGRAM [ARG...]`.
 *
 * Finds the program as a shell would (127 and a shell's message when it
 * cannot), opens or creates the store and its log, starts a run, traces
 * the program to the end with the log writer attached, closes the run and
 * exits with the program's status.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/cli.h"
#include "db/db.h"
#include "emu/syscalls.h"
#include "tracer/record.h"
#include "tracer/spawn.h"
#include "tracer/tracer.h"

static const char trace_usage[] =
	"Usage: pcow trace [OPTION...] [--] PROGRAM [ARG...]\n"
	"\n"
	"Run PROGRAM under ptrace and record every system call of every thread and\n"
	"process it starts in the store's log (STORE/log.db).  PROGRAM is looked up\n"
	"in $PATH as a shell would.  Tracing the same store again appends a new run.\n"
	"\n"
	"Options:\n"
	"      --store DIR      the store directory (default: $PCOW_STORE, else ./.pcow)\n"
	"      --no-cow         record only; let the program change files for real\n"
	"                       (this version does not yet give a copy-on-write view:\n"
	"                       every run behaves as --no-cow)\n"
	"  -q, --quiet          no summary line at the end\n"
	"  -h, --help           show this help\n"
	"\n"
	"Environment:\n"
	"  PCOW_STORE           the default store directory\n"
	"  PCOW_FORCE_FALLBACK  1: read registers with PTRACE_GETREGSET and memory\n"
	"                       through /proc/PID/mem; peek: memory with PTRACE_PEEKDATA\n"
	"\n"
	"Exit status: the program's; 128+N when signal N killed it; 127 when it\n"
	"cannot be found or executed; 125 when pcow itself fails.\n";

struct trace_opts {
	const char *store;
	bool no_cow;
	bool quiet;
};

static int parse_options(int argc, char **argv, struct trace_opts *o)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "no-cow", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->store = cli_default_store();
	optind = 1;
	/* '+': options end at PROGRAM, whose own options are its business. */
	while ((c = getopt_long(argc, argv, "+qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->store = optarg;
			break;
		case 'n':
			o->no_cow = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(trace_usage, stdout);
			exit(0);
		default:
			fputs("Try 'pcow trace --help'.\n", stderr);
			return -EINVAL;
		}
	}
	if (optind >= argc) {
		cli_error("trace: no program given; see 'pcow trace --help'");
		return -EINVAL;
	}
	return optind;
}

/* mkdir -p for the store directory. */
static int make_store(const char *dir)
{
	char buf[PATH_MAX];
	struct stat st;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (stat(buf, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int register_names(struct db *db)
{
	for (int abi = 0; abi < EMU_ABI_COUNT; abi++) {
		size_t limit = emu_syscall_limit(abi), count;
		const struct emu_syscall *rows = emu_syscall_rows(abi, &count);
		const char **names = calloc(limit ? limit : 1, sizeof(*names));
		int err;

		if (!names)
			return -ENOMEM;
		for (size_t i = 0; i < count; i++)
			if (rows[i].nr >= 0 && (size_t)rows[i].nr < limit)
				names[rows[i].nr] = rows[i].name;
		err = db_set_syscall_names(db, abi, names, limit);
		free(names);
		if (err)
			return err;
	}
	return 0;
}

static const char *force_fallback(enum tracer_mem_mode *mode, bool *force_regs)
{
	const char *v = getenv("PCOW_FORCE_FALLBACK");

	*mode = TRACER_MEM_VM;
	*force_regs = false;
	if (!v || !*v || !strcmp(v, "0"))
		return NULL;
	*force_regs = true;
	*mode = !strcmp(v, "peek") ? TRACER_MEM_PEEK : TRACER_MEM_PROC;
	return v;
}

int cmd_trace(int argc, char **argv)
{
	char log_path[PATH_MAX], prog[PATH_MAX], cwd[PATH_MAX], errmsg[DB_ERRMSG_SIZE];
	struct tracer_result res;
	struct tracer_config cfg;
	struct db_run_info info;
	struct db_writer *w = NULL;
	struct trace_opts o;
	struct utsname uts;
	struct db *db = NULL;
	int64_t run_id;
	int first, err, status;

	first = parse_options(argc, argv, &o);
	if (first < 0)
		return EXIT_PCOW_ERROR;

	err = spawn_find_program(argv[first], prog, sizeof(prog));
	if (err == -ENOENT) {
		cli_error("%s: command not found", argv[first]);
		return EXIT_NOT_FOUND;
	}
	if (err) {
		cli_error("%s: %s", argv[first], strerror(-err));
		return EXIT_NOT_FOUND;
	}

	err = make_store(o.store);
	if (err) {
		cli_error("cannot create the store %s: %s", o.store, strerror(-err));
		return EXIT_PCOW_ERROR;
	}
	if (cli_log_path(o.store, log_path, sizeof(log_path)) < 0) {
		cli_error("%s: path too long", o.store);
		return EXIT_PCOW_ERROR;
	}
	err = db_open(log_path, DB_OPEN_CREATE | DB_OPEN_WRITE, &db, errmsg);
	if (err) {
		cli_error("%s", errmsg);
		return EXIT_PCOW_ERROR;
	}
	err = register_names(db);
	if (err) {
		cli_error("%s: cannot write the syscall names: %s", log_path, strerror(-err));
		goto out_error;
	}

	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "?");
	if (uname(&uts) < 0)
		snprintf(uts.release, sizeof(uts.release), "?");
	memset(&info, 0, sizeof(info));
	info.argv = (const char *const *)(argv + first);
	info.cwd = cwd;
	info.pcow_version = PACKAGE_VERSION;
	info.kernel_release = uts.release;
	info.options = o.no_cow ? "--no-cow" : "";
	info.t_start = cli_now_ns();
	err = db_run_begin(db, &info, &run_id);
	if (err) {
		cli_error("%s: cannot start a run: %s", log_path, strerror(-err));
		goto out_error;
	}
	err = db_writer_start(db, run_id, record_format, NULL, &w);
	if (err) {
		cli_error("%s: cannot start the log writer: %s", log_path, strerror(-err));
		goto out_error;
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.path = prog;
	cfg.argv = argv + first;
	cfg.writer = w;
	force_fallback(&cfg.mem_mode, &cfg.force_regs);
	err = tracer_run(&cfg, &res);

	status = db_writer_finish(w, errmsg);
	w = NULL;
	if (status)
		cli_error("%s: the log is incomplete: %s", log_path, errmsg);
	if (db_run_end(db, run_id, cli_now_ns(), err ? -1 : res.exit_status, res.n_calls,
		       res.n_processes) < 0 && !status)
		cli_error("%s: cannot close the run", log_path);
	db_close(db);
	if (err)
		return EXIT_PCOW_ERROR;
	if (res.exec_errno) {
		cli_error("%s: %s", argv[first], strerror(res.exec_errno));
		return EXIT_NOT_FOUND;
	}
	if (!o.quiet)
		fprintf(stderr, "pcow: %lld calls, %lld processes, %lld threads; log %s (run %lld)\n",
			(long long)res.n_calls, (long long)res.n_processes,
			(long long)res.n_threads, log_path, (long long)run_id);
	if (status)
		return EXIT_PCOW_ERROR;
	return res.exit_status;

out_error:
	if (w)
		db_writer_finish(w, errmsg);
	db_close(db);
	return EXIT_PCOW_ERROR;
}
