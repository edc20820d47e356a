/*
 * db/writer.c — the batched log writer: the tracer queues records, a
 * thread of our own inserts them.
 *
 * The queue is a byte ring (RING_SIZE bytes) with one producer (the tracer
 * thread calling db_writer_call/db_writer_proc) and one consumer (the
 * writer thread).  `head` counts the bytes ever published, `tail` the bytes
 * ever released; both only grow, and the used part is head - tail.  A
 * record is a struct rec_hdr, its payload, and padding to 8 bytes, so
 * records start 8-aligned and a header never wraps around the end.
 *
 * Producer, common case: no lock and no system call.  It copies the record
 * behind head, publishes head with one atomic store, and looks at the
 * consumer's state: AWAKE (working) — nothing to do; DOZING (waiting for
 * its batch deadline with a transaction open) — wake it only every
 * WAKE_RECORDS records or when the ring is half full, since it wakes up by
 * itself soon; ASLEEP (idle, no deadline) — wake it now.  When the ring is
 * too full for the record, the producer waits on a condition variable
 * until a quarter of the ring (or the record) fits.  A record larger than
 * the whole ring is streamed: published piece by piece while the consumer
 * copies it out into a buffer of its own.
 *
 * The sleep/wake handshakes are Dekker-style: each side stores its own
 * word (state or waiting flag, resp. head or tail) with a seq_cst store and
 * then loads the other's, so at least one of them sees the other; the
 * side that sees it takes the mutex to signal, and the sleeper holds the
 * same mutex from its last check until it waits, so no wakeup is lost.
 *
 * The overlay index changes of the copy-on-write layer travel in the same
 * ring (REC_OVERLAY, db/overlay.c), with group brackets (REC_GROUP) that
 * the consumer runs as a savepoint and never commits apart; `committed`
 * tells the producer how far the committed records go (db_writer_durable).
 *
 * Consumer: processes records in place when they are whole and do not
 * wrap, else copies them out first.  It inserts with prepared statements
 * inside BEGIN IMMEDIATE ... COMMIT transactions of at most BATCH_RECORDS
 * records or BATCH_NS nanoseconds, and commits whatever is open when the
 * ring runs dry past the deadline and at finish.  With WAL and
 * synchronous=NORMAL a commit costs no fsync, and a pcow killed by SIGKILL
 * loses only the transaction it had open.
 *
 * Errors: the first failure (SQLite, out of memory) is kept with its
 * message; the open transaction is committed if SQLite still can, and every
 * later record is dropped — by the producer before queueing, by the
 * consumer for what was already queued — so the tracer never blocks on a
 * writer that cannot write.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db_internal.h"

#define RING_SIZE (4u << 20)	    /* bytes of the ring; a power of two */
#define BATCH_RECORDS 4096	    /* commit after this many records... */
#define BATCH_NS (50 * 1000000LL)   /* ...or this long after the first one */
#define WAKE_RECORDS 1024	    /* wake a dozing consumer after this many */
#define RECORD_MAX (64u << 20)	    /* a bigger call record loses its blobs */
#define BUF_KEEP (1u << 20)	    /* bigger scratch buffers are freed after use */
#define FMT_INITIAL 4096	    /* first size of the args text buffer */
#define WRITER_CACHE_SQL "PRAGMA cache_size = -16384" /* KiB, for the writer */

/* The emu_blob_status values db/ cares about (db.h: blob_status). */
#define BLOB_OK 1
#define BLOB_TRUNCATED 2

enum rec_type {
	REC_CALL = 1, /* struct db_call, then the blobs in argument order */
	REC_PROC = 2, /* struct rec_proc, then filename, argv, interp, build_id */
	REC_MODULE = 3, /* struct rec_module, then path, then build_id (db_internal.h) */
	REC_STACK = 4,	/* struct rec_stack, its frames, their symbols (db_internal.h) */
	REC_TOUCH = 5,	/* struct rec_touch, then path, target, content */
	REC_OVERLAY = 6, /* a packed overlay change (db/overlay.c) */
	REC_GROUP = 7,	/* uint32_t: enum db_group */
};

/* struct db_touch without its pointers. */
struct rec_touch {
	int64_t uid, gid, size, mtime_ns, dev, ino, nlink;
	uint64_t hash;
	uint32_t type, mode;
	uint32_t path_len, target_len, content_len, source_len;
	uint8_t has_hash, has_target, listed, has_content, has_source;
};

struct rec_hdr {
	uint32_t type; /* enum rec_type */
	uint32_t len;  /* payload bytes after the header, padding excluded */
};

/* struct db_proc without its pointers. */
struct rec_proc {
	int64_t t;
	int32_t pid;
	int32_t tgid;
	int32_t ppid;
	int32_t exit_status;
	uint32_t filename_len;
	uint32_t argv_len;
	uint32_t interp_len;
	uint32_t build_id_len;
	uint16_t elf_machine;
	uint8_t event;
	uint8_t has_filename;
	uint8_t elf_class; /* 0: no ELF facts */
	uint8_t elf_static;
};

enum consumer_state {
	AWAKE = 0,  /* working, or about to look at head again */
	DOZING = 1, /* waiting until its batch deadline */
	ASLEEP = 2, /* nothing open: waiting for the next record */
};

struct piece {
	const void *data; /* NULL: padding, nothing to copy */
	size_t len;
};

/*
 * Invariants: 0 <= head - tail <= cap; head, tail only grow; a record
 * boundary is a multiple of 8; bytes in [tail, head) belong to the
 * consumer, the rest of the ring to the producer.
 */
struct db_writer {
	/* Shared.  Each word is written by one side only, except the state. */
	_Alignas(64) _Atomic uint64_t head; /* written by the producer */
	_Alignas(64) _Atomic uint64_t tail; /* written by the consumer */
	_Alignas(64) _Atomic int consumer_state; /* enum consumer_state */
	_Atomic int producer_waiting;	       /* the producer waits for room */
	_Atomic uint64_t producer_want;	       /* ...for this many free bytes */
	_Atomic int error;		       /* the first error, or 0 */
	_Atomic bool stop;		       /* db_writer_finish was called */
	_Atomic uint64_t committed;	       /* records below this position are committed */
	pthread_mutex_t lock;		       /* only for sleeping and waking */
	pthread_cond_t consumer_cond;	       /* CLOCK_MONOTONIC */
	pthread_cond_t producer_cond;
	unsigned char *ring;
	size_t cap;

