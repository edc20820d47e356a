/*
 * db/overlay.c — SQL for the overlay index (table `overlay`, see
 * db/overlay.h and doc/schema.md).  cow/ mirrors the table in memory and
 * calls these to write every change through; loading happens once per
 * store opening.
 *
 * Changes are packed (struct packed below, then the path and the origin,
 * each with its NUL).  Without a log writer a change is run at once, with
 * statements prepared per call: outside a trace these writes follow a
 * file copy or a rename, which cost far more.  During a trace the log
 * writer of the same file keeps a transaction open for up to 50 ms; a
 * write of ours through another connection would have to wait for it, or
 * make it commit, at every change (that cost pcow trace two thirds of its
 * time on tar).  So the packed change is queued to the writer instead,
 * which runs it in its own transactions with cached statements
 * (db_overlay_exec).  cow/ journals the same bytes first, so a change
 * that was queued but not yet committed when pcow died is not lost.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "db/overlay.h"

/* The fixed part of a packed change; host byte order (it never leaves the machine). */
struct packed {
	int64_t id, dev, ino, size, mtime_ns;
	uint64_t hash;
	uint32_t mode, uid, gid;
	uint32_t path_len, origin_len; /* without their NULs */
	int32_t kind, state;
	uint8_t op, has_orig, has_origin, pad;
};

static const char sql_update[] =
	"UPDATE overlay SET kind = ?2, origin = ?3, orig_dev = ?4, orig_ino = ?5,"
	" orig_size = ?6, orig_mtime_ns = ?7, orig_hash = ?8, orig_mode = ?9,"
	" orig_uid = ?10, orig_gid = ?11, state = ?12 WHERE virt_path = ?1";
static const char sql_insert[] =
	"INSERT INTO overlay(virt_path, kind, origin, orig_dev, orig_ino,"
	" orig_size, orig_mtime_ns, orig_hash, orig_mode, orig_uid, orig_gid,"
	" state, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
static const char sql_delete[] = "DELETE FROM overlay WHERE virt_path = ?1";
static const char sql_id[] = "SELECT id FROM overlay WHERE virt_path = ?1";

static int prepare(struct db *db, const char *sql, sqlite3_stmt **st)
{
	int rc;

	if (db->writer)
		return -EBUSY;
	rc = sqlite3_prepare_v2(db->conn, sql, -1, st, NULL);
	return rc == SQLITE_OK ? 0 : db_errno(db->conn, rc);
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

/* ------------------------------------------------------ packed changes */

size_t db_overlay_packed_size(const struct db_overlay_row *row)
{
	return sizeof(struct packed) + strlen(row->virt_path) + 1 +
	       (row->origin ? strlen(row->origin) + 1 : 0);
}

size_t db_overlay_pack(enum db_overlay_op op, const struct db_overlay_row *row, void *buf)
{
	struct packed p;
	char *s = (char *)buf + sizeof(p);

	memset(&p, 0, sizeof(p));
	p.op = (uint8_t)op;
	p.path_len = (uint32_t)strlen(row->virt_path);
	if (op == DB_OVERLAY_PUT) {
		p.id = row->id;
		p.kind = row->kind;
		p.state = row->state;
		p.has_orig = row->has_orig;
		p.dev = row->orig_dev;
		p.ino = row->orig_ino;
		p.size = row->orig_size;
		p.mtime_ns = row->orig_mtime_ns;
		p.hash = row->orig_hash;
		p.mode = row->orig_mode;
		p.uid = row->orig_uid;
		p.gid = row->orig_gid;
		p.has_origin = row->origin != NULL;
		p.origin_len = row->origin ? (uint32_t)strlen(row->origin) : 0;
	}
	memcpy(buf, &p, sizeof(p));
	memcpy(s, row->virt_path, p.path_len + 1);
	s += p.path_len + 1;
	if (p.has_origin) {
		memcpy(s, row->origin, p.origin_len + 1);
		s += p.origin_len + 1;
	}
	return (size_t)(s - (char *)buf);
}

/* A string of len bytes and its NUL at buf[off], within size bytes. */
static const char *string_at(const char *buf, size_t size, size_t off, uint32_t len)
{
	if (off > size || size - off < (size_t)len + 1 || buf[off + len] != '\0' ||
	    memchr(buf + off, '\0', len))
		return NULL;
	return buf + off;
}

int db_overlay_unpack(const void *buf, size_t len, enum db_overlay_op *op,
		      struct db_overlay_row *row)
{
	const char *s = buf;
	struct packed p;
	size_t off = sizeof(p);

	if (len < sizeof(p))
		return -EBADMSG;
	memcpy(&p, buf, sizeof(p));
	if (p.op != DB_OVERLAY_PUT && p.op != DB_OVERLAY_DELETE)
		return -EBADMSG;
	memset(row, 0, sizeof(*row));
	row->virt_path = string_at(s, len, off, p.path_len);
	if (!row->virt_path)
		return -EBADMSG;
	off += p.path_len + 1;
	if (p.has_origin) {
		row->origin = string_at(s, len, off, p.origin_len);
		if (!row->origin)
			return -EBADMSG;
		off += p.origin_len + 1;
	}
	if (off != len)
		return -EBADMSG;
	*op = (enum db_overlay_op)p.op;
	row->id = p.id;
	row->kind = p.kind;
	row->state = p.state;
	row->has_orig = p.has_orig;
	row->orig_dev = p.dev;
	row->orig_ino = p.ino;
	row->orig_size = p.size;
	row->orig_mtime_ns = p.mtime_ns;
	row->orig_hash = p.hash;
	row->orig_mode = p.mode;
	row->orig_uid = p.uid;
	row->orig_gid = p.gid;
	return 0;
}

/* ------------------------------------------------------ running them */

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Bind the row's columns as ?1..?13 (sql_update uses ?1..?12). */
static void bind_row(sqlite3_stmt *st, const struct db_overlay_row *row, bool with_id)
{
	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, row->virt_path, -1, SQLITE_STATIC);
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
	if (with_id && row->id)
		sqlite3_bind_int64(st, 13, row->id);
}

