/*
 * replay/plan_db.c — build a replay plan from log.db (the only part of
 * replay/ that reaches the database, through db/replaydb.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "emu/replayrec.h"
#include "replay/replay.h"

static int add_touch(const struct db_touch *t, void *opaque)
{
	struct replay_plan *plan = opaque;
	struct replay_touch *rt;

	if (plan->n_touches == plan->cap_touches) {
		size_t cap = plan->cap_touches ? plan->cap_touches * 2 : 256;
		struct replay_touch *n = realloc(plan->touches, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		plan->touches = n;
		plan->cap_touches = cap;
	}
	rt = &plan->touches[plan->n_touches];
	memset(rt, 0, sizeof(*rt));
	if (replay_plan_keep_str(plan, t->path, &rt->path) < 0)
		return -ENOMEM;
	plan->n_touches++;
	rt->type = t->type;
	rt->mode = t->mode;
	rt->uid = t->uid;
	rt->gid = t->gid;
	rt->size = t->size;
	rt->mtime_ns = t->mtime_ns;
	rt->dev = t->dev;
	rt->ino = t->ino;
	rt->nlink = t->nlink;
	rt->has_hash = t->has_hash;
	rt->hash = t->hash;
	rt->listed = t->listed;
	if (replay_plan_keep_str(plan, t->target, &rt->target) < 0 ||
	    replay_plan_keep_str(plan, t->source, &rt->source) < 0)
		return -ENOMEM;
	if (t->content) {
		rt->has_content = true;
		rt->content_len = t->content_len;
		rt->content = replay_plan_keep(plan, t->content, t->content_len);
		if (!rt->content)
			return -ENOMEM;
	}
	return 0;
}

static int add_task(int32_t pid, int32_t tgid, int32_t ppid, void *opaque)
{
	struct replay_plan *plan = opaque;

	if (plan->n_tasks == plan->cap_tasks) {
		size_t cap = plan->cap_tasks ? plan->cap_tasks * 2 : 64;
		struct replay_task *n = realloc(plan->tasks, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		plan->tasks = n;
		plan->cap_tasks = cap;
	}
	plan->tasks[plan->n_tasks++] = (struct replay_task){ pid, tgid, ppid };
	return 0;
}

static int add_step(const struct db_replay_call *c, void *opaque)
{
	struct replay_plan *plan = opaque;
	struct replay_step *st;

	if (plan->n_steps == plan->cap_steps) {
		size_t cap = plan->cap_steps ? plan->cap_steps * 2 : 4096;
		struct replay_step *n = realloc(plan->steps, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		plan->steps = n;
		plan->cap_steps = cap;
	}
	st = &plan->steps[plan->n_steps];
	memset(st, 0, sizeof(*st));
	st->seq = c->seq;
	st->pid = c->pid;
	st->tid = c->tid;
	st->nr = c->nr;
	memcpy(st->args, c->args, sizeof(st->args));
	st->ret = c->ret;
	st->has_data = c->has_data;
	st->data_lost = c->has_data && c->smask == 0xff;
	st->has_hash = c->has_hash;
	st->hash = c->hash;
	if (c->has_data && !st->data_lost && c->strs_len) {
		const char *s = replay_plan_keep(plan, c->strs, c->strs_len);
		size_t off = 0;

		if (!s)
			return -ENOMEM;
		for (int i = 0; i < 6; i++) {
			if (!(c->smask & (1u << i)))
				continue;
			if (off >= c->strs_len || !memchr(s + off, '\0', c->strs_len - off)) {
				st->data_lost = true;
				break;
			}
			st->strs[i] = s + off;
			off += strlen(s + off) + 1;
		}
	}
	if (c->data_len) {
		st->data = replay_plan_keep(plan, c->data, c->data_len);
		if (!st->data)
			return -ENOMEM;
		st->data_len = c->data_len;
	}
	plan->n_steps++;
	return 0;
}

/* err, with the plan freed (nothing for the caller to free) and ENOMEM said. */
static int load_failed(struct replay_plan *plan, int err, char *errmsg)
{
	if (err == -ENOMEM)
		snprintf(errmsg, DB_ERRMSG_SIZE, "out of memory while loading run %lld",
			 (long long)plan->run_id);
	if (err)
		replay_plan_free(plan);
	return err;
}

static void parse_groups(struct replay_plan *plan, const char *text)
{
	const char *p = text;

	while (*p && plan->n_groups < 64) {
		char *end;
		unsigned long g = strtoul(p, &end, 10);

		if (end == p)
			break;
		plan->groups[plan->n_groups++] = (gid_t)g;
		p = end;
		while (*p == ' ')
			p++;
	}
}

int replay_plan_load_head(struct db *db, int64_t run_id, struct replay_plan *plan,
			  struct db_replay_run *run, char *errmsg)
{
	int err;

	memset(plan, 0, sizeof(*plan));
	err = db_replay_run(db, run_id, run, errmsg);
	if (err)
		return err;
	plan->run_id = run->id;
	plan->argv = run->argv;
	plan->cwd = run->cwd;
	plan->kernel_release = run->kernel_release;
	plan->uid = (uid_t)run->uid;
	plan->gid = (gid_t)run->gid;
	plan->umask = (mode_t)run->umask;
	parse_groups(plan, run->groups);
	free(run->groups);
	run->argv = run->cwd = run->kernel_release = run->groups = NULL; /* the plan's now */
	if (!run->replay) {
		snprintf(errmsg, DB_ERRMSG_SIZE,
			 "run %lld was recorded without replay data (--no-cow, a --log"
			 " selection, or an older pcow): its starting state is unknown",
			 (long long)run->id);
		replay_plan_free(plan);
		return -ENODATA;
	}
	err = db_touches(db, run->id, add_touch, plan, errmsg);
	if (!err)
		err = db_replay_tasks(db, run->id, add_task, plan, errmsg);
	return load_failed(plan, err, errmsg);
}

