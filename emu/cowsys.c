/*
 * emu/cowsys.c — the copy-on-write handlers: one per family of file system
 * calls (see cowsys.h for the contract).
 *
 * Every path goes through walk(): emu_walk over the merged view, noting
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
#include "emu/cowsys.h"

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
};

/* A merged directory listing being read through a descriptor. */
struct dir_state {
	struct cow_dir *snap; /* NULL until the first emulated read */
	uint64_t pos;	      /* the next entry's offset */
	bool native;	      /* the kernel serves this descriptor (nothing merged) */
};

static void dir_state_free(void *p)
{
	struct dir_state *ds = p;

	if (ds)
		cow_dir_close(ds->snap);
	free(ds);
}

struct emu_cow *emu_cow_new(struct cow_store *store)
{
	struct emu_cow *ec = calloc(1, sizeof(*ec));

	if (!ec)
		return NULL;
	ec->store = store;
	ec->store_dir = cow_store_dir(store);
	emu_files_set_dir_free(dir_state_free);
	return ec;
}

void emu_cow_free(struct emu_cow *ec)
{
	free(ec);
}

/* ------------------------------------------------------- credentials */

static unsigned long long parse_hex(const char *s)
{
	return strtoull(s, NULL, 16);
}

int emu_read_proc_cred(pid_t tid, struct emu_proc_cred *pc)
{
	char name[64], line[1024];
	unsigned long long caps = 0;
	FILE *f;

	memset(pc, 0, sizeof(*pc));
	pc->umask = 022;
	snprintf(name, sizeof(name), "/proc/%d/status", (int)tid);
	f = fopen(name, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned r, e, s, fs;

		if (sscanf(line, "Uid:\t%u\t%u\t%u\t%u", &r, &e, &s, &fs) == 4) {
			pc->cred.fsuid = fs;
		} else if (sscanf(line, "Gid:\t%u\t%u\t%u\t%u", &r, &e, &s, &fs) == 4) {
			pc->cred.fsgid = fs;
		} else if (!strncmp(line, "Umask:", 6)) {
			pc->umask = (mode_t)strtoul(line + 6, NULL, 8) & 0777;
		} else if (!strncmp(line, "CapEff:", 7)) {
			caps = parse_hex(line + 7);
		} else if (!strncmp(line, "Groups:", 7)) {
			char *p = line + 7, *end;
			size_t n = 0;

			for (;;) {
				unsigned long g = strtoul(p, &end, 10);

				if (end == p || n >= sizeof(pc->groups) / sizeof(pc->groups[0]))
					break;
				pc->groups[n++] = (gid_t)g;
				p = end;
			}
			pc->cred.ngroups = n;
		}
	}
	fclose(f);
	pc->cred.groups = pc->groups;
	/* include/uapi/linux/capability.h */
	pc->cap_chown = caps & (1ull << 0);
	pc->cred.cap_dac_override = caps & (1ull << 1);
	pc->cred.cap_dac_read_search = caps & (1ull << 2);
	pc->cap_fowner = caps & (1ull << 3);
	pc->cap_fsetid = caps & (1ull << 4);
	return 0;
}

static const struct emu_proc_cred *cred_of(struct emu_cow *ec, const struct emu_cow_call *c)
{
	struct cred_slot *slot = &ec->creds[(unsigned)c->tgid % CRED_SLOTS];

	if (!slot->valid || slot->tgid != c->tgid) {
		if (emu_read_proc_cred(c->tid, &slot->pc) < 0 &&
		    emu_read_proc_cred(c->tgid, &slot->pc) < 0) {
			/* Gone or hidden: nobody, with no privilege. */
			memset(&slot->pc, 0, sizeof(slot->pc));
			slot->pc.cred.fsuid = 65534;
			slot->pc.cred.fsgid = 65534;
		}
		slot->pc.cred.groups = slot->pc.groups;
		slot->tgid = c->tgid;
		slot->valid = true;
	}
	return &slot->pc;
}

static bool in_group(const struct emu_cred *cred, gid_t gid)
{
	if (cred->fsgid == gid)
		return true;
	for (size_t i = 0; i < cred->ngroups; i++)
		if (cred->groups[i] == gid)
			return true;
	return false;
}

/* --------------------------------------------------------- the walk */

struct walk {
	struct emu_cow *ec;
	const struct emu_cow_call *c; /* whose /proc/self this is; NULL: none */
	bool touched;	/* the overlay changed something on the way */
	bool special;	/* reached /proc, /sys, /dev or the store: the kernel's */
	int err;	/* emu_walk's result */
	struct emu_walk_result res;
	struct cow_lookup lk; /* of res.virt_path when it exists or may be created */
};

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static bool special_path(const struct emu_cow *ec, const char *vp)
{
	return under(vp, "/proc") || under(vp, "/sys") || under(vp, "/dev") ||
	       under(vp, ec->store_dir);
}

static uint8_t ftype_of(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return EMU_FT_REG;
	case S_IFDIR: return EMU_FT_DIR;
	case S_IFLNK: return EMU_FT_LNK;
	case S_IFIFO: return EMU_FT_FIFO;
	case S_IFCHR: return EMU_FT_CHR;
	case S_IFBLK: return EMU_FT_BLK;
	case S_IFSOCK: return EMU_FT_SOCK;
	default: return EMU_FT_NONE;
	}
}

/*
 * /proc's magic links, seen from the caller: "/proc", "/proc/self",
 * "/proc/thread-self", "/proc/PID", "/proc/PID/task/TID" and their fd/N,
 * cwd, root and exe.  They lead to real paths, so a walk must follow them
 * (a write through /proc/self/fd/N of a file opened read-only would reach
 * the real file).  Fills real (the path in pcow's own /proc) and returns
 * 1 for a directory, 2 for a link, 0 for anything else of /proc.
 */
static int proc_magic(const struct walk *w, const char *vp, char *real, size_t size)
{
	const char *p = vp + strlen("/proc");
	char *end;

	if (!w->c)
		return 0;
	if (!*p) {
		snprintf(real, size, "/proc");
		return 1;
	}
	p++; /* past '/' */
	if (!strcmp(p, "self") || !strcmp(p, "thread-self")) {
		snprintf(real, size, "%s", p); /* readlink answers for the caller */
		return 2;
	}
	if (!strncmp(p, "self/", 5) || !strncmp(p, "thread-self/", 12))
		return 0; /* walked through the link, never reached directly */
	strtoul(p, &end, 10);
	if (end == p || (*end && *end != '/'))
		return 0;
	for (int depth = 0; depth < 2; depth++) {
		/* PID, PID/fd, PID/task, PID/task/TID, PID/task/TID/fd */
		if (!*end || !strcmp(end, "/fd") || !strcmp(end, "/task")) {
			snprintf(real, size, "%s", vp);
			return 1;
		}
		if (!strncmp(end, "/fd/", 4)) {
			char *e2;

			strtoul(end + 4, &e2, 10);
			if (e2 == end + 4 || *e2)
				return 0;
			snprintf(real, size, "%s", vp);
			return 2;
		}
		if (!strcmp(end, "/cwd") || !strcmp(end, "/root") || !strcmp(end, "/exe")) {
			snprintf(real, size, "%s", vp);
			return 2;
		}
		if (depth == 0 && !strncmp(end, "/task/", 6)) {
			const char *t = end + 6;

			strtoul(t, &end, 10);
			if (end == t || (*end && *end != '/'))
				return 0;
			continue;
		}
		return 0;
	}
	return 0;
}

