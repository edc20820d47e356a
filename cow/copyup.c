/*
 * cow/copyup.c — copying a real object into upper/.
 *
 * A copy is built in work/ under a fresh name and renamed into place only
 * when complete (content, owner, mode, xattrs, times), then recorded in the
 * index; any failure removes the temporary and gives back the quota, so a
 * failed copy-up leaves nothing half-written.  Data: FICLONE (a reflink:
 * O(1) on btrfs/XFS), else copy_file_range over the data extents found
 * with SEEK_DATA/SEEK_HOLE (holes stay holes, lseek(2)), else read/write.
 * The order chown-then-chmod matters: chown(2) clears set-user-ID bits.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cow/cow_internal.h"

#define COPY_CHUNK (1 << 20)

void cow_work_name(struct cow_store *store, char *buf, size_t size)
{
	snprintf(buf, size, "tmp.%ld.%u", (long)getpid(), ++store->tmp_seq);
}

int cow_orig_from(const char *real_path, const struct stat *st, struct cow_orig *orig)
{
	int fd, err = 0;

	memset(orig, 0, sizeof(*orig));
	orig->dev = (int64_t)st->st_dev;
	orig->ino = (int64_t)st->st_ino;
	orig->size = st->st_size;
	orig->mtime_ns = cow_mtime_ns(st);
	orig->mode = st->st_mode;
	orig->uid = st->st_uid;
	orig->gid = st->st_gid;
	if (!S_ISREG(st->st_mode))
		return 0; /* never open a FIFO or device: it could block */
	fd = open(real_path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = cow_hash_fd(fd, &orig->hash);
	close(fd);
	return err;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = cow_sys.write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy [off, end) with read/write, both fds positioned by lseek. */
static int copy_rw(int src_fd, int dst_fd, off_t off, off_t end)
{
	static __thread char buf[1 << 16];
	int err;

	if (lseek(src_fd, off, SEEK_SET) < 0 || lseek(dst_fd, off, SEEK_SET) < 0)
		return -errno;
	while (off < end) {
		size_t want = (size_t)(end - off) < sizeof(buf) ? (size_t)(end - off) : sizeof(buf);
		ssize_t n = cow_sys.read(src_fd, buf, want);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break; /* the file shrank: copy what is there */
		err = write_all(dst_fd, buf, (size_t)n);
		if (err)
			return err;
		off += n;
	}
	return 0;
}

/* Copy one data extent; *use_cfr turns false when copy_file_range cannot serve. */
static int copy_extent(int src_fd, int dst_fd, off_t off, off_t end, bool *use_cfr)
{
	while (*use_cfr && off < end) {
		off_t in = off, out = off;
		size_t len = (size_t)(end - off) < COPY_CHUNK ? (size_t)(end - off) : COPY_CHUNK;
		ssize_t n = cow_sys.copy_file_range(src_fd, &in, dst_fd, &out, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
			    errno == EOPNOTSUPP || errno == EBADF) {
				*use_cfr = false; /* copy_file_range(2), ERRORS */
				break;
			}
			return -errno;
		}
		if (n == 0)
			return 0;
		off += n;
	}
	return off < end ? copy_rw(src_fd, dst_fd, off, end) : 0;
}

int cow_copy_data(int src_fd, int dst_fd, off_t size)
{
	bool use_cfr = true;
	off_t off = 0;
	int err;

	if (size > 0 && cow_sys.ficlone(dst_fd, src_fd) == 0)
		return 0;
	while (off < size) {
		off_t data = lseek(src_fd, off, SEEK_DATA), hole;

		if (data < 0) {
			if (errno == ENXIO)
				break; /* only a hole is left */
			data = off; /* no SEEK_DATA here: all data */
			hole = size;
		} else {
			hole = lseek(src_fd, data, SEEK_HOLE);
			if (hole < 0 || hole > size)
				hole = size;
		}
		if (data >= size)
			break;
		err = copy_extent(src_fd, dst_fd, data, hole, &use_cfr);
		if (err)
			return err;
		off = hole;
	}
	/* A trailing hole: extend without writing (ftruncate(2) makes a hole). */
	if (cow_sys.ftruncate(dst_fd, size) < 0)
		return -errno;
	return 0;
}

