/*
 * emu/flags.c — symbolic names for argument values and results: O_*, AT_*,
 * modes, access modes, whence, PROT_*, MAP_*, CLONE_*, signals and errno
 * names with their messages.
 *
 * The tables hold the x86 values of the kernel's uapi headers, written out
 * here rather than taken from <fcntl.h> and friends, so that the output is
 * the same whatever libc or header version built pcow, and so that values
 * the build headers lack (MAP_FIXED_NOREPLACE, AT_RECURSIVE, ...) still
 * print by name.  Names and their order follow strace 6.1's xlat tables
 * (src/xlat/open_mode_flags.in and its siblings), whose output `pcow log`
 * reproduces: flags print in table order, each name clearing its bits, and
 * leftover bits follow in hex.  A few names strace 6.1 did not know yet are
 * added (MAP_ABOVE4G, MAP_DROPPABLE, CLONE_NEWTIME for unshare).
 *
 * The errno messages are glibc's English strerror() texts, copied so that
 * the log never depends on the locale of the process that prints it.
 */
#include <stddef.h>
#include <stdint.h>

#include "emu/flags.h"
#include "emu/syscalls.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct flag_name {
	uint64_t value;
	const char *name;
};

/*
 * Print the names of table entries whose bits are all set in value, in
 * table order, clearing each name's bits; then the leftover bits in hex.
 * any says whether something was already printed before (so "|" is due
 * and an empty result prints nothing).  When nothing at all is printed,
 * prints "0", or the value in hex with a comment "unknown" ("AT_???").
 */
static void print_flags(struct emu_out *o, const struct flag_name *t, size_t n, uint64_t value,
			bool any, const char *unknown)
{
	for (size_t i = 0; i < n; i++) {
		if (!t[i].value || (value & t[i].value) != t[i].value)
			continue;
		if (any)
			emu_out_str(o, "|");
		emu_out_str(o, t[i].name);
		value &= ~t[i].value;
		any = true;
	}
	if (value && any)
		emu_out_fmt(o, "|%#llx", (unsigned long long)value);
	else if (value)
		emu_out_fmt(o, "%#llx /* %s */", (unsigned long long)value, unknown);
	else if (!any)
		emu_out_str(o, "0");
}

/* One value out of a list: its name, or hex with the "unknown" comment. */
static void print_xval(struct emu_out *o, const struct flag_name *t, size_t n, uint64_t value,
		       const char *unknown)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].value == value) {
			emu_out_str(o, t[i].name);
			return;
		}
	}
	emu_out_fmt(o, "%#llx /* %s */", (unsigned long long)value, unknown);
}

/* -------------------------------------------------------------- open */

/* include/uapi/asm-generic/fcntl.h; strace's open_mode_flags order. */
/* clang-format off */
static const struct flag_name open_flags[] = {
	{ 000000100, "O_CREAT" },
	{ 000000200, "O_EXCL" },
	{ 000000400, "O_NOCTTY" },
	{ 000001000, "O_TRUNC" },
	{ 000002000, "O_APPEND" },
	{ 000004000, "O_NONBLOCK" },
	{ 004010000, "O_SYNC" }, /* __O_SYNC|O_DSYNC, before its parts */
	{ 004000000, "__O_SYNC" },
	{ 000010000, "O_DSYNC" },
	{ 000040000, "O_DIRECT" },
	{ 000100000, "O_LARGEFILE" },
	{ 000400000, "O_NOFOLLOW" },
	{ 001000000, "O_NOATIME" },
	{ 002000000, "O_CLOEXEC" },
	{ 010000000, "O_PATH" },
	{ 020200000, "O_TMPFILE" }, /* __O_TMPFILE|O_DIRECTORY, before its parts */
	{ 020000000, "__O_TMPFILE" },
	{ 000200000, "O_DIRECTORY" },
	{ 000020000, "FASYNC" },
};
/* clang-format on */

