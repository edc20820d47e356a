/*
 * replay/compare.c — recorded against replayed, field by field.
 *
 * What is compared, by call (see doc/pcow.1, REPLAY):
 *   every call        the result: the value, or the errno;
 *   new descriptors   only success or the errno (the numbers are the executor's);
 *   read family       the count and the hash of the bytes;
 *   stat family       type, permission bits, owner, group; size and link count
 *                     of everything but directories (their sizes and link counts
 *                     depend on the file system and on untouched entries); inode,
 *                     device and times only with --strict;
 *   readlink, getcwd  the bytes (an O_TMPFILE's "/#INODE (deleted)" link
 *                     but for the inode number, unless --strict);
 *   getdents          each listing as a set of (name, type), when the program
 *                     reached its end, gathered by open file description
 *                     (the result's stream: dups and a fork's copies share
 *                     it); the counts only as "more" or "end";
 *                     a listing read from a position after the start (seekdir
 *                     to a telldir), by its number of entries and the types of
 *                     the names in both;
 *   lseek             exact, except on directories (offsets are cookies).
 *
 * Which names follow a position inside a directory is the file system's
 * order: ext4 returns them by a hash of the name with a seed of its own,
 * tmpfs by creation, pcow's merged listings sorted.  The recorder notes
 * the position an lseek on a directory names as the number of entries
 * before it, and the executor seeks past as many entries of its own, so
 * the number of names from there to the end is the kernel's to get
 * right; which ones they are no replay on another file system can
 * reproduce.  A listing from the start (open, rewinddir) is compared as
 * a set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "emu/syscalls.h"
#include "replay/replay.h"

#ifndef STATX_TYPE
#define STATX_TYPE 0x1U
#define STATX_MODE 0x2U
#define STATX_NLINK 0x4U
#define STATX_UID 0x8U
#define STATX_GID 0x10U
#define STATX_INO 0x100U
#define STATX_SIZE 0x200U
#endif

/* The fields of struct statx pcow compares (x86_64 layout). */
struct sx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad;
	uint64_t ino, size, blocks;
};

struct listing {
	uint32_t stream;
	char *rec, *rep;
	size_t rec_len, rep_len;
	bool partial; /* read from a position after the start: compared by count */
};

struct replay_compare {
	const struct replay_plan *plan;
	bool strict;
	struct replay_divergence *divs;
	size_t n_divs, cap_divs;
	uint64_t ran, skipped;
	struct listing *lists;
	size_t n_lists;
};

struct replay_compare *replay_compare_new(const struct replay_plan *plan, bool strict)
{
	struct replay_compare *c = calloc(1, sizeof(*c));

	if (c) {
		c->plan = plan;
		c->strict = strict;
	}
	return c;
}

void replay_compare_free(struct replay_compare *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_divs; i++) {
		free(c->divs[i].recorded);
		free(c->divs[i].replayed);
	}
	for (size_t i = 0; i < c->n_lists; i++) {
		free(c->lists[i].rec);
		free(c->lists[i].rep);
	}
	free(c->lists);
	free(c->divs);
	free(c);
}

static int by_step(const void *a, const void *b)
{
	const struct replay_divergence *x = a, *y = b;

	return x->step < y->step ? -1 : x->step > y->step;
}

const struct replay_divergence *replay_divergences(struct replay_compare *c, size_t *ret_n)
{
	/* Listings are compared at their end: put their lines back in step order. */
	if (c->n_divs > 1)
		qsort(c->divs, c->n_divs, sizeof(*c->divs), by_step);
	*ret_n = c->n_divs;
	return c->divs;
}

void replay_compare_counts(const struct replay_compare *c, uint64_t *ret_ran,
			   uint64_t *ret_skipped)
{
	*ret_ran = c->ran;
	*ret_skipped = c->skipped;
}

