/*
 * emu/syscalls.h — the system call table and argument decoding.
 *
 * One data file per ABI (emu/syscalls.def for x86_64, emu/syscalls_i386.def
 * for the 32-bit int 0x80 ABI) holds one X-macro row per system call:
 *
 *	SYSCALL(nr, name, nargs, flags, kind0, kind1, kind2, kind3, kind4, kind5)
 *
 * The kinds are the K_* macros of emu/table.c, one per enum emu_kind below
 * (K_BUF_IN(2) = "a buffer the kernel reads, whose length is argument 2").  Every consumer works by kind: the
 * tracer fetches tracee memory by kind, the log decodes by kind, replay
 * rebuilds arguments by kind.  Nothing else in pcow is written per syscall.
 *
 * x32 system calls (nr | __X32_SYSCALL_BIT on x86_64) share the x86_64 rows
 * for their names but are a separate ABI for the log.
 */
#ifndef PCOW_EMU_SYSCALLS_H
#define PCOW_EMU_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum emu_abi {
	EMU_ABI_X86_64 = 0,
	EMU_ABI_I386 = 1, /* int 0x80 / sysenter from any process */
	EMU_ABI_X32 = 2,  /* x86_64 numbers with __X32_SYSCALL_BIT set */
	EMU_ABI_COUNT
};

/* Argument kinds. */
enum emu_kind {
	EK_NONE = 0,	/* no such argument */
	EK_INT,		/* signed decimal (int-sized: the low 32 bits) */
	EK_LONG,	/* signed decimal, full register */
	EK_UINT,	/* unsigned decimal */
	EK_HEX,		/* hexadecimal */
	EK_PTR,		/* pointer: 0x... or NULL */
	EK_FD,		/* file descriptor (int) */
	EK_DIRFD,	/* dirfd of the *at calls: AT_FDCWD printed by name */
	EK_PATH,	/* NUL-terminated path, fetched at entry */
	EK_STR,		/* other NUL-terminated string (xattr name, fs type) */
	EK_BUF_IN,	/* buffer the kernel reads; length in argument len_arg */
	EK_BUF_OUT,	/* buffer the kernel fills; capacity in len_arg, filled = result */
	EK_STRUCT_IN,	/* pointer to a struct the kernel reads (printed as pointer) */
	EK_STRUCT_OUT,	/* pointer to a struct the kernel fills (printed as pointer) */
	EK_STRV,	/* NULL-terminated char *[] (execve argv) */
	EK_OPEN_FLAGS,	/* O_* */
	EK_AT_FLAGS,	/* AT_* (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_REMOVEDIR, ...) */
	EK_MODE,	/* file mode: octal, with S_IF* type when present */
	EK_ACCESS_MODE,	/* F_OK or R_OK|W_OK|X_OK */
	EK_SIGNAL,	/* signal number: SIGTERM */
	EK_WHENCE,	/* SEEK_SET/CUR/END/DATA/HOLE */
	EK_MMAP_PROT,	/* PROT_* */
	EK_MMAP_FLAGS,	/* MAP_* */
	EK_CLONE_FLAGS,	/* CLONE_* | exit signal */
	EK_SIZE,	/* size_t: unsigned decimal */
	EK_OFF,		/* off_t: signed decimal */
	EK_STAT_OUT,	/* struct stat the kernel fills (x86_64 layout), fetched at exit */
	EK_COUNT
};

/* One argument of a table row: its kind and, for EK_BUF_*, the length arg. */
struct emu_arg {
	uint8_t kind;    /* enum emu_kind */
	uint8_t len_arg; /* index of the length argument of EK_BUF_IN/OUT, else 0 */
};

/* Syscall classes (strace's %file, %desc, ...) and behaviour flags. */
#define EMU_F_FILE	(1u << 0)  /* takes a file name (strace %file) */
#define EMU_F_DESC	(1u << 1)  /* takes or returns a descriptor (strace %desc) */
#define EMU_F_PROCESS	(1u << 2)  /* process management (strace %process) */
#define EMU_F_NET	(1u << 3)  /* sockets (strace %network) */
#define EMU_F_SIGNAL	(1u << 4)  /* signals (strace %signal) */
#define EMU_F_IPC	(1u << 5)  /* SysV IPC (strace %ipc) */
#define EMU_F_MEMORY	(1u << 6)  /* memory mapping (strace %memory) */
#define EMU_F_RET_FD	(1u << 7)  /* success returns a new descriptor */
#define EMU_F_WRITES	(1u << 8)  /* may change the file system */
#define EMU_F_RET_HEX	(1u << 9)  /* result printed in hex (mmap, brk) */
#define EMU_F_NORETURN	(1u << 10) /* exit, exit_group: no syscall-exit stop */
#define EMU_F_EXEC	(1u << 11) /* execve, execveat */

