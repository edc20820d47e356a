/*
 * emu/decode.c — print a call's arguments and result the way strace 6.1
 * does, by argument kind: emu_format_args, emu_format_ret, emu_quote.
 *
 * The text must match strace byte for byte for the calls people read most
 * (open, read, write, mmap, stat, execve, ...), so a few of strace's
 * per-call rules are kept here, each next to the kind it concerns:
 *   - open's mode is printed only when the flags hold O_CREAT or
 *     O_TMPFILE, and nothing after an omitted mode (mq_open's attr);
 *   - mknod's dev is printed, as makedev(), only for S_IFCHR/S_IFBLK;
 *   - dup3 and pipe2 take O_* flags without an access mode;
 *   - faccessat2 reads AT flag 0x200 as AT_EACCESS;
 *   - clone's low byte is the exit signal, unshare's and setns's are not;
 *   - getcwd's buffer is a path: printed up to its NUL;
 *   - umask returns a mode, printed in octal.
 * Everything else is generic.  Rows of the i386 table have 32-bit
 * registers: their arguments and result are narrowed before printing.
 *
 * The blobs are what the tracer fetched (tracer/record.c): PATH and STR
 * strings without their NUL, buffer previews of up to EMU_BUF_PREVIEW
 * bytes, argv packed as "a\0b\0".  Nothing here allocates or keeps state,
 * so the writer thread may call it while the tracer runs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "emu/flags.h"
#include "emu/syscalls.h"

#define ERRNO_MAX 4095	    /* results in [-4095, -1] are -errno */
#define AT_FDCWD_VALUE -100 /* include/uapi/linux/fcntl.h */
#define O_CREAT_BIT 0100u
#define O_TMPFILE_BIT 020000000u /* __O_TMPFILE: O_TMPFILE less O_DIRECTORY */

/* ------------------------------------------------------ bounded output */

void emu_out_init(struct emu_out *o, char *buf, size_t size)
{
	o->buf = buf;
	o->size = buf ? size : 0;
	o->len = 0;
	if (o->size)
		buf[0] = '\0';
}

void emu_out_mem(struct emu_out *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - 1 - o->len;
		size_t k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->buf[o->len + k] = '\0';
	}
	o->len += n;
}

void emu_out_str(struct emu_out *o, const char *s)
{
	emu_out_mem(o, s, strlen(s));
}

