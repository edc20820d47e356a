/*
 * cli/discard.c — `pcow discard`: drop the overlay; the trace log stays.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cow/cow.h"

static const char usage_text[] =
	"Usage: pcow discard [STORE|LOG.db]\n"
	"\n"
	"Drop every change in the copy-on-write overlay: the files in STORE/upper/\n"
	"and the overlay index in STORE/log.db.  The real files were never changed\n"
	"and stay as they are; the recorded system calls stay in the log ('pcow\n"
	"log', 'pcow stats' and 'pcow replay' still read them).  A later 'pcow\n"
	"trace' on the store starts from the real files again.\n"
	"\n"
	"STORE is a store directory, LOG.db its log; the default is $PCOW_STORE,\n"
	"else ./.pcow.\n"
	"\n"
	"Options:\n"
	"  -h, --help     show this help and exit\n"
	"\n"
	"Exit status: 0 on success; 2 on bad usage or a missing or unusable store.\n";

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_discard(int argc, char **argv)
{
	struct cow_store *store;
	int opt, used, err;

	while ((opt = getopt_long(argc, argv, "+h", long_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs("Try 'pcow discard --help'.\n", stderr);
			return EXIT_BAD_INPUT;
		}
	}
	if (argc - optind > 1) {
		cli_error("discard: too many operands; see 'pcow discard --help'");
		return EXIT_BAD_INPUT;
	}
	err = cli_open_cow_store(argc - optind, argv + optind, &store, &used);
	if (err)
		return err;
	if (argc - optind > used) {
		cli_error("%s: not a store", argv[optind]);
		cow_store_close(store);
		return EXIT_BAD_INPUT;
	}
	err = cow_discard(store);
	cow_store_close(store);
	if (err) {
		cli_error("discard: %s", strerror(-err));
		return EXIT_BAD_INPUT;
	}
	return 0;
}
