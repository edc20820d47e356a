/*
 * replay/bundle.c — a replay plan as one self-contained file, for
 * pcow-replayer to run where pcow and log.db are not: another kernel
 * booted in QEMU, another machine.  The format is doc/replay-bundle.md;
 * in short, a 48-byte header, then the run, the tasks, the touched
 * objects with their contents and the steps with their data, every field
 * little-endian and every variable-length part (a "blob") padded to 8
 * bytes, so a reader can map the file and point into it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay/replay.h"

#define HEADER_SIZE 48
#define NO_BLOB UINT64_MAX

static const char bundle_magic[8] = { 'P', 'C', 'O', 'W', 'R', 'P', 'B', '\n' };

enum { TOUCH_HASH = 1, TOUCH_LISTED = 2, TOUCH_CONTENT = 4 };
enum { STEP_DATA = 1, STEP_LOST = 2, STEP_HASH = 4, STEP_STR0 = 1 << 8 };

/* ------------------------------------------------------------- CRC-32 */

/* Slicing-by-8: eight tables, eight bytes a step (bundles are hundreds of MiB). */
static uint32_t crc_table[8][256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = crc_table[0][crc_table[t - 1][i] & 0xff] ^
					  (crc_table[t - 1][i] >> 8);
}

uint32_t replay_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (!crc_table[0][1])
		crc_init();
	crc = ~crc;
	while (len >= 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				     (uint32_t)p[3] << 24);

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^ crc_table[3][p[4]] ^
		      crc_table[2][p[5]] ^ crc_table[1][p[6]] ^ crc_table[0][p[7]];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ------------------------------------------------------------- writing */

struct wr {
	FILE *f;
	uint32_t crc;
	uint64_t len;
};

static void put(struct wr *w, const void *p, size_t n)
{
	w->crc = replay_crc32(w->crc, p, n);
	w->len += n;
	if (w->f)
		fwrite(p, 1, n, w->f);
}

static void le32(unsigned char *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static void le64(unsigned char *b, uint64_t v)
{
	le32(b, (uint32_t)v);
	le32(b + 4, (uint32_t)(v >> 32));
}

static void put_u32(struct wr *w, uint32_t v)
{
	unsigned char b[4];

	le32(b, v);
	put(w, b, 4);
}

static void put_u64(struct wr *w, uint64_t v)
{
	put_u32(w, (uint32_t)v);
	put_u32(w, (uint32_t)(v >> 32));
}

static void put_blob(struct wr *w, const void *p, uint64_t n)
{
	static const unsigned char zero[8];

	put_u64(w, p ? n : NO_BLOB);
	if (!p)
		return;
	put(w, p, (size_t)n);
	if (n % 8)
		put(w, zero, 8 - n % 8);
}

static void put_str(struct wr *w, const char *s)
{
	put_blob(w, s, s ? strlen(s) + 1 : 0);
}

static void write_steps(struct wr *w, const struct replay_plan *plan);

static void write_body(struct wr *w, const struct replay_plan *plan)
{
	put_u64(w, (uint64_t)plan->run_id);
	put_u64(w, (uint64_t)plan->n_calls);
	put_u32(w, plan->uid);
	put_u32(w, plan->gid);
	put_u32(w, plan->umask);
	put_u32(w, (uint32_t)plan->n_groups);
	for (int i = 0; i < 64; i++)
		put_u32(w, i < plan->n_groups ? plan->groups[i] : 0);
	put_str(w, plan->argv);
	put_str(w, plan->cwd);
	put_str(w, plan->kernel_release);
	for (size_t i = 0; i < plan->n_tasks; i++) {
		put_u32(w, (uint32_t)plan->tasks[i].pid);
		put_u32(w, (uint32_t)plan->tasks[i].tgid);
		put_u32(w, (uint32_t)plan->tasks[i].ppid);
		put_u32(w, 0);
	}
	for (size_t i = 0; i < plan->n_touches; i++) {
		const struct replay_touch *t = &plan->touches[i];

		put_u32(w, t->type);
		put_u32(w, t->mode);
		put_u64(w, (uint64_t)t->uid);
		put_u64(w, (uint64_t)t->gid);
		put_u64(w, (uint64_t)t->size);
		put_u64(w, (uint64_t)t->mtime_ns);
		put_u64(w, (uint64_t)t->dev);
		put_u64(w, (uint64_t)t->ino);
		put_u64(w, (uint64_t)t->nlink);
		put_u64(w, t->hash);
		put_u64(w, t->rdev);
		put_u32(w, (t->has_hash ? TOUCH_HASH : 0) | (t->listed ? TOUCH_LISTED : 0) |
				   (t->has_content ? TOUCH_CONTENT : 0));
		put_u32(w, 0);
		put_str(w, t->path);
		put_str(w, t->target);
		put_blob(w, t->has_content ? (t->content ? t->content : (const void *)"") : NULL,
			 t->content_len);
	}
	write_steps(w, plan);
}

static void write_steps(struct wr *w, const struct replay_plan *plan)
{
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct replay_step *st = &plan->steps[i];
		uint32_t flags = (st->has_data ? STEP_DATA : 0) | (st->data_lost ? STEP_LOST : 0) |
				 (st->has_hash ? STEP_HASH : 0);

		for (int k = 0; k < 6; k++)
			if (st->strs[k])
				flags |= STEP_STR0 << k;
		put_u64(w, (uint64_t)st->seq);
		put_u32(w, (uint32_t)st->pid);
		put_u32(w, (uint32_t)st->tid);
		put_u32(w, (uint32_t)st->nr);
		put_u32(w, flags);
		for (int k = 0; k < 6; k++)
			put_u64(w, st->args[k]);
		put_u64(w, (uint64_t)st->ret);
		put_u64(w, st->hash);
		for (int k = 0; k < 6; k++)
			if (st->strs[k])
				put_str(w, st->strs[k]);
		put_blob(w, st->data ? st->data : (const void *)"", st->data_len);
	}
}

