/*
 * tracer/seccomp.c — generate and install the seccomp-bpf filter.
 *
 * Layout of the program (classic BPF, jump offsets relative to the next
 * instruction):
 *
 *	ld   arch
 *	jeq  AUDIT_ARCH_X86_64, +1      ; another ABI (int 0x80) ...
 *	ret  TRACE                      ; ... always stops
 *	ld   nr
 *	jge  __X32_SYSCALL_BIT, 0, +1   ; x32 (and nr -1) ...
 *	ret  TRACE                      ; ... always stops
 *	<tree>
 *
 * The numbers 0 .. 2^30-1 are cut into maximal intervals of equal action;
 * <tree> is a binary search over their starts.  An inner node is
 *	jge  start(mid), 0, +1
 *	ja   <size of the left subtree>
 *	<left subtree: intervals below mid> <right subtree: from mid on>
 * (ja has a 32-bit offset, so no jump ever exceeds the 8-bit jt/jf), and a
 * leaf is a single `ret`.  With the file class selected this is about 60
 * intervals and at most 7 comparisons per call.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "tracer/seccomp.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#define MAX_INSNS 4096 /* BPF_MAXINSNS */

struct interval {
	uint32_t start; /* first number of the interval */
	uint32_t action; /* SECCOMP_RET_TRACE or SECCOMP_RET_ALLOW */
};

struct builder {
	struct sock_filter *insns;
	size_t len;
	const struct interval *iv;
};

static size_t tree_size(size_t lo, size_t hi)
{
	size_t mid;

	if (lo == hi)
		return 1;
	mid = lo + (hi - lo + 1) / 2;
	return 2 + tree_size(lo, mid - 1) + tree_size(mid, hi);
}

static void emit(struct builder *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	b->insns[b->len++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

static void emit_tree(struct builder *b, size_t lo, size_t hi)
{
	size_t mid;

	if (lo == hi) {
		emit(b, BPF_RET | BPF_K, 0, 0, b->iv[lo].action);
		return;
	}
	mid = lo + (hi - lo + 1) / 2;
	emit(b, BPF_JMP | BPF_JGE | BPF_K, 0, 1, b->iv[mid].start);
	emit(b, BPF_JMP | BPF_JA, 0, 0, (uint32_t)tree_size(lo, mid - 1));
	emit_tree(b, lo, mid - 1);
	emit_tree(b, mid, hi);
}

int seccomp_build(const struct emu_select *stop, struct seccomp_prog *ret_prog)
{
	size_t limit = emu_syscall_limit(EMU_ABI_X86_64);
	struct interval *iv;
	struct builder b;
	size_t n = 0, size;

	if (limit > EMU_SELECT_NR_MAX)
		limit = EMU_SELECT_NR_MAX;
	iv = calloc(limit + 1, sizeof(*iv));
	if (!iv)
		return -ENOMEM;
	for (size_t nr = 0; nr < limit; nr++) {
		uint32_t action = emu_select_has(stop, EMU_ABI_X86_64, (long)nr)
					  ? SECCOMP_RET_TRACE
					  : SECCOMP_RET_ALLOW;

		if (n == 0 || iv[n - 1].action != action)
			iv[n++] = (struct interval){ (uint32_t)nr, action };
	}
	/* Numbers past the table: a call pcow does not know stops. */
	if (n == 0 || iv[n - 1].action != SECCOMP_RET_TRACE)
		iv[n++] = (struct interval){ (uint32_t)limit, SECCOMP_RET_TRACE };

	size = 6 + tree_size(0, n - 1);
	if (size > MAX_INSNS) {
		free(iv);
		return -E2BIG;
	}
	b.insns = calloc(size, sizeof(*b.insns));
	if (!b.insns) {
		free(iv);
		return -ENOMEM;
	}
	b.len = 0;
	b.iv = iv;
	emit(&b, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
	emit(&b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRACE);
	emit(&b, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	emit(&b, BPF_JMP | BPF_JGE | BPF_K, 0, 1, __X32_SYSCALL_BIT);
	emit(&b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRACE);
	emit_tree(&b, 0, n - 1);
	free(iv);
	ret_prog->insns = b.insns;
	ret_prog->len = b.len;
	return 0;
}

void seccomp_prog_free(struct seccomp_prog *prog)
{
	free(prog->insns);
	prog->insns = NULL;
	prog->len = 0;
}

int seccomp_install(const struct seccomp_prog *prog)
{
	struct sock_fprog fprog = {
		.len = (unsigned short)prog->len,
		.filter = prog->insns,
	};

	/* Without CAP_SYS_ADMIN a filter needs no_new_privs; root keeps setuid. */
	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0)
		return -errno;
	return 0;
}

bool seccomp_usable(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	if (major < 4 || (major == 4 && minor < 8))
		return false;
	/* EINVAL: the kernel was built without seccomp. */
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
}
