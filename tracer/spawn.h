/*
 * tracer/spawn.h — starting the traced program (see spawn.c).
 */
#ifndef PCOW_TRACER_SPAWN_H
#define PCOW_TRACER_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

struct spawn_request {
	const char *path;	  /* resolved program path */
	char *const *argv;
	char *const *envp;
	/* Run in the child after it is traced, before execve (seccomp filter). */
	int (*before_exec)(void *opaque);
	void *opaque;
};

struct spawn_result {
	pid_t pid;  /* the child, seized, in a ptrace-stop, released */
	int err_fd; /* read end of the exec-error pipe (spawn_exec_errno) */
};

/*
 * Fork, seize and release the child (see spawn.c).  Returns 0 or -errno
 * after printing why; on failure no child is left behind.
 */
int spawn_traced(const struct spawn_request *req, struct spawn_result *res);

/* After the child executed or died: the errno of a failed execve, else 0. */
int spawn_exec_errno(int err_fd);

/*
 * Find a program as a shell would: NAME with a slash as is, else along
 * $PATH.  Returns 0 with the path in buf, -ENOENT (not found), -EACCES
 * (found, not executable) or -ENAMETOOLONG.
 */
int spawn_find_program(const char *name, char *buf, size_t size);
/*
 * The same, asking check(path, opaque) whether a candidate is a program:
 * 0 (yes), -EISDIR (a directory), -EACCES, or -ENOENT.  pcow trace asks
 * the copy-on-write overlay, where a program may have been installed.
 */
typedef int (*spawn_check_fn)(const char *path, void *opaque);
int spawn_find_program_with(const char *name, char *buf, size_t size, spawn_check_fn check,
			    void *opaque);
/* The real file system's answer, for check functions to fall back on. */
int spawn_check_real(const char *path, void *opaque);

#endif /* PCOW_TRACER_SPAWN_H */