uint32_t replay_plan_id(const struct replay_plan *plan)
{
	struct wr w = { NULL, 0, 0 };

	put_u64(&w, (uint64_t)plan->run_id);
	put_u64(&w, (uint64_t)plan->n_calls);
	write_steps(&w, plan);
	return w.crc;
}

int replay_bundle_write(const struct replay_plan *plan, bool strict, const char *path,
			uint32_t *ret_crc, uint64_t *ret_size, char *errmsg)
{
	unsigned char header[HEADER_SIZE];
	struct wr w = { NULL, 0, 0 };
	int err = 0;

	w.f = fopen(path, "w+e");
	if (!w.f) {
		err = -errno;
		snprintf(errmsg, 512, "%.400s: %s", path, strerror(errno));
		return err;
	}
	memset(header, 0, sizeof(header));
	fwrite(header, 1, sizeof(header), w.f);
	write_body(&w, plan);
	memcpy(header, bundle_magic, 8);
	le32(header + 8, REPLAY_BUNDLE_VERSION);
	le32(header + 12, strict ? REPLAY_BUNDLE_STRICT : 0);
	le64(header + 16, w.len);
	le32(header + 24, w.crc);
	le32(header + 28, (uint32_t)plan->n_tasks);
	le32(header + 32, (uint32_t)plan->n_touches);
	le32(header + 36, (uint32_t)plan->n_steps);
	if (fseek(w.f, 0, SEEK_SET) < 0 || fwrite(header, 1, sizeof(header), w.f) != sizeof(header))
		err = -errno;
	if (ferror(w.f) && !err)
		err = -EIO;
	if (fclose(w.f) < 0 && !err)
		err = -errno;
	if (err) {
		snprintf(errmsg, 512, "%.400s: %s", path, strerror(-err));
		unlink(path);
		return err;
	}
	if (ret_crc)
		*ret_crc = w.crc;
	if (ret_size)
		*ret_size = w.len + HEADER_SIZE;
	return 0;
}

/* ------------------------------------------------------------- reading */

struct rd {
	const unsigned char *p, *end;
	bool bad;
};

static const void *take(struct rd *r, size_t n)
{
	const void *p = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return p;
}

static uint32_t get_u32(struct rd *r)
{
	const unsigned char *b = take(r, 4);

	return b ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			   (uint32_t)b[3] << 24
		 : 0;
}

