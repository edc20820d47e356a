/*
 * emu/fstate.c — working directory and descriptor table of each process,
 * tracked from the calls (see fstate.h).
 *
 * Which calls matter is decided once per ABI by name into a small table
 * indexed by number, so tracking costs one array load per call.  Rules,
 * after the man pages of each call:
 *   - a call flagged EMU_F_RET_FD returns a new descriptor: it names the
 *     path the call opened (open, openat, openat2, creat, open_tree...), or
 *     nothing (socket, pipe-like, eventfd...); O_CLOEXEC (== SOCK_CLOEXEC ==
 *     EFD_CLOEXEC ... on Linux) in its flags argument marks it close-on-exec;
 *   - dup copies to the lowest free number (the result), dup2/dup3 to
 *     newfd (dup3 takes O_CLOEXEC), fcntl F_DUPFD/F_DUPFD_CLOEXEC copies to
 *     the result, fcntl F_SETFD sets or clears FD_CLOEXEC; the copy and
 *     the original share one open file description (struct emu_dir), as
 *     do a forked child's descriptors and its parent's;
 *   - close and close_range close (close_range with CLOSE_RANGE_CLOEXEC
 *     marks instead); a failed close still closes, except with EBADF
 *     (close(2): "the file descriptor is freed even if an error occurs");
 *   - chdir and fchdir change the working directory;
 *   - a successful execve/execveat closes the close-on-exec descriptors.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "emu/fstate.h"
#include "emu/select.h"

/*
 * Every live working directory and descriptor table, so that a rename or
 * a deletion in the overlay reaches all processes (emu_fstate_renamed).
 */
static struct emu_fs *live_fs;
static struct emu_files *live_files;

#define LIST_ADD(head, e)                   \
	do {                                \
		(e)->prev = NULL;           \
		(e)->next = (head);         \
		if (head)                   \
			(head)->prev = (e); \
		(head) = (e);               \
	} while (0)

#define LIST_DEL(head, e)                         \
	do {                                      \
		if ((e)->prev)                    \
			(e)->prev->next = (e)->next; \
		else                              \
			(head) = (e)->next;       \
		if ((e)->next)                    \
			(e)->next->prev = (e)->prev; \
	} while (0)

/* ------------------------------------------------------------- the cwd */

struct emu_fs *emu_fs_new(const char *cwd)
{
	struct emu_fs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->cwd = strdup(cwd && *cwd == '/' ? cwd : "/");
	if (!fs->cwd) {
		free(fs);
		return NULL;
	}
	fs->refs = 1;
	LIST_ADD(live_fs, fs);
	return fs;
}

struct emu_fs *emu_fs_copy(const struct emu_fs *fs)
{
	struct emu_fs *copy = emu_fs_new(fs->cwd);

	if (copy) {
		copy->moved = fs->moved;
		copy->deleted = fs->deleted;
	}
	return copy;
}

void emu_fs_put(struct emu_fs *fs)
{
	if (!fs || --fs->refs > 0)
		return;
	LIST_DEL(live_fs, fs);
	free(fs->cwd);
	free(fs);
}

/* ---------------------------------------------------- the descriptors */

struct emu_files *emu_files_new(void)
{
	struct emu_files *files = calloc(1, sizeof(*files));

	if (files) {
		files->refs = 1;
		LIST_ADD(live_files, files);
	}
	return files;
}

static void (*dir_free)(struct emu_dir *dir);

void emu_files_set_dir_free(void (*fn)(struct emu_dir *dir))
{
	dir_free = fn;
}

/* Another descriptor shares dir's open file description (dup, fork). */
static struct emu_dir *dir_get(struct emu_dir *dir)
{
	if (dir) {
		assert(dir->refs > 0);
		dir->refs++;
	}
	return dir;
}

/* A descriptor holding dir closed: the last one frees it (fput). */
static void dir_put(struct emu_dir *dir)
{
	if (!dir)
		return;
	assert(dir->refs > 0);
	if (--dir->refs == 0 && dir_free)
		dir_free(dir);
}

