/*
 * emu/flags.h — internal to emu/: the bounded text buffer and the symbolic
 * printers that emu/decode.c uses to print arguments the way strace does.
 * Not part of the module's interface (that is emu/syscalls.h).
 *
 * Everything here is allocation-free and keeps no state outside the
 * caller's struct emu_out, so it is safe from any thread.
 */
#ifndef PCOW_EMU_FLAGS_H
#define PCOW_EMU_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Text being built into a caller's buffer, snprintf-style: len counts the
 * whole text even past the end of buf, so the caller learns the size it
 * needed.  Invariant: when size > 0, buf holds the first min(len, size - 1)
 * bytes of the text followed by a NUL; when size == 0, buf is never touched.
 */
struct emu_out {
	char *buf;   /* destination, may be NULL when size == 0 */
	size_t size; /* capacity of buf in bytes, the NUL included */
	size_t len;  /* length of the full text so far */
};

void emu_out_init(struct emu_out *o, char *buf, size_t size);
void emu_out_mem(struct emu_out *o, const char *s, size_t n);
void emu_out_str(struct emu_out *o, const char *s);
void emu_out_fmt(struct emu_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The printers append one argument's text.  Each takes the value as the
 * kernel sees it (the caller narrows registers first) and prints unknown
 * bits as strace does: "O_RDONLY|0x40000000" after known names, and
 * the hex value followed by a comment naming the unknown class
 * ("AT_???") when no name matches at all.
 */

/* O_* flags; with_accmode prints O_RDONLY/O_WRONLY/O_RDWR first (open, openat). */
void emu_print_open_flags(struct emu_out *o, uint32_t flags, bool with_accmode);

/* AT_*; eaccess reads 0x200 as AT_EACCESS (faccessat2) instead of AT_REMOVEDIR. */
void emu_print_at_flags(struct emu_out *o, uint32_t flags, bool eaccess);

/* A mode_t as umode_t (16 bits): 0644, S_IFREG|0644, 000. */
void emu_print_mode(struct emu_out *o, uint32_t mode);

/* mknod's dev_t: makedev(0x1, 0x3). */
void emu_print_dev(struct emu_out *o, uint32_t dev);

/* F_OK, or R_OK|W_OK|X_OK. */
void emu_print_access_mode(struct emu_out *o, uint32_t mode);

/* SEEK_SET .. SEEK_HOLE. */
void emu_print_whence(struct emu_out *o, uint32_t whence);

/* PROT_*. */
void emu_print_mmap_prot(struct emu_out *o, uint64_t prot);

/* MAP_PRIVATE|MAP_ANONYMOUS, the map type first and MAP_HUGE_* as "N<<MAP_HUGE_SHIFT" last. */
void emu_print_mmap_flags(struct emu_out *o, uint64_t flags);

/* CLONE_*; exit_signal prints the low byte as a signal (clone), else as flag bits. */
void emu_print_clone_flags(struct emu_out *o, uint64_t flags, bool exit_signal);

/* SIGTERM, SIGRT_3, or the number in decimal. */
void emu_print_signal(struct emu_out *o, int sig);

/* glibc's English strerror() text for err; NULL when glibc has none. */
const char *emu_errno_message(int err);

#endif /* PCOW_EMU_FLAGS_H */
