/*
 * emu/table.c — the system call tables: expands emu/syscalls.def (x86_64)
 * and emu/syscalls_i386.def into row arrays in number order, by-number
 * indexes and lookups by name.
 *
 * Everything is built at compile time, read-only, so lookups are safe from
 * any thread.  Each .def is expanded three times:
 *   1. an enum with one enumerator per row (ROW64_read, ...), which gives
 *      every row its position and makes a name used twice fail to compile;
 *   2. the rows themselves, at those positions;
 *   3. the by-number index, [nr] = &rows[ROW64_name]: a number used twice
 *      is an overridden initializer, which -Wextra (-Woverride-init) flags.
 * That the rows are in number order, and agree with the kernel headers, is
 * checked by tests/unit/check_emu.c.
 *
 * x32 shares the x86_64 rows (see emu/syscalls.h); its own numbers 512..547
 * are the x32 entry points of calls whose x86_64 number is "64"-only, and
 * map to the x86_64 row of the same name (arch/x86/entry/syscalls/
 * syscall_64.tbl, "x32" lines).
 */
#include <string.h>

#include "emu/syscalls.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Argument kinds of the .def rows: struct emu_arg initializers. */
/* clang-format off */
#define K_NONE { EK_NONE, 0 }
#define K_INT { EK_INT, 0 }
#define K_LONG { EK_LONG, 0 }
#define K_UINT { EK_UINT, 0 }
#define K_HEX { EK_HEX, 0 }
#define K_PTR { EK_PTR, 0 }
#define K_FD { EK_FD, 0 }
#define K_DIRFD { EK_DIRFD, 0 }
#define K_PATH { EK_PATH, 0 }
#define K_STR { EK_STR, 0 }
#define K_BUF_IN(n) { EK_BUF_IN, (n) }
#define K_BUF_OUT(n) { EK_BUF_OUT, (n) }
#define K_STRUCT_IN { EK_STRUCT_IN, 0 }
#define K_STRUCT_OUT { EK_STRUCT_OUT, 0 }
#define K_STAT_OUT { EK_STAT_OUT, 0 }
#define K_STRV { EK_STRV, 0 }
#define K_OPEN_FLAGS { EK_OPEN_FLAGS, 0 }
#define K_AT_FLAGS { EK_AT_FLAGS, 0 }
#define K_MODE { EK_MODE, 0 }
#define K_ACCESS_MODE { EK_ACCESS_MODE, 0 }
#define K_SIGNAL { EK_SIGNAL, 0 }
#define K_WHENCE { EK_WHENCE, 0 }
#define K_MMAP_PROT { EK_MMAP_PROT, 0 }
#define K_MMAP_FLAGS { EK_MMAP_FLAGS, 0 }
#define K_CLONE_FLAGS { EK_CLONE_FLAGS, 0 }
#define K_SIZE { EK_SIZE, 0 }
#define K_OFF { EK_OFF, 0 }

/* Flag abbreviations of the .def rows (strace's TF, TD, ...). */
#define TF EMU_F_FILE
#define TD EMU_F_DESC
#define TP EMU_F_PROCESS
#define TN EMU_F_NET
#define TS EMU_F_SIGNAL
#define TI EMU_F_IPC
#define TM EMU_F_MEMORY
#define RET_FD EMU_F_RET_FD
#define WRITES EMU_F_WRITES
#define RET_HEX EMU_F_RET_HEX
#define NORET EMU_F_NORETURN
#define EXEC EMU_F_EXEC
/* clang-format on */

/*
 * One row's initializer.  (Spelt out in each SYSCALL() below rather than
 * forwarded to a helper macro: the kinds expand to braces holding commas,
 * which a second macro call would split into separate arguments.)
 */
/* ---------------------------------------------------------------- x86_64 */

enum row_x86_64 {
#define SYSCALL(nr_, name_, ...) ROW64_##name_,
#include "emu/syscalls.def"
#undef SYSCALL
	ROWS_X86_64
};

static const struct emu_syscall rows_x86_64[ROWS_X86_64] = {
#define SYSCALL(nr_, name_, nargs_, flags_, k0, k1, k2, k3, k4, k5)                                \
	[ROW64_##name_] = { .name = #name_,                                                        \
			    .nr = (nr_),                                                           \
			    .nargs = (nargs_),                                                     \
			    .flags = (flags_),                                                     \
			    .args = { k0, k1, k2, k3, k4, k5 } },
#include "emu/syscalls.def"
#undef SYSCALL
};

static const struct emu_syscall *const index_x86_64[] = {
#define SYSCALL(nr_, name_, ...) [nr_] = &rows_x86_64[ROW64_##name_],
#include "emu/syscalls.def"
#undef SYSCALL
};

