/*
 * tests/unit/check_emu.c — the emu/ syscall tables and argument decoding:
 * every row against the kernel headers of the build machine, the shape of
 * every row (kinds past nargs, buffer length arguments, number order),
 * lookup bounds, the argument counts and classes of well-known calls, and
 * the text of emu_format_args/emu_format_ret/emu_quote byte for byte.
 *
 * The expected strings were taken from strace 6.1 tracing the same calls
 * (raw syscall(2)s with these arguments); where pcow deliberately differs
 * from strace the test says so.
 */
#include <check.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/syscalls.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* x86_64 numbers that must have rows: 0..334 and 424..469 (Linux 6.18). */
#define X86_64_LAST_LOW 336
#define X86_64_FIRST_HIGH 424
#define LAST_NR 469

/* ------------------------------------------------------------ headers */

struct hdr_entry {
	char name[64];
	long nr;
};

/*
 * Read "#define __NR_name nr" lines of an asm/unistd_*.h.  Tries the
 * Debian multiarch path first, then the plain one (Fedora).  Returns the
 * number of entries, -1 when neither file exists.
 */
static int read_unistd(const char *base, struct hdr_entry *out, int max, char *ret_path,
		       size_t path_size)
{
	static const char *const dirs[] = { "/usr/include/x86_64-linux-gnu/asm",
					    "/usr/include/asm" };
	char line[256];
	FILE *f = NULL;
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !f; i++) {
		snprintf(ret_path, path_size, "%s/%s", dirs[i], base);
		f = fopen(ret_path, "re");
	}
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && n < max) {
		char name[64];
		long nr;

		if (sscanf(line, "#define __NR_%63s %ld", name, &nr) != 2)
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%s", name);
		out[n].nr = nr;
		n++;
	}
	fclose(f);
	return n;
}

/* Every header name is a row with the header's number, and every row up to the header's last
 * number is in the header under the same name. */
static void check_against_header(enum emu_abi abi, const char *base)
{
	static struct hdr_entry hdr[1024];
	char path[PATH_MAX];
	long max_nr = -1;
	size_t count;
	const struct emu_syscall *rows = emu_syscall_rows(abi, &count);
	int n = read_unistd(base, hdr, (int)ARRAY_SIZE(hdr), path, sizeof(path));

	ck_assert_msg(n > 300, "cannot read %s (kernel headers missing?)", path);
	for (int i = 0; i < n; i++) {
		const struct emu_syscall *sc = emu_syscall_by_name(abi, hdr[i].name);

		ck_assert_msg(sc, "%s: %s (%ld) has no row", emu_abi_name(abi), hdr[i].name,
			      hdr[i].nr);
		ck_assert_msg(sc->nr == hdr[i].nr, "%s: %s is %d in the table, %ld in %s",
			      emu_abi_name(abi), hdr[i].name, sc->nr, hdr[i].nr, path);
		ck_assert_ptr_eq(emu_syscall_get(abi, hdr[i].nr), sc);
		if (hdr[i].nr > max_nr)
			max_nr = hdr[i].nr;
	}
	for (size_t r = 0; r < count; r++) {
		bool found = false;

		if (rows[r].nr > max_nr)
			continue; /* newer than the header */
		if (abi == EMU_ABI_X86_64 && (rows[r].nr == 335 || rows[r].nr == 336))
			continue; /* uretprobe (6.11) and uprobe (6.16), below older headers' last */
		for (int i = 0; i < n && !found; i++)
			found = hdr[i].nr == rows[r].nr && strcmp(hdr[i].name, rows[r].name) == 0;
		ck_assert_msg(found, "%s: row %s (%d) is not in %s", emu_abi_name(abi),
			      rows[r].name, rows[r].nr, path);
	}
}

START_TEST(test_x86_64_matches_header)
{
	check_against_header(EMU_ABI_X86_64, "unistd_64.h");
}
END_TEST

START_TEST(test_i386_matches_header)
{
	check_against_header(EMU_ABI_I386, "unistd_32.h");
}
END_TEST

/* ------------------------------------------------------- row structure */

static bool is_length_kind(int kind)
{
	return kind == EK_SIZE || kind == EK_INT || kind == EK_UINT || kind == EK_LONG;
}

static void check_rows(enum emu_abi abi)
{
	size_t count, limit = emu_syscall_limit(abi);
	const struct emu_syscall *rows = emu_syscall_rows(abi, &count);

	ck_assert_ptr_nonnull(rows);
	ck_assert_uint_gt(count, 300);
	ck_assert_uint_eq(limit, (size_t)rows[count - 1].nr + 1);
	for (size_t r = 0; r < count; r++) {
		const struct emu_syscall *sc = &rows[r];

		ck_assert_msg(sc->name && sc->name[0], "%s row %zu has no name", emu_abi_name(abi),
			      r);
		ck_assert_msg(r == 0 || rows[r - 1].nr < sc->nr, "%s: %s (%d) out of number order",
			      emu_abi_name(abi), sc->name, sc->nr);
		ck_assert_ptr_eq(emu_syscall_get(abi, sc->nr), sc);
		ck_assert_ptr_eq(emu_syscall_by_name(abi, sc->name), sc);
		ck_assert_uint_le(sc->nargs, 6);
		for (int i = 0; i < 6; i++) {
			const struct emu_arg *a = &sc->args[i];

			ck_assert_msg(a->kind < EK_COUNT, "%s arg %d: bad kind", sc->name, i);
			if (i >= sc->nargs) {
				ck_assert_msg(a->kind == EK_NONE, "%s: kind past nargs at %d",
					      sc->name, i);
				continue;
			}
			ck_assert_msg(a->kind != EK_NONE, "%s: no kind for arg %d", sc->name, i);
			if (a->kind == EK_BUF_IN || a->kind == EK_BUF_OUT) {
				ck_assert_msg(a->len_arg < sc->nargs && a->len_arg != i &&
						      is_length_kind(sc->args[a->len_arg].kind),
					      "%s: arg %d has a bad length argument %d", sc->name,
					      i, a->len_arg);
			} else {
				ck_assert_msg(a->len_arg == 0, "%s: len_arg on arg %d", sc->name,
					      i);
			}
		}
		/* classes that go together */
		if (sc->flags & EMU_F_NORETURN)
			ck_assert(sc->flags & EMU_F_PROCESS);
		if (sc->flags & EMU_F_EXEC)
			ck_assert(sc->flags & EMU_F_FILE);
	}
	/* every number below the limit either has its row or none */
	for (size_t nr = 0; nr < limit; nr++) {
		const struct emu_syscall *sc = emu_syscall_get(abi, (long)nr);

		if (sc)
			ck_assert_int_eq(sc->nr, (int)nr);
	}
}

START_TEST(test_rows_x86_64)
{
	check_rows(EMU_ABI_X86_64);
	/* no hole in the ranges the kernel defines, nothing in the reserved gap */
	for (long nr = 0; nr <= LAST_NR; nr++) {
		bool want = nr <= X86_64_LAST_LOW || nr >= X86_64_FIRST_HIGH;

		ck_assert_msg((emu_syscall_get(EMU_ABI_X86_64, nr) != NULL) == want,
			      "x86_64 %ld: row %s", nr, want ? "missing" : "unexpected");
	}
	ck_assert_uint_eq(emu_syscall_limit(EMU_ABI_X86_64), LAST_NR + 1);
}
END_TEST

START_TEST(test_rows_i386)
{
	static const long holes[] = { 222, 223, 251, 285, 387, 388, 389, 390, 391, 392, 415 };

	check_rows(EMU_ABI_I386);
	for (long nr = 0; nr <= LAST_NR; nr++) {
		bool hole = false;

		for (size_t i = 0; i < ARRAY_SIZE(holes); i++)
			hole = hole || holes[i] == nr;
		ck_assert_msg((emu_syscall_get(EMU_ABI_I386, nr) != NULL) == !hole,
			      "i386 %ld: row %s", nr, hole ? "unexpected" : "missing");
	}
	ck_assert_uint_eq(emu_syscall_limit(EMU_ABI_I386), LAST_NR + 1);
}
END_TEST

/* --------------------------------------------------------------- bounds */

