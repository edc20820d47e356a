/*
 * The x bits as changed in the overlay decide execve(2): a real 0755 script
 * runs, after chmod 0644 it is EACCES, after chmod 0700 it runs again;
 * as nobody that 0700 script of root's is EACCES (and chmod EPERM), a 0755
 * script created in the overlay runs, and one in a directory made 0744 is
 * EACCES.
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
	const char *const argv[] = { "exec.sh", NULL };

	run("run base/exec.sh", "base/exec.sh", argv);
	rc("chmod(base/exec.sh, 0644)", chmod("base/exec.sh", 0644));
	rc("execve(base/exec.sh) 0644", xexecve("base/exec.sh", argv));
	rc("chmod(base/exec.sh, 0700)", chmod("base/exec.sh", 0700));
	run("run base/exec.sh 0700", "base/exec.sh", argv);
	put_file("open/x.sh", "#!/bin/sh\necho x\n", 0755);
	rc("mkdir(open/nox, 0744)", mkdir("open/nox", 0744));
	put_file("open/nox/in.sh", "#!/bin/sh\necho in\n", 0755);
	rc("chmod(open/nox, 0744)", chmod("open/nox", 0744));
	become_nobody();
	rc("execve(base/exec.sh) 0700 as nobody", xexecve("base/exec.sh", argv));
	rc("chmod(base/exec.sh, 0701) as nobody", chmod("base/exec.sh", 0701));
	run("run open/x.sh as nobody", "open/x.sh", argv);
	rc("execve(open/nox/in.sh) as nobody", xexecve("open/nox/in.sh", argv));
	return 0;
}
