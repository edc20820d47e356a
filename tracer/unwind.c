/*
 * tracer/unwind.c — remote stack unwinding with libunwind-ptrace (the only
 * file that includes it).
 *
 * libunwind's ptrace accessors (_UPT_accessors) read every register with a
 * PTRACE_PEEKUSER and every stack word with a PTRACE_PEEKDATA: a dozen
 * system calls per frame.  pcow keeps their unwind-table lookup
 * (_UPT_find_proc_info, which maps the module's file and finds its
 * .eh_frame_hdr) but brings its own register and memory access:
 *   - registers: one PTRACE_GETREGS per unwind, then served from the copy;
 *   - memory: whole pages through tracer_mem_read (process_vm_readv, or
 *     the fallback reader the user chose).  Unwinding reads the stack and
 *     the .eh_frame of the modules.  The stack's first pages are read with
 *     one call when the unwind starts and, like every page the tracee may
 *     change, kept only for that unwind (the tracee runs between unwinds);
 *     pages of read-only file mappings (the unwind tables), which the
 *     caller recognises through tracer_unwind_space_set_immutable, are
 *     kept in the space until the next flush.
 * The address space has UNW_CACHE_GLOBAL: once the DWARF rules of an
 * address are known, later frames at the same address skip the table
 * lookup.  Caches are dropped when tracer/stack.c sees the mappings change.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include <libunwind-ptrace.h>
#include <libunwind.h>

#include "tracer/tracer.h"
#include "tracer/unwind.h"

#define PAGE_SIZE_ 4096u
#define SCRATCH_PAGES 8	 /* per unwind: the stack, and what nothing else keeps */
#define KEEP_PAGES 32	 /* per space, direct-mapped: pages of read-only files */
#define PREFETCH_PAGES 2 /* the stack pages read at once, from the stack pointer's */

struct page_tag {
	uint64_t addr; /* page address; 0: empty */
	bool bad;      /* unreadable */
};

struct tracer_unwind_space {
	unw_addr_space_t as;
	uint32_t generation; /* bumped by each flush: thread handles remade */
	bool (*immutable)(void *opaque, uint64_t addr);
	void *opaque;
	struct page_tag kept_tag[KEEP_PAGES];
	unsigned char (*kept)[PAGE_SIZE_]; /* KEEP_PAGES, allocated on first use */
};

struct tracer_unwind_thread {
	void *upt;	     /* _UPT_create(tid) */
	pid_t tid;
	uint32_t generation; /* of the space when upt was made */
	/* For the unwind in progress. */
	struct pcow_tracee *t;
	struct tracer_unwind_space *space;
	struct user_regs_struct regs;
	int regs_err;	     /* 0: regs valid */
};

/*
 * The per-unwind pages (the tracer is single-threaded), contiguous so the
 * stack's first pages are read with one call.
 */
static struct page_tag scratch_tag[SCRATCH_PAGES];
static unsigned char (*scratch)[PAGE_SIZE_];
static unsigned scratch_next;

/*
 * The thread being unwound.  The accessors cannot trust their arg: inside
 * _UPT_find_proc_info libunwind calls them back with the _UPT handle.
 */
static struct tracer_unwind_thread *current;

static void scratch_clear(void)
{
	memset(scratch_tag, 0, sizeof(scratch_tag));
	scratch_next = 0;
}

/* Read the stack's first pages, from the one sp is in, with one call. */
static void prefetch_stack(struct tracer_unwind_thread *u, uint64_t sp)
{
	uint64_t base = sp & ~(uint64_t)(PAGE_SIZE_ - 1);

	if (!scratch)
		scratch = malloc(SCRATCH_PAGES * sizeof(*scratch));
	if (!base || !scratch)
		return;
	if (tracer_mem_read(u->t, base, scratch[0], PREFETCH_PAGES * PAGE_SIZE_) == 0) {
		for (unsigned i = 0; i < PREFETCH_PAGES; i++)
			scratch_tag[i] = (struct page_tag){ base + i * PAGE_SIZE_, false };
		scratch_next = PREFETCH_PAGES;
	}
}

