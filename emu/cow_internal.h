/*
 * emu/cow_internal.h — what the files of the copy-on-write layer share:
 * cowwalk.c (credentials, /proc's magic links, the walk over the merged
 * view), cowops.c (the handlers that change the file system: open,
 * create, delete, rename, link, metadata), cowsys.c (the actions, reading
 * directories, the dispatch at entry and the updates at exit).
 */
#ifndef PCOW_EMU_COW_INTERNAL_H
#define PCOW_EMU_COW_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "cow/cow.h"
#include "emu/cowsys.h"
#include "emu/namei.h"

/* A walk's path is a virtual path of the store. */
_Static_assert(EMU_PATH_MAX == COW_PATH_MAX, "emu and cow agree on the longest path");

struct open_how;

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* What emu_cow_exit must do. */
enum pending_what {
	PEND_NONE = 0,
	PEND_OPEN,	/* a new descriptor: remember its virtual path */
	PEND_CHDIR,	/* the cwd is vpath */
	PEND_FCHDIR,	/* the cwd is the descriptor's */
	PEND_CRED,	/* credentials or umask changed: forget the cache */
	PEND_LSEEK_DIR,	/* a passed lseek on a directory: rewinding restarts it */
	PEND_STAT_NLINK, /* a stat of a merged directory: count its subdirectories */
	PEND_STATX_NLINK,
	PEND_FSTAT_GONE, /* fstat of a real file deleted in the overlay: nlink 0 */
	PEND_FSTATX_GONE,
	PEND_QUOTA,	/* a write that may grow an upper file: settle the quota */
	PEND_BIND,	/* bind of an AF_UNIX socket at vpath: record its node */
	PEND_RENAME,	/* a passed rename: vpath holds "from\0to", the tables follow */
};

#define CRED_SLOTS 64

struct cred_slot {
	pid_t tgid;
	bool valid;
	struct emu_proc_cred pc;
};

struct emu_cow {
	struct cow_store *store;
	const char *store_dir;
	struct cred_slot creds[CRED_SLOTS];
	struct emu_rec *rec; /* replay's recorder */
	bool creat_dir_einval; /* the kernel refuses O_CREAT|O_DIRECTORY (Linux 6.4) */
	bool protected_hardlinks; /* fs.protected_hardlinks (may_linkat) */
	/*
	 * Real directories outside the scope, as lstat found them (cowwalk.c):
	 * valid while real_gen stays, which every call that may change the
	 * file system bumps at its entry and at its exit.
	 */
	struct cw_dcache_slot *dcache; /* CW_DCACHE_SLOTS, or NULL */
	uint64_t real_gen;
};

#define CW_DCACHE_SLOTS 4096 /* a power of two */
struct cw_dcache_slot {
	uint64_t gen;	/* real_gen when filled; 0: empty */
	uint64_t hash;	/* cow_path_hash of path */
	char *path;
	uint32_t mode, uid, gid;
};

void cw_dcache_free(struct emu_cow *ec);

/*
 * A merged directory listing being read through an open file description:
 * every descriptor dup or fork made from the one opened shares it (and so
 * its position), as they share the kernel's struct file.
 */
struct dir_state {
	struct emu_dir ref;   /* the descriptors holding it (emu/fstate.h) */
	struct cow_dir *snap; /* NULL until the first emulated read */
	uint64_t pos;	      /* the next entry's offset */
	bool native;	      /* the kernel serves this description (nothing merged) */
};

/* The dir_state d is embedded in; NULL for NULL. */
static inline struct dir_state *dir_state_of(struct emu_dir *d)
{
	return d ? (struct dir_state *)((char *)d - offsetof(struct dir_state, ref)) : NULL;
}

/* One path walked through the merged view (cw_walk). */
struct walk {
	struct emu_cow *ec;
	const struct emu_cow_call *c; /* whose /proc/self this is; NULL: none */
	bool touched;	/* the overlay changed something on the way */
	bool special;	/* reached /proc, /sys, /dev or the store: the kernel's */
	int err;	/* emu_walk's result */
	struct emu_walk_result res;
	struct cow_lookup lk; /* of res.virt_path when it exists or may be created */
	struct cw_mounts *mounts; /* the caller's mount points, during cw_walk */
};

/*
 * Ready w for cw_lookup alone, without clearing its large results (a
 * designated initializer would zero 70 KB on every call).
 */
static inline void cw_walk_light(struct walk *w, struct emu_cow *ec)
{
	w->ec = ec;
	w->c = NULL;
	w->touched = w->special = false;
	w->err = 0;
}

