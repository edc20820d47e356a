/*
 * cow/index.c — the overlay index in memory: a chained hash table keyed by
 * virtual path, mirroring table `overlay` (db/overlay.c).  Every mutation
 * writes the change through first (cow/journal.c: SQLite, or the journal
 * and the log writer's queue while tracing) and changes memory only when
 * that succeeded, so the two never disagree; a lookup (cow_index_get)
 * costs one hash and a short chain walk, no SQL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cow/cow_internal.h"

static struct cow_entry **slot_of(const struct cow_store *store, const char *virt_path,
				  uint64_t h)
{
	struct cow_entry **pp = &store->buckets[h & (store->n_buckets - 1)];

	while (*pp && ((*pp)->key_hash != h || strcmp((*pp)->virt_path, virt_path)))
		pp = &(*pp)->next;
	return pp;
}

struct cow_entry *cow_index_get(const struct cow_store *store, const char *virt_path)
{
	if (!store->n_entries)
		return NULL;
	return *slot_of(store, virt_path, cow_path_hash(virt_path, strlen(virt_path)));
}

struct cow_entry *cow_index_get_hashed(const struct cow_store *store, const char *virt_path,
				       uint64_t h)
{
	return store->n_entries ? *slot_of(store, virt_path, h) : NULL;
}

struct cow_entry *cow_index_get_not_dir(const struct cow_store *store, const char *virt_path,
					uint64_t h)
{
	if (!store->n_entries)
		return NULL;
	/*
	 * A plain directory entry is passed over on its hash alone: whether
	 * it is virt_path's or another path's, the answer is "none".  Only a
	 * candidate of another kind pays for comparing the paths, which are
	 * thousands of bytes long for each ancestor of a deep path.
	 */
	for (struct cow_entry *e = store->buckets[h & (store->n_buckets - 1)]; e; e = e->next)
		if (e->key_hash == h && e->kind != COW_KIND_DIR && !strcmp(e->virt_path, virt_path))
			return e;
	return NULL;
}

static int grow(struct cow_store *store)
{
	size_t n = store->n_buckets ? store->n_buckets * 2 : 256;
	struct cow_entry **b = calloc(n, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < store->n_buckets; i++) {
		struct cow_entry *e = store->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->key_hash & (n - 1)];
			b[e->key_hash & (n - 1)] = e;
		}
	}
	free(store->buckets);
	store->buckets = b;
	store->n_buckets = n;
	return 0;
}

static void entry_free(struct cow_entry *e)
{
	if (!e)
		return;
	free(e->virt_path);
	free(e->origin);
	free(e);
}

static void to_row(const struct cow_entry *e, struct db_overlay_row *row)
{
	memset(row, 0, sizeof(*row));
	row->id = e->id;
	row->virt_path = e->virt_path;
	row->kind = e->kind;
	row->origin = e->origin;
	row->has_orig = e->has_orig;
	row->orig_dev = e->orig.dev;
	row->orig_ino = e->orig.ino;
	row->orig_size = e->orig.size;
	row->orig_mtime_ns = e->orig.mtime_ns;
	row->orig_hash = e->orig.hash;
	row->orig_mode = e->orig.mode;
	row->orig_uid = e->orig.uid;
	row->orig_gid = e->orig.gid;
	row->state = e->state;
}

/* A directory's key in the parents set: its path hash, never 0 (the empty slot). */
static uint64_t parent_key(const char *dir, size_t len)
{
	uint64_t h = cow_path_hash(dir, len);

	return h ? h : 1;
}