	/* Producer only. */
	_Alignas(64) uint64_t p_head; /* = head, without the atomic load */
	uint32_t p_unsignaled;	      /* records published since the last wake */

	/* Consumer only (and the producer before start / after join). */
	_Alignas(64) struct db *db;
	sqlite3 *conn;
	pthread_t thread;
	int64_t run_id;
	int64_t run_t0;	     /* the run's t_start: call.t is relative to it */
	int64_t last_seq;    /* the last seq inserted */
	int64_t n_calls;     /* calls inserted */
	db_format_fn format;
	void *opaque;
	bool in_txn;
	uint32_t n_txn;	       /* records in the open transaction */
	int ov_depth;	       /* overlay groups open: no commit until 0 */
	uint64_t c_done;       /* the position after the last record handled */
	struct db_overlay_stmts ov; /* overlay changes (db/overlay.c) */
	int64_t txn_deadline;  /* CLOCK_MONOTONIC ns to commit by */
	char *fmt_buf;	       /* args text */
	size_t fmt_size;
	unsigned char *scratch; /* records copied out of the ring */
	size_t scratch_size;
	sqlite3_stmt *st_begin;
	sqlite3_stmt *st_commit;
	sqlite3_stmt *st_call;
	sqlite3_stmt *st_path;
	sqlite3_stmt *st_calldata, *st_touch;
	sqlite3_stmt *st_start;
	sqlite3_stmt *st_exit;
	sqlite3_stmt *st_exit_new;
	sqlite3_stmt *st_exec;
	struct db_stack_writer *stacks; /* module/stack records (db/stack.c) */
	char errmsg[DB_ERRMSG_SIZE];
};

static uint64_t pad8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static void ring_copy_in(struct db_writer *w, uint64_t pos, const void *src, size_t len)
{
	size_t off = pos & (w->cap - 1);
	size_t first = min_size(len, w->cap - off);

	memcpy(w->ring + off, src, first);
	memcpy(w->ring, (const unsigned char *)src + first, len - first);
}

static void ring_copy_out(struct db_writer *w, uint64_t pos, void *dst, size_t len)
{
	size_t off = pos & (w->cap - 1);
	size_t first = min_size(len, w->cap - off);

	memcpy(dst, w->ring + off, first);
	memcpy((unsigned char *)dst + first, w->ring, len - first);
}

/* ========================================================== producer */

static void wake_consumer(struct db_writer *w)
{
	pthread_mutex_lock(&w->lock);
	if (atomic_load(&w->consumer_state) != AWAKE) {
		atomic_store(&w->consumer_state, AWAKE);
		pthread_cond_signal(&w->consumer_cond);
	}
	pthread_mutex_unlock(&w->lock);
	w->p_unsignaled = 0;
}

static void publish(struct db_writer *w, uint64_t head)
{
	int state;

	w->p_head = head;
	atomic_store(&w->head, head); /* seq_cst: see the top of the file */
	state = atomic_load(&w->consumer_state);
	if (state == AWAKE) {
		w->p_unsignaled = 0;
		return;
	}
	if (state == DOZING && ++w->p_unsignaled < WAKE_RECORDS &&
	    head - atomic_load_explicit(&w->tail, memory_order_relaxed) < w->cap / 2)
		return;
	wake_consumer(w);
}

static uint64_t free_bytes(const struct db_writer *w)
{
	return w->cap - (w->p_head - atomic_load(&w->tail));
}

/* Block until want (<= cap) bytes are free. */
static void wait_space(struct db_writer *w, uint64_t want)
{
	/* The consumer makes room only when it runs. */
	if (atomic_load(&w->consumer_state) != AWAKE)
		wake_consumer(w);
	pthread_mutex_lock(&w->lock);
	atomic_store(&w->producer_want, want);
	atomic_store(&w->producer_waiting, 1);
	while (free_bytes(w) < want)
		pthread_cond_wait(&w->producer_cond, &w->lock);
	atomic_store(&w->producer_waiting, 0);
	pthread_mutex_unlock(&w->lock);
}

/* A record larger than the ring: publish it piece by piece. */
static void put_stream(struct db_writer *w, const struct piece *pieces, size_t n, uint64_t total)
{
	uint64_t head = w->p_head, end = head + total;

	for (size_t i = 0; i < n; i++) {
		size_t done = 0;

		while (done < pieces[i].len) {
			uint64_t room = w->cap - (head - atomic_load(&w->tail));
			size_t k;

			if (room == 0) {
				publish(w, head);
				wait_space(w, end - head < w->cap / 4 ? end - head : w->cap / 4);
				continue;
			}
			const unsigned char *src = pieces[i].data;

			k = min_size(room, pieces[i].len - done);
			if (src)
				ring_copy_in(w, head, src + done, k);
			head += k;
			done += k;
		}
	}
	publish(w, head);
}

/* Queue one record: pieces[0] must be room for the header, filled here. */
static void put_record(struct db_writer *w, uint32_t type, struct piece *pieces, size_t n)
{
	static const unsigned char zeros[8];
	struct rec_hdr hdr;
	uint64_t len = 0, total, head;

	for (size_t i = 1; i < n - 1; i++)
		len += pieces[i].len;
	hdr.type = type;
	hdr.len = (uint32_t)len;
	total = pad8(sizeof(hdr) + len);
	pieces[0] = (struct piece){ &hdr, sizeof(hdr) };
	pieces[n - 1] = (struct piece){ zeros, total - sizeof(hdr) - len };

	if (total > w->cap) {
		put_stream(w, pieces, n, total);
		return;
	}
	if (free_bytes(w) < total)
		wait_space(w, total > w->cap / 4 ? total : w->cap / 4);
	head = w->p_head;
	for (size_t i = 0; i < n; i++) {
		ring_copy_in(w, head, pieces[i].data, pieces[i].len);
		head += pieces[i].len;
	}
	publish(w, head);
}

