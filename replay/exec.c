/*
 * replay/exec.c — the replay executor: rebuild the starting tree, then
 * re-run each recorded call against the running kernel and stream the
 * results.
 *
 * The executor is one process that plays every recorded process: a table
 * maps each recorded (pid → descriptor table, working directory, umask),
 * and each descriptor table maps the program's descriptor numbers to the
 * executor's own descriptors.  fork copies a table with dup(), so the
 * copies share open file descriptions (and offsets) as the kernel's do;
 * CLONE_FILES and CLONE_FS share the tables themselves; execve closes
 * the descriptors whose real copy has FD_CLOEXEC, which the replayed
 * open flags and fcntl calls have set exactly as the program's were.
 *
 * Arguments are rebuilt by the syscall table's kinds: paths and strings
 * from the recording, descriptors through the table, output buffers the
 * executor's own; the call is then made with syscall(2).  Paths are
 * passed as the program wrote them, relative ones against the process's
 * working directory (fchdir before its calls), inside a chroot to the
 * scratch tree so absolute paths and symbolic links resolve there.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "cow/cow.h"
#include "emu/replayrec.h"
#include "emu/syscalls.h"
#include "replay/replay.h"

#define OUT_MAX (64u << 20) /* the largest output buffer the executor allocates */
#define ERRMSG_SIZE 512

#ifndef CLONE_THREAD
#define CLONE_THREAD 0x00010000
#endif

/* ---------------------------------------------------------- rebuild */

