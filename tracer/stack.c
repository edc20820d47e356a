/*
 * tracer/stack.c — stacks for `pcow trace --stack`: select, unwind,
 * resolve, deduplicate, queue.
 *
 * Per call (selected at entry, by class or name, from a bitmap per ABI):
 *   1. unwind the stopped thread (tracer/unwind.c): return addresses;
 *   2. resolve each address against the process's executable mappings
 *      (read from /proc/TGID/maps when stale, binary searched) into
 *      (module, module-relative address): the ELF virtual address through
 *      the module's PT_LOAD segments, so a PIE or a library at any load
 *      address gives the same numbers in every process;
 *   3. hash that list; a stack seen before in this run gets its old id and
 *      costs nothing more.  A new one is symbolised (tracer/elf.c) and
 *      queued for the writer (db_writer_stack), after its modules
 *      (db_writer_module) the first time each is used.
 *
 * Caches and what makes them stale:
 *   - modules (one per file, keyed by device, inode and mtime; holding the
 *     ELF snapshot, loaded on first use) live for the whole run and are
 *     shared by every process;
 *   - a process's mappings and its libunwind space (whose threads share
 *     them, with the pages of read-only files it keeps) go stale at exec
 *     and when an mmap/mprotect with PROT_EXEC, an mprotect with PROT_WRITE
 *     or a munmap/mremap over an executable or read-only file mapping
 *     returns.  An address in no
 *     known mapping (a mapping made where pcow did not look: a call the
 *     seccomp filter did not stop) makes a re-read and re-unwind; when that
 *     does not help (a junk address at the end of a stack), the next
 *     re-read waits for twice as many captures, up to RETRY_GAP_MAX;
 *   - the dedup table is bounded (STACKS_MAX stacks, KEYS_BYTES_MAX bytes
 *     of keys): when full it starts again empty, and stacks seen again get
 *     new ids.  Stacks are deduplicated within a run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "emu/syscalls.h"
#include "tracer/elf.h"
#include "tracer/stack.h"
#include "tracer/unwind.h"

#define MODULE_BUCKETS 256
#define STACKS_MAX (1u << 20)
#define KEYS_BYTES_MAX (64u << 20)

struct module {
	struct module *next; /* hash chain */
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	char *path;
	struct tracer_elf *elf; /* loaded on first use; NULL: no symbols */
	bool elf_tried;
	bool sent;		/* queued for the writer */
	uint32_t id;		/* > 0, this run's numbering */
};

struct map {
	uint64_t start, end, offset;
	struct module *mod; /* NULL: anonymous */
};

/* A read-only file mapping: its pages do not change while the maps hold. */
struct range {
	uint64_t start, end;
};

struct tracer_stack_proc {
	struct tracer_unwind_space *space;
	struct map *maps;	/* executable mappings, by address */
	size_t n_maps, cap_maps;
	struct range *ro;	/* read-only file mappings (executable or not), by address */
	size_t n_ro, cap_ro;
	bool stale;	     /* re-read maps and flush the unwind caches before use */
	uint32_t since_read; /* captures since the maps were read */
	uint32_t gap;	     /* captures an unknown address waits for a re-read */
};

/* One frame of a dedup key. */
struct key_frame {
	uint64_t addr;	 /* module-relative, or absolute without a module */
	uint32_t module; /* module id, 0 none */
	uint32_t pad;
};

struct entry {
	uint64_t hash;
	uint32_t id;	 /* 0: empty slot */
	uint32_t n;
	struct key_frame *frames;
};

struct tracer_stacks {
	struct db_writer *w;
	int depth;
	bool all;
	uint32_t classes;
	uint8_t *want[EMU_ABI_COUNT]; /* by number: 1 selected */
	size_t want_len[EMU_ABI_COUNT];
	struct module *modules[MODULE_BUCKETS];
	uint32_t n_modules;
	struct entry *table; /* open addressing, power-of-two cap */
	size_t cap, count, key_bytes;
	uint32_t next_id;
	/* Scratch for one capture. */
	uint64_t *pcs;
	struct key_frame *key;
	struct module **mods;
	struct db_frame *frames;
};

/* ----------------------------------------------------------- options */

static const struct {
	const char *name;
	uint32_t flag;
} classes[] = {
	{ "file", EMU_F_FILE },
	{ "process", EMU_F_PROCESS },
	{ "network", EMU_F_NET },
	{ "net", EMU_F_NET },
	{ "desc", EMU_F_DESC },
	{ "signal", EMU_F_SIGNAL },
	{ "ipc", EMU_F_IPC },
	{ "memory", EMU_F_MEMORY },
};