static int diverge(struct replay_compare *c, uint32_t step, const char *field, const char *rec,
		   const char *rep)
{
	struct replay_divergence *d;

	if (c->n_divs == c->cap_divs) {
		size_t cap = c->cap_divs ? c->cap_divs * 2 : 64;
		struct replay_divergence *n = realloc(c->divs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->divs = n;
		c->cap_divs = cap;
	}
	d = &c->divs[c->n_divs];
	d->step = step;
	snprintf(d->field, sizeof(d->field), "%s", field);
	d->recorded = strdup(rec);
	d->replayed = strdup(rep);
	if (!d->recorded || !d->replayed) {
		free(d->recorded);
		free(d->replayed);
		return -ENOMEM;
	}
	c->n_divs++;
	return 0;
}

static void fmt_ret(char *buf, size_t size, const struct replay_step *st, int64_t ret)
{
	emu_format_ret(buf, size, emu_syscall_get(EMU_ABI_X86_64, st->nr), ret);
}

static int diverge_int(struct replay_compare *c, uint32_t step, const char *field, int64_t rec,
		       int64_t rep, bool octal)
{
	char a[32], b[32];

	snprintf(a, sizeof(a), octal ? "0%llo" : "%lld", (long long)rec);
	snprintf(b, sizeof(b), octal ? "0%llo" : "%lld", (long long)rep);
	return diverge(c, step, field, a, b);
}

/* Printable text of bytes: C escapes for what is not printable. */
static char *escape(const unsigned char *p, size_t len)
{
	size_t max = len > 256 ? 256 : len;
	char *s = malloc(max * 4 + 8), *o = s;

	if (!s)
		return NULL;
	*o++ = '"';
	for (size_t i = 0; i < max; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
			*o++ = (char)p[i];
		else
			o += sprintf(o, "\\x%02x", p[i]);
	}
	*o++ = '"';
	if (max < len) {
		memcpy(o, "...", 3);
		o += 3;
	}
	*o = '\0';
	return s;
}

static int diverge_bytes(struct replay_compare *c, uint32_t step, const char *field,
			 const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	char *x = escape(a, alen), *y = escape(b, blen);
	int err = x && y ? diverge(c, step, field, x, y) : -ENOMEM;

	free(x);
	free(y);
	return err;
}

static int cmp_stat(struct replay_compare *c, uint32_t step, const struct stat *a,
		    const struct stat *b)
{
	bool dir = S_ISDIR(a->st_mode);
	int err = 0;

	if ((a->st_mode & S_IFMT) != (b->st_mode & S_IFMT))
		err = diverge_int(c, step, "st_mode type", a->st_mode & S_IFMT, b->st_mode & S_IFMT,
				  true);
	if (!err && (a->st_mode & 07777) != (b->st_mode & 07777))
		err = diverge_int(c, step, "st_mode", a->st_mode & 07777, b->st_mode & 07777, true);
	if (!err && a->st_uid != b->st_uid)
		err = diverge_int(c, step, "st_uid", a->st_uid, b->st_uid, false);
	if (!err && a->st_gid != b->st_gid)
		err = diverge_int(c, step, "st_gid", a->st_gid, b->st_gid, false);
	if (!err && (!dir || c->strict) && a->st_size != b->st_size)
		err = diverge_int(c, step, "st_size", a->st_size, b->st_size, false);
	if (!err && (!dir || c->strict) && a->st_nlink != b->st_nlink)
		err = diverge_int(c, step, "st_nlink", (int64_t)a->st_nlink, (int64_t)b->st_nlink,
				  false);
	if (!err && c->strict && a->st_ino != b->st_ino)
		err = diverge_int(c, step, "st_ino", (int64_t)a->st_ino, (int64_t)b->st_ino, false);
	if (!err && c->strict && (a->st_mtim.tv_sec != b->st_mtim.tv_sec ||
				  a->st_mtim.tv_nsec != b->st_mtim.tv_nsec))
		err = diverge_int(c, step, "st_mtime", a->st_mtim.tv_sec, b->st_mtim.tv_sec, false);
	return err;
}

static int cmp_statx(struct replay_compare *c, uint32_t step, const unsigned char *ra,
		     const unsigned char *rb)
{
	struct sx a, b;
	bool dir;
	uint32_t m;
	int err = 0;

	memcpy(&a, ra, sizeof(a));
	memcpy(&b, rb, sizeof(b));
	m = a.mask & b.mask;
	dir = S_ISDIR(a.mode);
	if ((m & STATX_TYPE) && (a.mode & S_IFMT) != (b.mode & S_IFMT))
		err = diverge_int(c, step, "stx_mode type", a.mode & S_IFMT, b.mode & S_IFMT, true);
	if (!err && (m & STATX_MODE) && (a.mode & 07777) != (b.mode & 07777))
		err = diverge_int(c, step, "stx_mode", a.mode & 07777, b.mode & 07777, true);
	if (!err && (m & STATX_UID) && a.uid != b.uid)
		err = diverge_int(c, step, "stx_uid", a.uid, b.uid, false);
	if (!err && (m & STATX_GID) && a.gid != b.gid)
		err = diverge_int(c, step, "stx_gid", a.gid, b.gid, false);
	if (!err && (m & STATX_SIZE) && (!dir || c->strict) && a.size != b.size)
		err = diverge_int(c, step, "stx_size", (int64_t)a.size, (int64_t)b.size, false);
	if (!err && (m & STATX_NLINK) && (!dir || c->strict) && a.nlink != b.nlink)
		err = diverge_int(c, step, "stx_nlink", a.nlink, b.nlink, false);
	if (!err && c->strict && (m & STATX_INO) && a.ino != b.ino)
		err = diverge_int(c, step, "stx_ino", (int64_t)a.ino, (int64_t)b.ino, false);
	return err;
}

/* ------------------------------------------------------------ listings */

static struct listing *listing_of(struct replay_compare *c, uint32_t stream)
{
	struct listing *n;

	for (size_t i = 0; i < c->n_lists; i++)
		if (c->lists[i].stream == stream)
			return &c->lists[i];
	n = realloc(c->lists, (c->n_lists + 1) * sizeof(*n));
	if (!n)
		return NULL;
	c->lists = n;
	n = &c->lists[c->n_lists++];
	memset(n, 0, sizeof(*n));
	n->stream = stream;
	return n;
}

static void listing_reset(struct replay_compare *c, uint32_t stream)
{
	for (size_t i = 0; i < c->n_lists; i++)
		if (c->lists[i].stream == stream) {
			free(c->lists[i].rec);
			free(c->lists[i].rep);
			c->lists[i] = c->lists[--c->n_lists];
			return;
		}
}

/*
 * Append the entries "type name\0" of one call to a listing, each
 * prefixed with the step that returned it (4 bytes), so that a difference
 * is reported at the call that returned (or would have returned) it.
 */
static int append(char **buf, size_t *len, const unsigned char *p, size_t n, uint32_t step)
{
	size_t pos = 0;

	while (pos + 1 < n) {
		size_t l = strnlen((const char *)p + pos + 1, n - pos - 1) + 2;
		char *b = realloc(*buf, *len + 4 + l + 1);

		if (!b)
			return -ENOMEM;
		memcpy(b + *len, &step, 4);
		memcpy(b + *len + 4, p + pos, l);
		*buf = b;
		*len += 4 + l;
		pos += l;
	}
	return 0;
}

static uint32_t entry_step(const char *e)
{
	uint32_t step;

	memcpy(&step, e - 4, 4);
	return step;
}

/*
 * Split "step type name\0..." into an array of entries, "." and ".." left
 * out; *ret_all: the number with them.
 */
static size_t entries(char *buf, size_t len, char ***ret, size_t *ret_all)
{
	size_t n = 0, cap = 0, pos = 0;
	char **v = NULL;

	*ret_all = 0;
	while (pos + 5 < len) {
		char *e = buf + pos + 4;
		size_t l = strnlen(e + 1, len - pos - 5);

		++*ret_all;
		if (strcmp(e + 1, ".") && strcmp(e + 1, "..")) {
			if (n == cap) {
				char **nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*nv));

				if (!nv)
					break;
				v = nv;
			}
			v[n++] = e;
		}
		pos += 4 + l + 2;
	}
	*ret = v;
	return n;
}

