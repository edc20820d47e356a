/*
 * stackprog — main calls a, a calls b, b opens a file: the stack recorded
 * for that open must read b, a, main.  Built several ways (tests/progs in
 * Makefile.am): -O1 not PIE, -O2 -fomit-frame-pointer, PIE, and stripped by the
 * test.  noinline, noclone and the empty asm keep the calls real calls,
 * under their own names, at -O2.
 * Usage: stackprog [FILE]   (default /dev/null)
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline, noclone)) int stack_b(const char *file_path);
__attribute__((noinline, noclone)) int stack_a(const char *file_path);

__attribute__((noinline, noclone)) int stack_b(const char *file_path)
{
	int fd = open(file_path, O_RDONLY | O_CLOEXEC);

	__asm__ volatile("" ::: "memory");
	return fd;
}

__attribute__((noinline, noclone)) int stack_a(const char *file_path)
{
	int fd = stack_b(file_path);

	__asm__ volatile("" ::: "memory");
	return fd + 1;
}

int main(int argc, char **argv)
{
	int fd = stack_a(argc > 1 ? argv[1] : "/dev/null") - 1;

	if (fd < 0) {
		perror("open");
		return 1;
	}
	close(fd);
	puts("stackprog ok");
	return 0;
}