/* The target of a /proc magic link, for the caller; -EREMOTE: not a path. */
static long proc_readlink(const struct walk *w, const char *vp, char *buf, size_t size)
{
	char real[4096];
	ssize_t n;

	if (proc_magic(w, vp, real, sizeof(real)) != 2)
		return -EREMOTE;
	if (!strcmp(real, "self"))
		return snprintf(buf, size, "%d", (int)w->c->tgid);
	if (!strcmp(real, "thread-self"))
		return snprintf(buf, size, "%d/task/%d", (int)w->c->tgid, (int)w->c->tid);
	n = readlink(real, buf, size);
	if (n < 0)
		return -errno;
	if (n == 0 || buf[0] != '/' || (size_t)n >= size)
		return -EREMOTE; /* pipe:[N], socket:[N], anon_inode:... */
	buf[n] = '\0';
	if (n > 10 && !strcmp(buf + n - 10, " (deleted)"))
		return -EREMOTE;
	if (under(buf, w->ec->store_dir)) {
		/* An upper object: name it by its virtual path. */
		const char *upper = buf + strlen(w->ec->store_dir);

		if (strncmp(upper, "/upper", 6) || (upper[6] && upper[6] != '/'))
			return -EREMOTE;
		upper += 6;
		memmove(buf, *upper ? upper : "/", strlen(*upper ? upper : "/") + 1);
		return (long)strlen(buf);
	}
	return n;
}

static int wk_lookup(void *ctx, const char *vp, struct emu_inode *ino)
{
	struct walk *w = ctx;
	struct cow_lookup lk;
	struct stat st;
	int err;

	if (under(vp, "/proc")) {
		char real[4096];
		int kind = proc_magic(w, vp, real, sizeof(real));

		if (kind == 2) {
			char target[4096];

			if (proc_readlink(w, vp, target, sizeof(target)) < 0) {
				w->special = true;
				return -EREMOTE;
			}
			ino->type = EMU_FT_LNK;
			ino->mode = 0777;
			ino->uid = ino->gid = 0;
			return 0;
		}
		if (kind == 1 && lstat(real, &st) == 0) {
			ino->type = ftype_of(st.st_mode);
			ino->mode = st.st_mode & 07777;
			ino->uid = st.st_uid;
			ino->gid = st.st_gid;
			return 0;
		}
	}
	if (special_path(w->ec, vp)) {
		w->special = true;
		return -EREMOTE;
	}
	if (cow_scope_of(w->ec->store, vp) != COW_SCOPE_COW) {
		/*
		 * Outside the scope the real file system is the view, even for
		 * the scope's ancestors, which have upper directories only to
		 * hold the scope's changes.
		 */
		lk.where = COW_LOWER;
		snprintf(lk.real_path, sizeof(lk.real_path), "%s", vp);
	} else {
		err = cow_lookup(w->ec->store, vp, &lk);
		if (err)
			return err;
	}
	switch (lk.where) {
	case COW_WHITEOUT:
		w->touched = true;
		return -ENOENT;
	case COW_ABSENT:
		return -ENOENT;
	case COW_UPPER:
		w->touched = true;
		break;
	case COW_LOWER:
		if (strcmp(lk.real_path, vp))
			w->touched = true;
		break;
	}
	if (lstat(lk.real_path, &st) < 0)
		return errno == ENOTDIR ? -ENOENT : -errno;
	ino->type = ftype_of(st.st_mode);
	ino->mode = st.st_mode & 07777;
	ino->uid = st.st_uid;
	ino->gid = st.st_gid;
	return 0;
}

static long wk_readlink(void *ctx, const char *vp, char *buf, size_t size)
{
	struct walk *w = ctx;
	struct cow_lookup lk;
	ssize_t n;
	int err;

	if (under(vp, "/proc"))
		return proc_readlink(w, vp, buf, size);
	if (cow_scope_of(w->ec->store, vp) != COW_SCOPE_COW) {
		n = readlink(vp, buf, size);
		return n < 0 ? -errno : n;
	}
	err = cow_lookup(w->ec->store, vp, &lk);
	if (err)
		return err;
	if (lk.where != COW_LOWER && lk.where != COW_UPPER)
		return -ENOENT;
	n = readlink(lk.real_path, buf, size);
	return n < 0 ? -errno : n;
}

/*
 * The virtual directory a relative path starts from: the cwd, or dirfd's
 * path.  *ret_moved: the kernel's own base differs (so a passed relative
 * path would land elsewhere).
 */
static int base_dir(struct emu_cow *ec, const struct emu_cow_call *c, int dirfd, char *buf,
		    size_t size, bool *ret_moved)
{
	const struct emu_fd *f;
	const char *p;

	*ret_moved = false;
	if (dirfd == AT_FDCWD) {
		p = c->fs ? c->fs->cwd : NULL;
		if (!p)
			return -ENOENT;
		*ret_moved = c->fs->moved;
	} else {
		char name[64];
		ssize_t n;

		f = emu_files_get(c->files, dirfd);
		p = f ? (f->vpath ? f->vpath : f->path) : NULL;
		if (f && f->vpath)
			*ret_moved = f->moved;
		if (!p) {
			/* Not opened by a call we saw: ask the kernel. */
			snprintf(name, sizeof(name), "/proc/%d/fd/%d", (int)c->tid, dirfd);
			n = readlink(name, buf, size - 1);
			if (n < 0)
				return -EBADF;
			buf[n] = '\0';
			if (buf[0] != '/')
				return -ENOTDIR;
			if (under(buf, ec->store_dir)) {
				/* An upper object: its virtual path follows upper/. */
				size_t skip = strlen(ec->store_dir) + strlen("/upper");

				if (strlen(buf) >= skip && !strncmp(buf + skip - 6, "/upper", 6)) {
					memmove(buf, buf + skip, strlen(buf + skip) + 1);
					if (!buf[0])
						strcpy(buf, "/");
					*ret_moved = true;
				}
			}
			return 0;
		}
	}
	if (strlen(p) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, p);
	return 0;
}

/* Walk path argument i (relative to dirfd); flags EMU_WALK_*. */
static void walk(struct emu_cow *ec, const struct emu_cow_call *c, int dirfd, int i,
		 unsigned flags, struct walk *w, bool *ret_base_moved)
{
	char base[4096];
	struct emu_fsops ops = { wk_lookup, wk_readlink, w };
	const struct emu_proc_cred *pc = cred_of(ec, c);
	const char *guest = c->path[i];

	memset(&w->lk, 0, sizeof(w->lk));
	w->ec = ec;
	w->c = c;
	w->touched = false;
	w->special = false;
	*ret_base_moved = false;
	if (guest[0] != '/') {
		w->err = base_dir(ec, c, dirfd, base, sizeof(base), ret_base_moved);
		if (w->err)
			return;
	} else {
		strcpy(base, "/");
	}
	w->err = emu_walk(&ops, &pc->cred, base, guest, flags, &w->res);
	if (w->special)
		return;
	if (w->err == 0 || (w->err == -ENOENT && w->res.parent_exists)) {
		int err = 0;

		if (cow_scope_of(ec->store, w->res.virt_path) != COW_SCOPE_COW) {
			w->lk.where = w->err ? COW_ABSENT : COW_LOWER;
			snprintf(w->lk.real_path, sizeof(w->lk.real_path), "%s", w->res.virt_path);
		} else {
			err = cow_lookup(ec->store, w->res.virt_path, &w->lk);
		}
		if (err)
			w->err = err;
	}
}