static int cmp_entry(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int r = strcmp(x + 1, y + 1);

	return r ? r : (unsigned char)x[0] - (unsigned char)y[0];
}

static const char *dt_name(unsigned char t)
{
	static const char *const names[] = { "DT_UNKNOWN", "DT_FIFO", "DT_CHR", "?", "DT_DIR",
					     "?", "DT_BLK", "?", "DT_REG", "?", "DT_LNK",
					     "?", "DT_SOCK" };

	return t < 13 ? names[t] : "?";
}

/*
 * The listing of a stream at its recorded end (step end): the two sets of
 * (name, type).  A name only recorded is reported at the call that
 * returned it in the recording, one only replayed at the call that
 * returned it now.  A partial listing: the numbers of entries, at end.
 */
static int cmp_listing(struct replay_compare *c, struct listing *l, uint32_t end)
{
	char **a = NULL, **b = NULL;
	size_t all_a, all_b;
	size_t na = entries(l->rec, l->rec_len, &a, &all_a);
	size_t nb = entries(l->rep, l->rep_len, &b, &all_b);
	size_t i = 0, j = 0;
	int err = 0;

	if (na > 1)
		qsort(a, na, sizeof(*a), cmp_entry);
	if (nb > 1)
		qsort(b, nb, sizeof(*b), cmp_entry);
	if (l->partial && all_a != all_b) {
		char ta[64], tb[64];

		snprintf(ta, sizeof(ta), "%zu entries after the position", all_a);
		snprintf(tb, sizeof(tb), "%zu entries after the position", all_b);
		err = diverge(c, end, "listing", ta, tb);
	}
	while (!err && (i < na || j < nb)) {
		char text[600];
		int r = i == na ? 1 : j == nb ? -1 : strcmp(a[i] + 1, b[j] + 1);

		if (r < 0) {
			snprintf(text, sizeof(text), "\"%s\" %s", a[i] + 1, dt_name((unsigned char)a[i][0]));
			if (!l->partial)
				err = diverge(c, entry_step(a[i]), "listing", text, "(missing)");
			i++;
		} else if (r > 0) {
			snprintf(text, sizeof(text), "\"%s\" %s", b[j] + 1, dt_name((unsigned char)b[j][0]));
			if (!l->partial)
				err = diverge(c, entry_step(b[j]), "listing", "(missing)", text);
			j++;
		} else {
			if (a[i][0] != b[j][0] && a[i][0] && b[j][0]) {
				char t2[600];

				snprintf(text, sizeof(text), "\"%s\" %s", a[i] + 1,
					 dt_name((unsigned char)a[i][0]));
				snprintf(t2, sizeof(t2), "\"%s\" %s", b[j] + 1,
					 dt_name((unsigned char)b[j][0]));
				err = diverge(c, entry_step(a[i]), "d_type", text, t2);
			}
			i++;
			j++;
		}
	}
	free(a);
	free(b);
	return err;
}

