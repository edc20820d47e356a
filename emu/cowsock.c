/*
 * emu/cowsock.c — the file system names of AF_UNIX sockets.
 *
 * bind(2) of a path makes a socket node there (unix_bind_bsd: a
 * vfs_mknod after kern_path_create), and connect(2), sendto(2) and
 * sendmsg(2) to a path look one up (unix_find_bsd).  In the scope the new
 * node must land in upper/, never in the real tree, and a lookup must
 * find what the merged view has.  pcow checks the name as for mknod, then
 * rewrites the address: the kernel binds or connects at the object's
 * upper (or real) path, so the node gets the caller's owner and umask and
 * the socket's own mode, and the kernel makes its own checks on the
 * socket (EINVAL for one already bound, ECONNREFUSED, ...).
 *
 * sun_path holds 108 bytes, and an upper path is longer than the virtual
 * one.  When it does not fit, the kernel is given /proc/PCOW/fd/N/NAME,
 * N pcow's descriptor of the object's directory, held until the call's
 * exit.  The program must be allowed to read pcow's /proc/PID/fd (the
 * same user, or root).
 *
 * What the program then reads back as the socket's address (getsockname,
 * getpeername, accept) is the path the kernel was given.
 *
 * A descriptor received in SCM_RIGHTS was opened by the sender, maybe a
 * process pcow does not trace: one open for writing on a real file in
 * the scope would write that file.  It is closed in the program before
 * it sees the message (cw_received_fds).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "cow/cow.h"
#include "db/db.h"
#include "emu/cow_internal.h"

#define SUN_OFF offsetof(struct sockaddr_un, sun_path)

/* An AF_UNIX address as the program passed it, and the path it names. */
struct unaddr {
	struct sockaddr_un sa;
	socklen_t len;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
};

/*
 * Read the address at addr, of len bytes: 1 when it names a path (not an
 * abstract name, not autobind), 0 when it is something else or the kernel
 * will refuse it itself (bad length, unreadable, another family).
 */
static int read_unaddr(struct ctx *x, uint64_t addr, uint64_t len, struct unaddr *u)
{
	size_t n;

	if (!addr || len <= SUN_OFF || len > sizeof(u->sa))
		return 0;
	if (x->g->read(x->g->ctx, addr, &u->sa, (size_t)len) < 0)
		return 0;
	if (u->sa.sun_family != AF_UNIX || !u->sa.sun_path[0])
		return 0;
	u->len = (socklen_t)len;
	n = (size_t)len - SUN_OFF;
	memcpy(u->path, u->sa.sun_path, n);
	u->path[n] = '\0'; /* unix_mkname_bsd: the name ends at len */
	return 1;
}

/*
 * The address the kernel is given for path: path itself when it fits,
 * else through a descriptor of its directory (held in pend).  0 or
 * -ENAMETOOLONG, -errno of the open.
 */
static int kernel_addr(struct ctx *x, const char *path, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n >= sizeof(sa->sun_path)) {
		char dir[COW_REAL_MAX];
		const char *name = cw_last_component(path);
		int fd, k;

		snprintf(dir, sizeof(dir), "%.*s", (int)(name - path), path);
		fd = open(cow_kpath(x->ec->store, dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		k = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/%d/fd/%d/%s", (int)getpid(),
			     fd, name);
		if (k < 0 || (size_t)k >= sizeof(sa->sun_path)) {
			close(fd);
			return -ENAMETOOLONG;
		}
		if (x->pend->sock_fd >= 0)
			close(x->pend->sock_fd);
		x->pend->sock_fd = fd;
		n = (size_t)k;
	} else {
		memcpy(sa->sun_path, path, n);
	}
	*len = (socklen_t)(SUN_OFF + n + 1);
	return 0;
}

/* Give the kernel sa as argument ai, its length as argument li. */
static int set_addr(struct ctx *x, int ai, int li, const void *sa, socklen_t len)
{
	if (x->g->set_arg_data(x->g->ctx, ai, sa, len) < 0 ||
	    x->g->set_arg(x->g->ctx, li, len) < 0)
		return cw_emulate(x, -EFAULT);
	return DB_ACTION_PASS;
}

/* Point the address of argument ai (length in li) at path. */
static int rewrite_addr(struct ctx *x, int ai, int li, const char *path)
{
	struct sockaddr_un sa;
	socklen_t len;
	int err = kernel_addr(x, path, &sa, &len);

	if (err)
		return cw_emulate(x, err);
	if (set_addr(x, ai, li, &sa, len) != DB_ACTION_PASS)
		return DB_ACTION_EMULATE;
	return DB_ACTION_REWRITE;
}

