/*
 * execve(2) of a real script runs the real file until the script is
 * changed in the overlay: after it is rewritten, execve runs the new
 * content; after it is renamed the old name is ENOENT and the new one
 * runs; a real script replaced by a symbolic link runs the link's target.
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
	int fd;

	run("run base/exec.sh", "base/exec.sh", argv);
	fd = rcfd("open(base/exec.sh, O_WRONLY|O_TRUNC)", open("base/exec.sh", O_WRONLY | O_TRUNC));
	rc("write", write(fd, "#!/bin/sh\necho changed\n", 24));
	close(fd);
	run("run base/exec.sh rewritten", "base/exec.sh", argv);
	rc("rename(base/exec.sh, base/dir/moved.sh)", rename("base/exec.sh", "base/dir/moved.sh"));
	rc("execve(base/exec.sh) renamed", xexecve("base/exec.sh", argv));
	run("run base/dir/moved.sh", "base/dir/moved.sh", argv);
	put_file("base/other.sh", "#!/bin/sh\necho other\n", 0755);
	rc("symlink(other.sh, base/exec.sh)", symlink("other.sh", "base/exec.sh"));
	run("run base/exec.sh a link", "base/exec.sh", argv);
	return 0;
}
