/*
 * db/schema.c — opening log.db: the schema, its version checks, the
 * pragmas, and the small writes made outside the writer thread (runs and
 * syscall names).
 *
 * Opening is where bad input is caught, so it is careful about order:
 *
 *   1. stat the path: missing (-ENOENT unless creating), a directory, an
 *      empty file, something that is not a regular file;
 *   2. PRAGMA application_id: the first read of page 1.  A file that is not
 *      SQLite fails here with SQLITE_NOTADB (-EBADMSG); a SQLite database
 *      of another program has another id (-EPROTO).  A database with no
 *      schema at all (a new or empty file) gets ours when DB_OPEN_CREATE;
 *   3. PRAGMA user_version: a newer version is -ERANGE; versions 1 and 2
 *      are migrated to 3 (one transaction) when the file is opened for
 *      writing, and read as they are otherwise (they lack only the replay
 *      tables and path.rewritten, which db->version tells the readers);
 *   4. the tables must all exist (-EPROTO), then a probe reads the root and
 *      the last leaf of each big table, which is where a truncated copy of a
 *      log is missing pages (-EBADMSG).  A full check (PRAGMA quick_check)
 *      would read the whole file, too slow for every `pcow log`; corruption
 *      met later by a reader is reported the same way, -EBADMSG.
 *
 * The schema itself and the reasons for its shape are in doc/schema.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/db_internal.h"

/* How long a connection waits for another writer's lock, in ms. */
#define DB_BUSY_MS 5000

/*
 * What version 2 added for replay: the tables touch, calldata and
 * divergence.  Part of the schema of a new file, and the body of the
 * migration from version 1 (with the new columns of run).
 */
#define REPLAY_SCHEMA_SQL \
	"CREATE TABLE touch (" \
	" id INTEGER PRIMARY KEY," \
	" run_id INTEGER NOT NULL REFERENCES run(id)," \
	" path TEXT NOT NULL," \
	" type INTEGER NOT NULL," \
	" mode INTEGER, uid INTEGER, gid INTEGER, size INTEGER, mtime_ns INTEGER," \
	" dev INTEGER, ino INTEGER, nlink INTEGER, hash INTEGER, target TEXT," \
	" listed INTEGER NOT NULL DEFAULT 0, content BLOB, source TEXT);" \
	"CREATE INDEX touch_by_run ON touch(run_id, path);" \
	"CREATE TABLE calldata (" \
	" seq INTEGER PRIMARY KEY REFERENCES call(seq)," \
	" smask INTEGER NOT NULL," \
	" strs BLOB," \
	" hash INTEGER," \
	" data BLOB);" \
	"CREATE TABLE divergence (" \
	" id INTEGER PRIMARY KEY," \
	" replay_id INTEGER NOT NULL," \
	" run_id INTEGER NOT NULL REFERENCES run(id)," \
	" seq INTEGER NOT NULL," \
	" pid INTEGER NOT NULL," \
	" kernel TEXT," \
	" field TEXT NOT NULL," \
	" recorded TEXT," \
	" replayed TEXT);"

static const char migrate_1_sql[] =
	"ALTER TABLE run ADD COLUMN uid INTEGER;"
	"ALTER TABLE run ADD COLUMN gid INTEGER;"
	"ALTER TABLE run ADD COLUMN groups TEXT;"
	"ALTER TABLE run ADD COLUMN umask INTEGER;"
	"ALTER TABLE run ADD COLUMN replay INTEGER;" REPLAY_SCHEMA_SQL;

/* Version 2 to 3: where each rewritten path argument was pointed. */
static const char migrate_2_sql[] = "ALTER TABLE path ADD COLUMN rewritten TEXT;";

/*
 * Schema version 3.  Keep doc/schema.md in step; any change here is a new
 * DB_SCHEMA_VERSION.
 */
