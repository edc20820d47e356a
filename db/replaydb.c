/*
 * db/replaydb.c — what `pcow replay` reads from and writes to log.db: the
 * run's credentials and replay flag, the first-touch states (table touch),
 * the calls with their replay data (call and calldata, merged), the
 * tasks, and the divergences it found (table divergence).
 *
 * The calls come in seq order (completion order) from a range scan of
 * call's primary key, like db_calls, merged with a range scan of
 * calldata's; a call is returned when it has a calldata row or its number
 * is in the caller's list of calls that change a process's state (close,
 * dup, clone, execve...), which replay needs whatever their arguments were.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"

static int need_v2(struct db *db, char *errmsg)
{
	if (db->writer) {
		db_msg(errmsg, db, "the log writer is running");
		return -EBUSY;
	}
	if (db->version < 2) {
		db_msg(errmsg, db,
		       "recorded by an older pcow (schema version %d) without replay data",
		       db->version);
		return -EPROTO;
	}
	return 0;
}

static const char *col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? (const char *)s : NULL;
}

int db_open_reader(struct db *db, struct db **ret_db, char *errmsg)
{
	int err = db_open(db->path, DB_OPEN_READONLY, ret_db, errmsg);

	if (!err) /* as db_replay_run does for db */
		sqlite3_exec((*ret_db)->conn, "PRAGMA mmap_size = 4294967296", NULL, NULL, NULL);
	return err;
}