START_TEST(test_lookup_bounds)
{
	static const enum emu_abi abis[] = { EMU_ABI_X86_64, EMU_ABI_I386, EMU_ABI_X32 };

	for (size_t i = 0; i < ARRAY_SIZE(abis); i++) {
		enum emu_abi abi = abis[i];
		size_t limit = emu_syscall_limit(abi);

		ck_assert_ptr_null(emu_syscall_get(abi, (long)limit));
		ck_assert_ptr_null(emu_syscall_get(abi, (long)limit + 1));
		ck_assert_ptr_nonnull(emu_syscall_get(abi, (long)limit - 1));
		ck_assert_ptr_null(emu_syscall_get(abi, -1));
		ck_assert_ptr_null(emu_syscall_get(abi, LONG_MIN));
		ck_assert_ptr_null(emu_syscall_get(abi, LONG_MAX));
		ck_assert_ptr_nonnull(emu_syscall_get(abi, 0));
	}
	ck_assert_str_eq(emu_syscall_get(EMU_ABI_X86_64, 0)->name, "read");
	ck_assert_str_eq(emu_syscall_get(EMU_ABI_I386, 0)->name, "restart_syscall");
	ck_assert_str_eq(emu_syscall_get(EMU_ABI_X86_64, LAST_NR)->name, "file_setattr");
	ck_assert_str_eq(emu_syscall_get(EMU_ABI_I386, LAST_NR)->name, "file_setattr");

	/* x32: the x86_64 rows, plus its own entry points 512..547 */
	ck_assert_uint_eq(emu_syscall_limit(EMU_ABI_X32), 548);
	ck_assert_ptr_eq(emu_syscall_get(EMU_ABI_X32, 257), emu_syscall_get(EMU_ABI_X86_64, 257));
	ck_assert_str_eq(emu_syscall_get(EMU_ABI_X32, 512)->name, "rt_sigaction");
	ck_assert_str_eq(emu_syscall_get(EMU_ABI_X32, 520)->name, "execve");
	ck_assert_str_eq(emu_syscall_get(EMU_ABI_X32, 547)->name, "pwritev2");
	ck_assert_ptr_null(emu_syscall_get(EMU_ABI_X32, 511));
	ck_assert_ptr_null(emu_syscall_get(EMU_ABI_X32, 400));

	/* an ABI that does not exist */
	ck_assert_ptr_null(emu_syscall_get(EMU_ABI_COUNT, 0));
	ck_assert_ptr_null(emu_syscall_get((enum emu_abi)(-1), 0));
	ck_assert_uint_eq(emu_syscall_limit(EMU_ABI_COUNT), 0);
	{
		size_t count = 99;

		ck_assert_ptr_null(emu_syscall_rows(EMU_ABI_COUNT, &count));
		ck_assert_uint_eq(count, 0);
	}
	ck_assert_ptr_null(emu_syscall_by_name(EMU_ABI_COUNT, "read"));
	ck_assert_ptr_null(emu_syscall_by_name(EMU_ABI_X86_64, "no_such_call"));
	ck_assert_ptr_null(emu_syscall_by_name(EMU_ABI_X86_64, "mmap2"));
	ck_assert_ptr_null(emu_syscall_by_name(EMU_ABI_X86_64, NULL));
	ck_assert_ptr_null(emu_syscall_by_name(EMU_ABI_X86_64, ""));

	ck_assert_str_eq(emu_abi_name(EMU_ABI_X86_64), "x86_64");
	ck_assert_str_eq(emu_abi_name(EMU_ABI_I386), "i386");
	ck_assert_str_eq(emu_abi_name(EMU_ABI_X32), "x32");
	ck_assert_ptr_nonnull(emu_abi_name(EMU_ABI_COUNT));
}
END_TEST

/* ------------------------------------------------ well-known calls */

struct known_call {
	enum emu_abi abi;
	const char *name;
	int nr;
	int nargs;
	uint32_t flags_set;   /* must all be set */
	uint32_t flags_clear; /* must all be clear */
};

#define F_FD EMU_F_RET_FD
#define F_WR EMU_F_WRITES

static const struct known_call known_calls[] = {
	{ EMU_ABI_X86_64, "read", 0, 3, EMU_F_DESC, F_WR | F_FD },
	{ EMU_ABI_X86_64, "write", 1, 3, EMU_F_DESC | F_WR, F_FD },
	{ EMU_ABI_X86_64, "open", 2, 3, EMU_F_FILE | F_FD | F_WR, 0 },
	{ EMU_ABI_X86_64, "close", 3, 1, EMU_F_DESC, F_FD | F_WR },
	{ EMU_ABI_X86_64, "stat", 4, 2, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "lseek", 8, 3, EMU_F_DESC, F_WR },
	{ EMU_ABI_X86_64, "mmap", 9, 6, EMU_F_MEMORY | EMU_F_RET_HEX, 0 },
	{ EMU_ABI_X86_64, "brk", 12, 1, EMU_F_RET_HEX, 0 },
	{ EMU_ABI_X86_64, "rt_sigreturn", 15, 0, EMU_F_SIGNAL, 0 },
	{ EMU_ABI_X86_64, "pread64", 17, 4, EMU_F_DESC, F_WR },
	{ EMU_ABI_X86_64, "access", 21, 2, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "dup2", 33, 2, F_FD, 0 },
	{ EMU_ABI_X86_64, "socket", 41, 3, EMU_F_NET | F_FD, 0 },
	{ EMU_ABI_X86_64, "clone", 56, 5, EMU_F_PROCESS, 0 },
	{ EMU_ABI_X86_64, "execve", 59, 3, EMU_F_EXEC | EMU_F_FILE, EMU_F_NORETURN },
	{ EMU_ABI_X86_64, "exit", 60, 1, EMU_F_NORETURN, 0 },
	{ EMU_ABI_X86_64, "wait4", 61, 4, EMU_F_PROCESS, 0 },
	{ EMU_ABI_X86_64, "kill", 62, 2, EMU_F_SIGNAL | EMU_F_PROCESS, 0 },
	{ EMU_ABI_X86_64, "shmat", 30, 3, EMU_F_IPC | EMU_F_RET_HEX, 0 },
	{ EMU_ABI_X86_64, "truncate", 76, 2, EMU_F_FILE | F_WR, 0 },
	{ EMU_ABI_X86_64, "getcwd", 79, 2, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "rename", 82, 2, EMU_F_FILE | F_WR, 0 },
	{ EMU_ABI_X86_64, "creat", 85, 2, F_FD | F_WR, 0 },
	{ EMU_ABI_X86_64, "readlink", 89, 3, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "chown", 92, 3, F_WR, 0 },
	{ EMU_ABI_X86_64, "mount", 165, 5, F_WR, 0 },
	{ EMU_ABI_X86_64, "setxattr", 188, 5, EMU_F_FILE | F_WR, 0 },
	{ EMU_ABI_X86_64, "getxattr", 191, 4, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "futex", 202, 6, 0, 0 },
	{ EMU_ABI_X86_64, "exit_group", 231, 1, EMU_F_NORETURN, 0 },
	{ EMU_ABI_X86_64, "openat", 257, 4, EMU_F_FILE | EMU_F_DESC | F_FD | F_WR, 0 },
	{ EMU_ABI_X86_64, "newfstatat", 262, 4, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "unlinkat", 263, 3, F_WR, F_FD },
	{ EMU_ABI_X86_64, "linkat", 265, 5, F_WR, 0 },
	{ EMU_ABI_X86_64, "readlinkat", 267, 4, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "utimensat", 280, 4, F_WR, 0 },
	{ EMU_ABI_X86_64, "fallocate", 285, 4, F_WR, 0 },
	{ EMU_ABI_X86_64, "pipe2", 293, 2, EMU_F_DESC, F_FD },
	{ EMU_ABI_X86_64, "renameat2", 316, 5, F_WR, 0 },
	{ EMU_ABI_X86_64, "memfd_create", 319, 2, F_FD, 0 },
	{ EMU_ABI_X86_64, "execveat", 322, 5, EMU_F_EXEC, 0 },
	{ EMU_ABI_X86_64, "copy_file_range", 326, 6, F_WR, 0 },
	{ EMU_ABI_X86_64, "statx", 332, 5, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "rseq", 334, 4, 0, 0 },
	{ EMU_ABI_X86_64, "io_uring_setup", 425, 2, F_FD, 0 },
	{ EMU_ABI_X86_64, "clone3", 435, 2, EMU_F_PROCESS, 0 },
	{ EMU_ABI_X86_64, "openat2", 437, 4, F_FD | F_WR, 0 },
	{ EMU_ABI_X86_64, "faccessat2", 439, 4, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "cachestat", 451, 4, EMU_F_DESC, 0 },
	{ EMU_ABI_X86_64, "fchmodat2", 452, 4, EMU_F_FILE | F_WR, 0 },
	{ EMU_ABI_X86_64, "map_shadow_stack", 453, 3, EMU_F_RET_HEX, 0 },
	{ EMU_ABI_X86_64, "futex_wait", 455, 6, 0, 0 },
	{ EMU_ABI_X86_64, "statmount", 457, 4, 0, 0 },
	{ EMU_ABI_X86_64, "lsm_list_modules", 461, 3, 0, 0 },
	{ EMU_ABI_X86_64, "mseal", 462, 3, EMU_F_MEMORY, 0 },
	{ EMU_ABI_X86_64, "setxattrat", 463, 6, F_WR, 0 },
	{ EMU_ABI_X86_64, "getxattrat", 464, 6, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "listxattrat", 465, 5, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "removexattrat", 466, 4, F_WR, 0 },
	{ EMU_ABI_X86_64, "open_tree_attr", 467, 5, F_FD, 0 },
	{ EMU_ABI_X86_64, "file_getattr", 468, 5, EMU_F_FILE, F_WR },
	{ EMU_ABI_X86_64, "file_setattr", 469, 5, F_WR, 0 },
	{ EMU_ABI_I386, "exit", 1, 1, EMU_F_NORETURN, 0 },
	{ EMU_ABI_I386, "read", 3, 3, 0, F_WR },
	{ EMU_ABI_I386, "open", 5, 3, F_FD | F_WR, 0 },
	{ EMU_ABI_I386, "execve", 11, 3, EMU_F_EXEC, 0 },
	{ EMU_ABI_I386, "mmap", 90, 1, EMU_F_RET_HEX, 0 },
	{ EMU_ABI_I386, "socketcall", 102, 2, 0, 0 },
	{ EMU_ABI_I386, "ipc", 117, 6, EMU_F_IPC, 0 },
	{ EMU_ABI_I386, "clone", 120, 5, EMU_F_PROCESS, 0 },
	{ EMU_ABI_I386, "_llseek", 140, 5, 0, 0 },
	{ EMU_ABI_I386, "pread64", 180, 5, 0, 0 },
	{ EMU_ABI_I386, "mmap2", 192, 6, EMU_F_RET_HEX, 0 },
	{ EMU_ABI_I386, "truncate64", 193, 3, F_WR, 0 },
	{ EMU_ABI_I386, "stat64", 195, 2, EMU_F_FILE, 0 },
	{ EMU_ABI_I386, "exit_group", 252, 1, EMU_F_NORETURN, 0 },
	{ EMU_ABI_I386, "openat", 295, 4, F_FD | F_WR, 0 },
	{ EMU_ABI_I386, "fstatat64", 300, 4, EMU_F_FILE, 0 },
	{ EMU_ABI_I386, "fallocate", 324, 6, F_WR, 0 },
	{ EMU_ABI_I386, "socket", 359, 3, F_FD, 0 },
	{ EMU_ABI_I386, "statx", 383, 5, 0, 0 },
	{ EMU_ABI_I386, "clock_gettime64", 403, 2, 0, 0 },
	{ EMU_ABI_I386, "futex_time64", 422, 6, 0, 0 },
	{ EMU_ABI_I386, "openat2", 437, 4, F_FD, 0 },
	{ EMU_ABI_I386, "mseal", 462, 3, 0, 0 },
};

