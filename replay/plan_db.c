/*
 * replay/plan_db.c — build a replay plan from log.db (the only part of
 * replay/ that reaches the database, through db/replaydb.c).
 */
#include <errno.h>
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
	if (!err)
		err = db_replay_data_bytes(db, run, &plan->data_bytes, errmsg);
	return load_failed(plan, err, errmsg);
}

int replay_plan_load_steps(struct db *db, struct db_replay_run *run,
			   struct replay_plan *plan, char *errmsg)
{
	const int *state;
	size_t n_state = emu_replay_state_nrs(&state);
	int err = db_replay_calls(db, run, state, n_state, add_step, plan, errmsg);

	plan->n_calls = run->n_calls; /* counted by the same scan */
	return load_failed(plan, err, errmsg);
}

int replay_plan_load(struct db *db, int64_t run_id, struct replay_plan *plan, char *errmsg)
{
	struct db_replay_run run;
	int err = replay_plan_load_head(db, run_id, plan, &run, errmsg);

	return err ? err : replay_plan_load_steps(db, &run, plan, errmsg);
}