static const char schema_sql[] =
	"CREATE TABLE run ("
	" id INTEGER PRIMARY KEY,"
	" argv TEXT NOT NULL,"
	" cwd TEXT,"
	" t_start INTEGER NOT NULL,"
	" t_end INTEGER,"
	" exit_status INTEGER,"
	" pcow_version TEXT,"
	" kernel_release TEXT,"
	" options TEXT,"
	" n_calls INTEGER,"
	" n_processes INTEGER,"
	" seq_first INTEGER,"
	" seq_last INTEGER,"
	" uid INTEGER, gid INTEGER, groups TEXT, umask INTEGER, replay INTEGER);"
	"CREATE TABLE sysname ("
	" abi INTEGER NOT NULL,"
	" nr INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" PRIMARY KEY (abi, nr)) WITHOUT ROWID;"
	"CREATE TABLE call ("
	" seq INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES run(id),"
	" pid INTEGER NOT NULL,"
	" tid INTEGER,"
	" abi INTEGER NOT NULL,"
	" nr INTEGER NOT NULL,"
	" arg0 INTEGER, arg1 INTEGER, arg2 INTEGER, arg3 INTEGER, arg4 INTEGER, arg5 INTEGER,"
	" args TEXT,"
	" ret INTEGER,"
	" t INTEGER NOT NULL,"
	" dur INTEGER,"
	" action INTEGER NOT NULL,"
	" stack_id INTEGER REFERENCES stack(id));"
	"CREATE INDEX call_by_pid ON call(run_id, pid);"
	"CREATE TABLE path ("
	" seq INTEGER NOT NULL REFERENCES call(seq),"
	" arg INTEGER NOT NULL,"
	" path TEXT NOT NULL COLLATE NOCASE,"
	" rewritten TEXT,"
	" PRIMARY KEY (seq, arg)) WITHOUT ROWID;"
	"CREATE INDEX path_by_path ON path(path);"
	"CREATE TABLE process ("
	" id INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES run(id),"
	" pid INTEGER NOT NULL,"
	" tgid INTEGER,"
	" ppid INTEGER,"
	" t_start INTEGER,"
	" t_end INTEGER,"
	" exit_status INTEGER);"
	"CREATE INDEX process_by_pid ON process(run_id, pid);"
	"CREATE TABLE exec ("
	" id INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES run(id),"
	" pid INTEGER NOT NULL,"
	" tgid INTEGER,"
	" seq INTEGER,"
	" t INTEGER NOT NULL,"
	" filename TEXT NOT NULL,"
	" argv TEXT NOT NULL,"
	" elf_class INTEGER, machine INTEGER, interp TEXT, static INTEGER, build_id TEXT);"
	"CREATE INDEX exec_by_pid ON exec(run_id, pid);"
	/* The overlay index (db/overlay.c, doc/schema.md). */
	"CREATE TABLE overlay ("
	" id INTEGER PRIMARY KEY,"
	" virt_path TEXT NOT NULL UNIQUE,"
	" kind INTEGER NOT NULL,"
	" origin TEXT,"
	" orig_dev INTEGER, orig_ino INTEGER, orig_size INTEGER, orig_mtime_ns INTEGER,"
	" orig_hash INTEGER, orig_mode INTEGER, orig_uid INTEGER, orig_gid INTEGER,"
	" state INTEGER NOT NULL DEFAULT 0);"
	"CREATE VIEW syscall AS SELECT"
	" c.seq AS seq, c.run_id AS run_id, c.pid AS pid, coalesce(c.tid, c.pid) AS tid,"
	" c.abi AS abi, c.nr AS nr, coalesce(s.name, printf('syscall_0x%x', c.nr)) AS name,"
	" c.arg0 AS arg0, c.arg1 AS arg1, c.arg2 AS arg2,"
	" c.arg3 AS arg3, c.arg4 AS arg4, c.arg5 AS arg5,"
	" coalesce(c.args, '') AS args, c.ret AS ret,"
	" r.t_start + c.t AS t_enter, r.t_start + c.t + c.dur AS t_exit,"
	" CASE c.action WHEN 0 THEN 'pass' WHEN 1 THEN 'rewrite' WHEN 2 THEN 'emulate'"
	" WHEN 3 THEN 'deny' ELSE c.action END AS action, c.stack_id AS stack_id"
	" FROM call AS c JOIN run AS r ON r.id = c.run_id"
	" LEFT JOIN sysname AS s ON s.abi = c.abi AND s.nr = c.nr;"
	REPLAY_SCHEMA_SQL;