static bool known_syscall(const char *name)
{
	for (int abi = 0; abi < EMU_ABI_COUNT; abi++)
		if (emu_syscall_by_name((enum emu_abi)abi, name))
			return true;
	return false;
}

int tracer_stack_parse(const char *arg, struct tracer_stack_opts *o, char ***ret_names,
		       char *bad, size_t bad_size)
{
	char *copy, *word, *save = NULL;
	char **names = NULL;
	size_t n = 0;

	*ret_names = NULL;
	o->classes = 0;
	o->all = false;
	o->names = NULL;
	o->n_names = 0;
	if (!arg || !strcmp(arg, "all")) {
		o->all = true;
		return 0;
	}
	copy = strdup(arg);
	names = calloc(strlen(arg) / 2 + 2, sizeof(*names));
	if (!copy || !names) {
		free(copy);
		free(names);
		return -ENOMEM;
	}
	for (word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
		const char *w = word[0] == '%' ? word + 1 : word;
		bool found = false;

		if (!strcmp(w, "all")) {
			o->all = true;
			continue;
		}
		for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
			if (!strcmp(w, classes[i].name)) {
				o->classes |= classes[i].flag;
				found = true;
			}
		if (found)
			continue;
		if (word[0] == '%' || !known_syscall(word) || !(names[n] = strdup(word))) {
			snprintf(bad, bad_size, "%s", word);
			free(copy);
			tracer_stack_names_free(names);
			return -EINVAL;
		}
		n++;
	}
	free(copy);
	if (!n && !o->classes && !o->all) {
		snprintf(bad, bad_size, "%s", arg);
		tracer_stack_names_free(names);
		return -EINVAL;
	}
	o->names = (const char *const *)names;
	o->n_names = n;
	*ret_names = names;
	return 0;
}

void tracer_stack_names_free(char **names)
{
	if (!names)
		return;
	for (size_t i = 0; names[i]; i++)
		free(names[i]);
	free(names);
}

/* ----------------------------------------------------------- set up */

struct tracer_stacks *tracer_stacks_new(const struct tracer_stack_opts *o, struct db_writer *w)
{
	struct tracer_stacks *s = calloc(1, sizeof(*s));
	int depth = o->depth > 0 ? o->depth : TRACER_STACK_DEPTH_DEFAULT;

	if (!s)
		return NULL;
	if (depth > TRACER_STACK_DEPTH_MAX)
		depth = TRACER_STACK_DEPTH_MAX;
	s->w = w;
	s->depth = depth;
	s->all = o->all;
	s->classes = o->classes;
	s->pcs = calloc((size_t)depth, sizeof(*s->pcs));
	s->key = calloc((size_t)depth, sizeof(*s->key));
	s->mods = calloc((size_t)depth, sizeof(*s->mods));
	s->frames = calloc((size_t)depth, sizeof(*s->frames));
	if (!s->pcs || !s->key || !s->mods || !s->frames)
		goto out_free;
	for (int abi = 0; abi < EMU_ABI_COUNT; abi++) {
		size_t count, limit = emu_syscall_limit((enum emu_abi)abi);
		const struct emu_syscall *rows = emu_syscall_rows((enum emu_abi)abi, &count);

		s->want[abi] = calloc(limit ? limit : 1, 1);
		if (!s->want[abi])
			goto out_free;
		s->want_len[abi] = limit;
		for (size_t i = 0; i < count; i++) {
			bool sel = o->all || (rows[i].flags & o->classes);

			for (size_t k = 0; k < o->n_names && !sel; k++)
				sel = !strcmp(o->names[k], rows[i].name);
			if (sel && rows[i].nr >= 0 && (size_t)rows[i].nr < limit)
				s->want[abi][rows[i].nr] = 1;
		}
	}
	return s;

out_free:
	tracer_stacks_free(s);
	return NULL;
}

static void table_clear(struct tracer_stacks *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->table[i].frames);
	free(s->table);
	s->table = NULL;
	s->cap = s->count = s->key_bytes = 0;
}

void tracer_stacks_free(struct tracer_stacks *s)
{
	if (!s)
		return;
	table_clear(s);
	for (size_t b = 0; b < MODULE_BUCKETS; b++) {
		struct module *m = s->modules[b], *next;

		for (; m; m = next) {
			next = m->next;
			tracer_elf_free(m->elf);
			free(m->path);
			free(m);
		}
	}
	for (int abi = 0; abi < EMU_ABI_COUNT; abi++)
		free(s->want[abi]);
	free(s->pcs);
	free(s->key);
	free(s->mods);
	free(s->frames);
	free(s);
}