/* One row of the table. */
struct emu_syscall {
	const char *name;
	int nr;
	uint8_t nargs;
	uint32_t flags;		  /* EMU_F_* */
	struct emu_arg args[6];
};

/*
 * Look a syscall up by ABI and number.  Returns NULL for a number with no
 * row (an unknown or future syscall); callers print it as "syscall_0x1c9".
 * For EMU_ABI_X32 pass the number with __X32_SYSCALL_BIT already cleared.
 */
const struct emu_syscall *emu_syscall_get(enum emu_abi abi, long nr);

/* Look a syscall up by name; NULL when the ABI has no such name. */
const struct emu_syscall *emu_syscall_by_name(enum emu_abi abi, const char *name);

/* Iterate over an ABI's rows: *ret_count rows, in number order, no holes. */
const struct emu_syscall *emu_syscall_rows(enum emu_abi abi, size_t *ret_count);

/* The highest number with a row, plus one (size of the by-number index). */
size_t emu_syscall_limit(enum emu_abi abi);

/* "x86_64", "i386", "x32". */
const char *emu_abi_name(enum emu_abi abi);

/*
 * Memory fetched from the tracee for one argument.  The tracer fills these
 * by kind: EK_PATH/EK_STR at entry (the whole string, up to PATH_MAX),
 * EK_BUF_IN at entry and EK_BUF_OUT at exit (the first EMU_BUF_PREVIEW
 * bytes), EK_STRV at entry (the strings packed "a\0b\0", up to
 * EMU_STRV_MAX of them), EK_STAT_OUT at exit after success (the whole
 * struct stat).
 */
#define EMU_BUF_PREVIEW 32
#define EMU_STRV_MAX 32

enum emu_blob_status {
	EMU_BLOB_NONE = 0,	/* nothing fetched for this argument */
	EMU_BLOB_OK,		/* data/len is the whole value */
	EMU_BLOB_TRUNCATED,	/* data/len is a prefix (print "..." after it) */
	EMU_BLOB_FAULT,		/* the address could not be read (print the pointer) */
};

struct emu_blob {
	const void *data; /* not owned */
	uint32_t len;
	uint8_t status;	  /* enum emu_blob_status */
};

/*
 * Format the arguments of one call the way strace prints them, without the
 * name and the parentheses:  AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC
 *
 * sc may be NULL (unknown syscall: six hex arguments).  blobs[i] is what
 * was fetched for argument i.  ret is the result (needed by EK_BUF_OUT).
 * Writes at most size bytes including the NUL; returns the length the full
 * text would have (like snprintf), so a caller can detect truncation.
 */
size_t emu_format_args(char *buf, size_t size, const struct emu_syscall *sc,
		       const uint64_t args[6], const struct emu_blob blobs[6], int64_t ret);

/*
 * Format a result as strace does after " = ":  "3", "0x7f12a000",
 * "-1 ENOENT (No such file or directory)", "? ERESTARTSYS (To be restarted)".
 * sc may be NULL.  Returns like snprintf.
 */
size_t emu_format_ret(char *buf, size_t size, const struct emu_syscall *sc, int64_t ret);

/*
 * "ENOENT" for 2; the kernel-internal names for 512-530 (ERESTARTSYS...)
 * as strace prints them; NULL for a number with no name.
 */
const char *emu_errno_name(int err);

/* "SIGSEGV" for 11; NULL when unknown. */
const char *emu_signal_name(int sig);

/*
 * Quote the len bytes at data as strace does ("abc\n\0\377"), appending
 * "..." when truncated is true.  Returns like snprintf.
 */
size_t emu_quote(char *buf, size_t size, const void *data, size_t len, bool truncated);

#endif /* PCOW_EMU_SYSCALLS_H */
