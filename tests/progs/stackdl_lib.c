/*
 * stackdl_lib — the library tests/progs/stackdl loads with dlopen():
 * stackdl_open calls stackdl_inner, which opens the file.
 */
#include <fcntl.h>

int stackdl_open(const char *file_path);
__attribute__((noinline, noclone)) int stackdl_inner(const char *file_path);

__attribute__((noinline, noclone)) int stackdl_inner(const char *file_path)
{
	int fd = open(file_path, O_RDONLY | O_CLOEXEC);

	__asm__ volatile("" ::: "memory");
	return fd;
}

int stackdl_open(const char *file_path)
{
	int fd = stackdl_inner(file_path);

	__asm__ volatile("" ::: "memory");
	return fd;
}
