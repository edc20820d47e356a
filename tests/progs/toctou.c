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
 *
 * toctou --vm-sibling: a child made by clone(CLONE_VM) without
 * CLONE_THREAD (it shares the memory, not the thread group) makes a file
 * system call, so pcow maps it a region of its own, in the same address
 * space; then the parent tries to make every such region writable.
 * Prints "regions N refused M".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
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

static atomic_int stage;

static int sibling(void *arg)
{
	(void)arg;
	/* Its first call (a file call: it stops under --log=file too) maps its region. */
	access("/", F_OK);
	atomic_store(&stage, 1);
	while (atomic_load(&stage) != 2)
		sched_yield();
	return 0;
}

/*
 * pcow's scratch regions: read-only anonymous memory in 4 MiB pieces.
 * Two regions mapped side by side are one mapping in /proc/self/maps
 * (the kernel merges them), so each 4 MiB of one counts.
 */
static size_t regions(unsigned long *found, size_t max)
{
	const unsigned long size = 4ul << 20;
	unsigned long lo, hi;
	char line[512], perms[8];
	size_t n = 0;
	FILE *maps = fopen("/proc/self/maps", "r");

	while (maps && fgets(line, sizeof(line), maps)) {
		int fields = sscanf(line, "%lx-%lx %7s %*s %*s 0", &lo, &hi, perms);

		if (fields != 3 || (hi - lo) % size || strcmp(perms, "r--p") ||
		    strlen(line) >= 60)
			continue;
		for (; lo < hi && n < max; lo += size)
			found[n++] = lo;
	}
	if (maps)
		fclose(maps);
	return n;
}

static int vm_sibling(void)
{
	static char stack[256 << 10];
	unsigned long found[16];
	size_t n, refused = 0;
	pid_t pid = clone(sibling, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL);

	if (pid < 0)
		return 2;
	while (atomic_load(&stage) != 1)
		sched_yield();
	n = regions(found, 16);
	for (size_t i = 0; i < n; i++)
		if (mprotect((void *)found[i], 4096, PROT_READ | PROT_WRITE) < 0 && errno == EPERM)
			refused++;
	atomic_store(&stage, 2);
	waitpid(pid, NULL, 0);
	printf("regions %zu refused %zu\n", n, refused);
	return 0;
}

static const char *result(int r)
{
	return r == 0 ? "0" : strerrorname_np(errno);
}

int main(int argc, char **argv)
{
	unsigned long found = 0;
	long n, opens = 0;
	pthread_t th;

	if (argc == 2 && !strcmp(argv[1], "--vm-sibling"))
		return vm_sibling();
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

	if (!regions(&found, 1)) {
		printf("munmap none\nmprotect none\n");
		return 0;
	}
	printf("munmap %s\n", result(munmap((void *)found, 4096)));
	printf("mprotect %s\n", result(mprotect((void *)found, 4096, PROT_READ | PROT_WRITE)));
	return 0;
}
