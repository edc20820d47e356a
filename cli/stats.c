/*
 * cli/stats.c — `pcow stats`: the per-syscall summary of a recorded run,
 * laid out exactly as `strace -c` lays it out:
 *
 *	% time     seconds  usecs/call     calls    errors syscall
 *	------ ----------- ----------- --------- --------- ----------------
 *	 40.84    0.000252           6        39        19 openat
 *	...
 *	------ ----------- ----------- --------- --------- ----------------
 *	100.00    0.000617           4       148        26 total
 *
 * db_stats does the aggregation (one row per ABI and number, by total time
 * descending); this file splits the rows by ABI — strace prints one table
 * per personality, the later ones under "System call usage summary for 32
 * bit mode:" — and formats them.  Times are what pcow measured between the
 * entry and exit stops, so they include the tracing overhead, as strace -c -w
 * does; a call that never returned counts with no time.
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
#define N_ABIS 3 /* x86_64, i386, x32: the tables, in this order */

static const char usage_text[] =
	"Usage: pcow stats [STORE|LOG.db] [OPTION...]\n"
	"\n"
	"Summarise the system calls of a recorded run the way 'strace -c' does: one\n"
	"line per system call with its share of the time spent in system calls, the\n"
	"total time in seconds, the mean time per call in microseconds, the number\n"
	"of calls and of failed calls (result -4095 to -1), sorted by time, then a\n"
	"total line:\n"
	"\n"
	"  % time     seconds  usecs/call     calls    errors syscall\n"
	"  ------ ----------- ----------- --------- --------- ----------------\n"
	"   62.50    0.000050          12         4         1 openat\n"
	"   37.50    0.000030          10         3           read\n"
	"  ------ ----------- ----------- --------- --------- ----------------\n"
	"  100.00    0.000080          11         7         1 total\n"
	"\n"
	"A call's time is the wall-clock time between its entry and its exit as\n"
	"pcow saw them, tracing overhead included (strace -c -w measures the same\n"
	"way); a call that never returned counts as a call without time.  Calls made\n"
	"through the 32-bit ABIs get tables of their own, after the 64-bit one.\n"
	"\n"
	"STORE is a store directory (its log.db is read), LOG.db a log file.  The\n"
	"default is the store named by $PCOW_STORE, else ./.pcow.\n"
	"\n"
	"Options:\n"
	"      --run N        summarise run N; each 'pcow trace' on a store appends\n"
	"                     a run, numbered from 1 (default: the latest)\n"
	"  -h, --help         show this help and exit\n"
	"\n"
	"Exit status: 0 on success; 2 on bad usage, or when the log is missing, is\n"
	"not a pcow log, is of another pcow version, or is corrupt.\n";

enum {
	OPT_RUN = 256,
};

