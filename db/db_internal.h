/*
 * db/db_internal.h — what the files of db/ share and nobody else sees:
 * the struct behind `struct db`, SQLite error mapping, and the quoting of
 * argument vectors into text.
 *
 * Threading: a struct db is used by one thread at a time.  Between
 * db_writer_start and db_writer_finish the writer thread owns the
 * connection; db->writer says so and the other entry points refuse to run
 * (-EBUSY) rather than race it.
 */
#ifndef PCOW_DB_DB_INTERNAL_H
#define PCOW_DB_DB_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>

#include "db/db.h"

struct db {
	sqlite3 *conn;
	char *path;		    /* as given to db_open, for messages */
	bool writable;		    /* opened with DB_OPEN_CREATE or DB_OPEN_WRITE */
	int version;		    /* PRAGMA user_version: 3, or 1-2 read as they are */
	struct db_writer *writer;   /* the writer owning conn, or NULL */
	int64_t writer_run_id;	    /* the run the last writer logged (0: none yet) */
	int64_t writer_last_seq;    /* the last seq it inserted (seq_first - 1: none) */
	struct db_writer *log_writer; /* db_set_log_writer: overlay changes go there */
	int group_depth;	      /* nesting of db_overlay_begin with log_writer */
};

/*
 * The overlay changes of another connection of the same file, run by w in
 * its transactions (db/overlay.c): a packed change (db_overlay_pack), and
 * the brackets of a group that w must not commit apart.
 */
void db_writer_overlay(struct db_writer *w, const void *packed, size_t len);
enum db_group { DB_GROUP_END = 0, DB_GROUP_BEGIN = 1, DB_GROUP_ROLLBACK = 2 };
void db_writer_overlay_group(struct db_writer *w, enum db_group what);

/* The producer's position in w's queue, and whether w committed up to it. */
uint64_t db_writer_mark(const struct db_writer *w);
bool db_writer_durable(const struct db_writer *w, uint64_t mark);

/* Statements kept by whoever runs many overlay changes (NULL until first used). */
struct db_overlay_stmts {
	sqlite3_stmt *update, *insert, *del, *id;
};

/*
 * Run a packed overlay change on conn (db/overlay.c); *ret_id (may be
 * NULL) gets the id of a row put.  0 or a negative errno.
 */
int db_overlay_exec(sqlite3 *conn, struct db_overlay_stmts *c, const void *packed, size_t len,
		    int64_t *ret_id);
void db_overlay_stmts_free(struct db_overlay_stmts *c);

/* The `call.args` texts and formatted argv strings never grow past this. */
#define DB_TEXT_MAX (16u << 20)

/*
 * A negative errno for a SQLite result code: -EBADMSG for a corrupt or
 * foreign file, -ENOSPC for a full disk, -EBUSY for a locked database,
 * -ENOMEM, -EACCES, -EROFS, else -EIO.
 */
int db_errno(sqlite3 *conn, int rc);

/*
 * Fill errmsg (DB_ERRMSG_SIZE bytes; may be NULL) with "PATH: <what>".
 */
void db_msg(char *errmsg, const struct db *db, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Map a failed SQLite call to -errno and say "PATH: <doing>: <sqlite's
 * message>" in errmsg.  Corruption gets the fixed wording "file is not a
 * database or is corrupt" so users see the same words whatever step met it.
 */
int db_fail(const struct db *db, int rc, char *errmsg, const char *doing);

/* Run SQL without results; 0 or db_fail's result. */
int db_exec(struct db *db, const char *sql, char *errmsg);

/*
 * Quote the NUL-separated words of packed ("a\0b\0", len bytes; a last word
 * without its NUL is accepted) as a POSIX shell would need them, joined by
 * spaces: plain words as they are, others in '...', and words holding
 * control characters as bash $'...' with \n, \t, \xHH escapes.  Returns a
 * malloc'd string (the caller frees it) or NULL when out of memory.
 */
char *db_quote_packed(const char *packed, size_t len);

/* The same for a NULL-terminated vector (NULL argv gives ""). */
char *db_quote_argv(const char *const *argv);

/* ------------------------------------------------- stacks (db/stack.c) */

/* The tables module, stack and frame (part of schema version 1). */
extern const char db_stack_schema_sql[];

/*
 * Queue records of stacks and modules, laid out by db_writer_module and
 * db_writer_stack (writer.c) and read back on the writer thread by
 * db_stack_writer_* (stack.c).
 */
struct rec_module {
	uint32_t id;
	uint32_t path_len;
	uint32_t build_id_len; /* 0: none */
	uint32_t pad;
	/* then path, then build_id */
};

struct rec_stack {
	uint32_t id;
	uint32_t n; /* frames */
	/* then n struct rec_frame, then their symbols back to back */
};

struct rec_frame {
	uint64_t addr;
	uint64_t offset;
	uint32_t module;
	uint32_t symbol_len; /* 0: none */
};

/* The writer thread's side: this run's module and stack numbers -> row ids. */
struct db_stack_writer;

int db_stack_writer_new(sqlite3 *conn, int64_t run_id, struct db_stack_writer **ret);
void db_stack_writer_free(struct db_stack_writer *sw); /* accepts NULL */

/*
 * Insert a queued module / stack (payload of len bytes).  Return 0, or
 * -EIO for a malformed record, or the SQLite error as -errno with the
 * failing step's sqlite3 result in *ret_rc (for the message).
 */
int db_stack_writer_module(struct db_stack_writer *sw, const void *payload, uint32_t len,
			   int *ret_rc);
int db_stack_writer_stack(struct db_stack_writer *sw, const void *payload, uint32_t len,
			  int *ret_rc);

/* The row id of this run's stack number id; 0 when unknown. */
int64_t db_stack_writer_row(const struct db_stack_writer *sw, uint32_t id);

#endif /* PCOW_DB_DB_INTERNAL_H */