static int cmp_getdents(struct replay_compare *c, const struct replay_step *st,
			const struct replay_result *r)
{
	struct listing *l;
	char a[160], b[160];

	if ((st->ret < 0 || r->ret < 0) && st->ret != r->ret) {
		fmt_ret(a, sizeof(a), st, st->ret);
		fmt_ret(b, sizeof(b), st, r->ret);
		return diverge(c, r->step, "result", a, b);
	}
	if (st->ret < 0)
		return 0;
	if (!(l = listing_of(c, r->stream)))
		return -ENOMEM;
	if (append(&l->rec, &l->rec_len, st->data, st->data_len, r->step) < 0 ||
	    append(&l->rep, &l->rep_len, r->out, r->out_len, r->step) < 0)
		return -ENOMEM;
	if (st->ret == 0) {
		int err = cmp_listing(c, l, r->step);

		listing_reset(c, r->stream);
		return err;
	}
	return 0;
}

/* ------------------------------------------------------------ one step */

/*
 * The length of an O_TMPFILE's /proc link "DIR/#INODE (deleted)" without
 * its inode number, or 0 when s (n bytes) is not one.
 */
static size_t tmpfile_link(const unsigned char *s, size_t n, char *out, size_t size)
{
	static const char tail[] = " (deleted)";
	const unsigned char *hash = NULL;
	size_t o = 0, i, k;

	if (n < sizeof(tail) + 2 || memcmp(s + n - (sizeof(tail) - 1), tail, sizeof(tail) - 1))
		return 0;
	for (i = 0; i + 1 < n; i++)
		if (s[i] == '/' && s[i + 1] == '#')
			hash = s + i + 2;
	if (!hash)
		return 0;
	k = (size_t)(hash - s);
	for (i = k; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == k || i != n - (sizeof(tail) - 1) || k + (sizeof(tail) - 1) >= size)
		return 0;
	memcpy(out, s, k);
	o = k;
	memcpy(out + o, tail, sizeof(tail) - 1);
	return o + sizeof(tail) - 1;
}

/*
 * readlink of an O_TMPFILE's descriptor: the same link but for the inode
 * number (compared only with --strict, as inodes are).
 */
