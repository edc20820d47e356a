/*
 * emu/namei.h — path walking with the kernel's rules, over any view of the
 * file system.
 *
 * The copy-on-write layer answers "what is at exactly this virtual path"
 * (struct emu_fsops); emu_walk does the rest the way fs/namei.c does:
 * component by component, "." and "..", symlinks in the middle and (when
 * asked) at the end, at most 40 of them, trailing slashes, search
 * permission on every directory, and the errno the kernel would give.
 */
#ifndef PCOW_EMU_NAMEI_H
#define PCOW_EMU_NAMEI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EMU_MAXSYMLINKS 40 /* include/linux/namei.h */

enum emu_ftype {
	EMU_FT_NONE = 0, /* nothing there */
	EMU_FT_REG,
	EMU_FT_DIR,
	EMU_FT_LNK,
	EMU_FT_FIFO,
	EMU_FT_CHR,
	EMU_FT_BLK,
	EMU_FT_SOCK,
};

/* What the walk needs to know of one object. */
struct emu_inode {
	uint8_t type;  /* enum emu_ftype */
	uint32_t mode; /* permission bits (07777) */
	uid_t uid;
	gid_t gid;
};

struct emu_fsops {
	/*
	 * The object at exactly virt_path (absolute, normalised; symlinks not
	 * followed).  0 and *ret filled, -ENOENT when nothing is there, or
	 * another -errno (which ends the walk with it).
	 */
	int (*lookup)(void *ctx, const char *virt_path, struct emu_inode *ret);
	/* The target of the symlink at virt_path: its length, or -errno. */
	long (*readlink)(void *ctx, const char *virt_path, char *buf, size_t size);
	void *ctx;
	/*
	 * For EMU_WALK_NO_XDEV (NULL: such a walk fails with -ENOSYS): which
	 * mount virt_path is on, as a number two paths on the same mount
	 * share (>= 0), or -errno.  A mount point is on the mount there.
	 */
	long (*mount_of)(void *ctx, const char *virt_path);
};

/* Who is asking: the caller's filesystem credentials. */
struct emu_cred {
	uid_t fsuid;
	gid_t fsgid;
	const gid_t *groups; /* supplementary groups */
	size_t ngroups;
	bool cap_dac_override;	  /* CAP_DAC_OVERRIDE: r/w anywhere, x if any x bit */
	bool cap_dac_read_search; /* CAP_DAC_READ_SEARCH: read files, search dirs */
};

enum emu_walk_flags {
	EMU_WALK_FOLLOW = 1 << 0,    /* follow a symlink in the last component */
	EMU_WALK_DIRECTORY = 1 << 1, /* the last component must be a directory */
	/*
	 * The call names the last component itself (it creates, removes,
	 * renames or links it): a trailing slash neither follows a symbolic
	 * link there nor requires a directory; the call judges the slash
	 * (res.trailing_slash), as fs/namei.c does with LOOKUP_PARENT.
	 */
	EMU_WALK_NAME = 1 << 2,
	/* openat2's RESOLVE_* (fs/namei.c LOOKUP_*). */
	EMU_WALK_NO_SYMLINKS = 1 << 3,	 /* following any symbolic link: ELOOP */
	EMU_WALK_NO_MAGICLINKS = 1 << 4, /* following a /proc magic link: ELOOP */
	EMU_WALK_BENEATH = 1 << 5,	 /* leaving start_dir ("/", "..", absolute link): EXDEV */
	EMU_WALK_IN_ROOT = 1 << 6,	 /* start_dir is the root ("/" and ".." stop there) */
	EMU_WALK_NO_XDEV = 1 << 7,	 /* crossing a mount, either way: EXDEV (ops->mount_of) */
};

/*
 * Whether virt_path is one of /proc's magic links (/proc/PID/fd/N, cwd,
 * root, exe, map_files/..., ns/...; also below /proc/PID/task/TID), which
 * the kernel follows to an object rather than a path (nd_jump_link).
 */
bool emu_magic_link(const char *virt_path);

/*
 * What follows /proc/PID/ or /proc/PID/task/TID/ in virt_path ("fd/3",
 * "mem", ...), or NULL when it is not such a path.
 */
const char *emu_proc_task_file(const char *virt_path);

/*
 * The longest absolute path a walk reaches.  The name walked is shorter
 * than PATH_MAX (the kernel's getname), but relative to a deep start
 * directory it can lead further (equal to cow/cow.h's COW_PATH_MAX).
 */
#define EMU_PATH_MAX 32768

struct emu_walk_result {
	struct emu_inode inode; /* what is there (type EMU_FT_NONE: nothing) */
	bool parent_exists;	/* -ENOENT only for the last component: creatable */
	bool trailing_slash;	/* the path ended in '/' */
	char virt_path[EMU_PATH_MAX]; /* the absolute path reached (symlinks resolved) */
};

/*
 * Walk guest_path (relative to start_dir, an absolute virtual directory
 * path, unless it begins with '/').  Returns 0 with res filled, or the
 * kernel's -errno: -ENOENT (res->parent_exists tells whether only the last
 * component is missing, res->virt_path then names it), -ENOTDIR, -ELOOP,
 * -ENAMETOOLONG, -EACCES; or one the lookup callback returned.
 */
int emu_walk(const struct emu_fsops *ops, const struct emu_cred *cred, const char *start_dir,
	     const char *guest_path, unsigned flags, struct emu_walk_result *res);

/* Whether gid is cred's fsgid or one of its supplementary groups. */
bool emu_in_group(const struct emu_cred *cred, gid_t gid);

/*
 * May cred access an object of this inode for mask (MAY_READ 4, MAY_WRITE
 * 2, MAY_EXEC 1)?  0 or -EACCES, as fs/namei.c generic_permission.
 */
int emu_permission(const struct emu_cred *cred, const struct emu_inode *inode, int mask);

#endif /* PCOW_EMU_NAMEI_H */
