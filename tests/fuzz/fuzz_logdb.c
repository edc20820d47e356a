/*
 * tests/fuzz/fuzz_logdb.c — libFuzzer target: everything pcow reads out
 * of a log.db it did not write itself: the runs, the calls as `pcow log`
 * prints them, the statistics, the stacks, a replay plan and the overlay
 * index rows.  The input is written to a file and opened read-only, as
 * the subcommands do.  The same bytes are also read as a packed overlay
 * change (db_overlay_unpack: what the index journal of cow/journal.c
 * holds).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "db/db.h"
#include "db/overlay.h"
#include "replay/replay.h"

/*
 * Remove the database and the side files SQLite may have made beside it;
 * one left behind (each run used to leave -wal and -shm in /tmp) aborts,
 * so the fuzzer and its regression test report it.
 */
static void remove_db(const char *path)
{
	static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
	char name[80];

	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", path, sides[i]);
		if (unlink(name) < 0 && errno != ENOENT)
			abort();
		if (access(name, F_OK) == 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int on_run(const struct db_run_row *run, void *opaque)
{
	(void)run;
	(void)opaque;
	return 0;
}

static int on_frame(const struct db_frame_row *frame, void *opaque)
{
	(void)frame;
	(void)opaque;
	return 0;
}

static int on_call(const struct db_call_row *row, void *opaque)
{
	struct db_stack_reader *stacks = opaque;
	char *text = cli_call_text(row);

	free(text);
	if (stacks && row->stack_id)
		db_stack_frames(stacks, row->stack_id, on_frame, NULL, NULL);
	return 0;
}

static int on_stat(const struct db_stat_row *row, void *opaque)
{
	(void)row;
	(void)opaque;
	return 0;
}

/* Every string of a row is whole: read it to the end. */
static int on_overlay(const struct db_overlay_row *row, void *opaque)
{
	size_t *n = opaque;

	*n += strlen(row->virt_path) + (row->origin ? strlen(row->origin) : 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static char path[64];
	struct db_stack_reader *stacks = NULL;
	struct db_call_filter filter;
	struct replay_plan plan;
	char msg[DB_ERRMSG_SIZE];
	struct db_overlay_row row;
	enum db_overlay_op op;
	struct db *db = NULL;
	size_t n = 0;
	int fd;

	if (db_overlay_unpack(data, len, &op, &row) == 0)
		on_overlay(&row, &n);
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/pcow-fuzz-logdb.%d", (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return 0;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return 0;
	}
	close(fd);
	if (db_open(path, DB_OPEN_READONLY, &db, msg) == 0) {
		db_runs(db, on_run, NULL, msg);
		db_stack_reader_open(db, &stacks, msg);
		memset(&filter, 0, sizeof(filter));
		db_calls(db, &filter, on_call, stacks, msg);
		db_stack_reader_close(stacks);
		db_stats(db, 0, on_stat, NULL, msg);
		if (replay_plan_load(db, 0, &plan, msg) == 0)
			replay_plan_free(&plan);
		db_overlay_load(db, on_overlay, &n);
		db_close(db);
	}
	remove_db(path);
	return 0;
}