START_TEST(test_known_calls)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_calls); i++) {
		const struct known_call *k = &known_calls[i];
		const struct emu_syscall *sc = emu_syscall_by_name(k->abi, k->name);

		ck_assert_msg(sc, "%s: no %s", emu_abi_name(k->abi), k->name);
		ck_assert_msg(sc->nr == k->nr, "%s: %s is %d, not %d", emu_abi_name(k->abi),
			      k->name, sc->nr, k->nr);
		ck_assert_msg(sc->nargs == k->nargs, "%s: %s takes %d args, not %d",
			      emu_abi_name(k->abi), k->name, k->nargs, sc->nargs);
		ck_assert_msg((sc->flags & k->flags_set) == k->flags_set, "%s: %s lacks flags %#x",
			      emu_abi_name(k->abi), k->name, k->flags_set & ~sc->flags);
		ck_assert_msg(!(sc->flags & k->flags_clear), "%s: %s has flags %#x",
			      emu_abi_name(k->abi), k->name, sc->flags & k->flags_clear);
	}
}
END_TEST

/* The kinds that the tracer and the CoW layer rely on. */
START_TEST(test_known_kinds)
{
	const struct emu_syscall *sc;

	sc = emu_syscall_by_name(EMU_ABI_X86_64, "openat");
	ck_assert_int_eq(sc->args[0].kind, EK_DIRFD);
	ck_assert_int_eq(sc->args[1].kind, EK_PATH);
	ck_assert_int_eq(sc->args[2].kind, EK_OPEN_FLAGS);
	ck_assert_int_eq(sc->args[3].kind, EK_MODE);

	sc = emu_syscall_by_name(EMU_ABI_X86_64, "read");
	ck_assert_int_eq(sc->args[0].kind, EK_FD);
	ck_assert_int_eq(sc->args[1].kind, EK_BUF_OUT);
	ck_assert_int_eq(sc->args[1].len_arg, 2);
	ck_assert_int_eq(sc->args[2].kind, EK_SIZE);

	sc = emu_syscall_by_name(EMU_ABI_X86_64, "write");
	ck_assert_int_eq(sc->args[1].kind, EK_BUF_IN);
	ck_assert_int_eq(sc->args[1].len_arg, 2);

	sc = emu_syscall_by_name(EMU_ABI_X86_64, "readlinkat");
	ck_assert_int_eq(sc->args[2].kind, EK_BUF_OUT);
	ck_assert_int_eq(sc->args[2].len_arg, 3);

	sc = emu_syscall_by_name(EMU_ABI_X86_64, "execve");
	ck_assert_int_eq(sc->args[0].kind, EK_PATH);
	ck_assert_int_eq(sc->args[1].kind, EK_STRV);
	ck_assert_int_eq(sc->args[2].kind, EK_PTR);

	sc = emu_syscall_by_name(EMU_ABI_X86_64, "renameat2");
	ck_assert_int_eq(sc->args[1].kind, EK_PATH);
	ck_assert_int_eq(sc->args[2].kind, EK_DIRFD);
	ck_assert_int_eq(sc->args[3].kind, EK_PATH);

	/* a symlink's target is not a path to resolve, only its new name is */
	sc = emu_syscall_by_name(EMU_ABI_X86_64, "symlinkat");
	ck_assert_int_eq(sc->args[0].kind, EK_STR);
	ck_assert_int_eq(sc->args[2].kind, EK_PATH);

	sc = emu_syscall_by_name(EMU_ABI_I386, "open");
	ck_assert_int_eq(sc->args[0].kind, EK_PATH);
	sc = emu_syscall_by_name(EMU_ABI_I386, "unlink");
	ck_assert_int_eq(sc->args[0].kind, EK_PATH);
	ck_assert(sc->flags & EMU_F_WRITES);
}
END_TEST

/* ----------------------------------------------------------- formatting */

/* clang-format off */
#define NONE { NULL, 0, EMU_BLOB_NONE }
#define STR(s) { (s), sizeof(s) - 1, EMU_BLOB_OK }
#define MEM(s, n) { (s), (n), EMU_BLOB_OK }
#define TRUNC(s, n) { (s), (n), EMU_BLOB_TRUNCATED }
#define FAULT { NULL, 0, EMU_BLOB_FAULT }
/* clang-format on */

/*
 * Format one call and compare; then format it again into every buffer
 * size from 0 to the full length + 1 and check the snprintf contract (the
 * same return value, a NUL-terminated prefix, nothing written past size).
 */
static void check_text(int line, const char *what, size_t (*format)(char *, size_t, const void *),
		       const void *ctx, const char *expect)
{
	char buf[1024], small[1024 + 16];
	size_t len = strlen(expect);
	size_t n = format(buf, sizeof(buf), ctx);

	ck_assert_msg(strcmp(buf, expect) == 0, "line %d: %s\n  got: %s\n want: %s", line, what,
		      buf, expect);
	ck_assert_msg(n == len, "line %d: %s returned %zu, want %zu", line, what, n, len);

	for (size_t size = 0; size <= len + 1; size++) {
		memset(small, 'Z', sizeof(small));
		n = format(size ? small : NULL, size, ctx);
		ck_assert_msg(n == len, "line %d: size %zu returned %zu", line, size, n);
		n = format(small, size, ctx);
		ck_assert_msg(n == len, "line %d: size %zu returned %zu", line, size, n);
		if (size) {
			size_t kept = size - 1 < len ? size - 1 : len;

			ck_assert_msg(memcmp(small, expect, kept) == 0 && small[kept] == '\0',
				      "line %d: size %zu: bad prefix \"%s\"", line, size, small);
		}
		for (size_t k = size; k < size + 16; k++)
			ck_assert_msg(small[k] == 'Z', "line %d: size %zu: byte %zu overwritten",
				      line, size, k);
	}
}