/* The call being decided, and where its result goes. */
struct ctx {
	struct emu_cow *ec;
	const struct emu_cow_call *c;
	const struct emu_guest *g;
	struct emu_cow_pending *pend;
	int64_t *result;
};

/* A metadata change: chmod, chown or utimes (cowops.c apply_meta). */
enum meta_op { META_CHMOD, META_CHOWN, META_UTIMES };

struct meta {
	enum meta_op op;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec ts[2];
	bool times_given; /* explicit times (not NULL, not both UTIME_NOW) */
};

/* cowwalk.c */
bool cw_under(const char *path, const char *dir);
/*
 * What descriptor fd of tid is, as the kernel says: its absolute path in
 * buf, and the magic link's own name (/proc/TID/fd/N, to stat the object)
 * in name.  The path's length; -EBADF (closed), -ENOTDIR (no path: a
 * pipe, a socket, an anonymous inode) or -ENAMETOOLONG (past PATH_MAX).
 */
#define CW_FD_NAME 64
ssize_t cw_fd_real(pid_t tid, int fd, char name[CW_FD_NAME], char *buf, size_t size);
/* Descriptor fd's position and open flags (/proc/TID/fdinfo/N); false when closed. */
bool cw_fd_info(pid_t tid, int fd, int64_t *ret_pos, unsigned *ret_flags);
/*
 * The same for descriptor fd of c's caller, also past PATH_MAX, where
 * /proc cannot say (-ENAMETOOLONG): then the real path of the table's
 * name for fd, when it is the same object (device and inode).  Still
 * -ENAMETOOLONG when that cannot be shown: callers that would change the
 * object must refuse.
 */
ssize_t cw_fd_path(struct emu_cow *ec, const struct emu_cow_call *c, int fd,
		   char name[CW_FD_NAME], char *buf, size_t size);
/*
 * Whether virtual path vp leads to the object at name (a /proc magic
 * link: same device and inode); then its real path into buf.
 */
bool cw_names_object(struct emu_cow *ec, const char *vp, const char *name, char *buf,
		     size_t size);
bool cw_special_path(const struct emu_cow *ec, const char *vp);
/* A /proc link's target of len bytes names a removed object: "... (deleted)". */
bool cw_deleted_target(const char *target, size_t len);
/* A real path in STORE/upper becomes, in place, the virtual path it holds; false: not one. */
bool cw_upper_to_virtual(const struct emu_cow *ec, char *path);
/*
 * The target of /proc magic link vp, for the caller, with virtual paths
 * for what the overlay moved; -EREMOTE: not a path (a pipe, a socket; a
 * deleted file, unless shown: then " (deleted)" is appended as readlink(2)
 * shows it).  Its length, without the NUL it writes.
 */
long cw_proc_readlink(const struct walk *w, const char *vp, char *buf, size_t size, bool shown);
/* N when vp is "/proc/PID/fd/N" (or under task/TID) of c's caller itself, else -1. */
int cw_own_fd(const struct emu_cow_call *c, const char *vp);
uint8_t cw_ftype_of(mode_t m);
const struct emu_proc_cred *cw_cred_of(struct emu_cow *ec, const struct emu_cow_call *c);
int cw_lookup(void *ctx, const char *vp, struct emu_inode *ino);
/*
 * The virtual directory a relative path of c starts from: the cwd, or
 * dirfd's path (the kernel's, when pcow did not see the open), into buf.
 * *ret_moved: the kernel's own base is elsewhere.  0 or -errno.
 */
int cw_base_dir(struct emu_cow *ec, const struct emu_cow_call *c, int dirfd, char *buf,
		size_t size, bool *ret_moved);
/* Walk path argument i (relative to dirfd) with EMU_WALK_* flags into *w. */
void cw_walk(struct emu_cow *ec, const struct emu_cow_call *c, int dirfd, int i, unsigned flags,
	     struct walk *w, bool *ret_base_moved);

