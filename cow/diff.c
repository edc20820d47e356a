/*
 * cow/diff.c — `pcow diff`: unified diffs of the changed text files
 * against the real files, and one line for each change that is not a text
 * difference (binary files, types, modes, owners, symbolic link targets,
 * directories, FIFOs).
 *
 * The line diff is Myers' O(ND) algorithm ("An O(ND) Difference Algorithm
 * and Its Variations", 1986), greedy forward version, keeping each round's
 * V array to walk the edit path back; past MAX_D edits (a rewrite, not an
 * edit) the whole file is shown as replaced.  Hunks carry 3 lines of
 * context, as diff -u.  A file is binary when its first 8 KiB hold a NUL,
 * as git and GNU diff decide.  FIFOs are never opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cow/cow_internal.h"

#define CONTEXT 3
#define MAX_D 4000
#define MAX_FILE (64 << 20)

struct text {
	char *buf;
	size_t len;
	const char **line; /* starts of lines */
	size_t *llen;	   /* lengths, newline included */
	size_t n;
	bool binary;
};

static void text_free(struct text *t)
{
	free(t->buf);
	free(t->line);
	free(t->llen);
}

/* Read a regular file (missing: empty) and split it into lines. */
static int text_load(int dirfd, const char *name, struct text *t)
{
	struct stat st;
	size_t cap = 0;
	int fd, err = 0;

	memset(t, 0, sizeof(*t));
	if (!name)
		goto split;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
		t->binary = true; /* too big to diff: named, not shown */
		close(fd);
		return 0;
	}
	t->buf = malloc((size_t)st.st_size + 1);
	if (!t->buf) {
		close(fd);
		return -ENOMEM;
	}
	while (t->len < (size_t)st.st_size) {
		ssize_t n = read(fd, t->buf + t->len, (size_t)st.st_size - t->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		t->len += (size_t)n;
	}
	close(fd);
	t->binary = memchr(t->buf, '\0', t->len < 8192 ? t->len : 8192) != NULL;
split:
	for (size_t i = 0; i < t->len;) {
		const char *nl = memchr(t->buf + i, '\n', t->len - i);
		size_t l = nl ? (size_t)(nl - (t->buf + i)) + 1 : t->len - i;

		if (t->n == cap) {
			cap = cap ? cap * 2 : 64;
			t->line = realloc(t->line, cap * sizeof(*t->line));
			t->llen = realloc(t->llen, cap * sizeof(*t->llen));
			if (!t->line || !t->llen)
				return -ENOMEM;
		}
		t->line[t->n] = t->buf + i;
		t->llen[t->n++] = l;
		i += l;
	}
	return err;
}

static bool eq(const struct text *a, size_t i, const struct text *b, size_t j)
{
	return a->llen[i] == b->llen[j] && !memcmp(a->line[i], b->line[j], a->llen[i]);
}

/* One edit script entry per line: ' ' same, '-' only in a, '+' only in b. */
struct op {
	char kind;
	size_t ai, bi;
};

/* Myers: fill ops (caller frees) in order; -E2BIG past MAX_D. */
static int myers(const struct text *a, const struct text *b, struct op **ret_ops, size_t *ret_n)
{
	long n = (long)a->n, m = (long)b->n, max = n + m, off = max + 1, d, k, x, y;
	long dmax = max < MAX_D ? max : MAX_D;
	long *v, **trace;
	struct op *ops;
	size_t n_ops = 0;
	int err = -E2BIG;

	v = calloc((size_t)(2 * max + 3), sizeof(*v));
	trace = calloc((size_t)dmax + 1, sizeof(*trace));
	ops = malloc(((size_t)(n + m) + 1) * sizeof(*ops));
	if (!v || !trace || !ops) {
		err = -ENOMEM;
		goto out_free;
	}
	for (d = 0; d <= dmax; d++) {
		trace[d] = malloc((size_t)(2 * max + 3) * sizeof(long));
		if (!trace[d]) {
			err = -ENOMEM;
			goto out_free;
		}
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < n && y < m && eq(a, (size_t)x, b, (size_t)y))
				x++, y++;
			v[off + k] = x;
			if (x >= n && y >= m) {
				memcpy(trace[d], v, (size_t)(2 * max + 3) * sizeof(long));
				goto found;
			}
		}
		memcpy(trace[d], v, (size_t)(2 * max + 3) * sizeof(long));
	}
	goto out_free;
