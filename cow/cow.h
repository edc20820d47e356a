/*
 * cow/cow.h — the copy-on-write overlay: a library over "virtual path →
 * overlay state" that knows nothing of ptrace.  emu/ resolves a guest's
 * path component by component and asks cow about one virtual path at a
 * time; the status/diff/commit/discard commands read the same store.
 *
 * A store is a directory: STORE/upper/<virtual path> holds the objects the
 * program created or changed (real files, so the kernel can open them),
 * STORE/work/ holds copies in progress (same file system as upper/, like
 * overlayfs's workdir), and table `overlay` in STORE/log.db is the index.
 * The index is mirrored in a hash table: cow_lookup runs no SQL; every
 * change is written through to SQLite before the call returns.
 *
 * The merged view of a virtual path P (see cow/lookup.c for the rules):
 *   - P has an entry: a whiteout hides it; any other kind is in upper/;
 *   - else P's lower path is P, or, when an ancestor A of P is a renamed
 *     directory (a redirect to lower path O), O + the rest of P; an
 *     ancestor that is opaque or a whiteout hides every lower object below.
 *
 * Conventions: functions return 0 or -errno (the errno the kernel would
 * give the guest where one applies), predicates bool.  Virtual paths are
 * absolute and normalised ("/a/b", no "." or "..", no trailing slash; the
 * root is "/").  Every returned real path fits COW_REAL_MAX.
 */
#ifndef PCOW_COW_COW_H
#define PCOW_COW_COW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/*
 * The longest virtual path pcow follows.  A name a program passes is
 * shorter than PATH_MAX, but relative to a deep working directory or
 * descriptor it can lead much further (a tree of 10,000 levels of
 * one-letter names is 20,000 bytes deep); cow_kpath gives the kernel
 * such paths.
 */
#define COW_PATH_MAX 32768
/* Room for a real path: the store prefix plus a virtual path. */
#define COW_REAL_MAX (COW_PATH_MAX + 4096)
#define COW_ERRMSG_SIZE 512

/* What an index entry is (stored as the integer in overlay.kind). */
enum cow_kind {
	COW_KIND_FILE = 1,	/* regular file in upper/ */
	COW_KIND_DIR = 2,	/* directory in upper/, merged with its lower directory */
	COW_KIND_SYMLINK = 3,	/* symbolic link in upper/ */
	COW_KIND_NODE = 4,	/* FIFO, socket or device node in upper/, of the
				   type its upper node has (never opened by cow) */
	COW_KIND_WHITEOUT = 5,	/* deleted: hides the lower object */
	COW_KIND_OPAQUE = 6,	/* directory in upper/ that hides its lower contents */
	COW_KIND_REDIRECT = 7,	/* renamed directory: upper/ dir merged with lower `origin` */
};

struct cow_store;

/* How a store is opened.  Zero-initialise; NULL lists mean the defaults. */
struct cow_options {
	const char *const *cow_dirs;	/* --cow DIR...: the scope (default "/") */
	size_t n_cow_dirs;
	const char *const *rw_dirs;	/* --rw DIR...: writes go to the real files */
	size_t n_rw_dirs;
	uint64_t quota;			/* --quota: upper/ size limit in bytes; 0 none */
	bool no_create;			/* fail with -ENOENT when the store does not exist */
};

/*
 * Open STORE (a directory; created with upper/, work/ and log.db unless
 * opt->no_create) and load the index.  errmsg (COW_ERRMSG_SIZE bytes, may
 * be NULL) says what failed.  cow opens its own connection to log.db,
 * separate from the tracer's log writer.  *ret is freed by cow_store_close.
 */
int cow_store_open(const char *store_dir, const struct cow_options *opt, struct cow_store **ret,
		   char *errmsg);
void cow_store_close(struct cow_store *store); /* accepts NULL */

/*
 * pcow trace: w, the log writer of the store's log.db, runs the index
 * writes in its own transactions from now on; each change is journaled
 * first (cow/journal.c).  After db_writer_finish, cow_store_log_finished
 * says whether the writer committed everything (its result was 0): then
 * the journals go, else they stay for the next opening to replay.
 */
struct db_writer;
void cow_store_set_log_writer(struct cow_store *store, struct db_writer *w);
void cow_store_log_finished(struct cow_store *store, bool committed);

/* ------------------------------------------------------------- scope */

enum cow_scope {
	COW_SCOPE_PASS = 0, /* outside the scope (or /proc, /sys, /dev, the store): untouched */
	COW_SCOPE_COW = 1,  /* changes go to the overlay */
	COW_SCOPE_RW = 2,   /* --rw: changes go to the real files */
};

