/*
 * tracer/arch_x86_64.c — registers of x86_64 tracees.
 *
 * Three ABIs meet on x86_64 and must never be confused:
 *   - x86_64:  `syscall`, number in rax, arguments rdi rsi rdx r10 r8 r9;
 *   - x32:     the same instruction and registers, number | __X32_SYSCALL_BIT;
 *   - i386:    `int 0x80` (or sysenter from a 32-bit process), number in eax,
 *              arguments ebx ecx edx esi edi ebp — reachable from a 64-bit
 *              process too, where the number means another call entirely
 *              (5 is open on i386 and fstat on x86_64).
 * PTRACE_GET_SYSCALL_INFO says which ABI (its arch field is AUDIT_ARCH_I386
 * for int 0x80).  The register fallback looks at cs (0x23: a 32-bit
 * process) and, for a 64-bit process, at the two bytes before rip: cd 80 is
 * int 0x80, 0f 05 is syscall.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/elf.h>
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "emu/syscalls.h"
#include "tracer/arch.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

/* The kernel's struct ptrace_syscall_info, spelt out for older headers. */
struct pcow_syscall_info {
	uint8_t op;
	uint8_t pad[3];
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t stack_pointer;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
		} entry;
		struct {
			int64_t rval;
			uint8_t is_error;
		} exit;
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint32_t ret_data;
		} seccomp;
	};
};

#define PCOW_PTRACE_GET_SYSCALL_INFO 0x420e

#define USER_REG_OFFSET(reg) offsetof(struct user, regs.reg)

static void split_nr(struct arch_syscall *sc, uint64_t nr)
{
	if (sc->abi == EMU_ABI_X86_64 && (nr & __X32_SYSCALL_BIT)) {
		sc->abi = EMU_ABI_X32;
		nr &= ~(uint64_t)__X32_SYSCALL_BIT;
	}
	sc->nr = (long)nr;
}

static int get_by_info(pid_t tid, struct arch_syscall *sc)
{
	struct pcow_syscall_info info;
	long n;

	n = ptrace(PCOW_PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info);
	if (n < 0)
		return -errno;
	memset(sc, 0, sizeof(*sc));
	sc->abi = info.arch == AUDIT_ARCH_I386 ? EMU_ABI_I386 : EMU_ABI_X86_64;
	sc->sp = info.stack_pointer;
	switch (info.op) {
	case ARCH_OP_ENTRY:
		sc->op = ARCH_OP_ENTRY;
		split_nr(sc, info.entry.nr);
		memcpy(sc->args, info.entry.args, sizeof(sc->args));
		break;
	case ARCH_OP_SECCOMP:
		sc->op = ARCH_OP_SECCOMP;
		split_nr(sc, info.seccomp.nr);
		memcpy(sc->args, info.seccomp.args, sizeof(sc->args));
		break;
	case ARCH_OP_EXIT:
		sc->op = ARCH_OP_EXIT;
		sc->ret = info.exit.rval;
		break;
	default:
		sc->op = ARCH_OP_NONE;
		break;
	}
	if (sc->abi == EMU_ABI_I386) {
		for (int i = 0; i < 6; i++)
			sc->args[i] &= 0xffffffffu;
		sc->ret = (int32_t)sc->ret;
	}
	return 0;
}

/* struct user_regs_struct of i386: what GETREGSET returns for a 32-bit tracee. */
struct i386_regs {
	uint32_t ebx, ecx, edx, esi, edi, ebp, eax;
	uint32_t xds, xes, xfs, xgs, orig_eax, eip, xcs, eflags, esp, xss;
};

union any_regs {
	struct user_regs_struct r64;
	struct i386_regs r32;
};

/* Returns the regset's size: sizeof(r64), or sizeof(r32) for a 32-bit tracee. */
static long get_regs(pid_t tid, union any_regs *regs)
{
	struct iovec iov = { .iov_base = regs, .iov_len = sizeof(*regs) };

	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	return (long)iov.iov_len;
}

/* Which ABI the instruction just executed belongs to (fallback path). */
static int abi_of_insn(pid_t tid, const struct user_regs_struct *regs)
{
	long word;

	if (regs->cs == 0x23)
		return EMU_ABI_I386;
	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, tid, (void *)(regs->rip - 2), NULL);
	if (errno == 0 && (word & 0xffff) == 0x80cd)
		return EMU_ABI_I386;
	return EMU_ABI_X86_64;
}

static int get_by_regs(pid_t tid, bool at_entry, struct arch_syscall *sc)
{
	union any_regs any;
	struct user_regs_struct regs;
	long size;

	size = get_regs(tid, &any);
	if (size < 0)
		return (int)size;
	memset(sc, 0, sizeof(*sc));
	sc->op = ARCH_OP_UNKNOWN;
	if (size == (long)sizeof(struct i386_regs)) {
		/* A 32-bit process: its own register layout. */
		const struct i386_regs *r = &any.r32;

		sc->abi = EMU_ABI_I386;
		sc->nr = (long)r->orig_eax;
		sc->args[0] = r->ebx;
		sc->args[1] = r->ecx;
		sc->args[2] = r->edx;
		sc->args[3] = r->esi;
		sc->args[4] = r->edi;
		sc->args[5] = r->ebp;
		sc->ret = (int32_t)r->eax;
		sc->sp = r->esp;
		return 0;
	}
	regs = any.r64;
	sc->sp = regs.rsp;
	sc->abi = at_entry ? abi_of_insn(tid, &regs) : EMU_ABI_X86_64;
	if (sc->abi == EMU_ABI_I386) {
		sc->nr = (long)(regs.orig_rax & 0xffffffffu);
		sc->args[0] = regs.rbx & 0xffffffffu;
		sc->args[1] = regs.rcx & 0xffffffffu;
		sc->args[2] = regs.rdx & 0xffffffffu;
		sc->args[3] = regs.rsi & 0xffffffffu;
		sc->args[4] = regs.rdi & 0xffffffffu;
		sc->args[5] = regs.rbp & 0xffffffffu;
		sc->ret = (int32_t)regs.rax;
	} else {
		split_nr(sc, regs.orig_rax);
		sc->args[0] = regs.rdi;
		sc->args[1] = regs.rsi;
		sc->args[2] = regs.rdx;
		sc->args[3] = regs.r10;
		sc->args[4] = regs.r8;
		sc->args[5] = regs.r9;
		sc->ret = (int64_t)regs.rax;
	}
	return 0;
}

