/*
 * db/reader.c — the queries behind `pcow log`, `pcow stats` and replay:
 * runs, the calls of a run with filters, per-syscall totals.
 *
 * A run's calls are found by seq range, not by an index on run_id: the
 * writer stores in run.seq_first a lower bound of the run's seqs (max(seq)
 * + 1 when it started) and db_run_end stores run.seq_last, the last seq
 * it inserted.  The calls of a run are then a rowid range scan in seq order,
 * filtered by run_id (two traces writing the same store at once interleave
 * their seqs).  "+c.run_id" keeps SQLite from preferring the (run_id, pid)
 * index, whose order would need a sort; with --pid that index is what we
 * want, and the process table turns a thread id into its thread group so
 * the index finds the calls of the whole group, of which the thread's are
 * kept.  A task the process table does not know falls back to a scan.
 *
 * --path GLOB: the path index uses NOCASE collation (so that LIKE can use
 * it), which GLOB cannot use directly.  The literal prefix of the pattern
 * gives a NOCASE range, a superset of the case-sensitive matches, that the
 * index can scan; GLOB then keeps the exact ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"

/* The most names a filter may list (SQLite's parameter limit is 999 before 3.32). */
#define MAX_FILTER_NAMES 500

struct run_range {
	int64_t id;
	int64_t t_start;
	int64_t seq_first;
	int64_t seq_last;
};

static const char *text_or_empty(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? (const char *)s : "";
}

static int check_idle(struct db *db, char *errmsg)
{
	if (!db->writer)
		return 0;
	db_msg(errmsg, db, "the log writer is running");
	return -EBUSY;
}

