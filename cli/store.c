/*
 * cli/store.c — where the store and its log are.
 *
 * A store is a directory (./.pcow unless --store or $PCOW_STORE says
 * otherwise) holding log.db and, with copy-on-write, upper/.  Every
 * subcommand accepts either the store directory or the path of its log.db.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "db/db.h"

const char *cli_default_store(void)
{
	const char *env = getenv("PCOW_STORE");

	return env && *env ? env : ".pcow";
}

int cli_log_path(const char *store_or_log, char *buf, size_t size)
{
	const char *name = store_or_log ? store_or_log : cli_default_store();
	struct stat st;
	int n;

	/* A directory is a store; anything else (even missing) names the log. */
	if (stat(name, &st) == 0 && S_ISDIR(st.st_mode))
		n = snprintf(buf, size, "%s/log.db", name);
	else if (!store_or_log)
		n = snprintf(buf, size, "%s/log.db", name);
	else
		n = snprintf(buf, size, "%s", name);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

struct db *cli_open_log(const char *cmd, const char *store_or_log, unsigned flags)
{
	char log_path[PATH_MAX], msg[DB_ERRMSG_SIZE];
	struct db *db = NULL;
	int err;

	if (cli_log_path(store_or_log, log_path, sizeof(log_path)) < 0) {
		cli_error("%s: %s: name too long", cmd,
			  store_or_log ? store_or_log : cli_default_store());
		return NULL;
	}
	err = db_open(log_path, flags, &db, msg);
	if (err == -ENOENT)
		cli_error("%s: no such log (run 'pcow trace' first)", log_path);
	else if (err)
		cli_error("%s", msg);
	return db;
}
