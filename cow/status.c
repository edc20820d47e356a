/*
 * cow/status.c — what the overlay changed, compared with the real files as
 * they are now, one letter per path like `git status --short`:
 *
 *   A  added: nothing real at the path (a new file, directory, link, FIFO)
 *   M  modified: the content differs from the real file's
 *   D  deleted: a whiteout over a real object, or a real child of a
 *      directory that was replaced by a new (opaque) one
 *   R  renamed: a renamed real directory (a redirect) or a file whose copy
 *      came from another real path; "from -> to"
 *   T  type or metadata only: another type, or the same content with
 *      another mode, owner, modification time or extended attributes
 *
 * Copies that match their real file in every respect (a file opened for
 * writing and never written) are not changes.  The whiteout left at the
 * old name of a rename is part of the R line, not a D of its own.  FIFOs
 * are compared by metadata only: they are never opened.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cow/cow_internal.h"

#define XATTR_LIST_MAX_ 65536

/*
 * The names of o's extended attributes (an O_PATH descriptor) into buf:
 * their length, 0 where the file system has none, or -errno.
 */
static ssize_t xattr_names(int o, char *buf, size_t size)
{
	char proc[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o);
	n = listxattr(proc, buf, size); /* the magic link leads to the object itself */
	if (n < 0)
		return errno == ENOTSUP || errno == EPERM ? 0 : -errno;
	return n;
}

/* Whether name has the same value (or absence) on a and b (O_PATH descriptors). */
static bool xattr_same(int a, int b, const char *name)
{
	static char va[XATTR_LIST_MAX_], vb[XATTR_LIST_MAX_];
	char pa[64], pb[64];
	ssize_t na, nb;

	snprintf(pa, sizeof(pa), "/proc/self/fd/%d", a);
	snprintf(pb, sizeof(pb), "/proc/self/fd/%d", b);
	na = getxattr(pa, name, va, sizeof(va));
	nb = getxattr(pb, name, vb, sizeof(vb));
	return na == nb && (na < 0 || !memcmp(va, vb, (size_t)na));
}

/* Whether name appears in the list of n bytes at list. */
static bool xattr_in(const char *list, ssize_t n, const char *name)
{
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(list + i) + 1)
		if (!strcmp(list + i, name))
			return true;
	return false;
}

