/*
 * emu/select.c — parse `--log=` specifications into a selection.
 *
 * Classes follow strace's (-e trace=%file ...), taken from the syscall
 * table's flags, so a syscall is in a class exactly when its row says so.
 * A name selects that call in every ABI that has it (open is 2 on x86_64
 * and 5 on i386).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "emu/select.h"

static const struct {
	const char *name;
	uint32_t flags;
} classes[] = {
	{ "file", EMU_F_FILE },	      { "desc", EMU_F_DESC },	  { "process", EMU_F_PROCESS },
	{ "net", EMU_F_NET },	      { "network", EMU_F_NET },	  { "signal", EMU_F_SIGNAL },
	{ "ipc", EMU_F_IPC },	      { "memory", EMU_F_MEMORY },
};

void emu_select_add(struct emu_select *sel, int abi, long nr)
{
	if (nr < 0 || nr >= EMU_SELECT_NR_MAX || abi < 0 || abi >= EMU_ABI_COUNT)
		return;
	sel->bits[abi][nr / 64] |= UINT64_C(1) << (nr % 64);
}

void emu_select_add_flags(struct emu_select *sel, uint32_t mask)
{
	for (int abi = 0; abi < EMU_ABI_COUNT; abi++) {
		size_t count;
		const struct emu_syscall *rows = emu_syscall_rows(abi, &count);

		for (size_t i = 0; i < count; i++)
			if (rows[i].flags & mask)
				emu_select_add(sel, abi, rows[i].nr);
	}
}

static bool add_name(struct emu_select *sel, const char *name)
{
	bool found = false;

	for (int abi = 0; abi < EMU_ABI_COUNT; abi++) {
		const struct emu_syscall *sc = emu_syscall_by_name(abi, name);

		if (sc) {
			emu_select_add(sel, abi, sc->nr);
			found = true;
		}
	}
	return found;
}

static int add_word(struct emu_select *sel, const char *word, char *errmsg, size_t errsize)
{
	if (*word == '%')
		word++; /* strace spelling: %file */
	if (!strcmp(word, "all")) {
		sel->all = true;
		return 0;
	}
	if (!strcmp(word, "none"))
		return 0;
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (!strcmp(word, classes[i].name)) {
			emu_select_add_flags(sel, classes[i].flags);
			return 0;
		}
	}
	if (add_name(sel, word))
		return 0;
	snprintf(errmsg, errsize,
		 "'%s' is neither a class (all, none, file, desc, process, net, signal, "
		 "ipc, memory) nor a system call",
		 word);
	return -EINVAL;
}

int emu_select_parse(const char *spec, struct emu_select *sel, char *errmsg, size_t errsize)
{
	char word[64];
	const char *p = spec;

	memset(sel, 0, sizeof(*sel));
	if (!*spec) {
		snprintf(errmsg, errsize, "empty selection (say none to record nothing)");
		return -EINVAL;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		int err;

		if (n == 0 || n >= sizeof(word)) {
			snprintf(errmsg, errsize, "bad selection '%s'", spec);
			return -EINVAL;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		err = add_word(sel, word, errmsg, errsize);
		if (err)
			return err;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!sel->all) {
		sel->none = true;
		for (int abi = 0; abi < EMU_ABI_COUNT && sel->none; abi++)
			for (size_t i = 0; i < EMU_SELECT_NR_MAX / 64; i++)
				if (sel->bits[abi][i]) {
					sel->none = false;
					break;
				}
	}
	return 0;
}