found:
	/* Walk back from (n, m), collecting ops in reverse. */
	x = n;
	y = m;
	for (; d >= 0; d--) {
		long *vd = d > 0 ? trace[d - 1] : NULL, pk, px, py;

		k = x - y;
		if (d == 0) {
			while (x > 0 && y > 0)
				ops[n_ops++] = (struct op){ ' ', (size_t)--x, (size_t)--y };
			break;
		}
		pk = (k == -d || (k != d && vd[off + k - 1] < vd[off + k + 1])) ? k + 1 : k - 1;
		px = vd[off + pk];
		py = px - pk;
		while (x > px && y > py)
			ops[n_ops++] = (struct op){ ' ', (size_t)--x, (size_t)--y };
		if (pk == k + 1)
			ops[n_ops++] = (struct op){ '+', (size_t)x, (size_t)--y };
		else
			ops[n_ops++] = (struct op){ '-', (size_t)--x, (size_t)y };
	}
	for (size_t i = 0; i < n_ops / 2; i++) {
		struct op t = ops[i];

		ops[i] = ops[n_ops - 1 - i];
		ops[n_ops - 1 - i] = t;
	}
	*ret_ops = ops;
	*ret_n = n_ops;
	ops = NULL;
	err = 0;
out_free:
	for (d = 0; trace && d <= dmax; d++)
		free(trace[d]);
	free(trace);
	free(v);
	free(ops);
	return err;
}

static void put_line(FILE *out, char c, const char *s, size_t len)
{
	fputc(c, out);
	fwrite(s, 1, len, out);
	if (!len || s[len - 1] != '\n')
		fputs("\n\\ No newline at end of file\n", out);
}

/* Print ops as unified hunks. */
static void print_hunks(FILE *out, const struct text *a, const struct text *b,
			const struct op *ops, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t start, end, last, as = 0, bs = 0, ac = 0, bc = 0;

		while (i < n && ops[i].kind == ' ')
			i++;
		if (i == n)
			break;
		start = i > CONTEXT ? i - CONTEXT : 0;
		/* Extend while the next change is within 2*CONTEXT lines. */
		last = i;
		for (end = i; end < n; end++) {
			if (ops[end].kind != ' ')
				last = end;
			else if (end - last > 2 * CONTEXT)
				break;
		}
		end = last + CONTEXT + 1 < n ? last + CONTEXT + 1 : n;
		for (size_t j = start; j < end; j++) {
			if (ops[j].kind != '+')
				ac++;
			if (ops[j].kind != '-')
				bc++;
		}
		as = ops[start].ai;
		bs = ops[start].bi;
		fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ac ? as + 1 : as, ac, bc ? bs + 1 : bs,
			bc);
		for (size_t j = start; j < end; j++) {
			if (ops[j].kind == '+')
				put_line(out, '+', b->line[ops[j].bi], b->llen[ops[j].bi]);
			else
				put_line(out, ops[j].kind, a->line[ops[j].ai], a->llen[ops[j].ai]);
		}
		i = end;
	}
}

