/*
 * cli/log.c — `pcow log`: print a recorded run the way `strace -f -o FILE`
 * prints a live one, one call per line:
 *
 *	[pid  1234] openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
 *	[pid  1235] [i386] open("/x", O_RDONLY) = -1 ENOENT (No such file or directory)
 *	[pid  1234] exit_group(0) = ?
 *
 * The arguments are the text the tracer stored when it recorded the call
 * (decoded while the tracee's memory could still be read); the result is
 * formatted here with emu_format_ret.  Unlike strace, the "[pid N] " prefix
 * (the thread id) is on every line, even with one process, so the output
 * is the same whatever the run did and grep can rely on it.  Filtering is
 * done by the database (db_calls); this file only parses options, checks
 * the syscall names against the table, and prints.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "db/db.h"
#include "emu/syscalls.h"

#define X32_SYSCALL_BIT 0x40000000

static const char usage_text[] =
	"Usage: pcow log [STORE|LOG.db] [OPTION...]\n"
	"\n"
	"Print the system calls recorded by 'pcow trace', one per line, the way\n"
	"'strace -f' prints them:\n"
	"\n"
	"  [pid  1234] openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3\n"
	"  [pid  1234] openat(AT_FDCWD, \"/x\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
	"  [pid  1240] [i386] write(1, \"hi\\n\", 3) = 3\n"
	"  [pid  1234] exit_group(0) = ?\n"
	"\n"
	"Every line starts with the id of the thread that made the call, even when\n"
	"there is only one.  Calls made through the 32-bit system call ABI (int 0x80)\n"
	"are marked [i386], x32 calls [x32].  A call that never returned (exit,\n"
	"exit_group, a thread killed inside a call) ends in '= ?'.  A system call\n"
	"pcow has no name for is shown by number, as syscall_0x1c9.  The arguments\n"
	"are the text pcow decoded while tracing, when the program's memory could\n"
	"still be read.\n"
	"\n"
	"STORE is a store directory (its log.db is read), LOG.db a log file.  The\n"
	"default is the store named by $PCOW_STORE, else ./.pcow.\n"
	"\n"
	"Options:\n"
	"      --run N        the calls of run N; each 'pcow trace' on a store\n"
	"                     appends a run, numbered from 1 (default: the latest)\n"
	"      --pid P        only the calls of process P (every thread of it), or\n"
	"                     of thread P when P is a thread\n"
	"      --syscall NAME[,NAME...]\n"
	"                     only these system calls; may be repeated (names as\n"
	"                     strace prints them: openat, newfstatat, ...)\n"
	"      --failed       only the calls that failed (result -4095 to -1)\n"
	"      --path GLOB    only the calls with a path argument matching GLOB: *\n"
	"                     (which also matches /), ? and [...] as in the shell,\n"
	"                     case-sensitive; quote it from the shell\n"
	"      --stack        after each call recorded with 'pcow trace --stack', its\n"
	"                     user stack, innermost frame first, as strace -k prints it:\n"
	"                       > /usr/lib/x86_64-linux-gnu/libc.so.6(open64+0x1b) [0x10f9cb]\n"
	"                     the module, the function and the offset in it (empty\n"
	"                     parentheses when the module has no symbol there), and the\n"
	"                     address in the module's own numbering (as addr2line -e\n"
	"                     MODULE takes it)\n"
	"  -h, --help         show this help and exit\n"
	"\n"
	"A call is printed when it passes every filter given.\n"
	"\n"
	"Exit status: 0 on success; 2 on bad usage, or when the log is missing, is\n"
	"not a pcow log, is of another pcow version, or is corrupt.\n"
	"\n"
	"The log is a SQLite database: doc/schema.md describes its tables, for\n"
	"the questions 'pcow log' does not answer.\n";

enum {
	OPT_RUN = 256,
	OPT_PID,
	OPT_SYSCALL,
	OPT_FAILED,
	OPT_PATH,
	OPT_STACK,
};

static const struct option long_options[] = {
	{ "run", required_argument, NULL, OPT_RUN },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "syscall", required_argument, NULL, OPT_SYSCALL },
	{ "failed", no_argument, NULL, OPT_FAILED },
	{ "path", required_argument, NULL, OPT_PATH },
	{ "stack", no_argument, NULL, OPT_STACK },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The --syscall names, split at commas. */
