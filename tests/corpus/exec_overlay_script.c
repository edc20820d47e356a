/*
 * execve(2) of a shell script created in the overlay (#!/bin/sh, mode
 * 0755): the child runs it, the script gets the name it was run by as $0
 * and its arguments, reads a file that exists only in the overlay, and its
 * output and exit status come back; a script created 0644 is EACCES until
 * chmod 0755.
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

int main(void)
{
	const char *const argv[] = { "base/run.sh", "one", "two", NULL };
	const char *const argv2[] = { "base/plain.sh", NULL };

	put_file("base/data", "overlay data\n", 0644);
	put_file("base/run.sh", "#!/bin/sh\necho \"$0 args: $*\"\ncat base/data\nexit 3\n", 0755);
	run("run base/run.sh one two", "base/run.sh", argv);
	put_file("base/plain.sh", "#!/bin/sh\necho plain\n", 0644);
	rc("execve(base/plain.sh) mode 0644", xexecve("base/plain.sh", argv2));
	rc("chmod(base/plain.sh, 0755)", chmod("base/plain.sh", 0755));
	run("run base/plain.sh", "base/plain.sh", argv2);
	return 0;
}
