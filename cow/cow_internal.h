/*
 * cow/cow_internal.h — what the files of cow/ share: the store, the
 * in-memory index, and small path helpers.
 *
 * Invariants of the index (kept by index.c and ops.c, checked by check_cow):
 *   - every entry's virt_path is absolute and normalised, and unique;
 *   - an entry of kind FILE, DIR, SYMLINK, FIFO, OPAQUE or REDIRECT has an
 *     object of that type at upper/<virt_path>; a WHITEOUT has none;
 *   - every upper object's parent directory has an entry of a directory
 *     kind (DIR, OPAQUE, REDIRECT), up to the root, which has none;
 *   - a REDIRECT's origin is a lower (real) path.
 */
#ifndef PCOW_COW_COW_INTERNAL_H
#define PCOW_COW_COW_INTERNAL_H

#include <sys/stat.h>

#include "cow/cow.h"
#include "db/overlay.h"

struct cow_orig {		/* the real object at copy-up */
	int64_t dev;
	int64_t ino;
	int64_t size;
	int64_t mtime_ns;
	uint64_t hash;		/* cow_hash64 of a regular file's content, else 0 */
	uint32_t mode;		/* st_mode with type bits */
	uint32_t uid;
	uint32_t gid;
};

struct cow_entry {
	struct cow_entry *next;	/* hash chain */
	uint64_t key_hash;	/* hash of virt_path */
	char *virt_path;
	int64_t id;		/* overlay.id */
	enum cow_kind kind;
	char *origin;		/* lower path the object came from; NULL: new */
	bool has_orig;
	struct cow_orig orig;
	int state;		/* commit progress (db/overlay.h) */
};

struct cow_scope_rule {
	char *dir;		/* normalised absolute directory */
	size_t len;
};

struct cow_store {
	char *store_dir;	/* absolute */
	char *upper_dir;	/* store_dir/upper */
	int upper_fd;		/* O_PATH|O_DIRECTORY of upper_dir */
	int work_fd;		/* O_PATH|O_DIRECTORY of store_dir/work */
	int links_fd;		/* O_PATH|O_DIRECTORY of store_dir/links (cow_kpath); -1 */
	char *links_dir;	/* store_dir/links */
	struct db *db;
	struct cow_entry **buckets;
	size_t n_buckets;	/* a power of two */
	size_t n_entries;
	/*
	 * Hashes of the parents of every path the index has held (never
	 * removed): whether a directory may have entries right below it.
	 * Open addressing, 0 empty; a power of two.
	 */
	uint64_t *parents;
	size_t n_parents, cap_parents;
	struct cow_scope_rule *cow_rules, *rw_rules, *skip_rules;
	size_t n_cow, n_rw, n_skip;
	uint64_t quota;		/* 0: none */
	uint64_t used;		/* apparent bytes of upper regular files */
	unsigned tmp_seq;	/* names of temporaries in work/ */
	bool marked;		/* STORE/live.PID made (recover.c) */
	unsigned intent_seq;	/* the open intent (recover.c): work/intent.PID.N; 0: none */
	bool trash_used;	/* work/trash.PID.N holds what the open intent removed */
	bool trash_dir;		/* and it is a directory */
	bool others_live;	/* another live process had the store open at opening */
	bool keep_mark;		/* leave live.PID at closing: journals wait for replay */
	/* The index journal (journal.c) while a log writer runs the index writes. */
	bool journaling;
	int journal_fd;		/* work/journal.PID.GEN being appended, or -1 */
	unsigned journal_gen;
	size_t journal_bytes;	/* in the current generation */
	struct cow_journal_old *journal_old; /* closed generations not yet committed */
	size_t n_journal_old, cap_journal_old;
	int group_depth;	/* cow_index_begin nesting */
	unsigned char *group_buf; /* the open group's journal records */
	size_t group_len, group_cap;
};

/* ---- index.c */
struct cow_entry *cow_index_get(const struct cow_store *store, const char *virt_path);
/* The same with the key's cow_path_hash already known. */
struct cow_entry *cow_index_get_hashed(const struct cow_store *store, const char *virt_path,
				       uint64_t h);
/* The entry of virt_path (hash h) unless it is a plain directory (COW_KIND_DIR). */
struct cow_entry *cow_index_get_not_dir(const struct cow_store *store, const char *virt_path,
					uint64_t h);
/*
 * Insert or replace the entry of virt_path and write it through.  origin
 * and orig may be NULL.  Returns 0 or -errno (then memory is unchanged).
 */
int cow_index_put(struct cow_store *store, const char *virt_path, enum cow_kind kind,
		  const char *origin, const struct cow_orig *orig, struct cow_entry **ret);
int cow_index_remove(struct cow_store *store, const char *virt_path);
/* Re-key every entry at or below from_virt to to_virt (dir rename). */
int cow_index_move(struct cow_store *store, const char *from_virt, const char *to_virt);
int cow_index_set_state(struct cow_store *store, struct cow_entry *e, int state);
int cow_index_set_origin(struct cow_store *store, struct cow_entry *e, const char *origin);
int cow_index_load(struct cow_store *store);
void cow_index_free(struct cow_store *store);
/* Entries sorted by virt_path (a malloc'd array the caller frees); NULL on ENOMEM. */
struct cow_entry **cow_index_sorted(const struct cow_store *store, size_t *ret_n);

/* ---- journal.c */
/*
 * Write n (at most 2) index changes through: journaled first when a log
 * writer runs them (one write(2) for all), then applied (db_overlay_apply).
 * *ret_id (may be NULL) gets the id of the row a PUT wrote, when known.
 */
