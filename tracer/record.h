/*
 * tracer/record.h — from a stopped call to a log record: fetch the memory
 * its arguments point at (by the syscall table's kinds) and queue it for
 * the writer thread, which formats it with the emu/ decoder.
 */
#ifndef PCOW_TRACER_RECORD_H
#define PCOW_TRACER_RECORD_H

#include "db/db.h"
#include "tracer/tracee.h"

/* Fetch the blobs known at entry: paths, strings, input buffers, argv. */
void record_fetch_entry(struct pcow_tracee *t);

/* Fetch the blobs known at exit (output buffers), given the result. */
void record_fetch_exit(struct pcow_tracee *t, int64_t ret);

/*
 * Queue t's current call with its result.  status is DB_CALL_COMPLETE or
 * DB_CALL_NORETURN (t_exit is then t_enter).
 */
void record_call(struct db_writer *w, struct pcow_tracee *t, int64_t ret, int64_t t_exit,
		 int status);

/* The db_format_fn handed to db_writer_start: emu_format_args on a record. */
size_t record_format(char *buf, size_t size, const struct db_call *call,
		     const void *const blobs[6], void *opaque);

/* The absolute path path-argument i resolved to at entry, or NULL. */
const char *record_resolved(const struct pcow_call *call, int i);

/* Index of the first argument of t's call with the given kind, or -1. */
int record_arg_of_kind(const struct pcow_call *call, int kind);

struct tracer_elf_facts;

/*
 * At a recorded exec of t: read the ELF facts of the program it now runs
 * into *facts and the exec record p (whose strings point into facts), note
 * the class in t's process, and tell the user when it is a 32-bit program.
 */
void record_exec_facts(struct pcow_tracee *t, struct db_proc *p, struct tracer_elf_facts *facts);

#endif /* PCOW_TRACER_RECORD_H */