/* The page at base, read or found; NULL when unreadable. */
static const unsigned char *page_of(struct tracer_unwind_thread *u, uint64_t base)
{
	struct tracer_unwind_space *s = u->space;
	struct page_tag *tag;
	unsigned char *bytes;
	unsigned i;

	for (i = 0; i < SCRATCH_PAGES; i++)
		if (scratch_tag[i].addr == base)
			return scratch_tag[i].bad ? NULL : scratch[i];
	if (s->immutable && s->immutable(s->opaque, base)) {
		if (!s->kept)
			s->kept = malloc(KEEP_PAGES * sizeof(*s->kept));
		if (s->kept) {
			i = (unsigned)(base / PAGE_SIZE_) % KEEP_PAGES;
			tag = &s->kept_tag[i];
			bytes = s->kept[i];
			if (tag->addr == base)
				return tag->bad ? NULL : bytes;
			goto fill;
		}
	}
	i = scratch_next++ % SCRATCH_PAGES;
	tag = &scratch_tag[i];
	bytes = scratch[i];
fill:
	tag->addr = base;
	tag->bad = tracer_mem_read(u->t, base, bytes, PAGE_SIZE_) != 0;
	return tag->bad ? NULL : bytes;
}

static int read_word(struct tracer_unwind_thread *u, uint64_t addr, unw_word_t *val)
{
	uint64_t base = addr & ~(uint64_t)(PAGE_SIZE_ - 1);
	size_t off = addr - base;
	const unsigned char *page = NULL;

	if (scratch && base && off + sizeof(*val) <= PAGE_SIZE_)
		page = page_of(u, base);
	if (!page)
		return tracer_mem_read(u->t, addr, val, sizeof(*val)) ? -UNW_EINVAL : 0;
	memcpy(val, page + off, sizeof(*val));
	return 0;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write,
		      void *arg)
{
	(void)as;
	(void)arg;
	if (write || !current)
		return -UNW_EINVAL; /* pcow never changes the tracee's stack */
	return read_word(current, addr, val);
}

/* libunwind's x86_64 register numbers -> struct user_regs_struct. */
static const size_t reg_offset[] = {
	[UNW_X86_64_RAX] = offsetof(struct user_regs_struct, rax),
	[UNW_X86_64_RDX] = offsetof(struct user_regs_struct, rdx),
	[UNW_X86_64_RCX] = offsetof(struct user_regs_struct, rcx),
	[UNW_X86_64_RBX] = offsetof(struct user_regs_struct, rbx),
	[UNW_X86_64_RSI] = offsetof(struct user_regs_struct, rsi),
	[UNW_X86_64_RDI] = offsetof(struct user_regs_struct, rdi),
	[UNW_X86_64_RBP] = offsetof(struct user_regs_struct, rbp),
	[UNW_X86_64_RSP] = offsetof(struct user_regs_struct, rsp),
	[UNW_X86_64_R8] = offsetof(struct user_regs_struct, r8),
	[UNW_X86_64_R9] = offsetof(struct user_regs_struct, r9),
	[UNW_X86_64_R10] = offsetof(struct user_regs_struct, r10),
	[UNW_X86_64_R11] = offsetof(struct user_regs_struct, r11),
	[UNW_X86_64_R12] = offsetof(struct user_regs_struct, r12),
	[UNW_X86_64_R13] = offsetof(struct user_regs_struct, r13),
	[UNW_X86_64_R14] = offsetof(struct user_regs_struct, r14),
	[UNW_X86_64_R15] = offsetof(struct user_regs_struct, r15),
	[UNW_X86_64_RIP] = offsetof(struct user_regs_struct, rip),
};

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write,
		      void *arg)
{
	struct tracer_unwind_thread *u = current;

	(void)as;
	(void)arg;
	if (!u || write || reg < 0 || (size_t)reg >= sizeof(reg_offset) / sizeof(reg_offset[0]))
		return -UNW_EBADREG;
	if (u->regs_err)
		return -UNW_EBADREG;
	memcpy(val, (const char *)&u->regs + reg_offset[reg], sizeof(*val));
	return 0;
}

/* The rest is libunwind-ptrace's own, given its handle. */
static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			  int need_unwind_info, void *arg)
{
	return _UPT_find_proc_info(as, ip, pi, need_unwind_info,
				   ((struct tracer_unwind_thread *)arg)->upt);
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	_UPT_put_unwind_info(as, pi, ((struct tracer_unwind_thread *)arg)->upt);
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *dil_addr, void *arg)
{
	return _UPT_get_dyn_info_list_addr(as, dil_addr, ((struct tracer_unwind_thread *)arg)->upt);
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write,
			void *arg)
{
	(void)as;
	(void)reg;
	(void)val;
	(void)write;
	(void)arg;
	return -UNW_EBADREG;
}

