/*
 * emu/cowwalk.c — whose call it is (credentials from /proc/PID/status)
 * and where its paths lead: emu_walk over the merged view, with /proc's
 * magic links followed as seen from the caller.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stddef.h>
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
			pc->ruid = r;
			pc->cred.fsuid = fs;
		} else if (sscanf(line, "Gid:\t%u\t%u\t%u\t%u", &r, &e, &s, &fs) == 4) {
			pc->rgid = r;
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
	pc->cap_mknod = caps & (1ull << 27);
	return 0;
}

const struct emu_proc_cred *cw_cred_of(struct emu_cow *ec, const struct emu_cow_call *c)
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

/* --------------------------------------------------------- the walk */


bool cw_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

ssize_t cw_fd_real(pid_t tid, int fd, char name[CW_FD_NAME], char *buf, size_t size)
{
	ssize_t n;

	snprintf(name, CW_FD_NAME, "/proc/%d/fd/%d", (int)tid, fd);
	n = readlink(name, buf, size - 1);
	if (n < 0)
		return errno == ENAMETOOLONG ? -ENAMETOOLONG : -EBADF;
	buf[n] = '\0';
	return buf[0] == '/' ? n : -ENOTDIR;
}

bool cw_fd_info(pid_t tid, int fd, int64_t *ret_pos, unsigned *ret_flags)
{
	char name[CW_FD_NAME], info[512];
	long long pos;
	ssize_t n;
	int in;

	snprintf(name, sizeof(name), "/proc/%d/fdinfo/%d", (int)tid, fd);
	in = open(name, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return false;
	n = read(in, info, sizeof(info) - 1);
	close(in);
	if (n <= 0)
		return false;
	info[n] = '\0';
	if (sscanf(info, "pos: %lld flags: %o", &pos, ret_flags) != 2)
		return false;
	*ret_pos = pos;
	return true;
}

bool cw_names_object(struct emu_cow *ec, const char *vp, const char *name, char *buf,
		     size_t size)
{
	struct cow_lookup lk;
	struct stat obj, st;

	if (stat(name, &obj) < 0)
		return false;
	if (cow_scope_of(ec->store, vp) != COW_SCOPE_COW)
		snprintf(lk.real_path, sizeof(lk.real_path), "%s", vp);
	else if (cow_lookup(ec->store, vp, &lk) < 0 || !lk.real_path[0])
		return false;
	/* lstat: a name that ends in a link could be pointed elsewhere later */
	if (lstat(cow_kpath(ec->store, lk.real_path), &st) < 0 || st.st_dev != obj.st_dev ||
	    st.st_ino != obj.st_ino || strlen(lk.real_path) >= size)
		return false;
	strcpy(buf, lk.real_path);
	return true;
}

ssize_t cw_fd_path(struct emu_cow *ec, const struct emu_cow_call *c, int fd,
		   char name[CW_FD_NAME], char *buf, size_t size)
{
	ssize_t n = cw_fd_real(c->tid, fd, name, buf, size);
	const struct emu_fd *f;
	const char *p;

	if (n != -ENAMETOOLONG)
		return n;
	/* /proc cannot name an object past PATH_MAX: try the table's name. */
	f = emu_files_get(c->files, fd);
	p = f ? (f->vpath ? f->vpath : f->path) : NULL;
	if (!p || !cw_names_object(ec, p, name, buf, size))
		return -ENAMETOOLONG;
	return (ssize_t)strlen(buf);
}

bool cw_deleted_target(const char *target, size_t len)
{
	return len > 10 && !memcmp(target + len - 10, " (deleted)", 10);
}

bool cw_upper_to_virtual(const struct emu_cow *ec, char *path)
{
	size_t skip = strlen(ec->store_dir) + strlen("/upper");

	if (!cw_under(path, ec->store_dir) || strncmp(path + skip - 6, "/upper", 6) ||
	    (path[skip] && path[skip] != '/'))
		return false;
	memmove(path, path + skip, strlen(path + skip) + 1);
	if (!path[0])
		strcpy(path, "/");
	return true;
}

/*
 * The store: pcow's own, which the program may read but never change
 * (calls that would are refused with EACCES and logged as denied).
 * /dev, /sys and /proc are walked like any path outside the scope, so
 * their links (/dev/fd, /dev/stdin, a link in /dev/shm) and ".." lead
 * where the kernel would go, copy-on-write included.
 */
bool cw_special_path(const struct emu_cow *ec, const char *vp)
{
	return cw_under(vp, ec->store_dir);
}

uint8_t cw_ftype_of(mode_t m)
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

/* What follows "/proc/PID" or "/proc/PID/task/TID" in p when that is c's caller; NULL: not. */
static const char *own_proc(const struct emu_cow_call *c, const char *p)
{
	unsigned long pid;
	char *end;

	if (strncmp(p, "/proc/", 6))
		return NULL;
	pid = strtoul(p + 6, &end, 10);
	if (end == p + 6)
		return NULL;
	if (!strncmp(end, "/task/", 6)) {
		if (pid != (unsigned long)c->tgid ||
		    strtoul(end + 6, &end, 10) != (unsigned long)c->tid)
			return NULL;
	} else if (pid != (unsigned long)c->tgid && pid != (unsigned long)c->tid) {
		return NULL;
	}
	return end;
}

int cw_own_fd(const struct emu_cow_call *c, const char *vp)
{
	const char *end = own_proc(c, vp);
	char *e;
	long fd;

	if (!end || strncmp(end, "/fd/", 4) || end[4] < '0' || end[4] > '9')
		return -1;
	fd = strtol(end + 4, &e, 10);
	return *e || fd > INT_MAX ? -1 : (int)fd;
}

/*
 * The caller's own entry behind the /proc magic link real ("/proc/PID/fd/N"
 * or "/proc/PID/cwd", PID the caller's process or thread, or the same
 * under "/proc/PID/task/TID" for the calling thread), when the kernel's
 * object is not at that virtual path: one the overlay moved (an upper
 * copy, a renamed directory) or removed.  NULL: the kernel's answer is right.
 */
static const char *own_link(const struct walk *w, const char *real, bool *ret_deleted)
{
	const struct emu_cow_call *c = w->c;
	const char *vp = NULL, *end = own_proc(c, real);
	bool moved = false;

	if (!end)
		return NULL;
	if (!strcmp(end, "/cwd") && c->fs) {
		vp = c->fs->cwd;
		moved = c->fs->moved;
		*ret_deleted = c->fs->deleted;
	} else if (!strncmp(end, "/fd/", 4)) {
		const struct emu_fd *f = emu_files_get(c->files, (int)strtol(end + 4, NULL, 10));

		if (f && f->vpath) {
			vp = f->vpath;
			moved = f->moved;
			*ret_deleted = f->deleted;
		}
	}
	if (!vp || !(moved || *ret_deleted) || cw_special_path(w->ec, vp) ||
	    cow_scope_of(w->ec->store, vp) != COW_SCOPE_COW)
		return NULL;
	return vp;
}

long cw_proc_readlink(const struct walk *w, const char *vp, char *buf, size_t size, bool shown)
{
	char real[4096];
	const char *own;
	bool deleted = false;
	ssize_t n;

	if (proc_magic(w, vp, real, sizeof(real)) != 2)
		return -EREMOTE;
	if (!strcmp(real, "self"))
		return snprintf(buf, size, "%d", (int)w->c->tgid);
	if (!strcmp(real, "thread-self"))
		return snprintf(buf, size, "%d/task/%d", (int)w->c->tgid, (int)w->c->tid);
	own = own_link(w, real, &deleted);
	if (own) {
		/* Deleted, it is no path to walk: the kernel follows its object. */
		if (deleted && !shown)
			return -EREMOTE;
		n = snprintf(buf, size, "%s%s", own, deleted ? " (deleted)" : "");
		return (size_t)n < size ? n : -ENAMETOOLONG;
	}
	n = readlink(real, buf, size);
	if (n < 0)
		return -errno;
	if (n == 0 || buf[0] != '/' || (size_t)n >= size)
		return -EREMOTE; /* pipe:[N], socket:[N], anon_inode:... */
	buf[n] = '\0';
	deleted = cw_deleted_target(buf, n);
	if (deleted && !shown)
		return -EREMOTE;
	if (cw_under(buf, w->ec->store_dir))
		return cw_upper_to_virtual(w->ec, buf) ? (long)strlen(buf) : -EREMOTE;
	return n;
}

bool emu_cow_may_change_fs(const struct emu_syscall *sc, const uint64_t args[6])
{
	uint64_t flags;

	if (!sc || !(sc->flags & EMU_F_WRITES))
		return false;
	for (int i = 0; i < 6; i++) {
		if (sc->args[i].kind != EK_OPEN_FLAGS)
			continue;
		/* An open changes nothing unless it creates, truncates or writes. */
		flags = args[i];
		return !(flags & O_PATH) &&
		       ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)) ||
			(flags & O_TMPFILE) == O_TMPFILE);
	}
	return true;
}