struct args_ctx {
	const struct emu_syscall *sc;
	const uint64_t *args;
	const struct emu_blob *blobs;
	int64_t ret;
};

static size_t format_args_ctx(char *buf, size_t size, const void *p)
{
	const struct args_ctx *c = p;

	return emu_format_args(buf, size, c->sc, c->args, c->blobs, c->ret);
}

static void check_args(int line, enum emu_abi abi, const char *name, const char *expect,
		       int64_t ret, const struct emu_blob blobs[6], const uint64_t args[6])
{
	struct args_ctx c = { NULL, args, blobs, ret };

	if (name) {
		c.sc = emu_syscall_by_name(abi, name);
		ck_assert_msg(c.sc, "line %d: no row %s", line, name);
	}
	check_text(line, name ? name : "unknown", format_args_ctx, &c, expect);
}

/* ARGS(abi, name, expected text, result, { blobs }, args...) */
#define ARGS(abi, name, expect, ret, blobs, ...)                                                   \
	do {                                                                                       \
		const struct emu_blob b_[6] = blobs;                                               \
		const uint64_t a_[6] = { __VA_ARGS__ };                                            \
		check_args(__LINE__, abi, name, expect, ret, b_, a_);                              \
	} while (0)
/* clang-format off */
#define X64 EMU_ABI_X86_64
#define I386 EMU_ABI_I386
#define B(...) { __VA_ARGS__ }
#define AT_FDCWD_U ((uint64_t)(int64_t)-100)
#define NEG(x) ((uint64_t)(int64_t)(x))
/* clang-format on */