void tracer_stack_process_free(struct pcow_process *proc)
{
	struct tracer_stack_proc *sp = proc->stack;

	if (!sp)
		return;
	tracer_unwind_space_free(sp->space);
	free(sp->maps);
	free(sp->ro);
	free(sp);
	proc->stack = NULL;
}

void tracer_stack_thread_free(struct pcow_tracee *t)
{
	tracer_unwind_thread_free(t->unwind);
	t->unwind = NULL;
}

/* ----------------------------------------------------------- modules */

static struct module *module_of(struct tracer_stacks *s, const char *path, unsigned maj,
				unsigned min, uint64_t ino)
{
	struct timespec mtime = { 0, 0 };
	dev_t dev = makedev(maj, min);
	struct module *m;
	struct stat st;
	size_t b;

	/* The file behind the path must still be the one mapped. */
	if (path[0] == '/' && stat(path, &st) == 0 && st.st_ino == ino) {
		dev = st.st_dev;
		mtime = st.st_mtim;
	}
	b = ((uint64_t)dev * 31 + ino) % MODULE_BUCKETS;
	for (m = s->modules[b]; m; m = m->next)
		if (m->dev == dev && m->ino == ino && m->mtime.tv_sec == mtime.tv_sec &&
		    m->mtime.tv_nsec == mtime.tv_nsec && (ino || !strcmp(m->path, path)))
			return m;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->path = strdup(path))) {
		free(m);
		return NULL;
	}
	m->dev = dev;
	m->ino = ino;
	m->mtime = mtime;
	m->id = ++s->n_modules;
	/* A file replaced since it was mapped, or "[vdso]": no symbols. */
	m->elf_tried = mtime.tv_sec == 0 && mtime.tv_nsec == 0;
	m->next = s->modules[b];
	s->modules[b] = m;
	return m;
}

static struct tracer_elf *module_elf(struct module *m)
{
	if (!m->elf_tried) {
		m->elf_tried = true;
		tracer_elf_load(m->path, &m->elf);
	}
	return m->elf;
}

/* Re-read /proc/TGID/maps: the executable mappings, in address order. */
static int read_maps(struct tracer_stacks *s, struct pcow_process *proc)
{
	struct tracer_stack_proc *sp = proc->stack;
	char name[64], *line = NULL;
	size_t line_cap = 0;
	ssize_t len;
	FILE *f;

	sp->n_maps = 0;
	sp->n_ro = 0;
	snprintf(name, sizeof(name), "/proc/%d/maps", proc->tgid);
	f = fopen(name, "re");
	if (!f)
		return -errno;
	while ((len = getline(&line, &line_cap, f)) > 0) {
		unsigned long long start, end, offset, ino;
		unsigned maj, min;
		char perms[8];
		int path_at = 0;
		char *path;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &offset,
			   &maj, &min, &ino, &path_at) < 7)
			continue;
		path = path_at > 0 && path_at <= len ? line + path_at : line + len;
		if (perms[0] == 'r' && perms[1] != 'w' && path[0] == '/' && ino) {
			if (sp->n_ro == sp->cap_ro) {
				size_t cap = sp->cap_ro ? sp->cap_ro * 2 : 32;
				struct range *bigger = realloc(sp->ro, cap * sizeof(*bigger));

				if (!bigger)
					break;
				sp->ro = bigger;
				sp->cap_ro = cap;
			}
			sp->ro[sp->n_ro++] = (struct range){ start, end };
		}
		if (!strchr(perms, 'x'))
			continue;
		if (sp->n_maps == sp->cap_maps) {
			size_t cap = sp->cap_maps ? sp->cap_maps * 2 : 32;
			struct map *bigger = realloc(sp->maps, cap * sizeof(*bigger));

			if (!bigger)
				break;
			sp->maps = bigger;
			sp->cap_maps = cap;
		}
		sp->maps[sp->n_maps++] = (struct map){
			.start = start,
			.end = end,
			.offset = offset,
			.mod = *path ? module_of(s, path, maj, min, ino) : NULL,
		};
	}
	free(line);
	fclose(f);
	return 0;
}

static const struct map *find_map(const struct tracer_stack_proc *sp, uint64_t pc)
{
	size_t lo = 0, hi = sp->n_maps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pc < sp->maps[mid].start)
			hi = mid;
		else if (pc >= sp->maps[mid].end)
			lo = mid + 1;
		else
			return &sp->maps[mid];
	}
	return NULL;
}

