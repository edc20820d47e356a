/*
 * toctou — a second thread swaps the path buffer while the first thread
 * opens it for writing: "OUTSIDE" (outside the copy-on-write scope, let
 * through) one moment, "REAL" (a real file in the scope) the next.  Under
 * pcow the real file must never be written.  Then it looks for pcow's
 * read-only scratch region (4 MiB, r--p, anonymous) in /proc/self/maps
 * and tries to unmap it and make it writable.
 * Usage: toctou OUTSIDE REAL ITERATIONS.  Prints "opens N", then
 * "munmap RESULT" and "mprotect RESULT" (0 or the errno name; "none" when
 * there is no such region).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char buf[4096];
static const char *paths[2];
static atomic_bool done;

static void *swapper(void *arg)
{
	(void)arg;
	for (unsigned i = 0; !atomic_load(&done); i++)
		strcpy(buf, paths[i & 1]);
	return NULL;
}

static const char *result(int r)
{
	return r == 0 ? "0" : strerrorname_np(errno);
}

int main(int argc, char **argv)
{
	unsigned long lo, hi, found = 0;
	char line[512], perms[8];
	long n, opens = 0;
	pthread_t th;
	FILE *maps;

	if (argc != 4)
		return 2;
	paths[0] = argv[1];
	paths[1] = argv[2];
	n = atol(argv[3]);
	strcpy(buf, paths[0]);
	pthread_create(&th, NULL, swapper, NULL);
	for (long i = 0; i < n; i++) {
		int fd = open(buf, O_WRONLY | O_APPEND);

		if (fd >= 0) {
			opens++;
			if (write(fd, "X", 1) != 1)
				return 2;
			close(fd);
		}
	}
	atomic_store(&done, true);
	pthread_join(th, NULL);
	printf("opens %s\n", opens > 0 ? "some" : "none");

	maps = fopen("/proc/self/maps", "r");
	while (maps && fgets(line, sizeof(line), maps)) {
		int fields = sscanf(line, "%lx-%lx %7s %*s %*s 0", &lo, &hi, perms);

		if (fields == 3 && hi - lo == 4 << 20 && !strcmp(perms, "r--p") &&
		    strlen(line) < 60) {
			found = lo;
			break;
		}
	}
	if (maps)
		fclose(maps);
	if (!found) {
		printf("munmap none\nmprotect none\n");
		return 0;
	}
	printf("munmap %s\n", result(munmap((void *)found, 4096)));
	printf("mprotect %s\n", result(mprotect((void *)found, 4096, PROT_READ | PROT_WRITE)));
	return 0;
}
