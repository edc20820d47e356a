/*
 * tracer/elf.h — what pcow reads from ELF files: the facts about an
 * executed program, and the symbols used to name stack frames.
 *
 * libelf is used by tracer/elf.c and nowhere else; this interface hands out
 * plain values.  An elf handle is a snapshot of one file: its loadable
 * segments, function symbols (.symtab and .dynsym) and build-id, copied
 * out so the file is closed again.  Caching (per device, inode and mtime)
 * is the caller's business (tracer/stack.c).
 */
#ifndef PCOW_TRACER_ELF_H
#define PCOW_TRACER_ELF_H

#include <stdbool.h>
#include <stdint.h>

/* Build-ids are at most 64 bytes here: 128 hex digits and a NUL. */
#define TRACER_BUILD_ID_MAX 129
#define TRACER_INTERP_MAX 256

struct tracer_elf_facts {
	int elf_class;	 /* 32 or 64; 0: not an ELF file (or unreadable) */
	int machine;	 /* e_machine (EM_X86_64 62, EM_386 3, ...) */
	bool is_static;	 /* no program interpreter (PT_INTERP) */
	char interp[TRACER_INTERP_MAX];	   /* the interpreter, "" when none */
	char build_id[TRACER_BUILD_ID_MAX]; /* hex, "" when none */
};

/*
 * Read the facts of the ELF file open on fd (the caller keeps the fd).
 * Returns 0, or -ENOEXEC when it is not ELF (*ret zeroed), -errno else.
 */
int tracer_elf_facts_fd(int fd, struct tracer_elf_facts *ret);

struct tracer_elf;

/*
 * Load the segments, function symbols and build-id of the ELF file at
 * file_path.  Returns 0 and *ret_elf (freed with tracer_elf_free), or
 * -errno (-ENOEXEC: not ELF).
 */
int tracer_elf_load(const char *file_path, struct tracer_elf **ret_elf);
void tracer_elf_free(struct tracer_elf *e); /* accepts NULL */

/*
 * The ELF virtual address (the module's own numbering, what addr2line -e
 * FILE takes) of the byte at file offset file_off, through the PT_LOAD
 * segments.  False when no segment holds it.
 */
bool tracer_elf_vaddr(const struct tracer_elf *e, uint64_t file_off, uint64_t *ret_vaddr);

/*
 * The function containing vaddr and vaddr's offset from its start, or NULL
 * (a stripped file, or an address between functions).  The name lives as
 * long as e.
 */
const char *tracer_elf_symbol(const struct tracer_elf *e, uint64_t vaddr, uint64_t *ret_off);

/* The file's build-id in hex, "" when it has none. */
const char *tracer_elf_build_id(const struct tracer_elf *e);

#endif /* PCOW_TRACER_ELF_H */