void db_writer_call_data(struct db_writer *w, const struct db_call *call,
			 const void *const blobs[6], const struct db_calldata *cd)
{
	struct piece pieces[1 + 1 + 6 + 2 + 1];
	struct db_call copy = *call;
	uint64_t len = sizeof(*call);
	size_t n = 1;

	if (atomic_load_explicit(&w->error, memory_order_relaxed))
		return;
	copy.cd_present = cd != NULL;
	copy.cd_smask = cd ? cd->smask : 0;
	copy.cd_has_hash = cd && cd->has_hash;
	copy.cd_hash = cd ? cd->hash : 0;
	copy.cd_strs_len = cd ? cd->strs_len : 0;
	copy.cd_data_len = cd && cd->data ? cd->data_len : 0;
	for (int i = 0; i < 6; i++)
		len += call->blob_len[i];
	if (len > RECORD_MAX) {
		/* Keep the call, drop what cannot be queued. */
		memset(copy.blob_len, 0, sizeof(copy.blob_len));
		memset(copy.blob_status, 0, sizeof(copy.blob_status));
		copy.path_mask = 0;
		len = sizeof(*call);
	}
	if (len + copy.cd_strs_len + copy.cd_data_len > RECORD_MAX) {
		/* The replay data is lost as a whole; replay says so. */
		copy.cd_strs_len = 0;
		copy.cd_data_len = 0;
		copy.cd_smask = 0xff;
	}
	pieces[n++] = (struct piece){ &copy, sizeof(copy) };
	for (int i = 0; i < 6; i++)
		if (copy.blob_len[i])
			pieces[n++] = (struct piece){ blobs[i], copy.blob_len[i] };
	if (copy.cd_strs_len)
		pieces[n++] = (struct piece){ cd->strs, copy.cd_strs_len };
	if (copy.cd_data_len)
		pieces[n++] = (struct piece){ cd->data, copy.cd_data_len };
	n++; /* padding */
	put_record(w, REC_CALL, pieces, n);
}

void db_writer_call(struct db_writer *w, const struct db_call *call, const void *const blobs[6])
{
	db_writer_call_data(w, call, blobs, NULL);
}

void db_writer_touch(struct db_writer *w, const struct db_touch *t)
{
	struct piece pieces[1 + 1 + 4 + 1];
	struct rec_touch rt;
	size_t n = 1;

	if (atomic_load_explicit(&w->error, memory_order_relaxed))
		return;
	memset(&rt, 0, sizeof(rt));
	rt.uid = t->uid;
	rt.gid = t->gid;
	rt.size = t->size;
	rt.mtime_ns = t->mtime_ns;
	rt.dev = t->dev;
	rt.ino = t->ino;
	rt.nlink = t->nlink;
	rt.hash = t->hash;
	rt.type = t->type;
	rt.mode = t->mode;
	rt.path_len = (uint32_t)strlen(t->path);
	rt.has_hash = t->has_hash;
	rt.has_target = t->target != NULL;
	rt.target_len = t->target ? (uint32_t)strlen(t->target) : 0;
	rt.listed = t->listed;
	rt.has_content = t->content != NULL && t->content_len < RECORD_MAX / 2;
	rt.content_len = rt.has_content ? t->content_len : 0;
	rt.has_source = t->source != NULL;
	rt.source_len = t->source ? (uint32_t)strlen(t->source) : 0;
	pieces[n++] = (struct piece){ &rt, sizeof(rt) };
	pieces[n++] = (struct piece){ t->path, rt.path_len };
	if (rt.target_len)
		pieces[n++] = (struct piece){ t->target, rt.target_len };
	if (rt.content_len)
		pieces[n++] = (struct piece){ t->content, rt.content_len };
	if (rt.source_len)
		pieces[n++] = (struct piece){ t->source, rt.source_len };
	n++; /* padding */
	put_record(w, REC_TOUCH, pieces, n);
}

void db_writer_proc(struct db_writer *w, const struct db_proc *proc)
{
	struct piece pieces[1 + 1 + 4 + 1]; /* header, rec_proc, 4 strings, padding */
	struct rec_proc rp;
	size_t n = 1;

	if (atomic_load_explicit(&w->error, memory_order_relaxed))
		return;
	memset(&rp, 0, sizeof(rp));
	rp.t = proc->t;
	rp.pid = proc->pid;
	rp.tgid = proc->tgid;
	rp.ppid = proc->ppid;
	rp.exit_status = proc->exit_status;
	rp.event = proc->event;
	if (proc->event == DB_PROC_EXEC) {
		rp.has_filename = proc->filename != NULL;
		rp.filename_len = proc->filename ? (uint32_t)strnlen(proc->filename, 65536) : 0;
		rp.argv_len = proc->argv ? proc->argv_len : 0;
		if (rp.argv_len > RECORD_MAX)
			rp.argv_len = RECORD_MAX;
	}
	if (proc->event == DB_PROC_EXEC && proc->elf_class) {
		rp.elf_class = proc->elf_class;
		rp.elf_static = proc->elf_static;
		rp.elf_machine = proc->elf_machine;
		rp.interp_len = proc->elf_interp ? (uint32_t)strnlen(proc->elf_interp, 4096) : 0;
		rp.build_id_len = proc->build_id ? (uint32_t)strnlen(proc->build_id, 256) : 0;
	}
	pieces[n++] = (struct piece){ &rp, sizeof(rp) };
	if (rp.filename_len)
		pieces[n++] = (struct piece){ proc->filename, rp.filename_len };
	if (rp.argv_len)
		pieces[n++] = (struct piece){ proc->argv, rp.argv_len };
	if (rp.interp_len)
		pieces[n++] = (struct piece){ proc->elf_interp, rp.interp_len };
	if (rp.build_id_len)
		pieces[n++] = (struct piece){ proc->build_id, rp.build_id_len };
	n++; /* padding */
	put_record(w, REC_PROC, pieces, n);
}

void db_writer_module(struct db_writer *w, const struct db_module *m)
{
	struct piece pieces[1 + 1 + 2 + 1]; /* header, rec_module, 2 strings, padding */
	struct rec_module rm;
	size_t n = 1;

	if (atomic_load_explicit(&w->error, memory_order_relaxed))
		return;
	memset(&rm, 0, sizeof(rm));
	rm.id = m->id;
	rm.path_len = m->path ? (uint32_t)strnlen(m->path, 65536) : 0;
	rm.build_id_len = m->build_id ? (uint32_t)strnlen(m->build_id, 256) : 0;
	pieces[n++] = (struct piece){ &rm, sizeof(rm) };
	if (rm.path_len)
		pieces[n++] = (struct piece){ m->path, rm.path_len };
	if (rm.build_id_len)
		pieces[n++] = (struct piece){ m->build_id, rm.build_id_len };
	n++; /* padding */
	put_record(w, REC_MODULE, pieces, n);
}

