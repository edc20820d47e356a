/*
 * emu/replayrec.c — first-touch states and per-call data for replay (see
 * emu/replayrec.h for what and why).
 *
 * The seen table maps each absolute path the run has reached to what the
 * recorder knows of it: its type at first touch (0: absent), its link
 * target, whether only a directory listing named it, and whether the run
 * has made or removed it since (then its current state is looked up again
 * when a walk passes it, and nothing below it is starting state).  A path
 * already in the table costs one hash lookup; only new paths are walked.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cow/cow.h"
#include "db/db.h"
#include "emu/cow_internal.h"
#include "emu/cowsys.h"
#include "emu/replayrec.h"

#define LINK_MAX_FOLLOW 40
#define CONTENT_MAX (32u << 20) /* an overlay file's content kept in touch */
#define DATA_MAX (48u << 20)	/* bytes of one call's data */
#define IOV_MAX_READ 1024

/* ----------------------------------------------------------- seen paths */

struct seen {
	char *path;
	uint64_t hash;	   /* str_hash(path) */
	char *target;	   /* symbolic link at first touch */
	uint32_t type;	   /* S_IFMT at first touch; 0 absent */
	bool listed_only;  /* only a listing named it: no full record yet */
	bool runmade;	   /* the run made, removed or moved it since */
	bool listed;	   /* its names were recorded (a directory) */
	uint64_t walked;   /* r->gen when a walk last went all the way to it */
};

struct emu_rec {
	struct cow_store *store;
	struct db_writer *w;
	struct seen *slots;
	size_t cap, count;
	/*
	 * Bumped whenever the run makes or removes a name: a path walked in
	 * the current generation resolves as it did then, and needs no walk.
	 */
	uint64_t gen;
	unsigned char *buf; /* call data; valid until the next call's exit */
	size_t buf_cap;
	char strs[2 * 4096 + 16]; /* the strings of the call being recorded */
};

static uint64_t str_hash(const char *s)
{
	return cow_path_hash(s, strlen(s));
}

/* path's entry; h is str_hash(path) (a walk hashes its prefixes as it goes). */
static struct seen *seen_find_hashed(struct emu_rec *r, const char *path, uint64_t h)
{
	if (!r->cap)
		return NULL;
	for (size_t i = h & (r->cap - 1);; i = (i + 1) & (r->cap - 1)) {
		if (!r->slots[i].path)
			return NULL;
		if (r->slots[i].hash == h && !strcmp(r->slots[i].path, path))
			return &r->slots[i];
	}
}

static struct seen *seen_find(struct emu_rec *r, const char *path)
{
	return seen_find_hashed(r, path, str_hash(path));
}

static struct seen *seen_add_hashed(struct emu_rec *r, const char *path, uint64_t h)
{
	struct seen *s;

	if ((r->count + 1) * 2 > r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 4096;
		struct seen *n = calloc(ncap, sizeof(*n));

		if (!n)
			return NULL;
		for (size_t i = 0; i < r->cap; i++) {
			size_t j;

			if (!r->slots[i].path)
				continue;
			for (j = r->slots[i].hash & (ncap - 1); n[j].path;
			     j = (j + 1) & (ncap - 1))
				;
			n[j] = r->slots[i];
		}
		free(r->slots);
		r->slots = n;
		r->cap = ncap;
	}
	for (size_t i = h & (r->cap - 1);; i = (i + 1) & (r->cap - 1)) {
		s = &r->slots[i];
		if (!s->path)
			break;
	}
	memset(s, 0, sizeof(*s));
	if (!(s->path = strdup(path)))
		return NULL;
	s->hash = h;
	r->count++;
	return s;
}

static struct seen *seen_add(struct emu_rec *r, const char *path)
{
	return seen_add_hashed(r, path, str_hash(path));
}

struct emu_rec *emu_rec_new(struct cow_store *store)
{
	struct emu_rec *r = calloc(1, sizeof(*r));

	if (r) {
		r->store = store;
		r->gen = 1;
	}
	return r;
}

void emu_rec_free(struct emu_rec *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->cap; i++) {
		free(r->slots[i].path);
		free(r->slots[i].target);
	}
	free(r->slots);
	free(r->buf);
	free(r);
}

void emu_rec_set_writer(struct emu_rec *r, struct db_writer *w)
{
	r->w = w;
}

/*
 * Whether calls on path are replayed: in the scope, and shorter than
 * PATH_MAX (the rebuild and the executor name objects by whole paths; a
 * call past it, from a deep directory, is skipped and counted as such).
 */
