/*
 * tracer/elf.c — ELF files through libelf (the only file that includes it).
 *
 * Two readers share the header walk:
 *   - the facts of an executed program (class, machine, interpreter,
 *     static or not, build-id), read from /proc/PID/exe at each exec;
 *   - a symbol snapshot of a mapped module for stack frames: the PT_LOAD
 *     segments (file offset -> virtual address), every defined function
 *     symbol of .symtab and .dynsym sorted by address with its name copied
 *     into one string pool, and the build-id.  The file is closed again, so
 *     a snapshot costs memory only.
 *
 * The build-id is the NT_GNU_BUILD_ID note found through the PT_NOTE
 * segments, which even a binary stripped of its section headers keeps.
 *
 * Name lookup: the last symbol starting at or below the address wins when
 * the address is inside its size; a symbol of size 0 (hand-written
 * assembly) covers up to the next symbol.  An address covered by no
 * symbol gets no name: a stripped binary shows module + offset rather
 * than the nearest exported name, which would be a guess.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer/elf.h"

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

struct segment {
	uint64_t offset; /* p_offset */
	uint64_t filesz; /* p_filesz */
	uint64_t vaddr;	 /* p_vaddr */
};

struct symbol {
	uint64_t addr;
	uint64_t size;
	uint32_t name; /* offset in the pool */
	uint8_t rank;  /* lower wins among symbols at one address */
};

struct tracer_elf {
	struct segment *segs;
	size_t n_segs;
	struct symbol *syms;
	size_t n_syms;
	char *pool;
	size_t pool_len;
	char build_id[TRACER_BUILD_ID_MAX];
};

static bool elf_ready(void)
{
	static int state; /* 0 unknown, 1 ok, -1 failed */

	if (!state)
		state = elf_version(EV_CURRENT) != EV_NONE ? 1 : -1;
	return state > 0;
}

static void hex_of(char *out, size_t size, const unsigned char *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n && 2 * i + 2 < size; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * i] = '\0';
}

/* The NT_GNU_BUILD_ID note of one PT_NOTE segment, in hex, into out. */
static bool note_build_id(Elf *elf, const GElf_Phdr *ph, char *out, size_t size)
{
	Elf_Type type = ph->p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR;
	Elf_Data *data = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz, type);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	if (!data)
		return false;
	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((const char *)data->d_buf + name_off, "GNU", 4)) {
			hex_of(out, size, (const unsigned char *)data->d_buf + desc_off,
			       nh.n_descsz);
			return true;
		}
	}
	return false;
}

/* Walk the program headers: segments (when segs), interpreter, build-id. */
static int read_phdrs(Elf *elf, struct tracer_elf *e, struct tracer_elf_facts *f)
{
	size_t n = 0;

	if (elf_getphdrnum(elf, &n) < 0)
		return -ENOEXEC;
	if (e && n) {
		e->segs = calloc(n, sizeof(*e->segs));
		if (!e->segs)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD && e) {
			e->segs[e->n_segs++] =
				(struct segment){ ph.p_offset, ph.p_filesz, ph.p_vaddr };
		} else if (ph.p_type == PT_INTERP && f) {
			size_t len = 0;
			char *s = elf_rawfile(elf, &len);

			f->is_static = false;
			if (s && ph.p_offset < len) {
				size_t max = len - ph.p_offset;

				if (max > ph.p_filesz)
					max = ph.p_filesz;
				if (max >= sizeof(f->interp))
					max = sizeof(f->interp) - 1;
				memcpy(f->interp, s + ph.p_offset, max);
				f->interp[max] = '\0';
				f->interp[strnlen(f->interp, max)] = '\0';
			}
		} else if (ph.p_type == PT_NOTE) {
			char *out = e ? e->build_id : f->build_id;
			size_t size = e ? sizeof(e->build_id) : sizeof(f->build_id);

			if (!out[0])
				note_build_id(elf, &ph, out, size);
		}
	}
	return 0;
}

int tracer_elf_facts_fd(int fd, struct tracer_elf_facts *ret)
{
	GElf_Ehdr eh;
	Elf *elf;
	int err = 0;

	memset(ret, 0, sizeof(*ret));
	if (!elf_ready())
		return -ENOSYS;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return -ENOEXEC;
	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		err = -ENOEXEC;
		goto out_end;
	}
	ret->elf_class = gelf_getclass(elf) == ELFCLASS32 ? 32 : 64;
	ret->machine = eh.e_machine;
	ret->is_static = true;
	err = read_phdrs(elf, NULL, ret);
out_end:
	elf_end(elf);
	if (err)
		memset(ret, 0, sizeof(*ret));
	return err;
}

/* ------------------------------------------------------------ symbols */

