/*
 * tracer/arch.h — what the tracer needs from one architecture: the system
 * call at a stop (number, ABI, arguments, result) and the means to change
 * it.  One implementation file per architecture (arch_x86_64.c); nothing
 * else in pcow reads or writes registers.
 */
#ifndef PCOW_TRACER_ARCH_H
#define PCOW_TRACER_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum arch_stop_op {
	ARCH_OP_NONE = 0,    /* not at a syscall stop */
	ARCH_OP_ENTRY = 1,   /* syscall-enter-stop */
	ARCH_OP_EXIT = 2,    /* syscall-exit-stop */
	ARCH_OP_SECCOMP = 3, /* PTRACE_EVENT_SECCOMP stop (an entry) */
	ARCH_OP_UNKNOWN = 4, /* registers read, entry or exit not known (fallback) */
};

/* A system call as seen at one stop. */
struct arch_syscall {
	uint8_t op;	  /* enum arch_stop_op */
	uint8_t abi;	  /* enum emu_abi */
	long nr;	  /* number in its ABI, x32 bit cleared */
	uint64_t args[6]; /* zero-extended; i386 arguments are 32-bit */
	int64_t ret;	  /* the result register (meaningful at exit) */
	uint64_t sp;	  /* the user stack pointer (at entry) */
};

/*
 * Read the system call of a stopped tracee.  With use_info, one
 * PTRACE_GET_SYSCALL_INFO (Linux 5.3+), which also says entry or exit;
 * otherwise PTRACE_GETREGSET, where op is ARCH_OP_UNKNOWN and the caller
 * knows from its own state.  at_entry tells the fallback whether to decode
 * the ABI from the instruction (costly; entry only).
 * Returns 0, or -errno (-ESRCH: the tracee died; -EIO: no syscall info).
 */
int arch_get_syscall(pid_t tid, bool use_info, bool at_entry, struct arch_syscall *ret_sc);

/* Read only the result register (at exit). */
int arch_get_return(pid_t tid, int64_t *ret_val);

/*
 * Skip the system call the tracee is entering (the kernel then returns
 * -ENOSYS); arch_set_return at the exit stop sets what the program sees.
 */
int arch_skip_syscall(pid_t tid);

/* Set the result register (at the exit stop of a skipped or passed call). */
int arch_set_return(pid_t tid, int64_t val);

/* Replace argument i (0-5) of the call being entered, in abi's registers. */
int arch_set_arg(pid_t tid, int abi, int i, uint64_t val);

/*
 * Syscall injection at a syscall-entry (or seccomp) stop of a 64-bit
 * tracee: arch_inject saves the registers into save and turns the call
 * into nr(args); at its exit stop arch_inject_finish reads the injected
 * call's result and puts the saved registers back with the instruction
 * pointer on the syscall instruction again, so the original call is made
 * anew (and stops at its entry).
 */
struct arch_regs_save {
	uint64_t words[32]; /* struct user_regs_struct, opaque here */
};
int arch_inject(pid_t tid, long nr, const uint64_t args[6], struct arch_regs_save *save);
int arch_inject_finish(pid_t tid, const struct arch_regs_save *save, int64_t *ret_result);
/*
 * The same at a syscall-exit stop of a 64-bit call: the registers (the
 * call's result among them) are saved into save unless it is NULL, and
 * the tracee is put back on its syscall instruction with nr(args), which
 * it makes when resumed; arch_restore puts the saved registers back at
 * the injected call's exit, so the program sees its own call's result.
 */
int arch_inject_at_exit(pid_t tid, long nr, const uint64_t args[6], struct arch_regs_save *save);
int arch_restore(pid_t tid, const struct arch_regs_save *save);

/* True when the kernel supports PTRACE_GET_SYSCALL_INFO (probed once). */
bool arch_probe_syscall_info(pid_t stopped_tid);

#endif /* PCOW_TRACER_ARCH_H */