/* Write all of buf to fd (-EBADF when fd < 0). */
static int write_all_fd(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int join(char *buf, size_t size, const char *root, const char *path)
{
	int n = snprintf(buf, size, "%s%s", root, strcmp(path, "/") ? path : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int mkdir_parents(char *path)
{
	char *slash = strrchr(path, '/');
	int err = 0;

	if (!slash || slash == path)
		return 0;
	*slash = '\0';
	if (access(path, F_OK) < 0) {
		err = mkdir_parents(path);
		if (!err && mkdir(path, 0755) < 0 && errno != EEXIST)
			err = -errno;
	}
	*slash = '/';
	return err;
}

int replay_copy(const char *src, const char *dst, mode_t mode, uint64_t *ret_hash)
{
	struct cow_hasher h;
	char buf[65536];
	int in, out, err = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode | 0200);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	cow_hash_init(&h);
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (ret_hash)
			cow_hash_update(&h, buf, (size_t)n);
		if (write(out, buf, (size_t)n) != n) {
			err = errno ? -errno : -EIO;
			break;
		}
	}
	if (n < 0)
		err = -errno;
	if (ret_hash)
		*ret_hash = cow_hash_final(&h);
	close(in);
	if (close(out) < 0 && !err)
		err = -errno;
	return err;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

int replay_remove_tree(const char *dir)
{
	return nftw(dir, remove_one, 32, FTW_DEPTH | FTW_PHYS);
}

static int write_content(const char *dst, const void *data, size_t len, mode_t mode)
{
	int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode | 0200);
	int err = write_all_fd(fd, data, len);

	if (fd >= 0)
		close(fd);
	return err;
}

/* Hard links among the copied files: (dev, ino) of the real file → copy. */
struct link_seen {
	int64_t dev, ino;
	char *copy;
	int64_t nlink, made;
};

static struct link_seen *link_find(struct link_seen *l, size_t n, int64_t dev, int64_t ino)
{
	for (size_t i = 0; i < n; i++)
		if (l[i].dev == dev && l[i].ino == ino)
			return &l[i];
	return NULL;
}

static void copy_xattrs(const char *src, const char *dst)
{
	char names[4096], value[4096];
	ssize_t len = llistxattr(src, names, sizeof(names));

	for (ssize_t o = 0; len > 0 && o < len; o += (ssize_t)strlen(names + o) + 1) {
		ssize_t v = lgetxattr(src, names + o, value, sizeof(value));

		if (v >= 0)
			lsetxattr(dst, names + o, value, (size_t)v, 0);
	}
}

/*
 * Why the real objects differ from what the run started from (NULL: they
 * do not).  regular_why judges a copy that gave err and hash h.
 */
static const char *regular_why(const struct replay_touch *t, int err, uint64_t h)
{
	if (err == -ENOENT || err == -ELOOP || err == -ENOTDIR)
		return "no longer exists";
	if (!err && t->has_hash && h != t->hash)
		return "content changed";
	return NULL;
}

static const char *link_why(const struct replay_touch *t, const char *src)
{
	const char *target = t->target ? t->target : "";
	char now[PATH_MAX];
	ssize_t n = readlink(src, now, sizeof(now) - 1);

	if (n < 0 || (size_t)n != strlen(target) || memcmp(now, target, (size_t)n))
		return "symbolic link changed";
	return NULL;
}

static const char *type_why(const struct replay_touch *t, const char *src)
{
	struct stat st;

	if (lstat(src, &st) == 0 && (st.st_mode & S_IFMT) != t->type)
		return "type changed";
	return NULL;
}

/* The plan carries this object (a bundle's, or one from the overlay). */
static bool from_plan(const struct replay_touch *t)
{
	return t->source && !t->source[0];
}

static const char *real_path(const struct replay_touch *t)
{
	return t->source && t->source[0] ? t->source : t->path;
}

/* Make one object; 1 when its real file changed since the run. */
static int make_one(const struct replay_touch *t, const char *dst, replay_changed_fn changed,
		    void *opaque, struct link_seen **links, size_t *n_links)
{
	struct stat st;
	const char *why = NULL;
	bool upper = from_plan(t);
	const char *src = real_path(t);
	int err = 0;

	/* A full record replaces a placeholder made from a listing. */
	if (lstat(dst, &st) == 0) {
		if (S_ISDIR(st.st_mode) && S_ISDIR(t->type))
			return 0;
		if (S_ISDIR(st.st_mode))
			rmdir(dst);
		else
			unlink(dst);
	}
	/* Hard links among the touched objects are links again. */
	if (t->type != S_IFDIR && t->nlink > 1 && !t->listed) {
		struct link_seen *prev = link_find(*links, *n_links, t->dev, t->ino);

		if (prev && link(prev->copy, dst) == 0) {
			prev->made++;
			return 0;
		}
	}
	switch (t->type) {
	case S_IFDIR:
		if (mkdir(dst, 0700) < 0 && errno != EEXIST)
			err = -errno;
		break;
	case S_IFREG: {
		uint64_t h = 0;

		if (t->listed) {
			err = write_content(dst, "", 0, 0600);
			break;
		}
		if (t->has_content) {
			err = write_content(dst, t->content, t->content_len, 0600);
			break;
		}
		if (upper) {
			/* An overlay file too big to keep: nothing to copy from. */
			why = "its content was not recorded";
			err = write_content(dst, "", 0, 0600);
			break;
		}
		err = replay_copy(src, dst, 0600, &h);
		why = regular_why(t, err, h);
		if (why && err)
			err = write_content(dst, "", 0, 0600);
		break;
	}
	case S_IFLNK:
		if (!t->listed && !upper)
			why = link_why(t, src);
		if (symlink(t->target ? t->target : "", dst) < 0)
			err = -errno;
		break;
	case S_IFIFO:
		if (mkfifo(dst, 0600) < 0)
			err = -errno;
		break;
	case S_IFCHR:
	case S_IFBLK: {
		struct stat real;
		dev_t rdev = (dev_t)t->rdev;

		if (!upper && stat(src, &real) == 0 && (real.st_mode & S_IFMT) == t->type)
			rdev = real.st_rdev;
		if ((!upper || t->rdev) && mknod(dst, t->type | 0600, rdev) == 0)
			break;
		err = write_content(dst, "", 0, 0600); /* not root: a stand-in */
		break;
	}
	default:
		return 0; /* sockets: nothing to make */
	}
	/* The real object's type may have changed under the same name. */
	if (!err && !why && !t->listed && !upper && t->type != S_IFLNK && t->type != S_IFDIR)
		why = type_why(t, src);
	if (err)
		return err;
	if (t->type != S_IFDIR && t->nlink > 1 && !t->listed) {
		struct link_seen *n = realloc(*links, (*n_links + 1) * sizeof(*n));

		if (n) {
			*links = n;
			n[*n_links] = (struct link_seen){ t->dev, t->ino, strdup(dst), t->nlink, 1 };
			if (n[*n_links].copy)
				(*n_links)++;
		}
	}
	if (geteuid() == 0)
		lchown(dst, (uid_t)t->uid, (gid_t)t->gid);
	if (t->type != S_IFLNK && t->type != S_IFDIR)
		chmod(dst, t->mode & 07777);
	if (!t->listed && !upper)
		copy_xattrs(src, dst);
	if (why && changed)
		changed(t->path, why, opaque);
	return why ? 1 : 0;
}

/* Read the real regular file src whole into the plan, hashing it. */
static int read_hash(struct replay_plan *plan, const char *src, const unsigned char **ret,
		     uint64_t *ret_len, uint64_t *ret_hash)
{
	int fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	unsigned char *buf;
	size_t len = 0;
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = S_ISREG(st.st_mode) ? -errno : -EINVAL;
		close(fd);
		return err;
	}
	buf = replay_plan_keep(plan, NULL, (size_t)st.st_size);
	while (buf && len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	*ret = buf;
	*ret_len = len;
	*ret_hash = cow_hash_buf(buf, len);
	return err;
}

int replay_plan_embed(struct replay_plan *plan, replay_changed_fn changed, void *opaque,
		      size_t *ret_changed, char *errmsg)
{
	size_t n_changed = 0;

	for (size_t i = 0; i < plan->n_touches; i++) {
		struct replay_touch *t = &plan->touches[i];
		const char *src = real_path(t), *why = NULL;
		struct stat st;

		if (!t->type || t->path[0] != '/' || t->listed || from_plan(t)) {
			if (from_plan(t) && S_ISREG(t->type) && !t->has_content && !t->listed)
				why = "its content was not recorded";
		} else if (S_ISREG(t->type)) {
			uint64_t h = 0;
			int err = 0;

			t->content_len = 0;
			why = type_why(t, src);
			if (!why)
				err = read_hash(plan, src, &t->content, &t->content_len, &h);
			if (err == -ENOMEM) {
				snprintf(errmsg, ERRMSG_SIZE, "out of memory reading %.400s", src);
				return err;
			}
			if (!why)
				why = regular_why(t, err, h);
			if (!why && err) {
				snprintf(errmsg, ERRMSG_SIZE, "%.400s: %s", src, strerror(-err));
				return err;
			}
			t->has_content = true;
			if (why)
				t->content_len = 0;
		} else if (S_ISLNK(t->type)) {
			why = link_why(t, src);
		} else if ((S_ISCHR(t->type) || S_ISBLK(t->type)) && stat(src, &st) == 0 &&
			   (st.st_mode & S_IFMT) == t->type) {
			t->rdev = (uint64_t)st.st_rdev;
		}
		if (!why && t->type && !t->listed && !from_plan(t) && !S_ISLNK(t->type) &&
		    !S_ISDIR(t->type))
			why = type_why(t, src);
		if (t->type && t->path[0] == '/' && !t->listed)
			t->source = "";
		if (why) {
			n_changed++;
			if (changed)
				changed(t->path, why, opaque);
		}
	}
	*ret_changed = n_changed;
	return 0;
}

static void set_times(const struct replay_touch *t, const char *dst)
{
	struct timespec ts[2];

	ts[0].tv_sec = t->mtime_ns / 1000000000;
	ts[0].tv_nsec = t->mtime_ns % 1000000000;
	ts[1] = ts[0];
	utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
}

/* An absolute path without empty, "." or ".." names (as the recorder writes them). */
static bool canonical(const char *path)
{
	const char *p = path;

	if (*p != '/')
		return false;
	if (!strcmp(path, "/"))
		return true;
	while (*p == '/') {
		const char *name = ++p;

		while (*p && *p != '/')
			p++;
		if (p == name || (p - name == 1 && name[0] == '.') ||
		    (p - name == 2 && name[0] == '.' && name[1] == '.'))
			return false;
	}
	return *p == '\0';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Refuse a starting tree that would reach outside root: every path
 * canonical, and none below one of the tree's own symbolic links (a
 * recording names objects by their resolved paths; a forged log or bundle
 * could use a link to /etc to write there).  0, or -EINVAL with errmsg.
 */
static int check_tree(const struct replay_plan *plan, char *errmsg)
{
	const char **links = malloc((plan->n_touches + 1) * sizeof(*links));
	size_t n_links = 0;
	int err = 0;

	if (!links) {
		snprintf(errmsg, ERRMSG_SIZE, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < plan->n_touches; i++)
		if (S_ISLNK(plan->touches[i].type))
			links[n_links++] = plan->touches[i].path;
	qsort(links, n_links, sizeof(*links), cmp_str);
	for (size_t i = 0; i < plan->n_touches && !err; i++) {
		const char *path = plan->touches[i].path;
		char prefix[PATH_MAX];

		if (!plan->touches[i].type)
			continue;
		if (!canonical(path) || strlen(path) >= sizeof(prefix)) {
			snprintf(errmsg, ERRMSG_SIZE,
				 "the recorded starting tree is malformed: %.400s is not a canonical path",
				 path);
			err = -EINVAL;
			break;
		}
		for (const char *slash = strchr(path + 1, '/'); slash && n_links;
		     slash = strchr(slash + 1, '/')) {
			const char *key = prefix;

			memcpy(prefix, path, (size_t)(slash - path));
			prefix[slash - path] = '\0';
			if (bsearch(&key, links, n_links, sizeof(*links), cmp_str)) {
				snprintf(errmsg, ERRMSG_SIZE,
					 "the recorded starting tree is malformed: %.300s lies below"
					 " the symbolic link %.100s",
					 path, prefix);
				err = -EINVAL;
				break;
			}
		}
	}
	free(links);
	return err;
}

int replay_rebuild(const struct replay_plan *plan, const char *root, replay_changed_fn changed,
		   void *opaque, size_t *ret_changed, char *errmsg)
{
	struct link_seen *links = NULL;
	size_t n_links = 0, n_changed = 0;
	char dst[PATH_MAX];
	int err = check_tree(plan, errmsg);

	*ret_changed = 0;
	if (err)
		return err;
	for (size_t i = 0; i < plan->n_touches; i++) {
		const struct replay_touch *t = &plan->touches[i];
		int r;

		if (!t->type || t->path[0] != '/')
			continue;
		if (join(dst, sizeof(dst), root, t->path) < 0)
			continue;
		if (strcmp(t->path, "/") && (err = mkdir_parents(dst)) < 0)
			break;
		r = strcmp(t->path, "/") ? make_one(t, dst, changed, opaque, &links, &n_links) : 0;
		if (r < 0) {
			err = r;
			break;
		}
		n_changed += (size_t)r;
	}
	if (err)
		snprintf(errmsg, ERRMSG_SIZE, "%.400s: cannot make the starting tree: %s", dst,
			 strerror(-err));
	/* Modes and times last, deepest first, so directories stay writable until then. */
	for (size_t i = plan->n_touches; !err && i-- > 0;) {
		const struct replay_touch *t = &plan->touches[i];

		if (!t->type || join(dst, sizeof(dst), root, t->path) < 0)
			continue;
		if (t->type == S_IFDIR) {
			if (geteuid() == 0)
				lchown(dst, (uid_t)t->uid, (gid_t)t->gid);
			chmod(dst, t->mode & 07777);
		}
		if (!t->listed)
			set_times(t, dst);
	}
	/*
	 * Links the run never touched still count in st_nlink: stand-ins for
	 * them go to /.pcow-nlink, which only a listing of / would show.
	 */
	for (size_t i = 0; !err && i < n_links; i++) {
		for (int64_t k = links[i].made; k < links[i].nlink && k < 64; k++) {
			char name[PATH_MAX];

			snprintf(name, sizeof(name), "%.3800s/.pcow-nlink", root);
			mkdir(name, 0700);
			snprintf(name, sizeof(name), "%.3800s/.pcow-nlink/%zu.%lld", root, i,
				 (long long)k);
			link(links[i].copy, name);
		}
	}
	for (size_t i = 0; i < n_links; i++)
		free(links[i].copy);
	free(links);
	*ret_changed = n_changed;
	return err;
}

/* ---------------------------------------------------------- the stream */

struct wire {
	uint32_t step;
	uint8_t status, flags, pad[2];
	int64_t ret;
	uint64_t hash;
	uint32_t stream, out_len;
};

static void to_wire(struct wire *w, const struct replay_result *r)
{
	memset(w, 0, sizeof(*w));
	w->step = r->step;
	w->status = r->status;
	w->flags = r->flags;
	w->ret = r->ret;
	w->hash = r->hash;
	w->stream = r->stream;
	w->out_len = r->out_len;
}

/* The executor's results, written a buffer at a time. */
struct outbuf {
	int fd;
	size_t len;
	unsigned char buf[256 * 1024];
};

static int out_flush(struct outbuf *o)
{
	int err = write_all_fd(o->fd, o->buf, o->len);

	o->len = 0;
	return err;
}

static int out_put(struct outbuf *o, const void *p, size_t n)
{
	if (o->len + n > sizeof(o->buf)) {
		int err = out_flush(o);

		if (err)
			return err;
		if (n > sizeof(o->buf))
			return write_all_fd(o->fd, p, n);
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

static int out_result(struct outbuf *o, const struct replay_result *r)
{
	struct wire w;
	int err;

	to_wire(&w, r);
	err = out_put(o, &w, sizeof(w));
	if (!err && r->out_len)
		err = out_put(o, r->out, r->out_len);
	return err;
}

int replay_result_read(FILE *in, struct replay_result *r)
{
	struct wire w;
	size_t n = fread(&w, 1, sizeof(w), in);

	memset(r, 0, sizeof(*r));
	if (n == 0)
		return 0;
	if (n != sizeof(w) || w.out_len > OUT_MAX)
		return -EBADMSG;
	r->step = w.step;
	r->status = w.status;
	r->flags = w.flags;
	r->ret = w.ret;
	r->hash = w.hash;
	r->stream = w.stream;
	r->out_len = w.out_len;
	if (w.out_len) {
		r->out = malloc(w.out_len);
		if (!r->out)
			return -ENOMEM;
		if (fread(r->out, 1, w.out_len, in) != w.out_len) {
			free(r->out);
			r->out = NULL;
			return -EBADMSG;
		}
	}
	return 1;
}

/* -------------------------------------------------------- the processes */

struct xfiles {
	int refs;
	int *map;	/* program's fd → executor's fd, -1 none */
	uint32_t *sid;	/* program's fd → its open file description (a stream id), 0 none */
	size_t cap;
};

struct xfs {
	int refs;
	int cwd;	/* O_PATH descriptor of the working directory */
	mode_t umask;
};

/* File system credentials: what the kernel checks a file call against. */
struct xcred {
	uid_t ruid, fsuid;
	gid_t rgid, fsgid;
	uint32_t n_groups;
	gid_t groups[64];
};

struct xproc {
	int32_t tgid;		/* the process; or, with thread set, the thread's tid */
	bool thread;		/* a thread whose descriptors or cwd are its own (unshare) */
	struct xfiles *files;
	struct xfs *fs;
	struct xcred cred;	/* the process's, as the last set*id left them */
};

struct exec {
	const struct replay_plan *plan;
	struct xproc *procs;
	size_t n_procs, cap_procs;
	struct xproc *cur;	/* whose cwd and umask are the executor's now */
	size_t n_threads;	/* procs that are threads with tables of their own */
	uint32_t last_sid;	/* the stream id of the newest open file description */
	bool setid;		/* root: the executor takes on each process's credentials */
	struct xcred cred;	/* the executor's credentials now (when setid) */
	unsigned char *out;
	size_t out_cap;
	int out_fd;
	_Alignas(16) unsigned char scratch[4096];
	char pathbuf[PATH_MAX];
};

static struct xfiles *files_new(void)
{
	return calloc(1, sizeof(struct xfiles));
}

static void files_put(struct xfiles *f)
{
	if (!f || --f->refs > 0)
		return;
	for (size_t i = 0; i < f->cap; i++)
		if (f->map[i] >= 0)
			close(f->map[i]);
	free(f->map);
	free(f->sid);
	free(f);
}

static int files_get(const struct xfiles *f, int fd)
{
	return fd >= 0 && (size_t)fd < f->cap ? f->map[fd] : -1;
}

/*
 * The open file description fd refers to, as a stream id: descriptors
 * made by dup, fcntl(F_DUPFD) and fork share their original's, as they
 * share its position (a directory listing begun through one goes on
 * through the other); 0 for none.
 */
static uint32_t files_sid(const struct xfiles *f, int fd)
{
	return fd >= 0 && (size_t)fd < f->cap && f->map[fd] >= 0 ? f->sid[fd] : 0;
}

/*
 * Map fd to real, of the open file description sid (closing what it
 * mapped before); -ENOMEM.
 */
static int files_set(struct xfiles *f, int fd, int real, uint32_t sid)
{
	if (fd < 0)
		return 0;
	if ((size_t)fd >= f->cap) {
		size_t cap = f->cap ? f->cap : 64;
		uint32_t *ns;
		int *n;

		while (cap <= (size_t)fd)
			cap *= 2;
		if (!(ns = realloc(f->sid, cap * sizeof(*ns))))
			return -ENOMEM;
		f->sid = ns;
		if (!(n = realloc(f->map, cap * sizeof(*n))))
			return -ENOMEM;
		for (size_t i = f->cap; i < cap; i++) {
			n[i] = -1;
			ns[i] = 0;
		}
		f->map = n;
		f->cap = cap;
	}
	if (f->map[fd] >= 0 && f->map[fd] != real)
		close(f->map[fd]);
	f->map[fd] = real;
	f->sid[fd] = sid;
	return 0;
}

static struct xfiles *files_copy(const struct xfiles *f)
{
	struct xfiles *n = files_new();

	if (!n)
		return NULL;
	n->refs = 1;
	for (size_t i = 0; i < f->cap; i++)
		if (f->map[i] >= 0) {
			int d = fcntl(f->map[i], F_DUPFD, 0);

			if (d >= 0) {
				/* dup clears FD_CLOEXEC: keep the original's. */
				int fl = fcntl(f->map[i], F_GETFD);

				if (fl > 0)
					fcntl(d, F_SETFD, fl);
				files_set(n, (int)i, d, f->sid[i]);
			}
		}
	return n;
}

static struct xfs *fs_new(int cwd, mode_t umask)
{
	struct xfs *fs = calloc(1, sizeof(*fs));

	if (fs) {
		fs->refs = 1;
		fs->cwd = cwd;
		fs->umask = umask;
	}
	return fs;
}

static void fs_put(struct xfs *fs)
{
	if (!fs || --fs->refs > 0)
		return;
	if (fs->cwd >= 0)
		close(fs->cwd);
	free(fs);
}

static struct xproc *proc_find(struct exec *x, int32_t tgid)
{
	for (size_t i = x->n_procs; i-- > 0;)
		if (x->procs[i].tgid == tgid && !x->procs[i].thread)
			return &x->procs[i];
	return NULL;
}

/* The entry of a task: its own when it unshared, else its process's. */
static struct xproc *task_find(struct exec *x, const struct replay_step *st)
{
	if (x->n_threads)
		for (size_t i = x->n_procs; i-- > 0;)
			if (x->procs[i].thread && x->procs[i].tgid == st->tid)
				return &x->procs[i];
	return proc_find(x, st->pid);
}

static struct xproc *proc_add(struct exec *x, int32_t tgid)
{
	if (x->n_procs == x->cap_procs) {
		size_t cap = x->cap_procs ? x->cap_procs * 2 : 64;
		struct xproc *n = realloc(x->procs, cap * sizeof(*n));

		if (!n)
			return NULL;
		if (x->cur)
			x->cur = n + (x->cur - x->procs);
		x->procs = n;
		x->cap_procs = cap;
	}
	x->procs[x->n_procs] = (struct xproc){ .tgid = tgid };
	return &x->procs[x->n_procs++];
}

/* The credentials the run started with. */
static void plan_cred(const struct replay_plan *plan, struct xcred *c)
{
	memset(c, 0, sizeof(*c));
	c->ruid = c->fsuid = plan->uid;
	c->rgid = c->fsgid = plan->gid;
	c->n_groups = plan->n_groups > 0 && plan->n_groups <= 64 ? (uint32_t)plan->n_groups : 0;
	memcpy(c->groups, plan->groups, c->n_groups * sizeof(c->groups[0]));
}

/* A process made from parent (NULL: the first one) with clone flags. */
static struct xproc *proc_make(struct exec *x, int32_t tgid, struct xproc *parent, uint64_t flags)
{
	size_t parent_i = parent ? (size_t)(parent - x->procs) : 0;
	struct xproc *p = proc_add(x, tgid);

	if (!p)
		return NULL;
	parent = parent ? &x->procs[parent_i] : NULL; /* procs may have moved */
	if (parent && parent != p) {
		if (flags & CLONE_FILES) {
			p->files = parent->files;
			p->files->refs++;
		} else {
			p->files = files_copy(parent->files);
		}
		if (flags & CLONE_FS) {
			p->fs = parent->fs;
			p->fs->refs++;
		} else {
			p->fs = fs_new(fcntl(parent->fs->cwd, F_DUPFD_CLOEXEC, 0), parent->fs->umask);
		}
		p->cred = parent->cred;
	} else {
		plan_cred(x->plan, &p->cred);
		int cwd = open(x->plan->cwd[0] ? x->plan->cwd : "/",
			       O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (cwd < 0)
			cwd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		p->files = files_new();
		if (p->files)
			p->files->refs = 1;
		p->fs = fs_new(cwd, x->plan->umask);
	}
	if (!p->files || !p->fs) {
		x->n_procs--;
		return NULL;
	}
	return p;
}

/*
 * Task tid of the process (or thread entry) p took a descriptor table
 * (CLONE_FILES) or a cwd (CLONE_FS) of its own: unshare(2), close_range
 * with CLOSE_RANGE_UNSHARE.  The task gets an entry of its own, so that
 * its process's other threads keep the shared ones.  NULL on ENOMEM.
 */
static struct xproc *task_unshare(struct exec *x, struct xproc *p, int32_t tid, uint64_t flags)
{
	size_t pi = (size_t)(p - x->procs);

	if (!p->thread) {
		struct xproc *t = proc_add(x, tid);

		if (!t)
			return NULL;
		p = &x->procs[pi];
		t->thread = true;
		t->files = p->files;
		t->files->refs++;
		t->fs = p->fs;
		t->fs->refs++;
		t->cred = p->cred;
		x->n_threads++;
		p = t;
	}
	if ((flags & CLONE_FILES) && p->files->refs > 1) {
		struct xfiles *n = files_copy(p->files);

		if (!n)
			return NULL;
		files_put(p->files);
		p->files = n;
	}
	if ((flags & CLONE_FS) && p->fs->refs > 1) {
		struct xfs *n = fs_new(fcntl(p->fs->cwd, F_DUPFD_CLOEXEC, 0), p->fs->umask);

		if (!n)
			return NULL;
		if (x->cur && x->cur->fs == p->fs)
			x->cur = NULL; /* the executor's cwd is the same; switch_to anyway */
		fs_put(p->fs);
		p->fs = n;
	}
	return p;
}

/* The process of a step, made when it is first met (index into procs). */
static struct xproc *proc_of(struct exec *x, const struct replay_step *st)
{
	struct xproc *p = task_find(x, st);
	const struct replay_task *t, *pt;

	if (p)
		return p;
	t = replay_plan_task(x->plan, st->pid);
	pt = t && t->ppid ? replay_plan_task(x->plan, t->ppid) : NULL;
	return proc_make(x, st->pid, proc_find(x, pt ? pt->tgid : (t ? t->ppid : 0)), 0);
}

/*
 * Take on c as the executor's file system credentials.  setfsuid also
 * moves the file capabilities (CAP_CHOWN, CAP_DAC_*, CAP_FOWNER,
 * CAP_FSETID, CAP_MKNOD ...): dropped when fsuid leaves 0, restored when
 * it comes back (security/commoncap.c cap_task_fix_setuid), which is what
 * the recorded process had after dropping root.
 */
static void set_cred(struct exec *x, const struct xcred *c)
{
	if (!x->setid)
		return;
	if (x->cred.n_groups != c->n_groups ||
	    memcmp(x->cred.groups, c->groups, c->n_groups * sizeof(c->groups[0])))
		setgroups(c->n_groups, c->groups);
	if (x->cred.fsgid != c->fsgid)
		setfsgid(c->fsgid);
	if (x->cred.fsuid != c->fsuid)
		setfsuid(c->fsuid);
	x->cred = *c;
}

static void switch_to(struct exec *x, struct xproc *p)
{
	if (x->cur == p)
		return;
	if (fchdir(p->fs->cwd) < 0)
		return;
	umask(p->fs->umask);
	set_cred(x, &p->cred);
	x->cur = p;
}

/* A set*id call: the credentials the kernel left (emu/replayrec.h). */
static void setid_step(struct exec *x, struct xproc *p, const struct replay_step *st)
{
	uint32_t head[5];
	struct xcred c;

	if (!st->has_data || st->data_len < sizeof(head))
		return;
	memcpy(head, st->data, sizeof(head));
	if (head[4] > 64 || st->data_len < sizeof(head) + head[4] * 4u)
		return;
	memset(&c, 0, sizeof(c));
	c.ruid = (uid_t)head[0];
	c.rgid = (gid_t)head[1];
	c.fsuid = (uid_t)head[2];
	c.fsgid = (gid_t)head[3];
	c.n_groups = head[4];
	for (uint32_t i = 0; i < c.n_groups; i++) {
		uint32_t g;

		memcpy(&g, st->data + sizeof(head) + i * 4, 4);
		c.groups[i] = (gid_t)g;
	}
	p->cred = c;
	if (x->cur == p)
		set_cred(x, &p->cred);
}

/* ------------------------------------------------------------ the steps */

static unsigned char *out_buf(struct exec *x, size_t len)
{
	if (len > OUT_MAX)
		return NULL;
	if (len > x->out_cap) {
		unsigned char *n = realloc(x->out, len);

		if (!n)
			return NULL;
		x->out = n;
		x->out_cap = len;
	}
	return x->out;
}

static int64_t sys6(long nr, const uint64_t a[6])
{
	long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);

	return r < 0 ? -errno : r;
}

/* getdents: this call's entries; at the recorded end, the rest of the stream too. */
static void do_getdents(const struct replay_step *st, uint64_t a[6], struct replay_result *r)
{
	bool is64 = st->nr == __NR_getdents64;
	size_t cap = a[2] < 65536 ? 65536 : (size_t)a[2];
	unsigned char *raw = malloc(cap), *packed = NULL;
	size_t plen = 0, pcap = 0;
	bool first = true;

	if (!raw) {
		r->ret = -ENOMEM;
		return;
	}
	for (;;) {
		uint64_t b[6] = { a[0], (uint64_t)(uintptr_t)raw, first ? a[2] : cap, 0, 0, 0 };
		int64_t n = sys6(st->nr, b);
		unsigned char *np;

		if (first)
			r->ret = n;
		if (n <= 0)
			break;
		if (plen + (size_t)n > pcap) {
			pcap = (plen + (size_t)n) * 2;
			if (!(np = realloc(packed, pcap)))
				break;
			packed = np;
		}
		plen += emu_replay_pack_dirents(packed + plen, raw, (size_t)n, is64);
		first = false;
		/* Only at the recorded end is the rest read now. */
		if (st->ret != 0)
			break;
	}
	free(raw);
	r->out = packed;
	r->out_len = (uint32_t)plen;
}

/*
 * lseek on a directory to the position the recording names by the number
 * of entries before it (emu/replayrec.c dir_position): the recorded offset
 * is a cookie of the run's file system.  From the start, past k entries,
 * then this file system's own offset for that place; past the end, the
 * end.  The result is that offset, or -errno.
 */
static int64_t dir_seek(int fd, uint64_t k)
{
	int64_t pos = 0;
	char *buf;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	if (!k)
		return 0;
	if (!(buf = malloc(32768)))
		return -ENOMEM;
	while (k) {
		long n = syscall(__NR_getdents64, fd, buf, 32768);

		if (n < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (n == 0)
			break;
		for (long o = 0; o + 19 <= n && k;) {
			uint16_t reclen;

			memcpy(&pos, buf + o + 8, 8);
			memcpy(&reclen, buf + o + 16, 2);
			if (!reclen)
				break;
			o += reclen;
			k--;
		}
	}
	free(buf);
	return lseek(fd, pos, SEEK_SET) < 0 ? -errno : pos;
}

/* The executor's /proc/self/fd, opened before the chroot (-1: none). */
static int proc_fd_dir = -1;

/* Path calls without a dirfd, and their *at form: dirfd first, then flags. */
static const struct {
	int nr, at_nr;
	uint64_t flags; /* appended after the shifted arguments; ~0: none */
} at_forms[] = {
	{ __NR_open, __NR_openat, ~0ULL },
	{ __NR_stat, __NR_newfstatat, 0 },
	{ __NR_lstat, __NR_newfstatat, AT_SYMLINK_NOFOLLOW },
	{ __NR_access, __NR_faccessat, ~0ULL },
	{ __NR_readlink, __NR_readlinkat, ~0ULL },
	{ __NR_chmod, __NR_fchmodat, ~0ULL },
	{ __NR_chown, __NR_fchownat, 0 },
	{ __NR_lchown, __NR_fchownat, AT_SYMLINK_NOFOLLOW },
	{ __NR_mkdir, __NR_mkdirat, ~0ULL },
	{ __NR_unlink, __NR_unlinkat, 0 },
};

/*
 * A path through /proc/self/fd/N: made relative to the executor's own
 * /proc/self/fd, with N replaced by the executor's descriptor, the call
 * turned into its *at form when it has no dirfd.  false: not possible.
 */
static bool proc_path(struct exec *x, struct xproc *p, const struct replay_step *st,
		      const struct emu_syscall *sc, int i, uint64_t a[6], long *ret_nr)
{
	const char *rest;
	int fd = emu_replay_proc_fd(st->strs[i], st->pid, st->tid, &rest);
	int real = files_get(p->files, fd), n;

	if (fd < 0)
		return true;
	if (real < 0 || proc_fd_dir < 0)
		return false;
	n = snprintf(x->pathbuf, sizeof(x->pathbuf), "%d%s", real, rest);
	if (n < 0 || (size_t)n >= sizeof(x->pathbuf))
		return false;
	a[i] = (uint64_t)(uintptr_t)x->pathbuf;
	if (i > 0 && sc->args[i - 1].kind == EK_DIRFD) {
		a[i - 1] = (uint64_t)proc_fd_dir;
		return true;
	}
	for (size_t k = 0; k < sizeof(at_forms) / sizeof(at_forms[0]); k++) {
		if (at_forms[k].nr != st->nr || i != 0)
			continue;
		for (int j = 5; j > 0; j--)
			a[j] = a[j - 1];
		a[0] = (uint64_t)proc_fd_dir;
		if (at_forms[k].flags != ~0ULL)
			a[sc->nargs + 1] = at_forms[k].flags;
		*ret_nr = at_forms[k].at_nr;
		return true;
	}
	return false;
}

/* Rebuild argument registers by kind; false when the step cannot run. */
static bool build_args(struct exec *x, struct xproc *p, const struct replay_step *st,
		       const struct emu_syscall *sc, uint64_t a[6], int *ret_out_arg,
		       size_t *ret_out_len, long *ret_nr)
{
	int proc_i = -1;

	*ret_out_arg = -1;
	*ret_out_len = 0;
	for (int i = 0; i < 6; i++)
		a[i] = st->args[i];
	for (int i = 0; i < sc->nargs; i++) {
		int fd = (int)st->args[i];

		switch (sc->args[i].kind) {
		case EK_PATH:
		case EK_STR:
			if (st->strs[i])
				a[i] = (uint64_t)(uintptr_t)st->strs[i];
			else if (st->args[i])
				return false; /* a string replay does not have */
			if (sc->args[i].kind == EK_PATH && st->strs[i] &&
			    !strncmp(st->strs[i], "/proc/", 6))
				proc_i = i;
			break;
		case EK_FD:
			if ((a[i] = (uint64_t)(int64_t)files_get(p->files, fd)) == (uint64_t)-1 &&
			    fd >= 0)
				return false;
			if (fd < 0)
				a[i] = st->args[i];
			break;
		case EK_DIRFD:
			if (fd == AT_FDCWD || fd < 0)
				break;
			if ((a[i] = (uint64_t)(int64_t)files_get(p->files, fd)) == (uint64_t)-1)
				return false;
			break;
		case EK_BUF_IN:
			a[i] = (uint64_t)(uintptr_t)(st->data ? (const void *)st->data : "");
			a[sc->args[i].len_arg] = st->data_len;
			break;
		case EK_BUF_OUT:
			*ret_out_arg = i;
			*ret_out_len = (size_t)st->args[sc->args[i].len_arg];
			if (*ret_out_len > OUT_MAX)
				*ret_out_len = OUT_MAX;
			if (!out_buf(x, *ret_out_len ? *ret_out_len : 1))
				return false;
			a[i] = (uint64_t)(uintptr_t)x->out;
			a[sc->args[i].len_arg] = *ret_out_len;
			break;
		case EK_STRUCT_OUT:
			/* statfs and the like: a buffer of the executor's, not compared. */
			memset(x->scratch, 0, sizeof(x->scratch));
			a[i] = (uint64_t)(uintptr_t)x->scratch;
			break;
		case EK_STAT_OUT:
			*ret_out_arg = i;
			*ret_out_len = sizeof(struct stat);
			if (!out_buf(x, sizeof(struct stat)))
				return false;
			a[i] = (uint64_t)(uintptr_t)x->out;
			break;
		default:
			break;
		}
	}
	/* Last: the *at form moves every argument. */
	return proc_i < 0 || proc_path(x, p, st, sc, proc_i, a, ret_nr);
}

/* The clone flags of a clone-family step. */
static uint64_t step_flags(const struct replay_step *st)
{
	uint64_t f = 0;

	if (st->data_len >= 8)
		memcpy(&f, st->data, 8);
	else if (st->nr == __NR_clone)
		f = st->args[0];
	else if (st->nr == __NR_vfork)
		f = EMU_VFORK_FLAGS;
	else if (st->nr == __NR_fork)
		f = EMU_FORK_FLAGS;
	return f;
}

/* The calls that change a process's state; true when handled. */
static bool state_step(struct exec *x, struct xproc *p, const struct replay_step *st,
		       struct replay_result *r)
{
	int fd = (int)st->args[0];
	int real = files_get(p->files, fd);

	switch (st->nr) {
	case __NR_close:
		if (real < 0) {
			r->status = REPLAY_SKIPPED;
			return true;
		}
		p->files->map[fd] = -1;
		r->ret = close(real) < 0 ? -errno : 0;
		return true;
	case __NR_dup:
	case __NR_dup2:
	case __NR_dup3: {
		int newfd = st->nr == __NR_dup ? (int)st->ret : (int)st->args[1];
		int d;

		if (real < 0) {
			/* Not a file replay knows: newfd is no longer one either. */
			if (st->ret >= 0 && st->nr != __NR_dup)
				files_set(p->files, newfd, -1, 0);
			r->status = REPLAY_SKIPPED;
			return true;
		}
		if (st->nr != __NR_dup && newfd == fd) {
			r->ret = st->nr == __NR_dup3 ? -EINVAL : fd;
			return true;
		}
		d = fcntl(real, (st->nr == __NR_dup3 && (st->args[2] & O_CLOEXEC))
					? F_DUPFD_CLOEXEC
					: F_DUPFD,
			  0);
		r->ret = d < 0 ? -errno : newfd;
		if (d >= 0 && st->ret >= 0)
			files_set(p->files, (int)st->ret, d, files_sid(p->files, fd));
		else if (d >= 0)
			close(d);
		return true;
	}
	case __NR_fcntl: {
		int cmd = (int)st->args[1];

		if (real < 0) {
			r->status = REPLAY_SKIPPED;
			return true;
		}
		if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
			int d = fcntl(real, cmd, 0);

			r->ret = d < 0 ? -errno : st->ret;
			if (d >= 0 && st->ret >= 0)
				files_set(p->files, (int)st->ret, d, files_sid(p->files, fd));
			else if (d >= 0)
				close(d);
		} else if (cmd == F_GETFD || cmd == F_SETFD || cmd == F_GETFL || cmd == F_SETFL) {
			long v = fcntl(real, cmd, (long)st->args[2]);

			r->ret = v < 0 ? -errno : v;
		} else {
			r->status = REPLAY_SKIPPED; /* locks, leases, pipes: not replayed */
		}
		return true;
	}
	case __NR_close_range: {
		unsigned first = (unsigned)st->args[0], last = (unsigned)st->args[1];
		unsigned flags = (unsigned)st->args[2];

		if (flags & 2 /* CLOSE_RANGE_UNSHARE */) {
			struct xproc *own = task_unshare(x, p, st->tid ? st->tid : st->pid, CLONE_FILES);

			if (!own) {
				r->ret = -ENOMEM;
				return true;
			}
			p = own;
		}
		for (size_t i = first; i < p->files->cap && i <= last; i++) {
			if (p->files->map[i] < 0)
				continue;
			if (flags & 4 /* CLOSE_RANGE_CLOEXEC */) {
				fcntl(p->files->map[i], F_SETFD, FD_CLOEXEC);
			} else {
				close(p->files->map[i]);
				p->files->map[i] = -1;
			}
		}
		r->ret = st->ret; /* the kernel's own answer is not reproducible here */
		return true;
	}
	case __NR_socket:
		/* AF_UNIX only: their names are files; the rest are not replayed. */
		if (st->args[0] != AF_UNIX) {
			if (st->ret >= 0)
				files_set(p->files, (int)st->ret, -1, 0);
			r->status = REPLAY_SKIPPED;
			return true;
		}
		real = socket(AF_UNIX, (int)st->args[1], (int)st->args[2]);
		r->ret = real < 0 ? -errno : st->ret;
		if (real >= 0 && st->ret >= 0)
			files_set(p->files, (int)st->ret, real, ++x->last_sid);
		else if (real >= 0)
			close(real);
		return true;
	case __NR_bind:
	case __NR_connect:
		/* The address as passed: its path relative to the process's cwd. */
		if (real < 0 || !st->has_data || st->data_len > sizeof(struct sockaddr_un)) {
			r->status = REPLAY_SKIPPED;
			return true;
		}
		r->ret = (st->nr == __NR_bind ? bind : connect)(
				 real, (const struct sockaddr *)st->data, (socklen_t)st->data_len) < 0
				 ? -errno
				 : 0;
		return true;
	case __NR_listen:
		if (real < 0) {
			r->status = REPLAY_SKIPPED;
			return true;
		}
		r->ret = listen(real, (int)st->args[1]) < 0 ? -errno : 0;
		return true;
	case __NR_umask:
		r->ret = p->fs->umask;
		p->fs->umask = (mode_t)st->args[0] & 0777;
		umask(p->fs->umask);
		return true;
	case __NR_clone:
	case __NR_clone3:
	case __NR_fork:
	case __NR_vfork: {
		uint64_t flags = step_flags(st);

		r->ret = st->ret;
		/* p may move with x->procs: not used after this. */
		if (st->ret > 0 && !(flags & CLONE_THREAD) && !proc_find(x, (int32_t)st->ret) &&
		    !proc_make(x, (int32_t)st->ret, p, flags))
			r->ret = -ENOMEM;
		r->status = REPLAY_SKIPPED; /* not compared: a process, not a file call */
		return true;
	}
	case __NR_execve:
	case __NR_execveat:
		r->ret = st->ret;
		r->status = REPLAY_SKIPPED;
		if (st->ret != 0)
			return true;
		if (p->files->refs > 1) {
			struct xfiles *n = files_copy(p->files);

			if (n) {
				files_put(p->files);
				p->files = n;
			}
		}
		for (size_t i = 0; i < p->files->cap; i++) {
			int fl;

			if (p->files->map[i] < 0)
				continue;
			fl = fcntl(p->files->map[i], F_GETFD);
			if (fl >= 0 && (fl & FD_CLOEXEC)) {
				close(p->files->map[i]);
				p->files->map[i] = -1;
			}
		}
		return true;
	case __NR_unshare:
		r->ret = st->ret;
		r->status = REPLAY_SKIPPED; /* not compared: a process's state */
		if (st->ret == 0 && (st->args[0] & (CLONE_FILES | CLONE_FS)) &&
		    !task_unshare(x, p, st->tid ? st->tid : st->pid, st->args[0]))
			r->ret = -ENOMEM;
		return true;
	default:
		if (!emu_replay_is_setid(st->nr))
			return false;
		setid_step(x, p, st);
		r->ret = st->ret;
		r->status = REPLAY_SKIPPED; /* not compared: credentials, not a file call */
		return true;
	}
}

static bool is_open_call(long nr)
{
	return nr == __NR_open || nr == __NR_openat || nr == __NR_creat || nr == __NR_openat2;
}

/* access(2) and faccessat without AT_EACCESS check the real ids, not fsuid. */
static bool by_real_ids(const struct replay_step *st)
{
	switch (st->nr) {
	case __NR_access:
	case __NR_faccessat:
		return true;
	case 439: /* faccessat2 */
		return !(st->args[3] & AT_EACCESS);
	default:
		return false;
	}
}

/*
 * An access check as fs/open.c access_override_creds makes it: with the
 * real ids as fsuid and fsgid, and the capabilities of the real uid (all
 * when it is 0, none otherwise).  The executor's real uid is 0, so for a
 * process whose real uid was not, the check is made with AT_EACCESS under
 * fsuid = ruid, whose capabilities setfsuid has already dropped.
 */
static int64_t access_by_real_ids(struct exec *x, struct xproc *p, const struct replay_step *st,
				  long nr, const uint64_t a[6])
{
	struct xcred real = p->cred;
	uint64_t b[6] = { 0 };
	int64_t ret = -ENOSYS;

	real.fsuid = real.ruid;
	real.fsgid = real.rgid;
	set_cred(x, &real);
	if (real.ruid != 0) {
		if (st->nr == __NR_access) {
			b[0] = (uint64_t)(int64_t)AT_FDCWD;
			b[1] = a[0];
			b[2] = a[1];
			b[3] = AT_EACCESS;
		} else {
			memcpy(b, a, sizeof(b));
			b[3] = (st->nr == __NR_faccessat ? 0 : a[3]) | AT_EACCESS;
		}
		ret = sys6(439 /* faccessat2 */, b);
	}
	if (ret == -ENOSYS)
		ret = sys6(nr, a); /* before Linux 5.8: the executor's own capabilities */
	set_cred(x, &p->cred);
	return ret;
}
/*
 * A result the recording's mounts made, which the scratch tree (one file
 * system, under the replay's own root) cannot give again: an openat2 with
 * RESOLVE_NO_XDEV that failed with EXDEV crossed a mount (into one, out
 * by "..", an absolute link from another mount than the root's, a magic
 * link); a rename, rmdir or unlink that failed with EBUSY named a mount
 * point (fs/namei.c is_local_mountpoint).  Neither changed anything.
 */
static bool mount_dependent(const struct replay_step *st)
{
	struct open_how how;

	switch (st->nr) {
	case __NR_openat2:
		if (st->ret != -EXDEV || st->data_len < sizeof(how))
			return false;
		memcpy(&how, st->data, sizeof(how));
		return how.resolve & RESOLVE_NO_XDEV;
	case __NR_rename:
	case __NR_renameat:
	case __NR_renameat2:
	case __NR_rmdir:
	case __NR_unlink:
	case __NR_unlinkat:
		return st->ret == -EBUSY;
	default:
		return false;
	}
}


static void run_step(struct exec *x, const struct replay_step *st, struct replay_result *r)
{
	const struct emu_syscall *sc = emu_syscall_get(EMU_ABI_X86_64, st->nr);
	struct xproc *p = proc_of(x, st);
	uint64_t a[6], asked = 0;
	struct iovec iov;
	int64_t offs[2];
	int out_arg;
	size_t out_len;
	int fd0 = (int)st->args[0];
	long nr = st->nr;

	/* Only what the recorder records: a forged plan runs nothing else (chroot, mount ...). */
	if (!p || !sc || st->data_lost || emu_replay_kind(EMU_ABI_X86_64, st->nr) == EMU_RK_NONE ||
	    mount_dependent(st)) {
		r->status = REPLAY_SKIPPED;
		return;
	}
	switch_to(x, p);
	if (state_step(x, p, st, r))
		return;
	if (!st->has_data || !build_args(x, p, st, sc, a, &out_arg, &out_len, &nr)) {
		r->status = REPLAY_SKIPPED;
		return;
	}
	r->stream = files_sid(p->files, fd0);

	switch (st->nr) {
	case __NR_readv:
	case __NR_preadv:
	case __NR_preadv2:
		if (st->data_len >= 8)
			memcpy(&asked, st->data, 8);
		if (!out_buf(x, asked ? asked : 1)) {
			r->status = REPLAY_SKIPPED;
			return;
		}
		iov = (struct iovec){ x->out, (size_t)asked };
		a[1] = (uint64_t)(uintptr_t)&iov;
		a[2] = 1;
		break;
	case __NR_writev:
	case __NR_pwritev:
	case __NR_pwritev2:
		iov = (struct iovec){ (void *)(uintptr_t)(st->data ? st->data : (const unsigned char *)""),
				      st->data_len };
		a[1] = (uint64_t)(uintptr_t)&iov;
		a[2] = 1;
		break;
	case __NR_statx:
		if (!out_buf(x, 256)) {
			r->status = REPLAY_SKIPPED;
			return;
		}
		memset(x->out, 0, 256);
		a[4] = (uint64_t)(uintptr_t)x->out;
		out_arg = 4;
		out_len = 256;
		break;
	case __NR_getcwd:
		if (!out_buf(x, st->args[1] ? (size_t)st->args[1] : 1)) {
			r->status = REPLAY_SKIPPED;
			return;
		}
		a[0] = (uint64_t)(uintptr_t)x->out;
		out_arg = 0;
		out_len = (size_t)st->args[1];
		break;
	case __NR_utimensat:
	case __NR_utimes:
	case __NR_futimesat:
	case __NR_utime: {
		int ti = st->nr == __NR_utimes || st->nr == __NR_utime ? 1 : 2;

		a[ti] = st->data_len ? (uint64_t)(uintptr_t)st->data : 0;
		break;
	}
	case __NR_openat2:
		a[2] = (uint64_t)(uintptr_t)st->data;
		/* Past a page the kernel reads nothing: E2BIG (fs/open.c openat2). */
		a[3] = st->args[3] > 4096 ? st->args[3] : st->data_len;
		break;
	case __NR_sendfile:
		if (st->data_len >= 8) {
			memcpy(&offs[0], st->data, 8);
			a[2] = (uint64_t)(uintptr_t)&offs[0];
		}
		break;
	case __NR_copy_file_range:
		if (st->data_len >= 24) {
			memcpy(&offs[0], st->data + 8, 8);
			memcpy(&offs[1], st->data + 16, 8);
			a[1] = st->data[0] ? (uint64_t)(uintptr_t)&offs[0] : 0;
			a[3] = st->data[1] ? (uint64_t)(uintptr_t)&offs[1] : 0;
		}
		break;
	case __NR_getdents:
	case __NR_getdents64:
		do_getdents(st, a, r);
		return;
	case __NR_lseek: {
		struct stat s;
		uint64_t k;

		if (st->data_len < 8 || fstat((int)a[0], &s) < 0 || !S_ISDIR(s.st_mode))
			break;
		memcpy(&k, st->data, 8);
		r->ret = dir_seek((int)a[0], k);
		r->flags |= REPLAY_F_DIR;
		return;
	}
	default:
		break;
	}

	if (x->setid && by_real_ids(st) &&
	    (p->cred.ruid != 0 || p->cred.fsuid != 0 || p->cred.rgid != p->cred.fsgid)) {
		r->ret = access_by_real_ids(x, p, st, nr, a);
	} else {
		r->ret = sys6(nr, a);
	}

	if (is_open_call(st->nr)) {
		if (r->ret >= 0 && st->ret >= 0)
			files_set(p->files, (int)st->ret, (int)r->ret, ++x->last_sid);
		else if (r->ret >= 0)
			close((int)r->ret);
		else if (st->ret >= 0)
			files_set(p->files, (int)st->ret, -1, 0);
		return;
	}
	if ((st->nr == __NR_chdir || st->nr == __NR_fchdir) && r->ret == 0) {
		int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (cwd >= 0) {
			close(p->fs->cwd);
			p->fs->cwd = cwd;
		}
		x->cur = p;
		return;
	}
	if (st->nr == __NR_lseek) {
		struct stat s;
		int real = files_get(p->files, fd0);

		if (real >= 0 && fstat(real, &s) == 0 && S_ISDIR(s.st_mode))
			r->flags |= REPLAY_F_DIR;
	}
	if ((st->nr == __NR_read || st->nr == __NR_pread64 || st->nr == __NR_readv ||
	     st->nr == __NR_preadv || st->nr == __NR_preadv2) &&
	    r->ret >= 0) {
		r->hash = cow_hash_buf(x->out, (size_t)r->ret);
		r->flags |= REPLAY_F_HASH;
		return;
	}
	if (out_arg >= 0 && r->ret >= 0) {
		size_t n = out_len;

		if (st->nr == __NR_readlink || st->nr == __NR_readlinkat ||
		    st->nr == __NR_getcwd || st->nr == __NR_getxattr ||
		    st->nr == __NR_lgetxattr || st->nr == __NR_fgetxattr)
			n = (size_t)r->ret < out_len ? (size_t)r->ret : out_len;
		r->out = malloc(n ? n : 1);
		if (r->out) {
			memcpy(r->out, x->out, n);
			r->out_len = (uint32_t)n;
		}
	}
}

int replay_run_steps(const struct replay_plan *plan, int out_fd)
{
	struct outbuf *ob = malloc(sizeof(*ob));
	struct exec x;
	int err = 0;

	if (!ob)
		return -ENOMEM;
	ob->fd = out_fd;
	ob->len = 0;
	memset(&x, 0, sizeof(x));
	x.plan = plan;
	x.out_fd = out_fd;
	if (geteuid() == 0) {
		/* File access as the program had it; force the first set_cred. */
		x.setid = true;
		x.cred.fsuid = (uid_t)-1;
		x.cred.fsgid = (gid_t)-1;
		x.cred.n_groups = UINT32_MAX;
	}
	/* The first task is the program pcow started. */
	if (plan->n_tasks && !proc_make(&x, plan->tasks[0].tgid, NULL, 0))
		return -ENOMEM;
	for (size_t i = 0; i < plan->n_steps && !err; i++) {
		struct replay_result r;

		memset(&r, 0, sizeof(r));
		r.step = (uint32_t)i;
		run_step(&x, &plan->steps[i], &r);
		err = out_result(ob, &r);
		free(r.out);
	}
	if (!err)
		err = out_flush(ob);
	free(ob);
	for (size_t i = 0; i < x.n_procs; i++) {
		files_put(x.procs[i].files);
		fs_put(x.procs[i].fs);
	}
	free(x.procs);
	free(x.out);
	return err;
}

/* ---------------------------------------------------------- the child */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Be able to chroot: root already, or root of a new user namespace. */
static int gain_chroot(char *why, size_t size)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	if (uid == 0)
		return 0;
	if (unshare(CLONE_NEWUSER) < 0) {
		snprintf(why, size,
			 "replay runs the calls in a chroot of the scratch tree: it needs root or"
			 " unprivileged user namespaces (unshare: %s)",
			 strerror(errno));
		return -EPERM;
	}
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)uid, (unsigned)uid);
	write_file("/proc/self/setgroups", "deny");
	if (write_file("/proc/self/uid_map", map) < 0) {
		snprintf(why, size, "cannot map the user namespace: %s", strerror(errno));
		return -EPERM;
	}
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)gid, (unsigned)gid);
	write_file("/proc/self/gid_map", map);
	return 0;
}