static void fd_close(struct emu_files *files, long fd)
{
	struct emu_fd *f;

	if (fd < 0 || (size_t)fd >= files->cap)
		return;
	f = &files->fds[fd];
	free(f->path);
	free(f->vpath);
	dir_put(f->dir);
	*f = (struct emu_fd){ .open = false };
}

int emu_files_set_dir(struct emu_files *files, int fd, struct emu_dir *dir)
{
	struct emu_fd *f = emu_files_get(files, fd);

	if (dir)
		dir->refs = 1;
	if (!f) {
		dir_put(dir);
		return -EBADF;
	}
	dir_put(f->dir);
	f->dir = dir;
	return 0;
}

void emu_files_put(struct emu_files *files)
{
	if (!files || --files->refs > 0)
		return;
	LIST_DEL(live_files, files);
	for (size_t i = 0; i < files->cap; i++)
		fd_close(files, (long)i);
	free(files->fds);
	free(files);
}

struct emu_files *emu_files_copy(const struct emu_files *files)
{
	struct emu_files *copy = emu_files_new();

	if (!copy)
		return NULL;
	for (size_t i = 0; i < files->cap; i++) {
		const struct emu_fd *f = &files->fds[i];

		if (f->open && (emu_files_set(copy, (int)i, f->path, f->cloexec) < 0 ||
				(f->vpath && emu_files_set_vpath(copy, (int)i, f->vpath, f->moved) < 0))) {
			emu_files_put(copy);
			return NULL;
		}
		if (f->open) {
			/* fork: the child's descriptors share the parent's files (dup_fd) */
			copy->fds[i].deleted = f->deleted;
			copy->fds[i].dir = dir_get(f->dir);
		}
	}
	return copy;
}

int emu_files_set(struct emu_files *files, int fd, const char *path, bool cloexec)
{
	char *copy = NULL;

	if (fd < 0)
		return -EBADF;
	if ((size_t)fd >= files->cap) {
		size_t cap = files->cap ? files->cap : 64;
		struct emu_fd *fds;

		while (cap <= (size_t)fd)
			cap *= 2;
		fds = realloc(files->fds, cap * sizeof(*fds));
		if (!fds)
			return -ENOMEM;
		memset(fds + files->cap, 0, (cap - files->cap) * sizeof(*fds));
		files->fds = fds;
		files->cap = cap;
	}
	if (path && !(copy = strdup(path)))
		return -ENOMEM;
	fd_close(files, fd);
	files->fds[fd] = (struct emu_fd){ .path = copy, .open = true, .cloexec = cloexec };
	return 0;
}

int emu_files_set_vpath(struct emu_files *files, int fd, const char *vpath, bool moved)
{
	struct emu_fd *f = emu_files_get(files, fd);
	char *copy;

	if (!f)
		return -EBADF;
	copy = strdup(vpath);
	if (!copy)
		return -ENOMEM;
	free(f->vpath);
	f->vpath = copy;
	f->moved = moved;
	return 0;
}

struct emu_fd *emu_files_get(const struct emu_files *files, int fd)
{
	if (!files || fd < 0 || (size_t)fd >= files->cap || !files->fds[fd].open)
		return NULL;
	return &files->fds[fd];
}

const char *emu_files_path(const struct emu_files *files, int fd)
{
	if (!files || fd < 0 || (size_t)fd >= files->cap || !files->fds[fd].open)
		return NULL;
	return files->fds[fd].path;
}

/* ------------------------------------------- renames and deletions */

/*
 * *p at or below from (exchange: or to) becomes the same place below the
 * other; 1 when it changed, 0 when not, -ENOMEM.
 */
static int follow_rename(char **p, const char *from, const char *to, bool exchange)
{
	size_t fl = strlen(from), tl = strlen(to), rest;
	const char *swap;
	char *moved;

	if (!*p)
		return 0;
	if (strncmp(*p, from, fl) || ((*p)[fl] && (*p)[fl] != '/')) {
		if (!exchange || strncmp(*p, to, tl) || ((*p)[tl] && (*p)[tl] != '/'))
			return 0;
		/* below to: goes below from */
		swap = from;
		from = to;
		to = swap;
		fl = tl;
		tl = strlen(to);
	}
	rest = strlen(*p + fl);
	moved = malloc(tl + rest + 1);
	if (!moved)
		return -ENOMEM;
	memcpy(moved, to, tl);
	memcpy(moved + tl, *p + fl, rest + 1);
	free(*p);
	*p = moved;
	return 1;
}

