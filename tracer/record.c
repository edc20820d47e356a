/*
 * tracer/record.c — fetch argument memory by kind and queue log records.
 *
 * What is read from the tracee, and when, follows the kind of each
 * argument in the syscall table and nothing else:
 *   entry:  EK_PATH, EK_STR  the whole string (up to PATH_MAX);
 *           EK_BUF_IN        the first EMU_BUF_PREVIEW bytes;
 *           EK_STRV          up to EMU_STRV_MAX strings, packed "a\0b\0";
 *   exit:   EK_BUF_OUT       the first EMU_BUF_PREVIEW bytes of the result;
 *           EK_STAT_OUT      the struct stat, after success.
 * The bytes live in the call's arena until the record is queued; the writer
 * copies them, so the arena is reused by the next call.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/fstate.h"
#include "emu/namei.h"
#include "tracer/elf.h"
#include "tracer/record.h"
#include "tracer/tracer.h"

#define STRV_BYTES_MAX (64 * 1024)

int record_arg_of_kind(const struct pcow_call *call, int kind)
{
	if (!call->sc)
		return -1;
	for (int i = 0; i < call->sc->nargs; i++)
		if (call->sc->args[i].kind == kind)
			return i;
	return -1;
}

static void set_blob(struct pcow_call *call, int i, size_t off, size_t len, int status)
{
	call->blob_off[i] = (uint32_t)off;
	call->blob_len[i] = (uint32_t)len;
	call->blob_status[i] = (uint8_t)status;
}

/*
 * Append, after the NUL of path blob i, the absolute path it resolves to
 * (lexically, against the nearest dirfd argument before it, else the cwd),
 * making the blob "as passed\0absolute".
 */
static void resolve_path(struct pcow_tracee *t, int i)
{
	struct pcow_call *call = &t->call;
	int dirfd = AT_FDCWD;
	char *buf;
	long n;

	for (int k = i - 1; k >= 0; k--)
		if (call->sc->args[k].kind == EK_DIRFD) {
			dirfd = (int)call->args[k];
			break;
		}
	buf = tracee_arena_reserve(call, PATH_MAX);
	if (!buf)
		return;
	n = emu_resolve(buf, PATH_MAX, t->fs, t->files, dirfd, call->arena + call->blob_off[i]);
	if (n == -ENAMETOOLONG) {
		/* From a deep directory: room for the longest path (rare). */
		buf = tracee_arena_reserve(call, EMU_PATH_MAX);
		if (!buf)
			return;
		n = emu_resolve(buf, EMU_PATH_MAX, t->fs, t->files, dirfd,
				call->arena + call->blob_off[i]);
	}
	if (n < 0)
		return;
	call->arena_len += (size_t)n + 1;
	call->blob_len[i] += (uint32_t)n + 1;
}

const char *record_resolved(const struct pcow_call *call, int i)
{
	const char *guest;
	size_t glen;

	if (!(call->path_mask & (1u << i)))
		return NULL;
	guest = call->arena + call->blob_off[i];
	glen = strnlen(guest, call->blob_len[i]);
	return glen + 1 < call->blob_len[i] ? guest + glen + 1 : NULL;
}

static void fetch_string(struct pcow_tracee *t, int i, uint64_t addr, bool is_path)
{
	struct pcow_call *call = &t->call;
	size_t off = call->arena_len;
	bool truncated;
	char *buf;
	long n;

	if (!addr)
		return; /* NULL: printed as such */
	/* The kernel's getname takes up to PATH_MAX bytes with the NUL: a
	   name of PATH_MAX - 1 bytes is whole, one of PATH_MAX truncated. */
	buf = tracee_arena_reserve(call, PATH_MAX + 1);
	if (!buf)
		return;
	n = tracer_mem_read_str(t, addr, buf, PATH_MAX + 1, &truncated);
	if (n < 0) {
		set_blob(call, i, off, 0, EMU_BLOB_FAULT);
		return;
	}
	call->arena_len += (size_t)n + 1;
	set_blob(call, i, off, (size_t)n, truncated ? EMU_BLOB_TRUNCATED : EMU_BLOB_OK);
	if (is_path && !truncated) {
		call->path_mask |= 1u << i;
		resolve_path(t, i);
	}
}

