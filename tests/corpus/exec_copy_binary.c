/*
 * execve(2) of an ELF binary written in the overlay: a copy of /bin/echo
 * made with read/write and chmod 0755 runs and prints its arguments, a
 * copy of /bin/false exits 1; while the copy is still open for writing
 * execve is ETXTBSY.
 */
#include "corpus.h"

/* Copy a binary into the tree; returns the still open descriptor. */
static int copy(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (in < 0 || out < 0)
		die(from);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("write");
	close(in);
	return out;
}

int main(void)
{
	const char *const argv[] = { "echo", "hello", "from", "the", "copy", NULL };
	const char *const fargv[] = { "false", NULL };
	int fd = copy("/bin/echo", "base/myecho");

	rc("chmod(base/myecho, 0755)", chmod("base/myecho", 0755));
	rc("execve(base/myecho) still open for writing", xexecve("base/myecho", argv));
	close(fd);
	run("run base/myecho", "base/myecho", argv);
	close(copy("/bin/false", "base/myfalse"));
	rc("chmod(base/myfalse, 0755)", chmod("base/myfalse", 0755));
	run("run base/myfalse", "base/myfalse", fargv);
	return 0;
}
