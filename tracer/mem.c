/*
 * tracer/mem.c — reading and writing tracee memory.
 *
 * Three readers, fastest first: process_vm_readv (one syscall for a whole
 * string, Linux 3.2+, may be refused by YAMA or seccomp policies), pread of
 * /proc/PID/mem (one open per address space, reopened after exec since the
 * descriptor keeps the old mm), and PTRACE_PEEKDATA, a word per syscall,
 * which always works on a stopped tracee.  PCOW_FORCE_FALLBACK selects the
 * slower ones so the tests cover all three.
 *
 * Strings are read up to the end of the page they start in and then a page
 * at a time, each page its own iovec, so a string ending just before an
 * unmapped page is read without a fault.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tracer/tracer.h"

#define PAGE 4096u

static enum tracer_mem_mode mem_mode = TRACER_MEM_VM;

void tracer_mem_set_mode(enum tracer_mem_mode mode)
{
	mem_mode = mode;
}

/* Read up to len bytes; returns the bytes read before the first fault. */
static long read_vm(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote[8];
	size_t n = 0, done = 0;
	long got;

	/* One remote iovec per page so a fault cuts the read at a page. */
	while (done < len && n < 8) {
		size_t chunk = PAGE - ((addr + done) & (PAGE - 1));

		if (chunk > len - done)
			chunk = len - done;
		remote[n].iov_base = (void *)(uintptr_t)(addr + done);
		remote[n].iov_len = chunk;
		done += chunk;
		n++;
	}
	local.iov_len = done;
	got = process_vm_readv(tid, &local, 1, remote, n, 0);
	if (got < 0)
		return errno == EFAULT ? 0 : -errno;
	return got;
}

static int mem_fd_of(struct pcow_tracee *t)
{
	char name[64];

	if (t->proc->mem_fd >= 0)
		return t->proc->mem_fd;
	snprintf(name, sizeof(name), "/proc/%d/mem", t->tid);
	/* Read-write for tracer_mem_write_force; reading alone may be all we get. */
	t->proc->mem_fd = open(name, O_RDWR | O_CLOEXEC);
	if (t->proc->mem_fd < 0)
		t->proc->mem_fd = open(name, O_RDONLY | O_CLOEXEC);
	return t->proc->mem_fd;
}

static long read_proc(struct pcow_tracee *t, uint64_t addr, void *buf, size_t len)
{
	int fd = mem_fd_of(t);
	size_t done = 0;

	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(addr + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EIO || errno == EFAULT ? (long)done : -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (long)done;
}

static long read_peek(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t aligned = (addr + done) & ~(uint64_t)7;
		size_t skip = (addr + done) - aligned;
		size_t take = 8 - skip;
		long word;

		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)aligned, NULL);
		if (errno)
			return errno == EIO || errno == EFAULT ? (long)done : -errno;
		if (take > len - done)
			take = len - done;
		memcpy((char *)buf + done, (char *)&word + skip, take);
		done += take;
	}
	return (long)done;
}

/* Read up to len bytes with the current reader; bytes read or -errno. */
static long read_some(struct pcow_tracee *t, uint64_t addr, void *buf, size_t len)
{
	switch (mem_mode) {
	case TRACER_MEM_VM: {
		long n = read_vm(t->tid, addr, buf, len);

		/* Refused (ENOSYS, EPERM under some LSMs): fall back for good. */
		if (n == -ENOSYS || n == -EPERM) {
			mem_mode = TRACER_MEM_PROC;
			return read_some(t, addr, buf, len);
		}
		return n;
	}
	case TRACER_MEM_PROC: {
		long n = read_proc(t, addr, buf, len);

		if (n == -EACCES || n == -EPERM) {
			mem_mode = TRACER_MEM_PEEK;
			return read_some(t, addr, buf, len);
		}
		return n;
	}
	case TRACER_MEM_PEEK:
	default:
		return read_peek(t->tid, addr, buf, len);
	}
}

int tracer_mem_read(struct pcow_tracee *t, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		long n = read_some(t, addr + done, (char *)buf + done, len - done);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EFAULT;
		done += (size_t)n;
	}
	return 0;
}

long tracer_mem_read_str(struct pcow_tracee *t, uint64_t addr, char *buf, size_t size,
			 bool *ret_truncated)
{
	size_t done = 0;

	*ret_truncated = false;
	if (size == 0)
		return -EINVAL;
	while (done < size - 1) {
		/* To the end of the current page, or the rest of the buffer. */
		size_t want = PAGE - ((addr + done) & (PAGE - 1));
		char *nul;
		long n;

		if (want > size - 1 - done)
			want = size - 1 - done;
		n = read_some(t, addr + done, buf + done, want);
		if (n < 0)
			return n;
		if (n == 0)
			return -EFAULT;
		nul = memchr(buf + done, '\0', (size_t)n);
		if (nul)
			return nul - buf;
		done += (size_t)n;
	}
	buf[done] = '\0';
	*ret_truncated = true;
	return (long)done;
}

/* Write with PTRACE_POKEDATA, a word at a time (partial words read first). */
static int write_poke(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t aligned = (addr + done) & ~(uint64_t)7;
		size_t skip = (addr + done) - aligned;
		size_t take = 8 - skip;
		long word = 0;

		if (take > len - done)
			take = len - done;
		if (take < 8) {
			errno = 0;
			word = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)aligned, NULL);
			if (errno)
				return -errno == -EIO ? -EFAULT : -errno;
		}
		memcpy((char *)&word + skip, (const char *)buf + done, take);
		if (ptrace(PTRACE_POKEDATA, tid, (void *)(uintptr_t)aligned, (void *)word) < 0)
			return errno == EIO ? -EFAULT : -errno;
		done += take;
	}
	return 0;
}

int tracer_mem_write(struct pcow_tracee *t, uint64_t addr, const void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (mem_mode == TRACER_MEM_VM) {
		struct iovec local = { .iov_base = (void *)buf, .iov_len = len };
		struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
		ssize_t n = process_vm_writev(t->tid, &local, 1, &remote, 1, 0);

		if (n == (ssize_t)len)
			return 0;
		if (n < 0 && errno == EFAULT)
			return -EFAULT;
		/* Refused or partial: the word-wise writer says which. */
	}
	return write_poke(t->tid, addr, buf, len);
}

int tracer_mem_write_force(struct pcow_tracee *t, uint64_t addr, const void *buf, size_t len)
{
	int fd = mem_fd_of(t);

	/* /proc/PID/mem and POKEDATA write through read-only mappings (FOLL_FORCE). */
	if (fd >= 0 && pwrite(fd, buf, len, (off_t)addr) == (ssize_t)len)
		return 0;
	return write_poke(t->tid, addr, buf, len);
}