static void child(const struct replay_plan *plan, const char *root, int out_fd, int err_fd)
{
	char why[ERRMSG_SIZE];
	struct rlimit rl;
	int err;

	why[0] = '\0';
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	err = gain_chroot(why, sizeof(why));
	if (!err)
		proc_fd_dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!err && (chroot(root) < 0 || chdir("/") < 0)) {
		err = -errno;
		snprintf(why, sizeof(why), "chroot %s: %s", root, strerror(errno));
	}
	if (err) {
		(void)!write(err_fd, why, strlen(why));
		_exit(3);
	}
	close(err_fd);
	err = replay_run_steps(plan, out_fd);
	_exit(err ? 4 : 0);
}

int replay_execute(const struct replay_plan *plan, const char *root, replay_emit_fn emit,
		   void *opaque, char *errmsg)
{
	int out[2], errp[2], status, err = 0;
	char why[ERRMSG_SIZE];
	ssize_t n;
	FILE *in;
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		snprintf(errmsg, ERRMSG_SIZE, "pipe: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		snprintf(errmsg, ERRMSG_SIZE, "fork: %s", strerror(errno));
		return err;
	}
	if (pid == 0) {
		close(out[0]);
		close(errp[0]);
		child(plan, root, out[1], errp[1]);
	}
	close(out[1]);
	close(errp[1]);
	in = fdopen(out[0], "r");
	if (!in) {
		close(out[0]);
		err = -ENOMEM;
	}
	while (in) {
		struct replay_result r;
		int got = replay_result_read(in, &r);

		if (got <= 0) {
			if (got < 0)
				err = got;
			break;
		}
		if (!err)
			err = emit(&r, opaque);
		free(r.out);
		if (err)
			break;
	}
	if (in)
		fclose(in);
	n = read(errp[0], why, sizeof(why) - 1);
	close(errp[0]);
	if (err)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n > 0) {
		why[n] = '\0';
		snprintf(errmsg, ERRMSG_SIZE, "%s", why);
		return -EPERM;
	}
	if (!err && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		if (WIFSIGNALED(status))
			snprintf(errmsg, ERRMSG_SIZE, "the executor was killed by signal %d",
				 WTERMSIG(status));
		else
			snprintf(errmsg, ERRMSG_SIZE, "the executor failed (status %d)",
				 WEXITSTATUS(status));
		return -EIO;
	}
	if (err && err != -ENOMEM)
		snprintf(errmsg, ERRMSG_SIZE, "the executor's results are corrupt");
	return err;
}
