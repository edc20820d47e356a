/*
 * emu/cowsys.c — the copy-on-write handlers: one per family of file system
 * calls (see cowsys.h for the contract).
 *
 * Every path goes through cw_walk(): emu_walk over the merged view, noting
 * whether the overlay changed anything on the way ("touched": an upper
 * object, a whiteout, a renamed directory).  A call whose walk touched
 * nothing, from a base the kernel shares with us, is PASSed untouched, so
 * its errors are the kernel's own.  Otherwise the handler follows the
 * kernel's order of checks (fs/namei.c: path walk, then existence, then
 * type, then permission) and rewrites or emulates.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "cow/cow.h"
#include "db/db.h"
#include "emu/cow_internal.h"

#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452 /* Linux 6.6; older libc headers lack it */
#endif

/* The last descriptor sharing a listing closed (emu_files_set_dir_free). */
static void dir_state_free(struct emu_dir *d)
{
	struct dir_state *ds = dir_state_of(d);

	if (ds)
		cow_dir_close(ds->snap);
	free(ds);
}

static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int a = 0, b = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return true;
	return a > major || (a == major && b >= minor);
}

static bool sysctl_on(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = 0;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v != 0;
}

struct emu_cow *emu_cow_new(struct cow_store *store)
{
	struct emu_cow *ec = calloc(1, sizeof(*ec));

	if (!ec)
		return NULL;
	ec->store = store;
	ec->store_dir = cow_store_dir(store);
	ec->creat_dir_einval = kernel_at_least(6, 4);
	ec->protected_hardlinks = sysctl_on("/proc/sys/fs/protected_hardlinks");
	ec->real_gen = 1;
	ec->dcache = calloc(CW_DCACHE_SLOTS, sizeof(*ec->dcache)); /* NULL: no cache */
	emu_files_set_dir_free(dir_state_free);
	if (!(ec->rec = emu_rec_new(store))) {
		free(ec);
		return NULL;
	}
	return ec;
}

void emu_cow_free(struct emu_cow *ec)
{
	if (ec) {
		emu_rec_free(ec->rec);
		cw_dcache_free(ec);
	}
	free(ec);
}

void emu_cow_set_replay_writer(struct emu_cow *ec, struct db_writer *w)
{
	emu_rec_set_writer(ec->rec, w);
}

/* ------------------------------------------------------ the actions */

int cw_emulate(struct ctx *x, long result)
{
	*x->result = result;
	return DB_ACTION_EMULATE;
}

int cw_deny(struct ctx *x, long err)
{
	*x->result = err;
	return DB_ACTION_DENY;
}

/*
 * What the program gets when a path cannot be placed in its memory
 * (set_arg_data): too long, every slot held (EAGAIN), nowhere safe while
 * other tasks share the memory (ENOMEM, tracer_place_data); else EFAULT.
 */
static int not_placed(int err)
{
	return err == -ENAMETOOLONG || err == -EAGAIN || err == -ENOMEM ? err : -EFAULT;
}

/*
 * Point argument i at path, where the object of virtual path vp is; a
 * failure to do so fails the call.
 */
int cw_rewrite(struct ctx *x, int i, const char *path, const char *vp)
{
	const char *kpath = cow_kpath(x->ec->store, path); /* past PATH_MAX: through links */
	int err = x->g->set_arg_data(x->g->ctx, i, kpath, strlen(kpath) + 1);

	if (err)
		return cw_emulate(x, not_placed(err));
	if (x->g->rewritten)
		x->g->rewritten(x->g->ctx, i, path);
	x->pend->moved = strcmp(path, vp) != 0;
	return DB_ACTION_REWRITE;
}

/*
 * The object exists (or the walk failed) and the call only reads: let the
 * kernel walk it when nothing differs, else point it at the real object.
 */
int cw_read_only(struct ctx *x, const struct walk *w, bool base_moved, int i)
{
	if (w->special)
		return DB_ACTION_PASS;
	if (!w->touched && !(base_moved && x->c->path[i][0] != '/'))
		return DB_ACTION_PASS;
	if (w->err)
		return cw_emulate(x, w->err);
	return cw_rewrite(x, i, w->lk.real_path, w->res.virt_path);
}

/*
 * A name to make outside the copy-on-write scope (below --rw, or past the
 * scope) whose parent exists: the kernel makes it at the real path.  Its
 * walk may have touched the overlay on the way (an ancestor in the scope
 * copied up): the walk's "no such file" is then not the answer, the call
 * goes to the real path, with the trailing slash the program wrote
 * (filename_create decides on it).  Anything else: cw_read_only.
 */
int cw_create_outside(struct ctx *x, const struct walk *w, bool base_moved, int i)
{
	if (w->special || w->err != -ENOENT || !w->res.parent_exists ||
	    cw_in_cow(x, w->res.virt_path))
		return cw_read_only(x, w, base_moved, i);
	if (!w->touched && !(base_moved && x->c->path[i][0] != '/'))
		return DB_ACTION_PASS;
	return cw_rewrite_real(x, w, i);
}

int cw_rewrite_real(struct ctx *x, const struct walk *w, int i)
{
	char path[COW_REAL_MAX];

	if (snprintf(path, sizeof(path), "%s%s", w->lk.real_path,
		     w->res.trailing_slash ? "/" : "") >= (int)sizeof(path))
		return cw_emulate(x, -ENAMETOOLONG);
	return cw_rewrite(x, i, path, w->res.virt_path);
}

/* Nothing to decide: no path argument could reach the overlay. */
bool cw_quiet(const struct ctx *x, int i, int dirfd)
{
	const struct emu_fd *f;

	if (cow_entry_count(x->ec->store) != 0)
		return false;
	if (x->c->path[i][0] == '/')
		return true;
	if (dirfd == AT_FDCWD)
		return !x->c->fs || !x->c->fs->moved;
	f = emu_files_get(x->c->files, dirfd);
	return f && !f->moved;
}

bool cw_in_cow(const struct ctx *x, const char *vp)
{
	return cow_scope_of(x->ec->store, vp) == COW_SCOPE_COW;
}

/* The inode of vp's parent directory (for create/delete permission). */
int cw_parent_inode(struct ctx *x, const char *vp, struct emu_inode *ino)
{
	char parent[EMU_PATH_MAX];
	struct walk w;
	char *slash;

	cw_walk_light(&w, x->ec);
	snprintf(parent, sizeof(parent), "%s", vp);
	slash = strrchr(parent, '/');
	if (slash == parent)
		parent[1] = '\0';
	else if (slash)
		*slash = '\0';
	return cw_lookup(&w, parent, ino);
}