enum cow_scope cow_scope_of(const struct cow_store *store, const char *virt_path);
/* True when changes to virt_path go to the overlay (COW_SCOPE_COW). */
bool cow_in_scope(const struct cow_store *store, const char *virt_path);

/* ------------------------------------------------------------ lookup */

enum cow_where {
	COW_ABSENT = 0,	  /* nothing there (no lower object, or a hidden one below a
			     whiteout/opaque ancestor) */
	COW_LOWER = 1,	  /* the real object at real_path (may differ from virt_path) */
	COW_UPPER = 2,	  /* the upper copy at real_path */
	COW_WHITEOUT = 3, /* deleted in the overlay: the guest sees ENOENT */
};

struct cow_lookup {
	enum cow_where where;
	mode_t type;		   /* S_IFREG, S_IFDIR...; 0 when absent or whiteout */
	enum cow_kind kind;	   /* the entry's kind when it has one, else 0 */
	char real_path[COW_REAL_MAX]; /* where to find it (LOWER, UPPER); "" otherwise */
};

/*
 * The merged view of exactly virt_path.  Does not check its ancestors'
 * types: emu walks components itself (a file ancestor gives COW_ABSENT).
 * Returns 0, or -ENAMETOOLONG / -errno of lstat other than ENOENT/ENOTDIR.
 */
int cow_lookup(struct cow_store *store, const char *virt_path, struct cow_lookup *ret);
/*
 * The same, and for a real object (COW_LOWER) its lstat in *ret_st (the
 * one cow_lookup makes anyway; *ret_lower_st true), so that a walk does
 * not ask the kernel twice.  Otherwise *ret_lower_st is false.
 */
int cow_lookup_st(struct cow_store *store, const char *virt_path, struct cow_lookup *ret,
		  struct stat *ret_st, bool *ret_lower_st);

/*
 * The type (S_IFMT bits; 0 when nothing is there) of what cow_lookup
 * would find, where hash is cow_path_hash(virt_path): without making the
 * upper path, and without hashing a path a caller hashed as it grew.
 * Returns 0, or -errno of lstat other than ENOENT/ENOTDIR.
 */
int cow_lookup_type(struct cow_store *store, const char *virt_path, uint64_t hash,
		    mode_t *ret_type);

/*
 * The real object the merged view shows at virt_path when it is the real
 * one or a directory merged with one (a copied-up or renamed real
 * directory): its real path in buf, true; false when it is the
 * overlay's own (new, replaced, deleted) or the path is too long.  Not
 * checked for existence.
 */
bool cow_real_dir(const struct cow_store *store, const char *virt_path, char *buf, size_t size);

/*
 * Whether the index has (or had, this run) an entry right below directory
 * dir; false: certainly none, so the real directory's link count stands.
 */
bool cow_may_have_entries_below(const struct cow_store *store, const char *dir);

/* How many entries the index has (0: the merged view is the real one). */
size_t cow_entry_count(const struct cow_store *store);

/* The store's own directory (absolute): programs must not reach it. */
const char *cow_store_dir(const struct cow_store *store);

/* The upper path of virt_path (whether or not it exists). */
int cow_upper_path(const struct cow_store *store, const char *virt_path, char *buf, size_t size);

/*
 * A name of the absolute path `path` that the kernel takes: path itself
 * when it is shorter than PATH_MAX, else a name through symbolic links in
 * STORE/links/ (cow/longpath.c) that leads to the same object, its last
 * component unchanged.  On failure path itself (the kernel then refuses it
 * with ENAMETOOLONG, as before).  The name lives in a per-thread ring: it
 * stays valid for COW_KPATH_RING more calls in the thread.
 */
#define COW_KPATH_RING 8
const char *cow_kpath(const struct cow_store *store, const char *path);

/* ------------------------------------------------------------ changes */

/*
 * Make sure virt_path has an upper copy (regular file, symlink, FIFO or
 * directory) and put its path in upper_path (COW_REAL_MAX, may be NULL).
 * Copies content (sparse holes kept; FICLONE, else copy_file_range, else
 * read/write), mode, owner where permitted, timestamps and xattrs, and
 * creates upper parent directories.  A directory is copied without its
 * contents.  -ENOENT when absent, -ENOSPC past the quota (nothing left
 * behind), -errno of the copy.
 */
int cow_copy_up(struct cow_store *store, const char *virt_path, char *upper_path);

/*
 * The same for open(O_TRUNC) and truncate(path, 0): a regular file's upper
 * copy is created (or cut) empty, without copying the data; everything
 * else, the record of the real file included, is as cow_copy_up.
 */
