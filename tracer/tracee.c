/*
 * tracer/tracee.c — the tid → tracee table and process sharing.
 *
 * Linear probing over a power-of-two array with tombstones; a lookup is a
 * multiply and usually one probe, which matters since every stop does one.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer/stack.h"
#include "emu/fstate.h"
#include "tracer/tracee.h"

#define TOMBSTONE ((struct pcow_tracee *)1)

static size_t slot_of(pid_t tid, size_t cap)
{
	return ((uint32_t)tid * 2654435761u) & (cap - 1);
}

void tracee_table_init(struct tracee_table *tab)
{
	memset(tab, 0, sizeof(*tab));
}

/* proc leaves its address space (freed with its last process). */
static void mm_leave(struct pcow_process *proc)
{
	struct pcow_mm *mm = proc->mm;
	struct pcow_process **pp;

	if (!mm)
		return;
	for (pp = &mm->procs; *pp != proc; pp = &(*pp)->mm_next)
		;
	*pp = proc->mm_next;
	proc->mm = NULL;
	proc->mm_next = NULL;
	if (!mm->procs)
		free(mm);
}

static void mm_join(struct pcow_process *proc, struct pcow_mm *mm)
{
	proc->mm = mm;
	proc->mm_next = mm->procs;
	mm->procs = proc;
}

int tracee_mm_fresh(struct pcow_process *proc)
{
	struct pcow_mm *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return -ENOMEM;
	mm_leave(proc);
	mm_join(proc, mm);
	return 0;
}

void tracee_mm_share(struct pcow_process *child, const struct pcow_process *parent)
{
	if (child->mm == parent->mm)
		return;
	mm_leave(child);
	mm_join(child, parent->mm);
}

bool tracee_mm_hit(const struct pcow_process *proc, uint64_t addr, uint64_t len,
		   uint64_t region_size)
{
	for (const struct pcow_process *p = proc->mm->procs; p; p = p->mm_next)
		if (p->scratch && addr < p->scratch + region_size && addr + len > p->scratch)
			return true;
	return false;
}

static void process_put(struct pcow_process *proc)
{
	assert(proc->refs > 0);
	if (--proc->refs > 0)
		return;
	mm_leave(proc);
	if (proc->mem_fd >= 0)
		close(proc->mem_fd);
	tracer_stack_process_free(proc);
	free(proc);
}

void tracee_scratch_release(struct pcow_tracee *t)
{
	int slot = t->call.scratch_slot;

	if (slot >= 0 && t->proc && t->proc->scratch_owner[slot] == t->tid)
		t->proc->scratch_owner[slot] = 0;
	t->call.scratch_slot = -1;
}

static void tracee_free(struct pcow_tracee *t)
{
	tracee_scratch_release(t); /* a thread gone in the middle of a call */
	tracer_stack_thread_free(t);
	process_put(t->proc);
	emu_fs_put(t->fs);
	emu_files_put(t->files);
	free(t->call.arena);
	free(t->call.rw);
	free(t->hook_data);
	free(t->inject_save);
	free(t->close_fds);
	free(t->close_save);
	free(t->park_sc);
	free(t);
}

void tracee_table_destroy(struct tracee_table *tab)
{
	for (size_t i = 0; i < tab->cap; i++)
		if (tab->slots[i] && tab->slots[i] != TOMBSTONE)
			tracee_free(tab->slots[i]);
	free(tab->slots);
	memset(tab, 0, sizeof(*tab));
}

struct pcow_tracee *tracee_find(const struct tracee_table *tab, pid_t tid)
{
	if (!tab->cap)
		return NULL;
	for (size_t i = slot_of(tid, tab->cap);; i = (i + 1) & (tab->cap - 1)) {
		struct pcow_tracee *t = tab->slots[i];

		if (!t)
			return NULL;
		if (t != TOMBSTONE && t->tid == tid)
			return t;
	}
}