#define STACK_FRAMES_MAX 256 /* deeper stacks are cut (the tracer keeps fewer) */

void db_writer_stack(struct db_writer *w, uint32_t id, const struct db_frame *frames, uint32_t n)
{
	struct rec_frame rf[STACK_FRAMES_MAX];
	struct piece pieces[1 + 1 + 1 + STACK_FRAMES_MAX + 1];
	struct rec_stack rs;
	size_t np = 1;

	if (atomic_load_explicit(&w->error, memory_order_relaxed))
		return;
	if (n > STACK_FRAMES_MAX)
		n = STACK_FRAMES_MAX;
	rs.id = id;
	rs.n = n;
	for (uint32_t i = 0; i < n; i++) {
		rf[i].addr = frames[i].addr;
		rf[i].offset = frames[i].offset;
		rf[i].module = frames[i].module;
		rf[i].symbol_len = frames[i].symbol ? (uint32_t)strnlen(frames[i].symbol, 4096) : 0;
	}
	pieces[np++] = (struct piece){ &rs, sizeof(rs) };
	pieces[np++] = (struct piece){ rf, n * sizeof(rf[0]) };
	for (uint32_t i = 0; i < n; i++)
		if (rf[i].symbol_len)
			pieces[np++] = (struct piece){ frames[i].symbol, rf[i].symbol_len };
	np++; /* padding */
	put_record(w, REC_STACK, pieces, np);
}

void db_writer_overlay(struct db_writer *w, const void *packed, size_t len)
{
	struct piece pieces[3] = { { NULL, 0 }, { packed, len }, { NULL, 0 } };

	if (!atomic_load_explicit(&w->error, memory_order_relaxed))
		put_record(w, REC_OVERLAY, pieces, 3);
}

void db_writer_overlay_group(struct db_writer *w, enum db_group what)
{
	uint32_t b = what;
	struct piece pieces[3] = { { NULL, 0 }, { &b, sizeof(b) }, { NULL, 0 } };

	if (!atomic_load_explicit(&w->error, memory_order_relaxed))
		put_record(w, REC_GROUP, pieces, 3);
}

int db_writer_error(const struct db_writer *w)
{
	return atomic_load_explicit(&((struct db_writer *)w)->error, memory_order_relaxed);
}

/* ========================================================== consumer */

