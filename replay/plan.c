/*
 * replay/plan.c — the plan's memory (no SQLite: shared with the executor).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "replay/plan.h"

#define CHUNK (8u << 20)

/*
 * A block of size bytes: mapped (a chunk, which the plan fills with
 * 100 MB of written data on a big trace: huge pages save most of the
 * page faults) or malloc'd (one big datum).
 */
static void *new_block(struct replay_plan *plan, size_t size, bool mapped)
{
	void *p;

	if (plan->n_blocks == plan->cap_blocks) {
		size_t cap = plan->cap_blocks ? plan->cap_blocks * 2 : 1024;
		struct replay_block *n = realloc(plan->blocks, cap * sizeof(*n));

		if (!n)
			return NULL;
		plan->blocks = n;
		plan->cap_blocks = cap;
	}
	if (mapped) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		madvise(p, size, MADV_HUGEPAGE); /* a hint: no huge pages is fine */
	} else {
		p = malloc(size ? size : 1);
		if (!p)
			return NULL;
	}
	plan->blocks[plan->n_blocks++] = (struct replay_block){ p, mapped ? size : 0 };
	return p;
}

void *replay_plan_keep(struct replay_plan *plan, const void *data, size_t len)
{
	size_t need = (len + 7) & ~(size_t)7;
	void *p;

	if (need > CHUNK / 4) {
		/* Big data gets a block of its own. */
		p = new_block(plan, len, false);
	} else {
		if (need > plan->chunk_left) {
			plan->chunk = new_block(plan, CHUNK, true);
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
	for (size_t i = 0; i < plan->n_blocks; i++) {
		if (plan->blocks[i].len)
			munmap(plan->blocks[i].p, plan->blocks[i].len);
		else
			free(plan->blocks[i].p);
	}
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