int cow_copy_up_truncated(struct cow_store *store, const char *virt_path, char *upper_path);

/*
 * Create virt_path in upper: mode's type bits choose a regular file,
 * directory or FIFO (S_IFLNK: a symbolic link to symlink_target).  The
 * permission bits are applied as given (the caller applies the umask);
 * owner uid/gid is set when permitted ((uid_t)-1: leave).  Over a whiteout
 * a directory becomes opaque.  -EEXIST when the merged view has it, -ENOENT
 * when the parent is missing, -ENOTDIR when it is not a directory.
 */
int cow_create(struct cow_store *store, const char *virt_path, mode_t mode,
	       const char *symlink_target, uid_t uid, gid_t gid);

/*
 * bind(2) of an AF_UNIX socket at virt_path, which the kernel does at its
 * upper path: cow_bind_prepare checks the name is free in the merged view
 * (-EEXIST, -ENOENT, -ENOTDIR as cow_create), makes the upper directories
 * above it and puts the upper path in upper; after a successful bind,
 * cow_bind_done records the socket node the kernel made there.
 */
int cow_bind_prepare(struct cow_store *store, const char *virt_path, char *upper, size_t size);
int cow_bind_done(struct cow_store *store, const char *virt_path);

/*
 * The same for any type mknod(2) makes: also a socket, or a character or
 * block device rdev.  Devices need pcow's own CAP_MKNOD (else -EPERM, the
 * kernel's answer for a caller without it), except the whiteout device
 * 0/0 which anyone may make.
 */
int cow_create_node(struct cow_store *store, const char *virt_path, mode_t mode, dev_t rdev,
		    uid_t uid, gid_t gid);

/*
 * unlink (is_dir false) or rmdir (true) of virt_path in the merged view:
 * -ENOENT, -EISDIR (unlink of a directory), -ENOTDIR (rmdir of a
 * non-directory), -ENOTEMPTY.  Leaves a whiteout when a lower object was
 * visible there; order of checks as fs/namei.c do_unlinkat/do_rmdir.
 */
int cow_delete(struct cow_store *store, const char *virt_path, bool is_dir);

/* Whether the merged directory virt_path has no entries but . and .. */
int cow_dir_is_empty(struct cow_store *store, const char *virt_path, bool *ret_empty);

/*
 * rename(2) in the merged view (no flags): replaces a target of a
 * compatible type (-EISDIR, -ENOTDIR, -ENOTEMPTY as fs/namei.c
 * do_renameat2 / vfs_rename).  A file is copied up under the new name; a
 * directory is moved in upper/ and, when it had lower contents, becomes a
 * redirect to them: O(entries already in the overlay), never a copy of
 * the real tree.
 */
int cow_rename(struct cow_store *store, const char *from_virt, const char *to_virt);

/* link(2): copy old_virt up and hard-link the upper copy as new_virt. */
int cow_link(struct cow_store *store, const char *old_virt, const char *new_virt);

/* chmod/chown/utimensat on the upper copy (copied up first). */
int cow_chmod(struct cow_store *store, const char *virt_path, mode_t mode);
int cow_chown(struct cow_store *store, const char *virt_path, uid_t uid, gid_t gid);
int cow_utimens(struct cow_store *store, const char *virt_path, const struct timespec ts[2]);

/*
 * Quota: bytes upper/ may still grow by.  emu reserves before a write or
 * truncate that extends an upper file (-ENOSPC when it would pass the
 * quota) and releases what was not used.
 */
int cow_quota_reserve(struct cow_store *store, uint64_t bytes);
void cow_quota_release(struct cow_store *store, uint64_t bytes);
uint64_t cow_quota_used(const struct cow_store *store);
/* The limit (0: none), and growth that happened past the reservation (counted anyway). */
uint64_t cow_quota_limit(const struct cow_store *store);
void cow_quota_charge(struct cow_store *store, uint64_t bytes);

/* ---------------------------------------------------- merged listing */

struct cow_dirent {
	uint64_t ino;		/* d_ino: the upper or lower object's inode */
	unsigned char type;	/* DT_REG, DT_DIR, ... */
	const char *name;
};

struct cow_dir;

/*
 * Snapshot the merged listing of directory virt_path: ".", "..", then the
 * names in byte order (upper entries, lower entries minus whiteouts, no
 * duplicates).  Entry i has offset i: getdents serves entries from an
 * offset and reports d_off = i + 1, so small buffers and lseek/seekdir to
 * returned offsets work; rewinding (offset 0) re-reads from the snapshot.
 * -ENOENT, -ENOTDIR.
 */