static int get_stmt(sqlite3 *conn, sqlite3_stmt **slot, const char *sql)
{
	int rc;

	if (*slot)
		return 0;
	rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL);
	return rc == SQLITE_OK ? 0 : db_errno(conn, rc);
}

static int step_reset(sqlite3 *conn, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_errno(conn, rc);
}

/* UPDATE, then INSERT when no row matched: no UPSERT, which needs SQLite 3.24. */
static int exec_put(sqlite3 *conn, struct db_overlay_stmts *c, const struct db_overlay_row *row,
		    int64_t *ret_id)
{
	int err;

	if ((err = get_stmt(conn, &c->update, sql_update)))
		return err;
	bind_row(c->update, row, false);
	if ((err = step_reset(conn, c->update)))
		return err;
	if (sqlite3_changes(conn) == 0) {
		if ((err = get_stmt(conn, &c->insert, sql_insert)))
			return err;
		bind_row(c->insert, row, true);
		if ((err = step_reset(conn, c->insert)))
			return err;
		if (ret_id)
			*ret_id = sqlite3_last_insert_rowid(conn);
		return 0;
	}
	if (!ret_id)
		return 0;
	if ((err = get_stmt(conn, &c->id, sql_id)))
		return err;
	sqlite3_bind_text(c->id, 1, row->virt_path, -1, SQLITE_STATIC);
	err = sqlite3_step(c->id) == SQLITE_ROW ? 0 : -EIO;
	if (!err)
		*ret_id = sqlite3_column_int64(c->id, 0);
	sqlite3_reset(c->id);
	return err;
}

int db_overlay_exec(sqlite3 *conn, struct db_overlay_stmts *c, const void *packed, size_t len,
		    int64_t *ret_id)
{
	struct db_overlay_row row;
	enum db_overlay_op op;
	int err = db_overlay_unpack(packed, len, &op, &row);

	if (err)
		return err;
	if (op == DB_OVERLAY_PUT)
		return exec_put(conn, c, &row, ret_id);
	if ((err = get_stmt(conn, &c->del, sql_delete)))
		return err;
	sqlite3_bind_text(c->del, 1, row.virt_path, -1, SQLITE_STATIC);
	return step_reset(conn, c->del);
}

void db_overlay_stmts_free(struct db_overlay_stmts *c)
{
	sqlite3_finalize(c->update);
	sqlite3_finalize(c->insert);
	sqlite3_finalize(c->del);
	sqlite3_finalize(c->id);
	memset(c, 0, sizeof(*c));
}

int db_overlay_apply(struct db *db, const void *packed, size_t len, int64_t *ret_id)
{
	struct db_overlay_stmts c = { 0 };
	struct db_overlay_row row;
	enum db_overlay_op op;
	int err;

	if (db->log_writer) {
		err = db_overlay_unpack(packed, len, &op, &row);
		if (err)
			return err;
		db_writer_overlay(db->log_writer, packed, len);
		if (ret_id)
			*ret_id = row.id;
		return 0;
	}
	if (db->writer)
		return -EBUSY;
	err = db_overlay_exec(db->conn, &c, packed, len, ret_id);
	db_overlay_stmts_free(&c);
	return err;
}

static int step_done(struct db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int err = rc == SQLITE_DONE ? 0 : db_errno(db->conn, rc);

	sqlite3_finalize(st);
	return err;
}

int db_overlay_set_state(struct db *db, int64_t id, int state)
{
	sqlite3_stmt *st;
	int err;

	if (db->log_writer)
		return -EBUSY;
	err = prepare(db, "UPDATE overlay SET state = ? WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int(st, 1, state);
	sqlite3_bind_int64(st, 2, id);
	return step_done(db, st);
}

int db_overlay_clear(struct db *db)
{
	if (db->writer || db->log_writer)
		return -EBUSY;
	return db_exec(db, "DELETE FROM overlay", NULL);
}

/* Savepoints nest, so a cow operation made of smaller ones stays one unit. */
int db_overlay_begin(struct db *db)
{
	if (db->log_writer) {
		if (db->group_depth++ == 0)
			db_writer_overlay_group(db->log_writer, DB_GROUP_BEGIN);
		return 0;
	}
	if (db->writer)
		return -EBUSY;
	return db_exec(db, "SAVEPOINT overlay_op", NULL);
}

int db_overlay_end(struct db *db, bool commit)
{
	if (db->log_writer) {
		if (db->group_depth > 0 && --db->group_depth == 0)
			db_writer_overlay_group(db->log_writer,
						commit ? DB_GROUP_END : DB_GROUP_ROLLBACK);
		return 0;
	}
	if (commit)
		return db_exec(db, "RELEASE overlay_op", NULL);
	sqlite3_exec(db->conn, "ROLLBACK TO overlay_op; RELEASE overlay_op", NULL, NULL, NULL);
	return 0;
}

void db_set_log_writer(struct db *db, struct db_writer *w)
{
	if (db->log_writer && db->group_depth > 0)
		db_writer_overlay_group(db->log_writer, DB_GROUP_END);
	db->log_writer = w;
	db->group_depth = 0;
}

uint64_t db_overlay_mark(const struct db *db)
{
	return db->log_writer ? db_writer_mark(db->log_writer) : 0;
}

bool db_overlay_durable(const struct db *db, uint64_t mark)
{
	return !db->log_writer || db_writer_durable(db->log_writer, mark);
}
