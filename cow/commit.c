/*
 * cow/commit.c — applying the overlay to the real files, and discarding it.
 *
 * The order of the work decides what survives a crash and what a rename
 * chain needs, so it is fixed:
 *
 *   0. checks: a copied-up file whose real file changed since the copy
 *      (device, inode, size, mtime, content hash) is refused, and so is a
 *      deleted real file that changed since; --force overrides;
 *   1. renamed directories are staged: each real source directory, the
 *      deepest first, is renamed to a temporary name beside it
 *      (".pcow-mv.ID"), so swaps and chains (a→b, c→a) cannot collide;
 *   2. then, top-down (by virtual path, so a directory's parents are in
 *      place before it): new directories are made; replacing (opaque)
 *      directories move the old real object aside (".pcow-old.ID" beside
 *      it) and are made anew; renamed directories move what they replace
 *      aside and are placed at their new names.  Every file below a
 *      renamed directory moves with it, nothing is copied; a source
 *      staged inside a directory moved aside moves with that too;
 *   3. files, symbolic links, FIFOs, sockets and devices, top-down.  A file is
 *      written beside its target (".pcow-commit.ID"), fsync'ed and renamed
 *      over it, so a real file is always either the old or the new one;
 *   4. deletions, deepest first, and the objects moved aside in step 2;
 *   5. directory extended attributes, modes, owners and times, bottom-up
 *      (writing children changes a directory's times).
 *
 * Each entry's progress is kept in the index (0 pending, 1 staged, 2 done)
 * and written before the step it announces, or after the step it records,
 * such that a commit killed at any point can be run again and finishes:
 * done entries are skipped; the moves of steps 1-2 are replayed from the
 * states and the names left beside (once one directory is placed or
 * replaced, every source was staged) to know where a real directory is
 * now (relocate); a file whose real copy already equals the upper one
 * counts as done.  FIFOs are made with mknod and never opened, so nothing
 * here can block on one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cow/cow_internal.h"

struct move {
	char *from;
	char *to;
};

struct commit {
	struct cow_store *store;
	const struct cow_commit_options *opt;
	struct cow_entry **all;	/* sorted by virt_path */
	size_t n;
	bool *skip;		/* not selected, or refused */
	bool *gone;		/* removed from the index by settle: all[i] is freed */
	struct move *moves;	/* real renames made so far, in order */
	size_t n_moves;
	int refused;
	struct linked *links;	/* files written in this run with st_nlink > 1 in upper/ */
	size_t n_links;
};

/* An upper inode written to a real path: its other names become hard links. */
struct linked {
	dev_t dev;
	ino_t ino;
	char *real_path;
};

static void say(const struct commit *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const struct commit *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->opt->out)
		return;
	va_start(ap, fmt);
	vfprintf(c->opt->out, fmt, ap);
	va_end(ap);
}

static int push_move(struct commit *c, const char *from, const char *to)
{
	struct move *m = realloc(c->moves, (c->n_moves + 1) * sizeof(*m));

	if (!m)
		return -ENOMEM;
	c->moves = m;
	m[c->n_moves].from = strdup(from);
	m[c->n_moves].to = strdup(to);
	if (!m[c->n_moves].from || !m[c->n_moves].to) {
		free(m[c->n_moves].from);
		free(m[c->n_moves].to);
		return -ENOMEM;
	}
	c->n_moves++;
	return 0;
}

static void free_moves(struct commit *c)
{
	for (size_t i = 0; i < c->n_moves; i++) {
		free(c->moves[i].from);
		free(c->moves[i].to);
	}
	free(c->moves);
	c->moves = NULL;
	c->n_moves = 0;
}