int cow_dir_open(struct cow_store *store, const char *virt_path, struct cow_dir **ret);
/* Entry at offset off, NULL past the end. */
const struct cow_dirent *cow_dir_get(const struct cow_dir *dir, uint64_t off);
size_t cow_dir_count(const struct cow_dir *dir);
void cow_dir_close(struct cow_dir *dir); /* accepts NULL */

/* -------------------------------------------- status, diff, commit */

struct cow_change {
	char code;		/* 'A' added, 'M' modified, 'D' deleted, 'R' renamed,
				   'T' type or metadata only */
	const char *virt_path;
	const char *from_path;	/* 'R': the real path it came from; else NULL */
	enum cow_kind kind;
};

typedef int (*cow_change_fn)(const struct cow_change *change, void *opaque);

/* Every change, in path order; a non-zero callback result stops and is returned. */
int cow_status(struct cow_store *store, cow_change_fn fn, void *opaque);

/*
 * Unified diffs (3 lines of context) of the changed text files against the
 * real files, for the changes under one of paths (n_paths 0: all); binary
 * files and metadata changes get one line each.
 */
int cow_diff(struct cow_store *store, const char *const *paths, size_t n_paths, FILE *out);

struct cow_commit_options {
	const char *const *paths; /* commit only changes under these; n_paths 0: all */
	size_t n_paths;
	bool dry_run;		  /* say what would be done, change nothing */
	bool force;		  /* overwrite real files changed since copy-up */
	FILE *out;		  /* one line per action / refusal; may be NULL */
};

/*
 * Apply the changes to the real files (see cow/commit.c for the order and
 * the crash rules).  *ret_refused counts paths refused because the real
 * file changed since copy-up.  Committed entries leave the overlay.
 */
int cow_commit(struct cow_store *store, const struct cow_commit_options *opt, int *ret_refused);

/* Drop upper/, work/ and the index; the log's trace tables stay. */
int cow_discard(struct cow_store *store);

/* ------------------------------------------------------------- misc */

/*
 * The content hash recorded at copy-up: FNV-1a over little-endian 64-bit
 * words (prime 0x100000001b3), the tail zero-padded, the length folded
 * in, then the MurmurHash3 fmix64 finaliser.  Not cryptographic: it
 * detects changes, it does not resist an adversary.
 */
struct cow_hasher {
	uint64_t h;
	uint64_t len;
	unsigned char tail[8];
	unsigned n_tail;
};
void cow_hash_init(struct cow_hasher *hs);
void cow_hash_update(struct cow_hasher *hs, const void *data, size_t len);
uint64_t cow_hash_final(const struct cow_hasher *hs);
/* Hash the content of the regular file fd from offset 0. */
int cow_hash_fd(int fd, uint64_t *ret_hash);
/* The same of the file name (relative to dirfd), not following a final link. */
int cow_hash_file(int dirfd, const char *name, uint64_t *ret_hash);
/* The content hash of len bytes in memory. */
uint64_t cow_hash_buf(const void *data, size_t len);
/* The key hash of path tables (the content hash of the bytes). */
uint64_t cow_path_hash(const char *s, size_t len);

/* ---------------------------------------------------- fault injection */

/*
 * Every host call cow makes that can fail goes through this table
 * (SQLite's VFS style): tests replace entries to force EIO, ENOSPC or
 * EINTR.  Entries behave like the libc calls (-1 and errno).
 */
struct cow_sys {
	int (*openat)(int dirfd, const char *name, int flags, mode_t mode);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	int (*fsync)(int fd);
	int (*renameat)(int olddirfd, const char *oldname, int newdirfd, const char *newname);
	ssize_t (*copy_file_range)(int fd_in, off_t *off_in, int fd_out, off_t *off_out,
				   size_t len, unsigned flags);
	int (*ficlone)(int dst_fd, int src_fd);
	int (*mkdirat)(int dirfd, const char *name, mode_t mode);
	int (*unlinkat)(int dirfd, const char *name, int flags);
	int (*symlinkat)(const char *target, int dirfd, const char *name);
	int (*mknodat)(int dirfd, const char *name, mode_t mode, dev_t dev);
	int (*linkat)(int olddirfd, const char *oldname, int newdirfd, const char *newname,
		      int flags);
	int (*ftruncate)(int fd, off_t len);
	int (*fsetxattr)(int fd, const char *name, const void *value, size_t size, int flags);
};

/* The table in use; tests assign entries and call cow_sys_reset after. */
extern struct cow_sys cow_sys;
void cow_sys_reset(void);

#endif /* PCOW_COW_COW_H */
