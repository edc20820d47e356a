/*
 * tracer/tracer.h — the ptrace engine, as the command line sees it.
 *
 * tracer_run() starts a program under PTRACE_SEIZE and drives one event
 * loop over every thread and process it creates until all are gone.  Each
 * system call stops at entry and exit; the tracer fetches the arguments'
 * memory by the syscall table's argument kinds and hands every call to the
 * log writer.  Later layers (the copy-on-write emulation) plug in through
 * struct tracer_hooks: at entry a hook may let the call pass, rewrite its
 * arguments, or skip it and set the result itself.
 */
#ifndef PCOW_TRACER_TRACER_H
#define PCOW_TRACER_TRACER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "db/db.h"
#include "emu/select.h"
#include "tracer/seccomp.h"
#include "tracer/tracee.h"

/* How the tracer reaches the tracee (PCOW_FORCE_FALLBACK picks the slow ones). */
enum tracer_mem_mode {
	TRACER_MEM_VM = 0,   /* process_vm_readv */
	TRACER_MEM_PROC = 1, /* pread of /proc/PID/mem */
	TRACER_MEM_PEEK = 2, /* PTRACE_PEEKDATA, a word at a time */
};

struct tracer_stack_opts; /* tracer/stack.h */

struct tracer_hooks {
	/*
	 * At syscall entry, after the arguments were fetched.  Returns the
	 * action (enum db_action); for DB_ACTION_EMULATE and DB_ACTION_DENY it
	 * sets *ret_result to what the program will see (>= 0 or -errno) and
	 * the kernel never runs the call.
	 */
	int (*enter)(void *opaque, struct pcow_tracee *t, int64_t *ret_result);
	/*
	 * enter may also return TRACER_WAIT when tracer_serial_take failed:
	 * the tracee stays at its entry and enter is called again, from the
	 * start, once the lock is free.
	 */
	/*
	 * At syscall exit of every call enter saw, with the result the program
	 * will see; t->hook_data is the hook's own (malloc'd, freed with t).
	 */
	void (*exit)(void *opaque, struct pcow_tracee *t, int64_t result);
	void *opaque;
};

/* From tracer_hooks.enter: park the call until the serial lock is free. */
#define TRACER_WAIT 0x7f

/*
 * The serial lock: at most one tracee at a time holds it, from its entry
 * (where enter took it) to the exit of that call or its death.  Calls
 * that must not run in the kernel beside each other take it.  True when
 * t holds it now (it did already, it was free, or its holder is asleep
 * in the kernel: blocked, for example in the open of a FIFO, and so past
 * its path walk).
 */
bool tracer_serial_take(struct pcow_tracee *t);
/* Let it go before the call's exit (the call will not run in the kernel). */
void tracer_serial_drop(struct pcow_tracee *t);

struct tracer_config {
	const char *path;	      /* the program, resolved (spawn_find_program) */
	char *const *argv;	      /* its arguments, argv[0] as the user typed it */
	struct db_writer *writer;     /* where calls go; NULL records nothing */
	const struct tracer_hooks *hooks; /* NULL: every call passes */
	const struct emu_select *log_sel; /* calls to record; NULL: all */
	/*
	 * With a filter, only the calls it selects stop (PTRACE_CONT between
	 * them); without, every call stops (PTRACE_SYSCALL).
	 */
	const struct seccomp_prog *filter;
	bool force_regs;	      /* PTRACE_GETREGSET even if GET_SYSCALL_INFO works */
	bool no_scratch;	      /* never map the scratch region, as if mapping it failed */
	const struct tracer_stack_opts *stack; /* --stack: which calls get a stack; NULL none */
	enum tracer_mem_mode mem_mode;
};

struct tracer_result {
	int exit_status;	/* shell style: status, or 128+signal */
	int exec_errno;		/* the program could not be executed: why */
	int64_t n_calls;	/* calls recorded */
	int64_t n_processes;	/* processes (thread groups) seen */
	int64_t n_threads;	/* tasks seen, processes included */
	bool used_syscall_info;	/* PTRACE_GET_SYSCALL_INFO was used */
};

/*
 * Run the program to completion under ptrace.  Returns 0 when the program
 * ran (its status is in *res; exec_errno is set when execve failed), or a
 * negative errno when pcow itself could not trace (fork or ptrace refused),
 * after printing why.
 */
int tracer_run(const struct tracer_config *cfg, struct tracer_result *res);

/* ------------------------------------------------------- tracee memory */

/*
 * Copy len bytes at addr of the tracee's address space.  Returns 0, or
 * -EFAULT when any byte is unreadable, -ESRCH when the tracee is gone.
 */
int tracer_mem_read(struct pcow_tracee *t, uint64_t addr, void *buf, size_t len);

/*
 * Copy the NUL-terminated string at addr into buf (at most size bytes with
 * the NUL).  Returns its length without the NUL, or -EFAULT / -ESRCH;
 * *ret_truncated is set when no NUL was found within size - 1 bytes.
 */
long tracer_mem_read_str(struct pcow_tracee *t, uint64_t addr, char *buf, size_t size,
			 bool *ret_truncated);

/*
 * Write len bytes at addr of the tracee (process_vm_writev, else
 * PTRACE_POKEDATA).  0, -EFAULT or -ESRCH.
 */
int tracer_mem_write(struct pcow_tracee *t, uint64_t addr, const void *buf, size_t len);

/* The same into memory the tracee may not write (/proc/PID/mem, POKEDATA). */
int tracer_mem_write_force(struct pcow_tracee *t, uint64_t addr, const void *buf, size_t len);

/* ------------------------------------------ changing a call (for hooks) */

/*
 * At syscall exit, from the exit hook: attach replay data to t's call.
 * The bytes are not copied: they must stay valid until the call's record
 * is queued, later in the same exit stop.  Ignored when the call is not
 * logged.
 */
void tracer_call_attach(struct pcow_tracee *t, const struct db_calldata *cd);

/*
 * At syscall entry, after rewriting path argument i: log path as what the
 * kernel was given instead (column path.rewritten).  Copied; ignored when
 * the call is not logged or the argument is not a logged path.
 */
void tracer_call_rewritten(struct pcow_tracee *t, int i, const char *path);


/*
 * At syscall entry: give the kernel val as argument i instead of what the
 * program passed.  The register is restored at the exit stop, so the
 * program never sees the change.  0 or -errno.
 */
int tracer_set_arg(struct pcow_tracee *t, int i, uint64_t val);

/*
 * At syscall entry: copy len bytes (a rewritten path, a struct) into the
 * tracee — its read-only scratch region, else below its stack pointer
 * past the red zone — and make argument i point at them.  Several per
 * call go side by side.  0 or -errno.
 */
int tracer_set_arg_data(struct pcow_tracee *t, int i, const void *data, size_t len);
/* The same without touching an argument: the data's address in *ret_addr. */
int tracer_place_data(struct pcow_tracee *t, const void *data, size_t len, uint64_t *ret_addr);

/*
 * At syscall exit (an exit hook), of a 64-bit call: close fd in the
 * tracee once its call has returned, by a close(2) pcow makes it make;
 * the program sees its own call's result.  0 or -errno.
 */
int tracer_close_after(struct pcow_tracee *t, int fd);
/* The call being recorded is logged as denied (its result unchanged). */
void tracer_call_denied(struct pcow_tracee *t);

/* Select the reader (once, before tracing). */
void tracer_mem_set_mode(enum tracer_mem_mode mode);

#endif /* PCOW_TRACER_TRACER_H */
