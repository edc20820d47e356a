/*
 * tracer/unwind.h — the user stack of a stopped tracee, as return
 * addresses (libunwind-ptrace lives in tracer/unwind.c only).
 *
 * One unwind space per address space (a libunwind unw_addr_space_t with
 * global caching: the DWARF rules found for an address are reused by
 * every later unwind through it), one unwind thread per tracee (the
 * libunwind-ptrace _UPT handle, which caches the ELF image of the last
 * module it needed).  tracer_unwind_space_flush forgets both kinds of
 * cache when the mappings change (exec, dlopen, munmap).
 */
#ifndef PCOW_TRACER_UNWIND_H
#define PCOW_TRACER_UNWIND_H

#include <stdbool.h>
#include <stdint.h>

#include "tracer/tracee.h"

struct tracer_unwind_space;
struct tracer_unwind_thread;

/* A new space; 0 or -ENOMEM. */
int tracer_unwind_space_new(struct tracer_unwind_space **ret_space);
void tracer_unwind_space_free(struct tracer_unwind_space *s); /* accepts NULL */

/*
 * Tell s which pages cannot change until the next flush (pages of
 * read-only file mappings): those are kept across unwinds.
 */
void tracer_unwind_space_set_immutable(struct tracer_unwind_space *s,
				       bool (*immutable)(void *opaque, uint64_t addr),
				       void *opaque);

/* The mappings changed: drop every cached unwind rule and ELF image. */
void tracer_unwind_space_flush(struct tracer_unwind_space *s);

void tracer_unwind_thread_free(struct tracer_unwind_thread *u); /* accepts NULL */

/*
 * Unwind t (stopped) in space s: up to max return addresses into pcs,
 * innermost first (pcs[0] is the instruction after the syscall).  *thread
 * is t's handle, made on first use and remade when the space was flushed
 * or t's tid changed.  Returns the number of addresses, or -errno.
 */
int tracer_unwind(struct tracer_unwind_space *s, struct tracer_unwind_thread **thread,
		  struct pcow_tracee *t, uint64_t *pcs, int max);

#endif /* PCOW_TRACER_UNWIND_H */