/* ------------------------------------------------------ the actions */

struct ctx {
	struct emu_cow *ec;
	const struct emu_cow_call *c;
	const struct emu_guest *g;
	struct emu_cow_pending *pend;
	int64_t *result;
};

static int emulate(struct ctx *x, long result)
{
	*x->result = result;
	return DB_ACTION_EMULATE;
}

static int deny(struct ctx *x, long err)
{
	*x->result = err;
	return DB_ACTION_DENY;
}

/*
 * Point argument i at path, where the object of virtual path vp is; a
 * failure to do so fails the call.
 */
static int rewrite(struct ctx *x, int i, const char *path, const char *vp)
{
	int err = x->g->set_arg_data(x->g->ctx, i, path, strlen(path) + 1);

	if (err)
		return emulate(x, err == -ENAMETOOLONG ? -ENAMETOOLONG : -EFAULT);
	x->pend->moved = strcmp(path, vp) != 0;
	return DB_ACTION_REWRITE;
}

/*
 * The object exists (or the walk failed) and the call only reads: let the
 * kernel walk it when nothing differs, else point it at the real object.
 */
static int read_only(struct ctx *x, const struct walk *w, bool base_moved, int i)
{
	if (w->special)
		return DB_ACTION_PASS;
	if (!w->touched && !(base_moved && x->c->path[i][0] != '/'))
		return DB_ACTION_PASS;
	if (w->err)
		return emulate(x, w->err);
	return rewrite(x, i, w->lk.real_path, w->res.virt_path);
}

/* Nothing to decide: no path argument could reach the overlay. */
static bool quiet(const struct ctx *x, int i, int dirfd)
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

static bool in_cow(const struct ctx *x, const char *vp)
{
	return cow_scope_of(x->ec->store, vp) == COW_SCOPE_COW;
}

/* The inode of vp's parent directory (for create/delete permission). */
static int parent_inode(struct ctx *x, const char *vp, struct emu_inode *ino)
{
	char parent[4096];
	struct walk w = { .ec = x->ec };
	char *slash;

	snprintf(parent, sizeof(parent), "%s", vp);
	slash = strrchr(parent, '/');
	if (slash == parent)
		parent[1] = '\0';
	else if (slash)
		*slash = '\0';
	return wk_lookup(&w, parent, ino);
}

/* may_create / may_delete of fs/namei.c, for the caller. */
static int may_create(struct ctx *x, const char *vp)
{
	const struct emu_proc_cred *pc = cred_of(x->ec, x->c);
	struct emu_inode dir;
	int err = parent_inode(x, vp, &dir);

	if (err)
		return err;
	return emu_permission(&pc->cred, &dir, 2 | 1);
}

