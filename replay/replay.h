/*
 * replay/replay.h — re-running a recorded run against the kernel.
 *
 *   plan      log.db → struct replay_plan (plan_db.c; the only SQL)
 *   rebuild   the starting tree in a scratch directory, from the real
 *             files checked against their recorded hashes (exec.c)
 *   execute   the steps, in recorded completion order, with per-process
 *             descriptor tables, working directories and umasks, chrooted
 *             into the scratch tree (exec.c); results as a byte stream
 *   compare   recorded against replayed, field by field (compare.c)
 *
 * rebuild, execute and the result stream need neither SQLite nor the
 * tracer: they are what `pcow-replayer` will run inside another kernel.
 */
#ifndef PCOW_REPLAY_REPLAY_H
#define PCOW_REPLAY_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "replay/plan.h"

struct db;
struct db_replay_run;

/*
 * Load run run_id (0: the latest) of db.  -ENODATA when the run has no
 * replay data; errors fill errmsg (DB_ERRMSG_SIZE bytes) and leave plan
 * empty (replay_plan_free on it is harmless).
 */
int replay_plan_load(struct db *db, int64_t run_id, struct replay_plan *plan, char *errmsg);
/*
 * The same in two parts, so that the starting tree can be rebuilt while
 * the steps load: the run, its touched objects and its tasks; then the
 * steps, and the number of the run's calls (plan->n_calls, counted by the
 * same scan).  On error, the plan is freed.
 */
int replay_plan_load_head(struct db *db, int64_t run_id, struct replay_plan *plan,
			  struct db_replay_run *run, char *errmsg);
int replay_plan_load_steps(struct db *db, struct db_replay_run *run,
			   struct replay_plan *plan, char *errmsg);
/*
 * The bytes of data (written bytes, mostly) run's calls carry, which the
 * rebuild needs before the steps load, read on a connection of its own so
 * that another thread can ask while db loads them.  0 or -errno (errmsg).
 */
int replay_plan_data_bytes(struct db *db, const struct db_replay_run *run, uint64_t *ret,
			   char *errmsg);

/* ------------------------------------------------------------ rebuild */

/* Called for each starting object whose real file changed since the run. */
typedef void (*replay_changed_fn)(const char *path, const char *why, void *opaque);

/*
 * Make the starting tree under root (an empty directory): every touched
 * object, copied from the real file system.  Reports objects that changed
 * (content hash, type, link target) through changed and counts them in
 * *ret_changed; with force they are taken as they are now.  Returns 0 or
 * -errno (with a message in errmsg, 512 bytes) when root cannot be filled.
 */
int replay_rebuild(const struct replay_plan *plan, const char *root, replay_changed_fn changed,
		   void *opaque, size_t *ret_changed, char *errmsg);

/*
 * Copy the regular file src (not a symbolic link) to dst, made with mode;
 * with ret_hash, hash it on the way (cow_hash).  0 or -errno.
 */
int replay_copy(const char *src, const char *dst, mode_t mode, uint64_t *ret_hash);

/* Remove the tree at dir, dir included, as far as it can be. */
int replay_remove_tree(const char *dir);

/*
 * Make the plan carry the starting tree itself, for a bundle: read every
 * touched regular file into the plan (checked against its recorded hash),
 * note device numbers, and mark each object as the plan's (source "").
 * Changed objects are reported as by replay_rebuild and taken empty.
 * Returns 0, or -errno with errmsg when a file cannot be read.
 */
int replay_plan_embed(struct replay_plan *plan, replay_changed_fn changed, void *opaque,
		      size_t *ret_changed, char *errmsg);

/* ------------------------------------------------------------- bundle */

#define REPLAY_BUNDLE_VERSION 1
#define REPLAY_BUNDLE_STRICT 1u	/* header flag: compare as --strict */

/*
 * Write plan (embedded: replay_plan_embed) as a bundle file at path
 * (doc/replay-bundle.md); *ret_crc gets the body's CRC-32, which names
 * the bundle in the results.  Returns 0 or -errno with errmsg (512).
 */
int replay_bundle_write(const struct replay_plan *plan, bool strict, const char *path,
			uint32_t *ret_crc, uint64_t *ret_size, char *errmsg);

/*
 * Map the bundle at path as a plan (free with replay_plan_free): its
 * strings and data point into the mapping.  Checks the magic, version
 * and checksum.  Returns 0 or -errno with errmsg (512 bytes).
 */
int replay_bundle_read(const char *path, struct replay_plan *plan, char *errmsg);

/* The same, of len bytes at buf, which must outlive the plan. */
int replay_bundle_parse(const void *buf, size_t len, struct replay_plan *plan, char *errmsg);