int arch_get_syscall(pid_t tid, bool use_info, bool at_entry, struct arch_syscall *ret_sc)
{
	if (use_info)
		return get_by_info(tid, ret_sc);
	return get_by_regs(tid, at_entry, ret_sc);
}

int arch_get_return(pid_t tid, int64_t *ret_val)
{
	long v;

	errno = 0;
	v = ptrace(PTRACE_PEEKUSER, tid, (void *)USER_REG_OFFSET(rax), NULL);
	if (errno)
		return -errno;
	*ret_val = v;
	return 0;
}

static int poke_reg(pid_t tid, size_t offset, uint64_t val)
{
	if (ptrace(PTRACE_POKEUSER, tid, (void *)offset, (void *)val) < 0)
		return -errno;
	return 0;
}

int arch_skip_syscall(pid_t tid)
{
	/* An invalid number: the kernel skips the call and returns -ENOSYS. */
	return poke_reg(tid, USER_REG_OFFSET(orig_rax), (uint64_t)-1);
}

int arch_set_return(pid_t tid, int64_t val)
{
	return poke_reg(tid, USER_REG_OFFSET(rax), (uint64_t)val);
}

int arch_set_arg(pid_t tid, int abi, int i, uint64_t val)
{
	static const size_t regs64[6] = {
		USER_REG_OFFSET(rdi), USER_REG_OFFSET(rsi), USER_REG_OFFSET(rdx),
		USER_REG_OFFSET(r10), USER_REG_OFFSET(r8),  USER_REG_OFFSET(r9),
	};
	static const size_t regs32[6] = {
		USER_REG_OFFSET(rbx), USER_REG_OFFSET(rcx), USER_REG_OFFSET(rdx),
		USER_REG_OFFSET(rsi), USER_REG_OFFSET(rdi), USER_REG_OFFSET(rbp),
	};

	if (i < 0 || i >= 6)
		return -EINVAL;
	return poke_reg(tid, abi == EMU_ABI_I386 ? regs32[i] : regs64[i], val);
}

bool arch_probe_syscall_info(pid_t stopped_tid)
{
	struct pcow_syscall_info info;

	return ptrace(PCOW_PTRACE_GET_SYSCALL_INFO, stopped_tid, (void *)sizeof(info), &info) > 0;
}

_Static_assert(sizeof(struct user_regs_struct) <= sizeof(struct arch_regs_save),
	       "struct arch_regs_save is too small");

/*
 * Save the registers (unless save is NULL), move the instruction pointer
 * back by rewind bytes, and load the call nr(args).
 */
static int inject(pid_t tid, long nr, const uint64_t args[6], struct arch_regs_save *save,
		  uint64_t rewind)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) < 0)
		return -errno;
	if (save)
		memcpy(save->words, &regs, sizeof(regs));
	regs.rip -= rewind;
	regs.orig_rax = (uint64_t)nr;
	regs.rax = (uint64_t)nr;
	regs.rdi = args[0];
	regs.rsi = args[1];
	regs.rdx = args[2];
	regs.r10 = args[3];
	regs.r8 = args[4];
	regs.r9 = args[5];
	if (ptrace(PTRACE_SETREGS, tid, NULL, &regs) < 0)
		return -errno;
	return 0;
}

int arch_inject(pid_t tid, long nr, const uint64_t args[6], struct arch_regs_save *save)
{
	return inject(tid, nr, args, save, 0); /* at an entry: the call is still to be made */
}

int arch_inject_at_exit(pid_t tid, long nr, const uint64_t args[6], struct arch_regs_save *save)
{
	return inject(tid, nr, args, save, 2); /* back on the syscall instruction */
}

int arch_restore(pid_t tid, const struct arch_regs_save *save)
{
	struct user_regs_struct regs;

	memcpy(&regs, save->words, sizeof(regs));
	return ptrace(PTRACE_SETREGS, tid, NULL, &regs) < 0 ? -errno : 0;
}

int arch_inject_finish(pid_t tid, const struct arch_regs_save *save, int64_t *ret_result)
{
	struct user_regs_struct regs, back;

	if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) < 0)
		return -errno;
	*ret_result = (int64_t)regs.rax;
	memcpy(&back, save->words, sizeof(back));
	/* Back on the 2-byte syscall instruction, with the call's number. */
	back.rip -= 2;
	back.rax = back.orig_rax;
	if (ptrace(PTRACE_SETREGS, tid, NULL, &back) < 0)
		return -errno;
	return 0;
}