/* Where the real object first named path is now, after the moves so far. */
static void relocate(const struct commit *c, const char *path, char *buf, size_t size)
{
	char tmp[COW_REAL_MAX];

	snprintf(buf, size, "%s", path);
	for (size_t i = 0; i < c->n_moves; i++) {
		const struct move *m = &c->moves[i];

		if (!cow_path_under(buf, m->from))
			continue;
		snprintf(tmp, sizeof(tmp), "%s%s", m->to, buf + strlen(m->from));
		snprintf(buf, size, "%s", tmp);
	}
}

/* Staging name of a redirect's source: beside it, named by the entry id. */
static void stage_name(const struct cow_entry *e, char *buf, size_t size)
{
	char parent[COW_PATH_MAX];

	cow_parent(e->origin, parent, sizeof(parent));
	snprintf(buf, size, "%s/.pcow-mv.%lld", parent[1] ? parent : "", (long long)e->id);
}

/* One directory on the way down: its name in its parent, and what it is. */
struct rm_level {
	char name[NAME_MAX + 1];
	dev_t dev;
	ino_t ino;
};

/*
 * Empty the directory open at *fd of its non-directories; the name of a
 * subdirectory left into sub ("" when none).  Returns 0 or -errno.
 */
static int rm_files(int fd, char sub[NAME_MAX + 1])
{
	int dfd = dup(fd), err = 0;
	struct dirent *de;
	DIR *dir;

	sub[0] = '\0';
	if (dfd < 0)
		return -errno;
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return -errno;
	}
	while (!err && (de = readdir(dir))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			err = errno == ENOENT ? 0 : -errno;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (!sub[0])
				snprintf(sub, NAME_MAX + 1, "%s", de->d_name);
		} else if (cow_sys.unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT) {
			err = -errno;
		}
	}
	closedir(dir);
	return err;
}

/*
 * rm -rf of directory name at dirfd, by descriptors, one directory open at
 * a time, so that any depth works (nftw builds whole paths, which stop at
 * PATH_MAX, and would hold a descriptor per level).  Going back up by ".."
 * checks that the parent is still the directory come down from.
 */
