/*
 * lowstack — opens a file while the stack pointer is a few hundred bytes
 * above an unmapped page: what a tracer that writes rewritten paths
 * below the stack pointer cannot handle (its writes do not grow a stack).
 * Usage: lowstack FILE.  Creates FILE with "low\n" (normal stack), then
 * opens it from the small stack and reads it back.  Prints "open ok N" or
 * "open ERRNO_NAME"; exits 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static const char *path;
static long result;
static int saved_errno;
static ucontext_t main_ctx, low_ctx;

static void on_low_stack(void)
{
	/* Use up the page so the stack pointer ends near its bottom. */
	volatile char pad[3900];

	pad[0] = 0;
	pad[sizeof(pad) - 1] = 0;
	result = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
	saved_errno = errno;
}

int main(int argc, char **argv)
{
	char *region, buf[16];
	long n;
	int fd;

	if (argc != 2)
		return 2;
	path = argv[1];
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "low\n", 4) != 4)
		return 2;
	close(fd);
	/*
	 * One page of stack with nothing mapped below it (a PROT_NONE page
	 * would not do: ptrace's forced writes go through it).
	 */
	region = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED || munmap(region, 4096) < 0)
		return 2;
	/* Built with -z now: lazy binding needs more stack than the page has. */
	getcontext(&low_ctx);
	low_ctx.uc_stack.ss_sp = region + 4096;
	low_ctx.uc_stack.ss_size = 4096;
	low_ctx.uc_link = &main_ctx;
	makecontext(&low_ctx, on_low_stack, 0);
	swapcontext(&main_ctx, &low_ctx);
	if (result < 0) {
		printf("open %s\n", strerrorname_np(saved_errno));
		return 0;
	}
	n = read((int)result, buf, sizeof(buf));
	printf("open ok %ld\n", n);
	return 0;
}