void emu_print_open_flags(struct emu_out *o, uint32_t flags, bool with_accmode)
{
	static const char *const accmode[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

	if (with_accmode) {
		emu_out_str(o, accmode[flags & 3]);
		flags &= ~3u;
	}
	print_flags(o, open_flags, ARRAY_SIZE(open_flags), flags, with_accmode, "O_???");
}

/* ---------------------------------------------------------------- AT_ */

/* include/uapi/linux/fcntl.h; strace's at_flags. */
/* clang-format off */
static const struct flag_name at_flags[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" },
	{ 0x200, "AT_REMOVEDIR" },
	{ 0x400, "AT_SYMLINK_FOLLOW" },
	{ 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" },
	{ 0x8000, "AT_RECURSIVE" },
};
/* clang-format on */

/* faccessat2: 0x200 is AT_EACCESS there. */
/* clang-format off */
static const struct flag_name at_flags_eaccess[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" },
	{ 0x200, "AT_EACCESS" },
	{ 0x400, "AT_SYMLINK_FOLLOW" },
	{ 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" },
	{ 0x8000, "AT_RECURSIVE" },
};
/* clang-format on */

void emu_print_at_flags(struct emu_out *o, uint32_t flags, bool eaccess)
{
	if (eaccess)
		print_flags(o, at_flags_eaccess, ARRAY_SIZE(at_flags_eaccess), flags, false,
			    "AT_???");
	else
		print_flags(o, at_flags, ARRAY_SIZE(at_flags), flags, false, "AT_???");
}

/* --------------------------------------------------------------- modes */

/* clang-format off */
static const struct flag_name mode_types[] = {
	{ 0140000, "S_IFSOCK" },
	{ 0120000, "S_IFLNK" },
	{ 0100000, "S_IFREG" },
	{ 0060000, "S_IFBLK" },
	{ 0040000, "S_IFDIR" },
	{ 0020000, "S_IFCHR" },
	{ 0010000, "S_IFIFO" },
};
/* clang-format on */

void emu_print_mode(struct emu_out *o, uint32_t mode)
{
	uint32_t type;

	mode &= 0177777; /* umode_t: the kernel reads 16 bits */
	type = mode & 0170000;
	if (type) {
		for (size_t i = 0; i < ARRAY_SIZE(mode_types); i++) {
			if (mode_types[i].value == type) {
				emu_out_fmt(o, "%s|%#03o", mode_types[i].name, mode & ~type);
				return;
			}
		}
	}
	emu_out_fmt(o, "%#03o", mode); /* no type, or one with no name */
}

void emu_print_dev(struct emu_out *o, uint32_t dev)
{
	/* include/linux/kdev_t.h new_decode_dev: 12 bits of major, 20 of minor */
	uint32_t major = (dev & 0xfff00) >> 8;
	uint32_t minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);

	emu_out_fmt(o, "makedev(%#x, %#x)", major, minor);
}

/* clang-format off */
static const struct flag_name access_modes[] = {
	{ 4, "R_OK" },
	{ 2, "W_OK" },
	{ 1, "X_OK" },
};
/* clang-format on */

void emu_print_access_mode(struct emu_out *o, uint32_t mode)
{
	if (!mode)
		emu_out_str(o, "F_OK");
	else
		print_flags(o, access_modes, ARRAY_SIZE(access_modes), mode, false, "?_OK");
}

/* clang-format off */
static const struct flag_name whences[] = {
	{ 0, "SEEK_SET" },
	{ 1, "SEEK_CUR" },
	{ 2, "SEEK_END" },
	{ 3, "SEEK_DATA" },
	{ 4, "SEEK_HOLE" },
};
/* clang-format on */

void emu_print_whence(struct emu_out *o, uint32_t whence)
{
	print_xval(o, whences, ARRAY_SIZE(whences), whence, "SEEK_???");
}

/* ---------------------------------------------------------------- mmap */

/* clang-format off */
static const struct flag_name mmap_prots[] = {
	{ 0x1, "PROT_READ" },
	{ 0x2, "PROT_WRITE" },
	{ 0x4, "PROT_EXEC" },
	{ 0x8, "PROT_SEM" },
	{ 0x01000000, "PROT_GROWSDOWN" },
	{ 0x02000000, "PROT_GROWSUP" },
};
/* clang-format on */

void emu_print_mmap_prot(struct emu_out *o, uint64_t prot)
{
	if (!prot)
		emu_out_str(o, "PROT_NONE");
	else
		print_flags(o, mmap_prots, ARRAY_SIZE(mmap_prots), prot, false, "PROT_???");
}

#define MAP_TYPE_MASK 0x0fu
#define MAP_HUGE_SHIFT 26
#define MAP_HUGE_MASK 0x3fu

/* The map type, flags & MAP_TYPE_MASK (include/uapi/linux/mman.h). */
/* clang-format off */
static const struct flag_name mmap_types[] = {
	{ 0x0, "MAP_FILE" },
	{ 0x1, "MAP_SHARED" },
	{ 0x2, "MAP_PRIVATE" },
	{ 0x3, "MAP_SHARED_VALIDATE" },
	{ 0x8, "MAP_DROPPABLE" }, /* Linux 6.11 */
};
/* clang-format on */

/* x86 values; strace's mmap_flags order. */
/* clang-format off */
static const struct flag_name mmap_flags[] = {
	{ 0x10, "MAP_FIXED" },
	{ 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },
	{ 0x80, "MAP_ABOVE4G" }, /* Linux 6.6 */
	{ 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" },
	{ 0x100, "MAP_GROWSDOWN" },
	{ 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" },
	{ 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" },
};
/* clang-format on */

void emu_print_mmap_flags(struct emu_out *o, uint64_t flags)
{
	/* Bits 26..31 are the huge page size; MAP_UNINITIALIZED (1 << 26) reads as one. */
	uint64_t huge = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;

	print_xval(o, mmap_types, ARRAY_SIZE(mmap_types), flags & MAP_TYPE_MASK, "MAP_???");
	flags &= ~((uint64_t)MAP_TYPE_MASK | ((uint64_t)MAP_HUGE_MASK << MAP_HUGE_SHIFT));
	print_flags(o, mmap_flags, ARRAY_SIZE(mmap_flags), flags, true, "MAP_???");
	if (huge)
		emu_out_fmt(o, "|%llu<<MAP_HUGE_SHIFT", (unsigned long long)huge);
}

/* --------------------------------------------------------------- clone */

/* include/uapi/linux/sched.h; strace's clone_flags order. */
/* clang-format off */
static const struct flag_name clone_flags[] = {
	{ 0x00000100, "CLONE_VM" },
	{ 0x00000200, "CLONE_FS" },
	{ 0x00000400, "CLONE_FILES" },
	{ 0x00000800, "CLONE_SIGHAND" },
	{ 0x00001000, "CLONE_PIDFD" },
	{ 0x00002000, "CLONE_PTRACE" },
	{ 0x00004000, "CLONE_VFORK" },
	{ 0x00008000, "CLONE_PARENT" },
	{ 0x00010000, "CLONE_THREAD" },
	{ 0x00020000, "CLONE_NEWNS" },
	{ 0x00040000, "CLONE_SYSVSEM" },
	{ 0x00080000, "CLONE_SETTLS" },
	{ 0x00100000, "CLONE_PARENT_SETTID" },
	{ 0x00200000, "CLONE_CHILD_CLEARTID" },
	{ 0x00800000, "CLONE_UNTRACED" },
	{ 0x01000000, "CLONE_CHILD_SETTID" },
	{ 0x02000000, "CLONE_NEWCGROUP" },
	{ 0x04000000, "CLONE_NEWUTS" },
	{ 0x08000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" },
	{ 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" },
	{ 0x80000000, "CLONE_IO" },
	{ 0x00000080, "CLONE_NEWTIME" }, /* unshare/setns only: part of CSIGNAL in clone */
};
/* clang-format on */

void emu_print_clone_flags(struct emu_out *o, uint64_t flags, bool exit_signal)
{
	int sig = (int)(flags & 0xff);
	size_t n = ARRAY_SIZE(clone_flags);

	if (!exit_signal) {
		print_flags(o, clone_flags, n, flags, false, "CLONE_???");
		return;
	}
	flags &= ~(uint64_t)0xff;
	if (!flags && !sig) {
		emu_out_str(o, "0");
		return;
	}
	if (flags) /* without CLONE_NEWTIME, whose bit is the signal's */
		print_flags(o, clone_flags, n - 1, flags, false, "CLONE_???");
	if (sig) {
		if (flags)
			emu_out_str(o, "|");
		emu_print_signal(o, sig);
	}
}

/* ------------------------------------------------------------- signals */

/* x86 numbering; 32 is the kernel's SIGRTMIN, 33.. print as SIGRT_1.. as strace does. */
/* clang-format off */
static const char *const signal_names[] = {
	[1] = "SIGHUP",     [2] = "SIGINT",     [3] = "SIGQUIT",    [4] = "SIGILL",
	[5] = "SIGTRAP",    [6] = "SIGABRT",    [7] = "SIGBUS",     [8] = "SIGFPE",
	[9] = "SIGKILL",    [10] = "SIGUSR1",   [11] = "SIGSEGV",   [12] = "SIGUSR2",
	[13] = "SIGPIPE",   [14] = "SIGALRM",   [15] = "SIGTERM",   [16] = "SIGSTKFLT",
	[17] = "SIGCHLD",   [18] = "SIGCONT",   [19] = "SIGSTOP",   [20] = "SIGTSTP",
	[21] = "SIGTTIN",   [22] = "SIGTTOU",   [23] = "SIGURG",    [24] = "SIGXCPU",
	[25] = "SIGXFSZ",   [26] = "SIGVTALRM", [27] = "SIGPROF",   [28] = "SIGWINCH",
	[29] = "SIGIO",     [30] = "SIGPWR",    [31] = "SIGSYS",    [32] = "SIGRTMIN",
	[33] = "SIGRT_1",   [34] = "SIGRT_2",   [35] = "SIGRT_3",   [36] = "SIGRT_4",
	[37] = "SIGRT_5",   [38] = "SIGRT_6",   [39] = "SIGRT_7",   [40] = "SIGRT_8",
	[41] = "SIGRT_9",   [42] = "SIGRT_10",  [43] = "SIGRT_11",  [44] = "SIGRT_12",
	[45] = "SIGRT_13",  [46] = "SIGRT_14",  [47] = "SIGRT_15",  [48] = "SIGRT_16",
	[49] = "SIGRT_17",  [50] = "SIGRT_18",  [51] = "SIGRT_19",  [52] = "SIGRT_20",
	[53] = "SIGRT_21",  [54] = "SIGRT_22",  [55] = "SIGRT_23",  [56] = "SIGRT_24",
	[57] = "SIGRT_25",  [58] = "SIGRT_26",  [59] = "SIGRT_27",  [60] = "SIGRT_28",
	[61] = "SIGRT_29",  [62] = "SIGRT_30",  [63] = "SIGRT_31",  [64] = "SIGRT_32",
};
/* clang-format on */

const char *emu_signal_name(int sig)
{
	if (sig < 0 || (size_t)sig >= ARRAY_SIZE(signal_names))
		return NULL;
	return signal_names[sig];
}

void emu_print_signal(struct emu_out *o, int sig)
{
	const char *name = emu_signal_name(sig);

	if (name)
		emu_out_str(o, name);
	else
		emu_out_fmt(o, "%d", sig);
}

/* --------------------------------------------------------------- errno */

/*
 * Names from include/uapi/asm-generic/errno{,-base}.h (the first name of
 * each number: EAGAIN, not EWOULDBLOCK) and, from 512 on, the kernel's
 * internal codes as strace 6.1 names them (include/linux/errno.h).
 */
/* clang-format off */
static const char *const errno_names[] = {
	[1] = "EPERM",                [2] = "ENOENT",               [3] = "ESRCH",
	[4] = "EINTR",                [5] = "EIO",                  [6] = "ENXIO",
	[7] = "E2BIG",                [8] = "ENOEXEC",              [9] = "EBADF",
	[10] = "ECHILD",              [11] = "EAGAIN",              [12] = "ENOMEM",
	[13] = "EACCES",              [14] = "EFAULT",              [15] = "ENOTBLK",
	[16] = "EBUSY",               [17] = "EEXIST",              [18] = "EXDEV",
	[19] = "ENODEV",              [20] = "ENOTDIR",             [21] = "EISDIR",
	[22] = "EINVAL",              [23] = "ENFILE",              [24] = "EMFILE",
	[25] = "ENOTTY",              [26] = "ETXTBSY",             [27] = "EFBIG",
	[28] = "ENOSPC",              [29] = "ESPIPE",              [30] = "EROFS",
	[31] = "EMLINK",              [32] = "EPIPE",               [33] = "EDOM",
	[34] = "ERANGE",              [35] = "EDEADLK",             [36] = "ENAMETOOLONG",
	[37] = "ENOLCK",              [38] = "ENOSYS",              [39] = "ENOTEMPTY",
	[40] = "ELOOP",               [42] = "ENOMSG",              [43] = "EIDRM",
	[44] = "ECHRNG",              [45] = "EL2NSYNC",            [46] = "EL3HLT",
	[47] = "EL3RST",              [48] = "ELNRNG",              [49] = "EUNATCH",
	[50] = "ENOCSI",              [51] = "EL2HLT",              [52] = "EBADE",
	[53] = "EBADR",               [54] = "EXFULL",              [55] = "ENOANO",
	[56] = "EBADRQC",             [57] = "EBADSLT",             [59] = "EBFONT",
	[60] = "ENOSTR",              [61] = "ENODATA",             [62] = "ETIME",
	[63] = "ENOSR",               [64] = "ENONET",              [65] = "ENOPKG",
	[66] = "EREMOTE",             [67] = "ENOLINK",             [68] = "EADV",
	[69] = "ESRMNT",              [70] = "ECOMM",               [71] = "EPROTO",
	[72] = "EMULTIHOP",           [73] = "EDOTDOT",             [74] = "EBADMSG",
	[75] = "EOVERFLOW",           [76] = "ENOTUNIQ",            [77] = "EBADFD",
	[78] = "EREMCHG",             [79] = "ELIBACC",             [80] = "ELIBBAD",
	[81] = "ELIBSCN",             [82] = "ELIBMAX",             [83] = "ELIBEXEC",
	[84] = "EILSEQ",              [85] = "ERESTART",            [86] = "ESTRPIPE",
	[87] = "EUSERS",              [88] = "ENOTSOCK",            [89] = "EDESTADDRREQ",
	[90] = "EMSGSIZE",            [91] = "EPROTOTYPE",          [92] = "ENOPROTOOPT",
	[93] = "EPROTONOSUPPORT",     [94] = "ESOCKTNOSUPPORT",     [95] = "EOPNOTSUPP",
	[96] = "EPFNOSUPPORT",        [97] = "EAFNOSUPPORT",        [98] = "EADDRINUSE",
	[99] = "EADDRNOTAVAIL",       [100] = "ENETDOWN",           [101] = "ENETUNREACH",
	[102] = "ENETRESET",          [103] = "ECONNABORTED",       [104] = "ECONNRESET",
	[105] = "ENOBUFS",            [106] = "EISCONN",            [107] = "ENOTCONN",
	[108] = "ESHUTDOWN",          [109] = "ETOOMANYREFS",       [110] = "ETIMEDOUT",
	[111] = "ECONNREFUSED",       [112] = "EHOSTDOWN",          [113] = "EHOSTUNREACH",
	[114] = "EALREADY",           [115] = "EINPROGRESS",        [116] = "ESTALE",
	[117] = "EUCLEAN",            [118] = "ENOTNAM",            [119] = "ENAVAIL",
	[120] = "EISNAM",             [121] = "EREMOTEIO",          [122] = "EDQUOT",
	[123] = "ENOMEDIUM",          [124] = "EMEDIUMTYPE",        [125] = "ECANCELED",
	[126] = "ENOKEY",             [127] = "EKEYEXPIRED",        [128] = "EKEYREVOKED",
	[129] = "EKEYREJECTED",       [130] = "EOWNERDEAD",         [131] = "ENOTRECOVERABLE",
	[132] = "ERFKILL",            [133] = "EHWPOISON",
	/* kernel-internal codes that can reach a tracer */
	[512] = "ERESTARTSYS",
	[513] = "ERESTARTNOINTR",
	[514] = "ERESTARTNOHAND",
	[515] = "ENOIOCTLCMD",
	[516] = "ERESTART_RESTARTBLOCK",
	[517] = "EPROBE_DEFER",
	[518] = "EOPENSTALE",
	[521] = "EBADHANDLE",
	[522] = "ENOTSYNC",
	[523] = "EBADCOOKIE",
	[524] = "ENOTSUPP",
	[525] = "ETOOSMALL",
	[526] = "ESERVERFAULT",
	[527] = "EBADTYPE",
	[528] = "EJUKEBOX",
	[529] = "EIOCBQUEUED",
	[530] = "ERECALLCONFLICT",
};
/* clang-format on */

const char *emu_errno_name(int err)
{
	if (err <= 0 || (size_t)err >= ARRAY_SIZE(errno_names))
		return NULL;
	return errno_names[err];
}

/* glibc 2.36 strerror() in the C locale, 1..133 (41 and 58 have none). */
/* clang-format off */
static const char *const errno_messages[] = {
	[1] = "Operation not permitted",
	[2] = "No such file or directory",
	[3] = "No such process",
	[4] = "Interrupted system call",
	[5] = "Input/output error",
	[6] = "No such device or address",
	[7] = "Argument list too long",
	[8] = "Exec format error",
	[9] = "Bad file descriptor",
	[10] = "No child processes",
	[11] = "Resource temporarily unavailable",
	[12] = "Cannot allocate memory",
	[13] = "Permission denied",
	[14] = "Bad address",
	[15] = "Block device required",
	[16] = "Device or resource busy",
	[17] = "File exists",
	[18] = "Invalid cross-device link",
	[19] = "No such device",
	[20] = "Not a directory",
	[21] = "Is a directory",
	[22] = "Invalid argument",
	[23] = "Too many open files in system",
	[24] = "Too many open files",
	[25] = "Inappropriate ioctl for device",
	[26] = "Text file busy",
	[27] = "File too large",
	[28] = "No space left on device",
	[29] = "Illegal seek",
	[30] = "Read-only file system",
	[31] = "Too many links",
	[32] = "Broken pipe",
	[33] = "Numerical argument out of domain",
	[34] = "Numerical result out of range",
	[35] = "Resource deadlock avoided",
	[36] = "File name too long",
	[37] = "No locks available",
	[38] = "Function not implemented",
	[39] = "Directory not empty",
	[40] = "Too many levels of symbolic links",
	[42] = "No message of desired type",
	[43] = "Identifier removed",
	[44] = "Channel number out of range",
	[45] = "Level 2 not synchronized",
	[46] = "Level 3 halted",
	[47] = "Level 3 reset",
	[48] = "Link number out of range",
	[49] = "Protocol driver not attached",
	[50] = "No CSI structure available",
	[51] = "Level 2 halted",
	[52] = "Invalid exchange",
	[53] = "Invalid request descriptor",
	[54] = "Exchange full",
	[55] = "No anode",
	[56] = "Invalid request code",
	[57] = "Invalid slot",
	[59] = "Bad font file format",
	[60] = "Device not a stream",
	[61] = "No data available",
	[62] = "Timer expired",
	[63] = "Out of streams resources",
	[64] = "Machine is not on the network",
	[65] = "Package not installed",
	[66] = "Object is remote",
	[67] = "Link has been severed",
	[68] = "Advertise error",
	[69] = "Srmount error",
	[70] = "Communication error on send",
	[71] = "Protocol error",
	[72] = "Multihop attempted",
	[73] = "RFS specific error",
	[74] = "Bad message",
	[75] = "Value too large for defined data type",
	[76] = "Name not unique on network",
	[77] = "File descriptor in bad state",
	[78] = "Remote address changed",
	[79] = "Can not access a needed shared library",
	[80] = "Accessing a corrupted shared library",
	[81] = ".lib section in a.out corrupted",
	[82] = "Attempting to link in too many shared libraries",
	[83] = "Cannot exec a shared library directly",
	[84] = "Invalid or incomplete multibyte or wide character",
	[85] = "Interrupted system call should be restarted",
	[86] = "Streams pipe error",
	[87] = "Too many users",
	[88] = "Socket operation on non-socket",
	[89] = "Destination address required",
	[90] = "Message too long",
	[91] = "Protocol wrong type for socket",
	[92] = "Protocol not available",
	[93] = "Protocol not supported",
	[94] = "Socket type not supported",
	[95] = "Operation not supported",
	[96] = "Protocol family not supported",
	[97] = "Address family not supported by protocol",
	[98] = "Address already in use",
	[99] = "Cannot assign requested address",
	[100] = "Network is down",
	[101] = "Network is unreachable",
	[102] = "Network dropped connection on reset",
	[103] = "Software caused connection abort",
	[104] = "Connection reset by peer",
	[105] = "No buffer space available",
	[106] = "Transport endpoint is already connected",
	[107] = "Transport endpoint is not connected",
	[108] = "Cannot send after transport endpoint shutdown",
	[109] = "Too many references: cannot splice",
	[110] = "Connection timed out",
	[111] = "Connection refused",
	[112] = "Host is down",
	[113] = "No route to host",
	[114] = "Operation already in progress",
	[115] = "Operation now in progress",
	[116] = "Stale file handle",
	[117] = "Structure needs cleaning",
	[118] = "Not a XENIX named type file",
	[119] = "No XENIX semaphores available",
	[120] = "Is a named type file",
	[121] = "Remote I/O error",
	[122] = "Disk quota exceeded",
	[123] = "No medium found",
	[124] = "Wrong medium type",
	[125] = "Operation canceled",
	[126] = "Required key not available",
	[127] = "Key has expired",
	[128] = "Key has been revoked",
	[129] = "Key was rejected by service",
	[130] = "Owner died",
	[131] = "State not recoverable",
	[132] = "Operation not possible due to RF-kill",
	[133] = "Memory page has hardware error",
};
/* clang-format on */

const char *emu_errno_message(int err)
{
	if (err <= 0 || (size_t)err >= ARRAY_SIZE(errno_messages))
		return NULL;
	return errno_messages[err];
}