struct name_list {
	char **names;
	size_t n;
	size_t cap;
};

static void name_list_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

/* "syscall_0x1c9": the name pcow log prints for a number without a name. */
static bool is_number_name(const char *name)
{
	const char *hex = name + strlen("syscall_0x");

	return !strncmp(name, "syscall_0x", strlen("syscall_0x")) && *hex &&
	       strspn(hex, "0123456789abcdef") == strlen(hex);
}

static bool known_name(const char *name)
{
	if (is_number_name(name))
		return true;
	for (int abi = 0; abi < EMU_ABI_COUNT; abi++)
		if (emu_syscall_by_name((enum emu_abi)abi, name))
			return true;
	return false;
}

/* Add the comma-separated names of arg; 0, or EXIT_BAD_INPUT after a message. */
static int add_names(struct name_list *l, const char *arg)
{
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ",");
		char *name;

		if (len == 0) {
			cli_error("log: --syscall '%s': empty system call name", arg);
			return EXIT_BAD_INPUT;
		}
		name = strndup(p, len);
		if (!name)
			goto out_nomem;
		if (!known_name(name)) {
			cli_error("log: --syscall: unknown system call '%s'", name);
			free(name);
			return EXIT_BAD_INPUT;
		}
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 8;
			char **bigger = realloc(l->names, cap * sizeof(*bigger));

			if (!bigger) {
				free(name);
				goto out_nomem;
			}
			l->names = bigger;
			l->cap = cap;
		}
		l->names[l->n++] = name;
		if (!p[len])
			return 0;
		p += len + 1;
	}

out_nomem:
	cli_error("log: out of memory");
	return EXIT_BAD_INPUT;
}

static const struct emu_syscall *lookup(const struct db_call_row *row)
{
	long nr = row->nr;

	if (row->abi == EMU_ABI_X32)
		nr &= ~(long)X32_SYSCALL_BIT;
	return row->abi < EMU_ABI_COUNT ? emu_syscall_get((enum emu_abi)row->abi, nr) : NULL;
}

/* --stack: one frame, as strace -k prints it. */
static int print_frame(const struct db_frame_row *f, void *opaque)
{
	(void)opaque;
	if (!f->module)
		printf(" > ?() [0x%llx]\n", (unsigned long long)f->addr);
	else if (f->symbol)
		printf(" > %s(%s+0x%llx) [0x%llx]\n", f->module, f->symbol,
		       (unsigned long long)f->offset, (unsigned long long)f->addr);
	else
		printf(" > %s() [0x%llx]\n", f->module, (unsigned long long)f->addr);
	return ferror(stdout) ? -EPIPE : 0;
}

/*
 * " (rewritten)", with the paths the kernel was given instead when the
 * log has them: ` (rewritten: "/store/upper/a", "/store/upper/b")`.
 */
static void put_rewritten(FILE *f, const struct db_call_row *row)
{
	const char *sep = ": ";

	fputs(" (rewritten", f);
	for (int i = 0; i < 6; i++) {
		const char *p = row->rewritten[i];
		char small[256], *q = small;
		size_t n;

		if (!p)
			continue;
		n = emu_quote(small, sizeof(small), p, strlen(p), false);
		if (n >= sizeof(small) && (q = malloc(n + 1)))
			emu_quote(q, n + 1, p, strlen(p), false);
		fprintf(f, "%s%s", sep, q ? q : small);
		if (q != small)
			free(q);
		sep = ", ";
	}
	fputc(')', f);
}