/* Diff real file a_path (NULL: none) with upper object of virt_path (NULL: none). */
static int diff_files(struct cow_store *store, FILE *out, const char *a_path,
		      const char *virt_path, const char *label)
{
	struct text a, b;
	struct op *ops = NULL;
	size_t n_ops = 0;
	int err;

	err = text_load(AT_FDCWD, a_path ? cow_kpath(store, a_path) : NULL, &a);
	if (err)
		return err;
	err = text_load(store->upper_fd, virt_path ? cow_rel(store, virt_path) : NULL, &b);
	if (err)
		goto out_a;
	if (a.binary || b.binary) {
		fprintf(out, "Binary files %s and %s differ\n", a_path ? a_path : "/dev/null",
			virt_path ? label : "/dev/null");
		goto out_b;
	}
	err = myers(&a, &b, &ops, &n_ops);
	if (err == -E2BIG) {
		/* Too many edits: everything out, everything in. */
		ops = malloc((a.n + b.n + 1) * sizeof(*ops));
		if (!ops) {
			err = -ENOMEM;
			goto out_b;
		}
		for (size_t i = 0; i < a.n; i++)
			ops[n_ops++] = (struct op){ '-', i, 0 };
		for (size_t i = 0; i < b.n; i++)
			ops[n_ops++] = (struct op){ '+', a.n, i };
		err = 0;
	}
	if (err)
		goto out_b;
	fprintf(out, "--- %s%s\n+++ %s%s\n", a_path ? "a" : "", a_path ? a_path : "/dev/null",
		virt_path ? "b" : "", virt_path ? label : "/dev/null");
	print_hunks(out, &a, &b, ops, n_ops);
	free(ops);
out_b:
	text_free(&b);
out_a:
	text_free(&a);
	return err;
}

struct diff_ctx {
	struct cow_store *store;
	const char *const *paths;
	size_t n_paths;
	FILE *out;
};

static const char *type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symbolic link";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	case S_IFCHR:
		return "character device";
	case S_IFBLK:
		return "block device";
	default:
		return "special file";
	}
}

/* ts as stat(1) prints it: "2026-12-06 02:17:28.123456789 +0000". */
static const char *fmt_time(const struct timespec *ts, char *buf, size_t size)
{
	struct tm tm;
	char day[32], zone[8];

	if (!localtime_r(&ts->tv_sec, &tm) || !strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm) ||
	    !strftime(zone, sizeof(zone), "%z", &tm))
		snprintf(buf, size, "%lld.%09ld", (long long)ts->tv_sec, ts->tv_nsec);
	else
		snprintf(buf, size, "%s.%09ld %s", day, ts->tv_nsec, zone);
	return buf;
}