int db_replay_run(struct db *db, int64_t run_id, struct db_replay_run *out, char *errmsg)
{
	sqlite3_stmt *st = NULL;
	int rc, err;

	err = need_v2(db, errmsg);
	if (err)
		return err;
	/*
	 * The first of replay's reads.  The written bytes are most of the log
	 * (overflow pages), and the calls read every page of calldata: map the
	 * file rather than pread each page.  A failure only costs speed.
	 */
	sqlite3_exec(db->conn, "PRAGMA mmap_size = 4294967296", NULL, NULL, NULL);
	rc = sqlite3_prepare_v2(db->conn,
				"SELECT id, argv, cwd, kernel_release, uid, gid, groups, umask,"
				" replay, seq_first, seq_last, t_start, t_end"
				" FROM run WHERE id = ?1 OR (?1 = 0 AND id = (SELECT max(id) FROM run))",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the runs");
	sqlite3_bind_int64(st, 1, run_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *s;

		memset(out, 0, sizeof(*out));
		out->id = sqlite3_column_int64(st, 0);
		out->argv = strdup((s = col_text(st, 1)) ? s : "");
		out->cwd = strdup((s = col_text(st, 2)) ? s : "");
		out->kernel_release = strdup((s = col_text(st, 3)) ? s : "");
		out->uid = sqlite3_column_int64(st, 4);
		out->gid = sqlite3_column_int64(st, 5);
		out->groups = strdup((s = col_text(st, 6)) ? s : "");
		out->umask = sqlite3_column_int(st, 7);
		out->replay = sqlite3_column_int(st, 8) != 0;
		out->seq_first = sqlite3_column_type(st, 9) == SQLITE_NULL
					 ? 1
					 : sqlite3_column_int64(st, 9);
		out->seq_last = sqlite3_column_type(st, 10) == SQLITE_NULL
					? INT64_MAX
					: sqlite3_column_int64(st, 10);
		out->t_start = sqlite3_column_int64(st, 11);
		out->t_end = sqlite3_column_int64(st, 12);
		out->ended = sqlite3_column_type(st, 12) != SQLITE_NULL;
		if (!out->argv || !out->cwd || !out->kernel_release || !out->groups) {
			db_replay_run_free(out);
			err = -ENOMEM;
		}
	} else if (rc == SQLITE_DONE) {
		db_msg(errmsg, db, run_id ? "no run %lld" : "the log holds no run",
		       (long long)run_id);
		err = -ENOENT;
	} else {
		err = db_fail(db, rc, errmsg, "reading the runs");
	}
	sqlite3_finalize(st);
	return err;
}

void db_replay_run_free(struct db_replay_run *r)
{
	free(r->argv);
	free(r->cwd);
	free(r->kernel_release);
	free(r->groups);
	r->argv = r->cwd = r->kernel_release = r->groups = NULL;
}

int db_touches(struct db *db, int64_t run_id, db_touch_fn fn, void *opaque, char *errmsg)
{
	sqlite3_stmt *st = NULL;
	int rc, err;

	err = need_v2(db, errmsg);
	if (err)
		return err;
	rc = sqlite3_prepare_v2(db->conn,
				"SELECT path, type, mode, uid, gid, size, mtime_ns, dev, ino, nlink,"
				" hash, target, listed, content, source FROM touch WHERE run_id = ?"
				" ORDER BY id",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the touched paths");
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_touch t;

		memset(&t, 0, sizeof(t));
		t.path = col_text(st, 0);
		if (!t.path)
			continue;
		t.type = (uint32_t)sqlite3_column_int64(st, 1);
		t.mode = (uint32_t)sqlite3_column_int64(st, 2);
		t.uid = sqlite3_column_int64(st, 3);
		t.gid = sqlite3_column_int64(st, 4);
		t.size = sqlite3_column_int64(st, 5);
		t.mtime_ns = sqlite3_column_int64(st, 6);
		t.dev = sqlite3_column_int64(st, 7);
		t.ino = sqlite3_column_int64(st, 8);
		t.nlink = sqlite3_column_int64(st, 9);
		t.has_hash = sqlite3_column_type(st, 10) != SQLITE_NULL;
		t.hash = (uint64_t)sqlite3_column_int64(st, 10);
		t.target = col_text(st, 11);
		t.listed = sqlite3_column_int(st, 12) != 0;
		if (sqlite3_column_type(st, 13) != SQLITE_NULL) {
			t.content = sqlite3_column_blob(st, 13);
			t.content_len = (uint32_t)sqlite3_column_bytes(st, 13);
			if (!t.content)
				t.content = "";
		}
		if (sqlite3_column_type(st, 14) != SQLITE_NULL)
			t.source = col_text(st, 14);
		err = fn(&t, opaque);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(db, rc, errmsg, "reading the touched paths");
	sqlite3_finalize(st);
	return err;
}

/*
 * The calls and their data come from two range scans in seq order, merged
 * here, rather than from a join: the join seeks calldata's B-tree once per
 * call (about half the load of a big run), where a second cursor that
 * walks along costs one step.  The scan of call also counts the run's
 * calls (run->n_calls), which would otherwise be a scan of its own.
 */
static const char calls_sql[] =
	"SELECT seq, run_id, abi, nr, pid, coalesce(tid, pid), arg0, arg1, arg2, arg3, arg4,"
	" arg5, ret FROM call WHERE seq BETWEEN ?1 AND ?2";
static const char data_sql[] =
	"SELECT seq, smask, strs, hash, data FROM calldata WHERE seq BETWEEN ?1 AND ?2";

static bool in_state_nrs(const int *state_nrs, size_t n_state, int nr)
{
	for (size_t i = 0; i < n_state; i++)
		if (state_nrs[i] == nr)
			return true;
	return false;
}

/* Move the calldata cursor to the first row at or after seq; *dseq is its seq (INT64_MAX: none). */
static int data_seek(sqlite3_stmt *ds, int64_t seq, int64_t *dseq)
{
	int rc;

	while (*dseq < seq) {
		rc = sqlite3_step(ds);
		if (rc == SQLITE_DONE) {
			*dseq = INT64_MAX;
			break;
		}
		if (rc != SQLITE_ROW)
			return rc;
		*dseq = sqlite3_column_int64(ds, 0);
	}
	return SQLITE_OK;
}

int db_replay_calls(struct db *db, struct db_replay_run *run, const int *state_nrs,
		    size_t n_state, db_replay_call_fn fn, void *opaque, char *errmsg)
{
	sqlite3_stmt *cs = NULL, *ds = NULL;
	int64_t dseq = INT64_MIN, n_calls = 0;
	int rc, err;

	err = need_v2(db, errmsg);
	if (err)
		return err;
	rc = sqlite3_prepare_v2(db->conn, calls_sql, -1, &cs, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db->conn, data_sql, -1, &ds, NULL);
	if (rc != SQLITE_OK) {
		err = db_fail(db, rc, errmsg, "reading the calls");
		goto out_finalize;
	}
	sqlite3_bind_int64(cs, 1, run->seq_first);
	sqlite3_bind_int64(cs, 2, run->seq_last);
	sqlite3_bind_int64(ds, 1, run->seq_first);
	sqlite3_bind_int64(ds, 2, run->seq_last);
	while ((rc = sqlite3_step(cs)) == SQLITE_ROW) {
		struct db_replay_call c;

		memset(&c, 0, sizeof(c));
		if (sqlite3_column_int64(cs, 1) != run->id)
			continue;
		n_calls++;
		if (sqlite3_column_int(cs, 2) != 0 || sqlite3_column_type(cs, 12) == SQLITE_NULL)
			continue;
		c.seq = sqlite3_column_int64(cs, 0);
		c.nr = sqlite3_column_int(cs, 3);
		rc = data_seek(ds, c.seq, &dseq);
		if (rc != SQLITE_OK)
			break;
		c.has_data = dseq == c.seq;
		if (!c.has_data && !in_state_nrs(state_nrs, n_state, c.nr))
			continue;
		c.pid = sqlite3_column_int(cs, 4);
		c.tid = sqlite3_column_int(cs, 5);
		for (int i = 0; i < 6; i++)
			c.args[i] = (uint64_t)sqlite3_column_int64(cs, 6 + i);
		c.ret = sqlite3_column_int64(cs, 12);
		if (c.has_data) {
			c.smask = (uint8_t)sqlite3_column_int(ds, 1);
			c.strs = sqlite3_column_blob(ds, 2);
			c.strs_len = (uint32_t)sqlite3_column_bytes(ds, 2);
			c.has_hash = sqlite3_column_type(ds, 3) != SQLITE_NULL;
			c.hash = (uint64_t)sqlite3_column_int64(ds, 3);
			c.data = sqlite3_column_blob(ds, 4);
			c.data_len = (uint32_t)sqlite3_column_bytes(ds, 4);
		}
		err = fn(&c, opaque);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(db, rc, errmsg, "reading the calls");
	if (!err)
		run->n_calls = n_calls;
out_finalize:
	sqlite3_finalize(ds);
	sqlite3_finalize(cs);
	return err;
}

int db_replay_data_bytes(struct db *db, const struct db_replay_run *run, uint64_t *ret,
			 char *errmsg)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*ret = 0;
	rc = sqlite3_prepare_v2(db->conn,
				"SELECT coalesce(sum(length(data)), 0) FROM calldata"
				" WHERE seq BETWEEN ?1 AND ?2",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the calls' data");
	sqlite3_bind_int64(st, 1, run->seq_first);
	sqlite3_bind_int64(st, 2, run->seq_last);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, rc, errmsg, "reading the calls' data");
}

int db_replay_tasks(struct db *db, int64_t run_id, db_task_fn fn, void *opaque, char *errmsg)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(db->conn,
				"SELECT pid, coalesce(tgid, pid), coalesce(ppid, 0) FROM process"
				" WHERE run_id = ? ORDER BY id",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the processes");
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = fn(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
			 sqlite3_column_int(st, 2), opaque);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(db, rc, errmsg, "reading the processes");
	sqlite3_finalize(st);
	return err;
}

int db_divergences_store(struct db *db, int64_t run_id, const char *kernel,
			 const struct db_divergence *d, size_t n, int64_t *ret_replay_id,
			 char *errmsg)
{
	sqlite3_stmt *st = NULL;
	int64_t replay_id = 1;
	int rc, err;

	err = need_v2(db, errmsg);
	if (err)
		return err;
	err = db_exec(db, "BEGIN IMMEDIATE", errmsg);
	if (err)
		return err;
	rc = sqlite3_prepare_v2(db->conn, "SELECT coalesce(max(replay_id), 0) + 1 FROM divergence",
				-1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		replay_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW) {
		err = db_fail(db, rc, errmsg, "storing the divergences");
		goto out;
	}
	rc = sqlite3_prepare_v2(db->conn,
				"INSERT INTO divergence(replay_id, run_id, seq, pid, kernel, field,"
				" recorded, replayed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				-1, &st, NULL);
	if (rc != SQLITE_OK) {
		err = db_fail(db, rc, errmsg, "storing the divergences");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, replay_id);
		sqlite3_bind_int64(st, 2, run_id);
		sqlite3_bind_int64(st, 3, d[i].seq);
		sqlite3_bind_int(st, 4, d[i].pid);
		sqlite3_bind_text(st, 5, kernel, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, d[i].field, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, d[i].recorded, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, d[i].replayed, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			err = db_fail(db, rc, errmsg, "storing the divergences");
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	if (err) {
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
		return err;
	}
	if (ret_replay_id)
		*ret_replay_id = replay_id;
	return db_exec(db, "COMMIT", errmsg);
}