static int may_delete(struct ctx *x, const char *vp, const struct emu_inode *victim)
{
	const struct emu_proc_cred *pc = cred_of(x->ec, x->c);
	struct emu_inode dir;
	int err = parent_inode(x, vp, &dir);

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

static bool is_owner(struct ctx *x, const struct emu_inode *ino)
{
	const struct emu_proc_cred *pc = cred_of(x->ec, x->c);

	return pc->cred.fsuid == ino->uid || pc->cap_fowner;
}

static mode_t umask_of(struct ctx *x)
{
	return cred_of(x->ec, x->c)->umask;
}

/* --------------------------------------------------------- open */

static int do_open(struct ctx *x, int dirfd, int pi, int flags_arg, int flags, mode_t mode,
		   const struct open_how *how)
{
	const struct emu_proc_cred *pc;
	struct walk w;
	char upper[COW_REAL_MAX];
	bool base_moved, creat = flags & O_CREAT, tmpfile = (flags & O_TMPFILE) == O_TMPFILE;
	int acc = flags & O_ACCMODE, err, mask;
	bool writes = !(flags & O_PATH) && (acc != O_RDONLY || (flags & O_TRUNC) || tmpfile);
	unsigned wflags = 0;

	if (flags & O_PATH)
		creat = false;
	if (!(flags & O_NOFOLLOW) && !(creat && (flags & O_EXCL)))
		wflags |= EMU_WALK_FOLLOW;
	if ((flags & O_DIRECTORY) && !creat)
		wflags |= EMU_WALK_DIRECTORY;
	if (!writes && !creat && !(flags & O_DIRECTORY) && quiet(x, pi, dirfd))
		return DB_ACTION_PASS;
	walk(x->ec, x->c, dirfd, pi, wflags, &w, &base_moved);
	x->pend->what = PEND_OPEN;
	snprintf(x->pend->vpath, sizeof(x->pend->vpath), "%s", w.res.virt_path);
	x->pend->is_dir = w.err == 0 && w.res.inode.type == EMU_FT_DIR;
	if (w.special)
		return DB_ACTION_PASS;
	if (how && how->resolve && (w.touched || base_moved || writes || creat))
		return deny(x, -ENOSYS); /* RESOLVE_* through the overlay: not modelled */
	if (w.err == -ENOENT && w.res.parent_exists && creat && in_cow(x, w.res.virt_path)) {
		/* Create: the new file goes to upper (may_o_create). */
		if (w.res.trailing_slash)
			return emulate(x, -EISDIR);
		err = may_create(x, w.res.virt_path);
		if (err)
			return emulate(x, err);
		pc = cred_of(x->ec, x->c);
		err = cow_create(x->ec->store, w.res.virt_path,
				 S_IFREG | (mode & 07777 & ~umask_of(x)), NULL, pc->cred.fsuid,
				 pc->cred.fsgid);
		if (err)
			return emulate(x, err);
		err = cow_upper_path(x->ec->store, w.res.virt_path, upper, sizeof(upper));
		if (err)
			return emulate(x, err);
		/* It exists now: the kernel must not refuse it for O_EXCL. */
		if (how) {
			struct open_how h = *how;

			h.flags &= ~(uint64_t)O_EXCL;
			err = x->g->set_arg_data(x->g->ctx, 2, &h, sizeof(h));
		} else if (flags_arg >= 0) {
			err = x->g->set_arg(x->g->ctx, flags_arg, (uint64_t)(flags & ~O_EXCL));
		}
		if (err)
			return emulate(x, -EFAULT);
		return rewrite(x, pi, upper, w.res.virt_path);
	}
	if (w.err || !writes || !in_cow(x, w.res.virt_path))
		return read_only(x, &w, base_moved, pi);

	/* It exists and is opened for writing, in the scope. */
	if (creat && (flags & O_EXCL))
		return emulate(x, -EEXIST);
	if (w.res.inode.type == EMU_FT_LNK)
		return emulate(x, -ELOOP); /* O_NOFOLLOW */
	if (w.res.inode.type == EMU_FT_DIR && !tmpfile)
		return emulate(x, -EISDIR);
	if (tmpfile && w.res.inode.type != EMU_FT_DIR)
		return emulate(x, -ENOTDIR);
	pc = cred_of(x->ec, x->c);
	mask = acc == O_RDONLY ? 4 : acc == O_WRONLY ? 2 : 6;
	if (flags & O_TRUNC)
		mask |= 2;
	if (tmpfile)
		mask = 2 | 1;
	err = emu_permission(&pc->cred, &w.res.inode, mask);
	if (err)
		return emulate(x, err);
	if (w.res.inode.type != EMU_FT_REG && !tmpfile)
		return read_only(x, &w, base_moved, pi); /* FIFO, device: no copy */
	if (w.lk.where == COW_UPPER)
		return rewrite(x, pi, w.lk.real_path, w.res.virt_path);
	if ((flags & O_TRUNC) && !tmpfile)
		err = cow_copy_up_truncated(x->ec->store, w.res.virt_path, upper);
	else
		err = cow_copy_up(x->ec->store, w.res.virt_path, upper);
	if (err)
		return emulate(x, err);
	return rewrite(x, pi, upper, w.res.virt_path);
}

/* ------------------------------------------- create, delete, rename */

static int do_mknod(struct ctx *x, int dirfd, int pi, mode_t mode, const char *target)
{
	struct walk w;
	const struct emu_proc_cred *pc;
	bool base_moved;
	int err;

	walk(x->ec, x->c, dirfd, pi, 0, &w, &base_moved);
	if (w.special)
		return DB_ACTION_PASS;
	if (!in_cow(x, w.res.virt_path) && (w.err == 0 || w.res.parent_exists))
		return read_only(x, &w, base_moved, pi);
	if (w.err == 0)
		return emulate(x, -EEXIST);
	if (w.err != -ENOENT || !w.res.parent_exists)
		return emulate(x, w.err);
	if (w.res.trailing_slash && !S_ISDIR(mode))
		return emulate(x, -ENOENT);
	err = may_create(x, w.res.virt_path);
	if (err)
		return emulate(x, err);
	pc = cred_of(x->ec, x->c);
	err = cow_create(x->ec->store, w.res.virt_path, mode, target, pc->cred.fsuid,
			 pc->cred.fsgid);
	return emulate(x, err);
}

static int do_mkdir(struct ctx *x, int dirfd, int pi, mode_t mode)
{
	return do_mknod(x, dirfd, pi, S_IFDIR | (mode & 01777 & ~umask_of(x)), NULL);
}

static int do_mknod_call(struct ctx *x, int dirfd, int pi, mode_t mode)
{
	mode_t type = mode & S_IFMT;

	if (type == 0)
		type = S_IFREG;
	if (type == S_IFCHR || type == S_IFBLK || type == S_IFSOCK) {
		/* Devices need CAP_MKNOD; sockets are made by bind(2). */
		return emulate(x, type == S_IFSOCK ? -EOPNOTSUPP : -EPERM);
	}
	if (type != S_IFREG && type != S_IFIFO)
		return emulate(x, -EINVAL);
	return do_mknod(x, dirfd, pi, type | (mode & 07777 & ~umask_of(x)), NULL);
}

static int do_symlink(struct ctx *x, int dirfd, int pi)
{
	const char *target = x->c->path[0];

	if (!target[0])
		return emulate(x, -ENOENT);
	return do_mknod(x, dirfd, pi, S_IFLNK | 0777, target);
}

static const char *last_component(const char *p)
{
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		n--;
	while (n > 0 && p[n - 1] != '/')
		n--;
	return p + n;
}

static int do_unlink(struct ctx *x, int dirfd, int pi, bool is_dir)
{
	struct walk w;
	bool base_moved;
	const char *lastc = last_component(x->c->path[pi]);
	int err;

	walk(x->ec, x->c, dirfd, pi, 0, &w, &base_moved);
	if (w.special)
		return DB_ACTION_PASS;
	if (w.err)
		return w.touched || in_cow(x, w.res.virt_path) ? emulate(x, w.err)
							       : read_only(x, &w, base_moved, pi);
	if (!in_cow(x, w.res.virt_path))
		return read_only(x, &w, base_moved, pi);
	if (is_dir && (!strcmp(lastc, ".") || !strncmp(lastc, "./", 2)))
		return emulate(x, -EINVAL);
	if (is_dir && (!strcmp(lastc, "..") || !strncmp(lastc, "../", 3)))
		return emulate(x, -ENOTEMPTY);
	if (!strcmp(w.res.virt_path, "/"))
		return emulate(x, is_dir ? -EBUSY : -EISDIR);
	err = may_delete(x, w.res.virt_path, &w.res.inode);
	if (err)
		return emulate(x, err);
	return emulate(x, cow_delete(x->ec->store, w.res.virt_path, is_dir));
}

/* The guest path's last component is "." or "..". */
static bool is_dot(const char *p)
{
	const char *last = last_component(p);

	return !strcmp(last, ".") || !strncmp(last, "./", 2) || !strcmp(last, "..") ||
	       !strncmp(last, "../", 3);
}

/* renameat2(RENAME_EXCHANGE): three renames through a name of our own. */
static int exchange(struct ctx *x, const struct walk *ow, const struct walk *nw)
{
	char tmp[4096 + 64], parent[4096];
	const char *a = ow->res.virt_path, *b = nw->res.virt_path;
	char *slash;
	int err;

	if (!strcmp(a, b))
		return 0;
	if (under(a, b) || under(b, a))
		return -EINVAL;
	err = may_delete(x, a, &ow->res.inode);
	if (!err)
		err = may_delete(x, b, &nw->res.inode);
	if (err)
		return err;
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
	return cow_rename(x->ec->store, tmp, b);
}

static int do_rename(struct ctx *x, int ofd, int oi, int nfd, int ni, unsigned flags)
{
	struct walk *ow = malloc(sizeof(*ow)), *nw = malloc(sizeof(*nw));
	bool obm, nbm, ocow, ncow;
	int err, action;

	if (!ow || !nw) {
		free(ow);
		free(nw);
		return emulate(x, -ENOMEM);
	}
	if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
	    ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))) {
		action = emulate(x, -EINVAL); /* RENAME_WHITEOUT: not modelled */
		goto out;
	}
	walk(x->ec, x->c, ofd, oi, 0, ow, &obm);
	walk(x->ec, x->c, nfd, ni, 0, nw, &nbm);
	if (ow->special || nw->special) {
		action = ow->special && nw->special ? DB_ACTION_PASS : emulate(x, -EXDEV);
		goto out;
	}
	/* do_renameat2: a last component "." or ".." is busy. */
	if ((is_dot(x->c->path[oi]) && (!ow->err || ow->res.parent_exists)) ||
	    (is_dot(x->c->path[ni]) && (!nw->err || nw->res.parent_exists))) {
		action = emulate(x, -EBUSY);
		goto out;
	}
	if (ow->err) {
		action = emulate(x, ow->err);
		goto out;
	}
	if (nw->err && !(nw->err == -ENOENT && nw->res.parent_exists)) {
		action = emulate(x, nw->err);
		goto out;
	}
	ocow = in_cow(x, ow->res.virt_path);
	ncow = in_cow(x, nw->res.virt_path);
	if (!ocow && !ncow && !ow->touched && !nw->touched && !obm && !nbm) {
		action = DB_ACTION_PASS;
		goto out;
	}
	if (ocow != ncow) {
		action = emulate(x, -EXDEV);
		goto out;
	}
	if (!ocow) {
		action = deny(x, -EXDEV); /* outside the scope but through the overlay */
		goto out;
	}
	if ((flags & RENAME_NOREPLACE) && nw->err == 0) {
		action = emulate(x, -EEXIST);
		goto out;
	}
	if (flags & RENAME_EXCHANGE) {
		action = emulate(x, nw->err ? nw->err : exchange(x, ow, nw));
		goto out;
	}
	if (!strcmp(ow->res.virt_path, nw->res.virt_path)) {
		action = emulate(x, 0);
		goto out;
	}
	if (under(nw->res.virt_path, ow->res.virt_path)) {
		action = emulate(x, -EINVAL);
		goto out;
	}
	err = may_delete(x, ow->res.virt_path, &ow->res.inode);
	if (!err)
		err = nw->err == 0 ? may_delete(x, nw->res.virt_path, &nw->res.inode)
				   : may_create(x, nw->res.virt_path);
	if (!err)
		err = cow_rename(x->ec->store, ow->res.virt_path, nw->res.virt_path);
	action = emulate(x, err);
