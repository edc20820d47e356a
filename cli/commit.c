/*
 * cli/commit.c — `pcow commit`: apply the overlay's changes to the real
 * files (cow_commit does the work and explains its crash rules).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cow/cow.h"

static const char usage_text[] =
	"Usage: pcow commit [STORE|LOG.db] [PATH...] [--dry-run] [--force]\n"
	"\n"
	"Apply the changes the traced programs made in the copy-on-write overlay\n"
	"to the real files: additions, modifications, deletions, renames (a renamed\n"
	"directory is renamed, with everything below it), symbolic links, FIFOs,\n"
	"modes, owners (when permitted) and times.  The changes are printed first,\n"
	"as 'pcow status' prints them.\n"
	"\n"
	"Each file lands atomically: it is written beside its target, synced, and\n"
	"renamed over it, so a real file is always either the old or the new one.\n"
	"When a real file changed after the program first wrote to it (its device,\n"
	"inode, size, modification time or content differs from what pcow recorded\n"
	"then), that path is refused with a message and stays in the overlay; the\n"
	"other paths are committed.  A commit that is interrupted, even by SIGKILL\n"
	"or a crash, can be run again and finishes the work.  Committed changes\n"
	"leave the overlay; when everything was committed the overlay is empty.\n"
	"\n"
	"With PATHs, only changes at or below them are committed (and the renamed\n"
	"or new directories above them).  The first operand is the store when it\n"
	"is a store directory or a file ending in .db; else the store is\n"
	"$PCOW_STORE, or ./.pcow.\n"
	"\n"
	"Options:\n"
	"  -n, --dry-run  print what would be committed and refused; change nothing\n"
	"  -f, --force    commit paths whose real file changed since, overwriting\n"
	"                 (or deleting) it\n"
	"  -h, --help     show this help and exit\n"
	"\n"
	"Exit status: 0 when everything asked for was committed; 1 when some path\n"
	"was refused; 2 on bad usage, a missing or unusable store, or an error\n"
	"while committing (run the command again once the cause is fixed).\n";

static const struct option long_options[] = {
	{ "dry-run", no_argument, NULL, 'n' },
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_commit(int argc, char **argv)
{
	struct cow_commit_options copt = { .out = stdout };
	struct cow_store *store;
	char **paths = NULL;
	size_t n = 0;
	int opt, used, refused = 0, err;

	while ((opt = getopt_long(argc, argv, "nfh", long_options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			copt.dry_run = true;
			break;
		case 'f':
			copt.force = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs("Try 'pcow commit --help'.\n", stderr);
			return EXIT_BAD_INPUT;
		}
	}
	err = cli_open_cow_store(argc - optind, argv + optind, &store, &used);
	if (err)
		return err;
	paths = calloc((size_t)argc + 1, sizeof(*paths));
	err = paths ? 0 : -ENOMEM;
	for (int i = optind + used; i < argc && !err; i++)
		if (!(paths[n++] = cli_virt_path(argv[i])))
			err = -ENOMEM;
	copt.paths = (const char *const *)paths;
	copt.n_paths = n;
	if (!err)
		err = cow_commit(store, &copt, &refused);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	cow_store_close(store);
	fflush(stdout);
	if (err) {
		cli_error("commit: %s (run 'pcow commit' again to finish)", strerror(-err));
		return EXIT_BAD_INPUT;
	}
	if (refused) {
		cli_error("commit: %d path%s refused", refused, refused == 1 ? "" : "s");
		return 1;
	}
	return 0;
}
