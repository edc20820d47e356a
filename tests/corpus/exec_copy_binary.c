/*
 * execve(2) of an ELF binary written in the overlay: a copy of /bin/echo
 * made with read/write and chmod 0755 runs and prints its arguments, a
 * copy of /bin/false exits 1; while the copy is still open for writing
 * execve is ETXTBSY.
 */
#include "corpus.h"
#include <sys/wait.h>

static const char *const env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };

static int xexecve(const char *path, const char *const argv[])
{
	return execve(path, (char *const *)argv, (char *const *)env);
}

/* Fork, execve path in the child, print its output and how it ended. */
static void run(const char *label, const char *path, const char *const argv[])
{
	char buf[1024];
	ssize_t n, len = 0;
	int p[2], st;
	pid_t pid;

	fflush(stdout);
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		die("pipe, fork");
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		printf("execve = -1 %s\n", errname(xexecve(path, argv) < 0 ? errno : 0));
		exit(127);
	}
	close(p[1]);
	while (len < (ssize_t)sizeof(buf) &&
	       (n = read(p[0], buf + len, sizeof(buf) - (size_t)len)) > 0)
		len += n;
	close(p[0]);
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	printf("%s: ", label);
	print_bytes(buf, (size_t)len);
	printf(", exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

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