/* Both renames; mark: the kernel's objects stayed where they were (the overlay's). */
static int renamed(const char *from, const char *to, bool exchange, bool mark)
{
	int err = 0, r;

	for (struct emu_fs *fs = live_fs; fs; fs = fs->next) {
		if (fs->deleted)
			continue;
		r = follow_rename(&fs->cwd, from, to, exchange);
		if (r > 0 && mark)
			fs->moved = true;
		else if (r < 0)
			err = r;
	}
	for (struct emu_files *files = live_files; files; files = files->next) {
		for (size_t i = 0; i < files->cap; i++) {
			struct emu_fd *f = &files->fds[i];

			if (!f->open || f->deleted)
				continue;
			/* The name it was opened by moves too (decoded paths). */
			if (follow_rename(&f->path, from, to, exchange) < 0)
				err = -ENOMEM;
			r = follow_rename(&f->vpath, from, to, exchange);
			if (r > 0 && mark)
				f->moved = true;
			else if (r < 0)
				err = r;
		}
	}
	return err;
}

int emu_fstate_renamed(const char *from, const char *to, bool exchange)
{
	return renamed(from, to, exchange, true);
}

int emu_fstate_kernel_renamed(const char *from, const char *to, bool exchange)
{
	return renamed(from, to, exchange, false);
}

void emu_fstate_unlinked(const char *vpath)
{
	for (struct emu_fs *fs = live_fs; fs; fs = fs->next)
		if (!strcmp(fs->cwd, vpath))
			fs->deleted = true;
	for (struct emu_files *files = live_files; files; files = files->next)
		for (size_t i = 0; i < files->cap; i++) {
			struct emu_fd *f = &files->fds[i];

			if (f->open && f->vpath && !strcmp(f->vpath, vpath))
				f->deleted = true;
		}
}

/* ---------------------------------------------------------- resolving */

size_t emu_path_normalize(char *buf)
{
	char *out = buf + 1; /* after the leading '/' */
	const char *in = buf + 1;

	while (*in) {
		const char *end = strchrnul(in, '/');
		size_t len = (size_t)(end - in);
		bool last = !*end; /* read before the copy below may overwrite it */

		if (len == 0 || (len == 1 && in[0] == '.')) {
			/* "//" or "/./": nothing */
		} else if (len == 2 && in[0] == '.' && in[1] == '.') {
			/* "..": drop the last component ("/.." is "/") */
			if (out > buf + 1) {
				out--; /* the '/' ending the last component */
				while (out > buf + 1 && out[-1] != '/')
					out--;
			}
		} else {
			memmove(out, in, len);
			out += len;
			*out++ = '/';
		}
		if (last)
			break;
		in = end + 1;
	}
	if (out > buf + 1)
		out--; /* no trailing slash */
	*out = '\0';
	return (size_t)(out - buf);
}

long emu_resolve(char *buf, size_t size, const struct emu_fs *fs, const struct emu_files *files,
		 int dirfd, const char *guest_path)
{
	const char *base;
	size_t blen, plen = strlen(guest_path);

	if (guest_path[0] == '/') {
		base = "";
	} else if (dirfd == AT_FDCWD) {
		base = fs ? fs->cwd : NULL;
	} else {
		base = emu_files_path(files, dirfd);
	}
	if (!base)
		return -EBADF;
	blen = strlen(base);
	if (blen + 1 + plen + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf, base, blen);
	buf[blen] = '/';
	memcpy(buf + blen + 1, guest_path, plen + 1);
	if (buf[0] != '/')
		return -EBADF;
	return (long)emu_path_normalize(buf);
}

/* ----------------------------------------------------------- tracking */

enum track {
	T_NONE = 0,
	T_NEWFD,	/* EMU_F_RET_FD */
	T_DUP,
	T_DUP2,
	T_DUP3,
	T_FCNTL,
	T_CLOSE,
	T_CLOSE_RANGE,
	T_CHDIR,
	T_FCHDIR,
	T_EXEC,
	T_UNSHARE,
};