void cw_dcache_free(struct emu_cow *ec)
{
	if (!ec->dcache)
		return;
	for (size_t i = 0; i < CW_DCACHE_SLOTS; i++)
		free(ec->dcache[i].path);
	free(ec->dcache);
	ec->dcache = NULL;
}

/*
 * lstat of a real path outside the scope, for the walk: directories are
 * kept until the next call that may change the file system.  A compiler
 * looks up hundreds of headers through the same few directories; each
 * lookup walked them all again (a third of the system calls pcow made on
 * a parallel build).
 */
static int outside_lstat(struct emu_cow *ec, const char *vp, struct emu_inode *ino)
{
	size_t len = strlen(vp);
	uint64_t h = cow_path_hash(vp, len);
	struct cw_dcache_slot *s = ec->dcache ? &ec->dcache[h & (CW_DCACHE_SLOTS - 1)] : NULL;
	struct stat st;
	char *copy;

	if (s && s->gen == ec->real_gen && s->hash == h && !strcmp(s->path, vp)) {
		ino->type = EMU_FT_DIR;
		ino->mode = s->mode;
		ino->uid = s->uid;
		ino->gid = s->gid;
		return 0;
	}
	if (lstat(cow_kpath(ec->store, vp), &st) < 0)
		return errno == ENOTDIR ? -ENOENT : -errno;
	ino->type = cw_ftype_of(st.st_mode);
	ino->mode = st.st_mode & 07777;
	ino->uid = st.st_uid;
	ino->gid = st.st_gid;
	if (s && S_ISDIR(st.st_mode) && len < 1024 && (copy = strdup(vp))) {
		free(s->path);
		*s = (struct cw_dcache_slot){ ec->real_gen, h, copy, ino->mode, ino->uid, ino->gid };
	}
	return 0;
}