static const struct option long_options[] = {
	{ "run", required_argument, NULL, OPT_RUN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct stat_line {
	char *name;
	int64_t calls;
	int64_t errors;
	int64_t total_ns;
};

/* One table per ABI, rows in db_stats order (time descending). */
struct table {
	struct stat_line *lines;
	size_t n;
	size_t cap;
};

struct tables {
	struct table abi[N_ABIS];
	bool nomem;
};

static char *line_name(const struct db_stat_row *row)
{
	const struct emu_syscall *sc = NULL;
	long nr = row->nr;
	char buf[32];

	if (row->name)
		return strdup(row->name);
	if (row->abi == EMU_ABI_X32)
		nr &= ~(long)X32_SYSCALL_BIT;
	if (row->abi < EMU_ABI_COUNT)
		sc = emu_syscall_get((enum emu_abi)row->abi, nr);
	if (sc)
		return strdup(sc->name);
	snprintf(buf, sizeof(buf), "syscall_0x%x", (unsigned)row->nr);
	return strdup(buf);
}

static int add_row(const struct db_stat_row *row, void *opaque)
{
	struct tables *t = opaque;
	struct table *tab = &t->abi[row->abi < N_ABIS ? row->abi : 0];
	struct stat_line *line;

	if (tab->n == tab->cap) {
		size_t cap = tab->cap ? 2 * tab->cap : 64;
		struct stat_line *bigger = realloc(tab->lines, cap * sizeof(*bigger));

		if (!bigger)
			goto out_nomem;
		tab->lines = bigger;
		tab->cap = cap;
	}
	line = &tab->lines[tab->n];
	line->name = line_name(row);
	if (!line->name)
		goto out_nomem;
	line->calls = row->calls;
	line->errors = row->errors;
	line->total_ns = row->total_ns > 0 ? row->total_ns : 0;
	tab->n++;
	return 0;

out_nomem:
	t->nomem = true;
	return -ENOMEM;
}

static void print_rule(void)
{
	fputs("------ ----------- ----------- --------- --------- ----------------\n", stdout);
}

/* One strace -c line; errors are left blank when there are none. */
static void print_line(const char *percent, int64_t total_ns, int64_t calls, int64_t errors,
		       const char *name)
{
	int64_t usecs = total_ns / 1000;

	printf("%6s %4lld.%06lld %11lld %9lld %9.0lld %s\n", percent,
	       (long long)(usecs / 1000000), (long long)(usecs % 1000000),
	       (long long)(calls ? usecs / calls : 0), (long long)calls, (long long)errors, name);
}

static void print_table(const struct table *tab)
{
	int64_t total_ns = 0, calls = 0, errors = 0;
	char percent[16];

	for (size_t i = 0; i < tab->n; i++) {
		total_ns += tab->lines[i].total_ns;
		calls += tab->lines[i].calls;
		errors += tab->lines[i].errors;
	}
	printf("%6.6s %11.11s %11.11s %9.9s %9.9s %s\n", "% time", "seconds", "usecs/call",
	       "calls", "errors", "syscall");
	print_rule();
	for (size_t i = 0; i < tab->n; i++) {
		const struct stat_line *l = &tab->lines[i];

		snprintf(percent, sizeof(percent), "%6.2f",
			 total_ns ? 100.0 * (double)l->total_ns / (double)total_ns : 0.0);
		print_line(percent, l->total_ns, l->calls, l->errors, l->name);
	}
	print_rule();
	print_line("100.00", total_ns, calls, errors, "total");
}

int cmd_stats(int argc, char **argv)
{
	static const char *const mode_names[N_ABIS] = { "64 bit", "32 bit", "x32" };
	struct tables tables;
	char msg[DB_ERRMSG_SIZE];
	const char *store = NULL;
	struct db *db = NULL;
	int64_t run_id = 0;
	int opt, err, status = EXIT_BAD_INPUT;
	bool printed = false;
	long v;

	memset(&tables, 0, sizeof(tables));
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
				cli_error("stats: --run '%s': not a run number", optarg);
				goto out;
			}
			run_id = v;
			break;
		case ':':
			cli_error("stats: option '%s' needs an argument; see 'pcow stats --help'",
				  argv[optind - 1]);
			goto out;
		default:
			cli_error("stats: unknown option '%s'; see 'pcow stats --help'",
				  argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc)
		store = argv[optind++];
	if (optind < argc) {
		cli_error("stats: unexpected argument '%s'; see 'pcow stats --help'",
			  argv[optind]);
		goto out;
	}

	db = cli_open_log("stats", store, DB_OPEN_READONLY);
	if (!db)
		goto out;
	err = db_stats(db, run_id, add_row, &tables, msg);
	if (tables.nomem) {
		cli_error("stats: out of memory");
		goto out;
	}
	if (err) {
		cli_error("%s", msg);
		goto out;
	}

	/* The 64-bit table always (even empty), the others when they have calls. */
	for (int abi = 0; abi < N_ABIS; abi++) {
		if (abi > 0 && tables.abi[abi].n == 0)
			continue;
		if (printed)
			printf("System call usage summary for %s mode:\n", mode_names[abi]);
		print_table(&tables.abi[abi]);
		printed = true;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("stats: cannot write the output");
		status = 1;
		goto out;
	}
	status = 0;
out:
	for (int abi = 0; abi < N_ABIS; abi++) {
		for (size_t i = 0; i < tables.abi[abi].n; i++)
			free(tables.abi[abi].lines[i].name);
		free(tables.abi[abi].lines);
	}
	db_close(db);
	return status;
}
