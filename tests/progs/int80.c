/*
 * int80 — 32-bit system calls from a 64-bit process through int 0x80:
 * i386 getpid (20) and i386 write (4) of "int80\n" to stdout.  On x86_64
 * number 20 is writev and 4 is stat: a tracer that decodes these as 64-bit
 * calls records the wrong thing.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

int main(void)
{
	/* int 0x80 truncates pointers to 32 bits: use memory below 4 GiB. */
	char *buf = mmap((void *)0x10000000, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long pid, n;

	if (buf == MAP_FAILED)
		return 2;
	strcpy(buf, "int80\n");
	pid = int80(20, 0, 0, 0);
	n = int80(4, 1, (long)buf, 6);
	printf("i386 getpid %s, i386 write %ld\n", pid == getpid() ? "ok" : "wrong", n);
	return pid == getpid() && n == 6 ? 0 : 1;
}