static bool xattr_skippable(int err)
{
	return err == ENOTSUP || err == EPERM || err == EACCES || err == ERANGE;
}

int cow_copy_xattrs(int src_fd, int dst_fd)
{
	char *names = NULL, *value = NULL;
	ssize_t len, vlen;
	int err = 0;

	len = flistxattr(src_fd, NULL, 0);
	if (len <= 0)
		return len < 0 && !xattr_skippable(errno) ? -errno : 0;
	names = malloc((size_t)len);
	if (!names)
		return -ENOMEM;
	len = flistxattr(src_fd, names, (size_t)len);
	if (len < 0) {
		err = xattr_skippable(errno) ? 0 : -errno;
		goto out_free;
	}
	for (char *name = names; name < names + len; name += strlen(name) + 1) {
		vlen = fgetxattr(src_fd, name, NULL, 0);
		if (vlen < 0)
			continue;
		free(value);
		value = malloc((size_t)vlen + 1);
		if (!value) {
			err = -ENOMEM;
			break;
		}
		vlen = fgetxattr(src_fd, name, value, (size_t)vlen);
		if (vlen < 0)
			continue;
		if (cow_sys.fsetxattr(dst_fd, name, value, (size_t)vlen, 0) < 0 &&
		    !xattr_skippable(errno)) {
			err = -errno;
			break;
		}
	}
out_free:
	free(value);
	free(names);
	return err;
}

int cow_sync_xattrs(int src_fd, int dst_fd)
{
	char *names = NULL;
	ssize_t len;
	int err = cow_copy_xattrs(src_fd, dst_fd);

	if (err)
		return err;
	len = flistxattr(dst_fd, NULL, 0);
	if (len <= 0)
		return len < 0 && !xattr_skippable(errno) ? -errno : 0;
	names = malloc((size_t)len);
	if (!names)
		return -ENOMEM;
	len = flistxattr(dst_fd, names, (size_t)len);
	if (len < 0) {
		err = xattr_skippable(errno) ? 0 : -errno;
		goto out_free;
	}
	for (char *name = names; name < names + len; name += strlen(name) + 1) {
		/* security.selinux is the host's label, not a change (cow/status.c). */
		if (!strcmp(name, "security.selinux"))
			continue;
		if (fgetxattr(src_fd, name, NULL, 0) >= 0 || errno != ENODATA)
			continue;
		if (fremovexattr(dst_fd, name) < 0 && errno != ENODATA &&
		    !xattr_skippable(errno)) {
			err = -errno;
			break;
		}
	}
out_free:
	free(names);
	return err;
}

/* Owner (where permitted), mode, times of an open copy from st. */
static int copy_meta_fd(int fd, const struct stat *st)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (fchown(fd, st->st_uid, st->st_gid) < 0 && errno != EPERM && errno != EINVAL)
		return -errno;
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return -errno;
	if (futimens(fd, ts) < 0)
		return -errno;
	return 0;
}