static const struct {
	const char *name;
	uint8_t track;
} by_name[] = {
	{ "dup", T_DUP },	      { "dup2", T_DUP2 },	  { "dup3", T_DUP3 },
	{ "fcntl", T_FCNTL },	      { "fcntl64", T_FCNTL },	  { "close", T_CLOSE },
	{ "close_range", T_CLOSE_RANGE }, { "chdir", T_CHDIR }, { "fchdir", T_FCHDIR },
	{ "execve", T_EXEC },	      { "execveat", T_EXEC },	  { "unshare", T_UNSHARE },
};

static uint8_t track_of[EMU_ABI_COUNT][EMU_SELECT_NR_MAX];
static bool track_ready;

static void track_init(void)
{
	for (int abi = 0; abi < EMU_ABI_COUNT; abi++) {
		size_t count;
		const struct emu_syscall *rows = emu_syscall_rows(abi, &count);

		for (size_t i = 0; i < count; i++)
			if ((rows[i].flags & EMU_F_RET_FD) && rows[i].nr >= 0 &&
			    rows[i].nr < EMU_SELECT_NR_MAX)
				track_of[abi][rows[i].nr] = T_NEWFD;
		for (size_t i = 0; i < sizeof(by_name) / sizeof(by_name[0]); i++) {
			const struct emu_syscall *sc = emu_syscall_by_name(abi, by_name[i].name);

			if (sc && sc->nr >= 0 && sc->nr < EMU_SELECT_NR_MAX)
				track_of[abi][sc->nr] = by_name[i].track;
		}
	}
	track_ready = true;
}

void emu_fstate_select(struct emu_select *sel)
{
	if (!track_ready)
		track_init();
	for (int abi = 0; abi < EMU_ABI_COUNT; abi++)
		for (long nr = 0; nr < EMU_SELECT_NR_MAX; nr++)
			if (track_of[abi][nr] != T_NONE)
				emu_select_add(sel, abi, nr);
}

/* The first argument of a kind, or -1. */
static int arg_of_kind(const struct emu_syscall *sc, int kind)
{
	for (int i = 0; i < sc->nargs; i++)
		if (sc->args[i].kind == kind)
			return i;
	return -1;
}

static int copy_fd(struct emu_files *files, long from, long to, bool cloexec)
{
	const struct emu_fd *f;

	if (from < 0 || (size_t)from >= files->cap || !files->fds[from].open) {
		/* Unknown source (inherited, or made by a call not seen). */
		return emu_files_set(files, (int)to, NULL, cloexec);
	}
	f = &files->fds[from];
	if (from == to)
		return 0;
	{
		char *path = f->path ? strdup(f->path) : NULL;
		char *vpath = f->vpath ? strdup(f->vpath) : NULL;
		bool moved = f->moved, deleted = f->deleted;
		/*
		 * The same open file description (fs/file.c do_dup2): its
		 * listing and position too.  Held before emu_files_set closes
		 * to (which may hold it as well) and may move the table.
		 */
		struct emu_dir *dir = dir_get(f->dir);
		int err = -ENOMEM;

		if ((!f->path || path) && (!f->vpath || vpath))
			err = emu_files_set(files, (int)to, path, cloexec);
		if (!err && vpath)
			err = emu_files_set_vpath(files, (int)to, vpath, moved);
		if (!err) {
			files->fds[to].deleted = deleted;
			files->fds[to].dir = dir;
		} else {
			dir_put(dir);
		}
		free(path);
		free(vpath);
		return err;
	}
}

/*
 * The kernel gave the task a table of its own (unshare, close_range with
 * CLOSE_RANGE_UNSHARE, exec: unshare_files): a copy of the shared one.
 */
static int own_files(struct emu_files **pfiles)
{
	struct emu_files *copy;

	if ((*pfiles)->refs <= 1)
		return 0;
	copy = emu_files_copy(*pfiles);
	if (!copy)
		return -ENOMEM;
	emu_files_put(*pfiles);
	*pfiles = copy;
	return 0;
}

static int own_fs(struct emu_fs **pfs)
{
	struct emu_fs *copy;

	if ((*pfs)->refs <= 1)
		return 0;
	copy = emu_fs_copy(*pfs);
	if (!copy)
		return -ENOMEM;
	emu_fs_put(*pfs);
	*pfs = copy;
	return 0;
}

