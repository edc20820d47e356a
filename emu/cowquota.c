/*
 * emu/cowquota.c — `--quota` for what the program writes through its own
 * descriptors into upper/.
 *
 * Copy-ups and creations reserve their bytes in cow/ (cow_quota_reserve),
 * but a file already in upper/ grows through the program's descriptor:
 * write, pwrite64, writev, pwritev, pwritev2, ftruncate, fallocate, and
 * the out side of copy_file_range, sendfile and splice.  At such a call's
 * entry, the growth it can make (its end, from the offset or the
 * descriptor's position, or the file's size under O_APPEND, past the
 * file's size) is reserved.  Past the quota, a write is shortened to what
 * is left, as on a full disk, and a call that cannot write a byte (or a
 * vectored write, a truncate or an allocation that does not fit whole)
 * fails with ENOSPC.  truncate(2) by path is the same, on the upper copy
 * its path names (cw_quota_truncate).  At the exit, the reservation is
 * settled against the file's new size.  Apparent sizes are counted, like
 * cow/'s reservations.
 * Descriptors of anything but a regular file in upper/ are not looked at;
 * with no quota, nothing here runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "emu/cow_internal.h"

#define AT_POSITION (-1) /* the write starts at the descriptor's position */

/*
 * The file behind fd when it is a regular file in upper/: its size, and
 * where a write at the descriptor's position starts (the size under
 * O_APPEND).  False for anything else.
 */
static bool upper_file(struct ctx *x, int fd, struct stat *st, int64_t *ret_pos)
{
	char name[CW_FD_NAME], real[EMU_PATH_MAX];
	size_t dl = strlen(x->ec->store_dir);
	unsigned flags;

	if (cw_fd_path(x->ec, x->c, fd, name, real, sizeof(real)) < 0 ||
	    !cw_under(real, x->ec->store_dir) || !cw_under(real + dl, "/upper"))
		return false;
	if (stat(name, st) < 0 || !S_ISREG(st->st_mode) ||
	    !cw_fd_info(x->c->tid, fd, ret_pos, &flags))
		return false;
	if (flags & O_APPEND)
		*ret_pos = (int64_t)st->st_size;
	return true;
}

/* The bytes an iovec array asks for; -1 when it cannot be read. */
static int64_t iov_bytes(struct ctx *x, uint64_t addr, uint64_t count)
{
	struct iovec iov[64];
	int64_t total = 0;

	for (uint64_t done = 0; done < count;) {
		uint64_t k = count - done < 64 ? count - done : 64;

		if (x->g->read(x->g->ctx, addr + done * sizeof(iov[0]), iov, k * sizeof(iov[0])))
			return -1;
		for (uint64_t i = 0; i < k; i++)
			total += (int64_t)iov[i].iov_len;
		done += k;
	}
	return total;
}

/* An offset the program passed by pointer (copy_file_range, splice); NULL: the position. */
static bool offset_at(struct ctx *x, uint64_t addr, int64_t *ret)
{
	if (!addr) {
		*ret = AT_POSITION;
		return true;
	}
	return x->g->read(x->g->ctx, addr, ret, sizeof(*ret)) == 0;
}