static bool in_scope(struct emu_rec *r, const char *path)
{
	return path && path[0] == '/' && strlen(path) < PATH_MAX &&
	       cow_scope_of(r->store, path) != COW_SCOPE_PASS;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* The kernel's trees and the store: never part of a starting state. */
static bool special(struct emu_rec *r, const char *path)
{
	return under(path, "/proc") || under(path, "/sys") || under(path, "/dev") ||
	       under(path, cow_store_dir(r->store));
}

/* ---------------------------------------------------------- first touch */

/*
 * The merged view's object at path: lstat into st, its real place into
 * real.  -1 when there is none, 0 when it is the real file, 1 an upper copy.
 */
static int current(struct emu_rec *r, const char *path, struct stat *st, char *real)
{
	struct cow_lookup lk;

	if (cow_lookup(r->store, path, &lk) < 0 ||
	    (lk.where != COW_LOWER && lk.where != COW_UPPER))
		return -1;
	if (lstat(cow_kpath(r->store, lk.real_path), st) < 0)
		return -1;
	strcpy(real, lk.real_path);
	return lk.where == COW_UPPER;
}

/*
 * A link's target.  readlink(2) sets the link's atime, which the program
 * may look at: an upper link (upper) gets its atime back.  A real one is
 * left alone (it must not change at all; the kernel shows it in the real
 * tree only).
 */
static char *read_link(const char *real, bool upper)
{
	char buf[PATH_MAX];
	struct stat st;
	bool keep = upper && lstat(real, &st) == 0;
	ssize_t n = readlink(real, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	if (keep) {
		struct timespec ts[2] = { st.st_atim, { 0, UTIME_OMIT } };

		utimensat(AT_FDCWD, real, ts, AT_SYMLINK_NOFOLLOW);
	}
	buf[n] = '\0';
	return strdup(buf);
}

/* Read a whole (small) upper file for the touch record. */
static void *slurp(const char *real, size_t size)
{
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME);
	char *buf;

	if (fd < 0 && errno == EPERM)
		fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t got = 0;

	if (fd < 0)
		return NULL;
	buf = malloc(size ? size : 1);
	while (buf && got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (buf && got != size) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * Record path's current state as its starting state, or with listed set
 * as a name seen in a directory listing (type, link target only).
 * s: its seen entry, NULL to make one.
 */
static struct seen *record(struct emu_rec *r, struct seen *s, const char *path, bool listed)
{
	struct db_touch t;
	struct stat st;
	char real[COW_REAL_MAX];
	void *content = NULL;
	int where;

	if (!s && !(s = seen_add(r, path)))
		return NULL;
	memset(&t, 0, sizeof(t));
	t.path = path;
	t.listed = listed;
	s->listed_only = listed;
	where = current(r, path, &st, real);
	if (where >= 0) {
		s->type = st.st_mode & S_IFMT;
		t.type = s->type;
		t.mode = st.st_mode & 07777;
		t.uid = st.st_uid;
		t.gid = st.st_gid;
		t.size = st.st_size;
		t.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		t.dev = (int64_t)st.st_dev;
		t.ino = (int64_t)st.st_ino;
		t.nlink = (int64_t)st.st_nlink;
		t.source = where == 1 ? "" : strcmp(real, path) ? real : NULL;
		if (S_ISLNK(st.st_mode)) {
			free(s->target);
			s->target = read_link(cow_kpath(r->store, real), where == 1);
			t.target = s->target;
		} else if (S_ISREG(st.st_mode) && !listed) {
			t.has_hash = cow_hash_file(AT_FDCWD, cow_kpath(r->store, real), &t.hash) == 0;
			if (where == 1 && (uint64_t)st.st_size <= CONTENT_MAX) {
				content = slurp(cow_kpath(r->store, real), (size_t)st.st_size);
				t.content = content;
				t.content_len = content ? (uint32_t)st.st_size : 0;
			}
		}
	} else {
		s->type = 0;
	}
	if (r->w)
		db_writer_touch(r->w, &t);
	free(content);
	return s;
}

/*
 * Ensure path (of hash h) has a full record (not only a listed one);
 * NULL on ENOMEM.
 */
static struct seen *touch_one(struct emu_rec *r, const char *path, uint64_t h, bool rec_ok)
{
	struct seen *s = seen_find_hashed(r, path, h);

	if (s && !(s->listed_only && rec_ok))
		return s;
	if (!rec_ok) {
		/* Below something the run made: known, but not starting state. */
		if (!s && (s = seen_add_hashed(r, path, h)))
			s->runmade = true;
		return s;
	}
	return record(r, s, path, false);
}

/*
 * The type of s now: its first-touch type unless the run changed it since
 * (then the merged view is asked), with the link target in *ret_target
 * (valid until the next call).
 */
static uint32_t type_now(struct emu_rec *r, struct seen *s, char **ret_target)
{
	struct cow_lookup lk;
	mode_t type;

	*ret_target = s->target;
	if (!s->runmade)
		return s->type;
	/*
	 * The index knows the type of an upper object: no lstat, which past
	 * a few hundred levels costs a walk of the whole path each time, and
	 * no upper path made for it (a walk asks for each component).
	 */
	if (cow_lookup_type(r->store, s->path, s->hash, &type) < 0)
		return 0;
	if (!S_ISLNK(type))
		return type;
	if (cow_lookup(r->store, s->path, &lk) < 0 ||
	    (lk.where != COW_LOWER && lk.where != COW_UPPER))
		return 0;
	if (S_ISLNK(lk.type)) {
		free(s->target);
		s->target = read_link(cow_kpath(r->store, lk.real_path), lk.where == COW_UPPER);
		*ret_target = s->target;
	}
	return lk.type;
}

/*
 * Where a walk ended, as the kernel resolved it: both empty when it
 * stopped before the last component (a missing directory, a
 * non-directory with components left, the kernel's trees).
 */
struct walk_end {
	char last[PATH_MAX];   /* the last component itself (a link not followed) */
	char target[PATH_MAX]; /* the object a final link leads to, else last */
};

/* Only slashes left: the component just taken was the last one. */
static bool at_last(const char *p)
{
	while (*p == '/')
		p++;
	return !*p;
}

/*
 * Walk absolute path component by component through the merged view,
 * recording each object met for the first time, following symbolic
 * links (the last one too).  Stops at the first missing object, at a
 * non-directory with components left, and outside the scope.
 *
 * path is taken as the program wrote it (made absolute, not folded):
 * ".." is the parent of the directory reached so far, which after a
 * symbolic link is the parent of its target, as fs/namei.c follow_dotdot
 * goes.  Folding "a/link/.." to "a" first would record a and miss what
 * the kernel really reaches.  end (may be NULL) gets the paths of what
 * the call names.
 */
static void walk(struct emu_rec *r, const char *path, int depth, struct walk_end *end_out)
{
	char cur[PATH_MAX], rest[PATH_MAX];
	const char *p = path;
	struct cow_hasher ch; /* of cur, as it grows */
	size_t cur_len = 0;
	size_t made_at = SIZE_MAX; /* cur_len of the parent of a run-made object in cur */

	if (depth > LINK_MAX_FOLLOW || strlen(path) >= PATH_MAX)
		return;
	cur[0] = '\0';
	if (!touch_one(r, "/", str_hash("/"), true))
		return;
	cow_hash_init(&ch);
	while (*p) {
		const char *end;
		struct seen *s;
		size_t len;
		uint32_t type;
		char *target;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(cur, '/');

			cur_len = slash ? (size_t)(slash - cur) : 0;
			cur[cur_len] = '\0';
			cow_hash_init(&ch);
			cow_hash_update(&ch, cur, cur_len);
			if (made_at != SIZE_MAX && cur_len <= made_at)
				made_at = SIZE_MAX;
			p = end;
			continue;
		}
		if (cur_len + 1 + len >= sizeof(cur))
			return;
		cur[cur_len] = '/';
		memcpy(cur + cur_len + 1, p, len);
		cur[cur_len + 1 + len] = '\0';
		if (special(r, cur))
			return;
		cow_hash_update(&ch, cur + cur_len, 1 + len);
		s = touch_one(r, cur, cow_hash_final(&ch), made_at == SIZE_MAX);
		if (!s)
			return;
		if (s->runmade && made_at == SIZE_MAX)
			made_at = cur_len;
		type = type_now(r, s, &target);
		p = end;
		if (end_out && at_last(p)) {
			/* last is set once: a final link's own path, not its target's. */
			if (!end_out->last[0])
				strcpy(end_out->last, cur);
			if (!type)
				strcpy(end_out->target, cur);
		}
		if (!type)
			return;
		if (S_ISLNK(type)) {
			/* Go on from the target, the rest of the path after it. */
			int n;

			if (!target)
				return;
			if (target[0] == '/')
				n = snprintf(rest, sizeof(rest), "%s/%s", target, p);
			else
				n = snprintf(rest, sizeof(rest), "%.*s/%s/%s", (int)cur_len, cur,
					     target, p);
			if (n < 0 || (size_t)n >= sizeof(rest))
				return;
			walk(r, rest, depth + 1, end_out);
			return;
		}
		if (*p && !S_ISDIR(type))
			return;
		cur_len += 1 + len;
	}
	if (end_out) {
		/* All of it resolved: cur is the object ("" the root). */
		const char *obj = cur_len ? cur : "/";

		if (!end_out->last[0])
			strcpy(end_out->last, obj);
		strcpy(end_out->target, obj);
	}
	if (cur_len && !strcmp(cur, path)) {
		struct seen *s = seen_find(r, cur);

		if (s)
			s->walked = r->gen;
	}
}

/*
 * A walk of path unless it was walked since the run last changed a name
 * (then it has no link, "." or ".." in it, and names itself).
 */
static void walk_once(struct emu_rec *r, const char *path, struct walk_end *end)
{
	struct seen *s = seen_find(r, path);

	end->last[0] = end->target[0] = '\0';
	if (!s || s->walked != r->gen || s->listed_only) {
		walk(r, path, 0, end);
		return;
	}
	strcpy(end->last, path);
	strcpy(end->target, path);
}

/* A directory's names, recorded once (types only) so replay can list it. */
static void record_listing(struct emu_rec *r, const char *dir)
{
	struct seen *s = seen_find(r, dir);
	struct cow_dir *d;
	char child[PATH_MAX];

	if (!s || s->listed || s->runmade || !S_ISDIR(s->type))
		return;
	s->listed = true;
	if (cow_dir_open(r->store, dir, &d) < 0)
		return;
	for (size_t i = 2; i < cow_dir_count(d); i++) {
		const struct cow_dirent *e = cow_dir_get(d, i);
		int n = snprintf(child, sizeof(child), "%s/%s", strcmp(dir, "/") ? dir : "",
				 e->name);

		if (n < 0 || (size_t)n >= sizeof(child) || seen_find(r, child))
			continue;
		record(r, NULL, child, true);
	}
	cow_dir_close(d);
}

/* Before a directory is renamed away: everything under it, recorded. */
static void record_subtree(struct emu_rec *r, const char *dir, int depth)
{
	struct cow_dir *d;
	char child[PATH_MAX];

	if (depth > 256 || cow_dir_open(r->store, dir, &d) < 0)
		return;
	for (size_t i = 2; i < cow_dir_count(d); i++) {
		const struct cow_dirent *e = cow_dir_get(d, i);
		struct seen *s;
		int n = snprintf(child, sizeof(child), "%s/%s", strcmp(dir, "/") ? dir : "",
				 e->name);

		if (n < 0 || (size_t)n >= sizeof(child))
			continue;
		s = seen_find(r, child);
		if (s && (s->runmade || !s->listed_only)) {
			if (!s->runmade && S_ISDIR(s->type))
				record_subtree(r, child, depth + 1);
			continue;
		}
		s = record(r, s, child, false);
		if (s && S_ISDIR(s->type))
			record_subtree(r, child, depth + 1);
	}
	cow_dir_close(d);
}

/* ------------------------------------------------------------ the calls */

/*
 * Where descriptor fd's object is: its virtual path with the links on
 * the way resolved, which the copy-on-write layer sets at the open,
 * else the path it was opened by.  NULL: no path known.
 */
static const char *fd_path(const struct emu_cow_call *c, int fd)
{
	const struct emu_fd *f = fd >= 0 ? emu_files_get(c->files, fd) : NULL;

	if (!f || !f->open)
		return NULL;
	return f->vpath ? f->vpath : f->path;
}

static bool fd_in_scope(struct emu_rec *r, const struct emu_cow_call *c, uint64_t fdarg)
{
	int fd = (int)fdarg;
	const char *path;

	if (fd == AT_FDCWD)
		return c->fs && in_scope(r, c->fs->cwd);
	path = fd_path(c, fd);
	/*
	 * A descriptor the run opened itself: its path was walked then.  One
	 * it inherited (a redirected stdout) is nothing replay can have.  One
	 * opened through /proc/self/fd/N has the object's virtual path too.
	 */
	return path && in_scope(r, path) && seen_find(r, path);
}

/*
 * Path argument i as the kernel starts its walk (fs/namei.c
 * path_init, then the magic link of /proc/PID/fd/N): the guest's path
 * after the root, the cwd or dirfd's object, and a path through one of
 * the caller's /proc/self/fd/N after that descriptor's object.  Not
 * folded: walk() takes ".." after what it resolved.  *ret_fd: the
 * descriptor gone through, else -1.  0, -EBADF (no base known),
 * -ENAMETOOLONG.
 */
static int raw_path(const struct emu_cow_call *c, int dirfd_arg, int i, char *buf, size_t size,
		    int *ret_fd)
{
	const char *guest = c->path[i], *base = NULL, *rest;
	char tmp[PATH_MAX];
	int fd, n;

	*ret_fd = -1;
	if (guest[0] != '/') {
		int dirfd = dirfd_arg >= 0 ? (int)c->args[dirfd_arg] : AT_FDCWD;

		base = dirfd == AT_FDCWD ? (c->fs ? c->fs->cwd : NULL) : fd_path(c, dirfd);
		if (!base || base[0] != '/')
			return -EBADF;
	}
	n = base ? snprintf(buf, size, "%s/%s", strcmp(base, "/") ? base : "", guest)
		 : snprintf(buf, size, "%s", guest);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	fd = emu_replay_proc_fd(buf, c->tgid, c->tid, &rest);
	if (fd < 0 || !*rest)
		return 0;
	if (!(base = fd_path(c, fd)) || base[0] != '/')
		return -EBADF;
	n = snprintf(tmp, sizeof(tmp), "%s%s", strcmp(base, "/") ? base : "", rest);
	if (n < 0 || (size_t)n >= sizeof(tmp) || (size_t)n >= size)
		return -ENAMETOOLONG;
	memcpy(buf, tmp, (size_t)n + 1);
	*ret_fd = fd;
	return 0;
}

/* An openat2 whose struct open_how asks for RESOLVE_IN_ROOT. */
static bool in_root(const struct emu_cow_call *c, const struct emu_guest *g)
{
	uint64_t how[3];

	return c->args[3] >= sizeof(how) && g->read(g->ctx, c->args[2], how, sizeof(how)) == 0 &&
	       (how[2] & 0x10 /* RESOLVE_IN_ROOT */);
}

/*
 * Path argument i of a RESOLVE_IN_ROOT walk: from the dirfd's object,
 * absolute or not, with ".." stopping there (fs/namei.c follow_dotdot).
 * Lexical: a symbolic link on the way is still walked from "/" by
 * walk(), which can only record more than the call reached.
 */
static int rooted_path(const struct emu_cow_call *c, int dirfd_arg, int i, char *buf,
		       size_t size)
{
	int dirfd = dirfd_arg >= 0 ? (int)c->args[dirfd_arg] : AT_FDCWD;
	const char *base = dirfd == AT_FDCWD ? (c->fs ? c->fs->cwd : NULL) : fd_path(c, dirfd);
	const char *q = c->path[i];
	size_t root_len, len;

	if (!base || base[0] != '/' || (len = strlen(base)) >= size)
		return -EBADF;
	memcpy(buf, base, len + 1);
	root_len = len;
	while (*q) {
		size_t n;

		while (*q == '/')
			q++;
		n = strcspn(q, "/");
		if (!n)
			break;
		if (n == 2 && q[0] == '.' && q[1] == '.') {
			while (len > root_len && buf[len - 1] != '/')
				len--;
			if (len > root_len)
				len--;
			buf[len] = '\0';
		} else if (!(n == 1 && q[0] == '.')) {
			if (len + 1 + n >= size)
				return -ENAMETOOLONG;
			if (len != 1)
				buf[len++] = '/';
			memcpy(buf + len, q, n);
			len += n;
			buf[len] = '\0';
		}
		q += n;
	}
	return 0;
}

static bool is_open(long nr)
{
	return nr == __NR_open || nr == __NR_openat || nr == __NR_creat || nr == __NR_openat2;
}

/* The open flags of an open-family call (openat2: from its struct). */
static uint64_t open_flags(const struct emu_cow_call *c, const struct emu_guest *g)
{
	uint64_t how = 0;

	switch (c->nr) {
	case __NR_open:
		return c->args[1];
	case __NR_openat:
		return c->args[2];
	case __NR_creat:
		return O_CREAT | O_WRONLY | O_TRUNC;
	default:
		if (g->read(g->ctx, c->args[2], &how, sizeof(how)) < 0)
			return 0;
		return how;
	}
}

/* Calls that make, remove or move names (their paths become run-made). */
static bool changes_names(const struct emu_cow_call *c, const struct emu_guest *g)
{
	switch (c->nr) {
	case __NR_mkdir: case __NR_mkdirat: case __NR_mknod: case __NR_mknodat:
	case __NR_symlink: case __NR_symlinkat: case __NR_link: case __NR_linkat:
	case __NR_rename: case __NR_renameat: case __NR_renameat2:
	case __NR_unlink: case __NR_unlinkat: case __NR_rmdir:
		return true;
	default:
		/*
		 * O_CREAT.  Not O_TMPFILE (its own bit 020000000): its path is
		 * the directory, which it does not make, and its file has no
		 * name until a linkat gives it one.
		 */
		return is_open(c->nr) &&
		       (open_flags(c, g) & (O_CREAT | 020000000)) == O_CREAT;
	}
}

static bool is_rename(long nr)
{
	return nr == __NR_rename || nr == __NR_renameat || nr == __NR_renameat2;
}

static void enter_path(struct emu_rec *r, const struct emu_cow_call *c, const struct emu_guest *g,
		       struct emu_rec_pending *p)
{
	struct walk_end end;
	char raw[PATH_MAX];
	int dirfd_arg = -1;

	p->data = true;
	if (c->nr == __NR_getcwd) {
		p->data = c->fs && in_scope(r, c->fs->cwd);
		return;
	}
	for (int i = 0; i < c->sc->nargs; i++) {
		const char *abs, *last, *obj;
		int via_fd;

		if (c->sc->args[i].kind == EK_DIRFD)
			dirfd_arg = i;
		if (c->sc->args[i].kind != EK_PATH)
			continue;
		if (!c->args[i] || (c->path[i] && !c->path[i][0])) {
			/* utimensat(fd, NULL), AT_EMPTY_PATH: the descriptor's object. */
			if (dirfd_arg < 0 || !fd_in_scope(r, c, c->args[dirfd_arg]))
				p->data = false;
			continue;
		}
		abs = c->abs[i];
		if (abs) {
			const char *rest;
			int fd = emu_replay_proc_fd(abs, c->tgid, c->tid, &rest);

			/* chmod("/proc/self/fd/3"): how programs reach an O_PATH descriptor. */
			if (fd >= 0 && !*rest) {
				if (!fd_in_scope(r, c, (uint64_t)fd)) {
					p->data = false;
					return;
				}
				continue;
			}
		}
		if (c->nr == __NR_openat2 && in_root(c, g)) {
			/* RESOLVE_IN_ROOT: "/" and ".." stop at the dirfd. */
			if (rooted_path(c, dirfd_arg, i, raw, sizeof(raw)) < 0) {
				p->data = false;
				return;
			}
			abs = raw;
			via_fd = -1;
		} else if (abs && raw_path(c, dirfd_arg, i, raw, sizeof(raw), &via_fd) < 0) {
			abs = NULL;
		}
		if (!abs || (via_fd >= 0 ? !fd_in_scope(r, c, (uint64_t)via_fd)
					 : !in_scope(r, abs) || special(r, abs))) {
			p->data = false;
			return;
		}
		walk_once(r, raw, &end);
		/* What the call names (a link itself), and what it reaches. */
		last = end.last[0] ? end.last : abs;
		obj = end.target[0] ? end.target : last;
		if (is_rename(c->nr)) {
			struct seen *s = seen_find(r, last);

			/*
			 * The source's whole tree moves, and with RENAME_EXCHANGE
			 * the target's too; else the target must be seen empty or not.
			 */
			if (s && !s->runmade && S_ISDIR(s->type)) {
				if (i == (c->nr == __NR_rename ? 0 : 1) ||
				    (c->nr == __NR_renameat2 && (c->args[4] & RENAME_EXCHANGE)))
					record_subtree(r, last, 0);
				else
					record_listing(r, last);
			}
		}
		if (c->nr == __NR_rmdir ||
		    (c->nr == __NR_unlinkat && (c->args[2] & AT_REMOVEDIR))) {
			struct seen *s = seen_find(r, last);

			/* ENOTEMPTY or not: fs/namei.c vfs_rmdir asks the file system. */
			if (s && !s->runmade && S_ISDIR(s->type))
				record_listing(r, last);
		}
		if (is_open(c->nr) && !(open_flags(c, g) & O_PATH)) {
			struct seen *s = seen_find(r, obj);

			if (s && S_ISDIR(s->type))
				record_listing(r, obj);
		}
		if (p->n_abs < 2) {
			/* An open makes its file where a final link leads. */
			const char *made = is_open(c->nr) ? obj : last;
			size_t n = strnlen(made, sizeof(p->abs[0]) - 1);

			memcpy(p->abs[p->n_abs], made, n);
			p->abs[p->n_abs][n] = '\0';
			p->n_abs++;
		}
	}
	p->created = p->data && changes_names(c, g);
}

/*
 * bind and connect of an AF_UNIX path in the scope (net/unix/af_unix.c
 * unix_mkname_bsd: the name ends at the address's length): keep the
 * address as passed, its path relative to the caller's working directory
 * as the kernel takes it, and walk the path for its starting state.
 */
static bool unix_enter(struct emu_rec *r, const struct emu_cow_call *c, const struct emu_guest *g,
		       struct emu_rec_pending *p)
{
	struct sockaddr_un sa;
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	uint64_t len = c->args[2];
	struct walk_end end;
	char name[sizeof(sa.sun_path) + 1];
	int n;

	if (!c->args[1] || len <= off || len > sizeof(sa) || len > sizeof(p->addr) ||
	    g->read(g->ctx, c->args[1], &sa, (size_t)len) < 0 || sa.sun_family != AF_UNIX ||
	    !sa.sun_path[0])
		return false;
	memcpy(name, sa.sun_path, (size_t)len - off);
	name[len - off] = '\0';
	if (name[0] == '/')
		n = snprintf(p->abs[0], sizeof(p->abs[0]), "%s", name);
	else if (c->fs && c->fs->cwd)
		n = snprintf(p->abs[0], sizeof(p->abs[0]), "%s/%s",
			     strcmp(c->fs->cwd, "/") ? c->fs->cwd : "", name);
	else
		return false;
	if (n < 0 || (size_t)n >= sizeof(p->abs[0]) || !in_scope(r, p->abs[0]) ||
	    special(r, p->abs[0]))
		return false;
	walk_once(r, p->abs[0], &end);
	if (end.last[0]) {
		/* The node is made at the last component itself (a link there: EADDRINUSE). */
		size_t k = strnlen(end.last, sizeof(p->abs[0]) - 1);

		memcpy(p->abs[0], end.last, k);
		p->abs[0][k] = '\0';
	}
	p->n_abs = 1;
	memcpy(p->addr, &sa, (size_t)len);
	p->addr_len = (uint8_t)len;
	p->created = c->nr == __NR_bind;
	return true;
}

void emu_rec_enter(struct emu_rec *r, const struct emu_cow_call *c, const struct emu_guest *g,
		   struct emu_rec_pending *p)
{
	enum emu_replay_kind kind = emu_replay_kind(c->abi, c->nr);

	p->data = false;
	p->created = false;
	p->n_abs = 0;
	p->has_off = 0;
	p->addr_len = 0;
	if (!r || !r->w || kind == EMU_RK_NONE || !c->sc)
		return;
	switch (kind) {
	case EMU_RK_STATE:
		if (c->nr == __NR_bind || c->nr == __NR_connect) {
			p->data = unix_enter(r, c, g, p);
			break;
		}
		p->data = c->nr == __NR_clone || c->nr == __NR_clone3 || c->nr == __NR_fork ||
			  c->nr == __NR_vfork || emu_replay_is_setid(c->nr);
		break;
	case EMU_RK_PATH:
		enter_path(r, c, g, p);
		break;
	case EMU_RK_FD:
		p->data = fd_in_scope(r, c, c->args[0]);
		if (c->nr == __NR_sendfile) {
			p->data = p->data && fd_in_scope(r, c, c->args[1]);
			if (c->args[2] && g->read(g->ctx, c->args[2], &p->off[0], 8) == 0)
				p->has_off = 1;
		} else if (c->nr == __NR_copy_file_range) {
			p->data = p->data && fd_in_scope(r, c, c->args[2]);
			if (c->args[1] && g->read(g->ctx, c->args[1], &p->off[0], 8) == 0)
				p->has_off |= 1;
			if (c->args[3] && g->read(g->ctx, c->args[3], &p->off[1], 8) == 0)
				p->has_off |= 2;
		}
		break;
	default:
		break;
	}
}

static unsigned char *buf_reserve(struct emu_rec *r, size_t len)
{
	if (len > r->buf_cap) {
		size_t cap = r->buf_cap ? r->buf_cap : 4096;
		unsigned char *n;

		while (cap < len)
			cap *= 2;
		if (!(n = realloc(r->buf, cap)))
			return NULL;
		r->buf = n;
		r->buf_cap = cap;
	}
	return r->buf;
}

/* Bytes at addr of the program into the data buffer; their length or -1. */
static long grab(struct emu_rec *r, const struct emu_guest *g, size_t off, uint64_t addr,
		 size_t len)
{
	if (len > DATA_MAX || off + len > DATA_MAX || !buf_reserve(r, off + len))
		return -1;
	if (len && g->read(g->ctx, addr, r->buf + off, len) < 0)
		return -1;
	return (long)len;
}

/* The bytes an iovec array holds, up to total, into the buffer at off. */
static long grab_iov(struct emu_rec *r, const struct emu_guest *g, size_t off, uint64_t iov_addr,
		     uint64_t iovcnt, uint64_t total, uint64_t *ret_asked)
{
	struct iovec iov[64];
	uint64_t done = 0, asked = 0;

	if (iovcnt > IOV_MAX_READ)
		return -1;
	for (uint64_t k = 0; k < iovcnt; k += 64) {
		size_t n = iovcnt - k < 64 ? (size_t)(iovcnt - k) : 64;

		if (g->read(g->ctx, iov_addr + k * sizeof(struct iovec), iov, n * sizeof(*iov)) < 0)
			return -1;
		for (size_t j = 0; j < n; j++) {
			uint64_t want = iov[j].iov_len;

			asked += want;
			if (done < total) {
				if (want > total - done)
					want = total - done;
				if (grab(r, g, off + done, (uint64_t)(uintptr_t)iov[j].iov_base,
					 (size_t)want) < 0)
					return -1;
				done += want;
			}
		}
	}
	*ret_asked = asked;
	return (long)done;
}

/*
 * The caller's file system credentials after a set*id call, as the kernel
 * left them (whatever the call returned): u32 ruid, u32 rgid, u32 fsuid,
 * u32 fsgid, u32 number of groups, then the groups.  Replay takes them on for the process's
 * later calls, so that a program that drops privileges is checked as it
 * was.
 */
static long record_cred(struct emu_rec *r, pid_t tid)
{
	struct emu_proc_cred pc;
	uint32_t head[5];
	size_t n;

	if (emu_read_proc_cred(tid, &pc) < 0)
		return -1;
	n = pc.cred.ngroups;
	head[0] = (uint32_t)pc.ruid;
	head[1] = (uint32_t)pc.rgid;
	head[2] = (uint32_t)pc.cred.fsuid;
	head[3] = (uint32_t)pc.cred.fsgid;
	head[4] = (uint32_t)n;
	if (!buf_reserve(r, sizeof(head) + n * 4))
		return -1;
	memcpy(r->buf, head, sizeof(head));
	for (size_t i = 0; i < n; i++) {
		uint32_t g = (uint32_t)pc.groups[i];

		memcpy(r->buf + sizeof(head) + i * 4, &g, 4);
	}
	return (long)(sizeof(head) + n * 4);
}

/*
 * lseek on a directory: the offset is a cookie of the file system the run
 * listed (an ext4 name hash, a tmpfs index, pcow's own index into a
 * merged listing), meaningless in replay's scratch tree.  What replay
 * needs is the position it names: how many entries a listing from the
 * start returns before it.  A merged listing's offset is that number
 * already (cowsys.c do_getdents); for a directory the kernel serves, it
 * is read again through /proc/TID/fd/N, a new open file description (the
 * program's position stays), until an entry's d_off is the offset.  The
 * u64 goes into the buffer: 8, or 0 when fd is no directory or the offset
 * is none of its entries' (replay then seeks to the offset as it is).
 */
static long dir_position(struct emu_rec *r, const struct emu_cow_call *c, int fd, int64_t off)
{
	const struct emu_fd *f = emu_files_get(c->files, fd);
	const struct dir_state *ds = f ? dir_state_of(f->dir) : NULL;
	const struct seen *s;
	const char *path;
	uint64_t k = 0;
	char name[64], *buf;
	bool found = off == 0;
	int dfd;

	if (!f)
		return 0;
	if (ds && !ds->native) {
		k = (uint64_t)off;
		goto out;
	}
	/* Most lseeks are on files: known as such, no open. */
	path = fd_path(c, fd);
	if (path && (s = seen_find(r, path)) && !s->runmade && !S_ISDIR(s->type))
		return 0;
	snprintf(name, sizeof(name), "/proc/%d/fd/%d", (int)c->tid, fd);
	dfd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME);
	if (dfd < 0 && errno == EPERM)
		dfd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	if (!(buf = malloc(32768))) {
		close(dfd);
		return 0;
	}
	while (!found) {
		long n = syscall(__NR_getdents64, dfd, buf, 32768);

		if (n <= 0)
			break;
		for (long pos = 0; pos + 19 <= n && !found;) {
			int64_t d_off;
			uint16_t reclen;

			memcpy(&d_off, buf + pos + 8, 8);
			memcpy(&reclen, buf + pos + 16, 2);
			if (!reclen)
				break;
			k++;
			found = d_off == off;
			pos += reclen;
		}
	}
	free(buf);
	close(dfd);
	if (!found)
		return 0;
out:
	if (!buf_reserve(r, 8))
		return 0;
	memcpy(r->buf, &k, 8);
	return 8;
}

static void mark_made(struct emu_rec *r, const char *path)
{
	struct seen *s = seen_find(r, path);

	if (!s)
		s = seen_add(r, path);
	if (s)
		s->runmade = true;
	r->gen++;
}

/* The strings the call was passed, packed for calldata.strs. */
static size_t pack_strs(const struct emu_cow_call *c, char *out, size_t size, uint8_t *ret_mask)
{
	size_t o = 0;

	*ret_mask = 0;
	for (int i = 0; c->sc && i < c->sc->nargs; i++) {
		size_t n;

		if ((c->sc->args[i].kind != EK_PATH && c->sc->args[i].kind != EK_STR) ||
		    !c->path[i])
			continue;
		n = strlen(c->path[i]);
		if (o + n + 1 > size)
			break;
		memcpy(out + o, c->path[i], n + 1);
		o += n + 1;
		*ret_mask |= (uint8_t)(1u << i);
	}
	return o;
}

void emu_rec_exit(struct emu_rec *r, const struct emu_cow_call *c, const struct emu_guest *g,
		  struct emu_rec_pending *p, int64_t result)
{
	struct db_calldata cd;
	uint64_t u64 = 0;
	long n = 0;
	bool ok = result >= 0;

	if (!r || !p->data)
		return;
	if (p->created && ok)
		for (int i = 0; i < p->n_abs; i++)
			mark_made(r, p->abs[i]);
	memset(&cd, 0, sizeof(cd));
	cd.strs = r->strs;
	cd.strs_len = (uint32_t)pack_strs(c, r->strs, sizeof(r->strs), &cd.smask);

	switch (c->nr) {
	case __NR_write:
	case __NR_pwrite64:
		if (ok)
			n = grab(r, g, 0, c->args[1], (size_t)result);
		break;
	case __NR_writev:
	case __NR_pwritev:
	case __NR_pwritev2:
		if (ok)
			n = grab_iov(r, g, 0, c->args[1], c->args[2], (uint64_t)result, &u64);
		break;
	case __NR_read:
	case __NR_pread64:
		if (ok && grab(r, g, 0, c->args[1], (size_t)result) >= 0) {
			cd.hash = cow_hash_buf(r->buf, (size_t)result);
			cd.has_hash = true;
		}
		break;
	case __NR_readv:
	case __NR_preadv:
	case __NR_preadv2: {
		long got = ok ? grab_iov(r, g, 8, c->args[1], c->args[2], (uint64_t)result, &u64)
			      : -1;

		if (got >= 0) {
			cd.hash = cow_hash_buf(r->buf + 8, (size_t)got);
			cd.has_hash = true;
			memcpy(r->buf, &u64, 8);
			n = 8;
		}
		break;
	}
	case __NR_stat:
	case __NR_lstat:
	case __NR_fstat:
		if (ok)
			n = grab(r, g, 0, c->args[1], sizeof(struct stat));
		break;
	case __NR_newfstatat:
		if (ok)
			n = grab(r, g, 0, c->args[2], sizeof(struct stat));
		break;
	case __NR_statx:
		if (ok)
			n = grab(r, g, 0, c->args[4], 256);
		break;
	case __NR_readlink:
		if (ok)
			n = grab(r, g, 0, c->args[1], (size_t)result);
		break;
	case __NR_readlinkat:
		if (ok)
			n = grab(r, g, 0, c->args[2], (size_t)result);
		break;
	case __NR_getdents:
	case __NR_getdents64:
		if (ok && grab(r, g, 0, c->args[1], (size_t)result) >= 0)
			n = (long)emu_replay_pack_dirents(r->buf, r->buf, (size_t)result,
							  c->nr == __NR_getdents64);
		break;
	case __NR_getcwd:
		if (ok)
			n = grab(r, g, 0, c->args[0], (size_t)result);
		break;
	case __NR_lseek:
		if (ok)
			n = dir_position(r, c, (int)c->args[0], result);
		break;
	case __NR_setxattr:
	case __NR_lsetxattr:
	case __NR_fsetxattr:
		n = grab(r, g, 0, c->args[2], (size_t)c->args[3]);
		break;
	case __NR_getxattr:
	case __NR_lgetxattr:
	case __NR_fgetxattr:
		if (ok && c->args[3])
			n = grab(r, g, 0, c->args[2], (size_t)result);
		break;
	case __NR_clone:
	case __NR_clone3:
	case __NR_fork:
	case __NR_vfork:
		u64 = c->nr == __NR_clone ? c->args[0]
		      : c->nr == __NR_fork ? EMU_FORK_FLAGS
		      : c->nr == __NR_vfork ? EMU_VFORK_FLAGS
					    : 0;
		if (c->nr == __NR_clone3)
			g->read(g->ctx, c->args[0], &u64, 8);
		if (buf_reserve(r, 8)) {
			memcpy(r->buf, &u64, 8);
			n = 8;
		}
		break;
	case __NR_openat2:
		/* All of it: a larger struct's nonzero tail is E2BIG (copy_struct_from_user). */
		n = grab(r, g, 0, c->args[2], c->args[3] < 4096 ? (size_t)c->args[3] : 4096);
		break;
	case __NR_utimensat:
		if (c->args[2])
			n = grab(r, g, 0, c->args[2], 32);
		break;
	case __NR_utimes:
		if (c->args[1])
			n = grab(r, g, 0, c->args[1], 32);
		break;
	case __NR_futimesat:
		if (c->args[2])
			n = grab(r, g, 0, c->args[2], 32);
		break;
	case __NR_utime:
		if (c->args[1])
			n = grab(r, g, 0, c->args[1], 16);
		break;
	case __NR_sendfile:
		if ((p->has_off & 1) && buf_reserve(r, 8)) {
			memcpy(r->buf, &p->off[0], 8);
			n = 8;
		}
		break;
	case __NR_copy_file_range:
		if (buf_reserve(r, 24)) {
			memset(r->buf, 0, 24);
			r->buf[0] = p->has_off & 1;
			r->buf[1] = (p->has_off >> 1) & 1;
			memcpy(r->buf + 8, &p->off[0], 8);
			memcpy(r->buf + 16, &p->off[1], 8);
			n = 24;
		}
		break;
	case __NR_connect: {
		struct seen *s = seen_find(r, p->abs[0]);

		/*
		 * A refused or failed connect replays as it was (a rebuilt
		 * socket node has no listener); a successful one only to a
		 * socket this run bound, not to a daemon outside the run.
		 */
		if (ok && !(s && s->runmade))
			return; /* no call data: skipped */
	}
		/* fall through */
	case __NR_bind:
		if (buf_reserve(r, p->addr_len)) {
			memcpy(r->buf, p->addr, p->addr_len);
			n = p->addr_len;
		}
		break;
	default:
		if (emu_replay_is_setid(c->nr))
			n = record_cred(r, c->tid);
		break;
	}
	if (n < 0) {
		/* What the call wrote or returned is unreadable: replay skips it. */
		cd.smask = 0xff;
		cd.strs_len = 0;
		n = 0;
	}
	cd.data = n > 0 ? r->buf : NULL;
	cd.data_len = (uint32_t)n;
	if (g->attach)
		g->attach(g->ctx, &cd);
}