static uint64_t get_u64(struct rd *r)
{
	uint64_t lo = get_u32(r);

	return lo | (uint64_t)get_u32(r) << 32;
}

/* A blob: NULL when absent (or bad); strings must end in their NUL. */
static const void *get_blob(struct rd *r, uint64_t *ret_len, bool string)
{
	uint64_t n = get_u64(r);
	const unsigned char *p;

	*ret_len = 0;
	if (r->bad || n == NO_BLOB)
		return NULL;
	if (n > (uint64_t)(r->end - r->p) || (string && (n == 0 || r->p[n - 1] != '\0'))) {
		r->bad = true;
		return NULL;
	}
	p = take(r, (size_t)n);
	if (n % 8)
		take(r, 8 - n % 8);
	*ret_len = n;
	return p;
}

static const char *get_str(struct rd *r)
{
	uint64_t n;

	return get_blob(r, &n, true);
}

static char *dup_str(struct rd *r)
{
	const char *s = get_str(r);

	return s ? strdup(s) : NULL;
}

static int alloc_array(void **arr, size_t n, size_t size)
{
	if (n && !(*arr = calloc(n, size)))
		return -ENOMEM;
	return 0;
}

static void read_body(struct rd *r, struct replay_plan *plan)
{
	plan->run_id = (int64_t)get_u64(r);
	plan->n_calls = (int64_t)get_u64(r);
	plan->uid = get_u32(r);
	plan->gid = get_u32(r);
	plan->umask = get_u32(r);
	plan->n_groups = (int)get_u32(r);
	if (plan->n_groups < 0 || plan->n_groups > 64)
		r->bad = true;
	for (int i = 0; i < 64; i++)
		plan->groups[i] = get_u32(r);
	plan->argv = dup_str(r);
	plan->cwd = dup_str(r);
	plan->kernel_release = dup_str(r);
	for (size_t i = 0; i < plan->n_tasks && !r->bad; i++) {
		plan->tasks[i].pid = (int32_t)get_u32(r);
		plan->tasks[i].tgid = (int32_t)get_u32(r);
		plan->tasks[i].ppid = (int32_t)get_u32(r);
		get_u32(r);
	}
	for (size_t i = 0; i < plan->n_touches && !r->bad; i++) {
		struct replay_touch *t = &plan->touches[i];
		uint32_t flags;

		t->type = get_u32(r);
		t->mode = get_u32(r);
		t->uid = (int64_t)get_u64(r);
		t->gid = (int64_t)get_u64(r);
		t->size = (int64_t)get_u64(r);
		t->mtime_ns = (int64_t)get_u64(r);
		t->dev = (int64_t)get_u64(r);
		t->ino = (int64_t)get_u64(r);
		t->nlink = (int64_t)get_u64(r);
		t->hash = get_u64(r);
		t->rdev = get_u64(r);
		flags = get_u32(r);
		get_u32(r);
		t->has_hash = flags & TOUCH_HASH;
		t->listed = flags & TOUCH_LISTED;
		t->path = get_str(r);
		t->target = get_str(r);
		t->content = get_blob(r, &t->content_len, false);
		t->has_content = t->content != NULL;
		t->source = ""; /* a bundle carries every object */
		if (!t->path || t->path[0] != '/')
			r->bad = true;
	}
	for (size_t i = 0; i < plan->n_steps && !r->bad; i++) {
		struct replay_step *st = &plan->steps[i];
		uint64_t len;
		uint32_t flags;

		st->seq = (int64_t)get_u64(r);
		st->pid = (int32_t)get_u32(r);
		st->tid = (int32_t)get_u32(r);
		st->nr = (int32_t)get_u32(r);
		flags = get_u32(r);
		for (int k = 0; k < 6; k++)
			st->args[k] = get_u64(r);
		st->ret = (int64_t)get_u64(r);
		st->hash = get_u64(r);
		st->has_data = flags & STEP_DATA;
		st->data_lost = flags & STEP_LOST;
		st->has_hash = flags & STEP_HASH;
		for (int k = 0; k < 6; k++)
			if (flags & (STEP_STR0 << k))
				st->strs[k] = get_str(r);
		st->data = get_blob(r, &len, false);
		st->data_len = (uint32_t)len;
		if (len > UINT32_MAX)
			r->bad = true;
	}
	if (r->p != r->end)
		r->bad = true;
}

