/*
 * stackdl — dlopen() a library and call into it: the open the library makes
 * must have a stack whose innermost frames resolve in the library
 * (stackdl_open) and then in this program (main).  The library is
 * tests/progs/libstackdl.so (stackdl_lib.c).
 * Usage: stackdl LIBRARY [FILE]
 */
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int (*fn)(const char *);
	void *lib;
	int fd;

	if (argc < 2)
		return 2;
	lib = dlopen(argv[1], RTLD_NOW);
	if (!lib) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	*(void **)&fn = dlsym(lib, "stackdl_open");
	if (!fn) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return 1;
	}
	fd = fn(argc > 2 ? argv[2] : "/dev/null");
	if (fd < 0) {
		perror("open");
		return 1;
	}
	close(fd);
	dlclose(lib);
	puts("stackdl ok");
	return 0;
}