/* The tables and views a pcow database of this version must have. */
static const char *const schema_objects[] = {
	"run", "sysname", "call", "path", "process", "exec", "syscall", "overlay",
	"module", "stack", "frame", /* db/stack.c */
	"touch", "calldata", "divergence", /* version 2 */
};

/* Reads of the last leaf of each big table: see the top of the file. */
static const char probe_sql[] = "SELECT (SELECT count(*) FROM run),"
				" (SELECT max(seq) FROM call), (SELECT max(seq) FROM path),"
				" (SELECT max(id) FROM process), (SELECT max(id) FROM exec);";

int db_errno(sqlite3 *conn, int rc)
{
	int sys;

	switch (rc & 0xff) {
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_FORMAT:
		return -EBADMSG;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_TOOBIG:
		return -E2BIG;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
		sys = conn ? sqlite3_system_errno(conn) : 0;
		return sys > 0 ? -sys : -EIO;
	default:
		return -EIO;
	}
}

void db_msg(char *errmsg, const struct db *db, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!errmsg)
		return;
	n = snprintf(errmsg, DB_ERRMSG_SIZE, "%s: ", db && db->path ? db->path : "log.db");
	if (n < 0 || n >= DB_ERRMSG_SIZE)
		return;
	va_start(ap, fmt);
	vsnprintf(errmsg + n, DB_ERRMSG_SIZE - (size_t)n, fmt, ap);
	va_end(ap);
}

int db_fail(const struct db *db, int rc, char *errmsg, const char *doing)
{
	int err = db_errno(db ? db->conn : NULL, rc);

	if (err == -EBADMSG)
		db_msg(errmsg, db, "file is not a database or is corrupt");
	else
		db_msg(errmsg, db, "%s: %s", doing,
		       db && db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
	return err;
}

int db_exec(struct db *db, const char *sql, char *errmsg)
{
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_fail(db, rc, errmsg, "executing SQL");
}

/* Run a statement that yields one integer. */
static int query_int(struct db *db, const char *sql, int64_t *ret, char *errmsg)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the header");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int64(st, 0);
	else
		err = db_fail(db, rc, errmsg, "reading the header");
	sqlite3_finalize(st);
	return err;
}

/* ---------------------------------------------------------- quoting */

static bool is_plain_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_@%+=:,./-", c);
}

static void quote_word(FILE *f, const char *word, size_t len)
{
	const unsigned char *s = (const unsigned char *)word;
	bool plain = len > 0, ctl = false;

	for (size_t i = 0; i < len; i++) {
		if (!s[i] || !is_plain_byte(s[i]))
			plain = false;
		if (s[i] < 0x20 || s[i] == 0x7f)
			ctl = true;
	}
	if (plain) {
		fwrite(s, 1, len, f);
		return;
	}
	if (!ctl) {
		/* '...' keeps everything but the quote itself. */
		fputc('\'', f);
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '\'')
				fputs("'\\''", f);
			else
				fputc(s[i], f);
		}
		fputc('\'', f);
		return;
	}
	fputs("$'", f);
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\'':
			fputs("\\'", f);
			break;
		default:
			if (s[i] < 0x20 || s[i] == 0x7f)
				fprintf(f, "\\x%02x", s[i]);
			else
				fputc(s[i], f);
		}
	}
	fputc('\'', f);
}

