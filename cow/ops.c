/*
 * cow/ops.c — changes to the merged view: create, delete (whiteouts),
 * rename (directories become redirects, never copies), link, and metadata
 * changes on upper copies.
 *
 * The errno checks follow the order of fs/namei.c (do_unlinkat, do_rmdir,
 * do_renameat2 → vfs_rename, do_linkat) for the cases cow can judge
 * itself; permissions and the checks on the guest's path walk are emu's.
 * A change to several index rows runs in one SQLite savepoint.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cow/cow_internal.h"

static bool is_dir_kind(enum cow_kind kind)
{
	return kind == COW_KIND_DIR || kind == COW_KIND_OPAQUE || kind == COW_KIND_REDIRECT;
}

/* lookup into heap memory (struct cow_lookup is large). */
static int lookup_new(struct cow_store *store, const char *virt_path, struct cow_lookup **ret)
{
	int err;

	*ret = malloc(sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	err = cow_lookup(store, virt_path, *ret);
	if (err) {
		free(*ret);
		*ret = NULL;
	}
	return err;
}

static bool exists(const struct cow_lookup *lk)
{
	return lk->where == COW_LOWER || lk->where == COW_UPPER;
}

/* The parent of virt_path must be a directory in the merged view. */
static int check_parent(struct cow_store *store, const char *virt_path)
{
	char parent[COW_REAL_MAX];
	struct cow_lookup *lk;
	int err;

	cow_parent(virt_path, parent, sizeof(parent));
	err = lookup_new(store, parent, &lk);
	if (err)
		return err;
	if (!exists(lk))
		err = -ENOENT;
	else if (lk->type != S_IFDIR)
		err = -ENOTDIR;
	free(lk);
	return err;
}

/* Put a whiteout at virt_path if a lower object shows there, else drop the entry. */
static int hide_lower(struct cow_store *store, const char *virt_path)
{
	char lower[COW_REAL_MAX];
	struct cow_orig orig;
	struct stat st;

	if (!cow_lower_path(store, virt_path, lower, sizeof(lower)) ||
	    lstat(cow_kpath(store, lower), &st) < 0)
		return cow_index_remove(store, virt_path);
	/* Stat only: deleting a big tree must not read it (commit compares no hash). */
	memset(&orig, 0, sizeof(orig));
	orig.dev = (int64_t)st.st_dev;
	orig.ino = (int64_t)st.st_ino;
	orig.size = st.st_size;
	orig.mtime_ns = cow_mtime_ns(&st);
	orig.mode = st.st_mode;
	orig.uid = st.st_uid;
	orig.gid = st.st_gid;
	return cow_index_put(store, virt_path, COW_KIND_WHITEOUT, lower, &orig, NULL);
}

static int create(struct cow_store *store, const char *virt_path, mode_t mode,
		  const char *symlink_target, dev_t rdev, uid_t uid, gid_t gid)
{
	struct cow_lookup *lk;
	enum cow_kind kind;
	char tmp[64];
	int fd, err;

	if (!strcmp(virt_path, "/"))
		return -EEXIST;
	err = lookup_new(store, virt_path, &lk);
	if (err)
		return err;
	err = exists(lk) ? -EEXIST : check_parent(store, virt_path);
	if (!err)
		err = cow_make_parents(store, virt_path);
	if (err)
		goto out_free;

	cow_work_name(store, tmp, sizeof(tmp));
	switch (mode & S_IFMT) {
	case S_IFREG:
		kind = COW_KIND_FILE;
		fd = cow_sys.openat(store->work_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				    0600);
		err = fd < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
		break;
	case S_IFDIR:
		/* Over a whiteout the new directory hides the old contents. */
		kind = lk->where == COW_WHITEOUT ? COW_KIND_OPAQUE : COW_KIND_DIR;
		err = cow_sys.mkdirat(store->work_fd, tmp, 0700) < 0 ? -errno : 0;
		break;
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		kind = COW_KIND_NODE;
		err = cow_sys.mknodat(store->work_fd, tmp, (mode & S_IFMT) | 0600, rdev) < 0 ? -errno
											    : 0;
		break;
	case S_IFLNK:
		kind = COW_KIND_SYMLINK;
		err = cow_sys.symlinkat(symlink_target ? symlink_target : "", store->work_fd,
					tmp) < 0 ? -errno : 0;
		break;
	default:
		err = -EINVAL;
		goto out_free;
	}
	if (err)
		goto out_free;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchownat(store->work_fd, tmp, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EPERM) {
		err = -errno;
		goto out_remove;
	}
	if (kind != COW_KIND_SYMLINK && fchmodat(store->work_fd, tmp, mode & 07777, 0) < 0) {
		err = -errno;
		goto out_remove;
	}
	if (cow_sys.renameat(store->work_fd, tmp, store->upper_fd, cow_rel(store, virt_path)) < 0) {
		err = -errno;
		goto out_remove;
	}
	err = cow_index_put(store, virt_path, kind, NULL, NULL, NULL);
	if (err)
		unlinkat(store->upper_fd, cow_rel(store, virt_path), is_dir_kind(kind) ? AT_REMOVEDIR : 0);
	goto out_free;

out_remove:
	unlinkat(store->work_fd, tmp, is_dir_kind(kind) ? AT_REMOVEDIR : 0);
out_free:
	free(lk);
	return err;
}

int cow_bind_prepare(struct cow_store *store, const char *virt_path, char *upper, size_t size)
{
	struct cow_lookup *lk;
	int err;

	if (!strcmp(virt_path, "/"))
		return -EEXIST;
	err = lookup_new(store, virt_path, &lk);
	if (err)
		return err;
	err = exists(lk) ? -EEXIST : check_parent(store, virt_path);
	free(lk);
	if (!err)
		err = cow_make_parents(store, virt_path);
	return err ? err : cow_upper_path(store, virt_path, upper, size);
}

int cow_bind_done(struct cow_store *store, const char *virt_path)
{
	struct stat st;

	if (fstatat(store->upper_fd, cow_rel(store, virt_path), &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST; /* not the kernel's node: leave it alone */
	return cow_index_put(store, virt_path, COW_KIND_NODE, NULL, NULL, NULL);
}

int cow_create(struct cow_store *store, const char *virt_path, mode_t mode,
	       const char *symlink_target, uid_t uid, gid_t gid)
{
	return create(store, virt_path, mode, symlink_target, 0, uid, gid);
}

int cow_create_node(struct cow_store *store, const char *virt_path, mode_t mode, dev_t rdev,
		    uid_t uid, gid_t gid)
{
	return create(store, virt_path, mode, NULL, rdev, uid, gid);
}

/*
 * Drop the entries below virt_path, a directory empty in the merged view:
 * its upper/ directory holds nothing, so they are whiteouts of the names in
 * its lower directory, and reading that directory finds them all, in
 * O(its size) rather than O(the index).
 */
static int drop_children(struct cow_store *store, const char *virt_path)
{
	const struct cow_entry *e = cow_index_get(store, virt_path);
	char *lower = malloc(COW_REAL_MAX), *child = malloc(COW_REAL_MAX);
	struct dirent *de;
	DIR *dir = NULL;
	int err = 0;

	if (!lower || !child) {
		err = -ENOMEM;
		goto out_free;
	}
	if (e && e->kind == COW_KIND_OPAQUE)
		goto out_free;
	if (e && e->kind == COW_KIND_REDIRECT)
		snprintf(lower, COW_REAL_MAX, "%s", e->origin);
	else if (!cow_lower_path(store, virt_path, lower, COW_REAL_MAX))
		goto out_free;
	dir = opendir(cow_kpath(store, lower));
	while (dir && !err && (de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(child, COW_REAL_MAX, "%s/%s", virt_path[1] ? virt_path : "", de->d_name);
		err = cow_index_remove(store, child);
	}
out_free:
	if (dir)
		closedir(dir);
	free(child);
	free(lower);
	return err;
}

/* Remove virt_path (known to exist, type already checked) from the merged view. */
static int remove_object(struct cow_store *store, const char *virt_path,
			 const struct cow_lookup *lk)
{
	const struct cow_entry *e = cow_index_get(store, virt_path);
	struct stat st;
	int err, end_err;

	err = cow_index_begin(store);
	if (err)
		return err;
	if (lk->type == S_IFDIR)
		err = drop_children(store, virt_path);
	if (!err && e) {
		if (e->kind == COW_KIND_FILE &&
		    fstatat(store->upper_fd, cow_rel(store, virt_path), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_nlink == 1)
			cow_quota_release(store, (uint64_t)st.st_size);
		if (store->intent_seq)
			err = cow_intent_trash(store, cow_rel(store, virt_path), lk->type == S_IFDIR);
		else if (cow_sys.unlinkat(store->upper_fd, cow_rel(store, virt_path),
					  lk->type == S_IFDIR ? AT_REMOVEDIR : 0) < 0 &&
			 errno != ENOENT)
			err = -errno;
	}
	if (!err)
		err = hide_lower(store, virt_path);
	end_err = cow_index_end(store, !err);
	return err ? err : end_err;
}

int cow_delete(struct cow_store *store, const char *virt_path, bool is_dir)
{
	struct cow_lookup *lk;
	bool empty;
	int err;

	if (!strcmp(virt_path, "/"))
		return is_dir ? -EBUSY : -EISDIR; /* do_rmdir: the root is busy */
	err = lookup_new(store, virt_path, &lk);
	if (err)
		return err;
	if (!exists(lk))
		err = -ENOENT;
	else if (is_dir && lk->type != S_IFDIR)
		err = -ENOTDIR;
	else if (!is_dir && lk->type == S_IFDIR)
		err = -EISDIR; /* unlink(2): Linux gives EISDIR */
	else if (is_dir && !(err = cow_dir_is_empty(store, virt_path, &empty)) && !empty)
		err = -ENOTEMPTY;
	/* Only an object in upper/ needs the journal: the rest is the index's. */
	if (!err && lk->where == COW_UPPER)
		err = cow_intent_begin(store, "delete", virt_path, NULL);
	if (!err)
		err = remove_object(store, virt_path, lk);
	cow_intent_end(store, virt_path, !err); /* no-op without an intent */
	free(lk);
	return err;
}

/* Rename a directory: move upper/ and the entries, redirect to lower contents. */
static int rename_dir(struct cow_store *store, const char *from_virt, const char *to_virt)
{
	const struct cow_entry *e = cow_index_get(store, from_virt);
	char *lower_src = malloc(COW_REAL_MAX);
	struct cow_orig orig;
	bool has_orig = false;
	struct cow_entry *created;
	struct stat st;
	int err;

	if (!lower_src)
		return -ENOMEM;
	lower_src[0] = '\0';
	if (e && e->kind == COW_KIND_REDIRECT)
		snprintf(lower_src, COW_REAL_MAX, "%s", e->origin);
	else if (!(e && e->kind == COW_KIND_OPAQUE) &&
		 !(cow_lower_path(store, from_virt, lower_src, COW_REAL_MAX) &&
		   lstat(cow_kpath(store, lower_src), &st) == 0 && S_ISDIR(st.st_mode)))
		lower_src[0] = '\0';
	if (e && e->has_orig) {
		orig = e->orig;
		has_orig = true;
	}

	if (!e) {
		/* A real directory: an empty upper copy of it, no contents copied. */
		err = cow_make_parents(store, from_virt);
		if (!err)
			err = cow_copy_object(store, from_virt, lower_src, &st, false,
					      &created);
		if (err)
			goto out_free;
		orig = created->orig;
		has_orig = true;
	}
	if (cow_sys.renameat(store->upper_fd, cow_rel(store, from_virt), store->upper_fd,
			     cow_rel(store, to_virt)) < 0) {
		err = -errno;
		goto out_free;
	}
	err = cow_index_move(store, from_virt, to_virt);
	if (!err)
		err = cow_index_put(store, to_virt,
				    lower_src[0] ? COW_KIND_REDIRECT : COW_KIND_OPAQUE,
				    lower_src[0] ? lower_src : NULL, has_orig ? &orig : NULL, NULL);
	if (!err)
		err = hide_lower(store, from_virt);
out_free:
	free(lower_src);
	return err;
}

/* Rename a non-directory: move the upper copy, or copy the real one up under to. */
static int rename_file(struct cow_store *store, const char *from_virt, const char *to_virt,
		       const struct cow_lookup *lk)
{
	struct stat st;
	int err;

	if (lk->where == COW_UPPER) {
		if (cow_sys.renameat(store->upper_fd, cow_rel(store, from_virt), store->upper_fd,
				     cow_rel(store, to_virt)) < 0)
			return -errno;
		err = cow_index_move(store, from_virt, to_virt);
	} else {
		if (lstat(cow_kpath(store, lk->real_path), &st) < 0)
			return -errno;
		err = cow_copy_object(store, to_virt, lk->real_path, &st, false, NULL);
	}
	return err ? err : hide_lower(store, from_virt);
}

/* Two names of one object (hard links), both upper or both real. */
static bool same_object(struct cow_store *store, const struct cow_lookup *a,
			const struct cow_lookup *b)
{
	struct stat sa, sb;

	if (a->where != b->where || (a->where != COW_UPPER && a->where != COW_LOWER) ||
	    lstat(cow_kpath(store, a->real_path), &sa) < 0 ||
	    lstat(cow_kpath(store, b->real_path), &sb) < 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cow_rename(struct cow_store *store, const char *from_virt, const char *to_virt)
{
	struct cow_lookup *from = NULL, *to = NULL;
	bool empty;
	int err, end_err;

	if (!strcmp(from_virt, to_virt))
		return 0; /* rename(2): same file, nothing to do */
	/* do_renameat2: the source may not be an ancestor of the target. */
	if (cow_path_under(to_virt, from_virt))
		return -EINVAL;
	if (cow_path_under(from_virt, to_virt))
		return -ENOTEMPTY;
	err = lookup_new(store, from_virt, &from);
	if (!err)
		err = lookup_new(store, to_virt, &to);
	if (err)
		goto out_free;
	if (!exists(from)) {
		err = -ENOENT;
		goto out_free;
	}
	err = check_parent(store, to_virt);
	if (err)
		goto out_free;
	if (exists(to)) {
		/* vfs_rename: types must agree, a replaced directory must be empty. */
		if (from->type == S_IFDIR && to->type != S_IFDIR)
			err = -ENOTDIR;
		else if (from->type != S_IFDIR && to->type == S_IFDIR)
			err = -EISDIR;
		else if (to->type == S_IFDIR &&
			 !(err = cow_dir_is_empty(store, to_virt, &empty)) && !empty)
			err = -ENOTEMPTY;
		if (err)
			goto out_free;
		if (same_object(store, from, to))
			goto out_free; /* vfs_rename: hard links of one inode, nothing to do */
	}
	err = cow_intent_begin(store, "rename", from_virt, to_virt);
	if (err)
		goto out_free;
	err = cow_index_begin(store);
	if (err) {
		cow_intent_end(store, to_virt, false);
		goto out_free;
	}
	err = cow_make_parents(store, to_virt);
	if (!err && exists(to))
		err = remove_object(store, to_virt, to);
	/* The target's whiteout (if any) is replaced by what arrives. */
	if (!err)
		err = cow_index_remove(store, to_virt);
	if (!err)
		err = from->type == S_IFDIR ? rename_dir(store, from_virt, to_virt)
					    : rename_file(store, from_virt, to_virt, from);
	end_err = cow_index_end(store, !err);
	if (!err)
		err = end_err;
	cow_intent_end(store, to_virt, !err);
out_free:
	free(from);
	free(to);
	return err;
}

int cow_link(struct cow_store *store, const char *old_virt, const char *new_virt)
{
	struct cow_lookup *lk;
	const struct cow_entry *e;
	int err;

	err = lookup_new(store, old_virt, &lk);
	if (err)
		return err;
	if (!exists(lk))
		err = -ENOENT;
	else if (lk->type == S_IFDIR)
		err = -EPERM; /* link(2): oldpath is a directory */
	free(lk);
	if (err)
		return err;
	err = lookup_new(store, new_virt, &lk);
	if (err)
		return err;
	err = exists(lk) ? -EEXIST : check_parent(store, new_virt);
	free(lk);
	if (!err)
		err = cow_copy_up(store, old_virt, NULL);
	if (!err)
		err = cow_make_parents(store, new_virt);
	if (err)
		return err;
	e = cow_index_get(store, old_virt);
	if (cow_sys.linkat(store->upper_fd, cow_rel(store, old_virt), store->upper_fd,
			   cow_rel(store, new_virt), 0) < 0)
		return -errno;
	err = cow_index_put(store, new_virt, e->kind, NULL, NULL, NULL);
	if (err)
		unlinkat(store->upper_fd, cow_rel(store, new_virt), 0);
	return err;
}

int cow_chmod(struct cow_store *store, const char *virt_path, mode_t mode)
{
	int err = cow_copy_up(store, virt_path, NULL);

	if (err)
		return err;
	if (fchmodat(store->upper_fd, cow_rel(store, virt_path), mode & 07777, 0) < 0)
		return -errno;
	return 0;
}

int cow_chown(struct cow_store *store, const char *virt_path, uid_t uid, gid_t gid)
{
	int err = cow_copy_up(store, virt_path, NULL);

	if (err)
		return err;
	if (fchownat(store->upper_fd, cow_rel(store, virt_path), uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

int cow_utimens(struct cow_store *store, const char *virt_path, const struct timespec ts[2])
{
	int err = cow_copy_up(store, virt_path, NULL);

	if (err)
		return err;
	if (utimensat(store->upper_fd, cow_rel(store, virt_path), ts, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}
