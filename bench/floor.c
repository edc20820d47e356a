/*
 * floor — the cheapest possible syscall tracer, the benchmark's floor: it
 * stops the program at every syscall entry and exit (PTRACE_SYSCALL) and
 * follows forks, but reads nothing and records nothing.
 * Usage: floor PROGRAM [ARG...]
 *
 * With FLOOR_INFO=1 in its environment it also reads each stop's call
 * with one PTRACE_GET_SYSCALL_INFO (number and arguments at the entry,
 * the result at the exit), and keeps nothing of it: the least that a
 * tracer which records each call and its result must do.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status, main_status = 0, info = getenv("FLOOR_INFO") && *getenv("FLOOR_INFO") == '1';
	unsigned char si[88]; /* struct ptrace_syscall_info (88 bytes on x86_64) */
	pid_t child, pid;

	if (argc < 2)
		return 2;
	child = fork();
	if (child == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	waitpid(child, &status, 0);
	ptrace(PTRACE_SETOPTIONS, child, NULL,
	       (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
			      PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL));
	ptrace(PTRACE_SYSCALL, child, NULL, NULL);
	while ((pid = waitpid(-1, &status, __WALL)) > 0 || errno == EINTR) {
		int sig = 0;

		if (pid < 0)
			continue;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (pid == child)
				main_status = WIFEXITED(status) ? WEXITSTATUS(status)
								: 128 + WTERMSIG(status);
			continue;
		}
		if (WSTOPSIG(status) != (SIGTRAP | 0x80) && (status >> 16) == 0 &&
		    WSTOPSIG(status) != SIGSTOP)
			sig = WSTOPSIG(status);
		if (info && WSTOPSIG(status) == (SIGTRAP | 0x80))
			ptrace((enum __ptrace_request)0x420e /* PTRACE_GET_SYSCALL_INFO */, pid,
			       (void *)sizeof(si), si);
		ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig);
	}
	return main_status;
}
