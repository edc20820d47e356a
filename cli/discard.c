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

int cmd_discard(int argc, char **argv)
{
	struct cow_store *store;
	int err;

	if (cli_store_only_command(argc, argv, "discard", usage_text, &store, &err))
		return err;
	err = cow_discard(store);
	cow_store_close(store);
	if (err) {
		cli_error("discard: %s", strerror(-err));
		return EXIT_BAD_INPUT;
	}
	return 0;
}