static int cmp_symbol(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)x->rank - (int)y->rank;
}

/* Append the function symbols of one symbol table section. */
static int add_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct tracer_elf *e,
		      size_t *cap, size_t *pool_cap, bool dynamic)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	if (!data)
		return 0;
	for (size_t i = 0; i < count; i++) {
		GElf_Sym sym;
		const char *name;
		size_t len;
		int type;

		if (!gelf_getsym(data, (int)i, &sym))
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
		    !sym.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		len = strlen(name) + 1;
		if (e->n_syms == *cap) {
			size_t ncap = *cap ? *cap * 2 : 256;
			struct symbol *bigger = realloc(e->syms, ncap * sizeof(*bigger));

			if (!bigger)
				return -ENOMEM;
			e->syms = bigger;
			*cap = ncap;
		}
		if (e->pool_len + len > *pool_cap) {
			size_t ncap = *pool_cap ? *pool_cap : 4096;
			char *bigger;

			while (ncap < e->pool_len + len)
				ncap *= 2;
			bigger = realloc(e->pool, ncap);
			if (!bigger)
				return -ENOMEM;
			e->pool = bigger;
			*pool_cap = ncap;
		}
		memcpy(e->pool + e->pool_len, name, len);
		/* Prefer global names, then .symtab's (dynsym repeats them). */
		e->syms[e->n_syms++] = (struct symbol){
			.addr = sym.st_value,
			.size = sym.st_size,
			.name = (uint32_t)e->pool_len,
			.rank = (uint8_t)((GELF_ST_BIND(sym.st_info) == STB_LOCAL) * 2 + dynamic),
		};
		e->pool_len += len;
	}
	return 0;
}

static int read_symbols(Elf *elf, struct tracer_elf *e)
{
	size_t cap = 0, pool_cap = 0, out = 0;
	Elf_Scn *scn = NULL;
	int err;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM)
			continue;
		err = add_symtab(elf, scn, &sh, e, &cap, &pool_cap, sh.sh_type == SHT_DYNSYM);
		if (err)
			return err;
	}
	if (!e->n_syms)
		return 0;
	qsort(e->syms, e->n_syms, sizeof(*e->syms), cmp_symbol);
	/* One symbol per address: the best ranked. */
	for (size_t i = 0; i < e->n_syms; i++)
		if (!out || e->syms[out - 1].addr != e->syms[i].addr)
			e->syms[out++] = e->syms[i];
	e->n_syms = out;
	return 0;
}

int tracer_elf_load(const char *file_path, struct tracer_elf **ret_elf)
{
	struct tracer_elf *e;
	GElf_Ehdr eh;
	Elf *elf;
	int fd, err;

	*ret_elf = NULL;
	if (!elf_ready())
		return -ENOSYS;
	fd = open(file_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = calloc(1, sizeof(*e));
	if (!e) {
		err = -ENOMEM;
		goto out_close;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		err = -ENOEXEC;
		goto out_free;
	}
	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		err = -ENOEXEC;
		goto out_end;
	}
	err = read_phdrs(elf, e, NULL);
	if (!err)
		err = read_symbols(elf, e);
	if (err)
		goto out_end;
	elf_end(elf);
	close(fd);
	*ret_elf = e;
	return 0;

out_end:
	elf_end(elf);
out_free:
	tracer_elf_free(e);
out_close:
	close(fd);
	return err;
}

void tracer_elf_free(struct tracer_elf *e)
{
	if (!e)
		return;
	free(e->segs);
	free(e->syms);
	free(e->pool);
	free(e);
}

bool tracer_elf_vaddr(const struct tracer_elf *e, uint64_t file_off, uint64_t *ret_vaddr)
{
	for (size_t i = 0; i < e->n_segs; i++) {
		const struct segment *s = &e->segs[i];

		if (file_off >= s->offset && file_off - s->offset < s->filesz) {
			*ret_vaddr = s->vaddr + (file_off - s->offset);
			return true;
		}
	}
	return false;
}

const char *tracer_elf_symbol(const struct tracer_elf *e, uint64_t vaddr, uint64_t *ret_off)
{
	size_t lo = 0, hi = e->n_syms;

	/* The first symbol above vaddr is at lo. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Look back a little: a large function may enclose a small local one. */
	for (size_t k = 0; k < 4 && lo > k; k++) {
		const struct symbol *s = &e->syms[lo - 1 - k];
		bool inside = s->size ? vaddr - s->addr < s->size : k == 0;

		if (inside) {
			*ret_off = vaddr - s->addr;
			return e->pool + s->name;
		}
	}
	return NULL;
}

const char *tracer_elf_build_id(const struct tracer_elf *e)
{
	return e->build_id;
}