/* may_create / may_delete of fs/namei.c, for the caller. */
int cw_may_create(struct ctx *x, const char *vp)
{
	const struct emu_proc_cred *pc = cw_cred_of(x->ec, x->c);
	struct emu_inode dir;
	int err = cw_parent_inode(x, vp, &dir);

	if (err)
		return err;
	return emu_permission(&pc->cred, &dir, 2 | 1);
}

int cw_may_delete(struct ctx *x, const char *vp, const struct emu_inode *victim)
{
	const struct emu_proc_cred *pc = cw_cred_of(x->ec, x->c);
	struct emu_inode dir;
	int err = cw_parent_inode(x, vp, &dir);

	if (err)
		return err;
	err = emu_permission(&pc->cred, &dir, 2 | 1);
	if (err)
		return err;
	/* check_sticky */
	if ((dir.mode & S_ISVTX) && pc->cred.fsuid != victim->uid &&
	    pc->cred.fsuid != dir.uid && !pc->cap_fowner)
		return -EPERM;
	return 0;
}

bool cw_is_owner(struct ctx *x, const struct emu_inode *ino)
{
	const struct emu_proc_cred *pc = cw_cred_of(x->ec, x->c);

	return pc->cred.fsuid == ino->uid || pc->cap_fowner;
}

mode_t cw_umask_of(struct ctx *x)
{
	return cw_cred_of(x->ec, x->c)->umask;
}

/* ------------------------------------------------------ directories */

/*
 * A descriptor of a directory in the scope gets the state its listing is
 * merged in, one per open file description (dup and fork share it); a
 * listing the kernel has begun (native) stays the kernel's.
 */
static void give_dir_state(struct emu_cow *ec, struct emu_files *files, int fd,
			   const char *vpath, bool native)
{
	const struct emu_fd *f = emu_files_get(files, fd);
	struct dir_state *ds;

	if (!f || f->dir || cw_special_path(ec, vpath) ||
	    cow_scope_of(ec->store, vpath) != COW_SCOPE_COW)
		return;
	ds = calloc(1, sizeof(*ds));
	if (!ds)
		return;
	ds->native = native;
	emu_files_set_dir(files, fd, &ds->ref);
}

/*
 * A descriptor pcow saw no open of (one received over a unix socket from
 * a process pcow does not trace) enters the table under the name the
 * kernel gives it, so that a listing through it is merged and fchdir to
 * it moves the cwd, as for any other.  NULL when it names no file.
 */
static struct emu_fd *adopt_fd(struct emu_cow *ec, const struct emu_cow_call *c, int fd)
{
	char name[CW_FD_NAME], path[PATH_MAX];
	unsigned flags;
	struct stat st;
	int64_t pos;
	bool moved;
	ssize_t n;

	if (!c->files)
		return NULL;
	n = cw_fd_real(c->tid, fd, name, path, sizeof(path));
	if (n < 0 || cw_deleted_target(path, (size_t)n) || !cw_fd_info(c->tid, fd, &pos, &flags))
		return NULL;
	moved = cw_upper_to_virtual(ec, path);
	if (emu_files_set(c->files, fd, path, flags & O_CLOEXEC) < 0 ||
	    emu_files_set_vpath(c->files, fd, path, moved) < 0)
		return NULL;
	if (stat(name, &st) == 0 && S_ISDIR(st.st_mode))
		give_dir_state(ec, c->files, fd, path, pos != 0);
	return emu_files_get(c->files, fd);
}

static struct dir_state *dir_of(struct ctx *x, int fd)
{
	struct emu_fd *f = emu_files_get(x->c->files, fd);

	return f ? dir_state_of(f->dir) : NULL;
}

/*
 * getdents64 (wide) and getdents from the merged listing, at the position
 * every descriptor of the open file description shares.
 */
static int do_getdents(struct ctx *x, int fd, uint64_t buf, uint64_t count, bool wide)
{
	struct emu_fd *f = emu_files_get(x->c->files, fd);
	struct dir_state *ds;
	char *out;
	size_t used = 0;
	int err;

	if (!f && cow_entry_count(x->ec->store) != 0)
		f = adopt_fd(x->ec, x->c, fd);
	ds = f ? dir_state_of(f->dir) : NULL;
	if (!ds || ds->native)
		return DB_ACTION_PASS;
	if (!ds->snap) {
		if (ds->pos == 0 && cow_entry_count(x->ec->store) == 0) {
			ds->native = true; /* nothing merged: the kernel's listing */
			return DB_ACTION_PASS;
		}
		err = cow_dir_open(x->ec->store, f->vpath, &ds->snap);
		if (err)
			return cw_emulate(x, err);
	}
	if (count > 1 << 20)
		count = 1 << 20;
	out = malloc(count ? count : 1);
	if (!out)
		return cw_emulate(x, -ENOMEM);
	for (;;) {
		const struct cow_dirent *d = cow_dir_get(ds->snap, ds->pos);
		size_t nlen, reclen;

		if (!d)
			break;
		nlen = strlen(d->name);
		if (wide)
			reclen = (19 + nlen + 1 + 7) & ~(size_t)7;
		else
			reclen = (2 * sizeof(long) + 2 + nlen + 2 + sizeof(long) - 1) &
				 ~(sizeof(long) - 1);
		if (used + reclen > count) {
			if (used == 0) {
				free(out);
				return cw_emulate(x, -EINVAL);
			}
			break;
		}
		memset(out + used, 0, reclen);
		if (wide) {
			uint64_t ino = d->ino;
			int64_t off = (int64_t)ds->pos + 1;
			uint16_t rl = (uint16_t)reclen;

			memcpy(out + used, &ino, 8);
			memcpy(out + used + 8, &off, 8);
			memcpy(out + used + 16, &rl, 2);
			out[used + 18] = (char)d->type;
			memcpy(out + used + 19, d->name, nlen);
		} else {
			unsigned long ino = d->ino, off = ds->pos + 1;
			unsigned short rl = (unsigned short)reclen;

			memcpy(out + used, &ino, sizeof(long));
			memcpy(out + used + sizeof(long), &off, sizeof(long));
			memcpy(out + used + 2 * sizeof(long), &rl, 2);
			memcpy(out + used + 2 * sizeof(long) + 2, d->name, nlen);
			out[used + reclen - 1] = (char)d->type;
		}
		used += reclen;
		ds->pos++;
	}
	err = used ? x->g->write(x->g->ctx, buf, out, used) : 0;
	free(out);
	return cw_emulate(x, err ? -EFAULT : (long)used);
}

