/*
 * emu/cowops.c — the handlers of the calls that change the file system:
 * open for writing and creation, mkdir/mknod/symlink, unlink/rmdir,
 * rename, link, chmod/chown/utimes, truncate and xattrs, and fstat of a
 * descriptor whose object changed.  Each follows the kernel's order of
 * checks (fs/namei.c, fs/open.c, fs/attr.c) before it changes the overlay.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "cow/cow.h"
#include "db/db.h"
#include "emu/cow_internal.h"

/* --------------------------------------------------------- open */

/*
 * /proc/PID/mem or /proc/PID/task/TID/mem: written, it changes even
 * read-only pages, pcow's copies of checked paths among them.
 */
static bool proc_mem(const char *vp)
{
	const char *rest = emu_proc_task_file(vp);

	return rest && !strcmp(rest, "mem");
}

/* Every RESOLVE_* this kernel interface has (fs/open.c VALID_RESOLVE_FLAGS). */
#define RESOLVE_VALID 0x3fULL

/*
 * openat2's RESOLVE_* as walk flags.  pcow's walk applies them where it
 * walks; where it passes the call as written the kernel does.  A call it
 * rewrites goes to the kernel without them: its path is then absolute,
 * into upper/ or the real tree, and the walk has been made.
 */
static unsigned resolve_walk_flags(uint64_t resolve)
{
	return (resolve & RESOLVE_NO_SYMLINKS ? EMU_WALK_NO_SYMLINKS : 0) |
	       (resolve & RESOLVE_NO_MAGICLINKS ? EMU_WALK_NO_MAGICLINKS : 0) |
	       (resolve & RESOLVE_BENEATH ? EMU_WALK_BENEATH : 0) |
	       (resolve & RESOLVE_IN_ROOT ? EMU_WALK_IN_ROOT : 0) |
	       (resolve & RESOLVE_NO_XDEV ? EMU_WALK_NO_XDEV : 0);
}

int cw_do_open(struct ctx *x, int dirfd, int pi, int flags_arg, int flags, mode_t mode,
		   struct open_how *how)
{
	const struct emu_proc_cred *pc;
	struct walk w;
	char upper[COW_REAL_MAX];
	bool base_moved, creat = flags & O_CREAT, tmpfile = (flags & O_TMPFILE) == O_TMPFILE;
	int acc = flags & O_ACCMODE, err, mask;
	bool writes = !(flags & O_PATH) && (acc != O_RDONLY || (flags & O_TRUNC) || tmpfile);
	unsigned wflags = 0;

	x->pend->open_fix_mode = false;
	/*
	 * Passed, it keeps its relative path (pinned_path): one that only
	 * reads cannot reach a real file's content through a swapped dirfd,
	 * and RESOLVE_BENEATH and RESOLVE_IN_ROOT are relative to the dirfd.
	 */
	x->pend->pin_as_written = !(writes || creat) ||
				  (how && (how->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)));
	/* build_open_flags (fs/open.c): what the kernel refuses before any walk. */
	if (how && (how->resolve & ~(uint64_t)RESOLVE_VALID))
		return cw_emulate(x, -EINVAL);
	if (how && (how->resolve & RESOLVE_BENEATH) && (how->resolve & RESOLVE_IN_ROOT))
		return cw_emulate(x, -EINVAL);
	if (how && ((creat || tmpfile) ? (how->mode & ~(uint64_t)07777) != 0 : how->mode != 0))
		return cw_emulate(x, -EINVAL);
	if (how && (how->resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT | 020000000)))
		return cw_emulate(x, -EAGAIN); /* "don't bother even trying" */
	if (how)
		wflags |= resolve_walk_flags(how->resolve);
	if (creat && (flags & O_DIRECTORY) && x->ec->creat_dir_einval)
		return cw_emulate(x, -EINVAL);
	if (flags & O_PATH)
		creat = false;
	if (!(flags & O_NOFOLLOW) && !(creat && (flags & O_EXCL)))
		wflags |= EMU_WALK_FOLLOW;
	if ((flags & O_DIRECTORY) && !creat)
		wflags |= EMU_WALK_DIRECTORY;
	x->pend->open_dirfd = dirfd;
	x->pend->open_pi = (int8_t)pi;
	x->pend->open_wflags = wflags;
	/*
	 * Passed as written, the path the kernel opened taken at exit: a read
	 * that cannot reach the overlay, and "." of a cwd removed in upper/
	 * (the kernel holds the dead directory).
	 */
	if (!writes && !creat &&
	    ((!(flags & O_DIRECTORY) && cw_quiet(x, pi, dirfd)) ||
	     cw_dead_cwd_itself(x, dirfd, x->c->path[pi]))) {
		x->pend->what = PEND_OPEN;
		x->pend->vpath[0] = '\0';
		x->pend->is_dir = false;
		return DB_ACTION_PASS;
	}
	cw_walk(x->ec, x->c, dirfd, pi, wflags, &w, &base_moved);
	x->pend->what = PEND_OPEN;
	/* An O_TMPFILE is not its directory: the kernel names it ("#N (deleted)"). */
	snprintf(x->pend->vpath, sizeof(x->pend->vpath), "%s", tmpfile ? "" : w.res.virt_path);
	/* O_TMPFILE names a directory but opens a new, unnamed file in it. */
	x->pend->is_dir = w.err == 0 && w.res.inode.type == EMU_FT_DIR && !tmpfile;
	if (w.special)
		return writes || creat ? cw_deny(x, -EACCES) : DB_ACTION_PASS;
	if (writes && proc_mem(w.res.virt_path))
		return cw_deny(x, -EACCES);
	if (w.err == -ENOENT && w.res.parent_exists && creat && cw_in_cow(x, w.res.virt_path)) {
		/* Create: the new file goes to upper (may_o_create). */
		if (w.res.trailing_slash)
			return cw_emulate(x, -EISDIR);
		err = cw_may_create(x, w.res.virt_path);
		if (err)
			return cw_emulate(x, err);
		pc = cw_cred_of(x->ec, x->c);
		/*
		 * The kernel does not check the mode of a file its open just
		 * created; the rewritten open will, so the owner gets the bits
		 * the access needs until the exit sets the mode.
		 */
		mode = mode & 07777 & ~cw_umask_of(x);
		mask = acc == O_RDONLY ? 0400 : acc == O_WRONLY ? 0200 : 0600;
		x->pend->open_fix_mode = (mode & (mode_t)mask) != (mode_t)mask;
		x->pend->open_mode = mode;
		err = cow_create(x->ec->store, w.res.virt_path, S_IFREG | mode | (mode_t)mask, NULL,
				 pc->cred.fsuid, pc->cred.fsgid);
		if (err) {
			x->pend->open_fix_mode = false;
			return cw_emulate(x, err);
		}
		err = cow_upper_path(x->ec->store, w.res.virt_path, upper, sizeof(upper));
		if (err)
			return cw_emulate(x, err);
		/* It exists now: the kernel must not refuse it for O_EXCL. */
		if (how) {
			how->flags &= ~(uint64_t)O_EXCL; /* the caller pins it */
			err = 0;
		} else if (flags_arg >= 0) {
			err = x->g->set_arg(x->g->ctx, flags_arg, (uint64_t)(flags & ~O_EXCL));
		}
		if (err)
			return cw_emulate(x, -EFAULT);
		return cw_rewrite(x, pi, upper, w.res.virt_path);
	}
	if (creat && w.err == -ENOENT)
		return cw_create_outside(x, &w, base_moved, pi);
	if (w.err || !writes || !cw_in_cow(x, w.res.virt_path))
		return cw_read_only(x, &w, base_moved, pi);

	/* It exists and is opened for writing, in the scope. */
	if (creat && (flags & O_EXCL))
		return cw_emulate(x, -EEXIST);
	if (w.res.inode.type == EMU_FT_LNK)
		return cw_emulate(x, -ELOOP); /* O_NOFOLLOW */
	if (w.res.inode.type == EMU_FT_DIR && !tmpfile)
		return cw_emulate(x, -EISDIR);
	if (tmpfile && w.res.inode.type != EMU_FT_DIR)
		return cw_emulate(x, -ENOTDIR);
	pc = cw_cred_of(x->ec, x->c);
	mask = acc == O_RDONLY ? 4 : acc == O_WRONLY ? 2 : 6;
	if (flags & O_TRUNC)
		mask |= 2;
	if (tmpfile)
		mask = 2 | 1;
	err = emu_permission(&pc->cred, &w.res.inode, mask);
	if (err)
		return cw_emulate(x, err);
	if (w.res.inode.type != EMU_FT_REG && !tmpfile)
		return cw_read_only(x, &w, base_moved, pi); /* FIFO, device: no copy */
	if (w.lk.where == COW_UPPER)
		return cw_rewrite(x, pi, w.lk.real_path, w.res.virt_path);
	if ((flags & O_TRUNC) && !tmpfile)
		err = cow_copy_up_truncated(x->ec->store, w.res.virt_path, upper);
	else
		err = cow_copy_up(x->ec->store, w.res.virt_path, upper);
	if (err)
		return cw_emulate(x, err);
	return cw_rewrite(x, pi, upper, w.res.virt_path);
}

