/*
 * execthread — a non-leader thread executes PROGRAM while the leader sleeps
 * in a system call: the leader's tid passes to the executing thread.
 * Usage: execthread PROGRAM [ARG...]
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static char **args;

static void *worker(void *arg)
{
	(void)arg;
	execv(args[0], args);
	perror("execv");
	_exit(126);
}

int main(int argc, char **argv)
{
	pthread_t tid;

	if (argc < 2)
		return 2;
	args = argv + 1;
	if (pthread_create(&tid, NULL, worker, NULL))
		return 1;
	for (;;)
		pause();
}
