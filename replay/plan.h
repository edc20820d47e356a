/*
 * replay/plan.h — a replay plan: the starting tree and the steps of one
 * recorded run, as plain memory.  The plan is what the executor
 * (replay/exec.c) runs; it is built from log.db by replay/plan_db.c, and
 * nothing here needs SQLite, so the executor builds without it.
 */
#ifndef PCOW_REPLAY_PLAN_H
#define PCOW_REPLAY_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One object of the starting tree (a first-touch record). */
struct replay_touch {
	const char *path;	/* absolute, as the program named it */
	uint32_t type;		/* S_IFMT bits; 0: it did not exist */
	uint32_t mode;		/* permission bits */
	int64_t uid, gid, size, mtime_ns, dev, ino, nlink;
	bool has_hash;
	uint64_t hash;		/* regular file: content hash */
	const char *target;	/* symbolic link target */
	bool listed;		/* only its name and type are known */
	const unsigned char *content; /* its content, when the plan carries it */
	uint64_t content_len;
	bool has_content;
	const char *source;	/* NULL: its own path; "": the plan (content, rdev); else the real path */
	uint64_t rdev;		/* device number of a device node (a bundle's) */
};

/* One recorded call to re-run. */
struct replay_step {
	int64_t seq;
	int32_t pid, tid, nr;
	uint64_t args[6];
	int64_t ret;		/* what the program saw */
	bool has_data;		/* a calldata row exists */
	bool data_lost;		/* it existed but could not be recorded */
	bool has_hash;
	uint64_t hash;
	const char *strs[6];	/* string argument i as passed, NULL if none */
	const unsigned char *data; /* calldata.data (emu/replayrec.h) */
	uint32_t data_len;
};

struct replay_task {
	int32_t pid, tgid, ppid;
};

struct replay_plan {
	int64_t run_id;
	char *argv, *cwd, *kernel_release;
	uid_t uid;
	gid_t gid;
	gid_t groups[64];
	int n_groups;
	mode_t umask;
	int64_t n_calls;	/* every call of the run */
	struct replay_touch *touches;
	size_t n_touches, cap_touches;
	struct replay_step *steps;
	size_t n_steps, cap_steps;
	struct replay_task *tasks;
	size_t n_tasks, cap_tasks;
	bool strict;		/* a bundle's: compare with --strict */
	uint32_t bundle_crc;	/* a bundle's: the checksum of its body, which names it */
	/*
	 * The plan's strings and data live in these blocks: 8 MiB mapped
	 * chunks (len > 0, huge pages where the kernel gives them), or one
	 * malloc'd block each when big (len 0).
	 */
	struct replay_block {
		void *p;
		size_t len;
	} *blocks;
	size_t n_blocks, cap_blocks;
	unsigned char *chunk;	/* the chunk being filled */
	size_t chunk_left;
	void *map;		/* a bundle mapped in memory, which the pointers may point into */
	size_t map_len;
};

void replay_plan_free(struct replay_plan *plan);

/* Copy len bytes into the plan's storage (data NULL: left uninitialized); NULL on ENOMEM. */
void *replay_plan_keep(struct replay_plan *plan, const void *data, size_t len);

/* Copy a string (NULL stays NULL) into the plan's storage; *ret NULL on ENOMEM. */
int replay_plan_keep_str(struct replay_plan *plan, const char *s, const char **ret);

/* The task record of pid, or NULL. */
const struct replay_task *replay_plan_task(const struct replay_plan *plan, int32_t pid);

#endif /* PCOW_REPLAY_PLAN_H */
