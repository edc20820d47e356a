/*
 * emu/select.h — which system calls a run records (`pcow trace --log=`).
 *
 * A selection is a bit per (ABI, number), built from a specification:
 *   all | none | a comma list of classes (file, desc, process, net, signal,
 *   ipc, memory — strace's %file, %desc, ...) and syscall names.
 * The tracer asks it for each call; the seccomp filter is generated from it.
 */
#ifndef PCOW_EMU_SELECT_H
#define PCOW_EMU_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/syscalls.h"

#define EMU_SELECT_NR_MAX 1024 /* numbers past every ABI's table (bounds-checked) */

struct emu_select {
	bool all;  /* every call, known or not */
	bool none; /* nothing */
	uint64_t bits[EMU_ABI_COUNT][EMU_SELECT_NR_MAX / 64];
};

/*
 * Parse spec into *sel.  Returns 0, or -EINVAL with a message in errmsg
 * (errsize bytes) naming the word that is neither a class nor a syscall.
 */
int emu_select_parse(const char *spec, struct emu_select *sel, char *errmsg, size_t errsize);

/* Is (abi, nr) selected?  Numbers outside the table: only with "all". */
static inline bool emu_select_has(const struct emu_select *sel, int abi, long nr)
{
	if (sel->all)
		return true;
	if (nr < 0 || nr >= EMU_SELECT_NR_MAX || abi < 0 || abi >= EMU_ABI_COUNT)
		return false;
	return sel->bits[abi][nr / 64] >> (nr % 64) & 1;
}

/* Select (abi, nr) (no-op out of range). */
void emu_select_add(struct emu_select *sel, int abi, long nr);

/* Select every call of every ABI whose table flags intersect mask. */
void emu_select_add_flags(struct emu_select *sel, uint32_t mask);

#endif /* PCOW_EMU_SELECT_H */