START_TEST(test_format_files)
{
	ARGS(X64, "openat", "AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC", 3,
	     B(NONE, STR("/etc/passwd")), AT_FDCWD_U, 0x1000, 02000000, 0);
	ARGS(X64, "openat", "AT_FDCWD, \"/tmp/probe/x\", O_WRONLY|O_CREAT|O_TRUNC, 0644", 4,
	     B(NONE, STR("/tmp/probe/x")), AT_FDCWD_U, 0x1000, 01101, 0644);
	ARGS(X64, "openat", "AT_FDCWD, \"/tmp/probe\", O_RDWR|O_TMPFILE, 0600", 5,
	     B(NONE, STR("/tmp/probe")), AT_FDCWD_U, 0x1000, 020200002, 0600);
	/* no O_CREAT: the mode is not printed */
	ARGS(X64, "openat", "AT_FDCWD, \"/tmp/probe/x\", O_RDONLY|0x40000000", 6,
	     B(NONE, STR("/tmp/probe/x")), AT_FDCWD_U, 0x1000, 0x40000000, 0600);
	ARGS(X64, "openat",
	     "AT_FDCWD, \"/tmp/probe/x\", O_WRONLY|O_EXCL|O_NOCTTY|O_APPEND|O_NONBLOCK|O_SYNC|"
	     "O_DIRECT|O_NOFOLLOW|O_NOATIME|O_DIRECTORY|FASYNC",
	     -20, B(NONE, STR("/tmp/probe/x")), AT_FDCWD_U, 0x1000, 05676601, 0);
	ARGS(X64, "openat", "5, \"rel\", O_RDWR|O_PATH", -20, B(NONE, STR("rel")), 5, 0x1000,
	     010000002, 0);
	ARGS(X64, "openat", "-1, NULL, O_ACCMODE", -14, B(NONE, NONE), NEG(-1), 0, 3, 0);
	ARGS(X64, "openat", "AT_FDCWD, \"/x\", O_RDONLY|O_CREAT, 0177777", -2, B(NONE, STR("/x")),
	     AT_FDCWD_U, 0x1000, 0100, 0xffffffff);
	ARGS(X64, "open", "\"/nonexistent\", O_RDONLY", -2, B(STR("/nonexistent")), 0x1000, 0, 0);
	/* unreadable, and not fetched: the pointer */
	ARGS(X64, "open", "0x1, O_RDONLY", -14, B(FAULT), 1, 0, 0);
	ARGS(X64, "open", "0x7ffc1000, O_RDONLY", -14, B(NONE), 0x7ffc1000, 0, 0);
	/* a path cut at PATH_MAX by the tracer */
	ARGS(X64, "open", "\"/aaaa\"..., O_RDONLY", -36, B(TRUNC("/aaaa", 5)), 0x1000, 0, 0);
	/* the blob's length counts, not a NUL past it */
	ARGS(X64, "open", "\"/et\", O_RDONLY", -2, B(MEM("/etc", 3)), 0x1000, 0, 0);
	/* the register's high half is not part of an int */
	ARGS(X64, "close", "3", 0, B(NONE), 0x100000003);
	ARGS(X64, "close", "-1", -9, B(NONE), NEG(-1));

	ARGS(X64, "unlinkat", "AT_FDCWD, \"/tmp/probe/x\", AT_REMOVEDIR", -20,
	     B(NONE, STR("/tmp/probe/x")), AT_FDCWD_U, 0x1000, 0x200);
	ARGS(X64, "unlinkat", "AT_FDCWD, \"/tmp/probe/x\", 0", 0, B(NONE, STR("/tmp/probe/x")),
	     AT_FDCWD_U, 0x1000, 0);
	ARGS(X64, "unlinkat", "AT_FDCWD, \"/tmp/probe/nx\", 0x800000 /* AT_??? */", -22,
	     B(NONE, STR("/tmp/probe/nx")), AT_FDCWD_U, 0x1000, 0x800000);
	ARGS(X64, "newfstatat",
	     "AT_FDCWD, \"\", 0x7ffedadb7c20, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH|0x10000", -22,
	     B(NONE, MEM("", 0)), AT_FDCWD_U, 0x1000, 0x7ffedadb7c20, 0x11100);
	ARGS(X64, "newfstatat",
	     "AT_FDCWD, \"/x\", NULL, "
	     "AT_REMOVEDIR|AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT|AT_RECURSIVE|0x6000",
	     -22, B(NONE, STR("/x")), AT_FDCWD_U, 0x1000, 0, 0xee00);
	ARGS(X64, "newfstatat", "3, \"\", 0x7ffc0000, AT_EMPTY_PATH", 0, B(NONE, STR("")), 3,
	     0x1000, 0x7ffc0000, 0x1000);
	{
		/* struct stat fetched at exit, printed as strace does */
		static struct stat reg, chr;

		reg.st_mode = S_IFREG | 0644;
		reg.st_size = 41987;
		chr.st_mode = S_IFCHR | 0666;
		chr.st_rdev = makedev(1, 3);
		ARGS(X64, "newfstatat",
		     "3, \"\", {st_mode=S_IFREG|0644, st_size=41987, ...}, AT_EMPTY_PATH", 0,
		     B(NONE, STR(""), MEM((const char *)&reg, sizeof(reg))), 3, 0x1000, 0x7ffc0000,
		     0x1000);
		ARGS(X64, "fstat", "1, {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}", 0,
		     B(NONE, MEM((const char *)&chr, sizeof(chr))), 1, 0x7ffc0000);
		/* a failed call filled nothing: the pointer */
		ARGS(X64, "stat", "\"/x\", 0x7ffc0000", -2,
		     B(STR("/x"), MEM((const char *)&reg, sizeof(reg))), 0x1000, 0x7ffc0000);
		/* a short blob is not a struct stat */
		ARGS(X64, "fstat", "1, 0x7ffc0000", 0, B(NONE, MEM((const char *)&reg, 8)), 1,
		     0x7ffc0000);
	}

	ARGS(X64, "mkdirat", "AT_FDCWD, \"/tmp/probe/d\", 0755", 0, B(NONE, STR("/tmp/probe/d")),
	     AT_FDCWD_U, 0x1000, 0755);
	ARGS(X64, "mkdirat", "AT_FDCWD, \"/tmp/probe/d\", 01777", -17, B(NONE, STR("/tmp/probe/d")),
	     AT_FDCWD_U, 0x1000, 01777);
	ARGS(X64, "mkdirat", "AT_FDCWD, \"/x\", 007", -2, B(NONE, STR("/x")), AT_FDCWD_U, 0x1000,
	     07);
	/*
	 * Modes are umode_t: 16 bits.  pcow names a file type wherever one is
	 * set (emu/syscalls.h, EK_MODE); strace 6.1 names it only for mknod
	 * and prints 011064 and 0100644 for these two.
	 */
	ARGS(X64, "mkdirat", "AT_FDCWD, \"/x\", S_IFIFO|01064", -2, B(NONE, STR("/x")), AT_FDCWD_U,
	     0x1000, 0xffff1234);
	ARGS(X64, "chmod", "\"/tmp/probe/f\", S_IFREG|0644", 0, B(STR("/tmp/probe/f")), 0x1000,
	     0100644);
	ARGS(X64, "fchmodat", "AT_FDCWD, \"/tmp/probe/f\", 000", 0, B(NONE, STR("/tmp/probe/f")),
	     AT_FDCWD_U, 0x1000, 0);
	ARGS(X64, "fchmodat", "AT_FDCWD, \"/tmp/probe/f\", 04755", 0, B(NONE, STR("/tmp/probe/f")),
	     AT_FDCWD_U, 0x1000, 04755);
	ARGS(X64, "mknodat", "AT_FDCWD, \"/tmp/probe/f\", S_IFIFO|0644", 0,
	     B(NONE, STR("/tmp/probe/f")), AT_FDCWD_U, 0x1000, 010644, 0);
	ARGS(X64, "mknodat", "AT_FDCWD, \"/tmp/probe/c\", S_IFCHR|0644, makedev(0x1, 0x3)", 0,
	     B(NONE, STR("/tmp/probe/c")), AT_FDCWD_U, 0x1000, 020644, 0x103);
	ARGS(X64, "mknodat", "AT_FDCWD, \"/tmp/probe/c\", 0644", -17, B(NONE, STR("/tmp/probe/c")),
	     AT_FDCWD_U, 0x1000, 0644, 0x103);
	ARGS(X64, "mknodat", "AT_FDCWD, \"/x\", S_IFSOCK|000", -2, B(NONE, STR("/x")), AT_FDCWD_U,
	     0x1000, 0140000, 0);
	ARGS(X64, "mknodat", "AT_FDCWD, \"/x\", S_IFBLK|0600, makedev(0x1, 0x823)", -2,
	     B(NONE, STR("/x")), AT_FDCWD_U, 0x1000, 0060600, 0x800123);
	ARGS(X64, "mknod", "\"/x\", S_IFCHR|0666, makedev(0x88, 0x1)", 0, B(STR("/x")), 0x1000,
	     020666, 0x8801);

	ARGS(X64, "faccessat", "AT_FDCWD, \"/tmp/probe/f\", R_OK|W_OK", 0,
	     B(NONE, STR("/tmp/probe/f")), AT_FDCWD_U, 0x1000, 6);
	ARGS(X64, "faccessat", "AT_FDCWD, \"/tmp/probe/f\", F_OK", 0, B(NONE, STR("/tmp/probe/f")),
	     AT_FDCWD_U, 0x1000, 0);
	ARGS(X64, "faccessat", "AT_FDCWD, \"/tmp/probe/f\", X_OK|0x8", -22,
	     B(NONE, STR("/tmp/probe/f")), AT_FDCWD_U, 0x1000, 9);
	ARGS(X64, "faccessat", "AT_FDCWD, \"/x\", 0x8 /* ?_OK */", -22, B(NONE, STR("/x")),
	     AT_FDCWD_U, 0x1000, 8);
	ARGS(X64, "faccessat2", "AT_FDCWD, \"/tmp/probe/f\", X_OK, AT_SYMLINK_NOFOLLOW|AT_EACCESS",
	     -13, B(NONE, STR("/tmp/probe/f")), AT_FDCWD_U, 0x1000, 1, 0x300);
	ARGS(X64, "access", "\"/etc/ld.so.preload\", R_OK", -2, B(STR("/etc/ld.so.preload")),
	     0x1000, 4);

	ARGS(X64, "readlink", "\"/proc/self/exe\", \"/tmp/probe/p\", 200", 12,
	     B(STR("/proc/self/exe"), STR("/tmp/probe/p")), 0x1000, 0x2000, 200);
	ARGS(X64, "readlinkat", "AT_FDCWD, \"/proc/self/cwd\", \"/tm\", 3", 3,
	     B(NONE, STR("/proc/self/cwd"), STR("/tm")), AT_FDCWD_U, 0x1000, 0x2000, 3);
	/* getcwd's result counts the NUL, which is not shown */
	ARGS(X64, "getcwd", "\"/tmp/pc\", 200", 8, B(MEM("/tmp/pc", 8)), 0x1000, 200);
	ARGS(X64, "getcwd", "0x1000, 2", -34, B(NONE), 0x1000, 2);
	ARGS(X64, "renameat2", "AT_FDCWD, \"/tmp/probe/f\", 3, \"g\", 0x1", -9,
	     B(NONE, STR("/tmp/probe/f"), NONE, STR("g")), AT_FDCWD_U, 0x1000, 3, 0x2000, 1);
	ARGS(X64, "linkat",
	     "AT_FDCWD, \"/tmp/probe/f\", AT_FDCWD, \"/tmp/probe/g\", AT_SYMLINK_FOLLOW", 0,
	     B(NONE, STR("/tmp/probe/f"), NONE, STR("/tmp/probe/g")), AT_FDCWD_U, 0x1000,
	     AT_FDCWD_U, 0x2000, 0x400);
	ARGS(X64, "symlinkat", "\"target\", AT_FDCWD, \"/tmp/probe/s\"", 0,
	     B(STR("target"), NONE, STR("/tmp/probe/s")), 0x1000, AT_FDCWD_U, 0x2000);
	ARGS(X64, "fchownat", "AT_FDCWD, \"/tmp/probe/s\", -1, 1000, AT_SYMLINK_NOFOLLOW", 0,
	     B(NONE, STR("/tmp/probe/s")), AT_FDCWD_U, 0x1000, 0xffffffff, 1000, 0x100);
	ARGS(X64, "chown", "\"/tmp/probe/s\", 0, -1", -2, B(STR("/tmp/probe/s")), 0x1000, 0,
	     NEG(-1));
	ARGS(X64, "truncate", "\"/tmp/probe/f\", -1", -22, B(STR("/tmp/probe/f")), 0x1000, NEG(-1));
	ARGS(X64, "ftruncate", "99, 10", -9, B(NONE), 99, 10);
	ARGS(X64, "dup3", "1, 9, O_CLOEXEC", 9, B(NONE), 1, 9, 02000000);
	ARGS(X64, "dup3", "0, 1, 0", 1, B(NONE), 0, 1, 0);
	ARGS(X64, "dup3", "0, 1, O_CREAT|O_NOCTTY|O_TRUNC|O_DIRECTORY|FASYNC|0x5", -22, B(NONE), 0,
	     1, 0x12345);
	ARGS(X64, "pipe2", "NULL, O_NONBLOCK|O_CLOEXEC", -14, B(NONE), 0, 02004000);
	ARGS(X64, "lseek", "0, 5, SEEK_DATA", 0, B(NONE), 0, 5, 3);
	ARGS(X64, "lseek", "0, -1, SEEK_CUR", 0, B(NONE), 0, NEG(-1), 1);
	ARGS(X64, "lseek", "0, 5, 0x7 /* SEEK_??? */", -22, B(NONE), 0, 5, 7);
	/* mq_open: no O_CREAT, no mode and no attr */
	ARGS(X64, "mq_open", "\"q\", O_RDONLY", -2, B(STR("q")), 0x1000, 0, 0600, 0);
	ARGS(X64, "mq_open", "\"q\", O_RDWR|O_CREAT, 0600, NULL", 3, B(STR("q")), 0x1000, 0102,
	     0600, 0);
	ARGS(X64, "setxattr", "\"/f\", \"user.x\", \"v\\0\", 2, 0x1", 0,
	     B(STR("/f"), STR("user.x"), MEM("v", 2)), 0x1000, 0x2000, 0x3000, 2, 1);
}
END_TEST