/* Walk u's path as the kernel does from the caller's working directory. */
static void walk_addr(struct ctx *x, struct unaddr *u, unsigned flags, struct walk *w,
		      bool *ret_base_moved)
{
	struct emu_cow_call c2 = *x->c;

	c2.path[0] = u->path;
	c2.abs[0] = NULL;
	cw_walk(x->ec, &c2, AT_FDCWD, 0, flags, w, ret_base_moved);
	w->c = x->c;
}

int cw_do_bind(struct ctx *x)
{
	const uint64_t *a = x->c->args;
	struct unaddr u;
	struct walk w;
	bool base_moved;
	char upper[COW_REAL_MAX];
	int err;

	if (!read_unaddr(x, a[1], a[2], &u)) {
		/*
		 * Not a path, yet pinned all the same: another thread must not
		 * turn it into one between this look and the kernel's read.
		 */
		unsigned char raw[sizeof(struct sockaddr_storage)];

		if (a[1] && a[2] > 0 && a[2] <= sizeof(raw) &&
		    x->g->read(x->g->ctx, a[1], raw, (size_t)a[2]) == 0)
			return set_addr(x, 1, 2, raw, (socklen_t)a[2]);
		return DB_ACTION_PASS;
	}
	walk_addr(x, &u, EMU_WALK_NAME, &w, &base_moved);
	if (w.special)
		return cw_deny(x, -EACCES);
	if (!cw_in_cow(x, w.res.virt_path) && (w.err == 0 || w.res.parent_exists)) {
		if (!w.touched && !(base_moved && u.path[0] != '/'))
			return set_addr(x, 1, 2, &u.sa, u.len); /* the real path, pinned */
		if (w.err == 0)
			return cw_emulate(x, -EADDRINUSE);
		return rewrite_addr(x, 1, 2, w.lk.real_path);
	}
	/* kern_path_create, then vfs_mknod's may_create (EEXIST is EADDRINUSE). */
	if (w.err == 0)
		return cw_emulate(x, -EADDRINUSE);
	if (w.err != -ENOENT || !w.res.parent_exists)
		return cw_emulate(x, w.err);
	if (w.res.trailing_slash)
		return cw_emulate(x, -ENOENT);
	err = cw_may_create(x, w.res.virt_path);
	if (!err)
		err = cow_bind_prepare(x->ec->store, w.res.virt_path, upper, sizeof(upper));
	if (err)
		return cw_emulate(x, err == -EEXIST ? -EADDRINUSE : err);
	x->pend->what = PEND_BIND;
	snprintf(x->pend->vpath, sizeof(x->pend->vpath), "%s", w.res.virt_path);
	return rewrite_addr(x, 1, 2, upper);
}

/*
 * The path of an address that is looked up: the kernel's walk when the
 * overlay changes nothing on the way, else the object's upper or real
 * path; a name the merged view lacks fails as the kernel's walk would.
 * *ret_path is NULL to pass the address as it is.
 */
static int lookup_addr(struct ctx *x, struct unaddr *u, struct walk *w, const char **ret_path)
{
	bool base_moved;

	*ret_path = NULL;
	walk_addr(x, u, EMU_WALK_FOLLOW, w, &base_moved);
	if (w->special)
		return cw_special_path(x->ec, w->res.virt_path) ? cw_deny(x, -EACCES)
								 : DB_ACTION_PASS;
	if (!w->touched && !(base_moved && u->path[0] != '/'))
		return DB_ACTION_PASS;
	if (w->err)
		return cw_emulate(x, w->err);
	*ret_path = w->lk.real_path;
	return DB_ACTION_REWRITE;
}

/* connect(fd, addr, len) and sendto(fd, buf, n, flags, addr, len). */
int cw_do_connect(struct ctx *x, int ai, int li)
{
	const uint64_t *a = x->c->args;
	const char *path;
	struct unaddr u;
	struct walk w;
	int action;

	if (!read_unaddr(x, a[ai], a[li], &u))
		return DB_ACTION_PASS;
	action = lookup_addr(x, &u, &w, &path);
	return path ? rewrite_addr(x, ai, li, path) : action;
}