/*
 * What names a plan's recorded calls: the CRC-32 of its run id, call
 * count and steps as a bundle encodes them (not of the starting tree).
 * Results carry it, so they are never reported against another recording.
 */
uint32_t replay_plan_id(const struct replay_plan *plan);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of data, continuing from crc (0 to start). */
uint32_t replay_crc32(uint32_t crc, const void *data, size_t len);

/* ------------------------------------------------------------ execute */

enum replay_status {
	REPLAY_RAN = 0,		/* the call was made; ret and output are valid */
	REPLAY_SKIPPED = 1,	/* not made: a descriptor replay does not have, lost data */
};

enum replay_result_flags {
	REPLAY_F_HASH = 1 << 0,	/* hash is set (bytes read) */
	REPLAY_F_DIR = 1 << 1,	/* the descriptor is a directory (lseek offsets are cookies) */
};

/* What one step gave. */
struct replay_result {
	uint32_t step;		/* index in plan->steps */
	uint8_t status;		/* enum replay_status */
	uint8_t flags;		/* enum replay_result_flags */
	int64_t ret;		/* raw result: >= 0 or -errno */
	uint64_t hash;
	uint32_t stream;	/* the descriptor's open file (getdents listings) */
	uint32_t out_len;
	unsigned char *out;	/* stat, statx, link target, dirents, cwd (malloc'd) */
};

/*
 * Run the plan's steps chrooted into root, in a child process (as root,
 * or in a new user namespace), with the recorded credentials for file
 * access.  Each result goes to emit as soon as it is known; progress is
 * called every few thousand steps.  Returns 0, or -errno with errmsg when
 * the executor could not start or died.
 */
typedef int (*replay_emit_fn)(const struct replay_result *r, void *opaque);
int replay_execute(const struct replay_plan *plan, const char *root, replay_emit_fn emit,
		   void *opaque, char *errmsg);

/* The executor proper, in the current process, already inside root. */
int replay_run_steps(const struct replay_plan *plan, int out_fd);

/*
 * Decode one result of the executor's stream: 1 and a result (r->out
 * malloc'd), 0 at its end, or -errno.
 */
int replay_result_read(FILE *in, struct replay_result *r);

/* ------------------------------------------------------------ compare */

struct replay_divergence {
	uint32_t step;
	char field[32];
	char *recorded, *replayed; /* malloc'd texts */
};

struct replay_compare;

struct replay_compare *replay_compare_new(const struct replay_plan *plan, bool strict);
void replay_compare_free(struct replay_compare *cmp);

/* Compare one result with its step; adds divergences. -ENOMEM only. */
int replay_compare_step(struct replay_compare *cmp, const struct replay_result *r);

/* The divergences so far, sorted into step order. */
const struct replay_divergence *replay_divergences(struct replay_compare *cmp, size_t *ret_n);
/* Steps replayed and skipped so far. */
void replay_compare_counts(const struct replay_compare *cmp, uint64_t *ret_ran,
			   uint64_t *ret_skipped);

/* ------------------------------------------------------------- stream */

/*
 * pcow-replayer's results as text frames that survive a serial console
 * (replay/stream.c, doc/replay-bundle.md): H hello, D divergence, C counts,
 * T times, E end.
 */
struct replay_stream {
	int fd;
	uint32_t seq;
	int err;		/* the first write error; later frames are dropped */
};

void replay_stream_init(struct replay_stream *s, int fd);
int replay_stream_frame(struct replay_stream *s, char type, int n, const char *const fields[]);

/* What a result stream says. */
struct replay_outcome {
	bool hello, counts, end;
	int64_t run_id;
	uint64_t n_steps;
	uint32_t bundle_crc, plan_id;
	bool strict;
	char release[128], machine[64]; /* uname of the kernel that ran the steps */
	uint64_t ran, skipped;
	struct replay_divergence *divs;
	size_t n_divs;
	double times[4];	/* T frame: seconds up at start, load, rebuild, execute */
	char *error;		/* the replayer's own error, NULL when it finished */
};

/*
 * Read the frames out of buf (a console log, with anything else around
 * them).  Returns 0 with o filled, or -errno with errmsg (512 bytes):
 * -ENODATA no frame at all, -EPIPE the stream stops before its end frame,
 * -EBADMSG a frame damaged in every copy.
 */
int replay_stream_parse(const char *buf, size_t len, struct replay_outcome *o, char *errmsg);
void replay_outcome_free(struct replay_outcome *o);

#endif /* PCOW_REPLAY_REPLAY_H */