static void insert_slot(struct pcow_tracee **slots, size_t cap, struct pcow_tracee *t)
{
	size_t i = slot_of(t->tid, cap);

	while (slots[i] && slots[i] != TOMBSTONE)
		i = (i + 1) & (cap - 1);
	slots[i] = t;
}

static int grow(struct tracee_table *tab)
{
	size_t cap = tab->cap ? tab->cap : 64;
	struct pcow_tracee **slots;

	/* Keep the load (tombstones included) under one half. */
	while ((tab->count + 1) * 2 > cap)
		cap *= 2;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < tab->cap; i++)
		if (tab->slots[i] && tab->slots[i] != TOMBSTONE)
			insert_slot(slots, cap, tab->slots[i]);
	free(tab->slots);
	tab->slots = slots;
	tab->cap = cap;
	tab->used = tab->count;
	return 0;
}

struct pcow_tracee *tracee_add(struct tracee_table *tab, pid_t tid, pid_t tgid,
			       struct pcow_process *proc)
{
	struct pcow_tracee *t;

	assert(!tracee_find(tab, tid));
	if ((tab->used + 1) * 2 > tab->cap && grow(tab) < 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->call.scratch_slot = -1;
	if (!proc) {
		proc = calloc(1, sizeof(*proc));
		if (!proc) {
			free(t);
			return NULL;
		}
		proc->tgid = tgid;
		proc->mem_fd = -1;
		if (tracee_mm_fresh(proc) < 0) {
			free(proc);
			free(t);
			return NULL;
		}
	}
	proc->refs++;
	t->tid = tid;
	t->proc = proc;
	insert_slot(tab->slots, tab->cap, t);
	tab->count++;
	tab->used++;
	return t;
}

static void unlink_slot(struct tracee_table *tab, struct pcow_tracee *t)
{
	for (size_t i = slot_of(t->tid, tab->cap);; i = (i + 1) & (tab->cap - 1)) {
		assert(tab->slots[i]);
		if (tab->slots[i] == t) {
			tab->slots[i] = TOMBSTONE;
			tab->count--;
			return;
		}
	}
}

void tracee_remove(struct tracee_table *tab, struct pcow_tracee *t)
{
	unlink_slot(tab, t);
	tracee_free(t);
}

void tracee_rekey(struct tracee_table *tab, struct pcow_tracee *t, pid_t new_tid)
{
	assert(!tracee_find(tab, new_tid));
	unlink_slot(tab, t);
	t->tid = new_tid;
	if ((tab->used + 1) * 2 > tab->cap)
		grow(tab); /* failure leaves room: unlinking freed a live slot */
	insert_slot(tab->slots, tab->cap, t);
	tab->count++;
	tab->used++;
}

char *tracee_arena_reserve(struct pcow_call *call, size_t len)
{
	if (call->arena_len + len > call->arena_cap) {
		size_t cap = call->arena_cap ? call->arena_cap : 256;
		char *p;

		while (cap < call->arena_len + len)
			cap *= 2;
		p = realloc(call->arena, cap);
		if (!p)
			return NULL;
		call->arena = p;
		call->arena_cap = cap;
	}
	return call->arena + call->arena_len;
}

void tracee_call_reset(struct pcow_call *call)
{
	call->active = false;
	call->record = false;
	call->arena_len = 0;
	call->has_cd = false;
	call->path_mask = 0;
	call->rw_mask = 0;
	call->rw_len = 0;
	call->clone_flags = 0;
	call->stack_id = 0;
	memset(call->blob_len, 0, sizeof(call->blob_len));
	memset(call->blob_status, 0, sizeof(call->blob_status));
}

void tracee_foreach(const struct tracee_table *tab, void (*fn)(struct pcow_tracee *, void *),
		    void *opaque)
{
	for (size_t i = 0; i < tab->cap; i++)
		if (tab->slots[i] && tab->slots[i] != TOMBSTONE)
			fn(tab->slots[i], opaque);
}