static void fetch_buffer(struct pcow_tracee *t, int i, uint64_t addr, uint64_t len)
{
	struct pcow_call *call = &t->call;
	size_t off = call->arena_len;
	size_t want = len < EMU_BUF_PREVIEW ? (size_t)len : EMU_BUF_PREVIEW;
	char *buf;

	if (!addr)
		return;
	buf = tracee_arena_reserve(call, want);
	if (!buf)
		return;
	if (want && tracer_mem_read(t, addr, buf, want) < 0) {
		set_blob(call, i, off, 0, EMU_BLOB_FAULT);
		return;
	}
	call->arena_len += want;
	set_blob(call, i, off, want, len > want ? EMU_BLOB_TRUNCATED : EMU_BLOB_OK);
}

/* A struct the kernel filled: all of its size bytes. */
static void fetch_struct(struct pcow_tracee *t, int i, uint64_t addr, size_t size)
{
	struct pcow_call *call = &t->call;
	size_t off = call->arena_len;
	char *buf;

	if (!addr)
		return;
	buf = tracee_arena_reserve(call, size);
	if (!buf)
		return;
	if (tracer_mem_read(t, addr, buf, size) < 0) {
		set_blob(call, i, off, 0, EMU_BLOB_FAULT);
		return;
	}
	call->arena_len += size;
	set_blob(call, i, off, size, EMU_BLOB_OK);
}

/* argv: an array of pointers (4 or 8 bytes by ABI) ended by NULL. */
static void fetch_strv(struct pcow_tracee *t, int i, uint64_t addr)
{
	struct pcow_call *call = &t->call;
	size_t psize = call->abi == EMU_ABI_I386 ? 4 : 8;
	unsigned char ptrs[(EMU_STRV_MAX + 1) * 8];
	size_t off = call->arena_len, total = 0;
	int status = EMU_BLOB_OK;
	size_t n;

	if (!addr)
		return;
	/* Read the pointer array, a shorter prefix when its end is unmapped. */
	for (n = EMU_STRV_MAX + 1; n > 0; n = n > 4 ? n / 2 : n - 1)
		if (tracer_mem_read(t, addr, ptrs, n * psize) == 0)
			break;
	if (n == 0) {
		set_blob(call, i, off, 0, EMU_BLOB_FAULT);
		return;
	}
	for (size_t k = 0;; k++) {
		uint64_t p = 0;
		bool truncated;
		char *buf;
		long len;

		if (k == n) {
			status = EMU_BLOB_TRUNCATED; /* the array's end is unreadable */
			break;
		}
		memcpy(&p, ptrs + k * psize, psize);
		if (!p)
			break;
		if (k == EMU_STRV_MAX) {
			status = EMU_BLOB_TRUNCATED; /* more strings than we keep */
			break;
		}
		if (total >= STRV_BYTES_MAX) {
			status = EMU_BLOB_TRUNCATED;
			break;
		}
		buf = tracee_arena_reserve(call, PATH_MAX);
		if (!buf)
			break;
		len = tracer_mem_read_str(t, p, buf, PATH_MAX, &truncated);
		if (len < 0) {
			status = EMU_BLOB_TRUNCATED;
			break;
		}
		call->arena_len += (size_t)len + 1;
		total += (size_t)len + 1;
	}
	set_blob(call, i, off, total, status);
}

void record_fetch_entry(struct pcow_tracee *t)
{
	struct pcow_call *call = &t->call;
	const struct emu_syscall *sc = call->sc;

	if (!sc)
		return;
	for (int i = 0; i < sc->nargs; i++) {
		const struct emu_arg *a = &sc->args[i];

		switch (a->kind) {
		case EK_PATH:
			fetch_string(t, i, call->args[i], true);
			break;
		case EK_STR:
			fetch_string(t, i, call->args[i], false);
			break;
		case EK_BUF_IN:
			fetch_buffer(t, i, call->args[i], call->args[a->len_arg]);
			break;
		case EK_STRV:
			fetch_strv(t, i, call->args[i]);
			break;
		default:
			break;
		}
	}
}

