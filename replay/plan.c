/*
 * replay/plan.c — the plan's memory (no SQLite: shared with the executor).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "replay/plan.h"

#define CHUNK (1u << 20)

static void *new_block(struct replay_plan *plan, size_t size)
{
	void *p;

	if (plan->n_blocks == plan->cap_blocks) {
		size_t cap = plan->cap_blocks ? plan->cap_blocks * 2 : 1024;
		void **n = realloc(plan->blocks, cap * sizeof(*n));

		if (!n)
			return NULL;
		plan->blocks = n;
		plan->cap_blocks = cap;
	}
	p = malloc(size ? size : 1);
	if (p)
		plan->blocks[plan->n_blocks++] = p;
	return p;
}

void *replay_plan_keep(struct replay_plan *plan, const void *data, size_t len)
{
	size_t need = (len + 7) & ~(size_t)7;
	void *p;

	if (need > CHUNK / 4) {
		/* Big data gets a block of its own. */
		p = new_block(plan, len);
	} else {
		if (need > plan->chunk_left) {
			plan->chunk = new_block(plan, CHUNK);
			plan->chunk_left = plan->chunk ? CHUNK : 0;
			if (!plan->chunk)
				return NULL;
		}
		p = plan->chunk;
		plan->chunk += need;
		plan->chunk_left -= need;
	}
	if (p && len && data)
		memcpy(p, data, len);
	return p;
}

int replay_plan_keep_str(struct replay_plan *plan, const char *s, const char **ret)
{
	*ret = NULL;
	if (!s)
		return 0;
	*ret = replay_plan_keep(plan, s, strlen(s) + 1);
	return *ret ? 0 : -ENOMEM;
}

const struct replay_task *replay_plan_task(const struct replay_plan *plan, int32_t pid)
{
	/* The latest row for a reused tid wins. */
	for (size_t i = plan->n_tasks; i-- > 0;)
		if (plan->tasks[i].pid == pid)
			return &plan->tasks[i];
	return NULL;
}

void replay_plan_free(struct replay_plan *plan)
{
	free(plan->touches);
	for (size_t i = 0; i < plan->n_blocks; i++)
		free(plan->blocks[i]);
	free(plan->blocks);
	free(plan->steps);
	free(plan->tasks);
	free(plan->argv);
	free(plan->cwd);
	free(plan->kernel_release);
	if (plan->map)
		munmap(plan->map, plan->map_len);
	memset(plan, 0, sizeof(*plan));
}