START_TEST(test_format_io)
{
	static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\n";
	static const char forty[] = "0123456789012345678901234567890123456789";
	static const char q1[] = "q\n\t\"\\\377\1\0012\0a";
	static const char q2[] = "\r\f\v\a\b\x1b\x7f\x80 ~";
	static const char q3[] = "\0001\08\09\3777";

	ARGS(X64, "read", "3, \"root:x:0:0:root:/root:/bin/bash\\n\"..., 100", 100,
	     B(NONE, TRUNC(passwd, 32)), 3, 0x7ffc0000, 100);
	ARGS(X64, "read", "3, \"\", 0", 0, B(NONE, NONE), 3, 0x7ffc0000, 0);
	ARGS(X64, "read", "3, \"\", 4096", 0, B(NONE, NONE), 3, 0x7ffc0000, 4096);
	ARGS(X64, "read", "99, 0x7ffedadb7c20, 10", -9, B(NONE, NONE), 99, 0x7ffedadb7c20, 10);
	/* on error the buffer is not shown even when a blob is there */
	ARGS(X64, "read", "99, 0x7ffedadb7c20, 10", -9, B(NONE, STR("xx")), 99, 0x7ffedadb7c20, 10);
	ARGS(X64, "read", "3, 0x7ffc0000, 100", 100, B(NONE, FAULT), 3, 0x7ffc0000, 100);
	ARGS(X64, "read", "3, NULL, 100", -14, B(NONE, NONE), 3, 0, 100);
	ARGS(X64, "pread64", "3, \"abc\", 10, 64", 3, B(NONE, STR("abc")), 3, 0x1000, 10, 64);

	ARGS(X64, "write", "1, \"hello\\n\", 6", 6, B(NONE, STR("hello\n")), 1, 0x1000, 6);
	ARGS(X64, "write", "1, \"q\\n\\t\\\"\\\\\\377\\1\\0012\\0a\\0\", 12", 12,
	     B(NONE, MEM(q1, 12)), 1, 0x1000, 12);
	ARGS(X64, "write", "1, \"\\r\\f\\v\\7\\10\\33\\177\\200 ~\\0\", 11", -9,
	     B(NONE, MEM(q2, 11)), 1, 0x1000, 11);
	ARGS(X64, "write", "1, \"\\0001\\08\\09\\3777\\0\", 9", -9, B(NONE, MEM(q3, 9)), 1, 0x1000,
	     9);
	/* an input buffer is shown on error too */
	ARGS(X64, "write", "-1, \"ab\", 2", -9, B(NONE, STR("ab")), NEG(-1), 0x1000, 2);
	ARGS(X64, "write", "-1, NULL, 0", -9, B(NONE, NONE), NEG(-1), 0, 0);
	ARGS(X64, "write", "-1, 0x1, 10", -9, B(NONE, FAULT), NEG(-1), 1, 10);
	ARGS(X64, "write", "1, \"\", 0", 0, B(NONE, MEM(NULL, 0)), 1, 0x1000, 0);
	/* a preview longer than EMU_BUF_PREVIEW is cut there */
	ARGS(X64, "write", "1, \"01234567890123456789012345678901\"..., 40", 40,
	     B(NONE, MEM(forty, 40)), 1, 0x1000, 40);
	ARGS(X64, "write", "1, \"01234567890123456789012345678901\"..., 40", 40,
	     B(NONE, TRUNC(forty, 32)), 1, 0x1000, 40);
	ARGS(X64, "write", "1, \"01234567890123456789012345678901\", 32", 32,
	     B(NONE, MEM(forty, 32)), 1, 0x1000, 32);

	ARGS(X64, "mmap", "NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0",
	     0x7f651af55000, B(NONE), 0, 8192, 3, 0x22, NEG(-1), 0);
	ARGS(X64, "mmap",
	     "0x7f8781752000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, "
	     "3, 0x26000",
	     0x7f8781752000, B(NONE), 0x7f8781752000, 1400832, 5, 0x812, 3, 0x26000);
	ARGS(X64, "mmap",
	     "NULL, 8192, PROT_NONE, "
	     "MAP_SHARED|MAP_FIXED|MAP_DENYWRITE|MAP_STACK|2<<MAP_HUGE_SHIFT, "
	     "3, 0x28000",
	     0, B(NONE), 0, 8192, 0, 0x8020811, 3, 0x28000);
	ARGS(X64, "mmap",
	     "NULL, 8192, PROT_READ|PROT_EXEC|PROT_GROWSDOWN|0x100, "
	     "MAP_SHARED_VALIDATE|MAP_HUGETLB|21<<MAP_HUGE_SHIFT, 3, 0x1000",
	     -22, B(NONE), 0, 8192, 0x1000105, 0x54040003, 3, 0x1000);
	ARGS(X64, "mmap", "NULL, 4096, PROT_READ, MAP_FILE, -1, 0", -9, B(NONE), 0, 4096, 1, 0,
	     NEG(-1), 0);
	ARGS(X64, "mmap", "NULL, 4096, PROT_READ, MAP_FILE|MAP_ANONYMOUS, -1, 0", -22, B(NONE), 0,
	     4096, 1, 0x20, NEG(-1), 0);
	ARGS(X64, "mmap", "NULL, 4096, PROT_READ, 0xf /* MAP_??? */, -1, 0", -9, B(NONE), 0, 4096,
	     1, 0xf, NEG(-1), 0);
	ARGS(X64, "mmap",
	     "NULL, 4096, 0x10 /* PROT_??? */, MAP_PRIVATE|MAP_FIXED_NOREPLACE|32<<MAP_HUGE_SHIFT, "
	     "-1, 0",
	     -9, B(NONE), 0, 4096, 0x10, 0x80100002, NEG(-1), 0);
	ARGS(X64, "mmap",
	     "0x1000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT|MAP_NORESERVE|"
	     "MAP_POPULATE|MAP_NONBLOCK|MAP_GROWSDOWN|MAP_EXECUTABLE|MAP_LOCKED|MAP_SYNC, -1, 0",
	     0x10000, B(NONE), 0x1000, 4096, 1, 0x9f162, NEG(-1), 0);
	ARGS(X64, "mprotect", "0x7f87818fb000, 16384, PROT_READ", 0, B(NONE), 0x7f87818fb000, 16384,
	     1);
	ARGS(X64, "mprotect", "NULL, 0, PROT_SEM|PROT_GROWSUP", 0, B(NONE), 0, 0, 0x2000008);
	ARGS(X64, "munmap", "0x7f878190e000, 41987", 0, B(NONE), 0x7f878190e000, 41987);
	ARGS(X64, "brk", "NULL", 0x5568d3278000, B(NONE), 0);
	ARGS(X64, "brk", "0x5568d3299000", 0x5568d3299000, B(NONE), 0x5568d3299000);
}
END_TEST

START_TEST(test_format_process)
{
	static const char argv1[] = "true";
	static const char argv2[] = "sh\0-c\0/bin/true a \"b c\" $(seq 1 40); echo hi";
	static const char argv3[] = "/bin/true\0a";

	ARGS(X64, "execve", "\"/bin/true\", [\"true\"], 0x7ffc47711aa8", 0,
	     B(STR("/bin/true"), MEM(argv1, sizeof(argv1))), 0x1000, 0x2000, 0x7ffc47711aa8);
	ARGS(X64, "execve",
	     "\"/usr/bin/sh\", [\"sh\", \"-c\", \"/bin/true a \\\"b c\\\" $(seq 1 40); e\"...], "
	     "0x7ffd47711aa8",
	     0, B(STR("/usr/bin/sh"), MEM(argv2, sizeof(argv2))), 0x1000, 0x2000, 0x7ffd47711aa8);
	/* more than EMU_STRV_MAX strings: the tracer marks the blob truncated */
	ARGS(X64, "execve", "\"/bin/true\", [\"/bin/true\", \"a\", ...], NULL", 0,
	     B(STR("/bin/true"), TRUNC(argv3, sizeof(argv3))), 0x1000, 0x2000, 0);
	ARGS(X64, "execve", "\"/bin/true\", [], NULL", -14, B(STR("/bin/true"), MEM(NULL, 0)),
	     0x1000, 0x2000, 0);
	ARGS(X64, "execve", "\"/bin/true\", NULL, NULL", -14, B(STR("/bin/true"), NONE), 0x1000, 0,
	     0);
	ARGS(X64, "execve", "\"/bin/true\", 0x2000, NULL", -14, B(STR("/bin/true"), FAULT), 0x1000,
	     0x2000, 0);
	/* a last string without its NUL still prints */
	ARGS(X64, "execve", "\"/bin/true\", [\"/bin/true\", \"a\"], NULL", 0,
	     B(STR("/bin/true"), MEM(argv3, sizeof(argv3) - 1)), 0x1000, 0x2000, 0);
	ARGS(X64, "execveat", "3, \"\", [\"x\"], NULL, AT_EMPTY_PATH", -2,
	     B(NONE, STR(""), MEM("x", 2)), 3, 0x1000, 0x2000, 0, 0x1000);

	ARGS(X64, "kill", "999999, SIGTERM", -3, B(NONE), 999999, 15);
	ARGS(X64, "kill", "999999, 0", -3, B(NONE), 999999, 0);
	ARGS(X64, "kill", "999999, SIGRTMIN", -3, B(NONE), 999999, 32);
	ARGS(X64, "kill", "999999, SIGRT_8", -3, B(NONE), 999999, 40);
	ARGS(X64, "kill", "999999, SIGRT_32", -3, B(NONE), 999999, 64);
	ARGS(X64, "kill", "999999, 99", -3, B(NONE), 999999, 99);
	ARGS(X64, "tgkill", "1, 2, SIGSEGV", 0, B(NONE), 1, 2, 11);
	ARGS(X64, "exit_group", "3", 0, B(NONE), 3);
	ARGS(X64, "rseq", "0x7f878172a060, 0x20, 0, 0x53053053", 0, B(NONE), 0x7f878172a060, 0x20,
	     0, 0x53053053);
	ARGS(X64, "set_robust_list", "0x7f8781729a20, 24", 0, B(NONE), 0x7f8781729a20, 24);

	ARGS(X64, "clone",
	     "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|"
	     "CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, 0x1000, 0x2000, 0x3000, 0x4000",
	     -38, B(NONE), 0x3d0f00, 0x1000, 0x2000, 0x3000, 0x4000);
	ARGS(X64, "clone", "CLONE_NEWNS|SIGCHLD, NULL, NULL, NULL, 0", 123, B(NONE), 0x20011, 0, 0,
	     0, 0);
	ARGS(X64, "clone",
	     "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, NULL, NULL, 0x7f8781729a10, 0", 5674,
	     B(NONE), 0x1200011, 0, 0, 0x7f8781729a10, 0);
	ARGS(X64, "clone", "0, NULL, NULL, NULL, 0", -38, B(NONE), 0, 0, 0, 0, 0);
	ARGS(X64, "clone", "CLONE_PIDFD|99, NULL, NULL, NULL, 0", -38, B(NONE), 0x1063, 0, 0, 0, 0);
	ARGS(X64, "clone", "CLONE_VM|CLONE_VFORK|85, NULL, NULL, NULL, 0", -38, B(NONE), 0x4155, 0,
	     0, 0, 0);
	ARGS(X64, "unshare", "CLONE_NEWNS|CLONE_NEWUSER", -38, B(NONE), 0x10020000);
	ARGS(X64, "unshare", "0", -38, B(NONE), 0);
	ARGS(X64, "unshare", "0x11 /* CLONE_??? */", -38, B(NONE), 0x11);
	ARGS(X64, "unshare", "CLONE_NEWTIME", -38, B(NONE), 0x80);
	ARGS(X64, "setns", "3, CLONE_NEWNET", -38, B(NONE), 3, 0x40000000);
	/* i386 clone: flags, newsp, parent_tid, tls, child_tid */
	ARGS(I386, "clone", "CLONE_VM|SIGCHLD, NULL, 0x1000, 0x2000, 0x3000", 7, B(NONE), 0x111, 0,
	     0x1000, 0x2000, 0x3000);

	/* unknown syscall: six raw arguments */
	ARGS(X64, NULL, "0x11, 0x22, 0x33, 0x44, 0x55, 0", -38, B(NONE), 0x11, 0x22, 0x33, 0x44,
	     0x55, 0);
	ARGS(X64, "getpid", "", 42, B(NONE), 1, 2, 3);
}
END_TEST

