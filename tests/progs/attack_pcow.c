/*
 * attack_pcow — a traced program that goes for its tracer (its parent,
 * pcow): ptrace(PTRACE_SEIZE) and ptrace(PTRACE_ATTACH), open of
 * /proc/PPID/mem for writing, process_vm_readv and process_vm_writev of
 * it.  Prints one line per attempt: "name ok" or
 * "name ERRNO_NUMBER".  Run under pcow as an unprivileged user, or
 * outside it with pcow's pid as argument.  A seize that succeeds from
 * inside leaves pcow traced by its own tracee: both stop for good, so
 * the test runs it under a timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

static void report(const char *name, int ok)
{
	if (ok)
		printf("%s ok\n", name);
	else
		printf("%s %d\n", name, errno);
}

int main(int argc, char **argv)
{
	pid_t pcow = argc > 1 ? (pid_t)atoi(argv[1]) : getppid();
	char path[64], byte;
	struct iovec local = { &byte, 1 }, remote = { (void *)0x400000, 1 };
	int fd;

	report("seize", ptrace(PTRACE_SEIZE, pcow, NULL, NULL) == 0);
	report("attach", ptrace(PTRACE_ATTACH, pcow, NULL, NULL) == 0);
	snprintf(path, sizeof(path), "/proc/%d/mem", pcow);
	fd = open(path, O_RDWR);
	report("mem", fd >= 0);
	if (fd >= 0)
		close(fd);
	/* EFAULT would mean the access check passed: count it as a success */
	report("vm_readv", process_vm_readv(pcow, &local, 1, &remote, 1, 0) >= 0 || errno == EFAULT);
	report("vm_writev", process_vm_writev(pcow, &local, 1, &remote, 1, 0) >= 0 || errno == EFAULT);
	return 0;
}