out:
	free(ow);
	free(nw);
	return action;
}

static int do_link(struct ctx *x, int ofd, int oi, int nfd, int ni, int flags)
{
	struct walk *ow = malloc(sizeof(*ow)), *nw = malloc(sizeof(*nw));
	bool obm, nbm;
	int err, action;

	if (!ow || !nw) {
		free(ow);
		free(nw);
		return emulate(x, -ENOMEM);
	}
	walk(x->ec, x->c, ofd, oi, (flags & AT_SYMLINK_FOLLOW) ? EMU_WALK_FOLLOW : 0, ow, &obm);
	walk(x->ec, x->c, nfd, ni, 0, nw, &nbm);
	if (ow->special || nw->special) {
		action = ow->special && nw->special ? DB_ACTION_PASS : emulate(x, -EXDEV);
		goto out;
	}
	if (ow->err) {
		action = emulate(x, ow->err);
		goto out;
	}
	if (nw->err == 0) {
		action = emulate(x, -EEXIST);
		goto out;
	}
	if (!(nw->err == -ENOENT && nw->res.parent_exists)) {
		action = emulate(x, nw->err);
		goto out;
	}
	if (!in_cow(x, ow->res.virt_path) || !in_cow(x, nw->res.virt_path)) {
		action = !in_cow(x, ow->res.virt_path) && !in_cow(x, nw->res.virt_path) &&
					 !ow->touched && !nw->touched && !obm && !nbm
				 ? DB_ACTION_PASS
				 : emulate(x, -EXDEV);
		goto out;
	}
	if (ow->res.inode.type == EMU_FT_DIR) {
		action = emulate(x, -EPERM);
		goto out;
	}
	err = may_create(x, nw->res.virt_path);
	if (!err)
		err = cow_link(x->ec->store, ow->res.virt_path, nw->res.virt_path);
	action = emulate(x, err);
out:
	free(ow);
	free(nw);
	return action;
}

/* ---------------------------------------------------- metadata */

enum meta_op { META_CHMOD, META_CHOWN, META_UTIMES };

struct meta {
	enum meta_op op;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec ts[2];
	bool times_given; /* explicit times (not NULL, not both UTIME_NOW) */
};

/* The checks of chmod_common / chown_ok / utimes_common, then the change. */
static long apply_meta(struct ctx *x, const char *vp, const struct emu_inode *ino,
		       const struct meta *m)
{
	const struct emu_proc_cred *pc = cred_of(x->ec, x->c);

	switch (m->op) {
	case META_CHMOD: {
		mode_t mode = m->mode & 07777;

		if (!is_owner(x, ino))
			return -EPERM;
		if (ino->type == EMU_FT_LNK)
			return -EOPNOTSUPP;
		if (!in_group(&pc->cred, ino->gid) && !pc->cap_fsetid)
			mode &= ~(mode_t)S_ISGID;
		return cow_chmod(x->ec->store, vp, mode);
	}
	case META_CHOWN: {
		bool uid_ok = m->uid == (uid_t)-1 ||
			      (pc->cred.fsuid == ino->uid && m->uid == ino->uid) || pc->cap_chown;
		bool gid_ok = m->gid == (gid_t)-1 ||
			      (pc->cred.fsuid == ino->uid &&
			       (m->gid == ino->gid || in_group(&pc->cred, m->gid))) ||
			      pc->cap_chown;

		if (!uid_ok || !gid_ok)
			return -EPERM;
		return cow_chown(x->ec->store, vp, m->uid, m->gid);
	}
	case META_UTIMES:
		if (m->times_given) {
			if (!is_owner(x, ino))
				return -EPERM;
		} else if (!is_owner(x, ino)) {
			int err = emu_permission(&pc->cred, ino, 2);

			if (err)
				return err;
		}
		return cow_utimens(x->ec->store, vp, m->ts);
	}
	return -EINVAL;
}

static int do_meta_path(struct ctx *x, int dirfd, int pi, bool follow, const struct meta *m)
{
	struct walk w;
	bool base_moved;

	walk(x->ec, x->c, dirfd, pi, follow ? EMU_WALK_FOLLOW : 0, &w, &base_moved);
	if (w.special)
		return DB_ACTION_PASS;
	if (w.err)
		return w.touched || in_cow(x, w.res.virt_path) ? emulate(x, w.err)
							       : read_only(x, &w, base_moved, pi);
	if (!in_cow(x, w.res.virt_path))
		return read_only(x, &w, base_moved, pi);
	return emulate(x, apply_meta(x, w.res.virt_path, &w.res.inode, m));
}

/*
 * Whether descriptor fd is a real file in the scope, that a change through
 * the descriptor would reach: then its virtual path and inode.  The
 * kernel says what the descriptor is; pcow's table what it is called.
 */
