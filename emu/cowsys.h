/*
 * emu/cowsys.h — the file system calls of a traced program, answered
 * through the copy-on-write overlay (cow/).
 *
 * At each syscall entry the tracer hands over the call (emu_cow_call) and
 * a way to reach the program (emu_guest); emu_cow_enter resolves every
 * path through the merged view with the kernel's rules (emu/namei.c) and
 * the caller's credentials, and decides:
 *   PASS     the kernel would see exactly what the program sees: let it run
 *            (no overlay entry on the way, outside the scope, /proc...);
 *   REWRITE  point the path argument at the object's upper copy or real
 *            place (copied up first for writes), then let the kernel run it;
 *   EMULATE  do it in the overlay (mkdir, unlink, rename, chmod, merged
 *            getdents...) and give the program the result;
 *   DENY     refuse a call that would escape the overlay (ENOSYS).
 * emu_cow_exit then updates what the next calls need (the descriptor's
 * virtual path, the working directory).
 *
 * emu knows nothing of ptrace: the tracer side implements emu_guest.
 */
#ifndef PCOW_EMU_COWSYS_H
#define PCOW_EMU_COWSYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "db/db.h"
#include "emu/fstate.h"
#include "emu/namei.h"
#include "emu/replayrec.h"
#include "emu/syscalls.h"

struct cow_store;

/* The traced program, as emu reaches it. */
struct emu_guest {
	/* Copy len bytes at addr of the program; 0 or -EFAULT. */
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	/* Copy len bytes to addr of the program; 0 or -EFAULT. */
	int (*write)(void *ctx, uint64_t addr, const void *buf, size_t len);
	/* Give the kernel val as argument i (restored for the program at exit). */
	int (*set_arg)(void *ctx, int i, uint64_t val);
	/* Place data in the program's memory and point argument i at it. */
	int (*set_arg_data)(void *ctx, int i, const void *data, size_t len);
	/* Place data in the program's memory (as set_arg_data); its address in *ret_addr. */
	int (*place_data)(void *ctx, const void *data, size_t len, uint64_t *ret_addr);
	/*
	 * Attach replay data to the call's log record; its bytes must stay
	 * valid until the exit hook's caller queues the record.  May be NULL.
	 */
	void (*attach)(void *ctx, const struct db_calldata *cd);
	/*
	 * Path argument i was pointed at path (the object's upper copy, or
	 * the real one): for the log.  Copied.  May be NULL.
	 */
	void (*rewritten)(void *ctx, int i, const char *path);
	/*
	 * At exit: close the program's descriptor fd once its call returns,
	 * and log the call as denied.  0 or -errno.  May be NULL.
	 */
	int (*close_fd)(void *ctx, int fd);
	void *ctx;
};

/* One system call at entry. */
struct emu_cow_call {
	int abi;			/* enum emu_abi */
	long nr;
	const struct emu_syscall *sc;	/* NULL: not in the table */
	const uint64_t *args;		/* the six argument registers */
	pid_t tid, tgid;
	struct emu_fs *fs;		/* the caller's cwd and descriptors */
	struct emu_files *files;
	const char *path[6];		/* path argument i as passed, NULL if none */
	const char *abs[6];		/* path argument i made absolute (lexically), or NULL */
	int path_err[6];		/* fetching it failed: -EFAULT, -ENAMETOOLONG */
};

/* What emu keeps of one call between its entry and its exit. */
struct emu_cow_pending {
	int what;		/* enum in cowsys.c: what the exit must update */
	bool moved;		/* the kernel got another path than the virtual one */
	bool passed;		/* the kernel ran the call as the program wrote it */
	int quota_fd;		/* PEND_QUOTA: the descriptor, the size before, */
	int64_t quota_size;	/* and what was reserved for the call */
	uint64_t quota_reserved;
	bool is_dir;
	bool exchange;		/* PEND_RENAME: RENAME_EXCHANGE */
	bool pin_as_written;	/* a passed open that reads, or a scoped openat2 */
	int open_dirfd;		/* PEND_OPEN: how the open's path is walked again */
	int8_t open_pi;
	unsigned open_wflags;
	bool open_fix_mode;	/* PEND_OPEN: the file was created with more owner */
	mode_t open_mode;	/* bits than its mode (open_mode) gives, for the open */
	uint64_t addr;		/* a buffer of the program's the exit fixes */
	int sock_fd;		/* pcow's descriptor an AF_UNIX address goes through, -1 */
	char vpath[EMU_PATH_MAX]; /* the object's virtual path */
	struct emu_rec_pending rec; /* what replay's recorder keeps */
};

struct emu_cow;

/*
 * Whether a call may change the file system: one the table marks so,
 * except an open that neither creates, truncates nor writes.
 */
bool emu_cow_may_change_fs(const struct emu_syscall *sc, const uint64_t args[6]);

/* Copy-on-write emulation over an open store; NULL on ENOMEM. */
struct emu_cow *emu_cow_new(struct cow_store *store);
void emu_cow_free(struct emu_cow *ec); /* accepts NULL */

/*
 * Record what replay needs (emu/replayrec.h) into w's run: first-touch
 * states and call data.  NULL (the default) records nothing.
 */
void emu_cow_set_replay_writer(struct emu_cow *ec, struct db_writer *w);

/*
 * Decide the call: returns the action (enum db_action).  For EMULATE and
 * DENY *ret_result is what the program sees.  pend is the caller's, kept
 * until emu_cow_exit.
 */
int emu_cow_enter(struct emu_cow *ec, const struct emu_cow_call *c, const struct emu_guest *g,
		  struct emu_cow_pending *pend, int64_t *ret_result);

/* After the call returned result (what the program sees). */
void emu_cow_exit(struct emu_cow *ec, const struct emu_cow_call *c, const struct emu_guest *g,
		  struct emu_cow_pending *pend, int64_t result);

/*
 * The caller's credentials and umask, as /proc/PID/status gives them (the
 * cache per process is refreshed after set*id, capset, umask and exec).
 */
struct emu_proc_cred {
	struct emu_cred cred;
	uid_t ruid;		/* real ids: what access(2) checks against */
	gid_t rgid;
	gid_t groups[64];
	mode_t umask;
	bool cap_fowner, cap_chown, cap_fsetid, cap_mknod;
};
int emu_read_proc_cred(pid_t tid, struct emu_proc_cred *ret);

#endif /* PCOW_EMU_COWSYS_H */
