/*
 * tracer/seccomp.h — the seccomp-bpf filter that decides which system calls
 * stop at all (SECCOMP_RET_TRACE) and which run without the tracer.
 */
#ifndef PCOW_TRACER_SECCOMP_H
#define PCOW_TRACER_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "emu/select.h"

struct seccomp_prog {
	struct sock_filter *insns;
	size_t len;
};

/*
 * Build a filter that returns SECCOMP_RET_TRACE for the x86_64 calls in
 * stop, for numbers past the syscall table (unknown calls), and for every
 * call of another ABI (int 0x80, x32: they must never slip past), and
 * SECCOMP_RET_ALLOW for the rest.  The numbers are split into intervals of
 * equal action searched as a balanced binary tree: about log2(intervals)
 * comparisons per call, not one per syscall.  Returns 0 or -ENOMEM/-E2BIG.
 */
int seccomp_build(const struct emu_select *stop, struct seccomp_prog *ret_prog);
void seccomp_prog_free(struct seccomp_prog *prog);

/*
 * Install prog in the calling process (the child, before execve): after
 * PR_SET_NO_NEW_PRIVS unless root.  Async-signal-safe.  Returns 0 or -errno.
 */
int seccomp_install(const struct seccomp_prog *prog);

/*
 * Can filters with SECCOMP_RET_TRACE be used the way pcow uses them?
 * Linux 4.8 and later (the seccomp stop comes after the syscall-entry
 * stop and PTRACE_SYSCALL from it reports the exit), with seccomp built in.
 */
bool seccomp_usable(void);

#endif /* PCOW_TRACER_SECCOMP_H */
