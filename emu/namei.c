/*
 * emu/namei.c — walk a path the way the kernel does (fs/namei.c
 * link_path_walk, walk_component, pick_link; generic_permission).
 *
 * State: `cur`, the directory reached so far as an absolute path with every
 * symlink already resolved, and `rest`, what remains to walk.  Following a
 * symlink replaces the component by the target and continues from `cur`
 * (relative target) or from "/" (absolute target); ".." therefore pops a
 * component of the resolved path, which is the kernel's physical "..".
 *
 * The order of the checks decides the errno and follows the kernel's:
 *   - the whole name is PATH_MAX (4096) bytes or more: ENAMETOOLONG
 *     (getname); empty: ENOENT.  The path reached may be longer (from a
 *     deep start directory), up to EMU_PATH_MAX; past that, ENAMETOOLONG
 *     where the kernel would go on (pcow's own limit);
 *   - before each component, search (exec) permission on the directory we
 *     are in: EACCES (may_lookup) — for "." and ".." too;
 *   - a component longer than NAME_MAX (255): ENAMETOOLONG;
 *   - a missing component: ENOENT; a non-directory followed by more
 *     components: ENOTDIR;
 *   - a symlink in the middle, or at the end when following or when a
 *     slash follows it: the 41st on one walk gives ELOOP; an empty target
 *     gives ENOENT;
 *   - at the end, a trailing slash or EMU_WALK_DIRECTORY on something that
 *     is not a directory: ENOTDIR.
 *
 * EMU_WALK_NO_XDEV (RESOLVE_NO_XDEV) keeps the walk on the mount it starts
 * on: a component on another mount (traverse_mounts), ".." from a mount's
 * root (follow_dotdot), an absolute symlink read on another mount than the
 * root's (nd_jump_root) and a magic link to another mount (nd_jump_link)
 * are EXDEV.  An absolute name starts on the root's mount, allowed.
 */
#include <errno.h>
#include <string.h>

#include "emu/namei.h"

#define PATH_MAX_ 4096
#define NAME_MAX_ 255

bool emu_in_group(const struct emu_cred *cred, gid_t gid)
{
	if (cred->fsgid == gid)
		return true;
	for (size_t i = 0; i < cred->ngroups; i++)
		if (cred->groups[i] == gid)
			return true;
	return false;
}

int emu_permission(const struct emu_cred *cred, const struct emu_inode *inode, int mask)
{
	unsigned mode = inode->mode;

	mask &= 7;
	/* acl_permission_check: the owner's bits, else the group's, else other's. */
	if (cred->fsuid == inode->uid)
		mode >>= 6;
	else if (emu_in_group(cred, inode->gid))
		mode >>= 3;
	if ((mask & ~mode & 7) == 0)
		return 0;
	if (inode->type == EMU_FT_DIR) {
		/* DACs are overridable for directories. */
		if (!(mask & 2) && cred->cap_dac_read_search)
			return 0;
		return cred->cap_dac_override ? 0 : -EACCES;
	}
	if (mask == 4 && cred->cap_dac_read_search)
		return 0;
	/* Executable DACs are overridable when at least one exec bit is set. */
	if (!(mask & 1) || (inode->mode & 0111))
		return cred->cap_dac_override ? 0 : -EACCES;
	return -EACCES;
}

/* Drop the last component of the absolute path in buf ("/" stays "/"). */
static void pop(char *buf)
{
	char *slash = strrchr(buf, '/');

	if (slash == buf)
		buf[1] = '\0';
	else if (slash)
		*slash = '\0';
}

/* Append component comp (len bytes) to the absolute path in buf. */
static int push(char *buf, const char *comp, size_t len)
{
	size_t blen = strlen(buf);
	size_t sep = blen > 1 ? 1 : 0;

	if (blen + sep + len + 1 > EMU_PATH_MAX)
		return -ENAMETOOLONG;
	if (sep)
		buf[blen++] = '/';
	memcpy(buf + blen, comp, len);
	buf[blen + len] = '\0';
	return 0;
}

static int lookup_dir_inode(const struct emu_fsops *ops, const char *path, struct emu_inode *ino)
{
	int err = ops->lookup(ops->ctx, path, ino);

	if (err)
		return err;
	return ino->type == EMU_FT_DIR ? 0 : -ENOTDIR;
}

const char *emu_proc_task_file(const char *virt_path)
{
	const char *p = virt_path;

	if (strncmp(p, "/proc/", 6))
		return NULL;
	p += 6;
	for (int part = 0; part < 2; part++) {
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p != '/')
			return NULL;
		p++;
		if (part == 0 && !strncmp(p, "task/", 5))
			p += 5;
		else
			break;
	}
	return p;
}