/* ------------------------------------------- create, delete, rename */

/* mknod's dev is the kernel's unsigned int (new_decode_dev), as glibc passes it. */
static int do_mknod(struct ctx *x, int dirfd, int pi, mode_t mode, const char *target,
		    uint32_t dev)
{
	struct walk w;
	const struct emu_proc_cred *pc;
	bool base_moved;
	int err;

	cw_walk(x->ec, x->c, dirfd, pi, EMU_WALK_NAME, &w, &base_moved);
	if (w.special)
		return cw_deny(x, -EACCES);
	if (!cw_in_cow(x, w.res.virt_path) && (w.err == 0 || w.res.parent_exists))
		return cw_create_outside(x, &w, base_moved, pi);
	if (w.err == 0)
		return cw_emulate(x, -EEXIST); /* filename_create: even "name/" */
	if (w.err != -ENOENT || !w.res.parent_exists)
		return cw_emulate(x, w.err);
	if (w.res.trailing_slash && !S_ISDIR(mode))
		return cw_emulate(x, -ENOENT);
	err = cw_may_create(x, w.res.virt_path);
	if (err)
		return cw_emulate(x, err);
	pc = cw_cred_of(x->ec, x->c);
	/* vfs_mknod, after may_create: a device needs CAP_MKNOD, except the
	   whiteout device 0/0. */
	if ((S_ISCHR(mode) || S_ISBLK(mode)) && !(S_ISCHR(mode) && dev == 0) && !pc->cap_mknod)
		return cw_emulate(x, -EPERM);
	if (target)
		err = cow_create(x->ec->store, w.res.virt_path, mode, target, pc->cred.fsuid,
				 pc->cred.fsgid);
	else
		err = cow_create_node(x->ec->store, w.res.virt_path, mode, (dev_t)dev,
				      pc->cred.fsuid, pc->cred.fsgid);
	return cw_emulate(x, err);
}

int cw_do_mkdir(struct ctx *x, int dirfd, int pi, mode_t mode)
{
	return do_mknod(x, dirfd, pi, S_IFDIR | (mode & 01777 & ~cw_umask_of(x)), NULL, 0);
}

int cw_do_mknod_call(struct ctx *x, int dirfd, int pi, mode_t mode, uint32_t dev)
{
	mode_t type = mode & S_IFMT;

	if (type == 0)
		type = S_IFREG;
	/* may_mknod: a directory is EPERM, an unknown type EINVAL. */
	if (type == S_IFDIR)
		return cw_emulate(x, -EPERM);
	if (type != S_IFREG && type != S_IFIFO && type != S_IFCHR && type != S_IFBLK &&
	    type != S_IFSOCK)
		return cw_emulate(x, -EINVAL);
	return do_mknod(x, dirfd, pi, type | (mode & 07777 & ~cw_umask_of(x)), NULL, dev);
}