/* The call as pcow log prints it after "[pid N] ", to f. */
static void put_call(FILE *f, const struct db_call_row *row)
{
	const struct emu_syscall *sc = lookup(row);
	char ret[160], small[512], *args = NULL;

	if (row->abi == EMU_ABI_I386)
		fputs("[i386] ", f);
	else if (row->abi == EMU_ABI_X32)
		fputs("[x32] ", f);
	else if (row->abi != EMU_ABI_X86_64)
		fprintf(f, "[abi %u] ", row->abi);

	if (row->name)
		fputs(row->name, f);
	else if (sc)
		fputs(sc->name, f);
	else
		fprintf(f, "syscall_0x%x", (unsigned)row->nr);

	if (!row->args_text[0] && row->nargs > 0) {
		/* Nothing stored: decode the registers alone (pointers stay pointers). */
		static const struct emu_blob none[6];
		size_t n = emu_format_args(small, sizeof(small), sc, row->args, none, row->ret);

		args = small;
		if (n >= sizeof(small) && (args = malloc(n + 1)))
			emu_format_args(args, n + 1, sc, row->args, none, row->ret);
		else if (!args)
			args = small;
	}
	fprintf(f, "(%s) = ", args ? args : row->args_text);
	if (args != small)
		free(args);

	if (row->returned) {
		emu_format_ret(ret, sizeof(ret), sc, row->ret);
		fputs(ret, f);
	} else {
		fputc('?', f);
	}
	/* What the copy-on-write layer did, like strace's "(INJECTED)". */
	if (row->action == DB_ACTION_REWRITE)
		put_rewritten(f, row);
	else if (row->action == DB_ACTION_EMULATE)
		fputs(" (emulated)", f);
	else if (row->action == DB_ACTION_DENY)
		fputs(" (denied)", f);
}

char *cli_call_text(const struct db_call_row *row)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		return NULL;
	put_call(f, row);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static int print_call(const struct db_call_row *row, void *opaque)
{
	struct db_stack_reader *stacks = opaque;

	printf("[pid %5d] ", row->tid);
	put_call(stdout, row);
	fputc('\n', stdout);
	if (stacks && row->stack_id) {
		int err = db_stack_frames(stacks, row->stack_id, print_frame, NULL, NULL);

		if (err)
			return err;
	}
	/* Stop early when nobody reads any more. */
	return ferror(stdout) ? -EPIPE : 0;
}

int cmd_log(int argc, char **argv)
{
	struct name_list names = { NULL, 0, 0 };
	struct db_stack_reader *stacks = NULL;
	struct db_call_filter filter;
	bool want_stacks = false;
	char msg[DB_ERRMSG_SIZE];
	const char *store = NULL;
	struct db *db = NULL;
	int opt, err, status = EXIT_BAD_INPUT;
	long v;

	memset(&filter, 0, sizeof(filter));
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(usage_text, stdout);
			status = 0;
			goto out;
		case OPT_RUN:
			if (!cli_parse_long(optarg, 1, LONG_MAX, &v)) {
				cli_error("log: --run '%s': not a run number", optarg);
				goto out;
			}
			filter.run_id = v;
			break;
		case OPT_PID:
			if (!cli_parse_long(optarg, 1, INT32_MAX, &v)) {
				cli_error("log: --pid '%s': not a process id", optarg);
				goto out;
			}
			filter.pid = (int32_t)v;
			break;
		case OPT_SYSCALL:
			if (add_names(&names, optarg))
				goto out;
			break;
		case OPT_FAILED:
			filter.failed_only = true;
			break;
		case OPT_PATH:
			filter.path_glob = optarg;
			break;
		case OPT_STACK:
			want_stacks = true;
			break;
		case ':':
			cli_error("log: option '%s' needs an argument; see 'pcow log --help'",
				  argv[optind - 1]);
			goto out;
		default:
			cli_error("log: unknown option '%s'; see 'pcow log --help'",
				  argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc)
		store = argv[optind++];
	if (optind < argc) {
		cli_error("log: unexpected argument '%s'; see 'pcow log --help'", argv[optind]);
		goto out;
	}
	if (names.n) {
		filter.names = (const char *const *)names.names;
		filter.n_names = names.n;
	}

	db = cli_open_log("log", store, DB_OPEN_READONLY);
	if (!db)
		goto out;
	if (want_stacks) {
		err = db_stack_reader_open(db, &stacks, msg);
		if (err) {
			cli_error("%s", msg);
			goto out;
		}
	}
	err = db_calls(db, &filter, print_call, stacks, msg);
	if (fflush(stdout) != 0 || ferror(stdout) || err == -EPIPE) {
		cli_error("log: cannot write the output");
		status = 1;
		goto out;
	}
	if (err) {
		cli_error("%s", msg);
		goto out;
	}
	status = 0;
out:
	db_stack_reader_close(stacks);
	db_close(db);
	name_list_free(&names);
	return status;
}
