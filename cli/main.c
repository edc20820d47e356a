/*
 * cli/main.c — `pcow SUBCOMMAND ...`: dispatch, --help, --version.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_text[] =
	"Usage: pcow SUBCOMMAND [OPTION...] [ARG...]\n"
	"\n"
	"Run a program under ptrace, record every system call it makes in a SQLite\n"
	"database, and print the recording back.\n"
	"\n"
	"Subcommands:\n"
	"  trace [OPTION...] [--] PROGRAM [ARG...]\n"
	"                       run PROGRAM traced and record its system calls\n"
	"  log [STORE|LOG.db] [OPTION...]\n"
	"                       print the recorded calls, like strace -f\n"
	"  stats [STORE|LOG.db] [OPTION...]\n"
	"                       per-syscall counts, errors and time, like strace -c\n"
	"  status [STORE]       the paths the program changed (A/M/D/R/T, like git)\n"
	"  diff [STORE] [PATH...]\n"
	"                       unified diff of the changes against the real files\n"
	"  commit [STORE] [PATH...] [--dry-run] [--force]\n"
	"                       apply the changes to the real files\n"
	"  discard [STORE]      drop the changes (the log stays)\n"
	"  replay [STORE|LOG.db] [OPTION...]\n"
	"                       re-run the recorded file calls against this kernel and\n"
	"                       report where the results differ\n"
	"\n"
	"A store is a directory holding log.db: ./.pcow unless --store DIR or the\n"
	"PCOW_STORE environment variable names another.  Every subcommand accepts\n"
	"the store directory or the path of its log.db.\n"
	"\n"
	"  -h, --help           show this help (pcow SUBCOMMAND --help: that command's)\n"
	"  -V, --version        show the version\n"
	"\n"
	"Exit status of pcow trace: the program's (128+N when signal N killed it),\n"
	"127 when the program cannot be run, 125 when pcow itself fails.\n"
	"Other subcommands: 0 on success, 2 on bad usage or an unusable log.\n"
	"\n"
	"See pcow(1) for the details.\n";

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct subcommand subcommands[] = {
	{ "trace", cmd_trace },
	{ "log", cmd_log },
	{ "stats", cmd_stats },
	{ "status", cmd_status },
	{ "diff", cmd_diff },
	{ "commit", cmd_commit },
	{ "discard", cmd_discard },
	{ "replay", cmd_replay },
};

int main(int argc, char **argv)
{
	const char *name;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_BAD_INPUT;
	}
	name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(name, "-V") || !strcmp(name, "--version")) {
		printf("pcow %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(name, subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);

	cli_error("'%s' is not a pcow subcommand; see 'pcow --help'", name);
	return EXIT_BAD_INPUT;
}
