/*
 * slotrace — two threads whose thread ids are equal modulo 16 make
 * calls pcow rewrites at the same time: one opens NEW (in the scope, not
 * yet there) for writing, again and again, so its path goes to an upper
 * file; the other opens "DIR/../REAL" read-only, which pcow rewrites to
 * the real file's path because DIR exists only in the overlay.  If both
 * rewritten paths shared a slot of pcow's scratch region, the writer's
 * open could land on REAL: under pcow the real file must never change.
 * Usage: slotrace NEW DIR/../REAL ITERATIONS (DIR made by the caller
 * under pcow beforehand).  Prints "pair same", or "pair none" when no two
 * of its 17 threads got ids equal modulo 16.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define N_THREADS 17

static const char *new_path, *real_path;
static long iterations;
static atomic_int ready, go;
static pid_t tids[N_THREADS];
static int role[N_THREADS]; /* 0 idle, 1 writer, 2 reader */

static void *thread(void *arg)
{
	int me = (int)(long)arg;

	tids[me] = (pid_t)syscall(SYS_gettid);
	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&go))
		;
	for (long i = 0; i < iterations && role[me]; i++) {
		int fd;

		if (role[me] == 1) {
			fd = open(new_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
			if (fd >= 0) {
				if (write(fd, "W", 1) != 1)
					break;
				close(fd);
			}
		} else {
			fd = open(real_path, O_RDONLY);
			if (fd >= 0)
				close(fd);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[N_THREADS];
	int a = -1, b = -1;

	if (argc != 4)
		return 2;
	new_path = argv[1];
	real_path = argv[2];
	iterations = atol(argv[3]);
	for (long i = 0; i < N_THREADS; i++)
		pthread_create(&th[i], NULL, thread, (void *)i);
	while (atomic_load(&ready) < N_THREADS)
		;
	for (int i = 0; i < N_THREADS && a < 0; i++)
		for (int k = i + 1; k < N_THREADS; k++)
			if (tids[i] % 16 == tids[k] % 16) {
				a = i;
				b = k;
				break;
			}
	if (a >= 0) {
		role[a] = 1;
		role[b] = 2;
	}
	atomic_store(&go, 1);
	for (int i = 0; i < N_THREADS; i++)
		pthread_join(th[i], NULL);
	printf("pair %s\n", a >= 0 ? "same" : "none");
	return 0;
}
