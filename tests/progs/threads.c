/*
 * threads — N threads each make COUNT getppid() calls, then join.
 * Usage: threads [N [COUNT]]   (default 8 10000)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long count = 10000;

static void *worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < count; i++)
		syscall(SYS_getppid);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8;
	pthread_t tids[256];

	if (argc > 2)
		count = atol(argv[2]);
	if (n < 1 || n > 256)
		return 2;
	for (int i = 0; i < n; i++)
		if (pthread_create(&tids[i], NULL, worker, NULL))
			return 1;
	for (int i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	printf("%d threads x %ld getppid\n", n, count);
	return 0;
}