static int do_lseek(struct ctx *x, int fd, int64_t off, int whence)
{
	struct dir_state *ds = dir_of(x, fd);
	int64_t pos;

	if (!ds)
		return DB_ACTION_PASS;
	if (ds->native) {
		x->pend->what = PEND_LSEEK_DIR;
		return DB_ACTION_PASS;
	}
	switch (whence) {
	case SEEK_SET:
		pos = off;
		break;
	case SEEK_CUR:
		pos = (int64_t)ds->pos + off;
		break;
	default:
		return cw_emulate(x, -EINVAL);
	}
	if (pos < 0)
		return cw_emulate(x, -EINVAL);
	if (pos == 0) {
		/* Rewinding shows the directory as it is now (rewinddir(3)). */
		cow_dir_close(ds->snap);
		ds->snap = NULL;
	}
	ds->pos = (uint64_t)pos;
	return cw_emulate(x, pos);
}

/* The working directory was removed in the overlay (rmdir of the cwd). */
bool cw_cwd_gone(struct ctx *x)
{
	struct walk w;
	struct emu_inode ino;

	cw_walk_light(&w, x->ec);
	if (!x->c->fs || cow_entry_count(x->ec->store) == 0)
		return false;
	if (x->c->fs->deleted)
		return true;
	return cw_lookup(&w, x->c->fs->cwd, &ino) == -ENOENT;
}

/*
 * path names dirfd's directory itself ("." and "./." alike) and that
 * directory was removed in the overlay.  The kernel still holds it, as it
 * holds any removed directory: the call reaches it when passed as written.
 */
bool cw_dead_cwd_itself(struct ctx *x, int dirfd, const char *path)
{
	const struct emu_fd *f;

	if (path[0] != '.')
		return false;
	for (const char *p = path; *p; p++)
		if (*p != '/' && !(*p == '.' && (p == path || p[-1] == '/') &&
				   (p[1] == '/' || p[1] == '\0')))
			return false;
	if (dirfd == AT_FDCWD)
		return cw_cwd_gone(x);
	f = emu_files_get(x->c->files, dirfd);
	return f && f->deleted;
}

static int do_getcwd(struct ctx *x, uint64_t buf, uint64_t size)
{
	const char *cwd = x->c->fs ? x->c->fs->cwd : NULL;
	size_t len;

	if (cwd && cw_cwd_gone(x))
		return cw_emulate(x, -ENOENT); /* getcwd(3): "the cwd has been unlinked" */
	if (!cwd || !x->c->fs->moved)
		return DB_ACTION_PASS;
	len = strlen(cwd) + 1;
	if (size < len)
		return cw_emulate(x, -ERANGE);
	if (x->g->write(x->g->ctx, buf, cwd, len))
		return cw_emulate(x, -EFAULT);
	return cw_emulate(x, (long)len);
}

/* ------------------------------------------------------------ entry */

/*
 * readlink(2) of a /proc magic link (w): the program sees virtual paths,
 * never one inside the store, and " (deleted)" for what the overlay
 * removed.  Not a path (a pipe, a socket): the kernel's answer.
 */
static int proc_link(struct ctx *x, const struct walk *w, uint64_t buf, int64_t bufsiz)
{
	char target[EMU_PATH_MAX + 16];
	long n;

	if (bufsiz <= 0)
		return DB_ACTION_PASS; /* do_readlinkat: EINVAL */
	n = cw_proc_readlink(w, w->res.virt_path, target, sizeof(target), true);
	if (n == -EREMOTE)
		return DB_ACTION_PASS;
	if (n < 0)
		return cw_emulate(x, n);
	if (n > bufsiz)
		n = (long)bufsiz; /* readlink(2) truncates, with no NUL */
	if (x->g->write(x->g->ctx, buf, target, (size_t)n))
		return cw_emulate(x, -EFAULT);
	return cw_emulate(x, n);
}

/*
 * stat_buf: where a stat call (stat_kind PEND_STAT_NLINK or
 * PEND_STATX_NLINK) writes its result, 0 for other calls.
 */
static int path_read_only(struct ctx *x, int dirfd, int pi, bool follow, int at_flags,
			  int stat_kind, uint64_t stat_buf)
{
	struct walk w;
	bool base_moved;
	int action;

	if ((at_flags & AT_EMPTY_PATH) && !x->c->path[pi][0])
		return DB_ACTION_PASS; /* the descriptor itself */
	if (cw_quiet(x, pi, dirfd))
		return DB_ACTION_PASS;
	if (cw_dead_cwd_itself(x, dirfd, x->c->path[pi])) {
		/*
		 * A removed upper directory is the kernel's own: its answer is
		 * right.  A real one is alive outside the overlay: show it
		 * with no links, as the kernel shows a removed directory.
		 */
		if (stat_buf && !x->c->fs->moved) {
			x->pend->what = stat_kind == PEND_STAT_NLINK ? PEND_FSTAT_GONE
								     : PEND_FSTATX_GONE;
			x->pend->addr = stat_buf;
		}
		return DB_ACTION_PASS;
	}
	cw_walk(x->ec, x->c, dirfd, pi, follow ? EMU_WALK_FOLLOW : 0, &w, &base_moved);
	if ((x->c->nr == __NR_readlink || x->c->nr == __NR_readlinkat) && !w.err && !w.special &&
	    w.res.inode.type == EMU_FT_LNK && cw_under(w.res.virt_path, "/proc"))
		return proc_link(x, &w, x->c->args[pi + 1], (int64_t)x->c->args[pi + 2]);
	action = cw_read_only(x, &w, base_moved, pi);
	/*
	 * An upper directory's own link count counts only the subdirectories
	 * that reached upper/, a real one's those of the real tree: the
	 * merged view's count is fixed at exit when the overlay has entries
	 * right below it.
	 */
	if ((action == DB_ACTION_REWRITE || action == DB_ACTION_PASS) && stat_buf && !w.err &&
	    !w.special && w.res.inode.type == EMU_FT_DIR && cw_in_cow(x, w.res.virt_path) &&
	    (w.lk.where == COW_UPPER || cow_may_have_entries_below(x->ec->store, w.res.virt_path))) {
		x->pend->what = stat_kind;
		snprintf(x->pend->vpath, sizeof(x->pend->vpath), "%s", w.res.virt_path);
		x->pend->addr = stat_buf;
	}
	return action;
}