/* sendmsg(fd, msg, flags): the address is msg->msg_name. */
int cw_do_sendmsg(struct ctx *x)
{
	const uint64_t *a = x->c->args;
	struct sockaddr_un sa;
	struct msghdr mh;
	struct unaddr u;
	struct walk w;
	const char *path;
	uint64_t addr;
	socklen_t len;
	int action, err;

	if (!a[1] || x->g->read(x->g->ctx, a[1], &mh, sizeof(mh)) < 0 ||
	    !read_unaddr(x, (uint64_t)(uintptr_t)mh.msg_name, mh.msg_namelen, &u))
		return DB_ACTION_PASS;
	action = lookup_addr(x, &u, &w, &path);
	if (!path)
		return action;
	err = kernel_addr(x, path, &sa, &len);
	if (!err)
		err = x->g->place_data(x->g->ctx, &sa, len, &addr);
	if (err)
		return cw_emulate(x, err == -ENAMETOOLONG ? err : -EFAULT);
	/* The header is the program's but for the name: a copy the kernel reads. */
	mh.msg_name = (void *)(uintptr_t)addr;
	mh.msg_namelen = len;
	if (x->g->set_arg_data(x->g->ctx, 1, &mh, sizeof(mh)) < 0)
		return cw_emulate(x, -EFAULT);
	return DB_ACTION_REWRITE;
}

/* ------------------------------------------------- descriptors received */

/* struct msghdr of x86_64: msg_control at 32, msg_controllen at 40. */
#define MSG_CONTROL_OFF 32
#define MMSG_HDR_SIZE 64 /* struct mmsghdr: the msghdr, msg_len, padding */
#define CONTROL_MAX 4096

/* Could fd, the program's, write a real file in the scope? */
static bool writes_real(struct emu_cow *ec, pid_t tid, int fd)
{
	char name[CW_FD_NAME], path[4096];
	unsigned flags;
	int64_t pos;
	struct stat st;
	ssize_t n;

	if (!cw_fd_info(tid, fd, &pos, &flags))
		return false; /* gone already */
	if ((flags & O_PATH) || (flags & O_ACCMODE) == O_RDONLY)
		return false;
	n = cw_fd_real(tid, fd, name, path, sizeof(path));
	if (n == -ENAMETOOLONG)
		return true; /* cannot be told: not let through */
	if (n < 0)
		return false; /* not a path: a pipe, a socket */
	if (stat(name, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (cw_deleted_target(path, (size_t)n))
		path[n - 10] = '\0';
	return !cw_special_path(ec, path) && cow_scope_of(ec->store, path) == COW_SCOPE_COW;
}

/* The SCM_RIGHTS descriptors of one received msghdr at addr. */
static void received_in(struct emu_cow *ec, const struct emu_cow_call *c,
			const struct emu_guest *g, uint64_t addr)
{
	unsigned char buf[CONTROL_MAX];
	uint64_t hdr[2]; /* msg_control, msg_controllen */
	size_t len, off;

	if (g->read(g->ctx, addr + MSG_CONTROL_OFF, hdr, sizeof(hdr)) < 0 || !hdr[0] || !hdr[1])
		return;
	len = hdr[1] < sizeof(buf) ? (size_t)hdr[1] : sizeof(buf);
	if (g->read(g->ctx, hdr[0], buf, len) < 0)
		return;
	/* struct cmsghdr: cmsg_len (8), cmsg_level, cmsg_type, then the data, 8-aligned. */
	for (off = 0; off + 16 <= len;) {
		uint64_t clen;
		int level, type;

		memcpy(&clen, buf + off, 8);
		memcpy(&level, buf + off + 8, 4);
		memcpy(&type, buf + off + 12, 4);
		if (clen < 16 || clen > len - off)
			break;
		if (level == SOL_SOCKET && type == SCM_RIGHTS) {
			for (size_t i = 16; i + 4 <= clen; i += 4) {
				int fd;

				memcpy(&fd, buf + off + i, 4);
				if (fd >= 0 && writes_real(ec, c->tid, fd))
					g->close_fd(g->ctx, fd);
			}
		}
		off += (clen + 7) & ~(uint64_t)7;
	}
}

void cw_received_fds(struct emu_cow *ec, const struct emu_cow_call *c,
		     const struct emu_guest *g, int64_t result)
{
	if (!g->close_fd || result < 0)
		return;
	if (c->nr == __NR_recvmsg) {
		received_in(ec, c, g, c->args[1]);
		return;
	}
	/* recvmmsg: result messages of the vector at args[1]. */
	for (int64_t i = 0; i < result && i < 1024; i++)
		received_in(ec, c, g, c->args[1] + (uint64_t)i * MMSG_HDR_SIZE);
}