static int rm_dir_at(int dirfd, const char *name)
{
	struct rm_level *stack = NULL;
	size_t depth = 0, cap = 0;
	char sub[NAME_MAX + 1];
	int fd, err = 0;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	while (!err) {
		err = rm_files(fd, sub);
		if (err)
			break;
		if (sub[0]) { /* down */
			struct stat st;
			int child;

			if (depth == cap) {
				struct rm_level *s = realloc(stack, (cap ? cap * 2 : 16) * sizeof(*s));

				if (!s) {
					err = -ENOMEM;
					break;
				}
				stack = s;
				cap = cap ? cap * 2 : 16;
			}
			if (fstat(fd, &st) < 0) {
				err = -errno;
				break;
			}
			child = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (child < 0) {
				err = -errno;
				break;
			}
			memcpy(stack[depth].name, sub, sizeof(sub));
			stack[depth].dev = st.st_dev;
			stack[depth].ino = st.st_ino;
			depth++;
			close(fd);
			fd = child;
			continue;
		}
		if (!depth)
			break; /* the top is empty: removed below */
		{ /* up: remove the emptied directory from its parent */
			struct stat st;
			int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			depth--;
			if (parent < 0 || fstat(parent, &st) < 0) {
				err = -errno;
			} else if (st.st_dev != stack[depth].dev || st.st_ino != stack[depth].ino) {
				err = -ESTALE; /* moved meanwhile: stop rather than go astray */
			} else if (cow_sys.unlinkat(parent, stack[depth].name, AT_REMOVEDIR) < 0 &&
				   errno != ENOENT) {
				err = -errno;
			}
			close(fd);
			fd = parent;
		}
	}
	if (fd >= 0)
		close(fd);
	free(stack);
	if (!err && cow_sys.unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		err = -errno;
	return err;
}

int cow_remove_tree(const struct cow_store *store, const char *real_path)
{
	char parent[COW_PATH_MAX];
	const char *name = strrchr(real_path, '/');
	struct stat st;
	int dirfd, err;

	if (lstat(cow_kpath(store, real_path), &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return cow_sys.unlinkat(AT_FDCWD, cow_kpath(store, real_path), 0) < 0 ? -errno : 0;
	if (!name || !name[1] || strlen(real_path) >= sizeof(parent))
		return -EINVAL; /* not an absolute path below "/" */
	cow_parent(real_path, parent, sizeof(parent));
	dirfd = open(cow_kpath(store, parent), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	err = rm_dir_at(dirfd, name + 1);
	close(dirfd);
	return err;
}

static bool selected(const struct commit *c, const struct cow_entry *e)
{
	if (!c->opt->n_paths)
		return true;
	for (size_t i = 0; i < c->opt->n_paths; i++) {
		if (cow_path_under(e->virt_path, c->opt->paths[i]))
			return true;
		/* A directory above a chosen path must exist (and move) first. */
		if (e->kind != COW_KIND_WHITEOUT && e->kind != COW_KIND_FILE &&
		    e->kind != COW_KIND_SYMLINK && e->kind != COW_KIND_NODE &&
		    cow_path_under(c->opt->paths[i], e->virt_path))
			return true;
	}
	return false;
}

static bool same_as_orig(const struct stat *st, const struct cow_orig *o, bool hash,
			 const char *real_path)
{
	struct cow_orig now;

	if ((int64_t)st->st_dev != o->dev || (int64_t)st->st_ino != o->ino ||
	    st->st_size != o->size || cow_mtime_ns(st) != o->mtime_ns ||
	    (st->st_mode & S_IFMT) != (o->mode & S_IFMT))
		return false;
	if (!hash || !S_ISREG(st->st_mode))
		return true;
	return cow_orig_from(real_path, st, &now) == 0 && now.hash == o->hash;
}

/* Whether the real object at real_path already equals e's upper copy (a re-run). */
static bool same_as_upper(struct cow_store *store, const struct cow_entry *e,
			  const char *real_path)
{
	struct stat us, rs;
	struct cow_orig a, b;
	char up[COW_REAL_MAX];

	if (lstat(cow_kpath(store, real_path), &rs) < 0 ||
	    cow_upper_path(store, e->virt_path, up, sizeof(up)) || lstat(cow_kpath(store, up), &us) < 0 || !S_ISREG(us.st_mode) || !S_ISREG(rs.st_mode) ||
	    us.st_size != rs.st_size)
		return false;
	return cow_orig_from(cow_kpath(store, up), &us, &a) == 0 &&
	       cow_orig_from(cow_kpath(store, real_path), &rs, &b) == 0 &&
	       a.hash == b.hash;
}

/* Step 0 for one entry: false when it must be refused. */
static bool check_entry(struct commit *c, struct cow_entry *e)
{
	char cur[COW_REAL_MAX];
	struct stat st;

	if (!e->has_orig || !e->origin || e->state == 2 || c->opt->force)
		return true;
	relocate(c, e->origin, cur, sizeof(cur));
	switch (e->kind) {
	case COW_KIND_FILE:
	case COW_KIND_SYMLINK:
	case COW_KIND_NODE:
		if (lstat(cow_kpath(c->store, cur), &st) == 0 &&
		    same_as_orig(&st, &e->orig, true, cow_kpath(c->store, cur)))
			return true;
		if (same_as_upper(c->store, e, e->virt_path))
			return true; /* an interrupted commit wrote it already */
		say(c, "refused: %s: the real file changed since it was copied up"
		       " (--force overwrites it)\n", e->virt_path);
		return false;
	case COW_KIND_WHITEOUT:
		if (lstat(cow_kpath(c->store, cur), &st) < 0 || S_ISDIR(st.st_mode) ||
		    same_as_orig(&st, &e->orig, false, cur))
			return true;
		say(c, "refused: %s: the real file changed since it was deleted"
		       " (--force deletes it)\n", e->virt_path);
		return false;
	default:
		return true;
	}
}

static int by_origin_len_desc(const void *a, const void *b)
{
	const struct cow_entry *x = *(struct cow_entry *const *)a;
	const struct cow_entry *y = *(struct cow_entry *const *)b;
	size_t lx = strlen(x->origin), ly = strlen(y->origin);

	return lx != ly ? (lx < ly ? 1 : -1) : (x->id > y->id) - (x->id < y->id);
}

/* The real object a placed or replacing directory moved aside: beside it. */
static void aside_name(const struct cow_entry *e, char *buf, size_t size)
{
	char parent[COW_PATH_MAX];

	cow_parent(e->virt_path, parent, sizeof(parent));
	snprintf(buf, size, "%s/.pcow-old.%lld", parent[1] ? parent : "", (long long)e->id);
}

static bool exists(const struct commit *c, const char *real_path)
{
	struct stat st;

	return lstat(cow_kpath(c->store, real_path), &st) == 0;
}

/*
 * Move what is at e's virt_path aside (unless an earlier run did: the
 * aside name exists) and record the move.  Sources staged inside it move
 * with it, and relocate follows them.
 */
static int move_aside(struct commit *c, const struct cow_entry *e, bool perform)
{
	char old[COW_REAL_MAX];

	aside_name(e, old, sizeof(old));
	if (perform && !exists(c, old) && exists(c, e->virt_path) &&
	    cow_sys.renameat(AT_FDCWD, cow_kpath(c->store, e->virt_path), AT_FDCWD,
			     cow_kpath(c->store, old)) < 0)
		return -errno;
	return exists(c, old) ? push_move(c, e->virt_path, old) : 0;
}

/* Step 2 for a plain merged directory: it exists before anything goes in. */
static int make_dir(const struct commit *c, const struct cow_entry *e)
{
	struct stat st;
	int err;

	if (lstat(cow_kpath(c->store, e->virt_path), &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	err = cow_remove_tree(c->store, e->virt_path);
	if (!err && mkdir(cow_kpath(c->store, e->virt_path), 0700) < 0 && errno != EEXIST)
		err = -errno;
	return err;
}

/* Step 2 for a replacing (opaque) directory: the old one aside, a new one made. */
static int replace_dir(struct commit *c, struct cow_entry *e, bool perform)
{
	int err = 0;

	if (!perform || e->state == 2)
		return move_aside(c, e, false);
	if (e->state == 0)
		err = cow_index_set_state(c->store, e, 1);
	if (!err)
		err = move_aside(c, e, true);
	if (!err && mkdir(cow_kpath(c->store, e->virt_path), 0700) < 0 && errno != EEXIST)
		err = -errno;
	return err ? err : cow_index_set_state(c->store, e, 2);
}

/* Step 2 for a renamed directory: what it replaced aside, its staged source in. */
static int place_dir(struct commit *c, struct cow_entry *e, bool perform)
{
	char cur[COW_REAL_MAX];
	int err = 0;

	relocate(c, e->origin, cur, sizeof(cur));
	if (!perform && e->state != 2) {
		err = move_aside(c, e, false);
		/* State 1 and the staged source gone: an interrupted run placed
		   it (killed before state 2), as the perform branch below finds. */
		if (!err && e->state == 1 && !exists(c, cur) && exists(c, e->virt_path))
			err = push_move(c, cur, e->virt_path);
		return err;
	}
	if (!perform || e->state == 2) {
		err = move_aside(c, e, false);
		return err ? err : push_move(c, cur, e->virt_path);
	}
	if (exists(c, cur)) {
		err = move_aside(c, e, true);
		if (!err && cow_sys.renameat(AT_FDCWD, cow_kpath(c->store, cur), AT_FDCWD,
					  cow_kpath(c->store, e->virt_path)) < 0)
			err = -errno;
	} else {
		/* Placed by an interrupted run, or the source was deleted outside
		   pcow (then an empty directory). */
		err = move_aside(c, e, false);
		if (!err && mkdir(cow_kpath(c->store, e->virt_path), 0700) < 0 && errno != EEXIST)
			err = -errno;
	}
	if (!err)
		err = cow_index_set_state(c->store, e, 2);
	return err ? err : push_move(c, cur, e->virt_path);
}

/*
 * Steps 1 and 2.  With !perform, only replay the moves an interrupted
 * commit already made, so that step 0 finds the real files where they are
 * now.  Step 2 runs in all[]'s order (by virt_path), so that a directory's
 * parents exist and are in place before it: new directories are made,
 * replaced ones moved aside (removed in step 4), renamed ones placed.
 */
static int move_dirs(struct commit *c, bool perform)
{
	struct cow_entry **r = malloc((c->n + 1) * sizeof(*r));
	char tmp[COW_REAL_MAX];
	bool placing = false;
	size_t n = 0;
	int err = 0;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++) {
		struct cow_entry *e = c->all[i];

		if (c->skip[i])
			continue;
		if (e->kind == COW_KIND_REDIRECT && e->origin)
			r[n++] = e;
		/* Step 2 started: every staged source was staged. */
		if ((e->kind == COW_KIND_REDIRECT && e->origin && e->state == 2) ||
		    (e->kind == COW_KIND_OPAQUE && e->state >= 1))
			placing = true;
	}
	qsort(r, n, sizeof(*r), by_origin_len_desc);
	for (size_t i = 0; i < n && !err; i++) {
		struct cow_entry *e = r[i];

		stage_name(e, tmp, sizeof(tmp));
		if (!perform) {
			if (e->state >= 1 && (placing || exists(c, tmp) || !exists(c, e->origin)))
				err = push_move(c, e->origin, tmp);
			continue;
		}
		if (e->state == 0) {
			err = cow_index_set_state(c->store, e, 1);
			if (err)
				break;
		} else if (placing || exists(c, tmp)) {
			/* Staged by an interrupted run: something new may be at origin. */
			err = push_move(c, e->origin, tmp);
			continue;
		}
		/* State 1 may be only the intent: the rename may not have happened. */
		if (cow_sys.renameat(AT_FDCWD, cow_kpath(c->store, e->origin), AT_FDCWD,
				     cow_kpath(c->store, tmp)) < 0 &&
		    errno != ENOENT)
			err = -errno;
		if (!err)
			err = push_move(c, e->origin, tmp);
	}
	for (size_t i = 0; i < c->n && !err; i++) {
		struct cow_entry *e = c->all[i];

		if (c->skip[i])
			continue;
		if (e->kind == COW_KIND_DIR && perform)
			err = make_dir(c, e);
		else if (e->kind == COW_KIND_OPAQUE)
			err = replace_dir(c, e, perform);
		else if (e->kind == COW_KIND_REDIRECT && e->origin)
			err = place_dir(c, e, perform);
	}
	free(r);
	return err;
}

/* Copy the upper regular file of e beside its real path and rename it over. */
static int put_file(struct commit *c, struct cow_entry *e, const char *tmp)
{
	int src, dst, err;
	struct stat st;

	src = openat(c->store->upper_fd, cow_rel(c->store, e->virt_path), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0)
		return -errno;
	if (fstat(src, &st) < 0) {
		err = -errno;
		goto out_src;
	}
	dst = cow_sys.openat(AT_FDCWD, cow_kpath(c->store, tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (dst < 0) {
		err = -errno;
		goto out_src;
	}
	err = cow_copy_data(src, dst, st.st_size);
	if (!err)
		err = cow_copy_xattrs(src, dst);
	if (!err && fchown(dst, st.st_uid, st.st_gid) < 0 && errno != EPERM)
		err = -errno;
	if (!err && fchmod(dst, st.st_mode & 07777) < 0)
		err = -errno;
	if (!err) {
		struct timespec ts[2] = { st.st_atim, st.st_mtim };

		if (futimens(dst, ts) < 0)
			err = -errno;
	}
	if (!err && cow_sys.fsync(dst) < 0)
		err = -errno;
	close(dst);
out_src:
	close(src);
	return err;
}

/*
 * A symlink, FIFO, socket or device node made at tmp, with the upper
 * one's type, device number, owner, mode and times.
 */
static int put_node(struct commit *c, struct cow_entry *e, const char *tmp)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstatat(c->store->upper_fd, cow_rel(c->store, e->virt_path), &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(c->store->upper_fd, cow_rel(c->store, e->virt_path), target,
			       sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		if (cow_sys.symlinkat(target, AT_FDCWD, cow_kpath(c->store, tmp)) < 0)
			return -errno;
	} else if (cow_sys.mknodat(AT_FDCWD, cow_kpath(c->store, tmp), (st.st_mode & S_IFMT) | 0600,
				   st.st_rdev) < 0) {
		return -errno;
	}
	if (lchown(cow_kpath(c->store, tmp), st.st_uid, st.st_gid) < 0 && errno != EPERM)
		return -errno;
	if (!S_ISLNK(st.st_mode) && chmod(cow_kpath(c->store, tmp), st.st_mode & 07777) < 0)
		return -errno;
	{
		struct timespec ts[2] = { st.st_atim, st.st_mtim };

		if (utimensat(AT_FDCWD, cow_kpath(c->store, tmp), ts, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	}
	return 0;
}

/*
 * A hard link in upper/ (cow_link) stays one in the real tree: the first
 * name is written, the others are linked to it (beside, then renamed).
 */
static int put_link_or_file(struct commit *c, struct cow_entry *e, const char *tmp)
{
	struct linked *l;
	struct stat st;
	int err;

	if (fstatat(c->store->upper_fd, cow_rel(c->store, e->virt_path), &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (st.st_nlink > 1) {
		for (size_t i = 0; i < c->n_links; i++)
			if (c->links[i].dev == st.st_dev && c->links[i].ino == st.st_ino)
				return cow_sys.linkat(AT_FDCWD,
						      cow_kpath(c->store, c->links[i].real_path),
						      AT_FDCWD, cow_kpath(c->store, tmp), 0) < 0
					       ? -errno
					       : 0;
	}
	err = put_file(c, e, tmp);
	if (err || st.st_nlink < 2)
		return err;
	l = realloc(c->links, (c->n_links + 1) * sizeof(*l));
	if (!l)
		return -ENOMEM;
	c->links = l;
	l[c->n_links].dev = st.st_dev;
	l[c->n_links].ino = st.st_ino;
	l[c->n_links].real_path = strdup(e->virt_path);
	if (!l[c->n_links].real_path)
		return -ENOMEM;
	c->n_links++;
	return 0;
}

/* Step 3 for one entry. */
static int apply_entry(struct commit *c, struct cow_entry *e)
{
	char parent[COW_PATH_MAX], tmp[COW_REAL_MAX];
	struct stat st;
	int err = 0;

	switch (e->kind) {
	case COW_KIND_FILE:
	case COW_KIND_SYMLINK:
	case COW_KIND_NODE:
		if (e->state == 2)
			return 0;
		cow_parent(e->virt_path, parent, sizeof(parent));
		snprintf(tmp, sizeof(tmp), "%s/.pcow-commit.%lld", parent[1] ? parent : "",
			 (long long)e->id);
		unlink(cow_kpath(c->store, tmp));
		err = e->kind == COW_KIND_FILE ? put_link_or_file(c, e, tmp) : put_node(c, e, tmp);
		if (!err && lstat(cow_kpath(c->store, e->virt_path), &st) == 0 && S_ISDIR(st.st_mode))
			err = cow_remove_tree(c->store, e->virt_path); /* a type change */
		if (!err && cow_sys.renameat(AT_FDCWD, cow_kpath(c->store, tmp), AT_FDCWD,
					     cow_kpath(c->store, e->virt_path)) < 0)
			err = -errno;
		if (err) {
			unlink(cow_kpath(c->store, tmp));
			return err;
		}
		return cow_index_set_state(c->store, e, 2);
	default:
		return 0;
	}
}

/*
 * The extended attributes of the upper directory of e onto the real one
 * (a file gets its own with its content, put_file).  A directory pcow may
 * not read (mode 0311, not root) was copied up without them: left alone.
 */
static int dir_xattrs(struct commit *c, const struct cow_entry *e)
{
	int src, dst, err;

	src = openat(c->store->upper_fd, cow_rel(c->store, e->virt_path),
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0)
		return errno == EACCES ? 0 : -errno;
	dst = open(cow_kpath(c->store, e->virt_path), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dst < 0) {
		err = errno == EACCES ? 0 : -errno;
		goto out_src;
	}
	err = cow_sync_xattrs(src, dst);
	close(dst);
out_src:
	close(src);
	return err;
}

/* Step 5 for one directory entry. */
static int dir_meta(struct commit *c, const struct cow_entry *e)
{
	struct stat st;
	struct timespec ts[2];
	int err;

	if (fstatat(c->store->upper_fd, cow_rel(c->store, e->virt_path), &st, 0) < 0)
		return -errno;
	err = dir_xattrs(c, e);
	if (err)
		return err;
	if (chown(cow_kpath(c->store, e->virt_path), st.st_uid, st.st_gid) < 0 && errno != EPERM)
		return -errno;
	if (chmod(cow_kpath(c->store, e->virt_path), st.st_mode & 07777) < 0)
		return -errno;
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	return utimensat(AT_FDCWD, cow_kpath(c->store, e->virt_path), ts, 0) < 0 ? -errno : 0;
}

static int print_change(const struct cow_change *ch, void *opaque)
{
	struct commit *c = opaque;

	for (size_t i = 0; i < c->opt->n_paths; i++)
		if (cow_path_under(ch->virt_path, c->opt->paths[i]))
			goto print;
	if (c->opt->n_paths)
		return 0;
print:
	if (ch->from_path)
		say(c, "%c %s -> %s\n", ch->code, ch->from_path, ch->virt_path);
	else
		say(c, "%c %s\n", ch->code, ch->virt_path);
	return 0;
}

/* After a commit: done entries leave the overlay; the rest stays valid. */
static int settle(struct commit *c)
{
	int err = cow_index_begin(c->store);

	for (size_t i = c->n; i-- > 0 && !err;) {
		struct cow_entry *e = c->all[i];
		char *virt;

		if (c->skip[i] || e->state != 2)
			continue;
		virt = strdup(e->virt_path);
		if (!virt) {
			err = -ENOMEM;
			break;
		}
		if (e->kind == COW_KIND_REDIRECT || e->kind == COW_KIND_OPAQUE) {
			/* The real directory is now at virt: a plain merged directory. */
			char *old = e->origin ? strdup(e->origin) : NULL;

			for (size_t j = 0; old && j < c->n && !err; j++) {
				struct cow_entry *o = c->all[j];
				char moved[COW_REAL_MAX];

				if (o != e && !c->gone[j] && o->origin &&
				    cow_path_under(o->origin, old)) {
					snprintf(moved, sizeof(moved), "%s%s", virt,
						 o->origin + strlen(old));
					err = cow_index_set_origin(c->store, o, moved);
				}
			}
			free(old);
			if (!err)
				err = cow_index_put(c->store, virt, COW_KIND_DIR, virt,
						    e->has_orig ? &e->orig : NULL, &c->all[i]);
		} else if (e->kind != COW_KIND_DIR) {
			if (e->kind == COW_KIND_FILE) {
				struct stat st;

				if (fstatat(c->store->upper_fd, cow_rel(c->store, virt), &st,
					    AT_SYMLINK_NOFOLLOW) == 0 && st.st_nlink == 1)
					cow_quota_release(c->store, (uint64_t)st.st_size);
			}
			if (e->kind != COW_KIND_WHITEOUT)
				unlinkat(c->store->upper_fd, cow_rel(c->store, virt), 0);
			err = cow_index_remove(c->store, virt);
			c->gone[i] = true;
		}
		free(virt);
	}
	cow_index_end(c->store, !err);
	return err;
}

int cow_commit(struct cow_store *store, const struct cow_commit_options *opt, int *ret_refused)
{
	struct commit c = { .store = store, .opt = opt };
	int err;

	*ret_refused = 0;
	c.all = cow_index_sorted(store, &c.n);
	c.skip = calloc(c.n + 1, sizeof(*c.skip));
	c.gone = calloc(c.n + 1, sizeof(*c.gone));
	if (!c.all || !c.skip || !c.gone) {
		err = -ENOMEM;
		goto out_free;
	}
	err = cow_status(store, print_change, &c);
	if (err)
		goto out_free;
	err = move_dirs(&c, false);
	if (err)
		goto out_free;
	for (size_t i = 0; i < c.n; i++) {
		c.skip[i] = !selected(&c, c.all[i]);
		if (!c.skip[i] && !check_entry(&c, c.all[i])) {
			c.skip[i] = true;
			c.refused++;
		}
	}
	if (opt->dry_run)
		goto out_free;

	free_moves(&c);
	err = move_dirs(&c, true);
	for (size_t i = 0; i < c.n && !err; i++)
		if (!c.skip[i])
			err = apply_entry(&c, c.all[i]);
	for (size_t i = c.n; i-- > 0 && !err;) {
		struct cow_entry *e = c.all[i];

		if (c.skip[i] || e->kind != COW_KIND_WHITEOUT || e->state == 2)
			continue;
		err = cow_remove_tree(store, e->virt_path);
		if (!err)
			err = cow_index_set_state(store, e, 2);
	}
	for (size_t i = 0; i < c.n && !err; i++) {
		struct cow_entry *e = c.all[i];
		char old[COW_REAL_MAX];

		if (c.skip[i] || (e->kind != COW_KIND_OPAQUE && e->kind != COW_KIND_REDIRECT))
			continue;
		aside_name(e, old, sizeof(old));
		err = cow_remove_tree(store, old);
	}
	for (size_t i = c.n; i-- > 0 && !err;) {
		enum cow_kind k = c.all[i]->kind;

		if (!c.skip[i] && (k == COW_KIND_DIR || k == COW_KIND_OPAQUE ||
				   k == COW_KIND_REDIRECT))
			err = dir_meta(&c, c.all[i]);
	}
	if (err)
		goto out_free;
	if (!c.refused && !opt->n_paths)
		err = cow_discard(store);
	else
		err = settle(&c);

out_free:
	*ret_refused = c.refused;
	free_moves(&c);
	for (size_t i = 0; i < c.n_links; i++)
		free(c.links[i].real_path);
	free(c.links);
	free(c.gone);
	free(c.skip);
	free(c.all);
	return err;
}

/* ----------------------------------------------------------- discard */

int cow_discard(struct cow_store *store)
{
	char old[COW_REAL_MAX], name[64];
	int fd, err;

	/* The index first: upper objects without entries are never looked at. */
	err = db_overlay_clear(store->db);
	if (err)
		return err;
	cow_index_free(store);
	store->used = 0;
	cow_work_name(store, name, sizeof(name));
	snprintf(old, sizeof(old), "%s/work/%s", store->store_dir, name);
	if (cow_sys.renameat(AT_FDCWD, store->upper_dir, AT_FDCWD, old) < 0)
		return -errno;
	if (mkdir(store->upper_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = open(store->upper_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(store->upper_fd);
	store->upper_fd = fd;
	return cow_remove_tree(store, old);
}