static int resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	(void)as;
	(void)c;
	(void)arg;
	return -UNW_EINVAL; /* pcow never resumes through libunwind */
}

static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf, size_t len,
			 unw_word_t *offp, void *arg)
{
	(void)as;
	(void)addr;
	(void)buf;
	(void)len;
	(void)offp;
	(void)arg;
	return -UNW_ENOINFO; /* names come from tracer/elf.c */
}

static unw_accessors_t accessors = {
	.find_proc_info = find_proc_info,
	.put_unwind_info = put_unwind_info,
	.get_dyn_info_list_addr = get_dyn_info_list_addr,
	.access_mem = access_mem,
	.access_reg = access_reg,
	.access_fpreg = access_fpreg,
	.resume = resume,
	.get_proc_name = get_proc_name,
};

int tracer_unwind_space_new(struct tracer_unwind_space **ret_space)
{
	struct tracer_unwind_space *s = calloc(1, sizeof(*s));

	*ret_space = NULL;
	if (!s)
		return -ENOMEM;
	s->as = unw_create_addr_space(&accessors, 0);
	if (!s->as) {
		free(s);
		return -ENOMEM;
	}
	unw_set_caching_policy(s->as, UNW_CACHE_GLOBAL);
	*ret_space = s;
	return 0;
}

void tracer_unwind_space_free(struct tracer_unwind_space *s)
{
	if (!s)
		return;
	unw_destroy_addr_space(s->as);
	free(s->kept);
	free(s);
}

void tracer_unwind_space_set_immutable(struct tracer_unwind_space *s,
				       bool (*immutable)(void *opaque, uint64_t addr),
				       void *opaque)
{
	s->immutable = immutable;
	s->opaque = opaque;
}

void tracer_unwind_space_flush(struct tracer_unwind_space *s)
{
	unw_flush_cache(s->as, 0, 0);
	memset(s->kept_tag, 0, sizeof(s->kept_tag));
	s->generation++;
}

void tracer_unwind_thread_free(struct tracer_unwind_thread *u)
{
	if (!u)
		return;
	if (u->upt)
		_UPT_destroy(u->upt);
	free(u);
}

/* t's handle, current for space s; NULL when out of memory. */
static struct tracer_unwind_thread *thread_of(struct tracer_unwind_space *s,
					      struct tracer_unwind_thread **thread, pid_t tid)
{
	struct tracer_unwind_thread *u = *thread;

	if (!u) {
		u = calloc(1, sizeof(*u));
		if (!u)
			return NULL;
		*thread = u;
	}
	if (u->upt && (u->tid != tid || u->generation != s->generation)) {
		_UPT_destroy(u->upt);
		u->upt = NULL;
	}
	if (!u->upt) {
		u->upt = _UPT_create(tid);
		if (!u->upt)
			return NULL;
		u->tid = tid;
		u->generation = s->generation;
	}
	return u;
}

int tracer_unwind(struct tracer_unwind_space *s, struct tracer_unwind_thread **thread,
		  struct pcow_tracee *t, uint64_t *pcs, int max)
{
	struct tracer_unwind_thread *u = thread_of(s, thread, t->tid);
	unw_cursor_t cursor;
	int n = 0;

	if (!u)
		return -ENOMEM;
	u->t = t;
	u->space = s;
	u->regs_err = ptrace(PTRACE_GETREGS, t->tid, NULL, &u->regs) < 0 ? -errno : 0;
	if (u->regs_err)
		return u->regs_err;
	scratch_clear();
	prefetch_stack(u, u->regs.rsp);
	current = u;
	if (unw_init_remote(&cursor, s->as, u) < 0) {
		current = NULL;
		return -EINVAL;
	}
	while (n < max) {
		unw_word_t ip;

		if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 || !ip)
			break;
		pcs[n++] = ip;
		if (unw_step(&cursor) <= 0)
			break;
	}
	u->t = NULL;
	current = NULL;
	return n;
}