int emu_fstate_track(struct emu_fs **pfs, struct emu_files **pfiles, int abi,
		     const struct emu_syscall *sc, const uint64_t args[6], int64_t ret,
		     const char *const resolved[6])
{
	struct emu_files *files = *pfiles;
	struct emu_fs *fs = *pfs;
	long nr;
	int p, err;

	if (!sc || !files || !fs)
		return 0;
	if (!track_ready)
		track_init();
	nr = sc->nr;
	if (abi == EMU_ABI_X32)
		abi = EMU_ABI_X86_64; /* same rows */
	if (nr < 0 || nr >= EMU_SELECT_NR_MAX)
		return 0;
	switch (track_of[abi][nr]) {
	case T_NEWFD: {
		int fl = arg_of_kind(sc, EK_OPEN_FLAGS);
		bool cloexec = fl >= 0 && (args[fl] & O_CLOEXEC);

		if (ret < 0)
			return 0;
		p = arg_of_kind(sc, EK_PATH);
		return emu_files_set(files, (int)ret, p >= 0 ? resolved[p] : NULL, cloexec);
	}
	case T_DUP:
		return ret < 0 ? 0 : copy_fd(files, (int)args[0], ret, false);
	case T_DUP2:
		return ret < 0 ? 0 : copy_fd(files, (int)args[0], (int)args[1], false);
	case T_DUP3:
		return ret < 0 ? 0 : copy_fd(files, (int)args[0], (int)args[1], args[2] & O_CLOEXEC);
	case T_FCNTL:
		if (ret < 0)
			return 0;
		if ((int)args[1] == F_DUPFD || (int)args[1] == F_DUPFD_CLOEXEC)
			return copy_fd(files, (int)args[0], ret, (int)args[1] == F_DUPFD_CLOEXEC);
		if ((int)args[1] == F_SETFD && (long)(int)args[0] >= 0 &&
		    (size_t)(int)args[0] < files->cap)
			files->fds[(int)args[0]].cloexec = args[2] & FD_CLOEXEC;
		return 0;
	case T_CLOSE:
		if (ret != -EBADF)
			fd_close(files, (int)args[0]);
		return 0;
	case T_CLOSE_RANGE: {
		uint64_t last;

		if (ret < 0)
			return 0;
		if ((args[2] & CLOSE_RANGE_UNSHARE) && (err = own_files(pfiles)) < 0)
			return err;
		files = *pfiles;
		if (!files->cap)
			return 0;
		last = args[1] < files->cap ? args[1] : files->cap - 1;
		for (uint64_t fd = (unsigned)args[0]; fd <= last && fd < files->cap; fd++) {
			if (args[2] & CLOSE_RANGE_CLOEXEC)
				files->fds[fd].cloexec = true;
			else
				fd_close(files, (long)fd);
		}
		return 0;
	}
	case T_CHDIR:
	case T_FCHDIR: {
		const struct emu_fd *f = track_of[abi][nr] == T_FCHDIR
						 ? emu_files_get(files, (int)args[0])
						 : NULL;
		const char *dir = f ? f->path : resolved[0];
		char *copy;

		if (ret < 0 || !dir)
			return 0;
		copy = strdup(dir);
		if (!copy)
			return -ENOMEM;
		free(fs->cwd);
		fs->cwd = copy;
		fs->deleted = f && f->deleted;
		return 0;
	}
	case T_EXEC:
		if (ret < 0)
			return 0;
		if ((err = own_files(pfiles)) < 0)
			return err;
		files = *pfiles;
		for (size_t fd = 0; fd < files->cap; fd++)
			if (files->fds[fd].open && files->fds[fd].cloexec)
				fd_close(files, (long)fd);
		return 0;
	case T_UNSHARE:
		if (ret < 0)
			return 0;
		if ((args[0] & CLONE_FILES) && (err = own_files(pfiles)) < 0)
			return err;
		if ((args[0] & CLONE_FS) && (err = own_fs(pfs)) < 0)
			return err;
		return 0;
	default:
		return 0;
	}
}
