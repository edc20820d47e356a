/*
 * emu/fstate.h — what a process's paths are relative to: its working
 * directory and its descriptor table (fd → the absolute path it was opened
 * by), kept up to date from the system calls themselves (open*, creat,
 * dup*, fcntl, close, close_range, chdir, fchdir, execve) instead of
 * readlink(2) of /proc at each call.
 *
 * Both are reference counted because the kernel shares them: CLONE_FS
 * shares the working directory, CLONE_FILES the descriptor table (threads
 * share both); fork copies both.
 *
 * Paths are resolved lexically ("." and ".." are folded, symlinks are not
 * followed): exactly what the program named, made absolute.  The
 * copy-on-write layer resolves component by component on top of this.
 */
#ifndef PCOW_EMU_FSTATE_H
#define PCOW_EMU_FSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/syscalls.h"

struct emu_fs {
	int refs;
	char *cwd; /* absolute, normalised */
	bool moved; /* the kernel's cwd is not cwd (the copy-on-write layer sent
		       the program's chdir to an upper or redirected directory) */
	bool deleted; /* removed in the overlay (emu_fstate_unlinked) */
	struct emu_fs *prev, *next; /* every live one (emu_fstate_renamed) */
};

/*
 * What the copy-on-write layer keeps per open file description, not per
 * descriptor: a merged directory listing and its position.  The kernel's
 * dup, dup2, dup3, fcntl(F_DUPFD) and fork give the new descriptor the
 * same struct file (fs/file.c do_dup2, dup_fd), hence one f_pos that a
 * read or lseek through either moves; so every descriptor made that way
 * holds a reference to the same emu_dir.  The layer embeds it in its own
 * struct; the function given to emu_files_set_dir_free releases it when
 * the last descriptor holding it closes (close, close_range, dup2 over
 * it, close-on-exec, the table freed at exit).
 *
 * Invariant: refs == the number of open emu_fd entries, in every table,
 * whose dir points here.
 */
struct emu_dir {
	int refs;
};

struct emu_fd {
	char *path;   /* absolute path it was opened by; NULL: not a path (pipe...) */
	bool open;    /* the descriptor is open */
	bool cloexec; /* closed at execve */
	/*
	 * Set by the copy-on-write layer, NULL otherwise.  vpath: the object's
	 * virtual path with symlinks resolved (copied by dup and fork); dir:
	 * its open file description's merged listing (shared with dup and
	 * fork copies, see struct emu_dir; emu_files_set_dir).
	 */
	char *vpath;
	bool moved; /* the kernel's object is not at vpath (upper or redirected) */
	bool deleted; /* its name was removed in the overlay: " (deleted)" */
	struct emu_dir *dir;
};

struct emu_files {
	int refs;
	size_t cap;	    /* entries in fds */
	struct emu_fd *fds; /* indexed by descriptor number */
	struct emu_files *prev, *next; /* every live one (emu_fstate_renamed) */
};

struct emu_fs *emu_fs_new(const char *cwd); /* NULL on ENOMEM */
struct emu_fs *emu_fs_copy(const struct emu_fs *fs);
void emu_fs_put(struct emu_fs *fs); /* drop a reference; accepts NULL */

struct emu_files *emu_files_new(void);
struct emu_files *emu_files_copy(const struct emu_files *files);
void emu_files_put(struct emu_files *files); /* accepts NULL */

/* Record fd as open on path (NULL: not a path); 0 or -ENOMEM. */
int emu_files_set(struct emu_files *files, int fd, const char *path, bool cloexec);

/* Remember fd's resolved virtual path (the fd must be open); 0 or -ENOMEM. */
int emu_files_set_vpath(struct emu_files *files, int fd, const char *vpath, bool moved);

/* The open descriptor fd's entry, NULL when closed or unknown. */
struct emu_fd *emu_files_get(const struct emu_files *files, int fd);

/*
 * How an emu_dir is freed when the last descriptor holding it closes
 * (set once, at start; fn is not called with NULL).
 */
void emu_files_set_dir_free(void (*fn)(struct emu_dir *dir));

/*
 * Give the open descriptor fd a new open file description's dir (not yet
 * held: its refs is set to 1, the table's); the one fd held is released.
 * Returns 0, or -EBADF when fd is not open (dir is then released).
 */
int emu_files_set_dir(struct emu_files *files, int fd, struct emu_dir *dir);

/* The path fd was opened by; NULL when closed, unknown or not a path. */
const char *emu_files_path(const struct emu_files *files, int fd);

/*
 * Resolve (dirfd, guest_path) lexically into an absolute virtual path in
 * buf.  dirfd is AT_FDCWD or a descriptor of the table.  Returns the
 * length, -EBADF when dirfd is unknown, -ENAMETOOLONG when it does not fit.
 */
long emu_resolve(char *buf, size_t size, const struct emu_fs *fs, const struct emu_files *files,
		 int dirfd, const char *guest_path);

/*
 * Fold "." and "..", and repeated and trailing slashes, of the absolute
 * path in buf, in place ("/a/./b/../c/" → "/a/c").  Returns the new length.
 */
size_t emu_path_normalize(char *buf);

/*
 * Update *pfs and *pfiles after a call that returned ret.  resolved[i] is
 * the absolute path argument i resolved to at entry (NULL when none).
 * When the call gave the task a cwd or a descriptor table of its own
 * (unshare, close_range with CLOSE_RANGE_UNSHARE, exec), *pfs or *pfiles
 * is replaced by a copy and the shared one loses a reference.
 * Returns 0 or -ENOMEM.
 */
int emu_fstate_track(struct emu_fs **pfs, struct emu_files **pfiles, int abi,
		     const struct emu_syscall *sc, const uint64_t args[6], int64_t ret,
		     const char *const resolved[6]);

/*
 * The copy-on-write layer renamed the object at virtual path from to to:
 * every working directory and descriptor of every process at or below
 * from follows it, as the kernel's dentries do (their paths and vpaths
 * are rewritten; they become moved).  exchange (RENAME_EXCHANGE): and the
 * object at to went to from.  Returns 0 or -ENOMEM (then some entries
 * keep the old name).
 */
int emu_fstate_renamed(const char *from, const char *to, bool exchange);
/*
 * The same for a rename the kernel made itself (outside the scope, or
 * below --rw): the names follow, and the kernel's objects are at them.
 */
int emu_fstate_kernel_renamed(const char *from, const char *to, bool exchange);

/*
 * The copy-on-write layer removed the name vpath: working directories and
 * descriptors opened by it are deleted (a later object at that name is
 * another one).
 */
void emu_fstate_unlinked(const char *vpath);

/*
 * Add to sel the calls emu_fstate_track must see for the tables to stay
 * right (the seccomp filter stops them even when they are not logged).
 */
struct emu_select;
void emu_fstate_select(struct emu_select *sel);

#endif /* PCOW_EMU_FSTATE_H */
