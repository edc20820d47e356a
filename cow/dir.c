/*
 * cow/dir.c — merged directory listings.
 *
 * A listing is a snapshot taken when the guest opens the directory (as
 * overlayfs caches a merged directory's entries, fs/overlayfs/readdir.c):
 * upper entries, then lower entries that have no index entry of their own
 * (an entry is either in upper/ already or a whiteout), sorted by name,
 * duplicates dropped.  Offsets are indices into the snapshot, so getdents
 * can stop anywhere, resume from any offset it returned, and a rewind
 * starts over on the same snapshot: a listing always ends.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cow/cow_internal.h"

struct cow_dir {
	struct cow_dirent *ents; /* ".", "..", then by name; names malloc'd */
	size_t n;
	size_t cap;
};

static int add(struct cow_dir *d, const char *name, unsigned char type, uint64_t ino)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct cow_dirent *p = realloc(d->ents, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		d->ents = p;
		d->cap = cap;
	}
	d->ents[d->n].name = strdup(name);
	if (!d->ents[d->n].name)
		return -ENOMEM;
	d->ents[d->n].type = type;
	d->ents[d->n].ino = ino;
	d->n++;
	return 0;
}

static unsigned char dtype_of(mode_t mode)
{
	return (unsigned char)IFTODT(mode);
}

static void child_path(const char *virt_path, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", virt_path[1] ? virt_path : "", name);
}

/* Add the entries of the open directory fd (consumed); lower: skip indexed names. */
static int add_all(struct cow_store *store, struct cow_dir *d, int fd, const char *virt_path,
		   bool lower)
{
	char child[COW_REAL_MAX];
	struct dirent *de;
	DIR *dir = fdopendir(fd);
	int err = 0;

	if (!dir) {
		err = -errno;
		close(fd);
		return err;
	}
	while ((errno = 0, de = readdir(dir))) {
		unsigned char type = de->d_type;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		child_path(virt_path, de->d_name, child, sizeof(child));
		/* Lower: a name with an entry is a whiteout or listed from upper/.
		   Upper: an object without an entry is debris of a crash. */
		if (!!cow_index_get(store, child) == lower)
			continue;
		if (type == DT_UNKNOWN && fstatat(dirfd(dir), de->d_name, &st,
						  AT_SYMLINK_NOFOLLOW) == 0)
			type = dtype_of(st.st_mode);
		err = add(d, de->d_name, type, de->d_ino);
		if (err)
			break;
	}
	if (!err && errno)
		err = -errno;
	closedir(dir);
	return err;
}

static int cmp_dirent(const void *a, const void *b)
{
	return strcmp(((const struct cow_dirent *)a)->name, ((const struct cow_dirent *)b)->name);
}

static uint64_t ino_of(struct cow_store *store, const char *virt_path)
{
	struct cow_lookup *lk = malloc(sizeof(*lk));
	struct stat st;
	uint64_t ino = 0;

	if (lk && cow_lookup(store, virt_path, lk) == 0 && lk->real_path[0] &&
	    lstat(cow_kpath(store, lk->real_path), &st) == 0)
		ino = st.st_ino;
	free(lk);
	return ino;
}

int cow_dir_open(struct cow_store *store, const char *virt_path, struct cow_dir **ret)
{
	const struct cow_entry *e = cow_index_get(store, virt_path);
	char *lower = NULL, parent[COW_REAL_MAX];
	struct cow_lookup *lk;
	struct cow_dir *d;
	size_t w;
	int fd, err;

	*ret = NULL;
	lk = malloc(sizeof(*lk));
	d = calloc(1, sizeof(*d));
	lower = malloc(COW_REAL_MAX);
	if (!lk || !d || !lower) {
		err = -ENOMEM;
		goto out_free;
	}
	err = cow_lookup(store, virt_path, lk);
	if (err)
		goto out_free;
	if (lk->where == COW_ABSENT || lk->where == COW_WHITEOUT) {
		err = -ENOENT;
		goto out_free;
	}
	if (lk->type != S_IFDIR) {
		err = -ENOTDIR;
		goto out_free;
	}
	cow_parent(virt_path, parent, sizeof(parent));
	err = add(d, ".", DT_DIR, ino_of(store, virt_path));
	if (!err)
		err = add(d, "..", DT_DIR, ino_of(store, parent));
	if (err)
		goto out_free;

	/* Upper part: the root's upper directory is upper/ itself. */
	if (e || !strcmp(virt_path, "/")) {
		fd = openat(store->upper_fd, cow_rel(store, virt_path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			err = add_all(store, d, fd, virt_path, false);
		else if (errno != ENOENT)
			err = -errno;
		if (err)
			goto out_free;
	}
	/* Lower part, unless hidden (overlayfs.rst, "whiteouts and opaque directories"). */
	if (e && e->kind == COW_KIND_OPAQUE)
		goto out_sort;
	if (e && e->kind == COW_KIND_REDIRECT)
		snprintf(lower, COW_REAL_MAX, "%s", e->origin);
	else if (!cow_lower_path(store, virt_path, lower, COW_REAL_MAX))
		goto out_sort;
	fd = open(cow_kpath(store, lower), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		err = add_all(store, d, fd, virt_path, true);
	else if (errno != ENOENT && errno != ENOTDIR)
		err = -errno;
	if (err)
		goto out_free;

out_sort:
	qsort(d->ents + 2, d->n - 2, sizeof(*d->ents), cmp_dirent);
	/* Drop duplicates (a stray upper object with the name of a lower one). */
	for (size_t r = w = 2; r < d->n; r++) {
		if (w > 2 && !strcmp(d->ents[w - 1].name, d->ents[r].name)) {
			free((char *)d->ents[r].name);
			continue;
		}
		d->ents[w++] = d->ents[r];
	}
	d->n = w;
	free(lower);
	free(lk);
	*ret = d;
	return 0;

out_free:
	free(lower);
	free(lk);
	cow_dir_close(d);
	return err;
}

const struct cow_dirent *cow_dir_get(const struct cow_dir *dir, uint64_t off)
{
	return off < dir->n ? &dir->ents[off] : NULL;
}

size_t cow_dir_count(const struct cow_dir *dir)
{
	return dir->n;
}

void cow_dir_close(struct cow_dir *dir)
{
	if (!dir)
		return;
	for (size_t i = 0; i < dir->n; i++)
		free((char *)dir->ents[i].name);
	free(dir->ents);
	free(dir);
}

int cow_dir_is_empty(struct cow_store *store, const char *virt_path, bool *ret_empty)
{
	struct cow_dir *d;
	int err = cow_dir_open(store, virt_path, &d);

	if (err)
		return err;
	*ret_empty = d->n <= 2;
	cow_dir_close(d);
	return 0;
}
