/*
 * emu/cowexec.c — execve and execveat of a script (#!) when the overlay
 * is involved: the script, or one of its interpreters, is in upper/ or
 * was moved there.
 *
 * Passed to the kernel with the path rewritten to the upper copy, a
 * script would get that store path as its name ($0), and its interpreter
 * would be looked up in the real tree, not the merged view.  So pcow does
 * what fs/binfmt_script.c does: it reads the #! line (same parsing, the
 * first 256 bytes), looks the interpreter up through the overlay (again,
 * while the interpreter is a script itself, up to the kernel's depth),
 * and runs the last interpreter directly with the argument list the
 * kernel would have built:
 *
 *     interp_n [arg_n] ... interp_1 [arg_1] FILENAME argv[1] ...
 *
 * FILENAME is the name the program gave (execveat: "/dev/fd/N/NAME" or
 * "/dev/fd/N", ENOENT when N is close-on-exec).  The checks the kernel
 * makes on the way (the script and each nested interpreter: a regular,
 * executable file) are made here; the last interpreter's are the
 * kernel's own.  When nothing on the way touches the overlay the call is
 * left to the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cow/cow.h"
#include "db/db.h"
#include "emu/cow_internal.h"

#define BINPRM_BUF_SIZE 256
#define MAX_SCRIPTS 5		/* exec_binprm runs handlers at depths 0..5: the
				   last one must load an ELF */
#define MAX_ARGS 4096		/* past this the list stays the kernel's */
#define STRINGS_MAX ((MAX_SCRIPTS + 1) * 2 * BINPRM_BUF_SIZE + EMU_PATH_MAX + 64)

struct interp {
	char name[BINPRM_BUF_SIZE];
	char arg[BINPRM_BUF_SIZE];
	bool has_arg;
};

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

static char *next_non_spacetab(char *first, const char *last)
{
	for (; first <= last; first++)
		if (!spacetab(*first))
			return first;
	return NULL;
}

static char *next_terminator(char *first, const char *last)
{
	for (; first <= last; first++)
		if (spacetab(*first) || !*first)
			return first;
	return NULL;
}

