/*
 * tracer/spawn.c — start the program under PTRACE_SEIZE.
 *
 * The child blocks on a pipe before it executes anything of the user's;
 * the parent seizes it with every option (so nothing it creates ever runs
 * untraced and PTRACE_O_EXITKILL kills all of it if pcow dies), interrupts
 * it into a first ptrace-stop, and only then releases it.  From that stop
 * on every system call stops, so the program's execve is seen at entry.
 * The child reports a failed execve through a close-on-exec pipe: a byte
 * count of zero there means the exec succeeded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/spawn.h"

#define SEIZE_OPTIONS                                                                      \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |                \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL |                     \
	 PTRACE_O_TRACESECCOMP)

static void child_fail(int err_fd, int err)
{
	ssize_t n = write(err_fd, &err, sizeof(err));

	(void)n;
	_exit(127);
}

/* The child: wait for the tracer, restore a clean signal state, exec. */
static void __attribute__((noreturn))
child_main(const struct spawn_request *req, int sync_fd, int err_fd)
{
	sigset_t none;
	char c;

	while (read(sync_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(sync_fd);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (req->before_exec && req->before_exec(req->opaque) < 0)
		child_fail(err_fd, errno);
	execve(req->path, req->argv, req->envp);
	child_fail(err_fd, errno);
	_exit(127);
}

int spawn_traced(const struct spawn_request *req, struct spawn_result *res)
{
	int sync[2], err[2];
	int status, e;
	pid_t pid;

	if (pipe2(sync, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		e = -errno;
		goto out_close_sync;
	}
	pid = fork();
	if (pid < 0) {
		e = -errno;
		goto out_close_err;
	}
	if (pid == 0) {
		close(sync[1]);
		close(err[0]);
		child_main(req, sync[0], err[1]);
	}
	close(sync[0]);
	sync[0] = -1;
	close(err[1]);
	err[1] = -1;

	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)SEIZE_OPTIONS) < 0) {
		e = -errno;
		fprintf(stderr, "pcow: cannot trace the program: ptrace(PTRACE_SEIZE): %s\n",
			strerror(errno));
		goto out_kill;
	}
	if (ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) < 0) {
		e = -errno;
		fprintf(stderr, "pcow: ptrace(PTRACE_INTERRUPT): %s\n", strerror(errno));
		goto out_kill;
	}
	while (waitpid(pid, &status, __WALL) < 0) {
		if (errno != EINTR) {
			e = -errno;
			goto out_kill;
		}
	}
	if (!WIFSTOPPED(status) || (status >> 16) != PTRACE_EVENT_STOP) {
		fprintf(stderr, "pcow: unexpected first stop of the program (status %#x)\n",
			status);
		e = -EPROTO;
		goto out_kill;
	}
	/* Release the child; it will stop at its next system call. */
	if (write(sync[1], "x", 1) != 1) {
		e = -errno;
		goto out_kill;
	}
	close(sync[1]);
	res->pid = pid;
	res->err_fd = err[0];
	return 0;

out_kill:
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
out_close_err:
	if (err[0] >= 0)
		close(err[0]);
	if (err[1] >= 0)
		close(err[1]);
out_close_sync:
	if (sync[0] >= 0)
		close(sync[0]);
	if (sync[1] >= 0)
		close(sync[1]);
	return e;
}

int spawn_exec_errno(int err_fd)
{
	int err = 0;
	ssize_t n;

	do
		n = read(err_fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(err_fd);
	return n == (ssize_t)sizeof(err) ? err : 0;
}

int spawn_check_real(const char *path, void *opaque)
{
	int fd;

	(void)opaque;
	if (access(path, X_OK) < 0)
		return -errno;
	/* A directory is not a program (execve says EACCES). */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	return -EISDIR;
}

int spawn_find_program(const char *name, char *buf, size_t size)
{
	return spawn_find_program_with(name, buf, size, spawn_check_real, NULL);
}

int spawn_find_program_with(const char *name, char *buf, size_t size, spawn_check_fn check,
			    void *opaque)
{
	const char *path_env, *p;
	int first_err = ENOENT;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		int err;

		if (snprintf(buf, size, "%s", name) >= (int)size)
			return -ENAMETOOLONG;
		err = check(buf, opaque);
		return err == -EISDIR ? -EACCES : err;
	}
	path_env = getenv("PATH");
	if (!path_env)
		path_env = "/usr/local/bin:/usr/bin:/bin";
	for (p = path_env;; p++) {
		const char *end = strchrnul(p, ':');
		size_t dirlen = (size_t)(end - p);
		int n;

		n = dirlen ? snprintf(buf, size, "%.*s/%s", (int)dirlen, p, name)
			   : snprintf(buf, size, "%s", name);
		if (n > 0 && (size_t)n < size) {
			int err = check(buf, opaque);

			if (!err)
				return 0;
			if (err == -EISDIR || err == -EACCES)
				first_err = EACCES;
		}
		if (!*end)
			break;
		p = end;
	}
	return -first_err;
}
