/*
 * db/stack.c — the SQL of stacks (`pcow trace --stack`): the tables module,
 * stack and frame, their inserts on the writer thread, and the reader used
 * by `pcow log --stack`.
 *
 * The tracer deduplicates stacks before they reach the queue (one record
 * per distinct stack of a run), numbering stacks and modules itself.  Here
 * those numbers become row ids: a module record finds or inserts its row
 * (same path and build-id: same row, across runs), a stack record inserts
 * one stack row and its frames, and a call's stack number is looked up
 * when the call is inserted (db_stack_writer_row).  Both maps are arrays
 * indexed by the tracer's numbers, which are dense from 1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"

const char db_stack_schema_sql[] =
	"CREATE TABLE module ("
	" id INTEGER PRIMARY KEY,"
	" path TEXT NOT NULL,"
	" build_id TEXT);"
	"CREATE INDEX module_by_path ON module(path);"
	"CREATE TABLE stack ("
	" id INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES run(id),"
	" depth INTEGER NOT NULL);"
	"CREATE TABLE frame ("
	" stack_id INTEGER NOT NULL REFERENCES stack(id),"
	" level INTEGER NOT NULL,"
	" module_id INTEGER REFERENCES module(id),"
	" addr INTEGER NOT NULL,"
	" symbol TEXT,"
	" offset INTEGER,"
	" PRIMARY KEY (stack_id, level)) WITHOUT ROWID;";

struct id_map {
	int64_t *rows; /* rows[id]: the row id, 0 unknown */
	size_t cap;
};

struct db_stack_writer {
	sqlite3 *conn;
	int64_t run_id;
	struct id_map modules;
	struct id_map stacks;
	sqlite3_stmt *st_find_module;
	sqlite3_stmt *st_module;
	sqlite3_stmt *st_stack;
	sqlite3_stmt *st_frame;
};

static int map_set(struct id_map *m, uint32_t id, int64_t row)
{
	if (id >= m->cap) {
		size_t cap = m->cap ? m->cap : 256;
		int64_t *bigger;

		while (cap <= id)
			cap *= 2;
		bigger = realloc(m->rows, cap * sizeof(*bigger));
		if (!bigger)
			return -ENOMEM;
		memset(bigger + m->cap, 0, (cap - m->cap) * sizeof(*bigger));
		m->rows = bigger;
		m->cap = cap;
	}
	m->rows[id] = row;
	return 0;
}

static int64_t map_get(const struct id_map *m, uint32_t id)
{
	return id < m->cap ? m->rows[id] : 0;
}

static int prepare(sqlite3 *conn, const char *sql, sqlite3_stmt **ret)
{
	int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, ret, NULL);

	return rc == SQLITE_OK ? 0 : db_errno(conn, rc);
}

int db_stack_writer_new(sqlite3 *conn, int64_t run_id, struct db_stack_writer **ret)
{
	struct db_stack_writer *sw = calloc(1, sizeof(*sw));
	int err;

	*ret = NULL;
	if (!sw)
		return -ENOMEM;
	sw->conn = conn;
	sw->run_id = run_id;
	if ((err = prepare(conn, "SELECT id FROM module WHERE path = ? AND build_id IS ?",
			   &sw->st_find_module)) ||
	    (err = prepare(conn, "INSERT INTO module(path, build_id) VALUES (?, ?)",
			   &sw->st_module)) ||
	    (err = prepare(conn, "INSERT INTO stack(run_id, depth) VALUES (?, ?)",
			   &sw->st_stack)) ||
	    (err = prepare(conn,
			   "INSERT INTO frame(stack_id, level, module_id, addr, symbol, offset)"
			   " VALUES (?, ?, ?, ?, ?, ?)",
			   &sw->st_frame))) {
		db_stack_writer_free(sw);
		return err;
	}
	*ret = sw;
	return 0;
}

void db_stack_writer_free(struct db_stack_writer *sw)
{
	if (!sw)
		return;
	sqlite3_finalize(sw->st_find_module);
	sqlite3_finalize(sw->st_module);
	sqlite3_finalize(sw->st_stack);
	sqlite3_finalize(sw->st_frame);
	free(sw->modules.rows);
	free(sw->stacks.rows);
	free(sw);
}

/* Step a statement that returns no row. */
static int step(struct db_stack_writer *sw, sqlite3_stmt *st, int *ret_rc)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	*ret_rc = rc;
	return db_errno(sw->conn, rc);
}