/* Where key h is in the set, or the empty slot it would take. */
static size_t parents_slot(const uint64_t *set, size_t cap, uint64_t h)
{
	size_t i = h & (cap - 1);

	while (set[i] && set[i] != h)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Remember that virt_path's parent has an entry below it. */
static int mark_parent(struct cow_store *store, const char *virt_path)
{
	const char *slash = strrchr(virt_path, '/');
	size_t len = slash == virt_path ? 1 : slash ? (size_t)(slash - virt_path) : 0, i;
	uint64_t h = parent_key(virt_path, len);

	if (store->n_parents + 1 > store->cap_parents / 2) {
		size_t cap = store->cap_parents ? store->cap_parents * 2 : 256;
		uint64_t *set = calloc(cap, sizeof(*set));

		if (!set)
			return -ENOMEM;
		for (size_t j = 0; j < store->cap_parents; j++)
			if (store->parents[j])
				set[parents_slot(set, cap, store->parents[j])] = store->parents[j];
		free(store->parents);
		store->parents = set;
		store->cap_parents = cap;
	}
	i = parents_slot(store->parents, store->cap_parents, h);
	if (!store->parents[i]) {
		store->parents[i] = h;
		store->n_parents++;
	}
	return 0;
}

bool cow_may_have_entries_below(const struct cow_store *store, const char *dir)
{
	uint64_t h;

	if (!store->n_entries || !store->cap_parents)
		return false;
	h = parent_key(dir, strlen(dir));
	return store->parents[parents_slot(store->parents, store->cap_parents, h)] == h;
}

/* Link a complete entry into the table (replacing any of the same path). */
static int link_entry(struct cow_store *store, struct cow_entry *e)
{
	struct cow_entry **pp;
	int err;

	err = mark_parent(store, e->virt_path);
	if (err)
		return err;
	if (store->n_entries + 1 > store->n_buckets / 4 * 3) {
		err = grow(store);
		if (err)
			return err;
	}
	pp = slot_of(store, e->virt_path, e->key_hash);
	if (*pp) {
		struct cow_entry *old = *pp;

		e->next = old->next;
		*pp = e;
		entry_free(old);
		return 0;
	}
	e->next = NULL;
	*pp = e;
	store->n_entries++;
	return 0;
}

static struct cow_entry *entry_new(const char *virt_path, enum cow_kind kind, const char *origin,
				   const struct cow_orig *orig)
{
	struct cow_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->virt_path = strdup(virt_path);
	e->origin = origin ? strdup(origin) : NULL;
	if (!e->virt_path || (origin && !e->origin)) {
		entry_free(e);
		return NULL;
	}
	e->key_hash = cow_path_hash(virt_path, strlen(virt_path));
	e->kind = kind;
	if (orig) {
		e->has_orig = true;
		e->orig = *orig;
	}
	return e;
}

int cow_index_put(struct cow_store *store, const char *virt_path, enum cow_kind kind,
		  const char *origin, const struct cow_orig *orig, struct cow_entry **ret)
{
	struct db_overlay_row row;
	struct cow_entry *e;
	int err;

	e = entry_new(virt_path, kind, origin, orig);
	if (!e)
		return -ENOMEM;
	to_row(e, &row);
	err = cow_journal_change(store, DB_OVERLAY_PUT, &row, &e->id);
	if (err)
		goto out_free;
	err = link_entry(store, e);
	if (err)
		goto out_free;
	if (ret)
		*ret = e;
	return 0;

out_free:
	entry_free(e);
	return err;
}

int cow_index_remove(struct cow_store *store, const char *virt_path)
{
	struct db_overlay_row row;
	struct cow_entry **pp, *e;
	int err;

	if (!store->n_entries)
		return 0;
	pp = slot_of(store, virt_path, cow_path_hash(virt_path, strlen(virt_path)));
	if (!*pp)
		return 0;
	memset(&row, 0, sizeof(row));
	row.virt_path = virt_path;
	err = cow_journal_change(store, DB_OVERLAY_DELETE, &row, NULL);
	if (err)
		return err;
	e = *pp;
	*pp = e->next;
	entry_free(e);
	store->n_entries--;
	return 0;
}

static void unlink_entry(struct cow_store *store, struct cow_entry *e)
{
	struct cow_entry **pp = slot_of(store, e->virt_path, e->key_hash);

	if (*pp == e) {
		*pp = e->next;
		store->n_entries--;
	}
}

/*
 * Give e the path to_virt + (its path past from_len bytes), in SQLite then
 * in memory: the old row deleted and the new one put, with e's id.
 */
static int rekey(struct cow_store *store, struct cow_entry *e, size_t from_len,
		 const char *to_virt)
{
	static const enum db_overlay_op ops[2] = { DB_OVERLAY_DELETE, DB_OVERLAY_PUT };
	size_t to_len = strlen(to_virt);
	char *path = malloc(to_len + strlen(e->virt_path) - from_len + 1);
	struct db_overlay_row rows[2];
	int64_t id = e->id;
	int err;

	if (!path)
		return -ENOMEM;
	memcpy(path, to_virt, to_len);
	strcpy(path + to_len, e->virt_path + from_len);
	to_row(e, &rows[0]);
	to_row(e, &rows[1]);
	rows[1].virt_path = path;
	err = cow_journal_changes(store, 2, ops, rows, &id);
	if (err) {
		free(path);
		return err;
	}
	unlink_entry(store, e);
	free(e->virt_path);
	e->id = id;
	e->virt_path = path;
	e->key_hash = cow_path_hash(path, strlen(path));
	return link_entry(store, e);
}

/*
 * The cost is one pass over the table for a directory (the entries below
 * it are the overlay's, never the real tree's), one probe for anything
 * else: renaming files is frequent (write a temporary, rename it over).
 * The caller made sure nothing exists at or below to_virt.
 */
int cow_index_move(struct cow_store *store, const char *from_virt, const char *to_virt)
{
	struct cow_entry *self = cow_index_get(store, from_virt), **moving = NULL;
	size_t from_len = strlen(from_virt), n = 0;
	int err;

	if (self && (self->kind == COW_KIND_FILE || self->kind == COW_KIND_SYMLINK ||
		     self->kind == COW_KIND_NODE || self->kind == COW_KIND_WHITEOUT))
		return rekey(store, self, from_len, to_virt);
	moving = malloc((store->n_entries + 1) * sizeof(*moving));
	if (!moving)
		return -ENOMEM;
	for (size_t i = 0; i < store->n_buckets; i++)
		for (struct cow_entry *e = store->buckets[i]; e; e = e->next)
			if (cow_path_under(e->virt_path, from_virt))
				moving[n++] = e;
	err = cow_index_begin(store);
	for (size_t i = 0; i < n && !err; i++)
		err = rekey(store, moving[i], from_len, to_virt);
	/* A failure part-way leaves memory ahead of the rolled-back rows: the
	   caller reports it, and reopening the store reloads the rows. */
	if (!err)
		err = cow_index_end(store, true);
	else
		cow_index_end(store, false);
	free(moving);
	return err;
}

int cow_index_set_state(struct cow_store *store, struct cow_entry *e, int state)
{
	int err = db_overlay_set_state(store->db, e->id, state);

	if (!err)
		e->state = state;
	return err;
}

int cow_index_set_origin(struct cow_store *store, struct cow_entry *e, const char *origin)
{
	char *copy = origin ? strdup(origin) : NULL;
	struct db_overlay_row row;
	int err;

	if (origin && !copy)
		return -ENOMEM;
	to_row(e, &row);
	row.origin = origin;
	err = cow_journal_change(store, DB_OVERLAY_PUT, &row, &e->id);
	if (err) {
		free(copy);
		return err;
	}
	free(e->origin);
	e->origin = copy;
	return 0;
}

static int load_row(const struct db_overlay_row *row, void *opaque)
{
	struct cow_store *store = opaque;
	struct cow_orig orig = {
		.dev = row->orig_dev, .ino = row->orig_ino, .size = row->orig_size,
		.mtime_ns = row->orig_mtime_ns, .hash = row->orig_hash, .mode = row->orig_mode,
		.uid = row->orig_uid, .gid = row->orig_gid,
	};
	struct cow_entry *e;
	int err;

	if (row->kind < COW_KIND_FILE || row->kind > COW_KIND_REDIRECT || row->virt_path[0] != '/')
		return -EBADMSG;
	e = entry_new(row->virt_path, (enum cow_kind)row->kind, row->origin,
		      row->has_orig ? &orig : NULL);
	if (!e)
		return -ENOMEM;
	e->id = row->id;
	e->state = row->state;
	err = link_entry(store, e);
	if (err)
		entry_free(e);
	return err;
}

int cow_index_load(struct cow_store *store)
{
	return db_overlay_load(store->db, load_row, store);
}

void cow_index_free(struct cow_store *store)
{
	for (size_t i = 0; i < store->n_buckets; i++) {
		struct cow_entry *e = store->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			entry_free(e);
		}
	}
	free(store->buckets);
	store->buckets = NULL;
	store->n_buckets = 0;
	store->n_entries = 0;
	free(store->parents);
	store->parents = NULL;
	store->n_parents = store->cap_parents = 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp((*(struct cow_entry *const *)a)->virt_path,
		      (*(struct cow_entry *const *)b)->virt_path);
}

struct cow_entry **cow_index_sorted(const struct cow_store *store, size_t *ret_n)
{
	struct cow_entry **all = malloc((store->n_entries + 1) * sizeof(*all));
	size_t n = 0;

	if (!all)
		return NULL;
	for (size_t i = 0; i < store->n_buckets; i++)
		for (struct cow_entry *e = store->buckets[i]; e; e = e->next)
			all[n++] = e;
	qsort(all, n, sizeof(*all), cmp_entry);
	*ret_n = n;
	return all;
}