int cow_xattr_changes(struct cow_store *store, const char *virt_path, const char *real_path,
		      char *names, size_t size)
{
	static char la[XATTR_LIST_MAX_], lb[XATTR_LIST_MAX_];
	int u, r, found = 0;
	ssize_t nu, nr;
	size_t o = 0;

	if (size)
		names[0] = '\0';
	u = openat(store->upper_fd, cow_rel(store, virt_path), O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (u < 0)
		return -errno;
	r = open(cow_kpath(store, real_path), O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (r < 0) {
		close(u);
		return -errno;
	}
	nu = xattr_names(u, la, sizeof(la));
	nr = xattr_names(r, lb, sizeof(lb));
	if (nu < 0 || nr < 0) {
		found = nu < 0 ? (int)nu : (int)nr;
		goto out;
	}
	/* Each name in either list whose value differs (or is on one side only). */
	for (int side = 0; side < 2; side++) {
		const char *list = side ? lb : la;
		ssize_t n = side ? nr : nu;

		for (ssize_t i = 0; i < n; i += (ssize_t)strlen(list + i) + 1) {
			const char *name = list + i;

			if (side && xattr_in(la, nu, name))
				continue; /* compared on the first pass */
			if (!strcmp(name, "security.selinux") || xattr_same(u, r, name))
				continue;
			found = 1;
			if (o + strlen(name) + 3 < size)
				o += (size_t)snprintf(names + o, size - o, "%s%s", o ? ", " : "", name);
		}
	}
out:
	close(u);
	close(r);
	return found;
}

/* Compare the upper object of e with the real object at real_path. */
static char compare(struct cow_store *store, const struct cow_entry *e, const char *real_path)
{
	char t1[PATH_MAX], t2[PATH_MAX], kbuf[PATH_MAX];
	const char *real_virt = real_path;
	struct stat us, rs;
	uint64_t uh, rh;
	ssize_t n1, n2;

	real_path = strcpy(kbuf, cow_kpath(store, real_path)); /* what the kernel takes */
	if (lstat(real_path, &rs) < 0)
		return 'A';
	if (fstatat(store->upper_fd, cow_rel(store, e->virt_path), &us, AT_SYMLINK_NOFOLLOW) < 0)
		return 'M';
	if ((us.st_mode & S_IFMT) != (rs.st_mode & S_IFMT))
		return 'T';
	if (S_ISREG(us.st_mode)) {
		if (us.st_size != rs.st_size)
			return 'M';
		if (cow_hash_file(store->upper_fd, cow_rel(store, e->virt_path), &uh) ||
		    cow_hash_file(AT_FDCWD, real_path, &rh) || uh != rh)
			return 'M';
	} else if (S_ISLNK(us.st_mode)) {
		n1 = readlinkat(store->upper_fd, cow_rel(store, e->virt_path), t1, sizeof(t1));
		n2 = readlink(real_path, t2, sizeof(t2));
		if (n1 != n2 || n1 < 0 || memcmp(t1, t2, (size_t)n1))
			return 'M';
		return 0; /* a symlink's mode and times are not its content */
	}
	if ((us.st_mode & 07777) != (rs.st_mode & 07777) || us.st_uid != rs.st_uid ||
	    us.st_gid != rs.st_gid)
		return 'T';
	if (!S_ISDIR(us.st_mode) && cow_mtime_ns(&us) != cow_mtime_ns(&rs))
		return 'T';
	/* FIFOs and devices included: O_PATH opens nothing. */
	if (cow_xattr_changes(store, e->virt_path, real_virt, NULL, 0) > 0)
		return 'T';
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "D" lines for the real children a replacing (opaque) directory hides. */
static int hidden_children(const struct cow_entry *e, const char *lower, cow_change_fn fn,
			   void *opaque)
{
	DIR *dir = opendir(lower);
	char **names = NULL, *child;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int err = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*p));

			if (!p) {
				err = -ENOMEM;
				break;
			}
			names = p;
		}
		if (!(names[n] = strdup(de->d_name))) {
			err = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str); /* names is NULL when n is 0 */
	for (size_t i = 0; i < n && !err; i++) {
		struct cow_change c = { .code = 'D', .kind = COW_KIND_WHITEOUT };

		if (asprintf(&child, "%s/%s", e->virt_path, names[i]) < 0) {
			err = -ENOMEM;
			break;
		}
		c.virt_path = child;
		err = fn(&c, opaque);
		free(child);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

int cow_status(struct cow_store *store, cow_change_fn fn, void *opaque)
{
	size_t n, n_from = 0;
	struct cow_entry **all = cow_index_sorted(store, &n);
	const char **from = NULL;
	char *lower = malloc(COW_REAL_MAX);
	struct stat st;
	int err = 0;

	if (!all || !lower || !(from = malloc((n + 1) * sizeof(*from)))) {
		err = -ENOMEM;
		goto out_free;
	}
	/* The sources of renames: their whiteouts are not deletions of their own. */
	for (size_t i = 0; i < n; i++)
		if (all[i]->origin && all[i]->kind != COW_KIND_WHITEOUT &&
		    all[i]->kind != COW_KIND_DIR &&
		    (!cow_lower_path(store, all[i]->virt_path, lower, COW_REAL_MAX) ||
		     strcmp(all[i]->origin, lower)))
			from[n_from++] = all[i]->origin;
	qsort(from, n_from, sizeof(*from), cmp_str);

	for (size_t i = 0; i < n && !err; i++) {
		const struct cow_entry *e = all[i];
		struct cow_change c = { .virt_path = e->virt_path, .kind = e->kind };
		bool walk = cow_lower_path(store, e->virt_path, lower, COW_REAL_MAX);
		bool has_lower = walk && lstat(cow_kpath(store, lower), &st) == 0;

		switch (e->kind) {
		case COW_KIND_WHITEOUT:
			if (has_lower && !bsearch(&lower, from, n_from, sizeof(*from), cmp_str))
				c.code = 'D';
			break;
		case COW_KIND_REDIRECT:
			c.code = 'R';
			c.from_path = e->origin;
			break;
		case COW_KIND_OPAQUE:
			if (!has_lower)
				c.code = 'A';
			else if (!S_ISDIR(st.st_mode))
				c.code = 'T';
			else
				c.code = compare(store, e, lower);
			if (c.code)
				err = fn(&c, opaque);
			if (!err && has_lower && S_ISDIR(st.st_mode))
				err = hidden_children(e, lower, fn, opaque);
			continue;
		default:
			/* Copied from elsewhere than its own lower path: a rename. */
			if (e->origin && (!walk || strcmp(e->origin, lower)) &&
			    e->kind != COW_KIND_DIR) {
				c.code = 'R';
				c.from_path = e->origin;
			} else {
				c.code = has_lower ? compare(store, e, lower) : 'A';
			}
		}
		if (c.code)
			err = fn(&c, opaque);
	}
out_free:
	free(from);
	free(lower);
	free(all);
	return err;
}