int cw_lookup(void *ctx, const char *vp, struct emu_inode *ino)
{
	struct walk *w = ctx;
	struct cow_lookup lk;
	struct stat st;
	bool have_st;
	int err;

	if (cw_under(vp, "/proc")) {
		char real[4096];
		int kind = proc_magic(w, vp, real, sizeof(real));

		if (kind == 2) {
			char target[4096];

			/* A deleted file's link stays one: readlink shows it. */
			if (cw_proc_readlink(w, vp, target, sizeof(target), true) < 0) {
				w->special = true;
				return -EREMOTE;
			}
			ino->type = EMU_FT_LNK;
			ino->mode = 0777;
			ino->uid = ino->gid = 0;
			return 0;
		}
		if (kind == 1 && lstat(real, &st) == 0) {
			ino->type = cw_ftype_of(st.st_mode);
			ino->mode = st.st_mode & 07777;
			ino->uid = st.st_uid;
			ino->gid = st.st_gid;
			return 0;
		}
	}
	if (cw_special_path(w->ec, vp)) {
		w->special = true;
		return -EREMOTE;
	}
	if (cow_scope_of(w->ec->store, vp) != COW_SCOPE_COW) {
		/*
		 * Outside the scope the real file system is the view, even for
		 * the scope's ancestors, which have upper directories only to
		 * hold the scope's changes.
		 */
		return outside_lstat(w->ec, vp, ino);
	} else {
		err = cow_lookup_st(w->ec->store, vp, &lk, &st, &have_st);
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
	/* A real object was lstat'ed by the lookup (thousands of levels deep, twice was felt). */
	if (!have_st && lstat(cow_kpath(w->ec->store, lk.real_path), &st) < 0)
		return errno == ENOTDIR ? -ENOENT : -errno;
	ino->type = cw_ftype_of(st.st_mode);
	ino->mode = st.st_mode & 07777;
	ino->uid = st.st_uid;
	ino->gid = st.st_gid;
	return 0;
}

static long cw_readlink(void *ctx, const char *vp, char *buf, size_t size)
{
	struct walk *w = ctx;
	struct cow_lookup lk;
	ssize_t n;
	int err;

	if (cw_under(vp, "/proc")) {
		/* Followed: what is not a path is the kernel's to follow. */
		n = cw_proc_readlink(w, vp, buf, size, false);
		if (n == -EREMOTE)
			w->special = true;
		return n;
	}
	if (cow_scope_of(w->ec->store, vp) != COW_SCOPE_COW) {
		n = readlink(cow_kpath(w->ec->store, vp), buf, size);
		return n < 0 ? -errno : n;
	}
	err = cow_lookup(w->ec->store, vp, &lk);
	if (err)
		return err;
	if (lk.where != COW_LOWER && lk.where != COW_UPPER)
		return -ENOENT;
	n = readlink(cow_kpath(w->ec->store, lk.real_path), buf, size);
	return n < 0 ? -errno : n;
}

int cw_base_dir(struct emu_cow *ec, const struct emu_cow_call *c, int dirfd, char *buf,
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
		char name[CW_FD_NAME];
		ssize_t n;

		f = emu_files_get(c->files, dirfd);
		p = f ? (f->vpath ? f->vpath : f->path) : NULL;
		if (f && f->vpath)
			*ret_moved = f->moved;
		if (!p) {
			/* Not opened by a call we saw: ask the kernel. */
			n = cw_fd_real(c->tid, dirfd, name, buf, size);
			if (n < 0)
				return (int)n;
			if (cw_upper_to_virtual(ec, buf))
				*ret_moved = true;
			return 0;
		}
	}
	if (strlen(p) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, p);
	return 0;
}

