/*
 * db/overlay.h — the overlay index of a store (table `overlay` in log.db):
 * one row per virtual path the copy-on-write layer (cow/) knows about.
 *
 * cow/ keeps the rows in a hash table and writes every change through
 * these calls; nothing here is on a lookup path.  doc/schema.md describes
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
 * Insert the row, or replace the row with the same virt_path (keeping its
 * id).  *ret_id (may be NULL) gets the row's id.
 */
int db_overlay_put(struct db *db, const struct db_overlay_row *row, int64_t *ret_id);

/* Re-key row id to new_virt_path (a directory rename moves its rows). */
int db_overlay_rekey(struct db *db, int64_t id, const char *new_virt_path);

/* Change the origin of row id (NULL: new object). */
int db_overlay_set_origin(struct db *db, int64_t id, const char *origin);

/* Delete the row of virt_path (no row: 0). */
int db_overlay_delete(struct db *db, const char *virt_path);

/* Record commit progress of row id. */
int db_overlay_set_state(struct db *db, int64_t id, int state);

/* Delete every row (discard). */
int db_overlay_clear(struct db *db);

/*
 * w, the log writer of the same file, commits and waits while db writes
 * the overlay (NULL: none); clear it before w finishes.
 */
void db_set_log_writer(struct db *db, struct db_writer *w);

/* Group several changes in one transaction (nested calls are counted). */
int db_overlay_begin(struct db *db);
int db_overlay_end(struct db *db, bool commit);

#endif /* PCOW_DB_OVERLAY_H */
