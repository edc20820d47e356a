/*
 * runtime — run a command and print its wall time in seconds and the peak
 * resident set of the command's own process (VmHWM, sampled from
 * /proc/PID/status every 2 ms: the tracer's memory, not the traced
 * program's) in KiB:   runtime CMD [ARG...]   →   "0.4321 5120"
 * The command's exit status is passed through.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long vm_hwm(pid_t pid)
{
	char name[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/%d/status", pid);
	f = fopen(name, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kib = atol(line + 6);
	fclose(f);
	return kib;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	long peak = 0;
	int status = 0;
	pid_t pid;

	if (argc < 2)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	for (;;) {
		long kib = vm_hwm(pid);
		pid_t r;

		if (kib > peak)
			peak = kib;
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		usleep(2000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.4f %ld\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       peak);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