/* fclose an open_memstream stream; its buffer is only final after that. */
static char *close_stream(FILE *f, char **bufp)
{
	bool bad = ferror(f);

	if (fclose(f) != 0 || bad) {
		free(*bufp);
		return NULL;
	}
	return *bufp;
}

char *db_quote_packed(const char *packed, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	size_t pos = 0;

	if (!f)
		return NULL;
	while (pos < len && size < DB_TEXT_MAX) {
		const char *nul = memchr(packed + pos, '\0', len - pos);
		size_t n = nul ? (size_t)(nul - (packed + pos)) : len - pos;

		if (pos)
			fputc(' ', f);
		quote_word(f, packed + pos, n);
		fflush(f);
		pos += n + 1;
	}
	return close_stream(f, &buf);
}

char *db_quote_argv(const char *const *argv)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	for (size_t i = 0; argv && argv[i] && size < DB_TEXT_MAX; i++) {
		if (i)
			fputc(' ', f);
		quote_word(f, argv[i], strlen(argv[i]));
		fflush(f);
	}
	return close_stream(f, &buf);
}

/* ------------------------------------------------------------ opening */

static int create_schema(struct db *db, char *errmsg)
{
	char sql[128];
	int64_t app_id;
	int err;

	/* WAL can only be switched on outside a transaction. */
	err = db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", errmsg);
	if (err)
		return err;
	err = db_exec(db, "BEGIN IMMEDIATE", errmsg);
	if (err)
		return err;
	/* Another pcow may have created it while we waited for the lock. */
	err = query_int(db, "PRAGMA application_id", &app_id, errmsg);
	if (err)
		goto out_rollback;
	if (app_id == DB_APPLICATION_ID) {
		err = db_exec(db, "COMMIT", errmsg);
		goto out_rollback;
	}
	err = db_exec(db, schema_sql, errmsg);
	if (!err)
		err = db_exec(db, db_stack_schema_sql, errmsg);
	if (err)
		goto out_rollback;
	snprintf(sql, sizeof(sql), "PRAGMA application_id=%d; PRAGMA user_version=%d;",
		 DB_APPLICATION_ID, DB_SCHEMA_VERSION);
	err = db_exec(db, sql, errmsg);
	if (err)
		goto out_rollback;
	return db_exec(db, "COMMIT", errmsg);

out_rollback:
	sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

/*
 * An older version to the current one, in one transaction: 1 to 2 adds
 * the replay tables and run's new columns, 2 to 3 path.rewritten.
 * Another pcow may have migrated it while we waited.
 */
static int migrate(struct db *db, char *errmsg)
{
	int64_t version;
	int err;

	err = db_exec(db, "BEGIN IMMEDIATE", errmsg);
	if (err)
		return err;
	err = query_int(db, "PRAGMA user_version", &version, errmsg);
	if (!err && version >= 1 && version < DB_SCHEMA_VERSION) {
		char sql[64];

		if (version == 1)
			err = db_exec(db, migrate_1_sql, errmsg);
		if (!err)
			err = db_exec(db, migrate_2_sql, errmsg);
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d;", DB_SCHEMA_VERSION);
		if (!err)
			err = db_exec(db, sql, errmsg);
	}
	if (err) {
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
		return err;
	}
	return db_exec(db, "COMMIT", errmsg);
}

/* Steps 2 to 4 of the comment at the top of the file. */
static int check_schema(struct db *db, bool create, char *errmsg)
{
	int64_t app_id, version, n, n_objects;
	sqlite3_stmt *st = NULL;
	int rc, err;

	err = query_int(db, "PRAGMA application_id", &app_id, errmsg);
	if (err)
		return err;
	if (app_id != DB_APPLICATION_ID) {
		err = query_int(db, "SELECT count(*) FROM sqlite_master", &n, errmsg);
		if (err)
			return err;
		if (create && app_id == 0 && n == 0)
		{
			err = create_schema(db, errmsg);
			if (!err)
				db->version = DB_SCHEMA_VERSION;
			return err;
		}
		if (app_id == 0 && n == 0)
			db_msg(errmsg, db, "not a pcow log (an empty SQLite database)");
		else
			db_msg(errmsg, db, "not a pcow log (application_id 0x%x)",
			       (unsigned)(uint32_t)app_id);
		return -EPROTO;
	}
	err = query_int(db, "PRAGMA user_version", &version, errmsg);
	if (err)
		return err;
	if (version >= 1 && version < DB_SCHEMA_VERSION && db->writable) {
		err = migrate(db, errmsg);
		if (err)
			return err;
		version = DB_SCHEMA_VERSION;
	}
	if (version < 1 || version > DB_SCHEMA_VERSION) {
		db_msg(errmsg, db, "schema version %lld, this pcow reads version %d",
		       (long long)version, DB_SCHEMA_VERSION);
		return -ERANGE;
	}
	db->version = (int)version;

	n_objects = sizeof(schema_objects) / sizeof(schema_objects[0]);
	/* A version 1 file read as it is lacks the objects version 2 added. */
	if (version == 1)
		n_objects -= 3;
	rc = sqlite3_prepare_v2(db->conn,
				"SELECT 1 FROM sqlite_master"
				" WHERE name = ? AND type IN ('table', 'view')",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, errmsg, "reading the schema");
	for (int64_t i = 0; i < n_objects; i++) {
		sqlite3_bind_text(st, 1, schema_objects[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE) {
			db_msg(errmsg, db, "not a pcow log (table %s missing)", schema_objects[i]);
			err = -EPROTO;
			break;
		}
		if (rc != SQLITE_ROW) {
			err = db_fail(db, rc, errmsg, "reading the schema");
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (err)
		return err;

	if (db->writable) {
		err = db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", errmsg);
		if (err)
			return err;
	}
	return query_int(db, probe_sql, &n, errmsg);
}

int db_open(const char *log_path, unsigned flags, struct db **ret_db, char *errmsg)
{
	bool create = flags & DB_OPEN_CREATE;
	struct db *db;
	struct stat st;
	int oflags, rc, err;

	*ret_db = NULL;
	if (errmsg)
		errmsg[0] = '\0';
	db = calloc(1, sizeof(*db));
	if (!db || !(db->path = strdup(log_path))) {
		free(db);
		if (errmsg)
			snprintf(errmsg, DB_ERRMSG_SIZE, "%s: out of memory", log_path);
		return -ENOMEM;
	}
	db->writable = flags & (DB_OPEN_CREATE | DB_OPEN_WRITE);

	if (stat(log_path, &st) < 0) {
		int fd;

		err = -errno;
		if (err != -ENOENT || !create) {
			db_msg(errmsg, db, "%s", strerror(-err));
			goto out_free;
		}
		/* The log holds what the program wrote: its owner's only (and so its -wal). */
		fd = open(log_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	} else if (S_ISDIR(st.st_mode)) {
		db_msg(errmsg, db, "is a directory, not a pcow log");
		err = -EISDIR;
		goto out_free;
	} else if (!S_ISREG(st.st_mode)) {
		db_msg(errmsg, db, "not a pcow log (not a regular file)");
		err = -EPROTO;
		goto out_free;
	} else if (st.st_size == 0 && !create) {
		db_msg(errmsg, db, "not a pcow log (an empty file)");
		err = -EPROTO;
		goto out_free;
	}

	oflags = db->writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if (create)
		oflags |= SQLITE_OPEN_CREATE;
	/* One thread at a time uses a connection (see db_internal.h). */
	oflags |= SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(log_path, &db->conn, oflags, NULL);
	if (rc != SQLITE_OK) {
		err = db_fail(db, rc, errmsg, "opening");
		goto out_close;
	}
	sqlite3_extended_result_codes(db->conn, 1);
	sqlite3_busy_timeout(db->conn, DB_BUSY_MS);

	err = check_schema(db, create, errmsg);
	if (err)
		goto out_close;
	*ret_db = db;
	return 0;

out_close:
	sqlite3_close(db->conn);
out_free:
	free(db->path);
	free(db);
	return err;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	/* A writer still running owns the connection: finish it first. */
	if (db->writer)
		db_writer_finish(db->writer, NULL);
	sqlite3_close(db->conn);
	free(db->path);
	free(db);
}

/* ----------------------------------------------------- small writes */

int db_set_syscall_names(struct db *db, int abi, const char *const *names, size_t count)
{
	sqlite3_stmt *st = NULL;
	int rc, err;

	if (db->writer)
		return -EBUSY;
	err = db_exec(db, "BEGIN IMMEDIATE", NULL);
	if (err)
		return err;
	rc = sqlite3_prepare_v2(db->conn, "INSERT OR REPLACE INTO sysname(abi, nr, name) "
					  "VALUES (?, ?, ?)",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		goto out_fail;
	for (size_t nr = 0; nr < count; nr++) {
		if (!names[nr])
			continue;
		sqlite3_bind_int(st, 1, abi);
		sqlite3_bind_int64(st, 2, (int64_t)nr);
		sqlite3_bind_text(st, 3, names[nr], -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc != SQLITE_DONE)
			goto out_fail;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return db_exec(db, "COMMIT", NULL);

out_fail:
	err = db_errno(db->conn, rc);
	sqlite3_finalize(st);
	sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int db_run_begin(struct db *db, const struct db_run_info *info, int64_t *ret_run_id)
{
	sqlite3_stmt *st = NULL;
	char *argv_text;
	int rc, err = 0;

	if (db->writer)
		return -EBUSY;
	argv_text = db_quote_argv(info->argv);
	if (!argv_text)
		return -ENOMEM;
	rc = sqlite3_prepare_v2(db->conn,
				"INSERT INTO run(argv, cwd, t_start, pcow_version, kernel_release, "
				"options, uid, gid, groups, umask, replay)"
				" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, argv_text, -1, SQLITE_TRANSIENT);
		bind_text_or_null(st, 2, info->cwd);
		sqlite3_bind_int64(st, 3, info->t_start);
		bind_text_or_null(st, 4, info->pcow_version);
		bind_text_or_null(st, 5, info->kernel_release);
		bind_text_or_null(st, 6, info->options);
		sqlite3_bind_int64(st, 7, info->uid);
		sqlite3_bind_int64(st, 8, info->gid);
		bind_text_or_null(st, 9, info->groups);
		sqlite3_bind_int(st, 10, info->umask);
		sqlite3_bind_int(st, 11, info->replay);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_DONE)
		*ret_run_id = sqlite3_last_insert_rowid(db->conn);
	else
		err = db_errno(db->conn, rc);
	sqlite3_finalize(st);
	free(argv_text);
	return err;
}

int db_run_end(struct db *db, int64_t run_id, int64_t t_end, int exit_status, int64_t n_calls,
	       int64_t n_processes)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (db->writer)
		return -EBUSY;
	rc = sqlite3_prepare_v2(db->conn,
				"UPDATE run SET t_end = ?, exit_status = ?, n_calls = ?,"
				" n_processes = ?, seq_last = coalesce(?, seq_last) WHERE id = ?",
				-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, t_end);
		sqlite3_bind_int(st, 2, exit_status);
		sqlite3_bind_int64(st, 3, n_calls);
		sqlite3_bind_int64(st, 4, n_processes);
		/* The readers' upper bound for this run's seqs (see reader.c). */
		if (db->writer_run_id == run_id)
			sqlite3_bind_int64(st, 5, db->writer_last_seq);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_bind_int64(st, 6, run_id);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE)
		err = db_errno(db->conn, rc);
	else if (sqlite3_changes(db->conn) == 0)
		err = -ENOENT;
	sqlite3_finalize(st);
	return err;
}
