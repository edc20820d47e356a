/*
 * cow/lookup.c — the merged view of one virtual path.
 *
 * The rules, in the spirit of overlayfs (Documentation/filesystems/
 * overlayfs.rst: "whiteouts and opaque directories", "redirect_dir"):
 *
 *   1. An entry for the path itself decides: a whiteout hides everything
 *      (ENOENT), any other kind is the object in upper/.
 *   2. Without one, the lower path is found by walking the ancestors from
 *      the nearest up: a plain merged directory (DIR) passes the question
 *      on; a renamed directory (REDIRECT to lower O) answers O + the rest
 *      of the path; a whiteout, opaque directory or non-directory hides the
 *      whole lower tree below it.  No ancestor decides: the lower path is
 *      the virtual path.
 *
 * A lookup costs one hash probe per ancestor and one lstat, no SQL.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cow/cow_internal.h"

/*
 * The hashes of virt_path's ancestors below the root, nearest last:
 * hashes[i] is that of the prefix ending before the (i+1)th '/' after the
 * first, made in one pass (a deep path's ancestors, hashed one by one,
 * would cost its length times its depth).  Returns their number.
 */
static size_t ancestor_hashes(const char *virt_path, size_t len, uint64_t *hashes, size_t max)
{
	struct cow_hasher hs;
	size_t n = 0, from = 0;

	cow_hash_init(&hs);
	for (size_t i = 1; i < len && n < max; i++) {
		if (virt_path[i] != '/')
			continue;
		cow_hash_update(&hs, virt_path + from, i - from);
		from = i;
		hashes[n++] = cow_hash_final(&hs);
	}
	return n;
}

bool cow_lower_path(const struct cow_store *store, const char *virt_path, char *buf,
		    size_t size)
{
	uint64_t small[64], *hashes = small;
	char anc[COW_REAL_MAX];
	size_t len = strlen(virt_path), n_anc, max = 0;
	bool found = false, ok = true;
	int n;

	if (len >= sizeof(anc))
		return false;
	if (store->n_entries) {
		for (const char *p = virt_path; (p = strchr(p + 1, '/'));)
			max++; /* the ancestors below the root */
		if (max <= sizeof(small) / sizeof(small[0]))
			max = sizeof(small) / sizeof(small[0]); /* no allocation on the hot path */
		else if (!(hashes = malloc(max * sizeof(*hashes))))
			return false;
		n_anc = ancestor_hashes(virt_path, len, hashes, max);
		memcpy(anc, virt_path, len + 1);
		/* Nearest first: each ancestor ends where the next '/' from the end is. */
		for (size_t i = n_anc, end = len; i-- > 0;) {
			const struct cow_entry *e;

			while (end > 0 && anc[--end] != '/')
				;
			anc[end] = '\0';
			e = cow_index_get_not_dir(store, anc, hashes[i]);
			if (!e)
				continue;
			found = true;
			if (e->kind != COW_KIND_REDIRECT || !e->origin) {
				ok = false;
				break;
			}
			n = snprintf(buf, size, "%s%s", e->origin, virt_path + end);
			ok = n >= 0 && (size_t)n < size;
			break;
		}
		if (hashes != small)
			free(hashes);
		if (found)
			return ok;
	}
	n = snprintf(buf, size, "%s", virt_path);
	return n >= 0 && (size_t)n < size;
}

static mode_t kind_type(enum cow_kind kind)
{
	switch (kind) {
	case COW_KIND_FILE:
		return S_IFREG;
	case COW_KIND_SYMLINK:
		return S_IFLNK;
	case COW_KIND_NODE:
		return 0; /* the upper node's */
	case COW_KIND_DIR:
	case COW_KIND_OPAQUE:
	case COW_KIND_REDIRECT:
		return S_IFDIR;
	case COW_KIND_WHITEOUT:
		break;
	}
	return 0;
}

int cow_lookup(struct cow_store *store, const char *virt_path, struct cow_lookup *ret)
{
	struct stat st;
	bool lower_st;

	return cow_lookup_st(store, virt_path, ret, &st, &lower_st);
}

/*
 * cow_lookup_st with the index's entry e of virt_path (or NULL) known;
 * upper_path false leaves ret->real_path empty for an upper object.
 */
static int lookup_entry(struct cow_store *store, const char *virt_path,
			const struct cow_entry *e, bool upper_path, struct cow_lookup *ret,
			struct stat *ret_st, bool *ret_lower_st)
{
	struct stat st;

	*ret_lower_st = false;

	memset(ret, 0, offsetof(struct cow_lookup, real_path) + 1);
	if (strlen(virt_path) >= COW_PATH_MAX)
		return -ENAMETOOLONG;
	if (e) {
		ret->kind = e->kind;
		if (e->kind == COW_KIND_WHITEOUT) {
			ret->where = COW_WHITEOUT;
			return 0;
		}
		ret->where = COW_UPPER;
		ret->type = kind_type(e->kind);
		/* FIFO, socket or device: rare enough to ask upper/ each time. */
		if (e->kind == COW_KIND_NODE)
			ret->type = fstatat(store->upper_fd, cow_rel(store, virt_path), &st,
					    AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode & S_IFMT : S_IFIFO;
		if (!upper_path)
			return 0;
		return cow_upper_path(store, virt_path, ret->real_path, sizeof(ret->real_path));
	}
	if (!cow_lower_path(store, virt_path, ret->real_path, sizeof(ret->real_path))) {
		ret->real_path[0] = '\0';
		return 0;
	}
	if (lstat(cow_kpath(store, ret->real_path), &st) < 0) {
		int err = errno;

		ret->real_path[0] = '\0';
		return err == ENOENT || err == ENOTDIR ? 0 : -err;
	}
	ret->where = COW_LOWER;
	ret->type = st.st_mode & S_IFMT;
	*ret_st = st;
	*ret_lower_st = true;
	return 0;
}

int cow_lookup_st(struct cow_store *store, const char *virt_path, struct cow_lookup *ret,
		  struct stat *ret_st, bool *ret_lower_st)
{
	return lookup_entry(store, virt_path, cow_index_get(store, virt_path), true, ret, ret_st,
			    ret_lower_st);
}

bool cow_real_dir(const struct cow_store *store, const char *virt_path, char *buf, size_t size)
{
	const struct cow_entry *e = cow_index_get(store, virt_path);
	int n;

	if (!e || e->kind == COW_KIND_DIR)
		return cow_lower_path(store, virt_path, buf, size);
	if (e->kind != COW_KIND_REDIRECT || !e->origin)
		return false;
	n = snprintf(buf, size, "%s", e->origin);
	return n >= 0 && (size_t)n < size;
}

int cow_lookup_type(struct cow_store *store, const char *virt_path, uint64_t hash,
		    mode_t *ret_type)
{
	struct cow_lookup lk;
	struct stat st;
	bool lower_st;
	int err = lookup_entry(store, virt_path, cow_index_get_hashed(store, virt_path, hash),
			       false, &lk, &st, &lower_st);

	*ret_type = err ? 0 : lk.type;
	return err;
}

size_t cow_entry_count(const struct cow_store *store)
{
	return store->n_entries;
}

const char *cow_store_dir(const struct cow_store *store)
{
	return store->store_dir;
}