/* Build the copy of a regular file or directory at work/tmp. */
static int build_fd_object(struct cow_store *store, const char *tmp, const char *lower_path,
			   const struct stat *st, bool no_data)
{
	int src_fd, dst_fd, err;

	src_fd = open(lower_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
				  (S_ISDIR(st->st_mode) ? O_DIRECTORY : 0));
	/* A directory we may search but not read (mode 0311): copied without
	   its xattrs, which cannot be listed through an O_PATH descriptor. */
	if (src_fd < 0 && errno == EACCES && S_ISDIR(st->st_mode))
		src_fd = open(lower_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (src_fd < 0)
		return -errno;
	if (S_ISDIR(st->st_mode)) {
		if (cow_sys.mkdirat(store->work_fd, tmp, 0700) < 0) {
			err = -errno;
			goto out_src;
		}
		dst_fd = cow_sys.openat(store->work_fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	} else {
		dst_fd = cow_sys.openat(store->work_fd, tmp,
					O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	}
	if (dst_fd < 0) {
		err = -errno;
		goto out_src;
	}
	err = S_ISREG(st->st_mode) && !no_data ? cow_copy_data(src_fd, dst_fd, st->st_size) : 0;
	if (!err && !(fcntl(src_fd, F_GETFL) & O_PATH))
		err = cow_copy_xattrs(src_fd, dst_fd);
	if (!err)
		err = copy_meta_fd(dst_fd, st);
	close(dst_fd);
out_src:
	close(src_fd);
	return err;
}

/*
 * Build a symlink, FIFO, socket or device node at work/tmp (never opened:
 * a FIFO would block).  A device needs pcow's CAP_MKNOD: else -EPERM.
 */
static int build_node(struct cow_store *store, const char *tmp, const char *lower_path,
		      const struct stat *st)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	char target[PATH_MAX];
	ssize_t n;

	if (S_ISLNK(st->st_mode)) {
		n = readlink(lower_path, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		if (cow_sys.symlinkat(target, store->work_fd, tmp) < 0)
			return -errno;
	} else if (cow_sys.mknodat(store->work_fd, tmp, (st->st_mode & S_IFMT) | 0600,
				   st->st_rdev) < 0) {
		return -errno;
	}
	if (fchownat(store->work_fd, tmp, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno != EPERM && errno != EINVAL)
		return -errno;
	if (!S_ISLNK(st->st_mode) && fchmodat(store->work_fd, tmp, st->st_mode & 07777, 0) < 0)
		return -errno;
	if (utimensat(store->work_fd, tmp, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

int cow_copy_object(struct cow_store *store, const char *virt_path, const char *lower_path,
		    const struct stat *st, bool no_data, struct cow_entry **ret)
{
	enum cow_kind kind;
	struct cow_orig orig;
	uint64_t reserved = 0;
	char tmp[64], kbuf[PATH_MAX];
	const char *klower = cow_kpath(store, lower_path); /* what the kernel takes */
	int err;

	if (klower != lower_path)
		klower = strcpy(kbuf, klower); /* kept across other cow_kpath calls */
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		kind = COW_KIND_FILE;
		break;
	case S_IFDIR:
		kind = COW_KIND_DIR;
		break;
	case S_IFLNK:
		kind = COW_KIND_SYMLINK;
		break;
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		kind = COW_KIND_NODE;
		break;
	default:
		return -EOPNOTSUPP;
	}
	err = cow_orig_from(klower, st, &orig);
	if (err)
		return err;
	if (kind == COW_KIND_FILE && !no_data) {
		reserved = (uint64_t)st->st_size;
		err = cow_quota_reserve(store, reserved);
		if (err)
			return err;
	}
	cow_work_name(store, tmp, sizeof(tmp));
	if (kind == COW_KIND_FILE || kind == COW_KIND_DIR)
		err = build_fd_object(store, tmp, klower, st, no_data);
	else
		err = build_node(store, tmp, klower, st);
	if (err)
		goto out_remove;
	if (cow_sys.renameat(store->work_fd, tmp, store->upper_fd, cow_rel(store, virt_path)) < 0) {
		err = -errno;
		goto out_remove;
	}
	err = cow_index_put(store, virt_path, kind, lower_path, &orig, ret);
	if (err) {
		unlinkat(store->upper_fd, cow_rel(store, virt_path), kind == COW_KIND_DIR ? AT_REMOVEDIR : 0);
		goto out_release;
	}
	return 0;

out_remove:
	unlinkat(store->work_fd, tmp, kind == COW_KIND_DIR ? AT_REMOVEDIR : 0);
out_release:
	cow_quota_release(store, reserved);
	return err;
}

int cow_make_parents(struct cow_store *store, const char *virt_path)
{
	char anc[COW_REAL_MAX], lower[COW_REAL_MAX], *from, *slash;
	size_t len = strlen(virt_path);
	struct stat st;
	int err;

	if (len >= sizeof(anc))
		return -ENAMETOOLONG;
	memcpy(anc, virt_path, len + 1);
	/*
	 * Top-down: each ancestor's own ancestors are in upper/ before it.
	 * So the ancestors of a directory the index has are there: start
	 * below the nearest one (in a deep tree made in the overlay, the
	 * parent), not at the root, which costs a lookup of each of
	 * thousands of ancestors.
	 */
	from = anc + 1;
	for (size_t end = len; end > 1;) {
		const struct cow_entry *e;

		while (end > 0 && anc[--end] != '/')
			;
		if (end == 0)
			break;
		anc[end] = '\0';
		e = cow_index_get(store, anc);
		anc[end] = '/';
		if (e && (e->kind == COW_KIND_DIR || e->kind == COW_KIND_OPAQUE ||
			  e->kind == COW_KIND_REDIRECT)) {
			from = anc + end;
			break;
		}
		if (e)
			break; /* checked below, top-down, as before */
	}
	for (slash = strchr(from, '/'); slash; slash = strchr(slash + 1, '/')) {
		const struct cow_entry *e;

		*slash = '\0';
		e = cow_index_get(store, anc);
		if (e) {
			if (e->kind == COW_KIND_WHITEOUT)
				return -ENOENT;
			if (e->kind != COW_KIND_DIR && e->kind != COW_KIND_OPAQUE &&
			    e->kind != COW_KIND_REDIRECT)
				return -ENOTDIR;
		} else {
			if (!cow_lower_path(store, anc, lower, sizeof(lower)))
				return -ENOENT;
			if (lstat(cow_kpath(store, lower), &st) < 0)
				return -errno;
			if (!S_ISDIR(st.st_mode))
				return -ENOTDIR;
			err = cow_copy_object(store, anc, lower, &st, false, NULL);
			if (err)
				return err;
		}
		*slash = '/';
	}
	return 0;
}

static int copy_up(struct cow_store *store, const char *virt_path, char *upper_path,
		   bool no_data)
{
	const struct cow_entry *e = cow_index_get(store, virt_path);
	char lower[COW_REAL_MAX];
	struct stat st;
	int err;

	if (e && e->kind == COW_KIND_WHITEOUT)
		return -ENOENT;
	if (!e) {
		if (!strcmp(virt_path, "/"))
			goto out_path; /* the root's upper is upper/ itself */
		if (!cow_lower_path(store, virt_path, lower, sizeof(lower)))
			return -ENOENT;
		if (lstat(cow_kpath(store, lower), &st) < 0)
			return errno == ENOTDIR ? -ENOENT : -errno;
		err = cow_make_parents(store, virt_path);
		if (err)
			return err;
		err = cow_copy_object(store, virt_path, lower, &st, no_data, NULL);
		if (err)
			return err;
	} else if (no_data && e->kind == COW_KIND_FILE) {
		int fd = cow_sys.openat(store->upper_fd, cow_rel(store, virt_path),
					O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		if (fstat(fd, &st) == 0 && st.st_nlink == 1)
			cow_quota_release(store, (uint64_t)st.st_size);
		err = cow_sys.ftruncate(fd, 0) < 0 ? -errno : 0;
		close(fd);
		if (err)
			return err;
	}
out_path:
	return upper_path ? cow_upper_path(store, virt_path, upper_path, COW_REAL_MAX) : 0;
}

int cow_copy_up(struct cow_store *store, const char *virt_path, char *upper_path)
{
	return copy_up(store, virt_path, upper_path, false);
}

int cow_copy_up_truncated(struct cow_store *store, const char *virt_path, char *upper_path)
{
	return copy_up(store, virt_path, upper_path, true);
}