/* The smallest encoding of each record: its fixed part and its blobs' length words. */
#define TASK_MIN 16
#define TOUCH_MIN (88 + 3 * 8)
#define STEP_MIN (88 + 8)

int replay_bundle_parse(const void *buf, size_t len, struct replay_plan *plan, char *errmsg)
{
	const unsigned char *m = buf;
	struct rd r = { m + 8, m + HEADER_SIZE, false };
	uint32_t version, crc;
	uint64_t body_len, least;
	int err = 0;

	memset(plan, 0, sizeof(*plan));
	if (len < HEADER_SIZE || memcmp(m, bundle_magic, 8)) {
		snprintf(errmsg, 512, "not a pcow replay bundle");
		return -EINVAL;
	}
	version = get_u32(&r);
	plan->strict = get_u32(&r) & REPLAY_BUNDLE_STRICT;
	body_len = get_u64(&r);
	crc = get_u32(&r);
	plan->n_tasks = get_u32(&r);
	plan->n_touches = get_u32(&r);
	plan->n_steps = get_u32(&r);
	plan->bundle_crc = crc;
	least = (uint64_t)plan->n_tasks * TASK_MIN + (uint64_t)plan->n_touches * TOUCH_MIN +
		(uint64_t)plan->n_steps * STEP_MIN;
	if (version != REPLAY_BUNDLE_VERSION) {
		snprintf(errmsg, 512, "bundle version %u; this pcow-replayer reads version %d",
			 version, REPLAY_BUNDLE_VERSION);
		err = -EPROTONOSUPPORT;
	} else if (body_len != len - HEADER_SIZE ||
		   replay_crc32(0, m + HEADER_SIZE, (size_t)body_len) != crc) {
		snprintf(errmsg, 512, "the bundle is truncated or corrupt (checksum)");
		err = -EBADMSG;
	} else if (least > body_len) {
		snprintf(errmsg, 512, "the bundle's record counts exceed its size");
		err = -EBADMSG;
	}
	if (err) {
		plan->n_tasks = plan->n_touches = plan->n_steps = 0;
		return err;
	}
	if (alloc_array((void **)&plan->tasks, plan->n_tasks, sizeof(*plan->tasks)) ||
	    alloc_array((void **)&plan->touches, plan->n_touches, sizeof(*plan->touches)) ||
	    alloc_array((void **)&plan->steps, plan->n_steps, sizeof(*plan->steps))) {
		snprintf(errmsg, 512, "out of memory");
		err = -ENOMEM;
	}
	if (!err) {
		r = (struct rd){ m + HEADER_SIZE, m + len, false };
		read_body(&r, plan);
		if (r.bad || !plan->argv || !plan->cwd || !plan->kernel_release) {
			snprintf(errmsg, 512, "the bundle's records are malformed");
			err = -EBADMSG;
		}
	}
	if (err) {
		/* Keep the counts consistent with what was allocated before freeing. */
		if (!plan->tasks)
			plan->n_tasks = 0;
		if (!plan->touches)
			plan->n_touches = 0;
		if (!plan->steps)
			plan->n_steps = 0;
		replay_plan_free(plan);
	}
	return err;
}

int replay_bundle_read(const char *path, struct replay_plan *plan, char *errmsg)
{
	char why[512];
	struct stat sb;
	void *map;
	int fd, err;

	memset(plan, 0, sizeof(*plan));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		err = -errno;
		snprintf(errmsg, 512, "%.400s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	if (sb.st_size < HEADER_SIZE) {
		close(fd);
		snprintf(errmsg, 512, "%.400s: not a pcow replay bundle (too short)", path);
		return -EINVAL;
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		err = -errno;
		snprintf(errmsg, 512, "%.400s: cannot map: %s", path, strerror(-err));
		return err;
	}
	err = replay_bundle_parse(map, (size_t)sb.st_size, plan, why);
	if (err) {
		munmap(map, (size_t)sb.st_size);
		snprintf(errmsg, 512, "%.400s: %.100s", path, why);
		return err;
	}
	plan->map = map;
	plan->map_len = (size_t)sb.st_size;
	return 0;
}