static void set_error(struct db_writer *w, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(struct db_writer *w, int err, const char *fmt, ...)
{
	char what[DB_ERRMSG_SIZE];
	va_list ap;

	if (atomic_load(&w->error))
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	db_msg(w->errmsg, w->db, "%s", what);
	atomic_store(&w->error, err);
	if (w->in_txn) {
		/* Keep what the batch holds if SQLite still can. */
		if (sqlite3_exec(w->conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			sqlite3_exec(w->conn, "ROLLBACK", NULL, NULL, NULL);
		w->in_txn = false;
	}
}

/* Step a statement that returns no row; false (error set) on failure. */
static bool step_done(struct db_writer *w, sqlite3_stmt *st, const char *doing)
{
	char sqlmsg[DB_ERRMSG_SIZE];
	int rc = sqlite3_step(st);
	int err;

	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return true;
	}
	err = db_errno(w->conn, rc);
	snprintf(sqlmsg, sizeof(sqlmsg), "%s", sqlite3_errmsg(w->conn));
	sqlite3_reset(st);
	if (err == -EBADMSG)
		set_error(w, err, "%s: file is not a database or is corrupt", doing);
	else if (err == -ENOSPC)
		set_error(w, err, "%s: disk full", doing);
	else if (err == -EBUSY)
		set_error(w, err, "%s: database is locked by another process", doing);
	else
		set_error(w, err, "%s: %s", doing, sqlmsg);
	return false;
}

static void commit(struct db_writer *w)
{
	if (!w->in_txn)
		return;
	if (!step_done(w, w->st_commit, "writing the log"))
		sqlite3_exec(w->conn, "ROLLBACK", NULL, NULL, NULL); /* error kept */
	else
		atomic_store_explicit(&w->committed, w->c_done, memory_order_release);
	w->in_txn = false;
}

static bool begin(struct db_writer *w)
{
	if (w->in_txn)
		return true;
	if (!step_done(w, w->st_begin, "writing the log"))
		return false;
	w->in_txn = true;
	w->n_txn = 0;
	w->txn_deadline = mono_ns() + BATCH_NS;
	return true;
}

static void bind_int64_or_null(sqlite3_stmt *st, int i, bool present, int64_t v)
{
	if (present)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* The args text of call into w->fmt_buf; returns its length. */
static size_t format_args(struct db_writer *w, const struct db_call *call,
			  const void *const blobs[6])
{
	size_t n;
	char *bigger;

	if (!w->format)
		return 0;
	n = w->format(w->fmt_buf, w->fmt_size, call, blobs, w->opaque);
	if (n >= w->fmt_size && n < DB_TEXT_MAX) {
		bigger = realloc(w->fmt_buf, n + 1);
		if (bigger) {
			w->fmt_buf = bigger;
			w->fmt_size = n + 1;
			n = w->format(w->fmt_buf, w->fmt_size, call, blobs, w->opaque);
		}
	}
	return n < w->fmt_size ? n : w->fmt_size - 1;
}

static void shrink_fmt_buf(struct db_writer *w)
{
	char *smaller;

	if (w->fmt_size <= BUF_KEEP)
		return;
	smaller = realloc(w->fmt_buf, FMT_INITIAL);
	if (smaller) {
		w->fmt_buf = smaller;
		w->fmt_size = FMT_INITIAL;
	}
}

static void handle_call(struct db_writer *w, const unsigned char *payload, uint32_t len)
{
	const struct db_call *call = (const void *)payload;
	const void *blobs[6];
	sqlite3_stmt *st = w->st_call;
	size_t off = sizeof(*call), text_len;
	bool returned;
	int nargs;

	for (int i = 0; i < 6; i++) {
		blobs[i] = call->blob_len[i] ? payload + off : NULL;
		off += call->blob_len[i];
	}
	if (len < sizeof(*call) ||
	    off + (uint64_t)call->cd_strs_len + call->cd_data_len > len) {
		set_error(w, -EIO, "internal error: malformed call record");
		return;
	}
	returned = call->status != DB_CALL_NORETURN;
	nargs = call->nargs < 6 ? call->nargs : 6;
	text_len = format_args(w, call, blobs);

	sqlite3_bind_int64(st, 1, w->run_id);
	sqlite3_bind_int(st, 2, call->pid);
	bind_int64_or_null(st, 3, call->tid != call->pid, call->tid);
	sqlite3_bind_int(st, 4, call->abi);
	sqlite3_bind_int(st, 5, call->nr);
	for (int i = 0; i < 6; i++)
		bind_int64_or_null(st, 6 + i, i < nargs, (int64_t)call->args[i]);
	if (text_len)
		sqlite3_bind_text(st, 12, w->fmt_buf, (int)text_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 12);
	bind_int64_or_null(st, 13, returned, call->ret);
	sqlite3_bind_int64(st, 14, call->t_enter - w->run_t0);
	bind_int64_or_null(st, 15, returned, call->t_exit - call->t_enter);
	sqlite3_bind_int(st, 16, call->action);
	bind_int64_or_null(st, 17, call->stack_id != 0,
			   db_stack_writer_row(w->stacks, call->stack_id));
	if (!step_done(w, st, "writing the log"))
		return;
	shrink_fmt_buf(w);
	w->last_seq = sqlite3_last_insert_rowid(w->conn);
	w->n_calls++;

	for (int i = 0; i < 6; i++) {
		size_t n;

		if (!(call->path_mask & (1u << i)) ||
		    (call->blob_status[i] != BLOB_OK && call->blob_status[i] != BLOB_TRUNCATED))
			continue;
		/*
		 * A path blob is "as passed\0absolute\0rewritten" (db.h); the
		 * table keeps the absolute form, or the string as passed when
		 * that is all, and the path the kernel was given instead.
		 */
		{
			const char *text = blobs[i], *part[3] = { "", "", "" };
			size_t blen = text ? call->blob_len[i] : 0, plen[3] = { 0, 0, 0 };

			for (size_t k = 0, at = 0; k < 3 && at < blen; k++) {
				part[k] = text + at;
				plen[k] = strnlen(part[k], blen - at);
				at += plen[k] + 1;
			}
			text = plen[1] ? part[1] : part[0];
			n = plen[1] ? plen[1] : plen[0];
			sqlite3_bind_int64(w->st_path, 1, w->last_seq);
			sqlite3_bind_int(w->st_path, 2, i);
			sqlite3_bind_text(w->st_path, 3, n ? text : "", (int)n, SQLITE_STATIC);
			if (plen[2])
				sqlite3_bind_text(w->st_path, 4, part[2], (int)plen[2], SQLITE_STATIC);
			else
				sqlite3_bind_null(w->st_path, 4);
		}
		if (!step_done(w, w->st_path, "writing the log"))
			return;
	}
	if (call->cd_present) {
		sqlite3_stmt *cs = w->st_calldata;
		const unsigned char *p = payload + off;

		sqlite3_bind_int64(cs, 1, w->last_seq);
		sqlite3_bind_int(cs, 2, call->cd_smask);
		if (call->cd_strs_len)
			sqlite3_bind_blob(cs, 3, p, (int)call->cd_strs_len, SQLITE_STATIC);
		else
			sqlite3_bind_null(cs, 3);
		bind_int64_or_null(cs, 4, call->cd_has_hash, (int64_t)call->cd_hash);
		if (call->cd_data_len)
			sqlite3_bind_blob(cs, 5, p + call->cd_strs_len, (int)call->cd_data_len,
					  SQLITE_STATIC);
		else
			sqlite3_bind_null(cs, 5);
		step_done(w, cs, "writing the log");
	}
}

static void bind_text_len(sqlite3_stmt *st, int i, bool present, const void *s, uint32_t len)
{
	if (present)
		sqlite3_bind_text(st, i, s, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void handle_touch(struct db_writer *w, const unsigned char *payload, uint32_t len)
{
	const struct rec_touch *rt = (const void *)payload;
	const unsigned char *p = payload + sizeof(*rt);
	sqlite3_stmt *st = w->st_touch;

	if (len < sizeof(*rt) ||
	    sizeof(*rt) + (uint64_t)rt->path_len + rt->target_len + rt->content_len +
			    rt->source_len > len) {
		set_error(w, -EIO, "internal error: malformed touch record");
		return;
	}
	sqlite3_bind_int64(st, 1, w->run_id);
	sqlite3_bind_text(st, 2, (const char *)p, (int)rt->path_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, rt->type);
	bind_int64_or_null(st, 4, rt->type != 0, rt->mode);
	bind_int64_or_null(st, 5, rt->type != 0, rt->uid);
	bind_int64_or_null(st, 6, rt->type != 0, rt->gid);
	bind_int64_or_null(st, 7, rt->type != 0, rt->size);
	bind_int64_or_null(st, 8, rt->type != 0, rt->mtime_ns);
	bind_int64_or_null(st, 9, rt->type != 0, rt->dev);
	bind_int64_or_null(st, 10, rt->type != 0, rt->ino);
	bind_int64_or_null(st, 11, rt->type != 0, rt->nlink);
	bind_int64_or_null(st, 12, rt->has_hash, (int64_t)rt->hash);
	bind_text_len(st, 13, rt->has_target, p + rt->path_len, rt->target_len);
	sqlite3_bind_int(st, 14, rt->listed);
	if (rt->has_content)
		sqlite3_bind_blob(st, 15, p + rt->path_len + rt->target_len, (int)rt->content_len,
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 15);
	bind_text_len(st, 16, rt->has_source,
		      p + rt->path_len + rt->target_len + rt->content_len, rt->source_len);
	step_done(w, st, "writing the log");
}

static void handle_proc(struct db_writer *w, const unsigned char *payload, uint32_t len)
{
	const struct rec_proc *rp = (const void *)payload;
	const char *filename, *argv;
	sqlite3_stmt *st;
	char *argv_text;
	bool ok;

	if (len < sizeof(*rp) || len - sizeof(*rp) < (uint64_t)rp->filename_len + rp->argv_len +
							 rp->interp_len + rp->build_id_len) {
		set_error(w, -EIO, "internal error: malformed process record");
		return;
	}
	filename = (const char *)(rp + 1);
	argv = filename + rp->filename_len;

	switch (rp->event) {
	case DB_PROC_START:
		st = w->st_start;
		sqlite3_bind_int64(st, 1, w->run_id);
		sqlite3_bind_int(st, 2, rp->pid);
		sqlite3_bind_int(st, 3, rp->tgid);
		sqlite3_bind_int(st, 4, rp->ppid);
		sqlite3_bind_int64(st, 5, rp->t);
		step_done(w, st, "writing the log");
		break;
	case DB_PROC_EXEC:
		argv_text = db_quote_packed(argv, rp->argv_len);
		if (!argv_text) {
			set_error(w, -ENOMEM, "out of memory");
			return;
		}
		st = w->st_exec;
		sqlite3_bind_int64(st, 1, w->run_id);
		sqlite3_bind_int(st, 2, rp->pid);
		sqlite3_bind_int(st, 3, rp->tgid);
		bind_int64_or_null(st, 4, w->n_calls > 0, w->last_seq);
		sqlite3_bind_int64(st, 5, rp->t);
		sqlite3_bind_text(st, 6, rp->filename_len ? filename : "", (int)rp->filename_len,
				  SQLITE_STATIC);
		sqlite3_bind_text(st, 7, argv_text, -1, SQLITE_STATIC);
		bind_int64_or_null(st, 8, rp->elf_class, rp->elf_class);
		bind_int64_or_null(st, 9, rp->elf_class, rp->elf_machine);
		if (rp->interp_len)
			sqlite3_bind_text(st, 10, argv + rp->argv_len, (int)rp->interp_len,
					  SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 10);
		bind_int64_or_null(st, 11, rp->elf_class, rp->elf_static);
		if (rp->build_id_len)
			sqlite3_bind_text(st, 12, argv + rp->argv_len + rp->interp_len,
					  (int)rp->build_id_len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 12);
		step_done(w, st, "writing the log");
		free(argv_text);
		break;
	case DB_PROC_EXIT:
		st = w->st_exit;
		sqlite3_bind_int64(st, 1, rp->t);
		sqlite3_bind_int(st, 2, rp->exit_status);
		sqlite3_bind_int64(st, 3, w->run_id);
		sqlite3_bind_int(st, 4, rp->pid);
		ok = step_done(w, st, "writing the log");
		if (!ok || sqlite3_changes(w->conn) > 0)
			break;
		/* An exit without a start: record the task anyway. */
		st = w->st_exit_new;
		sqlite3_bind_int64(st, 1, w->run_id);
		sqlite3_bind_int(st, 2, rp->pid);
		sqlite3_bind_int(st, 3, rp->tgid);
		sqlite3_bind_int(st, 4, rp->ppid);
		sqlite3_bind_int64(st, 5, rp->t);
		sqlite3_bind_int(st, 6, rp->exit_status);
		step_done(w, st, "writing the log");
		break;
	default:
		set_error(w, -EIO, "internal error: unknown process event");
	}
}

static void handle_stack(struct db_writer *w, uint32_t type, const unsigned char *payload,
			 uint32_t len)
{
	int rc = SQLITE_OK;
	int err = type == REC_MODULE ? db_stack_writer_module(w->stacks, payload, len, &rc)
				     : db_stack_writer_stack(w->stacks, payload, len, &rc);

	if (!err)
		return;
	if (err == -EIO && rc == SQLITE_OK)
		set_error(w, err, "internal error: malformed stack record");
	else if (err == -ENOSPC)
		set_error(w, err, "writing the stacks: disk full");
	else if (rc != SQLITE_OK)
		set_error(w, err, "writing the stacks: %s", sqlite3_errstr(rc));
	else
		set_error(w, err, "writing the stacks: %s", strerror(-err));
}

static void handle_overlay(struct db_writer *w, uint32_t type, const unsigned char *payload,
			   uint32_t len)
{
	uint32_t what;
	int err;

	if (type == REC_GROUP) {
		if (len != sizeof(what)) {
			set_error(w, -EIO, "internal error: malformed overlay record");
			return;
		}
		memcpy(&what, payload, sizeof(what));
		if (what == DB_GROUP_BEGIN && w->ov_depth++ == 0)
			err = sqlite3_exec(w->conn, "SAVEPOINT overlay_op", NULL, NULL, NULL);
		else if (what != DB_GROUP_BEGIN && w->ov_depth > 0 && --w->ov_depth == 0)
			err = sqlite3_exec(w->conn,
					   what == DB_GROUP_ROLLBACK
						   ? "ROLLBACK TO overlay_op; RELEASE overlay_op"
						   : "RELEASE overlay_op",
					   NULL, NULL, NULL);
		else
			err = SQLITE_OK;
		if (err != SQLITE_OK)
			set_error(w, db_errno(w->conn, err), "writing the overlay index: %s",
				  sqlite3_errmsg(w->conn));
		return;
	}
	err = db_overlay_exec(w->conn, &w->ov, payload, len, NULL);
	if (err == -EBADMSG)
		set_error(w, -EIO, "internal error: malformed overlay record");
	else if (err)
		set_error(w, err, "writing the overlay index: %s", sqlite3_errmsg(w->conn));
}

/* Handle the record that ends at position end. */
static void handle(struct db_writer *w, uint32_t type, const unsigned char *payload, uint32_t len,
		   uint64_t end)
{
	w->c_done = end;
	if (atomic_load_explicit(&w->error, memory_order_relaxed) || !begin(w))
		return;
	if (type == REC_CALL)
		handle_call(w, payload, len);
	else if (type == REC_PROC)
		handle_proc(w, payload, len);
	else if (type == REC_MODULE || type == REC_STACK)
		handle_stack(w, type, payload, len);
	else if (type == REC_TOUCH)
		handle_touch(w, payload, len);
	else if (type == REC_OVERLAY || type == REC_GROUP)
		handle_overlay(w, type, payload, len);
	else
		set_error(w, -EIO, "internal error: unknown record");
	if (++w->n_txn >= BATCH_RECORDS || ((w->n_txn & 15) == 0 && mono_ns() >= w->txn_deadline))
		if (w->ov_depth == 0)
			commit(w);
}

/* Give bytes back to the producer, and wake it if it waits for them. */
static void release(struct db_writer *w, uint64_t tail)
{
	uint64_t used;

	atomic_store(&w->tail, tail); /* seq_cst: see the top of the file */
	if (!atomic_load(&w->producer_waiting))
		return;
	used = atomic_load(&w->head) - tail;
	if (w->cap - used >= atomic_load(&w->producer_want)) {
		pthread_mutex_lock(&w->lock);
		pthread_cond_signal(&w->producer_cond);
		pthread_mutex_unlock(&w->lock);
	}
}

/* The ring is empty at tail: sleep until a record comes, or the deadline. */
static void doze(struct db_writer *w, uint64_t tail)
{
	struct timespec ts;

	pthread_mutex_lock(&w->lock);
	atomic_store(&w->consumer_state, w->in_txn ? DOZING : ASLEEP);
	if (atomic_load(&w->head) == tail && !atomic_load(&w->stop)) {
		if (w->in_txn) {
			ts.tv_sec = (time_t)(w->txn_deadline / 1000000000LL);
			ts.tv_nsec = (long)(w->txn_deadline % 1000000000LL);
			pthread_cond_timedwait(&w->consumer_cond, &w->lock, &ts);
		} else {
			pthread_cond_wait(&w->consumer_cond, &w->lock);
		}
	}
	atomic_store(&w->consumer_state, AWAKE);
	pthread_mutex_unlock(&w->lock);
}

static bool grow_scratch(struct db_writer *w, size_t size)
{
	unsigned char *bigger;

	if (size <= w->scratch_size)
		return true;
	/* malloc, not realloc: only the header is in it yet, and it is saved. */
	bigger = malloc(size);
	if (!bigger)
		return false;
	free(w->scratch);
	w->scratch = bigger;
	w->scratch_size = size;
	return true;
}

static void *writer_main(void *arg)
{
	struct db_writer *w = arg;
	uint64_t tail = atomic_load(&w->tail);
	struct rec_hdr hdr = { 0, 0 };
	size_t need = 0, have = 0; /* copying a record out: its size, bytes copied */
	bool discard = false;	   /* ...into nowhere: no memory for it */

	for (;;) {
		uint64_t avail = atomic_load_explicit(&w->head, memory_order_acquire) - tail;
		size_t k;

		if (avail == 0) {
			if (w->in_txn && mono_ns() >= w->txn_deadline) {
				if (w->ov_depth == 0)
					commit(w);
				else /* the tracer is inside a group: wait on */
					w->txn_deadline = mono_ns() + BATCH_NS;
			}
			if (atomic_load(&w->stop)) {
				/* Set after the last record was published. */
				if (atomic_load(&w->head) == tail)
					break;
				continue;
			}
			doze(w, tail);
			continue;
		}

		if (need == 0) {
			size_t off = tail & (w->cap - 1);
			const struct rec_hdr *h = (const void *)(w->ring + off);

			/* A whole record that does not wrap: use it in place. */
			if (avail >= sizeof(*h)) {
				uint64_t total = pad8(sizeof(*h) + h->len);

				if (avail >= total && off + total <= w->cap) {
					handle(w, h->type, (const unsigned char *)(h + 1), h->len,
					       tail + total);
					tail += total;
					release(w, tail);
					continue;
				}
			}
			need = sizeof(hdr);
			have = 0;
			discard = false;
			if (!grow_scratch(w, sizeof(hdr))) {
				set_error(w, -ENOMEM, "out of memory");
				discard = true;
			}
		}

		k = min_size(avail, need - have);
		if (!discard)
			ring_copy_out(w, tail, w->scratch + have, k);
		else if (need == sizeof(hdr))
			ring_copy_out(w, tail, (unsigned char *)&hdr + have, k);
		have += k;
		tail += k;
		release(w, tail);
		if (need == sizeof(hdr) && have == need) {
			if (!discard)
				memcpy(&hdr, w->scratch, sizeof(hdr));
			need = pad8(sizeof(hdr) + hdr.len);
			if (!discard && !grow_scratch(w, need)) {
				set_error(w, -ENOMEM, "out of memory");
				discard = true;
			}
		}
		if (have == need) {
			if (!discard)
				handle(w, hdr.type, w->scratch + sizeof(hdr), hdr.len, tail);
			need = have = 0;
			if (w->scratch_size > BUF_KEEP) {
				free(w->scratch);
				w->scratch = NULL;
				w->scratch_size = 0;
			}
		}
	}
	commit(w);
	return NULL;
}

/* ===================================================== start / finish */

static void finalize_all(struct db_writer *w)
{
	sqlite3_finalize(w->st_begin);
	sqlite3_finalize(w->st_commit);
	sqlite3_finalize(w->st_call);
	sqlite3_finalize(w->st_path);
	sqlite3_finalize(w->st_calldata);
	sqlite3_finalize(w->st_touch);
	sqlite3_finalize(w->st_start);
	sqlite3_finalize(w->st_exit);
	sqlite3_finalize(w->st_exit_new);
	sqlite3_finalize(w->st_exec);
	db_overlay_stmts_free(&w->ov);
	db_stack_writer_free(w->stacks);
	w->stacks = NULL;
}

static int prepare(struct db_writer *w, const char *sql, sqlite3_stmt **ret)
{
	int rc = sqlite3_prepare_v3(w->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, ret, NULL);

	return rc == SQLITE_OK ? 0 : db_errno(w->conn, rc);
}

static int prepare_all(struct db_writer *w)
{
	int err;

	if ((err = prepare(w, "BEGIN IMMEDIATE", &w->st_begin)) ||
	    (err = prepare(w, "COMMIT", &w->st_commit)) ||
	    (err = prepare(w,
			   "INSERT INTO call(run_id, pid, tid, abi, nr,"
			   " arg0, arg1, arg2, arg3, arg4, arg5, args, ret, t, dur, action,"
			   " stack_id)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   &w->st_call)) ||
	    (err = prepare(w, "INSERT INTO path(seq, arg, path, rewritten) VALUES (?, ?, ?, ?)", &w->st_path)) ||
	    (err = prepare(w,
			   "INSERT INTO calldata(seq, smask, strs, hash, data)"
			   " VALUES (?, ?, ?, ?, ?)",
			   &w->st_calldata)) ||
	    (err = prepare(w,
			   "INSERT INTO touch(run_id, path, type, mode, uid, gid, size, mtime_ns,"
			   " dev, ino, nlink, hash, target, listed, content, source)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   &w->st_touch)) ||
	    (err = prepare(w,
			   "INSERT INTO process(run_id, pid, tgid, ppid, t_start)"
			   " VALUES (?, ?, ?, ?, ?)",
			   &w->st_start)) ||
	    (err = prepare(w,
			   "UPDATE process SET t_end = ?, exit_status = ? WHERE id ="
			   " (SELECT max(id) FROM process WHERE run_id = ? AND pid = ?)",
			   &w->st_exit)) ||
	    (err = prepare(w,
			   "INSERT INTO process(run_id, pid, tgid, ppid, t_end, exit_status)"
			   " VALUES (?, ?, ?, ?, ?, ?)",
			   &w->st_exit_new)) ||
	    (err = prepare(w,
			   "INSERT INTO exec(run_id, pid, tgid, seq, t, filename, argv,"
			   " elf_class, machine, interp, static, build_id)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   &w->st_exec)) ||
	    (err = db_stack_writer_new(w->conn, w->run_id, &w->stacks)))
		return err;
	return 0;
}

/* The run's t_start, and its seq_first set to the first seq it can get. */
static int claim_run(struct db_writer *w)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;
	int64_t max_seq = 0;

	rc = sqlite3_prepare_v2(w->conn,
				"SELECT t_start, (SELECT coalesce(max(seq), 0) FROM call)"
				" FROM run WHERE id = ?",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_errno(w->conn, rc);
	sqlite3_bind_int64(st, 1, w->run_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		w->run_t0 = sqlite3_column_int64(st, 0);
		max_seq = sqlite3_column_int64(st, 1);
	} else {
		err = rc == SQLITE_DONE ? -ENOENT : db_errno(w->conn, rc);
	}
	sqlite3_finalize(st);
	if (err)
		return err;

	/* rowids are max + 1, so every seq of this run will be above max_seq. */
	w->last_seq = max_seq;
	rc = sqlite3_prepare_v2(w->conn,
				"UPDATE run SET seq_first = coalesce(seq_first, ?)"
				" WHERE id = ?",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_errno(w->conn, rc);
	sqlite3_bind_int64(st, 1, max_seq + 1);
	sqlite3_bind_int64(st, 2, w->run_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		err = db_errno(w->conn, rc);
	sqlite3_finalize(st);
	return err;
}

static void free_writer(struct db_writer *w)
{
	finalize_all(w);
	free(w->ring);
	free(w->fmt_buf);
	free(w->scratch);
	free(w);
}

int db_writer_start(struct db *db, int64_t run_id, db_format_fn format, void *opaque,
		    struct db_writer **ret_writer)
{
	size_t size = (sizeof(struct db_writer) + 63) & ~(size_t)63;
	pthread_condattr_t cattr;
	sigset_t all, old;
	struct db_writer *w;
	int err;

	*ret_writer = NULL;
	if (db->writer)
		return -EBUSY;
	if (!db->writable)
		return -EROFS;
	w = aligned_alloc(64, size);
	if (!w)
		return -ENOMEM;
	memset(w, 0, size);
	w->db = db;
	w->conn = db->conn;
	w->run_id = run_id;
	w->format = format;
	w->opaque = opaque;
	w->cap = RING_SIZE;
	w->ring = aligned_alloc(64, RING_SIZE);
	w->fmt_size = FMT_INITIAL;
	w->fmt_buf = malloc(w->fmt_size);
	if (!w->ring || !w->fmt_buf) {
		err = -ENOMEM;
		goto out_free;
	}
	err = claim_run(w);
	if (err)
		goto out_free;
	err = prepare_all(w);
	if (err)
		goto out_free;
	/* Bigger than the default 2 MiB: the path index is written at random. */
	sqlite3_exec(w->conn, WRITER_CACHE_SQL, NULL, NULL, NULL);

	err = -pthread_mutex_init(&w->lock, NULL);
	if (err)
		goto out_free;
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	err = -pthread_cond_init(&w->consumer_cond, &cattr);
	pthread_condattr_destroy(&cattr);
	if (err)
		goto out_mutex;
	err = -pthread_cond_init(&w->producer_cond, NULL);
	if (err)
		goto out_ccond;

	/* The tracer's signals are none of the writer thread's business. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		goto out_pcond;

	db->writer = w;
	db->writer_run_id = run_id;
	db->writer_last_seq = w->last_seq;
	*ret_writer = w;
	return 0;

out_pcond:
	pthread_cond_destroy(&w->producer_cond);
out_ccond:
	pthread_cond_destroy(&w->consumer_cond);
out_mutex:
	pthread_mutex_destroy(&w->lock);
out_free:
	free_writer(w);
	return err;
}

int db_writer_finish(struct db_writer *w, char *errmsg)
{
	struct db *db = w->db;
	int err;

	atomic_store(&w->stop, true);
	wake_consumer(w);
	pthread_join(w->thread, NULL);

	err = atomic_load(&w->error);
	if (errmsg)
		snprintf(errmsg, DB_ERRMSG_SIZE, "%s", err ? w->errmsg : "");
	db->writer = NULL;
	db->writer_last_seq = w->last_seq;
	sqlite3_exec(w->conn, "PRAGMA cache_size = -2000", NULL, NULL, NULL);

	pthread_cond_destroy(&w->producer_cond);
	pthread_cond_destroy(&w->consumer_cond);
	pthread_mutex_destroy(&w->lock);
	free_writer(w);
	return err;
}

uint64_t db_writer_mark(const struct db_writer *w)
{
	return w->p_head;
}

bool db_writer_durable(const struct db_writer *w, uint64_t mark)
{
	return atomic_load_explicit(&((struct db_writer *)w)->committed, memory_order_acquire) >=
	       mark;
}