int cw_quota_enter(struct ctx *x)
{
	const uint64_t *a = x->c->args;
	struct cow_store *store = x->ec->store;
	uint64_t limit = cow_quota_limit(store), used, room, growth;
	int64_t start = AT_POSITION, count = -1, end = -1, pos;
	int fd, count_arg = -1;
	bool vectored = false;
	struct stat st;

	if (!limit)
		return DB_ACTION_PASS;
	fd = (int)a[0];
	switch (x->c->nr) {
	case __NR_write:
		count = (int64_t)a[2];
		count_arg = 2;
		break;
	case __NR_pwrite64:
		count = (int64_t)a[2];
		count_arg = 2;
		start = (int64_t)a[3];
		break;
	case __NR_writev:
	case __NR_pwritev:
	case __NR_pwritev2:
		count = iov_bytes(x, a[1], a[2]);
		if (count < 0)
			return DB_ACTION_PASS; /* the kernel's EFAULT or EINVAL */
		vectored = true;
		if (x->c->nr != __NR_writev && (int64_t)a[3] != -1)
			start = (int64_t)a[3];
		break;
	case __NR_ftruncate:
		end = (int64_t)a[1];
		break;
	case __NR_fallocate:
		if (a[1] & (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
			return DB_ACTION_PASS; /* the size stays */
		end = (int64_t)(a[2] + a[3]);
		break;
	case __NR_copy_file_range:
	case __NR_splice:
		fd = (int)a[2];
		if (!offset_at(x, a[3], &start))
			return DB_ACTION_PASS; /* the kernel's EFAULT */
		count = (int64_t)a[4];
		count_arg = 4;
		break;
	case __NR_sendfile:
		count = (int64_t)a[3];
		count_arg = 3;
		break;
	default:
		return DB_ACTION_PASS;
	}
	if ((count < 0 && end < 0) || !upper_file(x, fd, &st, &pos))
		return DB_ACTION_PASS; /* not an upper file, or the kernel's EINVAL */
	if (count >= 0)
		end = (start == AT_POSITION ? pos : start) + count;
	growth = end > st.st_size ? (uint64_t)(end - st.st_size) : 0;
	used = cow_quota_used(store);
	room = used < limit ? limit - used : 0;
	if (growth > room) {
		uint64_t cut = growth - room;

		if (room == 0 || vectored || count_arg < 0 || (uint64_t)count <= cut)
			return cw_emulate(x, -ENOSPC);
		/* A short write, as on a full disk: up to the quota. */
		if (x->g->set_arg(x->g->ctx, count_arg, (uint64_t)count - cut) < 0)
			return cw_emulate(x, -ENOSPC);
		growth = room;
	}
	if (growth && cow_quota_reserve(store, growth) < 0)
		return cw_emulate(x, -ENOSPC);
	x->pend->what = PEND_QUOTA;
	x->pend->quota_fd = fd;
	x->pend->quota_size = (int64_t)st.st_size;
	x->pend->quota_reserved = growth;
	return DB_ACTION_PASS;
}

/*
 * truncate(2) of virt, whose upper copy is upper: reserve what it grows the
 * file by; 0 or -ENOSPC.  The exit finds the copy again by virt.
 */
int cw_quota_truncate(struct ctx *x, const char *upper, const char *virt, int64_t length)
{
	struct cow_store *store = x->ec->store;
	uint64_t growth;
	struct stat st;

	if (!cow_quota_limit(store))
		return 0;
	if (stat(cow_kpath(store, upper), &st) < 0 || !S_ISREG(st.st_mode))
		return 0; /* the kernel's error */
	growth = length > st.st_size ? (uint64_t)(length - st.st_size) : 0;
	if (growth && cow_quota_reserve(store, growth) < 0)
		return -ENOSPC;
	x->pend->what = PEND_QUOTA;
	x->pend->quota_fd = -1;
	x->pend->quota_size = (int64_t)st.st_size;
	x->pend->quota_reserved = growth;
	snprintf(x->pend->vpath, sizeof(x->pend->vpath), "%s", virt);
	return 0;
}

void cw_quota_exit(struct emu_cow *ec, const struct emu_cow_call *c,
		   const struct emu_cow_pending *pend)
{
	char name[COW_REAL_MAX];
	struct stat st;
	uint64_t grew;
	int err;

	if (pend->quota_fd >= 0) {
		snprintf(name, sizeof(name), "/proc/%d/fd/%d", (int)c->tid, pend->quota_fd);
		err = stat(name, &st);
	} else { /* truncate(2): the upper copy of the path */
		err = cow_upper_path(ec->store, pend->vpath, name, sizeof(name)) < 0
			      ? -1
			      : stat(cow_kpath(ec->store, name), &st);
	}
	if (err < 0) {
		cow_quota_release(ec->store, pend->quota_reserved);
		return;
	}
	if (st.st_size < pend->quota_size) {
		/* Shrunk (ftruncate): what it held is free again. */
		cow_quota_release(ec->store, pend->quota_reserved +
						     (uint64_t)(pend->quota_size - st.st_size));
		return;
	}
	grew = (uint64_t)(st.st_size - pend->quota_size);
	if (grew < pend->quota_reserved)
		cow_quota_release(ec->store, pend->quota_reserved - grew);
	else
		cow_quota_charge(ec->store, grew - pend->quota_reserved); /* another writer meanwhile */
}
