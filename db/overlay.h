/*
 * db/overlay.h — the overlay index of a store (table `overlay` in log.db):
 * one row per virtual path the copy-on-write layer (cow/) knows about.
 *
 * cow/ keeps the rows in a hash table and writes every change through
 * these calls (while tracing, through the log writer's queue); nothing
 * here is on a lookup path.  doc/schema.md describes
 * the table.  All functions return 0 or a negative errno.
 */
#ifndef PCOW_DB_OVERLAY_H
#define PCOW_DB_OVERLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* One row of table overlay; strings are borrowed (valid during a callback). */
struct db_overlay_row {
	int64_t id;		/* rowid: stable across renames (names commit temps) */
	const char *virt_path;	/* absolute virtual path, the key */
	int kind;		/* enum cow_kind (cow/cow.h) */
	const char *origin;	/* lower path the object came from; NULL: new */
	bool has_orig;		/* the orig_* fields describe the real object */
	int64_t orig_dev;
	int64_t orig_ino;
	int64_t orig_size;
	int64_t orig_mtime_ns;
	uint64_t orig_hash;	/* cow_hash64 of the content (files), else 0 */
	uint32_t orig_mode;	/* st_mode, type bits included */
	uint32_t orig_uid;
	uint32_t orig_gid;
	int state;		/* commit progress: 0 pending, 1 staged, 2 done */
};

typedef int (*db_overlay_fn)(const struct db_overlay_row *row, void *opaque);

/* Every row, in virt_path order; a non-zero callback result stops and is returned. */
int db_overlay_load(struct db *db, db_overlay_fn fn, void *opaque);

/*
 * Changes to the table travel as packed bytes: the same bytes go into
 * the log writer's queue and into cow/'s journal (cow/journal.c), which
 * replays them after a crash.  A change is a whole row or a deletion, so
 * applying a sequence again from any earlier point gives the same table.
 */
enum db_overlay_op {
	DB_OVERLAY_PUT = 1,    /* insert row, or replace the row of its virt_path */
	DB_OVERLAY_DELETE = 2, /* delete the row of virt_path (none: nothing) */
};

/* Room that db_overlay_pack needs for row (with its strings). */
size_t db_overlay_packed_size(const struct db_overlay_row *row);

/*
 * Pack op and row into buf (db_overlay_packed_size bytes).  For
 * DB_OVERLAY_DELETE only row->virt_path counts.  A row->id of 0 lets
 * SQLite choose the id of a new row.
 */
size_t db_overlay_pack(enum db_overlay_op op, const struct db_overlay_row *row, void *buf);

/* Unpack a change; row's strings point into buf.  -EBADMSG when malformed. */
int db_overlay_unpack(const void *buf, size_t len, enum db_overlay_op *op,
		      struct db_overlay_row *row);

/*
 * Apply a packed change.  With a log writer (db_set_log_writer) it is
 * queued and reaches the table with the writer's next transaction
 * (db_overlay_mark); else it is written now.  *ret_id (may be NULL) gets
 * the row's id after a PUT written now, row->id when queued.
 */
int db_overlay_apply(struct db *db, const void *packed, size_t len, int64_t *ret_id);

/* Record commit progress of row id (not while a log writer is set). */
int db_overlay_set_state(struct db *db, int64_t id, int state);

/* Delete every row (discard; not while a log writer is set). */
int db_overlay_clear(struct db *db);

/*
 * Hand db's overlay writes to w, the log writer of the same file (NULL:
 * write them directly again).  Clear it before w finishes.
 */
void db_set_log_writer(struct db *db, struct db_writer *w);

/*
 * A position in the stream of changes: db_overlay_durable(db, m) is true
 * once every change applied before db_overlay_mark returned m is
 * committed.  Without a log writer every change is, and the mark is 0.
 */
uint64_t db_overlay_mark(const struct db *db);
bool db_overlay_durable(const struct db *db, uint64_t mark);

/*
 * Group several changes in one transaction (nested calls are counted).
 * With a log writer, the writer runs the group in a savepoint too and
 * commits none of its changes apart.
 */
int db_overlay_begin(struct db *db);
int db_overlay_end(struct db *db, bool commit);

#endif /* PCOW_DB_OVERLAY_H */