/* i386 rows: 32-bit registers, whatever sits in the upper half. */
START_TEST(test_format_i386)
{
	ARGS(I386, "open", "\"/etc/passwd\", O_RDONLY|O_LARGEFILE", 3, B(STR("/etc/passwd")),
	     0x1000, 0x8000, 0);
	ARGS(I386, "read", "-1, 0xffffd000, 10", -9, B(NONE, NONE), 0xffffffff, 0xdeadbeefffffd000,
	     10);
	ARGS(I386, "lseek", "3, -5, SEEK_END", 0, B(NONE), 3, 0xfffffffb, 2);
	ARGS(I386, "lseek", "3, -5, SEEK_END", 0, B(NONE), 3, NEG(-5), 2);
	ARGS(I386, "mmap2", "NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0", 0xf7f00000,
	     B(NONE), 0, 4096, 1, 0x22, 0xffffffff, 0);
	ARGS(I386, "_llseek", "3, 0, 4096, 0xffffd000, SEEK_SET", 0, B(NONE), 3, 0, 4096,
	     0xffffd000, 0);
	/* a zero-extended -EBADF still hides the output buffer */
	ARGS(I386, "read", "3, 0xffffd000, 10", 0xfffffff7, B(NONE, STR("xx")), 3, 0xffffd000, 10);
}
END_TEST

/* --------------------------------------------------------------- results */

struct ret_ctx {
	const struct emu_syscall *sc;
	int64_t ret;
};

static size_t format_ret_ctx(char *buf, size_t size, const void *p)
{
	const struct ret_ctx *c = p;

	return emu_format_ret(buf, size, c->sc, c->ret);
}

static void check_ret(int line, enum emu_abi abi, const char *name, int64_t ret, const char *expect)
{
	struct ret_ctx c = { name ? emu_syscall_by_name(abi, name) : NULL, ret };

	ck_assert_msg(!name || c.sc, "line %d: no row %s", line, name);
	check_text(line, name ? name : "unknown", format_ret_ctx, &c, expect);
}

#define RET(abi, name, ret, expect) check_ret(__LINE__, abi, name, ret, expect)

START_TEST(test_format_ret)
{
	RET(X64, "openat", 3, "3");
	RET(X64, "read", 0, "0");
	RET(X64, "lseek", 4294967291LL, "4294967291");
	RET(X64, "openat", -2, "-1 ENOENT (No such file or directory)");
	RET(X64, "read", -9, "-1 EBADF (Bad file descriptor)");
	RET(X64, "read", -11, "-1 EAGAIN (Resource temporarily unavailable)");
	RET(X64, "read", -35, "-1 EDEADLK (Resource deadlock avoided)");
	RET(X64, "read", -95, "-1 EOPNOTSUPP (Operation not supported)");
	RET(X64, "read", -133, "-1 EHWPOISON (Memory page has hardware error)");
	RET(X64, "read", -41, "-1 (errno 41)");
	RET(X64, "read", -134, "-1 (errno 134)");
	RET(X64, "read", -1234, "-1 (errno 1234)");
	RET(X64, "read", -4095, "-1 (errno 4095)");
	RET(X64, "read", -4096, "-4096");
	RET(X64, "read", INT64_MIN, "-9223372036854775808");
	RET(X64, "read", -512, "? ERESTARTSYS (To be restarted if SA_RESTART is set)");
	RET(X64, "read", -513, "? ERESTARTNOINTR (To be restarted)");
	RET(X64, "read", -514, "? ERESTARTNOHAND (To be restarted if no handler)");
	RET(X64, "read", -516, "? ERESTART_RESTARTBLOCK (Interrupted by signal)");
	RET(X64, "ioctl", -515, "-1 ENOIOCTLCMD (Unknown error 515)");
	RET(X64, "read", -530, "-1 ERECALLCONFLICT (Unknown error 530)");
	RET(X64, "read", -519, "-1 (errno 519)");
	RET(X64, "mmap", 0x7f12a000, "0x7f12a000");
	RET(X64, "mmap", 0, "0");
	RET(X64, "mmap", -12, "-1 ENOMEM (Cannot allocate memory)");
	RET(X64, "brk", 0x5652d0092000, "0x5652d0092000");
	RET(X64, "exit_group", 0, "?");
	RET(X64, "umask", 022, "022");
	RET(X64, NULL, -2, "-1 ENOENT (No such file or directory)");
	RET(X64, NULL, 0x7f12a000, "2131927040");
	RET(I386, "mmap2", 0xf7f00000, "0xf7f00000");
	RET(I386, "mmap2", -12, "-1 ENOMEM (Cannot allocate memory)");
	RET(I386, "mmap2", 0xfffffff4, "-1 ENOMEM (Cannot allocate memory)");
	RET(I386, "read", 0xfffffffe, "-1 ENOENT (No such file or directory)");
	RET(I386, "read", 0x100000005, "5");
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(emu_errno_name(1), "EPERM");
	ck_assert_str_eq(emu_errno_name(2), "ENOENT");
	ck_assert_str_eq(emu_errno_name(11), "EAGAIN");
	ck_assert_str_eq(emu_errno_name(36), "ENAMETOOLONG");
	ck_assert_str_eq(emu_errno_name(40), "ELOOP");
	ck_assert_str_eq(emu_errno_name(133), "EHWPOISON");
	ck_assert_str_eq(emu_errno_name(512), "ERESTARTSYS");
	ck_assert_str_eq(emu_errno_name(516), "ERESTART_RESTARTBLOCK");
	ck_assert_str_eq(emu_errno_name(530), "ERECALLCONFLICT");
	ck_assert_ptr_null(emu_errno_name(0));
	ck_assert_ptr_null(emu_errno_name(-2));
	ck_assert_ptr_null(emu_errno_name(41));
	ck_assert_ptr_null(emu_errno_name(134));
	ck_assert_ptr_null(emu_errno_name(511));
	ck_assert_ptr_null(emu_errno_name(531));
	ck_assert_ptr_null(emu_errno_name(INT_MAX));
	ck_assert_ptr_null(emu_errno_name(INT_MIN));

	ck_assert_str_eq(emu_signal_name(1), "SIGHUP");
	ck_assert_str_eq(emu_signal_name(9), "SIGKILL");
	ck_assert_str_eq(emu_signal_name(11), "SIGSEGV");
	ck_assert_str_eq(emu_signal_name(17), "SIGCHLD");
	ck_assert_str_eq(emu_signal_name(31), "SIGSYS");
	ck_assert_str_eq(emu_signal_name(32), "SIGRTMIN");
	ck_assert_str_eq(emu_signal_name(33), "SIGRT_1");
	ck_assert_str_eq(emu_signal_name(64), "SIGRT_32");
	ck_assert_ptr_null(emu_signal_name(0));
	ck_assert_ptr_null(emu_signal_name(65));
	ck_assert_ptr_null(emu_signal_name(-1));
	ck_assert_ptr_null(emu_signal_name(INT_MAX));
}
END_TEST