void emu_out_fmt(struct emu_out *o, const char *fmt, ...)
{
	size_t room = o->len < o->size ? o->size - o->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* ------------------------------------------------------------- quoting */

/*
 * strace's string_quote() without -x: the C escapes \" \\ \f \n \r \t \v,
 * printable ASCII as is, every other byte (controls, DEL, bytes >= 0x80)
 * as the shortest octal escape, or three digits when an octal digit
 * follows so that "\0" "1" does not read as "\01".
 */
static void quote(struct emu_out *o, const unsigned char *s, size_t len, bool truncated)
{
	emu_out_str(o, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned int c = s[i];
		char esc[4];
		size_t n = 0;

		switch (c) {
		case '"':
			emu_out_str(o, "\\\"");
			continue;
		case '\\':
			emu_out_str(o, "\\\\");
			continue;
		case '\f':
			emu_out_str(o, "\\f");
			continue;
		case '\n':
			emu_out_str(o, "\\n");
			continue;
		case '\r':
			emu_out_str(o, "\\r");
			continue;
		case '\t':
			emu_out_str(o, "\\t");
			continue;
		case '\v':
			emu_out_str(o, "\\v");
			continue;
		default:
			break;
		}
		if (c >= ' ' && c < 0x7f) {
			esc[n++] = (char)c;
		} else {
			bool digit_next = i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '7';

			esc[n++] = '\\';
			if (digit_next || c >> 6)
				esc[n++] = (char)('0' + (c >> 6));
			if (digit_next || c >> 3)
				esc[n++] = (char)('0' + ((c >> 3) & 7));
			esc[n++] = (char)('0' + (c & 7));
		}
		emu_out_mem(o, esc, n);
	}
	emu_out_str(o, "\"");
	if (truncated)
		emu_out_str(o, "...");
}

size_t emu_quote(char *buf, size_t size, const void *data, size_t len, bool truncated)
{
	struct emu_out o;

	emu_out_init(&o, buf, size);
	quote(&o, data, data ? len : 0, truncated);
	return o.len;
}

/* ----------------------------------------------------------- arguments */

/* Is sc a row of the i386 table (32-bit registers)? */
static bool is_i386_row(const struct emu_syscall *sc)
{
	size_t n;
	const struct emu_syscall *rows = emu_syscall_rows(EMU_ABI_I386, &n);
	uintptr_t p = (uintptr_t)sc, lo = (uintptr_t)rows, hi = (uintptr_t)(rows + n);

	return rows && p >= lo && p < hi;
}

static bool blob_has_data(const struct emu_blob *b)
{
	return b && (b->status == EMU_BLOB_OK || b->status == EMU_BLOB_TRUNCATED) &&
	       (b->data || !b->len);
}

static void print_ptr(struct emu_out *o, uint64_t v)
{
	if (v)
		emu_out_fmt(o, "%#llx", (unsigned long long)v);
	else
		emu_out_str(o, "NULL");
}

/* A NUL-terminated string argument, fetched whole (up to PATH_MAX). */
static void print_string(struct emu_out *o, uint64_t v, const struct emu_blob *b)
{
	if (!v || !blob_has_data(b)) {
		print_ptr(o, v); /* NULL, or not fetched, or unreadable */
		return;
	}
	quote(o, b->data, b->len ? strnlen(b->data, b->len) : 0, b->status == EMU_BLOB_TRUNCATED);
}

/*
 * A buffer preview: at most EMU_BUF_PREVIEW bytes, "..." when there was
 * more.  as_string stops at a NUL (getcwd fills a NUL-terminated path and
 * returns its length with the NUL).
 */
static void print_buffer(struct emu_out *o, const struct emu_blob *b, bool as_string)
{
	size_t len = b->len < EMU_BUF_PREVIEW ? b->len : EMU_BUF_PREVIEW;
	bool more = b->status == EMU_BLOB_TRUNCATED || b->len > len;

	if (as_string && len) {
		const char *nul = memchr(b->data, '\0', len);

		if (nul) {
			len = (size_t)(nul - (const char *)b->data);
			more = false;
		}
	}
	quote(o, b->data, len, more);
}

/* argv: ["a", "b", ...], each string cut at EMU_BUF_PREVIEW bytes as strace's -s 32. */
static void print_strv(struct emu_out *o, const struct emu_blob *b)
{
	const char *p = b->data;
	size_t left = p ? b->len : 0, count = 0;

	emu_out_str(o, "[");
	while (left) {
		const char *nul = memchr(p, '\0', left);
		size_t slen = nul ? (size_t)(nul - p) : left;
		size_t shown = slen < EMU_BUF_PREVIEW ? slen : EMU_BUF_PREVIEW;

		if (count++)
			emu_out_str(o, ", ");
		quote(o, (const unsigned char *)p, shown, slen > shown);
		if (!nul)
			break;
		left -= slen + 1;
		p = nul + 1;
	}
	if (b->status == EMU_BLOB_TRUNCATED)
		emu_out_str(o, count ? ", ..." : "...");
	emu_out_str(o, "]");
}

/*
 * struct stat as strace prints it without -v: the type and mode, then the
 * size, or for a device its number.
 */
static void print_stat(struct emu_out *o, const void *data)
{
	struct stat st;
	uint64_t dev;

	memcpy(&st, data, sizeof(st));
	emu_out_str(o, "{st_mode=");
	emu_print_mode(o, st.st_mode);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		/* glibc/kernel 64-bit dev_t: major 12+20 bits, minor 8+24 bits */
		dev = st.st_rdev;
		emu_out_fmt(o, ", st_rdev=makedev(%#llx, %#llx)",
			    (unsigned long long)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffULL)),
			    (unsigned long long)((dev & 0xff) | ((dev >> 12) & ~0xffULL)));
	} else {
		emu_out_fmt(o, ", st_size=%lld", (long long)st.st_size);
	}
	emu_out_str(o, ", ...}");
}

