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
 *      another mode, owner or modification time
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
#include <unistd.h>

#include "cow/cow_internal.h"

/* Compare the upper object of e with the real object at real_path. */
static char compare(struct cow_store *store, const struct cow_entry *e, const char *real_path)
{
	char t1[PATH_MAX], t2[PATH_MAX], kbuf[PATH_MAX];
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
