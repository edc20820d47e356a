/*
 * emu/replayrec.h — what `pcow trace` records for replay, and the table
 * of the calls replay re-runs (shared with replay/).
 *
 * Two kinds of records (doc/schema.md, tables touch and calldata):
 *
 *  - first touch: the first time a run names a path inside the copy-on-
 *    write scope, the state the program would have found there (type,
 *    mode, owner, size, content hash, link target; "absent") is recorded
 *    for it and for every directory and symbolic link on the way, before
 *    the call runs.  Opening a directory also records the names in it,
 *    and renaming one records everything under it, so that replay can
 *    rebuild each object the run could reach.  Paths the run made itself
 *    (created, deleted, renamed into) are known as such and nothing below
 *    them is taken for the starting state.
 *
 *  - call data: for each call replay re-runs (emu_replay_kind), the
 *    strings it was passed and, by syscall, the bytes it wrote or a hash
 *    of the bytes it read, or what it returned (struct stat, link target,
 *    directory entries...).  Layouts of calldata.data:
 *
 *      write, pwrite64, writev, pwritev, pwritev2   the bytes written
 *      read, pread64                                (hash only)
 *      readv, preadv, preadv2                       u64 bytes asked; hash
 *      stat, lstat, fstat, newfstatat               struct stat
 *      statx                                        struct statx
 *      readlink, readlinkat                         the target (ret bytes)
 *      getdents, getdents64                         per entry: u8 d_type, name, NUL
 *      getcwd                                       the string (ret bytes)
 *      lseek                                        on a directory: u64 entries before
 *                                                   the new position
 *      setxattr, lsetxattr, fsetxattr               the value
 *      getxattr, lgetxattr, fgetxattr               the value returned
 *      clone, clone3, fork, vfork                   u64 clone flags
 *      openat2                                      struct open_how, as large as the
 *                                                   call said (at most 4096 bytes)
 *      utimensat                                    2 x struct timespec, when not NULL
 *      utimes, futimesat                            2 x struct timeval, when not NULL
 *      utime                                        struct utimbuf, when not NULL
 *      sendfile                                     i64 offset, when the pointer is set
 *      copy_file_range                              u8 has_in, u8 has_out, pad[6],
 *                                                   i64 off_in, i64 off_out
 *      bind, connect (AF_UNIX, a path in scope)     the address as passed
 *      setuid, setgid, setreuid, setregid,          the credentials after the call:
 *      setresuid, setresgid, setfsuid, setfsgid,    u32 ruid, u32 rgid, u32 fsuid,
 *      setgroups                                    u32 fsgid, u32 n, u32 groups[n]
 */
#ifndef PCOW_EMU_REPLAYREC_H
#define PCOW_EMU_REPLAYREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum emu_replay_kind {
	EMU_RK_NONE = 0,  /* not replayed (counted as skipped) */
	EMU_RK_PATH = 1,  /* takes paths: replayed when every path is in the scope */
	EMU_RK_FD = 2,	  /* works on descriptors: replayed when they are files in the scope */
	EMU_RK_STATE = 3, /* changes a process's descriptors, credentials or creation, or
			     binds/connects an AF_UNIX socket: always in the plan */
};

/* The kind of x86_64 call nr (other ABIs are not replayed). */
enum emu_replay_kind emu_replay_kind(int abi, long nr);

/* Whether nr (x86_64) changes credentials: set*uid, set*gid, setgroups. */
bool emu_replay_is_setid(long nr);

/* The numbers of the EMU_RK_STATE calls. */
size_t emu_replay_state_nrs(const int **ret);

/*
 * When abs names a descriptor through /proc (/proc/self/fd/N,
 * /proc/thread-self/fd/N, /proc/PID/fd/N with PID the caller's pid or
 * tid; pid -1 takes any): N, and in *ret_rest what follows it ("" or
 * "/..."); else -1.
 */
int emu_replay_proc_fd(const char *abs, int pid, int tid, const char **ret_rest);

/*
 * The entries of a getdents (is64 false) or getdents64 buffer raw of len
 * bytes, packed as calldata records them ("type name\0" each) into dst,
 * which may be raw itself (packing only shrinks).  Returns the bytes.
 */
size_t emu_replay_pack_dirents(unsigned char *dst, const unsigned char *raw, size_t len,
			       bool is64);

/* The clone flags of fork and vfork, as their calldata records them. */
#define EMU_FORK_FLAGS 17ULL		    /* SIGCHLD */
#define EMU_VFORK_FLAGS (0x4000ULL | 0x100ULL | 17ULL) /* CLONE_VFORK|CLONE_VM|SIGCHLD */

struct emu_rec;
struct emu_cow_call;
struct emu_guest;
struct cow_store;
struct db_writer;

/* What the recorder keeps of one call between entry and exit. */
struct emu_rec_pending {
	bool data;		/* the call is replayed: record its data at exit */
	bool created;		/* it may make or remove names: mark them at exit */
	uint8_t has_off;	/* copy_file_range/sendfile: which offsets were given */
	int64_t off[2];		/* their values at entry */
	char abs[2][4096];	/* created: the absolute paths it names */
	uint8_t n_abs;
	uint8_t addr_len;	/* bind, connect: the AF_UNIX address as passed */
	unsigned char addr[110];
};

struct emu_rec *emu_rec_new(struct cow_store *store);
void emu_rec_free(struct emu_rec *r); /* accepts NULL */
/* Where touch records go; NULL stops recording. */
void emu_rec_set_writer(struct emu_rec *r, struct db_writer *w);

void emu_rec_enter(struct emu_rec *r, const struct emu_cow_call *c, const struct emu_guest *g,
		   struct emu_rec_pending *p);
void emu_rec_exit(struct emu_rec *r, const struct emu_cow_call *c, const struct emu_guest *g,
		  struct emu_rec_pending *p, int64_t result);

#endif /* PCOW_EMU_REPLAYREC_H */