/* /proc/PID/ (and /proc/PID/task/TID/) then one of the magic names. */
bool emu_magic_link(const char *virt_path)
{
	static const char *const names[] = { "cwd", "root", "exe" };
	const char *p = emu_proc_task_file(virt_path);

	if (!p)
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(p, names[i]))
			return true;
	return (!strncmp(p, "fd/", 3) && p[3] && !strchr(p + 3, '/')) ||
	       (!strncmp(p, "map_files/", 10) && p[10] && !strchr(p + 10, '/')) ||
	       (!strncmp(p, "ns/", 3) && p[3] && !strchr(p + 3, '/'));
}

/*
 * The mount path is on, for a NO_XDEV walk, or -errno; *mnt unchanged
 * (and 0) when the walk may cross mounts.
 */
static int mount_of(const struct emu_fsops *ops, unsigned flags, const char *path, long *mnt)
{
	long m;

	if (!(flags & EMU_WALK_NO_XDEV))
		return 0;
	if (!ops->mount_of)
		return -ENOSYS;
	m = ops->mount_of(ops->ctx, path);
	if (m < 0)
		return (int)m;
	*mnt = m;
	return 0;
}

/* A NO_XDEV walk stepping from mount *mnt to path: 0 (and on), or -EXDEV. */
static int stay_on_mount(const struct emu_fsops *ops, unsigned flags, const char *path,
			 long *mnt)
{
	long m = *mnt;
	int err = mount_of(ops, flags, path, &m);

	if (err)
		return err;
	return m == *mnt ? 0 : -EXDEV;
}

/*
 * Where an absolute path or symbolic link starts: "/", or the root of a
 * RESOLVE_IN_ROOT walk (nd_jump_root); -EXDEV for RESOLVE_BENEATH, and
 * for RESOLVE_NO_XDEV from another mount than the root's.  The kernel
 * takes the root lazily: a walk that began with a relative name and has
 * not gone through ".." (which takes it, handle_dots) has none yet, and
 * its NO_XDEV jump is EXDEV even from the root's mount.
 */
static int jump_root(const struct emu_fsops *ops, const char *root, unsigned flags, char *path,
		     struct emu_inode *dir_ino, long *mnt, bool *root_set)
{
	int err;

	if (flags & EMU_WALK_BENEATH)
		return -EXDEV;
	if ((flags & EMU_WALK_NO_XDEV) && !*root_set)
		return -EXDEV;
	*root_set = true;
	err = stay_on_mount(ops, flags, root, mnt);
	if (err)
		return err;
	strcpy(path, root);
	return lookup_dir_inode(ops, path, dir_ino);
}