static bool name_is(const struct emu_syscall *sc, const char *name)
{
	return sc->name && strcmp(sc->name, name) == 0;
}

/* Calls whose EK_OPEN_FLAGS argument has no access mode: strace prints O_CLOEXEC alone. */
static bool open_flags_without_accmode(const struct emu_syscall *sc)
{
	return name_is(sc, "dup3") || name_is(sc, "pipe2");
}

/* mknod(path, mode, dev), mknodat(dirfd, path, mode, dev) */
static bool is_mknod(const struct emu_syscall *sc)
{
	return name_is(sc, "mknod") || name_is(sc, "mknodat");
}

static void print_scalar(struct emu_out *o, const struct emu_syscall *sc, int i, uint64_t v,
			 bool narrow)
{
	switch (sc->args[i].kind) {
	case EK_INT:
	case EK_FD:
		emu_out_fmt(o, "%d", (int)(int32_t)(uint32_t)v);
		break;
	case EK_LONG:
	case EK_OFF:
		emu_out_fmt(o, "%lld", narrow ? (long long)(int32_t)v : (long long)(int64_t)v);
		break;
	case EK_UINT:
		emu_out_fmt(o, "%u", (unsigned int)(uint32_t)v);
		break;
	case EK_SIZE:
		emu_out_fmt(o, "%llu", (unsigned long long)v);
		break;
	case EK_DIRFD:
		if ((int32_t)(uint32_t)v == AT_FDCWD_VALUE)
			emu_out_str(o, "AT_FDCWD");
		else
			emu_out_fmt(o, "%d", (int)(int32_t)(uint32_t)v);
		break;
	case EK_PTR:
	case EK_STRUCT_IN:
	case EK_STRUCT_OUT:
		print_ptr(o, v);
		break;
	case EK_OPEN_FLAGS:
		emu_print_open_flags(o, (uint32_t)v, !open_flags_without_accmode(sc));
		break;
	case EK_AT_FLAGS:
		emu_print_at_flags(o, (uint32_t)v, name_is(sc, "faccessat2"));
		break;
	case EK_MODE:
		emu_print_mode(o, (uint32_t)v);
		break;
	case EK_ACCESS_MODE:
		emu_print_access_mode(o, (uint32_t)v);
		break;
	case EK_SIGNAL:
		emu_print_signal(o, (int)(int32_t)(uint32_t)v);
		break;
	case EK_WHENCE:
		emu_print_whence(o, (uint32_t)v);
		break;
	case EK_MMAP_PROT:
		emu_print_mmap_prot(o, v);
		break;
	case EK_MMAP_FLAGS:
		emu_print_mmap_flags(o, v);
		break;
	case EK_CLONE_FLAGS:
		/* clone(flags, ...) carries the exit signal in CSIGNAL; unshare, setns do not */
		emu_print_clone_flags(o, v, i == 0 && (sc->flags & EMU_F_PROCESS));
		break;
	case EK_HEX:
	default: /* EK_NONE below nargs or an unknown kind: show the register */
		emu_out_fmt(o, "%#llx", (unsigned long long)v);
		break;
	}
}

