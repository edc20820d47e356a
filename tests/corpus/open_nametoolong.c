/*
 * Name length limits: a 256-byte component is ENAMETOOLONG (open, O_CREAT
 * and stat), a 255-byte one can be created and read back; a path of 4096
 * bytes is ENAMETOOLONG even when made only of "./", one of 4094 opens;
 * below a missing directory the missing one wins (ENOENT).
 */
#include "corpus.h"

int main(void)
{
	char name[300], path[5000];
	int fd;

	memset(name, 'n', sizeof(name));
	memcpy(name, "base/", 5);
	name[5 + 256] = '\0';
	rcfd("open(256-byte name, O_CREAT)", open(name, O_WRONLY | O_CREAT, 0644));
	rcfd("open(256-byte name)", open(name, O_RDONLY));
	show_stat("stat(256-byte name)", name);
	name[5 + 255] = '\0';
	fd = rcfd("open(255-byte name, O_CREAT)", open(name, O_WRONLY | O_CREAT, 0644));
	rc("write", write(fd, "long\n", 5));
	close(fd);
	show_file("cat 255-byte name", name);
	rc("unlink(255-byte name)", unlink(name));
	for (int i = 0; i < 4094; i += 2)
		memcpy(path + i, "./", 2);
	memcpy(path + 4094, "xy", 3);
	printf("path length %zu\n", strlen(path));
	rcfd("open(4096-byte path)", open(path, O_RDONLY));
	rcfd("open(4096-byte path, O_CREAT)", open(path, O_WRONLY | O_CREAT, 0644));
	memcpy(path + 4084, "base/b.txt", 11);
	printf("path length %zu\n", strlen(path));
	fd = rcfd("open(4094-byte path ending in base/b.txt)", open(path, O_RDONLY));
	show_read("read(b.txt)", fd);
	close(fd);
	memcpy(name, "base/nodir/", 11);
	name[11 + 256] = '\0';
	rcfd("open(base/nodir/256-byte, O_CREAT)", open(name, O_WRONLY | O_CREAT, 0644));
	return 0;
}