/* load_script's parsing of buf (BINPRM_BUF_SIZE bytes, zero-filled): 0 or -ENOEXEC. */
static int parse_script(char *buf, struct interp *ip)
{
	char *buf_end = buf + BINPRM_BUF_SIZE - 1, *i_end = NULL, *i_name, *i_sep, *i_arg = NULL;

	if (buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	for (char *p = buf; p < buf + BINPRM_BUF_SIZE && *p; p++) {
		if (*p == '\n') {
			i_end = p;
			break;
		}
	}
	if (!i_end) {
		i_end = next_non_spacetab(buf + 2, buf_end);
		if (!i_end || !next_terminator(i_end, buf_end))
			return -ENOEXEC; /* all blanks, or a cut-off interpreter */
		i_end = buf_end;
	}
	while (spacetab(i_end[-1]))
		i_end--;
	i_name = next_non_spacetab(buf + 2, i_end);
	if (!i_name || i_name == i_end)
		return -ENOEXEC;
	i_sep = next_terminator(i_name, i_end);
	if (i_sep && *i_sep != '\0')
		i_arg = next_non_spacetab(i_sep, i_end);
	*i_end = '\0';
	if (i_sep)
		*i_sep = '\0';
	snprintf(ip->name, sizeof(ip->name), "%s", i_name);
	ip->has_arg = i_arg != NULL;
	if (i_arg)
		snprintf(ip->arg, sizeof(ip->arg), "%s", i_arg);
	return 0;
}

/* The #! line of the file at real path kpath: 0, -ENOEXEC (not a script), -errno. */
static int read_script(const char *kpath, struct interp *ip)
{
	char buf[BINPRM_BUF_SIZE] = { 0 };
	int fd = open(kpath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 2)
		return -ENOEXEC;
	return parse_script(buf, ip);
}

/* may_open for MAY_EXEC (do_open_execat): a regular file with an x bit for the caller. */
static int may_exec(struct ctx *x, const struct emu_inode *ino)
{
	if (ino->type != EMU_FT_REG)
		return -EACCES;
	return emu_permission(&cw_cred_of(x->ec, x->c)->cred, ino, 1);
}

/* Walk path as the caller would from its cwd (an interpreter's name). */
static void walk_name(struct ctx *x, const char *path, struct walk *w, bool *ret_moved)
{
	struct emu_cow_call c2 = *x->c;

	c2.path[0] = path;
	cw_walk(x->ec, &c2, AT_FDCWD, 0, EMU_WALK_FOLLOW, w, ret_moved);
}

/*
 * The new argument list in the program's memory: the strings of ip[n-1]
 * down to ip[0], then filename, then the program's argv[1...] (their
 * pointers, read from argv).  argv_i gets it.  0, -E2BIG (too long for
 * pcow: the caller lets the kernel run the script as before), -EFAULT.
 */
static int set_argv(struct ctx *x, int argv_i, const struct interp *ip, int n,
		    const char *filename)
{
	char *strings = malloc(STRINGS_MAX);
	uint64_t *ptrs = malloc((MAX_ARGS + 2 * MAX_SCRIPTS + 2) * sizeof(*ptrs));
	size_t off[2 * MAX_SCRIPTS + 1], len = 0, np = 0;
	uint64_t argv = x->c->args[argv_i], base, p;
	int err = 0;

	if (!strings || !ptrs) {
		err = -ENOMEM;
		goto out;
	}
	for (int i = n - 1; i >= 0; i--) {
		off[np++] = len;
		len += (size_t)snprintf(strings + len, STRINGS_MAX - len, "%s", ip[i].name) + 1;
		if (ip[i].has_arg) {
			off[np++] = len;
			len += (size_t)snprintf(strings + len, STRINGS_MAX - len, "%s", ip[i].arg) + 1;
		}
	}
	off[np++] = len;
	len += (size_t)snprintf(strings + len, STRINGS_MAX - len, "%s", filename) + 1;
	err = x->g->place_data(x->g->ctx, strings, len, &base);
	if (err)
		goto out;
	for (size_t i = 0; i < np; i++)
		ptrs[i] = base + off[i];
	/* argv[0] goes (remove_arg_zero); a NULL or empty argv adds nothing. */
	for (size_t i = 0; argv; i++) {
		if (x->g->read(x->g->ctx, argv + i * 8, &p, 8)) {
			err = -EFAULT;
			goto out;
		}
		if (!p)
			break;
		if (i == 0)
			continue;
		if (np >= MAX_ARGS + 2 * MAX_SCRIPTS) {
			err = -E2BIG;
			goto out;
		}
		ptrs[np++] = p;
	}
	ptrs[np++] = 0;
	err = x->g->set_arg_data(x->g->ctx, argv_i, ptrs, np * sizeof(*ptrs));
out:
	free(strings);
	free(ptrs);
	return err == -ENAMETOOLONG ? -E2BIG : err;
}

int cw_do_exec(struct ctx *x, int dirfd, int pi, int argv_i, int flags_i)
{
	const struct emu_cow_call *c = x->c;
	uint64_t flags = flags_i >= 0 ? c->args[flags_i] : 0;
	const char *path = c->path[pi];
	char filename[EMU_PATH_MAX + 32];
	struct interp *ip;
	struct walk *w;
	bool moved, touched, inaccessible = false;
	int n = 0, err, action = -1;

	if (cow_entry_count(x->ec->store) == 0 || c->abi != EMU_ABI_X86_64 ||
	    ((flags & AT_EMPTY_PATH) && !path[0]))
		return -1; /* a descriptor's own object: the kernel runs it */
	ip = malloc((MAX_SCRIPTS + 1) * sizeof(*ip));
	w = malloc(sizeof(*w));
	if (!ip || !w)
		goto out;
	cw_walk(x->ec, c, dirfd, pi, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : EMU_WALK_FOLLOW, w, &moved);
	if (w->err || w->special || w->res.inode.type != EMU_FT_REG)
		goto out; /* the caller decides, as for any read-only call */
	if (read_script(cow_kpath(x->ec->store, w->lk.real_path), &ip[0]) < 0) {
		/* Not a script: this walk decides, the caller need not walk again. */
		action = cw_read_only(x, w, moved, pi);
		goto out;
	}
	touched = w->touched || (moved && path[0] != '/');
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		snprintf(filename, sizeof(filename), "%s", path);
	} else {
		const struct emu_fd *f = emu_files_get(c->files, dirfd);

		snprintf(filename, sizeof(filename), "/dev/fd/%d/%s", dirfd, path);
		inaccessible = f && f->cloexec; /* BINPRM_FLAGS_PATH_INACCESSIBLE */
	}
	err = may_exec(x, &w->res.inode);
	if (!err && inaccessible)
		err = -ENOENT;
	/*
	 * The interpreters, through the overlay, while they are scripts too:
	 * ip[0..n-1] are the #! lines read so far, ip[n-1]'s names the next.
	 */
	for (n = 1; !err; n++) {
		walk_name(x, ip[n - 1].name, w, &moved);
		touched |= w->touched || (moved && ip[n - 1].name[0] != '/');
		if (w->special)
			break;
		if (w->err) {
			err = w->err;
			break;
		}
		if (w->res.inode.type != EMU_FT_REG ||
		    read_script(cow_kpath(x->ec->store, w->lk.real_path), &ip[n]) < 0)
			break; /* the last one: the kernel checks it */
		err = may_exec(x, &w->res.inode);
		if (!err && n == MAX_SCRIPTS)
			err = -ELOOP; /* exec_binprm: past depth 5 */
	}
	if (!touched) {
		action = DB_ACTION_PASS; /* the kernel would do the same */
		goto out;
	}
	if (err) {
		action = cw_emulate(x, err);
		goto out;
	}
	err = set_argv(x, argv_i, ip, n, filename);
	if (err == -E2BIG)
		goto out;
	if (err) {
		action = cw_emulate(x, err);
		goto out;
	}
	if (flags_i >= 0 && x->g->set_arg(x->g->ctx, flags_i, 0) < 0) {
		action = cw_emulate(x, -EFAULT);
		goto out;
	}
	action = w->special ? cw_rewrite(x, pi, w->res.virt_path, w->res.virt_path)
			    : cw_rewrite(x, pi, w->lk.real_path, w->res.virt_path);
out:
	free(ip);
	free(w);
	return action;
}