int cw_do_symlink(struct ctx *x, int dirfd, int pi)
{
	const char *target = x->c->path[0];

	if (!target[0])
		return cw_emulate(x, -ENOENT);
	return do_mknod(x, dirfd, pi, S_IFLNK | 0777, target, 0);
}

const char *cw_last_component(const char *p)
{
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		n--;
	while (n > 0 && p[n - 1] != '/')
		n--;
	return p + n;
}

/*
 * Walk path argument pi for a call that changes an existing object: true
 * when it exists in the scope (then the caller goes on with *w); false
 * with *ret_action decided otherwise (the kernel's, or the walk's error).
 */
static bool walk_in_scope(struct ctx *x, int dirfd, int pi, unsigned flags, struct walk *w,
			  int *ret_action)
{
	bool base_moved;

	cw_walk(x->ec, x->c, dirfd, pi, flags, w, &base_moved);
	if (w->special)
		*ret_action = cw_deny(x, -EACCES);
	else if (w->err && (w->touched || cw_in_cow(x, w->res.virt_path)))
		*ret_action = cw_emulate(x, w->err);
	else if (w->err || !cw_in_cow(x, w->res.virt_path))
		*ret_action = cw_read_only(x, w, base_moved, pi);
	else
		return true;
	return false;
}

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000 /* Linux 5.8 */
#endif

/*
 * A real object something is mounted on: the kernel will not remove or
 * rename it (is_local_mountpoint: EBUSY), and neither will the overlay.
 * Before 5.8 statx does not say, and pcow cannot tell.
 */
static bool mount_point(struct ctx *x, const struct walk *w)
{
	char real[COW_REAL_MAX];
	struct statx stx;

	if (w->err || (w->lk.where != COW_LOWER && w->lk.where != COW_UPPER) ||
	    !cow_real_dir(x->ec->store, w->res.virt_path, real, sizeof(real)))
		return false;
	if (statx(AT_FDCWD, cow_kpath(x->ec->store, real), AT_SYMLINK_NOFOLLOW, 0, &stx) < 0)
		return false;
	return stx.stx_attributes_mask & stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
}

int cw_do_unlink(struct ctx *x, int dirfd, int pi, bool is_dir)
{
	struct walk w;
	const char *lastc = cw_last_component(x->c->path[pi]);
	int err, action;

	if (!walk_in_scope(x, dirfd, pi, EMU_WALK_NAME, &w, &action))
		return action;
	/* do_unlinkat: "name/" is never unlinked ("slashes:"). */
	if (!is_dir && w.res.trailing_slash)
		return cw_emulate(x, w.res.inode.type == EMU_FT_DIR ? -EISDIR : -ENOTDIR);
	if (is_dir && (!strcmp(lastc, ".") || !strncmp(lastc, "./", 2)))
		return cw_emulate(x, -EINVAL);
	if (is_dir && (!strcmp(lastc, "..") || !strncmp(lastc, "../", 3)))
		return cw_emulate(x, -ENOTEMPTY);
	if (!strcmp(w.res.virt_path, "/"))
		return cw_emulate(x, is_dir ? -EBUSY : -EISDIR);
	err = cw_may_delete(x, w.res.virt_path, &w.res.inode);
	if (!err && mount_point(x, &w))
		err = -EBUSY; /* vfs_rmdir, vfs_unlink: before the file system's ENOTEMPTY */
	if (!err)
		err = cow_delete(x->ec->store, w.res.virt_path, is_dir);
	if (!err)
		emu_fstate_unlinked(w.res.virt_path);
	return cw_emulate(x, err);
}

/* The guest path's last component is "." or "..". */
static bool is_dot(const char *p)
{
	const char *last = cw_last_component(p);

	return !strcmp(last, ".") || !strncmp(last, "./", 2) || !strcmp(last, "..") ||
	       !strncmp(last, "../", 3);
}

/* renameat2(RENAME_EXCHANGE): three renames through a name of our own. */
static int exchange(struct ctx *x, const struct walk *ow, const struct walk *nw)
{
	char tmp[EMU_PATH_MAX + 64], parent[EMU_PATH_MAX];
	const char *a = ow->res.virt_path, *b = nw->res.virt_path;
	char *slash;
	int err;

	if (!strcmp(a, b))
		return 0;
	if (cw_under(a, b) || cw_under(b, a))
		return -EINVAL;
	err = cw_may_delete(x, a, &ow->res.inode);
	if (!err)
		err = cw_may_delete(x, b, &nw->res.inode);
	if (err)
		return err;
	if (mount_point(x, ow) || mount_point(x, nw))
		return -EBUSY;
	snprintf(parent, sizeof(parent), "%s", a);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	snprintf(tmp, sizeof(tmp), "%s/.pcow-exchange-%d", parent, (int)x->c->tid);
	err = cow_rename(x->ec->store, a, tmp);
	if (err)
		return err;
	err = cow_rename(x->ec->store, b, a);
	if (err) {
		cow_rename(x->ec->store, tmp, a);
		return err;
	}
	err = cow_rename(x->ec->store, tmp, b);
	if (!err)
		emu_fstate_renamed(a, b, true);
	return err;
}

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U /* Linux 5.8 */
#endif

/*
 * The mount of vp's parent: that of its nearest ancestor on the real file
 * system (a directory made in the overlay is on its parent's mount), by
 * statx's mount id, else (before Linux 5.8) its device; 0 when none is found.
 */