void record_fetch_exit(struct pcow_tracee *t, int64_t ret)
{
	struct pcow_call *call = &t->call;
	const struct emu_syscall *sc = call->sc;

	if (!sc || ret < 0)
		return;
	for (int i = 0; i < sc->nargs; i++) {
		if (sc->args[i].kind == EK_BUF_OUT && ret > 0)
			fetch_buffer(t, i, call->args[i], (uint64_t)ret);
		else if (sc->args[i].kind == EK_STAT_OUT && ret == 0 && call->abi != EMU_ABI_I386)
			fetch_struct(t, i, call->args[i], sizeof(struct stat));
	}
}

void tracer_call_rewritten(struct pcow_tracee *t, int i, const char *path)
{
	struct pcow_call *call = &t->call;
	size_t len = strlen(path) + 1;

	if (!call->record || i < 0 || i >= 6 || !(call->path_mask & (1u << i)))
		return;
	if (call->rw_len + len > call->rw_cap) {
		size_t cap = call->rw_cap ? call->rw_cap : 256;
		char *p;

		while (cap < call->rw_len + len)
			cap *= 2;
		if (!(p = realloc(call->rw, cap)))
			return; /* the log lacks it; the call is not affected */
		call->rw = p;
		call->rw_cap = cap;
	}
	memcpy(call->rw + call->rw_len, path, len);
	call->rw_off[i] = (uint32_t)call->rw_len;
	call->rw_len += len;
	call->rw_mask |= (uint8_t)(1u << i);
}

/*
 * Blob i of a rewritten path made "as passed\0absolute\0rewritten" (the
 * absolute form empty when unknown), at the end of the arena; false when
 * out of memory (the blob stays as it was).
 */
static bool append_rewritten(struct pcow_call *call, int i)
{
	const char *rw = call->rw + call->rw_off[i];
	size_t blen = call->blob_len[i], seps = record_resolved(call, i) ? 1 : 2;
	size_t len = blen + seps + strlen(rw); /* blobs have no NUL at the end */
	char *p = tracee_arena_reserve(call, len + 1);

	if (!p)
		return false;
	memcpy(p, call->arena + call->blob_off[i], blen);
	memset(p + blen, 0, seps);
	memcpy(p + blen + seps, rw, strlen(rw) + 1);
	call->blob_off[i] = (uint32_t)call->arena_len;
	call->blob_len[i] = (uint32_t)len;
	call->arena_len += len + 1;
	return true;
}

void record_call(struct db_writer *w, struct pcow_tracee *t, int64_t ret, int64_t t_exit,
		 int status)
{
	struct pcow_call *call = &t->call;
	const void *blobs[6];
	struct db_call rec;

	for (int i = 0; call->rw_mask && i < 6; i++)
		if ((call->rw_mask & call->path_mask & (1u << i)) && append_rewritten(call, i))
			call->rw_mask &= (uint8_t)~(1u << i);

	memset(&rec, 0, sizeof(rec));
	rec.t_enter = call->t_enter;
	rec.t_exit = status == DB_CALL_NORETURN ? call->t_enter : t_exit;
	rec.ret = status == DB_CALL_NORETURN ? 0 : ret;
	memcpy(rec.args, call->args, sizeof(rec.args));
	rec.pid = t->proc->tgid;
	rec.tid = t->tid;
	rec.nr = (int32_t)call->nr;
	rec.abi = call->abi;
	rec.nargs = call->sc ? call->sc->nargs : 6;
	rec.action = call->action;
	rec.status = (uint8_t)status;
	rec.path_mask = call->path_mask;
	rec.stack_id = call->stack_id;
	for (int i = 0; i < 6; i++) {
		rec.blob_status[i] = call->blob_status[i];
		rec.blob_len[i] = call->blob_len[i];
		blobs[i] = call->blob_len[i] ? call->arena + call->blob_off[i] : NULL;
	}
	db_writer_call_data(w, &rec, blobs,
			    call->has_cd && status == DB_CALL_COMPLETE ? &call->cd : NULL);
}

