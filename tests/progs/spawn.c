/*
 * spawn — posix_spawn (vfork + exec) PROGRAM N times and wait for each.
 * Usage: spawn N PROGRAM [ARG...]; exits 0 when every child exited 0.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
	int n, failed = 0;

	if (argc < 3)
		return 2;
	n = atoi(argv[1]);
	for (int i = 0; i < n; i++) {
		pid_t pid;
		int status;

		if (posix_spawn(&pid, argv[2], NULL, NULL, argv + 2, environ)) {
			perror("posix_spawn");
			return 1;
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	printf("spawned %d, failed %d\n", n, failed);
	return failed ? 1 : 0;
}