/*
 * The steps load in two halves of the run's seq range at once: the second
 * on a connection and a thread of its own, into a plan of its own that is
 * then appended to the first (its steps copied, its blocks handed over).
 * Reading the calls is SQLite's work, one row at a time, and a big run
 * has most of its replay's time there, so a second core halves it.  A
 * short run, an open range (a run that did not end), or no connection or
 * thread for the second half: one scan, as before.
 */
#define SPLIT_MIN_SEQS 20000

struct half {
	struct db *db;		/* its own connection */
	struct db_replay_run run; /* the second half of the range */
	const int *state;
	size_t n_state;
	struct replay_plan plan; /* its steps, and the blocks that hold their data */
	int err;
	char errmsg[DB_ERRMSG_SIZE];
};

static void *half_main(void *opaque)
{
	struct half *h = opaque;

	h->err = db_replay_calls(h->db, &h->run, h->state, h->n_state, add_step, &h->plan,
				 h->errmsg);
	return NULL;
}

/* Append h's steps and blocks to plan; h's plan is left empty. */
static int take_half(struct replay_plan *plan, struct half *h)
{
	size_t n_steps = plan->n_steps + h->plan.n_steps;
	size_t n_blocks = plan->n_blocks + h->plan.n_blocks;

	if (n_steps > plan->cap_steps) {
		struct replay_step *n = realloc(plan->steps, n_steps * sizeof(*n));

		if (!n)
			return -ENOMEM;
		plan->steps = n;
		plan->cap_steps = n_steps;
	}
	if (n_blocks > plan->cap_blocks) {
		struct replay_block *n = realloc(plan->blocks, n_blocks * sizeof(*n));

		if (!n)
			return -ENOMEM;
		plan->blocks = n;
		plan->cap_blocks = n_blocks;
	}
	if (h->plan.n_steps)
		memcpy(plan->steps + plan->n_steps, h->plan.steps,
		       h->plan.n_steps * sizeof(*plan->steps));
	if (h->plan.n_blocks)
		memcpy(plan->blocks + plan->n_blocks, h->plan.blocks,
		       h->plan.n_blocks * sizeof(*plan->blocks));
	plan->n_steps = n_steps;
	plan->n_blocks = n_blocks;
	h->plan.n_blocks = 0; /* the blocks are plan's now */
	return 0;
}

/* Start loading the second half of run's range in a thread; false when it is loaded here. */
static bool half_start(struct db *db, const struct db_replay_run *run, const int *state,
		       size_t n_state, struct half *h, pthread_t *thread)
{
	char msg[DB_ERRMSG_SIZE];

	memset(h, 0, sizeof(*h));
	if (run->seq_last == INT64_MAX || run->seq_last - run->seq_first < SPLIT_MIN_SEQS)
		return false;
	if (db_open_reader(db, &h->db, msg) < 0)
		return false;
	h->run = *run;
	h->run.seq_first = run->seq_first + (run->seq_last - run->seq_first) / 2 + 1;
	h->state = state;
	h->n_state = n_state;
	if (pthread_create(thread, NULL, half_main, h) != 0) {
		db_close(h->db);
		return false;
	}
	return true;
}

int replay_plan_load_steps(struct db *db, struct db_replay_run *run,
			   struct replay_plan *plan, char *errmsg)
{
	const int *state;
	size_t n_state = emu_replay_state_nrs(&state);
	int64_t seq_last = run->seq_last;
	pthread_t thread;
	struct half h;
	bool split = half_start(db, run, state, n_state, &h, &thread);
	int err;

	if (split)
		run->seq_last = h.run.seq_first - 1;
	err = db_replay_calls(db, run, state, n_state, add_step, plan, errmsg);
	run->seq_last = seq_last;
	if (split) {
		pthread_join(thread, NULL);
		db_close(h.db);
		if (!err && h.err) {
			err = h.err;
			memcpy(errmsg, h.errmsg, DB_ERRMSG_SIZE);
		}
		if (!err)
			err = take_half(plan, &h);
		run->n_calls += h.run.n_calls;
		replay_plan_free(&h.plan);
	}
	plan->n_calls = run->n_calls; /* counted by the same scans */
	return load_failed(plan, err, errmsg);
}

int replay_plan_data_bytes(struct db *db, const struct db_replay_run *run, uint64_t *ret,
			   char *errmsg)
{
	struct db *reader;
	int err;

	*ret = 0;
	err = db_open_reader(db, &reader, errmsg);
	if (err)
		return err;
	err = db_replay_data_bytes(reader, run, ret, errmsg);
	db_close(reader);
	return err;
}

int replay_plan_load(struct db *db, int64_t run_id, struct replay_plan *plan, char *errmsg)
{
	struct db_replay_run run;
	int err = replay_plan_load_head(db, run_id, plan, &run, errmsg);

	return err ? err : replay_plan_load_steps(db, &run, plan, errmsg);
}