int cow_journal_changes(struct cow_store *store, size_t n, const enum db_overlay_op *ops,
			const struct db_overlay_row *rows, int64_t *ret_id);
int cow_journal_change(struct cow_store *store, enum db_overlay_op op,
		       const struct db_overlay_row *row, int64_t *ret_id);
/*
 * Group index changes: SQLite commits them together, and the journal gets
 * them in one write at the outermost end (nested calls are counted).  A
 * group ended with !commit is rolled back in SQLite (not in memory).
 */
int cow_index_begin(struct cow_store *store);
int cow_index_end(struct cow_store *store, bool commit);
/* Journal from now on (the store's db has a log writer). */
void cow_journal_start(struct cow_store *store);
/*
 * Stop journaling.  committed: the writer committed every change, the
 * journals go; else they stay for the next opening (and so does live.PID).
 */
void cow_journal_stop(struct cow_store *store, bool committed);
/*
 * Apply the journals of dead processes to the table, remove them, and
 * reload the index.  *ret_found: there were some.  -errno when the index
 * cannot be reloaded.
 */
int cow_journal_replay(struct cow_store *store, bool *ret_found);

/* ---- lookup.c */
/*
 * The lower path of virt_path ignoring virt_path's own entry: follows the
 * nearest redirect ancestor.  false when an ancestor hides the lower tree
 * (whiteout, opaque, non-directory).
 */
bool cow_lower_path(const struct cow_store *store, const char *virt_path, char *buf,
		    size_t size);

/* ---- copyup.c */
/*
 * Copy-up of the object at lower_path to virt_path (parents must exist in
 * upper); no_data: a regular file arrives empty (open with O_TRUNC).
 */
int cow_copy_object(struct cow_store *store, const char *virt_path, const char *lower_path,
		    const struct stat *st, bool no_data, struct cow_entry **ret);
/* Make sure every ancestor directory of virt_path exists in upper. */
int cow_make_parents(struct cow_store *store, const char *virt_path);
/* Fill orig from st (and hash the file when regular, through fd or path). */
int cow_orig_from(const char *real_path, const struct stat *st, struct cow_orig *orig);
/* Copy data of src to dst (both open), holes kept. */
int cow_copy_data(int src_fd, int dst_fd, off_t size);
/* Copy xattrs of src to dst: ENOTSUP on either side is not an error. */
int cow_copy_xattrs(int src_fd, int dst_fd);
/*
 * Make dst's xattrs src's: copy each of src's, remove each of dst's that src
 * lacks (security.selinux aside).  ENOTSUP, EPERM, EACCES are not errors.
 */
int cow_sync_xattrs(int src_fd, int dst_fd);
/* A fresh name in work/ ("tmp.N"); buf at least 32 bytes. */
void cow_work_name(struct cow_store *store, char *buf, size_t size);

/* ---- recover.c */
/*
 * At opening, after the index is loaded: mark the store open by this
 * process, remove the temporaries of dead processes, and when one died
 * with the store open (and none other has it open) the orphans in upper/
 * that hold nothing of the program's.  Best effort: never fails.
 */
int cow_recover(struct cow_store *store);
/* Whether process pid is gone (not this one). */
bool cow_pid_gone(long pid);
/*
 * The intent journal of renames and deletions in the overlay (recover.c).
 * Before such an operation changes upper/, cow_intent_begin writes
 * work/intent.PID.N naming it (op "rename" FROM TO, or "delete" PATH); an
 * object it removes from upper/ is moved to work/trash.PID.N
 * (cow_intent_trash) rather than unlinked.  Once the index change is
 * committed (done) or rolled back (!done), cow_intent_end removes the
 * trash, or puts it back at home, and then the intent.  A pcow killed in
 * between leaves both: cow_recover finds from the index whether the change
 * was committed and puts upper/ in agreement with it.
 */
int cow_intent_begin(struct cow_store *store, const char *op, const char *a, const char *b);
/* Move the upper object at rel into the open intent's trash; -errno. */
int cow_intent_trash(struct cow_store *store, const char *rel, bool is_dir);
void cow_intent_end(struct cow_store *store, const char *home_virt, bool done);
/* At closing: remove this process's mark. */
void cow_recover_close(struct cow_store *store);

/* ---- commit.c */
/* rm -rf of real_path (absent: 0); symbolic links are removed, not followed. */
int cow_remove_tree(const struct cow_store *store, const char *real_path);

/* ---- paths (store.c) */
/* Whether directory name (at dirfd) has no entries; if_unreadable when it cannot be read. */
bool cow_dir_empty_at(int dirfd, const char *name, bool if_unreadable);
/*
 * The name of virt_path's upper object for calls relative to upper_fd: its
 * path below upper/ ("." for the root), or, when that is PATH_MAX bytes or
 * more, an absolute name from cow_kpath (same ring, same lifetime).
 */
const char *cow_rel(const struct cow_store *store, const char *virt_path);
/* Parent of virt_path into buf ("/" for top-level names). */
void cow_parent(const char *virt_path, char *buf, size_t size);
/* Whether path is dir or lies below it. */
bool cow_path_under(const char *path, const char *dir);
int64_t cow_mtime_ns(const struct stat *st);

/* ---- status.c */
/*
 * Whether virt_path's upper object and the real object at real_path have
 * different extended attributes (security.selinux aside): 1, with the
 * names that differ in names ("a, b"; size 0: not wanted), 0 when they are
 * the same, -errno when one cannot be read.
 */
int cow_xattr_changes(struct cow_store *store, const char *virt_path, const char *real_path,
		      char *names, size_t size);

#endif /* PCOW_COW_COW_INTERNAL_H */