static bool fd_in_scope(struct ctx *x, int fd, char *vp, size_t size, struct emu_inode *ino)
{
	const struct emu_fd *f = emu_files_get(x->c->files, fd);
	struct walk w = { .ec = x->ec };
	char name[64], real[4096];
	struct stat st;
	ssize_t n;

	snprintf(name, sizeof(name), "/proc/%d/fd/%d", (int)x->c->tid, fd);
	n = readlink(name, real, sizeof(real) - 1);
	if (n <= 0 || real[0] != '/')
		return false; /* closed, or a pipe, socket... */
	real[n] = '\0';
	if (special_path(x->ec, real) || !in_cow(x, real))
		return false; /* an upper copy (in the store), or outside the scope */
	snprintf(vp, size, "%s", f && f->vpath ? f->vpath : real);
	if (wk_lookup(&w, vp, ino) < 0) {
		/* Its name is gone from the view: answer from the object. */
		if (stat(name, &st) < 0)
			return false;
		ino->type = ftype_of(st.st_mode);
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
 * nlink 0 as the kernel does for an unlinked open file.
 */
static int do_fstat(struct ctx *x, int fd, int kind, uint64_t buf, unsigned mask)
{
	char vp[4096];
	struct emu_inode ino;
	struct cow_lookup lk;

	if (cow_entry_count(x->ec->store) == 0 || !fd_in_scope(x, fd, vp, sizeof(vp), &ino) ||
	    ino.type != EMU_FT_REG || cow_lookup(x->ec->store, vp, &lk) < 0)
		return DB_ACTION_PASS;
	if (lk.where == COW_UPPER && kind == PEND_STAT_NLINK) {
		struct stat st;

		if (stat(lk.real_path, &st) < 0)
			return DB_ACTION_PASS;
		if (x->g->write(x->g->ctx, buf, &st, sizeof(st)))
			return emulate(x, -EFAULT);
		return emulate(x, 0);
	}
	if (lk.where == COW_UPPER) {
		struct statx stx;

		if (statx(AT_FDCWD, lk.real_path, 0, mask, &stx) < 0)
			return DB_ACTION_PASS;
		if (x->g->write(x->g->ctx, buf, &stx, sizeof(stx)))
			return emulate(x, -EFAULT);
		return emulate(x, 0);
	}
	if (lk.where == COW_WHITEOUT || lk.where == COW_ABSENT) {
		x->pend->what = kind == PEND_STAT_NLINK ? PEND_FSTAT_GONE : PEND_FSTATX_GONE;
		x->pend->addr = buf;
	}
	return DB_ACTION_PASS;
}

static int do_meta_fd(struct ctx *x, int fd, const struct meta *m)
{
	char vp[4096];
	struct emu_inode ino;

	if (!fd_in_scope(x, fd, vp, sizeof(vp), &ino))
		return DB_ACTION_PASS;
	return emulate(x, apply_meta(x, vp, &ino, m));
}

/* Times of utime/utimes/futimesat/utimensat into m (NULL pointer: now). */
static int read_times(struct ctx *x, uint64_t addr, int kind, struct meta *m)
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
	} else { /* struct timespec[2] */
		if (x->g->read(x->g->ctx, addr, m->ts, sizeof(m->ts)))
			return -EFAULT;
		for (int i = 0; i < 2; i++)
			if (m->ts[i].tv_nsec != UTIME_NOW && m->ts[i].tv_nsec != UTIME_OMIT &&
			    (m->ts[i].tv_nsec < 0 || m->ts[i].tv_nsec >= 1000000000))
				return -EINVAL;
		m->times_given = !(m->ts[0].tv_nsec == UTIME_NOW && m->ts[1].tv_nsec == UTIME_NOW);
		return 0;
	}
	m->times_given = true;
	return 0;
}

/* truncate(2) and the set/remove xattr calls: copy up, then let the kernel. */
static int do_copy_up_path(struct ctx *x, int dirfd, int pi, bool follow, int64_t length)
{
	const struct emu_proc_cred *pc;
	char upper[COW_REAL_MAX];
	struct walk w;
	bool base_moved;
	int err;

	walk(x->ec, x->c, dirfd, pi, follow ? EMU_WALK_FOLLOW : 0, &w, &base_moved);
	if (w.special || w.err || !in_cow(x, w.res.virt_path))
		return read_only(x, &w, base_moved, pi);
	if (length >= -1) { /* truncate: may_open's checks */
		pc = cred_of(x->ec, x->c);
		if (w.res.inode.type == EMU_FT_DIR)
			return emulate(x, -EISDIR);
		if (w.res.inode.type != EMU_FT_REG)
			return emulate(x, -EINVAL);
		err = emu_permission(&pc->cred, &w.res.inode, 2);
		if (err)
			return emulate(x, err);
		if (length < 0)
			return emulate(x, -EINVAL);
	}
	if (w.lk.where == COW_UPPER)
		return rewrite(x, pi, w.lk.real_path, w.res.virt_path);
	if (length == 0)
		err = cow_copy_up_truncated(x->ec->store, w.res.virt_path, upper);
	else
		err = cow_copy_up(x->ec->store, w.res.virt_path, upper);
	if (err)
		return emulate(x, err);
	return rewrite(x, pi, upper, w.res.virt_path);
}

/* fsetxattr/fremovexattr on a real object: do it on its upper copy. */
static int do_xattr_fd(struct ctx *x, int fd, bool set)
{
	char vp[4096], upper[COW_REAL_MAX], name[256];
	struct emu_inode ino;
	const uint64_t *a = x->c->args;
	void *value = NULL;
	long res;
	int err;

	if (!fd_in_scope(x, fd, vp, sizeof(vp), &ino))
		return DB_ACTION_PASS;
	for (size_t i = 0; i < sizeof(name); i++) {
		if (x->g->read(x->g->ctx, a[1] + i, &name[i], 1))
			return emulate(x, -EFAULT);
		if (!name[i])
			break;
		if (i == sizeof(name) - 1)
			return emulate(x, -ERANGE);
	}
	if (set && a[3] > 65536)
		return emulate(x, -E2BIG);
	if (set && a[3] && !(value = malloc(a[3])))
		return emulate(x, -ENOMEM);
	if (set && a[3] && x->g->read(x->g->ctx, a[2], value, a[3])) {
		free(value);
		return emulate(x, -EFAULT);
	}
	err = cow_copy_up(x->ec->store, vp, upper);
	if (err) {
		free(value);
		return emulate(x, err);
	}
	if (set)
		res = lsetxattr(upper, name, value, a[3], (int)a[4]) < 0 ? -errno : 0;
	else
		res = lremovexattr(upper, name) < 0 ? -errno : 0;
	free(value);
	return emulate(x, res);
}

/* ------------------------------------------------------ directories */

static struct dir_state *dir_of(struct ctx *x, int fd)
{
	struct emu_fd *f = emu_files_get(x->c->files, fd);

	return f ? f->dir : NULL;
}

/* getdents64 (wide) and getdents from the merged listing. */
static int do_getdents(struct ctx *x, int fd, uint64_t buf, uint64_t count, bool wide)
{
	struct emu_fd *f = emu_files_get(x->c->files, fd);
	struct dir_state *ds = f ? f->dir : NULL;
	char *out;
	size_t used = 0;
	int err;

	if (!ds || ds->native)
		return DB_ACTION_PASS;
	if (!ds->snap) {
		if (ds->pos == 0 && cow_entry_count(x->ec->store) == 0) {
			ds->native = true; /* nothing merged: the kernel's listing */
			return DB_ACTION_PASS;
		}
		err = cow_dir_open(x->ec->store, f->vpath, &ds->snap);
		if (err)
			return emulate(x, err);
	}
	if (count > 1 << 20)
		count = 1 << 20;
	out = malloc(count ? count : 1);
	if (!out)
		return emulate(x, -ENOMEM);
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
				return emulate(x, -EINVAL);
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
	return emulate(x, err ? -EFAULT : (long)used);
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
		return emulate(x, -EINVAL);
	}
	if (pos < 0)
		return emulate(x, -EINVAL);
	if (pos == 0) {
		/* Rewinding shows the directory as it is now (rewinddir(3)). */
		cow_dir_close(ds->snap);
		ds->snap = NULL;
	}
	ds->pos = (uint64_t)pos;
	return emulate(x, pos);
}