/* x32 numbers 512..547, in order: the x86_64 row each one stands for. */
/* clang-format off */
static const struct emu_syscall *const index_x32_compat[] = {
	&rows_x86_64[ROW64_rt_sigaction],      /* 512 */
	&rows_x86_64[ROW64_rt_sigreturn],      /* 513 */
	&rows_x86_64[ROW64_ioctl],	       /* 514 */
	&rows_x86_64[ROW64_readv],	       /* 515 */
	&rows_x86_64[ROW64_writev],	       /* 516 */
	&rows_x86_64[ROW64_recvfrom],	       /* 517 */
	&rows_x86_64[ROW64_sendmsg],	       /* 518 */
	&rows_x86_64[ROW64_recvmsg],	       /* 519 */
	&rows_x86_64[ROW64_execve],	       /* 520 */
	&rows_x86_64[ROW64_ptrace],	       /* 521 */
	&rows_x86_64[ROW64_rt_sigpending],     /* 522 */
	&rows_x86_64[ROW64_rt_sigtimedwait],   /* 523 */
	&rows_x86_64[ROW64_rt_sigqueueinfo],   /* 524 */
	&rows_x86_64[ROW64_sigaltstack],       /* 525 */
	&rows_x86_64[ROW64_timer_create],      /* 526 */
	&rows_x86_64[ROW64_mq_notify],	       /* 527 */
	&rows_x86_64[ROW64_kexec_load],	       /* 528 */
	&rows_x86_64[ROW64_waitid],	       /* 529 */
	&rows_x86_64[ROW64_set_robust_list],   /* 530 */
	&rows_x86_64[ROW64_get_robust_list],   /* 531 */
	&rows_x86_64[ROW64_vmsplice],	       /* 532 */
	&rows_x86_64[ROW64_move_pages],	       /* 533 */
	&rows_x86_64[ROW64_preadv],	       /* 534 */
	&rows_x86_64[ROW64_pwritev],	       /* 535 */
	&rows_x86_64[ROW64_rt_tgsigqueueinfo], /* 536 */
	&rows_x86_64[ROW64_recvmmsg],	       /* 537 */
	&rows_x86_64[ROW64_sendmmsg],	       /* 538 */
	&rows_x86_64[ROW64_process_vm_readv],  /* 539 */
	&rows_x86_64[ROW64_process_vm_writev], /* 540 */
	&rows_x86_64[ROW64_setsockopt],	       /* 541 */
	&rows_x86_64[ROW64_getsockopt],	       /* 542 */
	&rows_x86_64[ROW64_io_setup],	       /* 543 */
	&rows_x86_64[ROW64_io_submit],	       /* 544 */
	&rows_x86_64[ROW64_execveat],	       /* 545 */
	&rows_x86_64[ROW64_preadv2],	       /* 546 */
	&rows_x86_64[ROW64_pwritev2],	       /* 547 */
};
/* clang-format on */

#define X32_COMPAT_FIRST 512

/* ------------------------------------------------------------------ i386 */

enum row_i386 {
#define SYSCALL(nr_, name_, ...) ROW32_##name_,
#include "emu/syscalls_i386.def"
#undef SYSCALL
	ROWS_I386
};

static const struct emu_syscall rows_i386[ROWS_I386] = {
#define SYSCALL(nr_, name_, nargs_, flags_, k0, k1, k2, k3, k4, k5)                                \
	[ROW32_##name_] = { .name = #name_,                                                        \
			    .nr = (nr_),                                                           \
			    .nargs = (nargs_),                                                     \
			    .flags = (flags_),                                                     \
			    .args = { k0, k1, k2, k3, k4, k5 } },
#include "emu/syscalls_i386.def"
#undef SYSCALL
};

static const struct emu_syscall *const index_i386[] = {
#define SYSCALL(nr_, name_, ...) [nr_] = &rows_i386[ROW32_##name_],
#include "emu/syscalls_i386.def"
#undef SYSCALL
};

/* ---------------------------------------------------------------- lookup */

const struct emu_syscall *emu_syscall_get(enum emu_abi abi, long nr)
{
	switch (abi) {
	case EMU_ABI_X86_64:
		if (nr < 0 || (size_t)nr >= ARRAY_SIZE(index_x86_64))
			return NULL;
		return index_x86_64[nr];
	case EMU_ABI_I386:
		if (nr < 0 || (size_t)nr >= ARRAY_SIZE(index_i386))
			return NULL;
		return index_i386[nr];
	case EMU_ABI_X32:
		if (nr >= X32_COMPAT_FIRST) {
			nr -= X32_COMPAT_FIRST;
			if ((size_t)nr >= ARRAY_SIZE(index_x32_compat))
				return NULL;
			return index_x32_compat[nr];
		}
		if (nr < 0 || (size_t)nr >= ARRAY_SIZE(index_x86_64))
			return NULL;
		return index_x86_64[nr];
	default:
		return NULL;
	}
}

const struct emu_syscall *emu_syscall_rows(enum emu_abi abi, size_t *ret_count)
{
	const struct emu_syscall *rows = NULL;
	size_t count = 0;

	switch (abi) {
	case EMU_ABI_X86_64:
	case EMU_ABI_X32:
		rows = rows_x86_64;
		count = ARRAY_SIZE(rows_x86_64);
		break;
	case EMU_ABI_I386:
		rows = rows_i386;
		count = ARRAY_SIZE(rows_i386);
		break;
	default:
		break;
	}
	if (ret_count)
		*ret_count = count;
	return rows;
}

/* A linear scan: ~450 short strcmp()s, and no caller is on the hot path. */
const struct emu_syscall *emu_syscall_by_name(enum emu_abi abi, const char *name)
{
	size_t count;
	const struct emu_syscall *rows = emu_syscall_rows(abi, &count);

	if (!name)
		return NULL;
	for (size_t i = 0; i < count; i++)
		if (strcmp(rows[i].name, name) == 0)
			return &rows[i];
	return NULL;
}

size_t emu_syscall_limit(enum emu_abi abi)
{
	switch (abi) {
	case EMU_ABI_X86_64:
		return ARRAY_SIZE(index_x86_64);
	case EMU_ABI_I386:
		return ARRAY_SIZE(index_i386);
	case EMU_ABI_X32:
		return X32_COMPAT_FIRST + ARRAY_SIZE(index_x32_compat);
	default:
		return 0;
	}
}

const char *emu_abi_name(enum emu_abi abi)
{
	switch (abi) {
	case EMU_ABI_X86_64:
		return "x86_64";
	case EMU_ABI_I386:
		return "i386";
	case EMU_ABI_X32:
		return "x32";
	default:
		return "unknown";
	}
}