size_t record_format(char *buf, size_t size, const struct db_call *call,
		     const void *const blobs[6], void *opaque)
{
	const struct emu_syscall *sc = emu_syscall_get(call->abi, call->nr);
	struct emu_blob eb[6];

	(void)opaque;
	for (int i = 0; i < 6; i++) {
		eb[i].data = blobs[i];
		eb[i].len = call->blob_len[i];
		eb[i].status = call->blob_status[i];
		/* A path blob carries its resolved form after a NUL: not printed. */
		if ((call->path_mask & (1u << i)) && blobs[i])
			eb[i].len = (uint32_t)strnlen(blobs[i], call->blob_len[i]);
	}
	return emu_format_args(buf, size, sc, call->args, eb, call->ret);
}

/*
 * The ELF facts of the last programs executed, by file identity: a shell
 * loop or a build executes the same few programs thousands of times, and
 * libelf's parse was most of the cost of an exec for pcow.
 */
#define FACTS_CACHE 16
static struct {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	int err;
	struct tracer_elf_facts facts;
} facts_cache[FACTS_CACHE];
static unsigned facts_next;

static int elf_facts_cached(int fd, struct tracer_elf_facts *facts)
{
	struct stat st;
	unsigned i;

	if (fstat(fd, &st) < 0)
		return tracer_elf_facts_fd(fd, facts);
	for (i = 0; i < FACTS_CACHE; i++)
		if (facts_cache[i].ino == st.st_ino && facts_cache[i].dev == st.st_dev &&
		    facts_cache[i].size == st.st_size &&
		    facts_cache[i].mtime.tv_sec == st.st_mtim.tv_sec &&
		    facts_cache[i].mtime.tv_nsec == st.st_mtim.tv_nsec &&
		    facts_cache[i].ctime.tv_sec == st.st_ctim.tv_sec &&
		    facts_cache[i].ctime.tv_nsec == st.st_ctim.tv_nsec && facts_cache[i].ino) {
			*facts = facts_cache[i].facts;
			return facts_cache[i].err;
		}
	i = facts_next++ % FACTS_CACHE;
	facts_cache[i].err = tracer_elf_facts_fd(fd, &facts_cache[i].facts);
	facts_cache[i].dev = st.st_dev;
	facts_cache[i].ino = st.st_ino;
	facts_cache[i].size = st.st_size;
	facts_cache[i].mtime = st.st_mtim;
	facts_cache[i].ctime = st.st_ctim;
	*facts = facts_cache[i].facts;
	return facts_cache[i].err;
}

void record_exec_facts(struct pcow_tracee *t, struct db_proc *p, struct tracer_elf_facts *facts)
{
	char name[64];
	int fd;

	/* /proc/TID/exe: the file the kernel executed (a script's interpreter). */
	snprintf(name, sizeof(name), "/proc/%d/exe", t->tid);
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (elf_facts_cached(fd, facts) == 0) {
		t->proc->elf_class = (uint8_t)facts->elf_class;
		p->elf_class = (uint8_t)facts->elf_class;
		p->elf_machine = (uint16_t)facts->machine;
		p->elf_static = facts->is_static;
		p->elf_interp = facts->interp[0] ? facts->interp : NULL;
		p->build_id = facts->build_id[0] ? facts->build_id : NULL;
		if (facts->elf_class == 32)
			fprintf(stderr,
				"pcow: %s is a 32-bit program; its calls are recorded under the"
				" i386 numbering\n",
				p->filename && *p->filename ? p->filename : name);
	}
	close(fd);
}

void tracer_call_attach(struct pcow_tracee *t, const struct db_calldata *cd)
{
	/* No copy: the bytes stay valid until record_call queues them. */
	if (t->call.record) {
		t->call.cd = *cd;
		t->call.has_cd = true;
	}
}