static uint64_t parent_mount(struct ctx *x, const char *vp)
{
	char p[EMU_PATH_MAX];
	struct statx stx;
	char *slash;

	snprintf(p, sizeof(p), "%s", vp);
	while ((slash = strrchr(p, '/'))) {
		slash[slash == p] = '\0'; /* "/a" -> "/" */
		if (statx(AT_FDCWD, cow_kpath(x->ec->store, p), 0, STATX_MNT_ID, &stx) == 0)
			return stx.stx_mask & STATX_MNT_ID
				       ? stx.stx_mnt_id
				       : (uint64_t)stx.stx_dev_major << 32 | stx.stx_dev_minor;
		if (slash == p)
			break;
	}
	return 0;
}

/*
 * Two names outside the copy-on-write scope (below --rw) whose walks went
 * through the overlay (an ancestor in the scope was copied up), or from a
 * moved base: the kernel gets both at their real paths, each with the
 * trailing slash the program wrote, as a single name does
 * (cw_create_outside).
 */
static int both_outside(struct ctx *x, const struct walk *ow, int oi, const struct walk *nw,
			int ni)
{
	int action = cw_rewrite_real(x, ow, oi);

	return action == DB_ACTION_REWRITE ? cw_rewrite_real(x, nw, ni) : action;
}

int cw_do_rename(struct ctx *x, int ofd, int oi, int nfd, int ni, unsigned flags)
{
	struct walk *w = malloc(2 * sizeof(*w)), *ow = w, *nw = w + 1; /* old, new */
	bool obm, nbm, ocow, ncow;
	int err, action;

	if (!w)
		return cw_emulate(x, -ENOMEM);
	if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) ||
	    ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) && (flags & RENAME_EXCHANGE))) {
		action = cw_emulate(x, -EINVAL); /* fs/namei.c do_renameat2 */
		goto out;
	}
	if (flags & RENAME_WHITEOUT) {
		/* Not modelled (the overlay's own whiteouts are its index): refused. */
		action = cw_deny(x, -EINVAL);
		goto out;
	}
	cw_walk(x->ec, x->c, ofd, oi, EMU_WALK_NAME, ow, &obm);
	cw_walk(x->ec, x->c, nfd, ni, EMU_WALK_NAME, nw, &nbm);
	if (ow->special || nw->special) {
		action = cw_deny(x, -EACCES);
		goto out;
	}
	/*
	 * do_renameat2: both parents are looked up, then their mounts compared
	 * (EXDEV) before anything about the last components: a missing source
	 * on another mount is EXDEV.  pcow's own EXDEV at the scope's edge on
	 * one mount comes later, where the kernel would fail a rename
	 * (it is pcow's refusal, after the kernel's errors).
	 */
	if ((ow->err && !ow->res.parent_exists) || (nw->err && !nw->res.parent_exists)) {
		action = cw_emulate(x, ow->err && !ow->res.parent_exists ? ow->err : nw->err);
		goto out;
	}
	if (cw_in_cow(x, ow->res.virt_path) != cw_in_cow(x, nw->res.virt_path) &&
	    parent_mount(x, ow->res.virt_path) != parent_mount(x, nw->res.virt_path)) {
		action = cw_emulate(x, -EXDEV);
		goto out;
	}
	/* do_renameat2: a last component "." or ".." is busy. */
	if ((is_dot(x->c->path[oi]) && (!ow->err || ow->res.parent_exists)) ||
	    (is_dot(x->c->path[ni]) && (!nw->err || nw->res.parent_exists))) {
		action = cw_emulate(x, -EBUSY);
		goto out;
	}
	if (ow->err) {
		action = cw_emulate(x, ow->err);
		goto out;
	}
	if (nw->err && !(nw->err == -ENOENT && nw->res.parent_exists)) {
		action = cw_emulate(x, nw->err);
		goto out;
	}
	ocow = cw_in_cow(x, ow->res.virt_path);
	ncow = cw_in_cow(x, nw->res.virt_path);
	if (!ocow && !ncow) {
		/* The kernel renames: the descriptor tables follow it at the exit. */
		size_t lo = strlen(ow->res.virt_path), ln = strlen(nw->res.virt_path);

		if (lo + ln + 2 <= sizeof(x->pend->vpath)) {
			memcpy(x->pend->vpath, ow->res.virt_path, lo + 1);
			memcpy(x->pend->vpath + lo + 1, nw->res.virt_path, ln + 1);
			x->pend->exchange = flags & RENAME_EXCHANGE;
			x->pend->what = PEND_RENAME;
		}
		action = !ow->touched && !nw->touched && !obm && !nbm
				 ? DB_ACTION_PASS
				 : both_outside(x, ow, oi, nw, ni);
		goto out;
	}
	if (ocow != ncow) {
		action = cw_emulate(x, -EXDEV);
		goto out;
	}
	if ((flags & RENAME_NOREPLACE) && nw->err == 0) {
		action = cw_emulate(x, -EEXIST);
		goto out;
	}
	/* do_renameat2: trailing slashes are for directories only. */
	err = 0;
	if ((flags & RENAME_EXCHANGE) && nw->err == 0 && nw->res.inode.type != EMU_FT_DIR &&
	    nw->res.trailing_slash)
		err = -ENOTDIR;
	if (ow->res.inode.type != EMU_FT_DIR &&
	    (ow->res.trailing_slash || (!(flags & RENAME_EXCHANGE) && nw->res.trailing_slash)))
		err = (flags & RENAME_EXCHANGE) && nw->err ? nw->err : -ENOTDIR;
	if (err) {
		action = cw_emulate(x, err);
		goto out;
	}
	if (flags & RENAME_EXCHANGE) {
		action = cw_emulate(x, nw->err ? nw->err : exchange(x, ow, nw));
		goto out;
	}
	if (!strcmp(ow->res.virt_path, nw->res.virt_path)) {
		action = cw_emulate(x, 0);
		goto out;
	}
	if (cw_under(nw->res.virt_path, ow->res.virt_path)) {
		action = cw_emulate(x, -EINVAL);
		goto out;
	}
	err = cw_may_delete(x, ow->res.virt_path, &ow->res.inode);
	if (!err)
		err = nw->err == 0 ? cw_may_delete(x, nw->res.virt_path, &nw->res.inode)
				   : cw_may_create(x, nw->res.virt_path);
	if (!err && (mount_point(x, ow) || mount_point(x, nw)))
		err = -EBUSY; /* vfs_rename */
	if (!err)
		err = cow_rename(x->ec->store, ow->res.virt_path, nw->res.virt_path);
	if (!err) {
		/* What was open by the new name is gone; what was below the old follows. */
		if (nw->err == 0)
			emu_fstate_unlinked(nw->res.virt_path);
		emu_fstate_renamed(ow->res.virt_path, nw->res.virt_path, false);
	}
	action = cw_emulate(x, err);
