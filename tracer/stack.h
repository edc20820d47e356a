/*
 * tracer/stack.h — `pcow trace --stack`: the user stack of selected calls,
 * symbolised and deduplicated, handed to the log writer (see stack.c).
 *
 * The event loop makes three calls, all of them behind `if (stacks)` so
 * tracing without --stack pays one branch:
 *   tracer_stack_capture   at syscall entry: returns the call's stack id;
 *   tracer_stack_exit      at syscall exit: mmap/munmap/mremap/mprotect of
 *                          executable memory make the maps cache stale;
 *   tracer_stack_exec      at PTRACE_EVENT_EXEC: a new address space.
 * tracee.c frees the per-process and per-thread parts with the tasks.
 */
#ifndef PCOW_TRACER_STACK_H
#define PCOW_TRACER_STACK_H

#include <stdint.h>

#include "db/db.h"
#include "tracer/tracee.h"

/* Which calls get a stack (from `--stack[=CLASS]` and `--stack-depth`). */
struct tracer_stack_opts {
	uint32_t classes;	    /* EMU_F_FILE|EMU_F_PROCESS|EMU_F_NET...; 0: no class */
	bool all;		    /* every call */
	const char *const *names;   /* these syscalls too (any ABI) */
	size_t n_names;
	int depth;		    /* frames kept, innermost first */
};

#define TRACER_STACK_DEPTH_DEFAULT 32
#define TRACER_STACK_DEPTH_MAX 256

/*
 * Parse a --stack argument: NULL or "all", "file", "process", "network",
 * or a comma list of classes and syscall names.  Fills o's classes/all and
 * stores the names in a malloc'd vector (*ret_names, free with
 * tracer_stack_names_free).  Returns 0, or -EINVAL after writing the bad
 * word into bad (bad_size bytes).
 */
int tracer_stack_parse(const char *arg, struct tracer_stack_opts *o, char ***ret_names,
		       char *bad, size_t bad_size);
void tracer_stack_names_free(char **names);

struct tracer_stacks;

/* Set up capture for one run; w receives the stacks.  NULL: out of memory. */
struct tracer_stacks *tracer_stacks_new(const struct tracer_stack_opts *o, struct db_writer *w);
void tracer_stacks_free(struct tracer_stacks *s); /* accepts NULL */

/*
 * At t's syscall entry (t->call filled): when the call is selected, unwind
 * t, queue the stack when it is new, and return its id (> 0); else 0.
 */
uint32_t tracer_stack_capture(struct tracer_stacks *s, struct pcow_tracee *t);

/* At t's syscall exit with result ret: notice changes of executable mappings. */
void tracer_stack_exit(struct tracer_stacks *s, struct pcow_tracee *t, int64_t ret);

/* proc executed a program: everything cached about its mappings is stale. */
void tracer_stack_exec(struct pcow_process *proc);

/* Called by tracee.c when a process / a thread goes away. */
void tracer_stack_process_free(struct pcow_process *proc);
void tracer_stack_thread_free(struct pcow_tracee *t);

#endif /* PCOW_TRACER_STACK_H */
