/*
 * A script whose interpreter is itself a script, both created in the
 * overlay: the kernel runs the chain (outer's #! names inner.sh by its
 * absolute path, or by a path relative to the cwd; inner's names /bin/sh)
 * and inner gets outer's name and the arguments; an interpreter argument
 * comes first as one word; when inner.sh loses its x bit it is EACCES.
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
	const char *const argv[] = { "base/outer", "a1", "a2", NULL };
	const char *const argv2[] = { "base/withargs", "z", NULL };
	const char *const argv3[] = { "base/outer_abs", "b1", NULL };
	char root[4096], text[4200];

	if (!getcwd(root, sizeof(root)))
		die("getcwd");
	put_file("base/inner.sh", "#!/bin/sh\necho \"inner: ${0##*/} [$*]\"\n", 0755);
	snprintf(text, sizeof(text), "#!%s/base/inner.sh\n", root);
	put_file("base/outer_abs", text, 0755);
	run("run base/outer_abs b1", "base/outer_abs", argv3);
	put_file("base/outer", "#!base/inner.sh\nnot shell at all\n", 0755);
	run("run base/outer a1 a2", "base/outer", argv);
	put_file("base/withargs", "#!base/inner.sh -x y\n", 0755);
	run("run base/withargs z", "base/withargs", argv2);
	rc("chmod(base/inner.sh, 0644)", chmod("base/inner.sh", 0644));
	rc("execve(base/outer) with inner 0644", xexecve("base/outer", argv));
	rc("execve(base/outer_abs) with inner 0644", xexecve("base/outer_abs", argv3));
	rc("rename(base/inner.sh, base/gone.sh)", rename("base/inner.sh", "base/gone.sh"));
	rc("execve(base/outer) with inner gone", xexecve("base/outer", argv));
	/* outer_abs holds the root's path, which differs from tree to tree */
	rc("unlink(base/outer_abs)", unlink("base/outer_abs"));
	return 0;
}