int db_stack_writer_module(struct db_stack_writer *sw, const void *payload, uint32_t len,
			   int *ret_rc)
{
	const struct rec_module *rm = payload;
	const char *path, *build_id;
	sqlite3_stmt *st = sw->st_find_module;
	int64_t row = 0;
	int rc, err;

	if (len < sizeof(*rm) || len - sizeof(*rm) < (uint64_t)rm->path_len + rm->build_id_len ||
	    !rm->id)
		return -EIO;
	path = (const char *)(rm + 1);
	build_id = path + rm->path_len;

	sqlite3_bind_text(st, 1, path, (int)rm->path_len, SQLITE_STATIC);
	if (rm->build_id_len)
		sqlite3_bind_text(st, 2, build_id, (int)rm->build_id_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*ret_rc = rc;
		return db_errno(sw->conn, rc);
	}
	if (!row) {
		st = sw->st_module;
		sqlite3_bind_text(st, 1, path, (int)rm->path_len, SQLITE_STATIC);
		if (rm->build_id_len)
			sqlite3_bind_text(st, 2, build_id, (int)rm->build_id_len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 2);
		err = step(sw, st, ret_rc);
		if (err)
			return err;
		row = sqlite3_last_insert_rowid(sw->conn);
	}
	return map_set(&sw->modules, rm->id, row);
}

int db_stack_writer_stack(struct db_stack_writer *sw, const void *payload, uint32_t len,
			  int *ret_rc)
{
	const struct rec_stack *rs = payload;
	const struct rec_frame *frames;
	const char *symbols;
	uint64_t need;
	int64_t row;
	int err;

	if (len < sizeof(*rs) || !rs->id)
		return -EIO;
	need = sizeof(*rs) + (uint64_t)rs->n * sizeof(*frames);
	if (need > len)
		return -EIO;
	frames = (const struct rec_frame *)(rs + 1);
	for (uint32_t i = 0; i < rs->n; i++)
		need += frames[i].symbol_len;
	if (need > len)
		return -EIO;
	symbols = (const char *)(frames + rs->n);

	sqlite3_bind_int64(sw->st_stack, 1, sw->run_id);
	sqlite3_bind_int(sw->st_stack, 2, (int)rs->n);
	err = step(sw, sw->st_stack, ret_rc);
	if (err)
		return err;
	row = sqlite3_last_insert_rowid(sw->conn);
	err = map_set(&sw->stacks, rs->id, row);
	if (err)
		return err;
	for (uint32_t i = 0; i < rs->n; i++) {
		const struct rec_frame *f = &frames[i];
		int64_t module = map_get(&sw->modules, f->module);
		sqlite3_stmt *st = sw->st_frame;

		sqlite3_bind_int64(st, 1, row);
		sqlite3_bind_int(st, 2, (int)i);
		if (module)
			sqlite3_bind_int64(st, 3, module);
		else
			sqlite3_bind_null(st, 3);
		sqlite3_bind_int64(st, 4, (int64_t)f->addr);
		if (f->symbol_len) {
			sqlite3_bind_text(st, 5, symbols, (int)f->symbol_len, SQLITE_STATIC);
			sqlite3_bind_int64(st, 6, (int64_t)f->offset);
		} else {
			sqlite3_bind_null(st, 5);
			sqlite3_bind_null(st, 6);
		}
		err = step(sw, st, ret_rc);
		if (err)
			return err;
		symbols += f->symbol_len;
	}
	return 0;
}

int64_t db_stack_writer_row(const struct db_stack_writer *sw, uint32_t id)
{
	return sw ? map_get(&sw->stacks, id) : 0;
}

/* ------------------------------------------------------------ reader */

struct db_stack_reader {
	struct db *db;
	sqlite3_stmt *st;
};

int db_stack_reader_open(struct db *db, struct db_stack_reader **ret_reader, char *errmsg)
{
	struct db_stack_reader *r;
	int rc;

	*ret_reader = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->db = db;
	rc = sqlite3_prepare_v2(db->conn,
				"SELECT f.level, m.path, m.build_id, f.symbol, f.offset, f.addr"
				" FROM frame AS f LEFT JOIN module AS m ON m.id = f.module_id"
				" WHERE f.stack_id = ? ORDER BY f.level",
				-1, &r->st, NULL);
	if (rc != SQLITE_OK) {
		int err = db_fail(db, rc, errmsg, "reading the stacks");

		free(r);
		return err;
	}
	*ret_reader = r;
	return 0;
}

void db_stack_reader_close(struct db_stack_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->st);
	free(r);
}

int db_stack_frames(struct db_stack_reader *r, int64_t stack_id, db_frame_fn fn, void *opaque,
		    char *errmsg)
{
	sqlite3_stmt *st = r->st;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, stack_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_frame_row f;

		f.level = sqlite3_column_int(st, 0);
		f.module = (const char *)sqlite3_column_text(st, 1);
		f.build_id = (const char *)sqlite3_column_text(st, 2);
		f.symbol = (const char *)sqlite3_column_text(st, 3);
		f.offset = (uint64_t)sqlite3_column_int64(st, 4);
		f.addr = (uint64_t)sqlite3_column_int64(st, 5);
		ret = fn(&f, opaque);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_fail(r->db, rc, errmsg, "reading the stacks");
	sqlite3_reset(st);
	return ret;
}