/* The lines of one change that are not text differences. */
static int diff_meta(struct diff_ctx *dc, const struct cow_change *ch, const char *real_path)
{
	struct cow_store *store = dc->store;
	char t1[PATH_MAX], t2[PATH_MAX];
	struct stat us, rs;
	ssize_t n1, n2;
	bool have_u, have_r;

	have_u = fstatat(store->upper_fd, cow_rel(store, ch->virt_path), &us, AT_SYMLINK_NOFOLLOW) == 0;
	have_r = real_path && lstat(cow_kpath(store, real_path), &rs) == 0;
	if (ch->code == 'D') {
		if (have_r && !S_ISREG(rs.st_mode))
			fprintf(dc->out, "deleted %s %s\n", type_name(rs.st_mode), ch->virt_path);
		return have_r && S_ISREG(rs.st_mode);
	}
	if (!have_u)
		return 0;
	if (!have_r) {
		if (!S_ISREG(us.st_mode))
			fprintf(dc->out, "new %s %s\n", type_name(us.st_mode), ch->virt_path);
		if (S_ISLNK(us.st_mode) &&
		    (n1 = readlinkat(store->upper_fd, cow_rel(store, ch->virt_path), t1,
				     sizeof(t1) - 1)) >= 0)
			fprintf(dc->out, "symbolic link %s -> %.*s\n", ch->virt_path, (int)n1, t1);
		return S_ISREG(us.st_mode);
	}
	if ((us.st_mode & S_IFMT) != (rs.st_mode & S_IFMT)) {
		fprintf(dc->out, "type changed %s: %s -> %s\n", ch->virt_path,
			type_name(rs.st_mode), type_name(us.st_mode));
		return false;
	}
	if (S_ISLNK(us.st_mode)) {
		n1 = readlink(cow_kpath(store, real_path), t1, sizeof(t1) - 1);
		n2 = readlinkat(store->upper_fd, cow_rel(store, ch->virt_path), t2, sizeof(t2) - 1);
		if (n1 >= 0 && n2 >= 0 && (n1 != n2 || memcmp(t1, t2, (size_t)n1)))
			fprintf(dc->out, "symbolic link %s: %.*s -> %.*s\n", ch->virt_path,
				(int)n1, t1, (int)n2, t2);
		return false;
	}
	if ((us.st_mode & 07777) != (rs.st_mode & 07777))
		fprintf(dc->out, "mode changed %s: %04o -> %04o\n", ch->virt_path,
			(unsigned)(rs.st_mode & 07777), (unsigned)(us.st_mode & 07777));
	if (us.st_uid != rs.st_uid || us.st_gid != rs.st_gid)
		fprintf(dc->out, "owner changed %s: %u:%u -> %u:%u\n", ch->virt_path,
			(unsigned)rs.st_uid, (unsigned)rs.st_gid, (unsigned)us.st_uid,
			(unsigned)us.st_gid);
	/* A new time alone is a change too (touch -d); with new content it goes without saying. */
	if (ch->code == 'T' && !S_ISDIR(us.st_mode) && cow_mtime_ns(&us) != cow_mtime_ns(&rs)) {
		char a[64], b[64];

		fprintf(dc->out, "modification time changed %s: %s -> %s\n", ch->virt_path,
			fmt_time(&rs.st_mtim, a, sizeof(a)), fmt_time(&us.st_mtim, b, sizeof(b)));
	}
	if (cow_xattr_changes(store, ch->virt_path, real_path, t1, sizeof(t1)) > 0)
		fprintf(dc->out, "extended attributes changed %s: %s\n", ch->virt_path, t1);
	return S_ISREG(us.st_mode);
}

static int diff_one(const struct cow_change *ch, void *opaque)
{
	struct diff_ctx *dc = opaque;
	char *lower = NULL;
	const char *real_path = NULL;
	int is_text, err = 0;

	if (dc->n_paths) {
		size_t i;

		for (i = 0; i < dc->n_paths; i++)
			if (cow_path_under(ch->virt_path, dc->paths[i]) ||
			    (ch->from_path && cow_path_under(ch->from_path, dc->paths[i])))
				break;
		if (i == dc->n_paths)
			return 0;
	}
	lower = malloc(COW_REAL_MAX);
	if (!lower)
		return -ENOMEM;
	if (ch->from_path)
		real_path = ch->from_path;
	else if (cow_lower_path(dc->store, ch->virt_path, lower, COW_REAL_MAX))
		real_path = lower;
	if (ch->code == 'R')
		fprintf(dc->out, "renamed %s -> %s\n", ch->from_path, ch->virt_path);
	if (ch->kind == COW_KIND_REDIRECT) {
		free(lower);
		return 0;
	}
	is_text = diff_meta(dc, ch, real_path);
	if (is_text > 0 && ch->code != 'T') {
		struct stat st;

		if (real_path && lstat(cow_kpath(dc->store, real_path), &st) < 0)
			real_path = NULL;
		err = diff_files(dc->store, dc->out, real_path,
				 ch->code == 'D' ? NULL : ch->virt_path, ch->virt_path);
	}
	free(lower);
	return err;
}

int cow_diff(struct cow_store *store, const char *const *paths, size_t n_paths, FILE *out)
{
	struct diff_ctx dc = { .store = store, .paths = paths, .n_paths = n_paths, .out = out };

	return cow_status(store, diff_one, &dc);
}