/* tracer_unwind's question: is the page at addr in a read-only file mapping? */
static bool is_immutable(void *opaque, uint64_t addr)
{
	const struct tracer_stack_proc *sp = opaque;
	size_t lo = 0, hi = sp->n_ro;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < sp->ro[mid].start)
			hi = mid;
		else if (addr >= sp->ro[mid].end)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* pc -> key frame; false when pc is in no known executable mapping. */
static bool resolve(const struct tracer_stack_proc *sp, uint64_t pc, struct key_frame *k,
		    struct module **ret_mod)
{
	const struct map *m = find_map(sp, pc);
	struct tracer_elf *elf;
	uint64_t file_off;

	k->pad = 0;
	*ret_mod = NULL;
	if (!m || !m->mod) {
		k->addr = pc;
		k->module = 0;
		return m != NULL;
	}
	file_off = pc - m->start + m->offset;
	elf = module_elf(m->mod);
	if (!elf || !tracer_elf_vaddr(elf, file_off, &k->addr))
		k->addr = m->mod->ino ? file_off : pc - m->start;
	k->module = m->mod->id;
	*ret_mod = m->mod;
	return true;
}

/* ------------------------------------------------------------- dedup */

static uint64_t hash_key(const struct key_frame *k, int n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;

	for (int i = 0; i < n; i++) {
		h ^= k[i].addr + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
		h ^= k[i].module + (h << 6) + (h >> 2);
		h *= 0xff51afd7ed558ccdull;
	}
	return h ^ (h >> 33);
}

/* The slot of the key, or the empty slot where it would go. */
static struct entry *table_slot(struct tracer_stacks *s, uint64_t h, const struct key_frame *k,
				int n)
{
	for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		struct entry *e = &s->table[i];

		if (!e->id)
			return e;
		if (e->hash == h && e->n == (uint32_t)n && !memcmp(e->frames, k, n * sizeof(*k)))
			return e;
	}
}

static bool table_grow(struct tracer_stacks *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	struct entry *old = s->table, *fresh = calloc(cap, sizeof(*fresh));
	size_t old_cap = s->cap;

	if (!fresh)
		return false;
	s->table = fresh;
	s->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].id)
			*table_slot(s, old[i].hash, old[i].frames, (int)old[i].n) = old[i];
	free(old);
	return true;
}

/* --------------------------------------------------------- capturing */

#define RETRY_GAP_MAX 4096

static void mark_stale(struct tracer_stack_proc *sp)
{
	sp->stale = true;
	sp->gap = 1;
}

/* The ELF class of a process pcow did not see executing (a forked child). */
static int exe_class(pid_t tgid)
{
	struct tracer_elf_facts facts;
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "/proc/%d/exe", tgid);
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (tracer_elf_facts_fd(fd, &facts) < 0)
		facts.elf_class = 0;
	close(fd);
	return facts.elf_class;
}

static struct tracer_stack_proc *proc_state(struct pcow_process *proc)
{
	struct tracer_stack_proc *sp = proc->stack;

	if (sp)
		return sp;
	/* libunwind for x86_64 cannot unwind a 32-bit process: never try. */
	if (!proc->elf_class)
		proc->elf_class = (uint8_t)exe_class(proc->tgid);
	if (proc->elf_class == 32)
		return NULL;
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return NULL;
	if (tracer_unwind_space_new(&sp->space) < 0) {
		free(sp);
		return NULL;
	}
	tracer_unwind_space_set_immutable(sp->space, is_immutable, sp);
	mark_stale(sp);
	proc->stack = sp;
	return sp;
}

static bool selected(const struct tracer_stacks *s, const struct pcow_call *call)
{
	if (call->abi >= EMU_ABI_COUNT || call->nr < 0)
		return false;
	if ((size_t)call->nr >= s->want_len[call->abi])
		return false;
	return s->want[call->abi][call->nr];
}

/* Unwind and resolve into s->key / s->mods; the number of frames. */
static int unwind_resolve(struct tracer_stacks *s, struct pcow_tracee *t,
			  struct tracer_stack_proc *sp)
{
	bool retry = false;

	for (;;) {
		bool all_known = true;
		int n;

		if (sp->stale) {
			read_maps(s, t->proc);
			tracer_unwind_space_flush(sp->space);
			sp->stale = false;
			sp->since_read = 0;
		}
		sp->since_read++;
		n = tracer_unwind(sp->space, &t->unwind, t, s->pcs, s->depth);
		if (n <= 0)
			return 0;
		for (int i = 0; i < n; i++)
			all_known &= resolve(sp, s->pcs[i], &s->key[i], &s->mods[i]);
		if (retry) {
			/* Did re-reading help?  If not, the address is junk (the
			 * end of a stack without unwind info): wait longer next time. */
			sp->gap = all_known ? 1 : (sp->gap < RETRY_GAP_MAX ? sp->gap * 2 : sp->gap);
			return n;
		}
		if (all_known || sp->since_read < sp->gap)
			return n;
		/* A mapping pcow did not see being made (a call the seccomp filter
		 * let through, or another process sharing the memory). */
		retry = true;
		sp->stale = true;
	}
}