/* The working directory was removed in the overlay (rmdir of the cwd). */
static bool cwd_gone(struct ctx *x)
{
	struct walk w = { .ec = x->ec };
	struct emu_inode ino;

	if (!x->c->fs || cow_entry_count(x->ec->store) == 0)
		return false;
	return wk_lookup(&w, x->c->fs->cwd, &ino) == -ENOENT;
}

static int do_getcwd(struct ctx *x, uint64_t buf, uint64_t size)
{
	const char *cwd = x->c->fs ? x->c->fs->cwd : NULL;
	size_t len;

	if (cwd && cwd_gone(x))
		return emulate(x, -ENOENT); /* getcwd(3): "the cwd has been unlinked" */
	if (!cwd || !x->c->fs->moved)
		return DB_ACTION_PASS;
	len = strlen(cwd) + 1;
	if (size < len)
		return emulate(x, -ERANGE);
	if (x->g->write(x->g->ctx, buf, cwd, len))
		return emulate(x, -EFAULT);
	return emulate(x, (long)len);
}

/* ------------------------------------------------------------ entry */

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
	if (quiet(x, pi, dirfd))
		return DB_ACTION_PASS;
	/* "." of a removed cwd: the kernel still has the (upper) directory. */
	if (dirfd == AT_FDCWD && !strcmp(x->c->path[pi], ".") && x->c->fs && x->c->fs->moved &&
	    cwd_gone(x))
		return DB_ACTION_PASS;
	walk(x->ec, x->c, dirfd, pi, follow ? EMU_WALK_FOLLOW : 0, &w, &base_moved);
	action = read_only(x, &w, base_moved, pi);
	/*
	 * An upper directory's own link count counts only the subdirectories
	 * that reached upper/: the merged view's count is fixed at exit.
	 */
	if (action == DB_ACTION_REWRITE && stat_buf && w.lk.where == COW_UPPER &&
	    w.res.inode.type == EMU_FT_DIR) {
		x->pend->what = stat_kind;
		snprintf(x->pend->vpath, sizeof(x->pend->vpath), "%s", w.res.virt_path);
		x->pend->addr = stat_buf;
	}
	return action;
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

	walk(x->ec, x->c, AT_FDCWD, pi, EMU_WALK_FOLLOW | EMU_WALK_DIRECTORY, &w, &base_moved);
	if (!w.err && !w.special) {
		int err = emu_permission(&cred_of(x->ec, x->c)->cred, &w.res.inode, 1);

		if (err && (w.touched || base_moved))
			return emulate(x, err);
	}
	action = read_only(x, &w, base_moved, pi);
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
		*ret_action = emulate(x, x->c->path_err[i]);
		return false;
	}
	if (!x->c->path[i]) {
		/* NULL: the kernel says EFAULT; not fetched: never let it by. */
		*ret_action = x->c->args[i] ? emulate(x, -EFAULT) : DB_ACTION_PASS;
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

int emu_cow_enter(struct emu_cow *ec, const struct emu_cow_call *c, const struct emu_guest *g,
		  struct emu_cow_pending *pend, int64_t *ret_result)
{
	struct ctx x = { ec, c, g, pend, ret_result };
	const uint64_t *a = c->args;
	struct meta m = { 0 };
	int dfd = (int)a[0], action = DB_ACTION_PASS, err;

	pend->what = PEND_NONE;
	pend->moved = false;
	pend->is_dir = false;
	if (c->abi != EMU_ABI_X86_64) {
		/* Other ABIs' file calls would pass the overlay by: refuse them. */
		if (c->sc && (c->sc->flags & EMU_F_FILE))
			return deny(&x, -ENOSYS);
		return DB_ACTION_PASS;
	}
	err = refused(c->nr);
	if (err)
		return deny(&x, err);

#define PATH(i)                                    \
	do {                                       \
		if (!path_ok(&x, (i), &action))    \
			return action;             \
	} while (0)

	switch (c->nr) {
	/* ---- open */
	case __NR_open:
		PATH(0);
		return do_open(&x, AT_FDCWD, 0, 1, (int)a[1], (mode_t)a[2], NULL);
	case __NR_creat:
		PATH(0);
		return do_open(&x, AT_FDCWD, 0, -1, O_CREAT | O_WRONLY | O_TRUNC, (mode_t)a[1],
			       NULL);
	case __NR_openat:
		PATH(1);
		return do_open(&x, dfd, 1, 2, (int)a[2], (mode_t)a[3], NULL);
	case __NR_openat2: {
		struct open_how how = { 0 };

		PATH(1);
		if (a[3] < sizeof(how) || x.g->read(x.g->ctx, a[2], &how, sizeof(how)))
			return DB_ACTION_PASS; /* the kernel's EINVAL / EFAULT */
		return do_open(&x, dfd, 1, -1, (int)how.flags, (mode_t)how.mode, &how);
	}
	/* ---- read-only path calls */
	case __NR_stat:
		PATH(0);
		return path_read_only(&x, AT_FDCWD, 0, true, 0, PEND_STAT_NLINK, a[1]);
	case __NR_lstat:
		PATH(0);
		return path_read_only(&x, AT_FDCWD, 0, false, 0, PEND_STAT_NLINK, a[1]);
	case __NR_access: case __NR_statfs: case __NR_getxattr: case __NR_listxattr:
	case __NR_uselib: case __NR_execve:
		PATH(0);
		return path_read_only(&x, AT_FDCWD, 0, true, 0, 0, 0);
	case __NR_readlink: case __NR_lgetxattr: case __NR_llistxattr:
		PATH(0);
		return path_read_only(&x, AT_FDCWD, 0, false, 0, 0, 0);
	case __NR_fstat:
		return do_fstat(&x, dfd, PEND_STAT_NLINK, a[1], 0);
	case __NR_newfstatat:
		PATH(1);
		if ((a[3] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return do_fstat(&x, dfd, PEND_STAT_NLINK, a[2], 0);
		return path_read_only(&x, dfd, 1, !(a[3] & AT_SYMLINK_NOFOLLOW), (int)a[3],
				      PEND_STAT_NLINK, a[2]);
	case __NR_statx:
		PATH(1);
		if ((a[2] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return do_fstat(&x, dfd, PEND_STATX_NLINK, a[4], (unsigned)a[3]);
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
		return do_mkdir(&x, AT_FDCWD, 0, (mode_t)a[1]);
	case __NR_mkdirat:
		PATH(1);
		return do_mkdir(&x, dfd, 1, (mode_t)a[2]);
	case __NR_mknod:
		PATH(0);
		return do_mknod_call(&x, AT_FDCWD, 0, (mode_t)a[1]);
	case __NR_mknodat:
		PATH(1);
		return do_mknod_call(&x, dfd, 1, (mode_t)a[2]);
	case __NR_symlink:
		PATH(0);
		PATH(1);
		return do_symlink(&x, AT_FDCWD, 1);
	case __NR_symlinkat:
		PATH(0);
		PATH(2);
		return do_symlink(&x, (int)a[1], 2);
	case __NR_link:
		PATH(0);
		PATH(1);
		return do_link(&x, AT_FDCWD, 0, AT_FDCWD, 1, 0);
	case __NR_linkat:
		PATH(1);
		PATH(3);
		if (a[4] & AT_EMPTY_PATH)
			return deny(&x, -ENOSYS); /* linking a descriptor: not modelled */
		return do_link(&x, dfd, 1, (int)a[2], 3, (int)a[4]);
	/* ---- deletion and renaming */
	case __NR_unlink:
		PATH(0);
		return do_unlink(&x, AT_FDCWD, 0, false);
	case __NR_rmdir:
		PATH(0);
		return do_unlink(&x, AT_FDCWD, 0, true);
	case __NR_unlinkat:
		PATH(1);
		if (a[2] & ~(uint64_t)AT_REMOVEDIR)
			return emulate(&x, -EINVAL);
		return do_unlink(&x, dfd, 1, a[2] & AT_REMOVEDIR);
	case __NR_rename:
		PATH(0);
		PATH(1);
		return do_rename(&x, AT_FDCWD, 0, AT_FDCWD, 1, 0);
	case __NR_renameat:
		PATH(1);
		PATH(3);
		return do_rename(&x, dfd, 1, (int)a[2], 3, 0);
	case __NR_renameat2:
		PATH(1);
		PATH(3);
		return do_rename(&x, dfd, 1, (int)a[2], 3, (unsigned)a[4]);
	/* ---- metadata */
	case __NR_chmod:
		PATH(0);
		m.op = META_CHMOD;
		m.mode = (mode_t)a[1];
		return do_meta_path(&x, AT_FDCWD, 0, true, &m);
	case __NR_fchmodat:
		PATH(1);
		m.op = META_CHMOD;
		m.mode = (mode_t)a[2];
		return do_meta_path(&x, dfd, 1, true, &m);
#ifdef __NR_fchmodat2
	case __NR_fchmodat2:
		PATH(1);
		m.op = META_CHMOD;
		m.mode = (mode_t)a[2];
		if ((a[3] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return do_meta_fd(&x, dfd, &m);
		return do_meta_path(&x, dfd, 1, !(a[3] & AT_SYMLINK_NOFOLLOW), &m);
#endif
	case __NR_fchmod:
		m.op = META_CHMOD;
		m.mode = (mode_t)a[1];
		return do_meta_fd(&x, dfd, &m);
	case __NR_chown: case __NR_lchown:
		PATH(0);
		m.op = META_CHOWN;
		m.uid = (uid_t)a[1];
		m.gid = (gid_t)a[2];
		return do_meta_path(&x, AT_FDCWD, 0, c->nr == __NR_chown, &m);
	case __NR_fchownat:
		PATH(1);
		m.op = META_CHOWN;
		m.uid = (uid_t)a[2];
		m.gid = (gid_t)a[3];
		if ((a[4] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return do_meta_fd(&x, dfd, &m);
		return do_meta_path(&x, dfd, 1, !(a[4] & AT_SYMLINK_NOFOLLOW), &m);
	case __NR_fchown:
		m.op = META_CHOWN;
		m.uid = (uid_t)a[1];
		m.gid = (gid_t)a[2];
		return do_meta_fd(&x, dfd, &m);
	case __NR_utime:
	case __NR_utimes:
		PATH(0);
		err = read_times(&x, a[1], c->nr == __NR_utime ? 0 : 1, &m);
		if (err)
			return emulate(&x, err);
		return do_meta_path(&x, AT_FDCWD, 0, true, &m);
	case __NR_futimesat:
		PATH(1);
		err = read_times(&x, a[2], 1, &m);
		if (err)
			return emulate(&x, err);
		return do_meta_path(&x, dfd, 1, true, &m);
	case __NR_utimensat:
		err = read_times(&x, a[2], 2, &m);
		if (!a[1]) {
			/* futimens(fd) */
			if (err)
				return emulate(&x, err);
			return do_meta_fd(&x, dfd, &m);
		}
		PATH(1);
		if (err)
			return emulate(&x, err);
		if ((a[3] & AT_EMPTY_PATH) && !x.c->path[1][0])
			return do_meta_fd(&x, dfd, &m);
		return do_meta_path(&x, dfd, 1, !(a[3] & AT_SYMLINK_NOFOLLOW), &m);
	/* ---- content and xattrs */
	case __NR_truncate:
		PATH(0);
		return do_copy_up_path(&x, AT_FDCWD, 0, true, (int64_t)a[1] < 0 ? -1 : (int64_t)a[1]);
	case __NR_setxattr: case __NR_removexattr:
		PATH(0);
		return do_copy_up_path(&x, AT_FDCWD, 0, true, -2);
	case __NR_lsetxattr: case __NR_lremovexattr:
		PATH(0);
		return do_copy_up_path(&x, AT_FDCWD, 0, false, -2);
	case __NR_fsetxattr:
		return do_xattr_fd(&x, dfd, true);
	case __NR_fremovexattr:
		return do_xattr_fd(&x, dfd, false);
	/* ---- directories through descriptors */
	case __NR_getdents64:
		return do_getdents(&x, dfd, a[1], a[2], true);
	case __NR_getdents:
		return do_getdents(&x, dfd, a[1], a[2], false);
	case __NR_lseek:
		return do_lseek(&x, dfd, (int64_t)a[1], (int)a[2]);
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
		return deny(&x, -ENOSYS);
	return DB_ACTION_PASS;
}

void emu_cow_exit(struct emu_cow *ec, const struct emu_cow_call *c, const struct emu_guest *g,
		  struct emu_cow_pending *pend, int64_t result)
{
	if ((c->nr == __NR_execve || c->nr == __NR_execveat) && result == 0) {
		/* A set-user-ID program runs with other credentials. */
		ec->creds[(unsigned)c->tgid % CRED_SLOTS].valid = false;
	}
	switch (pend->what) {
	case PEND_OPEN: {
		struct emu_fd *f;

		if (result < 0 || !(f = emu_files_get(c->files, (int)result)))
			break;
		if (emu_files_set_vpath(c->files, (int)result, pend->vpath, pend->moved) < 0)
			break;
		if (pend->is_dir && !special_path(ec, pend->vpath) &&
		    cow_scope_of(ec->store, pend->vpath) == COW_SCOPE_COW && !f->dir)
			f->dir = calloc(1, sizeof(struct dir_state));
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
		break;
	case PEND_FCHDIR: {
		const struct emu_fd *f = emu_files_get(c->files, (int)c->args[0]);

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
	case PEND_FSTAT_GONE:
	case PEND_FSTATX_GONE:
		if (result == 0) {
			uint64_t zero = 0;

			g->write(g->ctx, pend->addr + 16, &zero,
				 pend->what == PEND_FSTAT_GONE ? 8 : 4);
		}
		break;
	case PEND_LSEEK_DIR: {
		const struct emu_fd *f = emu_files_get(c->files, (int)c->args[0]);
		struct dir_state *ds = f ? f->dir : NULL;

		if (ds && result == 0) {
			ds->native = false; /* rewound: decide again */
			ds->pos = 0;
		}
		break;
	}
	default:
		break;
	}
}