size_t emu_format_args(char *buf, size_t size, const struct emu_syscall *sc, const uint64_t args[6],
		       const struct emu_blob blobs[6], int64_t ret)
{
	static const uint64_t no_args[6];
	bool narrow, open_flags_seen = false, open_creates = false;
	struct emu_out o;
	int nargs;

	emu_out_init(&o, buf, size);
	if (!args)
		args = no_args;
	if (!sc) {
		for (int i = 0; i < 6; i++)
			emu_out_fmt(&o, "%s%#llx", i ? ", " : "", (unsigned long long)args[i]);
		return o.len;
	}
	narrow = is_i386_row(sc);
	if (narrow)
		ret = (int32_t)ret;
	nargs = sc->nargs < 6 ? sc->nargs : 6;

	for (int i = 0; i < nargs; i++) {
		const struct emu_blob *b = blobs ? &blobs[i] : NULL;
		uint64_t v = narrow ? (uint32_t)args[i] : args[i];
		int kind = sc->args[i].kind;

		/* open(2): "the mode argument is ignored" without O_CREAT or O_TMPFILE */
		if (kind == EK_MODE && open_flags_seen && !open_creates)
			break;
		if (i)
			emu_out_str(&o, ", ");

		switch (kind) {
		case EK_PATH:
		case EK_STR:
			print_string(&o, v, b);
			break;
		case EK_BUF_IN:
			if (v && blob_has_data(b))
				print_buffer(&o, b, false);
			else
				print_ptr(&o, v);
			break;
		case EK_BUF_OUT:
			/* filled only on success; a result of 0 filled nothing */
			if (v && ret >= 0 && blob_has_data(b))
				print_buffer(&o, b, name_is(sc, "getcwd"));
			else if (v && ret == 0)
				emu_out_str(&o, "\"\"");
			else
				print_ptr(&o, v);
			break;
		case EK_STRV:
			if (v && blob_has_data(b))
				print_strv(&o, b);
			else
				print_ptr(&o, v);
			break;
		case EK_STAT_OUT:
			if (v && ret == 0 && blob_has_data(b) && b->len >= sizeof(struct stat))
				print_stat(&o, b->data);
			else
				print_ptr(&o, v);
			break;
		case EK_OPEN_FLAGS:
			open_flags_seen = true;
			open_creates = (v & (O_CREAT_BIT | O_TMPFILE_BIT)) != 0;
			print_scalar(&o, sc, i, v, narrow);
			break;
		case EK_MODE:
			print_scalar(&o, sc, i, v, narrow);
			if (is_mknod(sc) && i + 1 < nargs) {
				uint32_t type = (uint32_t)v & 0170000;

				/* mknod(2): dev is used only for S_IFCHR and S_IFBLK */
				if (type == 0020000 || type == 0060000) {
					emu_out_str(&o, ", ");
					emu_print_dev(&o, (uint32_t)(narrow ? (uint32_t)args[i + 1]
									    : args[i + 1]));
				}
				return o.len;
			}
			break;
		default:
			print_scalar(&o, sc, i, v, narrow);
			break;
		}
	}
	return o.len;
}

/* -------------------------------------------------------------- result */

static void print_error(struct emu_out *o, int err)
{
	const char *name, *msg;

	/* Restart codes (include/linux/errno.h): the call will be restarted, there is no result. */
	switch (err) {
	case 512:
		emu_out_str(o, "? ERESTARTSYS (To be restarted if SA_RESTART is set)");
		return;
	case 513:
		emu_out_str(o, "? ERESTARTNOINTR (To be restarted)");
		return;
	case 514:
		emu_out_str(o, "? ERESTARTNOHAND (To be restarted if no handler)");
		return;
	case 516:
		emu_out_str(o, "? ERESTART_RESTARTBLOCK (Interrupted by signal)");
		return;
	default:
		break;
	}
	name = emu_errno_name(err);
	msg = emu_errno_message(err);
	if (!name)
		emu_out_fmt(o, "-1 (errno %d)", err);
	else if (msg)
		emu_out_fmt(o, "-1 %s (%s)", name, msg);
	else
		emu_out_fmt(o, "-1 %s (Unknown error %d)", name, err);
}

size_t emu_format_ret(char *buf, size_t size, const struct emu_syscall *sc, int64_t ret)
{
	bool narrow = sc && is_i386_row(sc);
	struct emu_out o;

	emu_out_init(&o, buf, size);
	if (sc && (sc->flags & EMU_F_NORETURN)) {
		emu_out_str(&o, "?");
		return o.len;
	}
	if (narrow)
		ret = (int32_t)ret;
	if (ret < 0 && ret >= -ERRNO_MAX)
		print_error(&o, (int)-ret);
	else if (sc && (sc->flags & EMU_F_RET_HEX))
		emu_out_fmt(&o, "%#llx",
			    narrow ? (unsigned long long)(uint32_t)ret : (unsigned long long)ret);
	else if (sc && name_is(sc, "umask"))
		emu_out_fmt(&o, "%#03llo", (unsigned long long)ret);
	else
		emu_out_fmt(&o, "%lld", (long long)ret);
	return o.len;
}