static bool same_tmpfile_link(const struct replay_compare *c, const struct replay_step *st,
			      const struct replay_result *r)
{
	char a[4200], b[4200];
	size_t la, lb;

	if (c->strict || (st->nr != __NR_readlink && st->nr != __NR_readlinkat) || st->ret < 0 ||
	    r->ret < 0)
		return false;
	la = tmpfile_link(st->data, st->data_len, a, sizeof(a));
	lb = tmpfile_link(r->out, r->out_len, b, sizeof(b));
	return la && la == lb && !memcmp(a, b, la);
}

static bool returns_fd(long nr)
{
	return nr == __NR_open || nr == __NR_openat || nr == __NR_creat || nr == __NR_openat2 ||
	       nr == __NR_dup || nr == __NR_dup2 || nr == __NR_dup3 || nr == __NR_socket;
}

int replay_compare_step(struct replay_compare *c, const struct replay_result *r)
{
	const struct replay_step *st;
	char a[160], b[160];
	long nr;
	bool same;

	if (r->step >= c->plan->n_steps)
		return -EBADMSG;
	st = &c->plan->steps[r->step];
	nr = st->nr;
	if (r->status == REPLAY_SKIPPED) {
		c->skipped++;
		return 0;
	}
	c->ran++;
	if (nr == __NR_getdents || nr == __NR_getdents64)
		return cmp_getdents(c, st, r);
	if (nr == __NR_lseek && r->stream) {
		uint64_t k = 1;

		listing_reset(c, r->stream);
		/* A directory read again from inside: see the top of the file. */
		if (st->data_len >= 8)
			memcpy(&k, st->data, 8);
		else
			k = st->ret != 0;
		if ((r->flags & REPLAY_F_DIR) && st->ret >= 0 && r->ret >= 0 && k) {
			struct listing *l = listing_of(c, r->stream);

			if (!l)
				return -ENOMEM;
			l->partial = true;
		}
	}

	if (returns_fd(nr) || (nr == __NR_fcntl && (st->args[1] == 0 || st->args[1] == 1030)))
		same = st->ret >= 0 ? r->ret >= 0 : st->ret == r->ret;
	else if (nr == __NR_lseek && (r->flags & REPLAY_F_DIR))
		same = (st->ret < 0) == (r->ret < 0) && (st->ret >= 0 || st->ret == r->ret);
	else if (same_tmpfile_link(c, st, r))
		return 0;
	else
		same = st->ret == r->ret;
	if (!same) {
		fmt_ret(a, sizeof(a), st, st->ret);
		fmt_ret(b, sizeof(b), st, r->ret);
		return diverge(c, r->step, "result", a, b);
	}
	if (st->ret < 0)
		return 0;

	if ((r->flags & REPLAY_F_HASH) && st->has_hash && r->hash != st->hash) {
		snprintf(a, sizeof(a), "%016llx", (unsigned long long)st->hash);
		snprintf(b, sizeof(b), "%016llx", (unsigned long long)r->hash);
		return diverge(c, r->step, "data hash", a, b);
	}
	switch (nr) {
	case __NR_stat:
	case __NR_lstat:
	case __NR_fstat:
	case __NR_newfstatat:
		if (st->data_len >= sizeof(struct stat) && r->out_len >= sizeof(struct stat)) {
			struct stat x, y;

			memcpy(&x, st->data, sizeof(x));
			memcpy(&y, r->out, sizeof(y));
			return cmp_stat(c, r->step, &x, &y);
		}
		break;
	case __NR_statx:
		if (st->data_len >= sizeof(struct sx) && r->out_len >= sizeof(struct sx))
			return cmp_statx(c, r->step, st->data, r->out);
		break;
	case __NR_getxattr:
	case __NR_lgetxattr:
	case __NR_fgetxattr:
		if (!st->args[3])
			break; /* the size alone was asked */
		/* fall through */
	case __NR_readlink:
	case __NR_readlinkat:
	case __NR_getcwd:
		if (st->data_len != r->out_len ||
		    (r->out_len && memcmp(st->data, r->out, r->out_len)))
			return diverge_bytes(c, r->step,
					     nr == __NR_getcwd	       ? "cwd"
					     : nr == __NR_readlink ||
							 nr == __NR_readlinkat ? "target"
								       : "value",
					     st->data, st->data_len, r->out, r->out_len);
		break;
	default:
		break;
	}
	return 0;
}