/*
 * The caller's mount points, read from /proc/TID/mountinfo when a walk
 * must stay on one mount (openat2's RESOLVE_NO_XDEV; rare enough to read
 * the table each time, and then it is the caller's namespace as it is).
 */
struct cw_mounts {
	bool loaded;
	size_t n;
	char **point; /* in mountinfo's order: a later mount covers an earlier */
};

/* mountinfo's escapes (\040 for a space, \011, \012, \134) undone in place. */
static void unescape_octal(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static int load_mounts(struct cw_mounts *m, pid_t tid)
{
	char name[64], *line = NULL, **grown;
	size_t cap = 0, room = 0;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/%d/mountinfo", tid > 0 ? (int)tid : (int)getpid());
	f = fopen(name, "re");
	if (!f)
		return -errno;
	/* "ID PARENT MAJ:MIN ROOT MOUNT-POINT ...": the fifth field. */
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *field = strtok_r(line, " ", &save);

		for (int i = 0; i < 4 && field; i++)
			field = strtok_r(NULL, " ", &save);
		if (!field || field[0] != '/')
			continue;
		unescape_octal(field);
		if (m->n == room) {
			room = room ? room * 2 : 64;
			grown = realloc(m->point, room * sizeof(*grown));
			if (!grown)
				break;
			m->point = grown;
		}
		if (!(m->point[m->n] = strdup(field)))
			break;
		m->n++;
	}
	free(line);
	fclose(f);
	m->loaded = true;
	return m->n ? 0 : -ENOMEM;
}

static void free_mounts(struct cw_mounts *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->point[i]);
	free(m->point);
}

/*
 * emu_fsops.mount_of: the last mounted of the longest mount points above
 * the real object vp shows (in the scope, a real directory renamed in the
 * overlay keeps its mounts; what the overlay made is on its parent's).
 */
static long cw_mount_of(void *ctx, const char *vp)
{
	struct walk *w = ctx;
	struct cw_mounts *m = w->mounts;
	char virt[EMU_PATH_MAX], real[COW_REAL_MAX];
	const char *rp = vp;
	size_t best_len = 0;
	long best = -1;
	int err;

	if (!m->loaded && (err = load_mounts(m, w->c ? w->c->tid : 0)))
		return err;
	if (cow_scope_of(w->ec->store, vp) == COW_SCOPE_COW) {
		snprintf(virt, sizeof(virt), "%s", vp);
		while (!cow_real_dir(w->ec->store, virt, real, sizeof(real))) {
			char *slash = strrchr(virt, '/');

			if (!slash || slash == virt)
				return -ENOENT;
			*slash = '\0';
		}
		rp = real;
	}
	for (size_t i = 0; i < m->n; i++) {
		size_t len = strlen(m->point[i]);

		if ((cw_under(rp, m->point[i]) || !strcmp(m->point[i], "/")) && len >= best_len) {
			best_len = len;
			best = (long)i;
		}
	}
	return best < 0 ? -ENOENT : best;
}

/* Walk path argument i (relative to dirfd); flags EMU_WALK_*. */
void cw_walk(struct emu_cow *ec, const struct emu_cow_call *c, int dirfd, int i,
		 unsigned flags, struct walk *w, bool *ret_base_moved)
{
	char base[EMU_PATH_MAX];
	struct emu_fsops ops = { cw_lookup, cw_readlink, w, cw_mount_of };
	struct cw_mounts mounts = { 0 };
	const struct emu_proc_cred *pc = cw_cred_of(ec, c);
	const char *guest = c->path[i];

	/* Not the whole of w->lk and w->res: their paths are large.  Both are
	   read after an early return (a bad dirfd) too. */
	memset(&w->lk, 0, offsetof(struct cow_lookup, real_path) + 1);
	memset(&w->res.inode, 0, sizeof(w->res.inode));
	w->res.parent_exists = w->res.trailing_slash = false;
	w->res.virt_path[0] = '\0';
	w->ec = ec;
	w->c = c;
	w->touched = false;
	w->special = false;
	*ret_base_moved = false;
	/* A scoped walk (RESOLVE_BENEATH, RESOLVE_IN_ROOT) is rooted at dirfd even for "/...". */
	if (guest[0] != '/' || (flags & (EMU_WALK_BENEATH | EMU_WALK_IN_ROOT))) {
		w->err = cw_base_dir(ec, c, dirfd, base, sizeof(base), ret_base_moved);
		if (w->err)
			return;
	} else {
		strcpy(base, "/");
	}
	w->mounts = &mounts;
	w->err = emu_walk(&ops, &pc->cred, base, guest, flags, &w->res);
	w->mounts = NULL;
	free_mounts(&mounts);
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