/* Queue a new stack (and the modules it is the first to use). */
static void send_stack(struct tracer_stacks *s, uint32_t id, int n)
{
	for (int i = 0; i < n; i++) {
		struct module *m = s->mods[i];
		struct db_frame *f = &s->frames[i];

		memset(f, 0, sizeof(*f));
		f->addr = s->key[i].addr;
		f->module = s->key[i].module;
		if (!m)
			continue;
		if (!m->sent) {
			struct db_module dm = {
				.id = m->id,
				.path = m->path,
				.build_id = m->elf ? tracer_elf_build_id(m->elf) : NULL,
			};

			db_writer_module(s->w, &dm);
			m->sent = true;
		}
		if (m->elf) {
			/* A return address may be past its function's end (a call
			 * to a noreturn function): name the byte before it. */
			uint64_t look = i > 0 && f->addr ? f->addr - 1 : f->addr;
			uint64_t off;

			f->symbol = tracer_elf_symbol(m->elf, look, &off);
			f->offset = f->symbol ? off + (f->addr - look) : 0;
		}
	}
	db_writer_stack(s->w, id, s->frames, (uint32_t)n);
}

uint32_t tracer_stack_capture(struct tracer_stacks *s, struct pcow_tracee *t)
{
	struct tracer_stack_proc *sp;
	struct key_frame *copy;
	struct entry *e;
	uint64_t h;
	int n;

	if (!selected(s, &t->call) || t->proc->elf_class == 32 || !s->w)
		return 0;
	sp = proc_state(t->proc);
	if (!sp)
		return 0;
	n = unwind_resolve(s, t, sp);
	if (n <= 0)
		return 0;

	h = hash_key(s->key, n);
	if ((s->count + 1) * 2 > s->cap) {
		if (s->count >= STACKS_MAX || s->key_bytes >= KEYS_BYTES_MAX)
			table_clear(s);
		if (!table_grow(s))
			return 0;
	}
	e = table_slot(s, h, s->key, n);
	if (e->id)
		return e->id;
	copy = malloc((size_t)n * sizeof(*copy));
	if (!copy)
		return 0;
	memcpy(copy, s->key, (size_t)n * sizeof(*copy));
	*e = (struct entry){ .hash = h, .id = ++s->next_id, .n = (uint32_t)n, .frames = copy };
	s->count++;
	s->key_bytes += (size_t)n * sizeof(*copy);
	send_stack(s, e->id, n);
	return e->id;
}

/* ---------------------------------------------------- mapping changes */

/* Does [addr, addr + len) meet an executable or a read-only file mapping? */
static bool overlaps_known(const struct tracer_stack_proc *sp, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < sp->n_maps; i++)
		if (sp->maps[i].start < addr + len && addr < sp->maps[i].end)
			return true;
	for (size_t i = 0; i < sp->n_ro; i++)
		if (sp->ro[i].start < addr + len && addr < sp->ro[i].end)
			return true;
	return false;
}

void tracer_stack_exit(struct tracer_stacks *s, struct pcow_tracee *t, int64_t ret)
{
	struct tracer_stack_proc *sp = t->proc->stack;
	const struct pcow_call *call = &t->call;
	bool failed = ret < 0 && ret >= -4095;

	(void)s;
	if (!sp || sp->stale || failed || call->abi != EMU_ABI_X86_64)
		return;
	switch (call->nr) {
	case __NR_mmap:
		if (!(call->args[2] & PROT_EXEC))
			return;
		break;
	case __NR_mprotect:
#ifdef __NR_pkey_mprotect
	case __NR_pkey_mprotect:
#endif
		/* New code, or pages kept as read-only that may now change. */
		if (call->args[2] & PROT_EXEC)
			break;
		if (!(call->args[2] & PROT_WRITE) ||
		    !overlaps_known(sp, call->args[0], call->args[1]))
			return;
		break;
	case __NR_munmap:
	case __NR_mremap:
		if (!overlaps_known(sp, call->args[0], call->args[1]))
			return;
		break;
	default:
		return;
	}
	mark_stale(sp);
}

void tracer_stack_exec(struct pcow_process *proc)
{
	if (proc->stack)
		mark_stale(proc->stack);
}