/* cowsys.c: the actions */
int cw_emulate(struct ctx *x, long result);
int cw_deny(struct ctx *x, long err);
int cw_rewrite(struct ctx *x, int i, const char *path, const char *vp);
int cw_read_only(struct ctx *x, const struct walk *w, bool base_moved, int i);
/* A name to make outside the scope, its parent there: to the kernel at its real path. */
int cw_create_outside(struct ctx *x, const struct walk *w, bool base_moved, int i);
/* Point argument i at w's real path, with the trailing slash the program wrote. */
int cw_rewrite_real(struct ctx *x, const struct walk *w, int i);
bool cw_quiet(const struct ctx *x, int i, int dirfd);
/* The working directory was removed in the overlay (rmdir of the cwd). */
bool cw_cwd_gone(struct ctx *x);
bool cw_dead_cwd_itself(struct ctx *x, int dirfd, const char *path);
bool cw_in_cow(const struct ctx *x, const char *vp);
int cw_parent_inode(struct ctx *x, const char *vp, struct emu_inode *ino);
int cw_may_create(struct ctx *x, const char *vp);
int cw_may_delete(struct ctx *x, const char *vp, const struct emu_inode *victim);
bool cw_is_owner(struct ctx *x, const struct emu_inode *ino);
mode_t cw_umask_of(struct ctx *x);

/*
 * cowexec.c: execve (flags_i -1) and execveat, for a script the overlay
 * is involved in (the script or an interpreter) and any regular file the
 * walk found.  The action, or -1: the caller decides as for any read-only
 * call (an empty store, a descriptor's own object, a failed walk).
 */
int cw_do_exec(struct ctx *x, int dirfd, int pi, int argv_i, int flags_i);

/*
 * cowsock.c: bind, connect, sendto and sendmsg of AF_UNIX sockets named
 * by a path (ai, li: the address's and its length's arguments).
 */
int cw_do_bind(struct ctx *x);
int cw_do_connect(struct ctx *x, int ai, int li);
int cw_do_sendmsg(struct ctx *x);
/*
 * At the exit of recvmsg or recvmmsg (x86_64, result >= 0): descriptors
 * passed in SCM_RIGHTS that could write a real file in the scope are
 * closed in the program (g->close_fd), and the call is logged as denied.
 */
void cw_received_fds(struct emu_cow *ec, const struct emu_cow_call *c,
		     const struct emu_guest *g, int64_t result);

/* cowquota.c: --quota for writes through the program's descriptors */
int cw_quota_enter(struct ctx *x);
int cw_quota_truncate(struct ctx *x, const char *upper, const char *virt, int64_t length);
void cw_quota_exit(struct emu_cow *ec, const struct emu_cow_call *c,
		   const struct emu_cow_pending *pend);

/* cowops.c: the handlers */
int cw_do_open(struct ctx *x, int dirfd, int pi, int flags_arg, int flags, mode_t mode,
	       struct open_how *how);
int cw_do_mkdir(struct ctx *x, int dirfd, int pi, mode_t mode);
int cw_do_mknod_call(struct ctx *x, int dirfd, int pi, mode_t mode, uint32_t dev);
int cw_do_symlink(struct ctx *x, int dirfd, int pi);
const char *cw_last_component(const char *p);
int cw_do_unlink(struct ctx *x, int dirfd, int pi, bool is_dir);
int cw_do_rename(struct ctx *x, int ofd, int oi, int nfd, int ni, unsigned flags);
int cw_do_link(struct ctx *x, int ofd, int oi, int nfd, int ni, int flags);
/* linkat(fd, "", nfd, path ni, AT_EMPTY_PATH): a name for what fd is open on. */
int cw_do_link_fd(struct ctx *x, int fd, int nfd, int ni);
int cw_do_meta_path(struct ctx *x, int dirfd, int pi, bool follow, const struct meta *m);
bool cw_fd_in_scope(struct ctx *x, int fd, char *vp, size_t size, struct emu_inode *ino);
int cw_do_fstat(struct ctx *x, int fd, int kind, uint64_t buf, unsigned mask);
/*
 * A change through descriptor fd; by_fd: the call takes the descriptor
 * itself (fchmod, fchown, futimens), which an O_PATH one is not, rather
 * than as a dirfd with AT_EMPTY_PATH.
 */
int cw_do_meta_fd(struct ctx *x, int fd, const struct meta *m, bool by_fd);
int cw_read_times(struct ctx *x, uint64_t addr, int kind, struct meta *m);
int cw_do_copy_up_path(struct ctx *x, int dirfd, int pi, bool follow, int64_t length);
int cw_do_xattr_fd(struct ctx *x, int fd, bool set);
/*
 * fgetxattr (list false) and flistxattr through a descriptor of a real
 * file copied up since its open: the upper copy's attributes.
 */
int cw_do_xattr_get_fd(struct ctx *x, int fd, bool list);

#endif /* PCOW_EMU_COW_INTERNAL_H */