/* Find run_id (0: the latest) and its seq range. */
static int resolve_run(struct db *db, int64_t run_id, struct run_range *r, char *errmsg)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(db->conn,
				run_id ? "SELECT id, t_start, seq_first, seq_last FROM run"
					 " WHERE id = ?"
				       : "SELECT id, t_start, seq_first, seq_last FROM run"
					 " ORDER BY id DESC LIMIT 1",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the runs");
	if (run_id)
		sqlite3_bind_int64(st, 1, run_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		r->t_start = sqlite3_column_int64(st, 1);
		r->seq_first = sqlite3_column_type(st, 2) == SQLITE_NULL
				       ? 1
				       : sqlite3_column_int64(st, 2);
		r->seq_last = sqlite3_column_type(st, 3) == SQLITE_NULL
				      ? INT64_MAX
				      : sqlite3_column_int64(st, 3);
	} else if (rc != SQLITE_DONE) {
		err = db_fail(db, rc, errmsg, "reading the runs");
	} else {
		err = -ENOENT;
	}
	sqlite3_finalize(st);
	if (err != -ENOENT)
		return err;

	/* Say which runs there are. */
	rc = sqlite3_prepare_v2(db->conn, "SELECT count(*), min(id), max(id) FROM run", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the runs");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		err = db_fail(db, rc, errmsg, "reading the runs");
	else if (sqlite3_column_int64(st, 0) == 0)
		db_msg(errmsg, db, "the log holds no run yet");
	else if (sqlite3_column_int64(st, 0) == 1)
		db_msg(errmsg, db, "no run %lld: the log holds run %lld only", (long long)run_id,
		       (long long)sqlite3_column_int64(st, 1));
	else
		db_msg(errmsg, db, "no run %lld: the log holds runs %lld to %lld",
		       (long long)run_id, (long long)sqlite3_column_int64(st, 1),
		       (long long)sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	return err;
}

int db_run_latest(struct db *db, int64_t *ret_run_id, char *errmsg)
{
	struct run_range r;
	int err = check_idle(db, errmsg);

	if (!err)
		err = resolve_run(db, 0, &r, errmsg);
	if (!err)
		*ret_run_id = r.id;
	return err;
}

int db_runs(struct db *db, db_run_fn fn, void *opaque, char *errmsg)
{
	struct db_run_row run;
	sqlite3_stmt *st = NULL;
	int rc, err = check_idle(db, errmsg);

	if (err)
		return err;
	rc = sqlite3_prepare_v2(db->conn,
				"SELECT id, argv, cwd, pcow_version, kernel_release, options,"
				" t_start, t_end, exit_status, n_calls, n_processes"
				" FROM run ORDER BY id",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the runs");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&run, 0, sizeof(run));
		run.id = sqlite3_column_int64(st, 0);
		run.argv = text_or_empty(st, 1);
		run.cwd = text_or_empty(st, 2);
		run.pcow_version = text_or_empty(st, 3);
		run.kernel_release = text_or_empty(st, 4);
		run.options = text_or_empty(st, 5);
		run.t_start = sqlite3_column_int64(st, 6);
		run.ended = sqlite3_column_type(st, 7) != SQLITE_NULL;
		run.t_end = sqlite3_column_int64(st, 7);
		run.exit_status = sqlite3_column_int(st, 8);
		run.n_calls = run.ended ? sqlite3_column_int64(st, 9) : -1;
		run.n_processes = run.ended ? sqlite3_column_int64(st, 10) : -1;
		err = fn(&run, opaque);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(db, rc, errmsg, "reading the runs");
	sqlite3_finalize(st);
	return err;
}

/* ------------------------------------------------------------ calls */

/*
 * The NOCASE range [lo, hi) holding every path that starts, case
 * sensitively, with the literal prefix of glob (see the top of the file).
 * lo and hi are malloc'd; either is NULL when there is no such bound.
 */
static int glob_range(const char *glob, char **ret_lo, char **ret_hi)
{
	size_t n = strcspn(glob, "*?[");
	char *lo, *hi;

	*ret_lo = *ret_hi = NULL;
	if (n == 0)
		return 0;
	lo = strndup(glob, n);
	if (!lo)
		return -ENOMEM;
	/* NOCASE folds ASCII only. */
	for (size_t i = 0; i < n; i++)
		if (lo[i] >= 'A' && lo[i] <= 'Z')
			lo[i] = (char)(lo[i] - 'A' + 'a');
	hi = strdup(lo);
	if (!hi) {
		free(lo);
		return -ENOMEM;
	}
	/* The smallest string above every string starting with lo. */
	while (n > 0 && (unsigned char)hi[n - 1] == 0xff)
		hi[--n] = '\0';
	if (n > 0) {
		hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
	} else {
		free(hi);
		hi = NULL;
	}
	*ret_lo = lo;
	*ret_hi = hi;
	return 0;
}

/*
 * Build the SQL of db_calls.  Parameters: ?1 ?2 the seq range, ?3 the run,
 * ?4 the pid, ?5 the glob, ?6 ?7 its NOCASE range, ?10... the names.
 */
static char *calls_sql(const struct db_call_filter *filter, int version, bool pid_known,
		       bool have_lo, bool have_hi)
{
	char *sql = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&sql, &size);

	if (!f)
		return NULL;
	fputs("SELECT c.seq, c.pid, coalesce(c.tid, c.pid), c.abi, c.nr, s.name,"
	      " c.arg0, c.arg1, c.arg2, c.arg3, c.arg4, c.arg5, c.args, c.ret, c.t, c.dur,"
	      " c.action, c.stack_id",
	      f);
	/* Where each argument of a rewritten call was pointed (version 3). */
	for (int i = 0; i < 6; i++)
		if (version >= 3)
			fprintf(f, ", CASE WHEN c.action = %d THEN (SELECT p.rewritten FROM path"
				   " AS p WHERE p.seq = c.seq AND p.arg = %d) END",
				DB_ACTION_REWRITE, i);
		else
			fputs(", NULL", f);
	fputs(" FROM call AS c LEFT JOIN sysname AS s ON s.abi = c.abi AND s.nr = c.nr"
	      " WHERE c.seq BETWEEN ?1 AND ?2",
	      f);
	if (filter->pid && pid_known)
		fputs(" AND c.run_id = ?3 AND c.pid IN (SELECT ?4 UNION"
		      " SELECT tgid FROM process WHERE run_id = ?3 AND pid = ?4)"
		      " AND (c.pid = ?4 OR c.tid = ?4)",
		      f);
	else if (filter->pid)
		fputs(" AND +c.run_id = ?3 AND (c.pid = ?4 OR c.tid = ?4)", f);
	else
		fputs(" AND +c.run_id = ?3", f);
	if (filter->failed_only)
		fputs(" AND c.ret BETWEEN -4095 AND -1", f);
	if (filter->seq)
		fputs(" AND c.seq = ?8", f);
	if (filter->path_glob) {
		fputs(" AND c.seq IN (SELECT p.seq FROM path AS p WHERE p.path GLOB ?5", f);
		if (have_lo)
			fputs(" AND p.path >= ?6", f);
		if (have_hi)
			fputs(" AND p.path < ?7", f);
		fputs(")", f);
	}
	if (filter->names) {
		fputs(" AND coalesce(s.name, printf('syscall_0x%x', c.nr)) IN (", f);
		for (size_t i = 0; i < filter->n_names; i++)
			fprintf(f, "%s?%zu", i ? ", " : "", 10 + i);
		fputs(")", f);
	}
	fputs(" ORDER BY c.seq", f);
	if (fclose(f) != 0) {
		free(sql);
		return NULL;
	}
	return sql;
}

/*
 * Whether the process table knows task pid in the run: then its thread
 * group is known and the (run_id, pid) index finds its calls.  Otherwise
 * (a log whose tracer reported no task events) the calls are scanned.
 */
static int pid_known(struct db *db, int64_t run_id, int32_t pid, bool *ret_known, char *errmsg)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(db->conn, "SELECT 1 FROM process WHERE run_id = ? AND pid = ?",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the processes");
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, pid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		*ret_known = rc == SQLITE_ROW;
	else
		err = db_fail(db, rc, errmsg, "reading the processes");
	sqlite3_finalize(st);
	return err;
}

static void fill_call(sqlite3_stmt *st, const struct run_range *r, struct db_call_row *row)
{
	memset(row, 0, sizeof(*row));
	row->seq = sqlite3_column_int64(st, 0);
	row->run_id = r->id;
	row->pid = sqlite3_column_int(st, 1);
	row->tid = sqlite3_column_int(st, 2);
	row->abi = (uint8_t)sqlite3_column_int(st, 3);
	row->nr = sqlite3_column_int(st, 4);
	row->name = (const char *)sqlite3_column_text(st, 5);
	for (int i = 0; i < 6; i++) {
		if (sqlite3_column_type(st, 6 + i) == SQLITE_NULL)
			continue;
		row->args[i] = (uint64_t)sqlite3_column_int64(st, 6 + i);
		row->nargs = (uint8_t)(i + 1);
	}
	row->args_text = text_or_empty(st, 12);
	row->returned = sqlite3_column_type(st, 13) != SQLITE_NULL;
	row->ret = sqlite3_column_int64(st, 13);
	row->t_enter = r->t_start + sqlite3_column_int64(st, 14);
	row->t_exit = row->t_enter + sqlite3_column_int64(st, 15);
	row->action = (uint8_t)sqlite3_column_int(st, 16);
	row->stack_id = sqlite3_column_int64(st, 17);
	for (int i = 0; i < 6; i++)
		row->rewritten[i] = (const char *)sqlite3_column_text(st, 18 + i);
}

int db_calls(struct db *db, const struct db_call_filter *filter, db_call_fn fn, void *opaque,
	     char *errmsg)
{
	char *lo = NULL, *hi = NULL, *sql = NULL;
	struct db_call_row row;
	struct run_range r;
	sqlite3_stmt *st = NULL;
	bool known = false;
	int rc, err;

	err = check_idle(db, errmsg);
	if (err)
		return err;
	if (filter->names && filter->n_names > MAX_FILTER_NAMES) {
		db_msg(errmsg, db, "too many syscall names (at most %d)", MAX_FILTER_NAMES);
		return -E2BIG;
	}
	err = resolve_run(db, filter->run_id, &r, errmsg);
	if (err)
		return err;
	if (filter->pid) {
		err = pid_known(db, r.id, filter->pid, &known, errmsg);
		if (err)
			return err;
	}
	if (filter->path_glob && glob_range(filter->path_glob, &lo, &hi) < 0)
		goto out_nomem;
	sql = calls_sql(filter, db->version, known, lo != NULL, hi != NULL);
	if (!sql)
		goto out_nomem;

	rc = sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		err = db_fail(db, rc, errmsg, "reading the calls");
		goto out_free;
	}
	sqlite3_bind_int64(st, 1, r.seq_first);
	sqlite3_bind_int64(st, 2, r.seq_last);
	sqlite3_bind_int64(st, 3, r.id);
	if (filter->pid)
		sqlite3_bind_int(st, 4, filter->pid);
	if (filter->path_glob) {
		sqlite3_bind_text(st, 5, filter->path_glob, -1, SQLITE_STATIC);
		if (lo)
			sqlite3_bind_text(st, 6, lo, -1, SQLITE_STATIC);
		if (hi)
			sqlite3_bind_text(st, 7, hi, -1, SQLITE_STATIC);
	}
	if (filter->seq)
		sqlite3_bind_int64(st, 8, filter->seq);
	for (size_t i = 0; filter->names && i < filter->n_names; i++)
		sqlite3_bind_text(st, (int)(10 + i), filter->names[i], -1, SQLITE_STATIC);

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill_call(st, &r, &row);
		err = fn(&row, opaque);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(db, rc, errmsg, "reading the calls");
	sqlite3_finalize(st);
out_free:
	free(sql);
	free(lo);
	free(hi);
	return err;

out_nomem:
	db_msg(errmsg, db, "out of memory");
	err = -ENOMEM;
	goto out_free;
}

/* ------------------------------------------------------------ stats */

int db_stats(struct db *db, int64_t run_id, db_stat_fn fn, void *opaque, char *errmsg)
{
	struct db_stat_row row;
	struct run_range r;
	sqlite3_stmt *st = NULL;
	int rc, err;

	err = check_idle(db, errmsg);
	if (err)
		return err;
	err = resolve_run(db, run_id, &r, errmsg);
	if (err)
		return err;
	rc = sqlite3_prepare_v2(db->conn,
				"SELECT c.abi, c.nr, s.name, count(*),"
				" coalesce(sum(c.ret BETWEEN -4095 AND -1), 0),"
				" coalesce(sum(c.dur), 0) AS total"
				" FROM call AS c LEFT JOIN sysname AS s"
				" ON s.abi = c.abi AND s.nr = c.nr"
				" WHERE c.seq BETWEEN ?1 AND ?2 AND +c.run_id = ?3"
				" GROUP BY c.abi, c.nr ORDER BY total DESC, c.abi, c.nr",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the calls");
	sqlite3_bind_int64(st, 1, r.seq_first);
	sqlite3_bind_int64(st, 2, r.seq_last);
	sqlite3_bind_int64(st, 3, r.id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.abi = (uint8_t)sqlite3_column_int(st, 0);
		row.nr = sqlite3_column_int(st, 1);
		row.name = (const char *)sqlite3_column_text(st, 2);
		row.calls = sqlite3_column_int64(st, 3);
		row.errors = sqlite3_column_int64(st, 4);
		row.total_ns = sqlite3_column_int64(st, 5);
		row.mean_ns = row.calls ? row.total_ns / row.calls : 0;
		err = fn(&row, opaque);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(db, rc, errmsg, "reading the calls");
	sqlite3_finalize(st);
	return err;
}
