/*
 * tracer/tracee.h — per-thread and per-process state of the traced tasks.
 *
 * A tracee is one thread (one tid), the unit ptrace stops.  Threads of one
 * thread group share a struct pcow_process (reference counted): what the
 * address space and the process own — the /proc/PID/mem descriptor, later
 * the fd table and cwd the emulation keeps.
 *
 * Invariants:
 *   - every tid the event loop has seen and not yet reaped is in the table;
 *   - t->proc is never NULL and t->proc->refs counts the tracees using it;
 *   - t->call.active is true exactly between a recorded syscall entry and its
 *     exit (or the tracee's death, which records it as never returned).
 */
#ifndef PCOW_TRACER_TRACEE_H
#define PCOW_TRACER_TRACEE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "db/db.h"
#include "emu/syscalls.h"
#include "tracer/arch.h"

struct tracer_stack_proc;
struct tracer_unwind_thread;

/*
 * The scratch region's slots (tracer/loop.c): one per call in flight that
 * has rewritten arguments, held from the rewrite to the call's exit.
 */
#define TRACER_SCRATCH_SLOTS 64

/*
 * An address space: the processes that share it (CLONE_VM without
 * CLONE_THREAD: vfork, posix_spawn, raw clone).  None of them may unmap
 * or re-protect the scratch region of any of them.
 */
struct pcow_process;
struct pcow_mm {
	struct pcow_process *procs; /* linked by mm_next */
};

struct pcow_process {
	pid_t tgid;
	struct pcow_mm *mm;		  /* never NULL */
	struct pcow_process *mm_next; /* the next process of mm */
	int refs;     /* tracees pointing here */
	int mem_fd;   /* /proc/TGID/mem opened for the fallback reader, or -1 */
	bool execed;  /* has executed a program since pcow saw it appear */
	uint8_t elf_class; /* 32 or 64 after an exec pcow read; 0 unknown */
	struct tracer_stack_proc *stack; /* --stack: maps and unwind caches (stack.c) */
	/*
	 * Hooks only: a read-only region pcow mapped into this address space
	 * (an injected mmap) where rewritten arguments go, one slot per
	 * thread; 0 until made, and again after exec.
	 */
	uint64_t scratch;
	bool scratch_failed; /* the injection failed: use the stack */
	/* The thread whose call holds each slot of the region, 0: free. */
	pid_t scratch_owner[TRACER_SCRATCH_SLOTS];
};

/* The system call a tracee is inside, from entry to exit. */
struct pcow_call {
	bool active;	   /* entered and not yet exited */
	bool record;	   /* goes to the log at exit */
	uint8_t abi;	   /* enum emu_abi */
	uint8_t action;	   /* enum db_action */
	long nr;
	const struct emu_syscall *sc; /* NULL: no table row */
	uint64_t args[6];
	uint64_t sp;	   /* user stack pointer at entry */
	uint8_t restore_mask; /* bit i: argument register i was changed, restore at exit */
	uint32_t scratch_used; /* bytes placed below the stack for rewritten arguments */
	int8_t scratch_slot; /* the slot of the scratch region it holds, -1 none */
	int64_t t_enter;   /* ns since the epoch */
	int64_t result;	   /* EMULATE/DENY: what the program will see */
	uint64_t clone_flags; /* clone/clone3: its flags (a thread or a process?) */
	uint32_t stack_id; /* --stack: the stack recorded at entry, 0 none */
	/* Fetched argument memory: blob i lives at arena + blob_off[i]. */
	uint32_t blob_off[6];
	uint32_t blob_len[6];
	uint8_t blob_status[6];
	uint8_t path_mask; /* bit i: blob i is a path */
	/* Replay data attached by the hooks at exit (tracer_call_attach). */
	bool has_cd;
	struct db_calldata cd; /* its bytes are the hook's, valid until the record is queued */
	char *arena;	   /* scratch for this call's blobs; reused across calls */
	size_t arena_len;
	size_t arena_cap;
	/*
	 * Where the hooks pointed rewritten path arguments (tracer_call_
	 * rewritten): argument i's at rw + rw_off[i] when bit i of rw_mask
	 * is set.  Apart from the arena, whose blobs the hooks are reading.
	 */
	uint8_t rw_mask;
	uint32_t rw_off[6];
	char *rw;
	size_t rw_len;
	size_t rw_cap;
};