/*
 * A file the open created, with its mode now: the kernel opened it without
 * checking that mode (do_open: FMODE_CREATED), pcow's rewritten open
 * needed the owner bits it lacked.
 */
static void created_mode(struct emu_cow *ec, const struct emu_cow_pending *pend)
{
	char upper[COW_REAL_MAX];

	if (cow_upper_path(ec->store, pend->vpath, upper, sizeof(upper)) == 0)
		chmod(cow_kpath(ec->store, upper), pend->open_mode);
}

/* st_nlink of a merged directory: 2 + its subdirectories, as ext4 counts. */
static void fix_nlink(struct emu_cow *ec, const struct emu_cow_pending *pend,
		      const struct emu_guest *g)
{
	struct cow_dir *dir;
	uint64_t n = 2;

	if (!g || cow_dir_open(ec->store, pend->vpath, &dir) < 0)
		return;
	for (size_t i = 2; i < cow_dir_count(dir); i++)
		if (cow_dir_get(dir, i)->type == DT_DIR)
			n++;
	cow_dir_close(dir);
	if (pend->what == PEND_STAT_NLINK) {
		g->write(g->ctx, pend->addr + 16, &n, 8); /* struct stat: st_nlink */
	} else {
		uint32_t n32 = (uint32_t)n;

		g->write(g->ctx, pend->addr + 16, &n32, 4); /* struct statx: stx_nlink */
	}
}

static int do_chdir(struct ctx *x, int pi)
{
	struct walk w;
	bool base_moved;
	int action;

	cw_walk(x->ec, x->c, AT_FDCWD, pi, EMU_WALK_FOLLOW | EMU_WALK_DIRECTORY, &w, &base_moved);
	if (!w.err && !w.special) {
		int err = emu_permission(&cw_cred_of(x->ec, x->c)->cred, &w.res.inode, 1);

		if (err && (w.touched || base_moved))
			return cw_emulate(x, err);
	}
	action = cw_read_only(x, &w, base_moved, pi);
	if (action == DB_ACTION_PASS || action == DB_ACTION_REWRITE) {
		x->pend->what = PEND_CHDIR;
		snprintf(x->pend->vpath, sizeof(x->pend->vpath), "%s", w.res.virt_path);
		if (w.special)
			x->pend->vpath[0] = '\0';
	}
	return action;
}

static bool path_ok(struct ctx *x, int i, int *ret_action)
{
	if (x->c->path_err[i]) {
		*ret_action = cw_emulate(x, x->c->path_err[i]);
		return false;
	}
	if (!x->c->path[i]) {
		/* NULL: the kernel says EFAULT; not fetched: never let it by. */
		*ret_action = x->c->args[i] ? cw_emulate(x, -EFAULT) : DB_ACTION_PASS;
		return false;
	}
	return true;
}

/*
 * The calls that would reach the file system behind the overlay's back:
 * the errno they are refused with, 0 for the others.  io_uring's
 * operations would run in the kernel unseen; a handle opens a file by
 * inode, whatever its path; mounts and chroot change what paths mean.
 */
static int refused(long nr)
{
	switch (nr) {
	case __NR_io_uring_setup:
		return -ENOSYS;
	case __NR_open_by_handle_at: case __NR_name_to_handle_at:
		return -EOPNOTSUPP;
	case __NR_mount: case __NR_umount2: case __NR_pivot_root: case __NR_chroot:
	case __NR_swapon: case __NR_swapoff: case __NR_acct: case __NR_quotactl:
#ifdef __NR_move_mount
	case __NR_move_mount: case __NR_fsconfig: case __NR_fspick: case __NR_open_tree:
	case __NR_fsopen: case __NR_fsmount: case __NR_mount_setattr:
#endif
		return -EPERM;
	default:
		return 0;
	}
}

/*
 * refused() for a call of another ABI, by its row (the same name as an
 * x86_64 call): a table per ABI made at its first call, so the name
 * search is not paid at every call.
 */
static int refused_other(const struct emu_cow_call *c)
{
	static int8_t *tabs[EMU_ABI_COUNT];
	size_t count;
	const struct emu_syscall *rows;

	if (!c->sc || c->abi >= EMU_ABI_COUNT)
		return 0;
	rows = emu_syscall_rows((enum emu_abi)c->abi, &count);
	if (!tabs[c->abi]) {
		int8_t *t = calloc(count ? count : 1, 1);

		if (!t)
			return -ENOSYS; /* fail closed */
		for (size_t i = 0; i < count; i++) {
			const struct emu_syscall *same =
				emu_syscall_by_name(EMU_ABI_X86_64, rows[i].name);

			t[i] = (int8_t)(same ? -refused(same->nr) : 0);
		}
		tabs[c->abi] = t;
	}
	return c->sc >= rows && c->sc < rows + count ? -tabs[c->abi][c->sc - rows] : 0;
}

static int decide(struct emu_cow *ec, const struct emu_cow_call *c, const struct emu_guest *g,
		  struct emu_cow_pending *pend, int64_t *ret_result)
{
	struct ctx x = { ec, c, g, pend, ret_result };
	const uint64_t *a = c->args;
	struct meta m = { 0 };
	int dfd = (int)a[0], action = DB_ACTION_PASS, err;

	pend->what = PEND_NONE;
	pend->pin_as_written = false;
	pend->moved = false;
	pend->is_dir = false;
	pend->sock_fd = -1;
	/*
	 * Fail closed: a number the table does not know (a newer kernel's
	 * call) may take a path or a descriptor pcow cannot check.
	 */
	if (!c->sc)
		return cw_deny(&x, -ENOSYS);
	if (c->abi != EMU_ABI_X86_64) {
		/*
		 * Other ABIs' file calls would pass the overlay by: refuse them,
		 * and bind, which makes a socket node (socketcall's SYS_BIND, 2),
		 * and the receiving of descriptors, which pcow checks in x86_64
		 * only (cw_received_fds; socketcall's SYS_RECVMSG 17 and
		 * SYS_RECVMMSG 19).
		 */
		if (c->sc && (c->sc->flags & EMU_F_FILE))
			return cw_deny(&x, -ENOSYS);
		if (!strcmp(c->sc->name, "bind") || !strncmp(c->sc->name, "recvm", 5) ||
		    (!strcmp(c->sc->name, "socketcall") && (a[0] == 2 || a[0] == 17 || a[0] == 19)))
			return cw_deny(&x, -ENOSYS);
		/* And what is refused in x86_64 is refused in all (i386 io_uring_setup). */
		err = refused_other(c);
		return err ? cw_deny(&x, err) : DB_ACTION_PASS;
	}
	err = refused(c->nr);
	if (err)
		return cw_deny(&x, err);

#define PATH(i)                                    \
	do {                                       \
		if (!path_ok(&x, (i), &action))    \
			return action;             \
	} while (0)