/* -------------------------------------------------------------- quoting */

struct quote_ctx {
	const void *data;
	size_t len;
	bool truncated;
};

static size_t quote_ctx(char *buf, size_t size, const void *p)
{
	const struct quote_ctx *c = p;

	return emu_quote(buf, size, c->data, c->len, c->truncated);
}

#define QUOTE(data, len, truncated, expect)                                                        \
	do {                                                                                       \
		const struct quote_ctx c_ = { data, len, truncated };                              \
		check_text(__LINE__, "emu_quote", quote_ctx, &c_, expect);                         \
	} while (0)

START_TEST(test_quote)
{
	unsigned char all[256];
	char big[2048];

	QUOTE("\n\t\"\\\377", 5, false, "\"\\n\\t\\\"\\\\\\377\"");
	QUOTE("abc", 3, false, "\"abc\"");
	QUOTE("abc", 3, true, "\"abc\"...");
	QUOTE("", 0, false, "\"\"");
	QUOTE("", 0, true, "\"\"...");
	QUOTE(NULL, 0, false, "\"\"");
	QUOTE("\0", 1, false, "\"\\0\"");
	QUOTE("\0000", 2, false, "\"\\0000\"");
	QUOTE("\08", 2, false, "\"\\08\"");
	QUOTE("\0017", 2, false, "\"\\0017\"");
	QUOTE("\0107", 2, false, "\"\\0107\"");
	QUOTE("\177", 1, false, "\"\\177\"");
	QUOTE("\303\251t\303\251", 5, false, "\"\\303\\251t\\303\\251\"");
	QUOTE("a\nb", 3, true, "\"a\\nb\"...");
	/* the lookahead stops at len: the 7 after the cut is not seen */
	QUOTE("\0017", 1, true, "\"\\1\"...");

	/*
	 * Every byte value, each followed by the next one (never an octal
	 * digit after a non-printable byte): 0..7 "\N" (8 x 2), \t \n \v \f \r
	 * (5 x 2), the other controls "\NN" (19 x 3), printable ASCII as is
	 * (95, plus a backslash for " and \\), 127..255 "\NNN" (129 x 4),
	 * and the two quotes.
	 */
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	{
		size_t n = emu_quote(big, sizeof(big), all, sizeof(all), false);

		ck_assert_uint_eq(n, strlen(big));
		ck_assert_uint_eq(n, 8 * 2 + 5 * 2 + 19 * 3 + 95 + 2 + 129 * 4 + 2);
		ck_assert(strstr(big, "\\7\\10\\t\\n\\v\\f\\r\\16\\17\\20"));
		ck_assert(strstr(big, " !\\\"#$%"));
		ck_assert(strstr(big, "}~\\177\\200\\201"));
		ck_assert(strstr(big, "\\376\\377\""));
	}
}
END_TEST

/* ------------------------------------------------------ buffer edges */

START_TEST(test_buffer_edges)
{
	const struct emu_syscall *sc = emu_syscall_by_name(EMU_ABI_X86_64, "write");
	const struct emu_blob blobs[6] = { NONE, STR("hello\n") };
	const uint64_t args[6] = { 1, 0x1000, 6 };
	static const char expect[] = "1, \"hello\\n\", 6";
	char buf[64];
	size_t n;

	/* size 0: nothing written, not even with a NULL buffer */
	n = emu_format_args(NULL, 0, sc, args, blobs, 6);
	ck_assert_uint_eq(n, strlen(expect));
	memset(buf, 'X', sizeof(buf));
	n = emu_format_args(buf, 0, sc, args, blobs, 6);
	ck_assert_uint_eq(n, strlen(expect));
	ck_assert_int_eq(buf[0], 'X');

	/* size 1: only the NUL */
	n = emu_format_args(buf, 1, sc, args, blobs, 6);
	ck_assert_uint_eq(n, strlen(expect));
	ck_assert_int_eq(buf[0], '\0');
	ck_assert_int_eq(buf[1], 'X');

	/* exact fit, and one byte short */
	memset(buf, 'X', sizeof(buf));
	n = emu_format_args(buf, sizeof(expect), sc, args, blobs, 6);
	ck_assert_str_eq(buf, expect);
	ck_assert_int_eq(buf[sizeof(expect)], 'X');
	memset(buf, 'X', sizeof(buf));
	n = emu_format_args(buf, sizeof(expect) - 1, sc, args, blobs, 6);
	ck_assert_uint_eq(n, strlen(expect));
	ck_assert_uint_eq(strlen(buf), strlen(expect) - 1);
	ck_assert_int_eq(memcmp(buf, expect, strlen(expect) - 1), 0);
	ck_assert_int_eq(buf[sizeof(expect) - 1], 'X');

	/* a cut inside an escape keeps its first bytes, as snprintf would */
	n = emu_format_args(buf, 11, sc, args, blobs, 6);
	ck_assert_str_eq(buf, "1, \"hello\\");

	n = emu_format_ret(NULL, 0, emu_syscall_by_name(EMU_ABI_X86_64, "openat"), -2);
	ck_assert_uint_eq(n, strlen("-1 ENOENT (No such file or directory)"));
	n = emu_format_ret(buf, 3, NULL, -2);
	ck_assert_str_eq(buf, "-1");
	n = emu_quote(NULL, 0, "\377", 1, true);
	ck_assert_uint_eq(n, strlen("\"\\377\"..."));
	n = emu_quote(buf, 4, "\377", 1, true);
	ck_assert_str_eq(buf, "\"\\3");
	ck_assert_uint_eq(n, 9);

	/* NULL blobs and args: registers only, zero */
	n = emu_format_args(buf, sizeof(buf), sc, args, NULL, 6);
	ck_assert_str_eq(buf, "1, 0x1000, 6");
	n = emu_format_args(buf, sizeof(buf), sc, NULL, NULL, 0);
	ck_assert_str_eq(buf, "0, NULL, 0");

	/* a long path is never cut by the formatter, only by the buffer */
	{
		static char path[4096 + 1];
		static char out[8192];
		const struct emu_syscall *open_sc = emu_syscall_by_name(EMU_ABI_X86_64, "open");
		struct emu_blob pb[6] = { { path, 4096, EMU_BLOB_OK } };
		const uint64_t oa[6] = { 0x1000, 0, 0 };

		memset(path, 'a', 4096);
		n = emu_format_args(out, sizeof(out), open_sc, oa, pb, 3);
		ck_assert_uint_eq(n, 4096 + 2 + strlen(", O_RDONLY"));
		ck_assert_uint_eq(strlen(out), n);
		n = emu_format_args(out, 100, open_sc, oa, pb, 3);
		ck_assert_uint_eq(n, 4096 + 2 + strlen(", O_RDONLY"));
		ck_assert_uint_eq(strlen(out), 99);
	}
}
END_TEST

/* ----------------------------------------------------------------- suite */

static Suite *emu_suite(void)
{
	Suite *s = suite_create("emu");
	TCase *tc;

	tc = tcase_create("headers");
	tcase_add_test(tc, test_x86_64_matches_header);
	tcase_add_test(tc, test_i386_matches_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("rows");
	tcase_add_test(tc, test_rows_x86_64);
	tcase_add_test(tc, test_rows_i386);
	tcase_add_test(tc, test_lookup_bounds);
	tcase_add_test(tc, test_known_calls);
	tcase_add_test(tc, test_known_kinds);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, test_format_files);
	tcase_add_test(tc, test_format_io);
	tcase_add_test(tc, test_format_process);
	tcase_add_test(tc, test_format_i386);
	tcase_add_test(tc, test_format_ret);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_quote);
	suite_add_tcase(s, tc);

	tc = tcase_create("buffers");
	tcase_add_test(tc, test_buffer_edges);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(emu_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