out:
	free(w);
	return action;
}

/* fs/namei.c safe_hardlink_source: what anyone may link to (protected_hardlinks). */
static bool safe_hardlink_source(struct ctx *x, const struct emu_inode *ino)
{
	if (ino->type != EMU_FT_REG || (ino->mode & S_ISUID) ||
	    (ino->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		return false;
	return emu_permission(&cw_cred_of(x->ec, x->c)->cred, ino, 4 | 2) == 0;
}

/*
 * A name for descriptor fd's object when it has none: an O_TMPFILE (or an
 * upper file removed while open) lives in upper/ with no links, and pcow
 * links it, through /proc, under new's upper path; the kernel refuses
 * what may not be linked (O_TMPFILE|O_EXCL: ENOENT).  A real file removed
 * in the overlay has no links: ENOENT (vfs_link).
 * nw: new's walk, already checked.
 */
static int link_unnamed(struct ctx *x, int fd, const struct walk *nw)
{
	char name[CW_FD_NAME], real[COW_REAL_MAX], upper[COW_REAL_MAX], tmp[COW_REAL_MAX + 32];
	ssize_t n = cw_fd_real(x->c->tid, fd, name, real, sizeof(real));
	struct stat st, up;
	int err, obj;

	if (n == -EBADF || n == -ENAMETOOLONG)
		return (int)n;
	if (!cw_deleted_target(real, (size_t)n))
		return -ENOENT;
	real[n - 10] = '\0';
	if (!cw_upper_to_virtual(x->ec, real))
		return -ENOENT;
	if (!cw_in_cow(x, nw->res.virt_path))
		return -EXDEV;
	err = cw_may_create(x, nw->res.virt_path);
	if (!err)
		err = cow_create(x->ec->store, nw->res.virt_path, S_IFREG | 0600, NULL, (uid_t)-1,
				 (gid_t)-1);
	if (!err)
		err = cow_upper_path(x->ec->store, nw->res.virt_path, upper, sizeof(upper));
	if (err)
		return err;
	/*
	 * Linked from a descriptor of pcow's own, checked first: another
	 * thread may put a real file at fd meanwhile, and a hard link in
	 * upper/ to a real file would let writes reach it.  Beside, then
	 * over the empty file cow_create made: one inode, as linkat.
	 */
	snprintf(tmp, sizeof(tmp), "%s.pcow-link-%d", cow_kpath(x->ec->store, upper), (int)x->c->tid);
	obj = open(name, O_PATH | O_CLOEXEC);
	if (obj < 0 || fstat(obj, &st) < 0 || stat(cow_kpath(x->ec->store, upper), &up) < 0) {
		err = -EBADF;
	} else if (!S_ISREG(st.st_mode) || st.st_nlink != 0 || st.st_dev != up.st_dev) {
		err = -ENOENT;
	} else {
		snprintf(name, sizeof(name), "/proc/self/fd/%d", obj);
		err = linkat(AT_FDCWD, name, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) < 0 ||
				      rename(tmp, cow_kpath(x->ec->store, upper)) < 0
			      ? -errno
			      : 0;
	}
	if (obj >= 0)
		close(obj);
	if (err) {
		unlink(tmp);
		cow_delete(x->ec->store, nw->res.virt_path, false);
	}
	return err;
}

/* The checks of do_linkat after both walks, then the link. */
static int link_walked(struct ctx *x, const struct walk *ow, int oi, const struct walk *nw,
		       int ni, bool obm, bool nbm)
{
	int err;

	if (ow->special || nw->special)
		return cw_deny(x, -EACCES);
	if (ow->err)
		return cw_emulate(x, ow->err);
	if (nw->err == 0)
		return cw_emulate(x, -EEXIST);
	if (!(nw->err == -ENOENT && nw->res.parent_exists) || nw->res.trailing_slash)
		return cw_emulate(x, nw->err); /* filename_create: "name/" is ENOENT */
	if (!cw_in_cow(x, ow->res.virt_path) && !cw_in_cow(x, nw->res.virt_path))
		return !ow->touched && !nw->touched && !obm && !nbm ? DB_ACTION_PASS
								    : both_outside(x, ow, oi, nw, ni);
	if (!cw_in_cow(x, ow->res.virt_path) || !cw_in_cow(x, nw->res.virt_path))
		return cw_emulate(x, -EXDEV);
	if (x->ec->protected_hardlinks && !cw_is_owner(x, &ow->res.inode) &&
	    !safe_hardlink_source(x, &ow->res.inode))
		return cw_emulate(x, -EPERM); /* may_linkat */
	if (ow->res.inode.type == EMU_FT_DIR)
		return cw_emulate(x, -EPERM);
	err = cw_may_create(x, nw->res.virt_path);
	if (!err)
		err = cow_link(x->ec->store, ow->res.virt_path, nw->res.virt_path);
	return cw_emulate(x, err);
}

/* new's walk and its checks, for a descriptor's object (special: refused). */
static int link_new_checked(struct ctx *x, const struct walk *nw)
{
	if (nw->special)
		return -EACCES;
	if (nw->err == 0)
		return -EEXIST;
	if (!(nw->err == -ENOENT && nw->res.parent_exists) || nw->res.trailing_slash)
		return nw->err;
	return 0;
}

int cw_do_link(struct ctx *x, int ofd, int oi, int nfd, int ni, int flags)
{
	struct walk *w = malloc(2 * sizeof(*w)), *ow = w, *nw = w + 1; /* old, new */
	bool obm, nbm;
	int action, fd, err;

	if (!w)
		return cw_emulate(x, -ENOMEM);
	cw_walk(x->ec, x->c, ofd, oi, (flags & AT_SYMLINK_FOLLOW) ? EMU_WALK_FOLLOW : 0, ow, &obm);
	cw_walk(x->ec, x->c, nfd, ni, EMU_WALK_NAME, nw, &nbm);
	if (ow->special && (flags & AT_SYMLINK_FOLLOW)) {
		/* Through /proc/self/fd/N of a file with no name (O_TMPFILE)? */
		cw_walk(x->ec, x->c, ofd, oi, 0, ow, &obm);
		fd = ow->err || ow->special ? -1 : cw_own_fd(x->c, ow->res.virt_path);
		if (fd >= 0) {
			err = link_new_checked(x, nw);
			action = err == -EACCES ? cw_deny(x, err)
						: cw_emulate(x, err ? err : link_unnamed(x, fd, nw));
			goto out;
		}
		ow->special = true;
	}
	action = link_walked(x, ow, oi, nw, ni, obm, nbm);
out:
	free(w);
	return action;
}

int cw_do_link_fd(struct ctx *x, int fd, int nfd, int ni)
{
	char name[CW_FD_NAME], real[COW_REAL_MAX];
	const struct emu_fd *f = emu_files_get(x->c->files, fd);
	ssize_t n = cw_fd_real(x->c->tid, fd, name, real, sizeof(real));
	struct walk *nw;
	bool nbm;
	int err, action;

	if (n == -EBADF)
		return cw_emulate(x, -EBADF);
	if (n >= 0 && !cw_deleted_target(real, (size_t)n)) {
		/*
		 * A file with a name: linked like the path it is open by (not
		 * following it: an O_PATH descriptor of a symbolic link links
		 * the link), which the overlay may have moved.
		 */
		struct emu_cow_call c2 = *x->c;
		struct ctx x2 = *x;

		cw_upper_to_virtual(x->ec, real);
		c2.path[1] = f && f->vpath && !f->deleted && !cw_special_path(x->ec, f->vpath)
				     ? f->vpath
				     : real;
		x2.c = &c2;
		return cw_do_link(&x2, AT_FDCWD, 1, nfd, ni, 0);
	}
	nw = malloc(sizeof(*nw));
	if (!nw)
		return cw_emulate(x, -ENOMEM);
	cw_walk(x->ec, x->c, nfd, ni, EMU_WALK_NAME, nw, &nbm);
	err = link_new_checked(x, nw);
	if (!err && n < 0 && n != -ENAMETOOLONG)
		err = -EXDEV; /* a pipe, a socket: another mount (do_linkat) */
	action = err == -EACCES ? cw_deny(x, err) : cw_emulate(x, err ? err : link_unnamed(x, fd, nw));
	free(nw);
	return action;
}

/* ---------------------------------------------------- metadata */

/* The checks of chmod_common / chown_ok / utimes_common, then the change. */
static long apply_meta(struct ctx *x, const char *vp, const struct emu_inode *ino,
		       const struct meta *m)
{
	const struct emu_proc_cred *pc = cw_cred_of(x->ec, x->c);

	switch (m->op) {
	case META_CHMOD: {
		mode_t mode = m->mode & 07777;

		if (!cw_is_owner(x, ino))
			return -EPERM;
		if (ino->type == EMU_FT_LNK)
			return -EOPNOTSUPP;
		if (!emu_in_group(&pc->cred, ino->gid) && !pc->cap_fsetid)
			mode &= ~(mode_t)S_ISGID;
		return cow_chmod(x->ec->store, vp, mode);
	}
	case META_CHOWN: {
		bool uid_ok = m->uid == (uid_t)-1 ||
			      (pc->cred.fsuid == ino->uid && m->uid == ino->uid) || pc->cap_chown;
		bool gid_ok = m->gid == (gid_t)-1 ||
			      (pc->cred.fsuid == ino->uid &&
			       (m->gid == ino->gid || emu_in_group(&pc->cred, m->gid))) ||
			      pc->cap_chown;

		if (!uid_ok || !gid_ok)
			return -EPERM;
		return cow_chown(x->ec->store, vp, m->uid, m->gid);
	}
	case META_UTIMES:
		for (int i = 0; i < 2; i++)
			if (m->ts[i].tv_nsec != UTIME_NOW && m->ts[i].tv_nsec != UTIME_OMIT &&
			    (m->ts[i].tv_nsec < 0 || m->ts[i].tv_nsec >= 1000000000))
				return -EINVAL; /* vfs_utimes, after the walk */
		if (m->times_given) {
			if (!cw_is_owner(x, ino))
				return -EPERM;
		} else if (!cw_is_owner(x, ino)) {
			int err = emu_permission(&pc->cred, ino, 2);

			if (err)
				return err;
		}
		return cow_utimens(x->ec->store, vp, m->ts);
	}
	return -EINVAL;
}

int cw_do_meta_path(struct ctx *x, int dirfd, int pi, bool follow, const struct meta *m)
{
	struct walk w;
	int action;

	if (!walk_in_scope(x, dirfd, pi, follow ? EMU_WALK_FOLLOW : 0, &w, &action))
		return action;
	return cw_emulate(x, apply_meta(x, w.res.virt_path, &w.res.inode, m));
}

/*
 * Whether descriptor fd is a real file in the scope, that a change through
 * the descriptor would reach: then its virtual path and inode.  The
 * kernel says what the descriptor is; pcow's table what it is called.
 * An object past PATH_MAX that pcow cannot name (cw_fd_path) is taken
 * as in the scope with vp "": callers that change it refuse.
 */
bool cw_fd_in_scope(struct ctx *x, int fd, char *vp, size_t size, struct emu_inode *ino)
{
	const struct emu_fd *f = emu_files_get(x->c->files, fd);
	char name[CW_FD_NAME], real[EMU_PATH_MAX];
	struct walk w;
	struct stat st;
	ssize_t n;

	cw_walk_light(&w, x->ec);
	n = cw_fd_path(x->ec, x->c, fd, name, real, sizeof(real));
	if (n == -ENAMETOOLONG && stat(name, &st) == 0) {
		/* A deep object pcow cannot name: changes through it are refused. */
		vp[0] = '\0';
		ino->type = cw_ftype_of(st.st_mode);
		ino->mode = st.st_mode & 07777;
		ino->uid = st.st_uid;
		ino->gid = st.st_gid;
		return true;
	}
	if (n < 0)
		return false; /* closed, or a pipe, socket... */
	if (cw_special_path(x->ec, real) || !cw_in_cow(x, real))
		return false; /* an upper copy (in the store), or outside the scope */
	snprintf(vp, size, "%s", f && f->vpath ? f->vpath : real);
	if (cw_lookup(&w, vp, ino) < 0) {
		/* Its name is gone from the view: answer from the object. */
		if (stat(name, &st) < 0)
			return false;
		ino->type = cw_ftype_of(st.st_mode);
		ino->mode = st.st_mode & 07777;
		ino->uid = st.st_uid;
		ino->gid = st.st_gid;
		snprintf(vp, size, "%s", real);
	}
	return true;
}

/*
 * fstat (kind PEND_STAT_NLINK) or statx (PEND_STATX_NLINK, with its mask)
 * of a descriptor of a real file whose overlay object changed since the
 * open: answer from the upper copy, or, when the name was deleted, show
 * nlink 0 as the kernel does for an unlinked open file (and a removed
 * directory).
 */
int cw_do_fstat(struct ctx *x, int fd, int kind, uint64_t buf, unsigned mask)
{
	char vp[EMU_PATH_MAX];
	struct emu_inode ino;
	struct cow_lookup lk;
	const struct emu_fd *f;

	if (cow_entry_count(x->ec->store) == 0 || !cw_fd_in_scope(x, fd, vp, sizeof(vp), &ino) ||
	    !vp[0] || (ino.type != EMU_FT_REG && ino.type != EMU_FT_DIR) ||
	    cow_lookup(x->ec->store, vp, &lk) < 0)
		return DB_ACTION_PASS;
	f = emu_files_get(x->c->files, fd);
	if (ino.type == EMU_FT_DIR && f && f->deleted) {
		/* Removed, even if its name was taken again: no links. */
		lk.where = COW_WHITEOUT;
	} else if (ino.type == EMU_FT_DIR && lk.where != COW_WHITEOUT && lk.where != COW_ABSENT) {
		/* The real one's, with the merged view's link count. */
		if (cow_may_have_entries_below(x->ec->store, vp)) {
			x->pend->what = kind;
			snprintf(x->pend->vpath, sizeof(x->pend->vpath), "%s", vp);
			x->pend->addr = buf;
		}
		return DB_ACTION_PASS;
	}
	if (lk.where == COW_UPPER && kind == PEND_STAT_NLINK) {
		struct stat st;

		if (stat(cow_kpath(x->ec->store, lk.real_path), &st) < 0)
			return DB_ACTION_PASS;
		if (x->g->write(x->g->ctx, buf, &st, sizeof(st)))
			return cw_emulate(x, -EFAULT);
		return cw_emulate(x, 0);
	}
	if (lk.where == COW_UPPER) {
		struct statx stx;

		if (statx(AT_FDCWD, cow_kpath(x->ec->store, lk.real_path), 0, mask, &stx) < 0)
			return DB_ACTION_PASS;
		if (x->g->write(x->g->ctx, buf, &stx, sizeof(stx)))
			return cw_emulate(x, -EFAULT);
		return cw_emulate(x, 0);
	}
	if (lk.where == COW_WHITEOUT || lk.where == COW_ABSENT) {
		x->pend->what = kind == PEND_STAT_NLINK ? PEND_FSTAT_GONE : PEND_FSTATX_GONE;
		x->pend->addr = buf;
	}
	return DB_ACTION_PASS;
}

/* fdget(): an O_PATH descriptor does not serve calls on the file itself. */
static bool opath(struct ctx *x, int fd)
{
	unsigned flags;
	int64_t pos;

	return cw_fd_info(x->c->tid, fd, &pos, &flags) && (flags & O_PATH);
}

int cw_do_meta_fd(struct ctx *x, int fd, const struct meta *m, bool by_fd)
{
	char vp[EMU_PATH_MAX];
	struct emu_inode ino;

	if (!cw_fd_in_scope(x, fd, vp, sizeof(vp), &ino))
		return DB_ACTION_PASS; /* the kernel's, EBADF for O_PATH included */
	if (by_fd && opath(x, fd))
		return cw_emulate(x, -EBADF);
	if (!vp[0])
		return cw_deny(x, -ENAMETOOLONG); /* a real object pcow cannot name */
	return cw_emulate(x, apply_meta(x, vp, &ino, m));
}

/* Times of utime/utimes/futimesat/utimensat into m (NULL pointer: now). */
int cw_read_times(struct ctx *x, uint64_t addr, int kind, struct meta *m)
{
	m->op = META_UTIMES;
	m->times_given = false;
	m->ts[0].tv_sec = m->ts[1].tv_sec = 0;
	m->ts[0].tv_nsec = m->ts[1].tv_nsec = UTIME_NOW;
	if (!addr)
		return 0;
	if (kind == 0) { /* struct utimbuf */
		struct utimbuf ub;

		if (x->g->read(x->g->ctx, addr, &ub, sizeof(ub)))
			return -EFAULT;
		m->ts[0] = (struct timespec){ ub.actime, 0 };
		m->ts[1] = (struct timespec){ ub.modtime, 0 };
	} else if (kind == 1) { /* struct timeval[2] */
		struct timeval tv[2];

		if (x->g->read(x->g->ctx, addr, tv, sizeof(tv)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			m->ts[i] = (struct timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
		}
	} else { /* struct timespec[2]: tv_nsec is checked after the walk (apply_meta) */
		if (x->g->read(x->g->ctx, addr, m->ts, sizeof(m->ts)))
			return -EFAULT;
		m->times_given = !(m->ts[0].tv_nsec == UTIME_NOW && m->ts[1].tv_nsec == UTIME_NOW);
		return 0;
	}
	m->times_given = true;
	return 0;
}

/* truncate(2) and the set/remove xattr calls: copy up, then let the kernel. */
int cw_do_copy_up_path(struct ctx *x, int dirfd, int pi, bool follow, int64_t length)
{
	const struct emu_proc_cred *pc;
	char upper[COW_REAL_MAX];
	const char *up = upper;
	struct walk w;
	bool base_moved;
	int err = 0;

	cw_walk(x->ec, x->c, dirfd, pi, follow ? EMU_WALK_FOLLOW : 0, &w, &base_moved);
	if (w.special)
		return cw_deny(x, -EACCES); /* the store is pcow's */
	if (w.err || !cw_in_cow(x, w.res.virt_path))
		return cw_read_only(x, &w, base_moved, pi);
	if (length >= -1) { /* truncate: may_open's checks */
		pc = cw_cred_of(x->ec, x->c);
		if (w.res.inode.type == EMU_FT_DIR)
			return cw_emulate(x, -EISDIR);
		if (w.res.inode.type != EMU_FT_REG)
			return cw_emulate(x, -EINVAL);
		err = emu_permission(&pc->cred, &w.res.inode, 2);
		if (err)
			return cw_emulate(x, err);
		if (length < 0)
			return cw_emulate(x, -EINVAL);
	}
	if (w.lk.where == COW_UPPER)
		up = w.lk.real_path;
	else if (length == 0)
		err = cow_copy_up_truncated(x->ec->store, w.res.virt_path, upper);
	else
		err = cow_copy_up(x->ec->store, w.res.virt_path, upper);
	if (!err && length >= 0)
		err = cw_quota_truncate(x, up, w.res.virt_path, length);
	if (err)
		return cw_emulate(x, err);
	return cw_rewrite(x, pi, up, w.res.virt_path);
}

/* An attribute's name at addr of the program (XATTR_NAME_MAX): 0, -EFAULT, -ERANGE. */
static int read_xattr_name(struct ctx *x, uint64_t addr, char name[256])
{
	for (size_t i = 0; i < 256; i++) {
		if (x->g->read(x->g->ctx, addr + i, &name[i], 1))
			return -EFAULT;
		if (!name[i])
			return i ? 0 : -ERANGE;
	}
	return -ERANGE;
}

int cw_do_xattr_get_fd(struct ctx *x, int fd, bool list)
{
	char vp[EMU_PATH_MAX], name[256];
	const uint64_t *a = x->c->args;
	uint64_t buf = list ? a[1] : a[2], size = list ? a[2] : a[3];
	struct emu_inode ino;
	struct cow_lookup lk;
	const char *kpath;
	char *value = NULL;
	long n;

	if (cow_entry_count(x->ec->store) == 0 || !cw_fd_in_scope(x, fd, vp, sizeof(vp), &ino) ||
	    !vp[0] || cow_lookup(x->ec->store, vp, &lk) < 0 || lk.where != COW_UPPER || opath(x, fd))
		return DB_ACTION_PASS; /* the kernel's answer is right */
	if (!list) {
		int err = read_xattr_name(x, a[1], name);

		if (err)
			return cw_emulate(x, err);
	}
	if (size > 65536)
		size = 65536; /* XATTR_SIZE_MAX, as getxattr and listxattr clamp */
	if (size && !(value = malloc(size)))
		return cw_emulate(x, -ENOMEM);
	kpath = cow_kpath(x->ec->store, lk.real_path);
	n = list ? llistxattr(kpath, value, size) : lgetxattr(kpath, name, value, size);
	if (n < 0)
		n = -errno;
	else if (n > 0 && size && x->g->write(x->g->ctx, buf, value, (size_t)n))
		n = -EFAULT;
	free(value);
	return cw_emulate(x, n);
}

/* fsetxattr/fremovexattr on a real object: do it on its upper copy. */
int cw_do_xattr_fd(struct ctx *x, int fd, bool set)
{
	char vp[EMU_PATH_MAX], upper[COW_REAL_MAX], name[256];
	struct emu_inode ino;
	const uint64_t *a = x->c->args;
	void *value = NULL;
	long res;
	int err;

	if (!cw_fd_in_scope(x, fd, vp, sizeof(vp), &ino))
		return DB_ACTION_PASS;
	if (opath(x, fd))
		return cw_emulate(x, -EBADF);
	if (!vp[0])
		return cw_deny(x, -ENAMETOOLONG); /* a real object pcow cannot name */
	err = read_xattr_name(x, a[1], name);
	if (err)
		return cw_emulate(x, err);
	if (set && a[3] > 65536)
		return cw_emulate(x, -E2BIG);
	if (set && a[3] && !(value = malloc(a[3])))
		return cw_emulate(x, -ENOMEM);
	if (set && a[3] && x->g->read(x->g->ctx, a[2], value, a[3])) {
		free(value);
		return cw_emulate(x, -EFAULT);
	}
	err = cow_copy_up(x->ec->store, vp, upper);
	if (err) {
		free(value);
		return cw_emulate(x, err);
	}
	if (set)
		res = lsetxattr(cow_kpath(x->ec->store, upper), name, value, a[3], (int)a[4]) < 0
			      ? -errno
			      : 0;
	else
		res = lremovexattr(cow_kpath(x->ec->store, upper), name) < 0 ? -errno : 0;
	free(value);
	return cw_emulate(x, res);
}