	switch (c->nr) {
	/* ---- open */
	case __NR_open:
		PATH(0);
		return cw_do_open(&x, AT_FDCWD, 0, 1, (int)a[1], (mode_t)a[2], NULL);
	case __NR_creat:
		PATH(0);
		return cw_do_open(&x, AT_FDCWD, 0, -1, O_CREAT | O_WRONLY | O_TRUNC, (mode_t)a[1],
			       NULL);
	case __NR_openat:
		PATH(1);
		return cw_do_open(&x, dfd, 1, 2, (int)a[2], (mode_t)a[3], NULL);
	case __NR_openat2: {
		/*
		 * The whole struct as the kernel will read it (its tail must be
		 * zero), checked and then pinned like the path: another thread
		 * could otherwise make a read-only open a writing one.
		 */
		unsigned char raw[4096];
		struct open_how how;
		size_t size = (size_t)a[3];

		PATH(1);
		if (size < sizeof(how))
			return cw_emulate(&x, -EINVAL);
		if (size > sizeof(raw))
			return cw_emulate(&x, -E2BIG);
		if (x.g->read(x.g->ctx, a[2], raw, size))
			return cw_emulate(&x, -EFAULT);
		memcpy(&how, raw, sizeof(how));
		action = cw_do_open(&x, dfd, 1, -1, (int)how.flags, (mode_t)how.mode, &how);
		if (action == DB_ACTION_REWRITE)
			how.resolve = 0; /* pcow's walk applied them (cw_do_open) */
		if (action == DB_ACTION_PASS || action == DB_ACTION_REWRITE) {
			memcpy(raw, &how, sizeof(how)); /* O_EXCL gone if pcow created it */
			if (x.g->set_arg_data(x.g->ctx, 2, raw, size) < 0)
				return cw_emulate(&x, -EFAULT);
		}
		return action;
	}
	/* ---- read-only path calls */
	case __NR_stat:
		PATH(0);
		return path_read_only(&x, AT_FDCWD, 0, true, 0, PEND_STAT_NLINK, a[1]);
	case __NR_lstat:
		PATH(0);
		return path_read_only(&x, AT_FDCWD, 0, false, 0, PEND_STAT_NLINK, a[1]);
	case __NR_execve:
		PATH(0);
		action = cw_do_exec(&x, AT_FDCWD, 0, 1, -1);
		return action >= 0 ? action : path_read_only(&x, AT_FDCWD, 0, true, 0, 0, 0);
	case __NR_access: case __NR_statfs: case __NR_getxattr: case __NR_listxattr:
	case __NR_uselib:
		PATH(0);
		return path_read_only(&x, AT_FDCWD, 0, true, 0, 0, 0);
	case __NR_readlink: case __NR_lgetxattr: case __NR_llistxattr:
		PATH(0);
		return path_read_only(&x, AT_FDCWD, 0, false, 0, 0, 0);
	case __NR_fstat:
		return cw_do_fstat(&x, dfd, PEND_STAT_NLINK, a[1], 0);
	case __NR_newfstatat:
		PATH(1);
		if ((a[3] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return cw_do_fstat(&x, dfd, PEND_STAT_NLINK, a[2], 0);
		return path_read_only(&x, dfd, 1, !(a[3] & AT_SYMLINK_NOFOLLOW), (int)a[3],
				      PEND_STAT_NLINK, a[2]);
	case __NR_statx:
		PATH(1);
		if ((a[2] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return cw_do_fstat(&x, dfd, PEND_STATX_NLINK, a[4], (unsigned)a[3]);
		return path_read_only(&x, dfd, 1, !(a[2] & AT_SYMLINK_NOFOLLOW), (int)a[2],
				      PEND_STATX_NLINK, a[4]);
	case __NR_faccessat:
		PATH(1);
		return path_read_only(&x, dfd, 1, true, 0, 0, 0);
	case __NR_faccessat2:
		PATH(1);
		return path_read_only(&x, dfd, 1, !(a[3] & AT_SYMLINK_NOFOLLOW), (int)a[3], 0, 0);
	case __NR_readlinkat:
		PATH(1);
		return path_read_only(&x, dfd, 1, false, AT_EMPTY_PATH, 0, 0);
	case __NR_execveat:
		PATH(1);
		action = cw_do_exec(&x, dfd, 1, 2, 4);
		if (action >= 0)
			return action;
		return path_read_only(&x, dfd, 1, !(a[4] & AT_SYMLINK_NOFOLLOW), (int)a[4], 0, 0);
	case __NR_inotify_add_watch:
		PATH(1);
		return path_read_only(&x, AT_FDCWD, 1, !(a[2] & 0x01000000 /* IN_DONT_FOLLOW */), 0,
				      0, 0);
	case __NR_chdir:
		PATH(0);
		return do_chdir(&x, 0);
	case __NR_fchdir:
		pend->what = PEND_FCHDIR;
		return DB_ACTION_PASS;
	case __NR_getcwd:
		return do_getcwd(&x, a[0], a[1]);
	/* ---- creation */
	case __NR_mkdir:
		PATH(0);
		return cw_do_mkdir(&x, AT_FDCWD, 0, (mode_t)a[1]);
	case __NR_mkdirat:
		PATH(1);
		return cw_do_mkdir(&x, dfd, 1, (mode_t)a[2]);
	case __NR_mknod:
		PATH(0);
		return cw_do_mknod_call(&x, AT_FDCWD, 0, (mode_t)a[1], (uint32_t)a[2]);
	case __NR_mknodat:
		PATH(1);
		return cw_do_mknod_call(&x, dfd, 1, (mode_t)a[2], (uint32_t)a[3]);
	case __NR_symlink:
		PATH(0);
		PATH(1);
		return cw_do_symlink(&x, AT_FDCWD, 1);
	case __NR_symlinkat:
		PATH(0);
		PATH(2);
		return cw_do_symlink(&x, (int)a[1], 2);
	case __NR_link:
		PATH(0);
		PATH(1);
		return cw_do_link(&x, AT_FDCWD, 0, AT_FDCWD, 1, 0);
	case __NR_linkat:
		PATH(1);
		PATH(3);
		if (a[4] & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
			return cw_emulate(&x, -EINVAL); /* do_linkat */
		if ((a[4] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return cw_do_link_fd(&x, dfd, (int)a[2], 3);
		return cw_do_link(&x, dfd, 1, (int)a[2], 3, (int)a[4]);
	/* ---- deletion and renaming */
	case __NR_unlink:
		PATH(0);
		return cw_do_unlink(&x, AT_FDCWD, 0, false);
	case __NR_rmdir:
		PATH(0);
		return cw_do_unlink(&x, AT_FDCWD, 0, true);
	case __NR_unlinkat:
		PATH(1);
		if (a[2] & ~(uint64_t)AT_REMOVEDIR)
			return cw_emulate(&x, -EINVAL);
		return cw_do_unlink(&x, dfd, 1, a[2] & AT_REMOVEDIR);
	case __NR_rename:
		PATH(0);
		PATH(1);
		return cw_do_rename(&x, AT_FDCWD, 0, AT_FDCWD, 1, 0);
	case __NR_renameat:
		PATH(1);
		PATH(3);
		return cw_do_rename(&x, dfd, 1, (int)a[2], 3, 0);
	case __NR_renameat2:
		PATH(1);
		PATH(3);
		return cw_do_rename(&x, dfd, 1, (int)a[2], 3, (unsigned)a[4]);
	/* ---- metadata */
	case __NR_chmod:
		PATH(0);
		m.op = META_CHMOD;
		m.mode = (mode_t)a[1];
		return cw_do_meta_path(&x, AT_FDCWD, 0, true, &m);
	case __NR_fchmodat:
		PATH(1);
		m.op = META_CHMOD;
		m.mode = (mode_t)a[2];
		return cw_do_meta_path(&x, dfd, 1, true, &m);
	case __NR_fchmodat2:
		PATH(1);
		m.op = META_CHMOD;
		m.mode = (mode_t)a[2];
		if ((a[3] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return cw_do_meta_fd(&x, dfd, &m, false);
		return cw_do_meta_path(&x, dfd, 1, !(a[3] & AT_SYMLINK_NOFOLLOW), &m);
	/*
	 * Signals to pcow itself, and a pidfd of it: refused, so the program
	 * cannot kill its tracer (its tracees would die with it, unlogged).
	 * Signals to a process group reach pcow as the kernel sends them.
	 */
	case __NR_kill: case __NR_tkill: case __NR_tgkill: case __NR_pidfd_open:
		return (pid_t)a[0] == getpid() ? cw_deny(&x, -EPERM) : DB_ACTION_PASS;
	case __NR_ioctl: {
		/*
		 * Inode flags and fsxattr (chattr) set through a descriptor of a
		 * real file would change it: the overlay does not model them.
		 */
		char vp[EMU_PATH_MAX];
		struct emu_inode ino;
		unsigned long cmd = (unsigned long)(unsigned int)a[1];

		if ((cmd == FS_IOC_SETFLAGS || cmd == FS_IOC32_SETFLAGS || cmd == FS_IOC_FSSETXATTR ||
		     cmd == FS_IOC_SETVERSION || cmd == FS_IOC32_SETVERSION) &&
		    cw_fd_in_scope(&x, dfd, vp, sizeof(vp), &ino))
			return cw_deny(&x, -EOPNOTSUPP);
		return DB_ACTION_PASS;
	}
	case __NR_fchmod:
		m.op = META_CHMOD;
		m.mode = (mode_t)a[1];
		return cw_do_meta_fd(&x, dfd, &m, true);
	case __NR_chown: case __NR_lchown:
		PATH(0);
		m.op = META_CHOWN;
		m.uid = (uid_t)a[1];
		m.gid = (gid_t)a[2];
		return cw_do_meta_path(&x, AT_FDCWD, 0, c->nr == __NR_chown, &m);
	case __NR_fchownat:
		PATH(1);
		m.op = META_CHOWN;
		m.uid = (uid_t)a[2];
		m.gid = (gid_t)a[3];
		if ((a[4] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return cw_do_meta_fd(&x, dfd, &m, false);
		return cw_do_meta_path(&x, dfd, 1, !(a[4] & AT_SYMLINK_NOFOLLOW), &m);
	case __NR_fchown:
		m.op = META_CHOWN;
		m.uid = (uid_t)a[1];
		m.gid = (gid_t)a[2];
		return cw_do_meta_fd(&x, dfd, &m, true);
	case __NR_utime:
	case __NR_utimes:
		PATH(0);
		err = cw_read_times(&x, a[1], c->nr == __NR_utime ? 0 : 1, &m);
		if (err)
			return cw_emulate(&x, err);
		return cw_do_meta_path(&x, AT_FDCWD, 0, true, &m);
	case __NR_futimesat:
		PATH(1);
		err = cw_read_times(&x, a[2], 1, &m);
		if (err)
			return cw_emulate(&x, err);
		return cw_do_meta_path(&x, dfd, 1, true, &m);
	case __NR_utimensat:
		/* The order of sys_utimensat and do_utimes. */
		err = cw_read_times(&x, a[2], 2, &m);
		if (err)
			return cw_emulate(&x, err);
		if (a[2] && m.ts[0].tv_nsec == UTIME_OMIT && m.ts[1].tv_nsec == UTIME_OMIT)
			return cw_emulate(&x, 0); /* "we must not even check the path" */
		if (!a[1] && dfd != AT_FDCWD) {
			/* futimens(fd) */
			if (a[3])
				return cw_emulate(&x, -EINVAL);
			return cw_do_meta_fd(&x, dfd, &m, true);
		}
		if (a[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			return cw_emulate(&x, -EINVAL);
		PATH(1);
		if ((a[3] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return cw_do_meta_fd(&x, dfd, &m, false);
		return cw_do_meta_path(&x, dfd, 1, !(a[3] & AT_SYMLINK_NOFOLLOW), &m);
	/* ---- content and xattrs */
	case __NR_truncate:
		PATH(0);
		return cw_do_copy_up_path(&x, AT_FDCWD, 0, true, (int64_t)a[1] < 0 ? -1 : (int64_t)a[1]);
	case __NR_setxattr: case __NR_removexattr:
		PATH(0);
		return cw_do_copy_up_path(&x, AT_FDCWD, 0, true, -2);
	case __NR_lsetxattr: case __NR_lremovexattr:
		PATH(0);
		return cw_do_copy_up_path(&x, AT_FDCWD, 0, false, -2);
	case __NR_fgetxattr:
		return cw_do_xattr_get_fd(&x, dfd, false);
	case __NR_flistxattr:
		return cw_do_xattr_get_fd(&x, dfd, true);
	case __NR_fsetxattr:
		return cw_do_xattr_fd(&x, dfd, true);
	case __NR_fremovexattr:
		return cw_do_xattr_fd(&x, dfd, false);
	/* ---- directories through descriptors */
	case __NR_getdents64:
		return do_getdents(&x, dfd, a[1], a[2], true);
	case __NR_getdents:
		return do_getdents(&x, dfd, a[1], a[2], false);
	case __NR_lseek:
		return do_lseek(&x, dfd, (int64_t)a[1], (int)a[2]);
	/* ---- growth of upper files through descriptors (--quota) */
	case __NR_write: case __NR_pwrite64: case __NR_writev: case __NR_pwritev:
	case __NR_pwritev2: case __NR_ftruncate: case __NR_fallocate:
	case __NR_copy_file_range: case __NR_splice: case __NR_sendfile:
		return cw_quota_enter(&x);
	/* ---- AF_UNIX sockets named by a path */
	case __NR_bind:
		return cw_do_bind(&x);
	case __NR_connect:
		return cw_do_connect(&x, 1, 2);
	case __NR_sendto:
		return cw_do_connect(&x, 4, 5);
	case __NR_sendmsg:
		return cw_do_sendmsg(&x);
	/* ---- what the credential cache depends on */
	case __NR_umask: case __NR_setuid: case __NR_setgid: case __NR_setreuid:
	case __NR_setregid: case __NR_setresuid: case __NR_setresgid: case __NR_setfsuid:
	case __NR_setfsgid: case __NR_setgroups: case __NR_capset:
		pend->what = PEND_CRED;
		return DB_ACTION_PASS;
	default:
		break;
	}
#undef PATH
	/*
	 * Fail closed: another call that takes a path and may change the file
	 * system (a newer kernel's) is refused when it would reach the scope.
	 */
	if (c->sc && (c->sc->flags & EMU_F_FILE) && (c->sc->flags & EMU_F_WRITES))
		return cw_deny(&x, -ENOSYS);
	return DB_ACTION_PASS;
}

/*
 * The path the kernel gets for a passed changing call: a relative one
 * made absolute from the directory pcow checked it from (cw_base_dir: the
 * cwd, or the dirfd's object), not from the cwd or descriptor table the
 * kernel will look at.  Another thread that shares them can change those
 * (dup2 over the dirfd, close and a new open on its number, fchdir)
 * between pcow's check and the kernel's walk, and turn a write outside
 * the scope into one on a real file in it; no one else can, so a table
 * or cwd that is not shared leaves the path as written, at no cost.  Not
 * folded: ".." is the kernel's to take, from what it reached.  false (the
 * path as written) too when pcow does not know the base for sure: one
 * moved or removed in the overlay, one the kernel holds removed (a dead
 * directory, where a name must stay ENOENT even when another directory
 * took its path), or a result past size.
 */
static bool pinned_path(struct emu_cow *ec, const struct emu_cow_call *c, int dirfd_arg, int i,
			char *buf, size_t size)
{
	const char *guest = c->path[i];
	int dirfd = dirfd_arg >= 0 ? (int)c->args[dirfd_arg] : AT_FDCWD;
	char name[CW_FD_NAME], real[PATH_MAX];
	bool moved;
	size_t len;
	ssize_t n;

	if (!guest[0] || guest[0] == '/')
		return false;
	if (dirfd == AT_FDCWD) {
		if (!c->fs || c->fs->refs < 2 || c->fs->deleted)
			return false;
		snprintf(name, sizeof(name), "/proc/%d/cwd", (int)c->tid);
		n = readlink(name, real, sizeof(real) - 1);
	} else {
		const struct emu_fd *f = emu_files_get(c->files, dirfd);

		if (!c->files || c->files->refs < 2 || (f && f->deleted))
			return false;
		n = cw_fd_real(c->tid, dirfd, name, real, sizeof(real));
	}
	if (n > 0 && cw_deleted_target(real, (size_t)n))
		return false;
	if (cw_base_dir(ec, c, dirfd, buf, size, &moved) < 0 || moved)
		return false;
	len = strlen(buf);
	return len + 1 + strlen(guest) < size &&
	       snprintf(buf + len, size - len, "%s%s", strcmp(buf, "/") ? "/" : "", guest) > 0;
}

int emu_cow_enter(struct emu_cow *ec, const struct emu_cow_call *c, const struct emu_guest *g,
		  struct emu_cow_pending *pend, int64_t *ret_result)
{
	bool changes = emu_cow_may_change_fs(c->sc, c->args);
	int action;

	/*
	 * The directories cached as the real file system shows them may
	 * change under this call, from its entry until its exit: a walk
	 * meanwhile asks the kernel (as it always did), and later walks see
	 * the result.  Changes made by processes pcow does not trace are not
	 * seen (doc/internals.md).
	 */
	if (changes)
		ec->real_gen++;
	/* Before anything changes: what the call finds is starting state. */
	emu_rec_enter(ec->rec, c, g, &pend->rec);
	action = decide(ec, c, g, pend, ret_result);
	pend->passed = action == DB_ACTION_PASS;

	/*
	 * A call that may change the file system and goes to the kernel as
	 * the program wrote it is given pcow's copy of each path (in memory
	 * the program cannot write), so that another thread cannot swap the
	 * path between pcow's check and the kernel's read.  So is chdir:
	 * pcow resolves every later relative path from the directory it
	 * checked, which must be the kernel's.  An open that only reads is
	 * not pinned: whatever a swapped path reaches, it cannot change it
	 * (nor can a descriptor opened for reading: pcow checks changes
	 * through descriptors against the kernel's own path of them), and
	 * its exit asks the kernel what it opened (kernel_opened).  On a
	 * build that is 10,000 writes into the program and twice as many
	 * register changes saved.
	 */
	if (action == DB_ACTION_PASS && c->abi == EMU_ABI_X86_64 && c->sc &&
	    (c->sc->flags & EMU_F_FILE) &&
	    (changes || c->nr == __NR_chdir)) {
		int dirfd_arg = -1;

		for (int i = 0; i < 6; i++) {
			char abs[PATH_MAX];
			const char *pin;

			if (c->sc->args[i].kind == EK_DIRFD)
				dirfd_arg = i;
			if (!c->path[i] || c->sc->args[i].kind != EK_PATH)
				continue;
			pin = !pend->pin_as_written && pinned_path(ec, c, dirfd_arg, i, abs, sizeof(abs))
				      ? abs
				      : c->path[i];
			int err = g->set_arg_data(g->ctx, i, pin, strlen(pin) + 1);

			if (err < 0) {
				*ret_result = not_placed(err);
				return DB_ACTION_DENY;
			}
		}
	}
	return action;
}

/*
 * A passed open: what the kernel opened is what later calls through the
 * descriptor (openat, fchdir, getdents) must start from.  pcow's walk
 * can differ from the kernel's (a symlink on the path renamed over by
 * another thread meanwhile), and a quiet open has only the path as
 * written, symlinks and all (a link the program points elsewhere later
 * would move the descriptor in pcow's eyes, not in the kernel's).  So
 * the kernel's path wins, unless it is in the store or special.
 */
static void kernel_opened(struct emu_cow *ec, const struct emu_cow_call *c, int fd,
			  struct emu_cow_pending *pend)
{
	char name[CW_FD_NAME], real[sizeof(pend->vpath)];
	struct stat st;
	ssize_t n = cw_fd_real(c->tid, fd, name, real, sizeof(real));

	if (n == -ENAMETOOLONG) {
		/*
		 * Past PATH_MAX /proc cannot say.  pcow's name stands when it
		 * leads to the same object; else the descriptor gets a name in
		 * the store, so that every change through it is refused
		 * (reads pass, and the kernel does them from the descriptor).
		 */
		struct walk w;
		bool moved;
		const char *mine = pend->vpath;

		if (!mine[0]) {
			/* A quiet open: the name as written may hold symbolic
			   links the program can point elsewhere later. */
			cw_walk(ec, c, pend->open_dirfd, pend->open_pi, pend->open_wflags, &w,
				&moved);
			mine = w.err || w.special ? "" : w.res.virt_path;
		}
		if (!mine[0] || !cw_names_object(ec, mine, name, real, sizeof(real)))
			snprintf(pend->vpath, sizeof(pend->vpath), "%s/links", ec->store_dir);
		else if (mine == pend->vpath)
			return; /* pcow's own name stands */
		else
			snprintf(pend->vpath, sizeof(pend->vpath), "%s", mine);
	} else {
		if (n < 0)
			return; /* a pipe, a socket, an anonymous inode */
		if (!strcmp(real, pend->vpath) || cw_special_path(ec, real))
			return;
		if (cw_deleted_target(real, (size_t)n))
			return;
		memcpy(pend->vpath, real, (size_t)n + 1);
	}
	pend->is_dir = stat(name, &st) == 0 && S_ISDIR(st.st_mode);
}

void emu_cow_exit(struct emu_cow *ec, const struct emu_cow_call *c, const struct emu_guest *g,
		  struct emu_cow_pending *pend, int64_t result)
{
	if (emu_cow_may_change_fs(c->sc, c->args))
		ec->real_gen++;
	if (c->abi == EMU_ABI_X86_64 && (c->nr == __NR_recvmsg || c->nr == __NR_recvmmsg))
		cw_received_fds(ec, c, g, result);
	if ((c->nr == __NR_execve || c->nr == __NR_execveat) && result == 0) {
		/* A set-user-ID program runs with other credentials. */
		ec->creds[(unsigned)c->tgid % CRED_SLOTS].valid = false;
	}
	switch (pend->what) {
	case PEND_OPEN: {
		struct emu_fd *f;

		if (pend->open_fix_mode)
			created_mode(ec, pend);
		if (result < 0 || !(f = emu_files_get(c->files, (int)result)))
			break;
		if (pend->passed)
			kernel_opened(ec, c, (int)result, pend);
		if (!pend->vpath[0])
			break; /* keep the descriptor table's own path */
		if (emu_files_set_vpath(c->files, (int)result, pend->vpath, pend->moved) < 0)
			break;
		if (pend->is_dir)
			give_dir_state(ec, c->files, (int)result, pend->vpath, false);
		break;
	}
	case PEND_CHDIR:
		if (result < 0 || !c->fs)
			break;
		if (pend->vpath[0]) {
			char *copy = strdup(pend->vpath);

			if (copy) {
				free(c->fs->cwd);
				c->fs->cwd = copy;
			}
		}
		c->fs->moved = pend->moved;
		c->fs->deleted = false;
		break;
	case PEND_FCHDIR: {
		const struct emu_fd *f = emu_files_get(c->files, (int)c->args[0]);

		if (!f && result == 0)
			f = adopt_fd(ec, c, (int)c->args[0]);
		if (result < 0 || !c->fs || !f)
			break;
		if (f->vpath) {
			char *copy = strdup(f->vpath);

			if (copy) {
				free(c->fs->cwd);
				c->fs->cwd = copy;
			}
		}
		c->fs->moved = f->moved;
		c->fs->deleted = f->deleted;
		break;
	}
	case PEND_CRED:
		if (result >= 0 || c->nr == __NR_umask) {
			struct cred_slot *slot = &ec->creds[(unsigned)c->tgid % CRED_SLOTS];

			slot->valid = false;
		}
		break;
	case PEND_STAT_NLINK:
	case PEND_STATX_NLINK:
		if (result == 0)
			fix_nlink(ec, pend, g);
		break;
	case PEND_QUOTA:
		cw_quota_exit(ec, c, pend);
		break;
	case PEND_BIND:
		if (result == 0)
			cow_bind_done(ec->store, pend->vpath);
		break;
	case PEND_FSTAT_GONE:
	case PEND_FSTATX_GONE:
		if (result == 0) {
			uint64_t zero = 0;

			g->write(g->ctx, pend->addr + 16, &zero,
				 pend->what == PEND_FSTAT_GONE ? 8 : 4);
		}
		break;
	case PEND_RENAME:
		if (result == 0)
			emu_fstate_kernel_renamed(pend->vpath, pend->vpath + strlen(pend->vpath) + 1,
						  pend->exchange);
		break;
	case PEND_LSEEK_DIR: {
		const struct emu_fd *f = emu_files_get(c->files, (int)c->args[0]);
		struct dir_state *ds = f ? dir_state_of(f->dir) : NULL;

		if (ds && result == 0) {
			ds->native = false; /* rewound: decide again */
			ds->pos = 0;
		}
		break;
	}
	default:
		break;
	}
	if (pend->sock_fd >= 0) {
		close(pend->sock_fd);
		pend->sock_fd = -1;
	}
	/* After the fixes above: the data is what the program saw. */
	emu_rec_exit(ec->rec, c, g, &pend->rec, result);
}
