/*
 * demo — the README's example: a small program that creates a directory
 * and a file, writes, reads back, renames, lists and removes them, and
 * fails once on purpose (opening a missing file).
 * Usage: demo [DIR]   (default: a new directory under /tmp)
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char dir[256], a[300], b[300], buf[64];
	struct stat st;
	DIR *d;
	int fd;

	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else
		snprintf(dir, sizeof(dir), "/tmp/pcow-demo.%d", getpid());
	snprintf(a, sizeof(a), "%s/hello.txt", dir);
	snprintf(b, sizeof(b), "%s/renamed.txt", dir);
	if (mkdir(dir, 0755) < 0)
		return perror(dir), 1;
	fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "hello, pcow\n", 12) != 12)
		return perror(a), 1;
	close(fd);
	rename(a, b);
	stat(b, &st);
	fd = open(b, O_RDONLY);
	memset(buf, 0, sizeof(buf));
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		return 1;
	close(fd);
	if (open(a, O_RDONLY) >= 0)
		return 1;
	d = opendir(dir);
	while (d && readdir(d))
		;
	if (d)
		closedir(d);
	unlink(b);
	rmdir(dir);
	printf("wrote and read back %lld bytes: %s", (long long)st.st_size, buf);
	return 0;
}