enum tracee_flags {
	TRACEE_STARTED = 1 << 0,    /* past its first (attach) stop */
	TRACEE_IN_SYSCALL = 1 << 1, /* between entry and exit (fallback toggle) */
	TRACEE_RECORDING = 1 << 2,  /* its calls go to the log */
	TRACEE_MAIN = 1 << 3,	    /* the process pcow started */
	TRACEE_LISTENING = 1 << 4,  /* in group-stop, restarted with PTRACE_LISTEN */
	TRACEE_HELD = 1 << 5,	    /* new, stopped until its parent's fork event (loop.c) */
};

struct pcow_tracee {
	pid_t tid;
	unsigned flags; /* enum tracee_flags */
	struct pcow_process *proc;
	struct emu_fs *fs;	  /* working directory (shared under CLONE_FS) */
	struct emu_files *files;  /* descriptor table (shared under CLONE_FILES) */
	struct pcow_call call;
	struct tracer_unwind_thread *unwind; /* --stack: libunwind handle (unwind.c) */
	void *hook_data; /* the hooks' per-thread state (malloc'd; freed with the tracee) */
	bool injecting;	 /* between an injected call's entry and exit */
	struct arch_regs_save *inject_save; /* malloc'd while injecting */
	/*
	 * Descriptors to close in the program once its call has returned
	 * (tracer_close_after), by close calls injected at its exit: closing
	 * is 1 before the entry of one, 2 inside it; close_save holds the
	 * registers the program's call returned with.
	 */
	int *close_fds;
	unsigned n_close, cap_close;
	uint8_t closing;
	struct arch_regs_save *close_save;
	/* Parked at its entry until the serial lock is free (loop.c). */
	struct pcow_tracee *park_next;
	struct arch_syscall *park_sc; /* malloc'd while parked */
	/* TRACEE_HELD: the first stop, and the process whose event frees it. */
	int held_status;
	pid_t held_for;
};

/* Open-addressing hash table tid → tracee. */
struct tracee_table {
	struct pcow_tracee **slots;
	size_t cap;   /* power of two */
	size_t count; /* live entries */
	size_t used;  /* live + tombstones */
};

void tracee_table_init(struct tracee_table *tab);
/* Frees every tracee still in the table and the table itself. */
void tracee_table_destroy(struct tracee_table *tab);
struct pcow_tracee *tracee_find(const struct tracee_table *tab, pid_t tid);

/*
 * Add a tracee for tid sharing proc (or a new process for tgid when proc is
 * NULL).  Returns NULL when out of memory.  The tid must not be present.
 */
struct pcow_tracee *tracee_add(struct tracee_table *tab, pid_t tid, pid_t tgid,
			       struct pcow_process *proc);

/* Remove and free a tracee (drops its process reference). */
void tracee_remove(struct tracee_table *tab, struct pcow_tracee *t);

/*
 * The execing thread takes over the leader's tid (exec by a non-leader
 * thread).  The leader's old entry, if any, must have been removed first.
 */
void tracee_rekey(struct tracee_table *tab, struct pcow_tracee *t, pid_t new_tid);

/* Make room for len more bytes in the call arena; NULL on ENOMEM. */
char *tracee_arena_reserve(struct pcow_call *call, size_t len);

/* Forget the blobs of the finished call (keeps the arena's memory). */
void tracee_call_reset(struct pcow_call *call);
/* Let go of the scratch region's slot t's call holds (tracer/loop.c). */
void tracee_scratch_release(struct pcow_tracee *t);

/* proc executed a program: a new address space of its own.  -ENOMEM. */
int tracee_mm_fresh(struct pcow_process *proc);
/* child was made by CLONE_VM without CLONE_THREAD: it shares parent's. */
void tracee_mm_share(struct pcow_process *child, const struct pcow_process *parent);
/* Whether [addr, addr + len) overlaps a scratch region of proc's address space. */
bool tracee_mm_hit(const struct pcow_process *proc, uint64_t addr, uint64_t len,
		   uint64_t region_size);

/* Iterate: call fn for every tracee (fn must not add or remove). */
void tracee_foreach(const struct tracee_table *tab, void (*fn)(struct pcow_tracee *, void *),
		    void *opaque);

#endif /* PCOW_TRACER_TRACEE_H */
