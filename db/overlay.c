/*
 * db/overlay.c — SQL for the overlay index (table `overlay`, see
 * db/overlay.h and doc/schema.md).  cow/ mirrors the table in memory and
 * calls these to write every change through; loading happens once per
 * store opening.  Statements are prepared per call: these writes follow
 * a file copy or a rename, which cost far more.
 */
#include <errno.h>
#include <string.h>

#include "db/db_internal.h"
#include "db/overlay.h"

/*
 * The log writer of the same file (another connection, another thread)
 * keeps a transaction open for up to 50 ms: an overlay write would wait
 * for it in SQLite's busy handler.  Instead it asks the writer to commit
 * and holds it off until done (db_writer_hold).  Nested calls hold once.
 */
static void hold(struct db *db)
{
	if (db->yield_to && db->hold_depth++ == 0)
		db_writer_hold(db->yield_to);
}

static void release(struct db *db)
{
	if (db->yield_to && db->hold_depth > 0 && --db->hold_depth == 0)
		db_writer_release(db->yield_to);
}

static int step_done(struct db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int err = rc == SQLITE_DONE ? 0 : db_errno(db->conn, rc);

	sqlite3_finalize(st);
	return err;
}

static int prepare(struct db *db, const char *sql, sqlite3_stmt **st)
{
	int rc;

	if (db->writer)
		return -EBUSY;
	rc = sqlite3_prepare_v2(db->conn, sql, -1, st, NULL);
	return rc == SQLITE_OK ? 0 : db_errno(db->conn, rc);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int db_overlay_load(struct db *db, db_overlay_fn fn, void *opaque)
{
	struct db_overlay_row row;
	sqlite3_stmt *st;
	int rc, err;

	err = prepare(db,
		      "SELECT id, virt_path, kind, origin, orig_dev, orig_ino, orig_size,"
		      " orig_mtime_ns, orig_hash, orig_mode, orig_uid, orig_gid, state"
		      " FROM overlay ORDER BY virt_path",
		      &st);
	if (err)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.id = sqlite3_column_int64(st, 0);
		row.virt_path = (const char *)sqlite3_column_text(st, 1);
		row.kind = sqlite3_column_int(st, 2);
		row.origin = (const char *)sqlite3_column_text(st, 3);
		row.has_orig = sqlite3_column_type(st, 4) != SQLITE_NULL;
		row.orig_dev = sqlite3_column_int64(st, 4);
		row.orig_ino = sqlite3_column_int64(st, 5);
		row.orig_size = sqlite3_column_int64(st, 6);
		row.orig_mtime_ns = sqlite3_column_int64(st, 7);
		row.orig_hash = (uint64_t)sqlite3_column_int64(st, 8);
		row.orig_mode = (uint32_t)sqlite3_column_int64(st, 9);
		row.orig_uid = (uint32_t)sqlite3_column_int64(st, 10);
		row.orig_gid = (uint32_t)sqlite3_column_int64(st, 11);
		row.state = sqlite3_column_int(st, 12);
		if (!row.virt_path) {
			err = -EBADMSG;
			break;
		}
		err = fn(&row, opaque);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = db_errno(db->conn, rc);
	sqlite3_finalize(st);
	return err;
}

/* Bind the row's columns as ?1..?12 (the order of both statements in put). */
static void bind_row(sqlite3_stmt *st, const struct db_overlay_row *row)
{
	sqlite3_bind_text(st, 1, row->virt_path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, row->kind);
	bind_text_or_null(st, 3, row->origin);
	if (row->has_orig) {
		sqlite3_bind_int64(st, 4, row->orig_dev);
		sqlite3_bind_int64(st, 5, row->orig_ino);
		sqlite3_bind_int64(st, 6, row->orig_size);
		sqlite3_bind_int64(st, 7, row->orig_mtime_ns);
		sqlite3_bind_int64(st, 8, (int64_t)row->orig_hash);
		sqlite3_bind_int64(st, 9, row->orig_mode);
		sqlite3_bind_int64(st, 10, row->orig_uid);
		sqlite3_bind_int64(st, 11, row->orig_gid);
	}
	sqlite3_bind_int(st, 12, row->state);
}

/* UPDATE, then INSERT when no row matched: no UPSERT, which needs SQLite 3.24. */
static int overlay_put(struct db *db, const struct db_overlay_row *row, int64_t *ret_id)
{
	sqlite3_stmt *st;
	int rc, err;

	err = prepare(db,
		      "UPDATE overlay SET kind = ?2, origin = ?3, orig_dev = ?4, orig_ino = ?5,"
		      " orig_size = ?6, orig_mtime_ns = ?7, orig_hash = ?8, orig_mode = ?9,"
		      " orig_uid = ?10, orig_gid = ?11, state = ?12 WHERE virt_path = ?1",
		      &st);
	if (err)
		return err;
	bind_row(st, row);
	err = step_done(db, st);
	if (err)
		return err;
	if (sqlite3_changes(db->conn) == 0) {
		err = prepare(db,
			      "INSERT INTO overlay(virt_path, kind, origin, orig_dev, orig_ino,"
			      " orig_size, orig_mtime_ns, orig_hash, orig_mode, orig_uid, orig_gid,"
			      " state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
			      &st);
		if (err)
			return err;
		bind_row(st, row);
		err = step_done(db, st);
		if (err)
			return err;
	}
	if (!ret_id)
		return 0;
	err = prepare(db, "SELECT id FROM overlay WHERE virt_path = ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, row->virt_path, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret_id = sqlite3_column_int64(st, 0);
	err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -EIO : db_errno(db->conn, rc);
	sqlite3_finalize(st);
	return err;
}

static int overlay_rekey(struct db *db, int64_t id, const char *new_virt_path)
{
	sqlite3_stmt *st;
	int err = prepare(db, "UPDATE overlay SET virt_path = ? WHERE id = ?", &st);

	if (err)
		return err;
	sqlite3_bind_text(st, 1, new_virt_path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, id);
	return step_done(db, st);
}

static int overlay_set_origin(struct db *db, int64_t id, const char *origin)
{
	sqlite3_stmt *st;
	int err = prepare(db, "UPDATE overlay SET origin = ? WHERE id = ?", &st);

	if (err)
		return err;
	bind_text_or_null(st, 1, origin);
	sqlite3_bind_int64(st, 2, id);
	return step_done(db, st);
}

static int overlay_delete(struct db *db, const char *virt_path)
{
	sqlite3_stmt *st;
	int err = prepare(db, "DELETE FROM overlay WHERE virt_path = ?", &st);

	if (err)
		return err;
	sqlite3_bind_text(st, 1, virt_path, -1, SQLITE_TRANSIENT);
	return step_done(db, st);
}

static int overlay_set_state(struct db *db, int64_t id, int state)
{
	sqlite3_stmt *st;
	int err = prepare(db, "UPDATE overlay SET state = ? WHERE id = ?", &st);

	if (err)
		return err;
	sqlite3_bind_int(st, 1, state);
	sqlite3_bind_int64(st, 2, id);
	return step_done(db, st);
}

int db_overlay_clear(struct db *db)
{
	if (db->writer)
		return -EBUSY;
	return db_exec(db, "DELETE FROM overlay", NULL);
}

/* Savepoints nest, so a cow operation made of smaller ones stays one unit. */
int db_overlay_begin(struct db *db)
{
	int err;

	if (db->writer)
		return -EBUSY;
	hold(db);
	err = db_exec(db, "SAVEPOINT overlay_op", NULL);
	if (err)
		release(db);
	return err;
}

int db_overlay_end(struct db *db, bool commit)
{
	int err = 0;

	if (commit)
		err = db_exec(db, "RELEASE overlay_op", NULL);
	else
		sqlite3_exec(db->conn, "ROLLBACK TO overlay_op; RELEASE overlay_op", NULL, NULL,
			     NULL);
	release(db);
	return err;
}

void db_set_log_writer(struct db *db, struct db_writer *w)
{
	db->yield_to = w;
}

int db_overlay_put(struct db *db, const struct db_overlay_row *row, int64_t *ret_id)
{
	int err;

	hold(db);
	err = overlay_put(db, row, ret_id);
	release(db);
	return err;
}

int db_overlay_rekey(struct db *db, int64_t id, const char *new_virt_path)
{
	int err;

	hold(db);
	err = overlay_rekey(db, id, new_virt_path);
	release(db);
	return err;
}

int db_overlay_set_origin(struct db *db, int64_t id, const char *origin)
{
	int err;

	hold(db);
	err = overlay_set_origin(db, id, origin);
	release(db);
	return err;
}

int db_overlay_delete(struct db *db, const char *virt_path)
{
	int err;

	hold(db);
	err = overlay_delete(db, virt_path);
	release(db);
	return err;
}

int db_overlay_set_state(struct db *db, int64_t id, int state)
{
	int err;

	hold(db);
	err = overlay_set_state(db, id, state);
	release(db);
	return err;
}