int emu_walk(const struct emu_fsops *ops, const struct emu_cred *cred, const char *start_dir,
	     const char *guest_path, unsigned flags, struct emu_walk_result *res)
{
	char rest[PATH_MAX_ * 2], target[PATH_MAX_], next[EMU_PATH_MAX], root[EMU_PATH_MAX];
	struct emu_inode dir_ino;
	size_t glen = strlen(guest_path);
	long mnt = 0; /* the mount a NO_XDEV walk is on */
	int links = 0, err;
	bool dead, root_set;
	const char *p;

	/* Not the whole of res: virt_path is large, and written before read. */
	memset(&res->inode, 0, sizeof(res->inode));
	res->parent_exists = res->trailing_slash = false;
	res->virt_path[0] = '\0';
	if (glen >= PATH_MAX_)
		return -ENAMETOOLONG;
	if (glen == 0)
		return -ENOENT;
	res->trailing_slash = guest_path[glen - 1] == '/';
	if (res->trailing_slash && !(flags & EMU_WALK_NAME))
		flags |= EMU_WALK_FOLLOW | EMU_WALK_DIRECTORY;

	if (flags & EMU_WALK_NO_SYMLINKS)
		flags |= EMU_WALK_NO_MAGICLINKS;
	/* A scoped walk's root is where it starts: the dirfd (path_init). */
	if ((flags & (EMU_WALK_BENEATH | EMU_WALK_IN_ROOT)) &&
	    (strlen(start_dir) >= EMU_PATH_MAX || start_dir[0] != '/'))
		return -ENAMETOOLONG;
	strcpy(root, flags & (EMU_WALK_BENEATH | EMU_WALK_IN_ROOT) ? start_dir : "/");
	if (guest_path[0] == '/') {
		if (flags & EMU_WALK_BENEATH)
			return -EXDEV;
		strcpy(res->virt_path, root);
	} else {
		if (strlen(start_dir) >= EMU_PATH_MAX || start_dir[0] != '/')
			return -ENAMETOOLONG;
		strcpy(res->virt_path, start_dir);
	}
	/*
	 * A start directory that is gone (a cwd or dirfd whose directory was
	 * removed, for real or in the overlay) is still held by the kernel:
	 * nothing can be looked up or created in it (IS_DEADDIR: ENOENT in
	 * lookup_slow and lookup_open), but ".." still leads to the parent it
	 * was removed from (follow_dotdot: d_parent).  Its mode cannot be
	 * looked up by path, so search permission on it is not checked.
	 */
	err = lookup_dir_inode(ops, res->virt_path, &dir_ino);
	dead = err == -ENOENT && guest_path[0] != '/';
	if (err && !dead)
		return err;
	err = mount_of(ops, flags, res->virt_path, &mnt);
	if (err)
		return err;
	memcpy(rest, guest_path, glen + 1);
	p = rest;
	root_set = guest_path[0] == '/' || (flags & (EMU_WALK_BENEATH | EMU_WALK_IN_ROOT));

	for (;;) {
		const char *comp, *after;
		struct emu_inode ino;
		bool last;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p) {
			/* Nothing left: the object is the directory we are in. */
			if (dead)
				return -ENOENT;
			res->inode = dir_ino;
			return 0;
		}
		comp = p;
		len = strcspn(comp, "/");
		after = comp + len;
		while (*after == '/')
			after++;
		last = *after == '\0';

		/* may_lookup: search permission on the directory we are in. */
		err = dead ? 0 : emu_permission(cred, &dir_ino, 1);
		if (err)
			return err;
		if (len > NAME_MAX_)
			return -ENAMETOOLONG;
		if (len == 1 && comp[0] == '.') {
			p = comp + len;
			continue;
		}
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			root_set = true;
			/* follow_dotdot: at the root of a scoped walk, EXDEV or stay. */
			if (!strcmp(res->virt_path, root) && (flags & EMU_WALK_BENEATH))
				return -EXDEV;
			if (!strcmp(res->virt_path, root) && (flags & EMU_WALK_IN_ROOT)) {
				p = comp + len;
				continue;
			}
			pop(res->virt_path);
			err = stay_on_mount(ops, flags, res->virt_path, &mnt);
			if (err)
				return err;
			err = lookup_dir_inode(ops, res->virt_path, &dir_ino);
			if (err)
				return err;
			dead = false;
			p = comp + len;
			continue;
		}
		if (dead)
			return -ENOENT; /* the parent is gone: parent_exists stays false */

		strcpy(next, res->virt_path);
		err = push(next, comp, len);
		if (err)
			return err;
		err = ops->lookup(ops->ctx, next, &ino);
		if (err == -ENOENT) {
			if (last) {
				res->parent_exists = true;
				strcpy(res->virt_path, next);
			}
			return -ENOENT;
		}
		if (err)
			return err;
		/* traverse_mounts: a mount on next is on another mount. */
		err = stay_on_mount(ops, flags, next, &mnt);
		if (err)
			return err;

		if (ino.type == EMU_FT_LNK && (!last || (flags & EMU_WALK_FOLLOW))) {
			long tlen;
			size_t rlen;

			if (++links > EMU_MAXSYMLINKS)
				return -ELOOP;
			/* pick_link, then nd_jump_link for the magic ones. */
			if (flags & EMU_WALK_NO_SYMLINKS)
				return -ELOOP;
			if ((flags & (EMU_WALK_NO_MAGICLINKS | EMU_WALK_BENEATH | EMU_WALK_IN_ROOT)) &&
			    emu_magic_link(next))
				return flags & EMU_WALK_NO_MAGICLINKS ? -ELOOP : -EXDEV;
			tlen = ops->readlink(ops->ctx, next, target, sizeof(target));
			if (tlen < 0)
				return (int)tlen;
			if (tlen == 0)
				return -ENOENT;
			if ((size_t)tlen >= sizeof(target))
				return -ENAMETOOLONG;
			target[tlen] = '\0';
			if ((flags & EMU_WALK_NO_XDEV) && emu_magic_link(next)) {
				/*
				 * nd_jump_link: the object it names must be on
				 * the link's mount.  Walked as a path from "/"
				 * then, it is not checked again.
				 */
				err = target[0] == '/' ? stay_on_mount(ops, flags, target, &mnt)
						       : -EXDEV;
				if (err)
					return err;
				flags &= ~(unsigned)EMU_WALK_NO_XDEV;
			}
			/* The target, then what followed the link (slash kept). */
			rlen = strlen(comp + len);
			if ((size_t)tlen + rlen + 1 > sizeof(rest))
				return -ENAMETOOLONG;
			memmove(rest + tlen, comp + len, rlen + 1);
			memcpy(rest, target, (size_t)tlen);
			p = rest;
			if (target[0] == '/') {
				err = jump_root(ops, root, flags, res->virt_path, &dir_ino, &mnt,
						&root_set);
				if (err)
					return err;
			}
			continue;
		}
		if (!last) {
			if (ino.type != EMU_FT_DIR)
				return -ENOTDIR;
			strcpy(res->virt_path, next);
			dir_ino = ino;
			p = comp + len;
			continue;
		}
		/* The last component, found. */
		strcpy(res->virt_path, next);
		res->inode = ino;
		if ((flags & EMU_WALK_DIRECTORY) && ino.type != EMU_FT_DIR)
			return -ENOTDIR;
		return 0;
	}
}
