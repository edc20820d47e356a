/*
 * cli/diff.c — `pcow diff`: unified diffs of the overlay's changes against
 * the real files (cow_diff does the work).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cow/cow.h"

static const char usage_text[] =
	"Usage: pcow diff [STORE|LOG.db] [PATH...]\n"
	"\n"
	"Show what the traced programs changed, as unified diffs (3 lines of\n"
	"context) of each changed text file against the real file, old side\n"
	"'a/PATH', new side 'b/PATH', /dev/null for an added or deleted file.\n"
	"Changes that are not text differences get one line each:\n"
	"\n"
	"  Binary files a/PATH and b/PATH differ\n"
	"  renamed OLD -> NEW\n"
	"  mode changed PATH: 0644 -> 0755\n"
	"  owner changed PATH: UID:GID -> UID:GID\n"
	"  type changed PATH: file -> symbolic link\n"
	"  symbolic link PATH: OLD-TARGET -> NEW-TARGET\n"
	"  new directory PATH, new fifo PATH, deleted directory PATH, ...\n"
	"\n"
	"A file is binary when its first 8 KiB hold a NUL byte.  With PATHs, only\n"
	"changes at or below them are shown; relative PATHs are taken from the\n"
	"current directory.\n"
	"\n"
	"The first operand is the store when it is a store directory (holding\n"
	"log.db) or a file ending in .db; else the store is $PCOW_STORE, or\n"
	"./.pcow, and every operand is a PATH.\n"
	"\n"
	"Options:\n"
	"  -h, --help     show this help and exit\n"
	"\n"
	"Exit status: 0 on success; 2 on bad usage or a missing or unusable store.\n";

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_diff(int argc, char **argv)
{
	struct cow_store *store;
	char **paths = NULL;
	size_t n = 0;
	int opt, used, err;

	while ((opt = getopt_long(argc, argv, "+h", long_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs("Try 'pcow diff --help'.\n", stderr);
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
	if (!err)
		err = cow_diff(store, (const char *const *)paths, n, stdout);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	cow_store_close(store);
	if (err) {
		cli_error("diff: %s", strerror(-err));
		return EXIT_BAD_INPUT;
	}
	return fflush(stdout) == 0 ? 0 : EXIT_BAD_INPUT;
}
