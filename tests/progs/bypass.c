/*
 * bypass — ways around the path layer that pcow must refuse or send
 * through the overlay.  Usage: bypass DIR, where DIR is a real directory
 * in the scope holding the files f, g, x (a shell script) and h.  Prints
 * one line per attempt, "name result" (the return value, or the errno
 * name), for the test to compare with a native run and with what pcow
 * promises.  With a second argument OUTDIR (a directory outside the
 * scope, holding an empty h), also: a descriptor opened through a
 * symlink to DIR, the symlink then pointed at OUTDIR, and h opened for
 * appending through the descriptor.
 *
 * bypass --mounts DIR: openat2 with RESOLVE_NO_XDEV, and the calls the
 * kernel refuses on a mount point, where DIR holds a file f, a symbolic
 * link abs to DIR/f (absolute), and a mount at mnt holding a file g and
 * a symbolic link abs to DIR/f.  Printed like the rest, for a native run
 * to compare with.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif

static void report(const char *name, long ret)
{
	if (ret >= 0)
		printf("%s %ld\n", name, ret);
	else
		printf("%s %s\n", name, strerrorname_np(errno));
	fflush(stdout);
}

static long openat2_how(const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .resolve = resolve };
	long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	if (fd >= 0)
		close((int)fd);
	return fd >= 0 ? 0 : -1;
}

/* openat2(dirfd, path, flags, resolve) and, opened, write text: "name result". */
static void o2_write(const char *name, int dfd, const char *path, uint64_t flags,
		     uint64_t resolve, const char *text)
{
	struct open_how how = { .flags = flags, .resolve = resolve,
				.mode = flags & O_CREAT ? 0644 : 0 };
	long fd = syscall(SYS_openat2, dfd, path, &how, sizeof(how));

	report(name, fd >= 0 ? 0 : -1);
	if (fd >= 0 && text) {
		if (write((int)fd, text, strlen(text)) != (ssize_t)strlen(text))
			exit(2);
	}
	if (fd >= 0)
		close((int)fd);
}

static int mounts(const char *dir)
{
	const uint64_t ap = O_WRONLY | O_APPEND, nx = RESOLVE_NO_XDEV;
	char path[4200];
	int dfd = open(dir, O_RDONLY | O_DIRECTORY), mfd;

	if (dfd < 0 || chdir(dir) < 0)
		return 2;
	mfd = open("mnt", O_RDONLY | O_DIRECTORY);
	if (mfd < 0)
		return 2;
	/* On DIR's mount: through the overlay as natively. */
	o2_write("noxdev_append", dfd, "f", ap, nx, "noxdev\n");
	o2_write("noxdev_create", dfd, "new", O_CREAT | O_WRONLY, nx, "new\n");
	o2_write("noxdev_dotdot_same", dfd, "mnt/../f", ap, nx, "no\n");
	report("mkdir_nd", mkdir("nd", 0755));
	o2_write("noxdev_in_new_dir", dfd, "nd/h", O_CREAT | O_WRONLY, nx, "h\n");
	o2_write("noxdev_new_dir_dotdot", dfd, "nd/../f", ap, nx, "nd\n");
	/* Into the mount: EXDEV, for reads too. */
	o2_write("noxdev_into_mount", dfd, "mnt/g", ap, nx, "no\n");
	o2_write("noxdev_into_mount_read", dfd, "mnt/g", O_RDONLY, nx, NULL);
	o2_write("noxdev_mount_point", dfd, "mnt", O_RDONLY | O_DIRECTORY, nx, NULL);
	o2_write("noxdev_via_new_dir", dfd, "nd/../mnt/g", ap, nx, "no\n");
	o2_write("plain_into_mount", dfd, "mnt/g", ap, 0, "plain\n");
	/* From the mount: inside it fine, out of it by ".." or a link EXDEV. */
	o2_write("noxdev_in_mount", mfd, "g", ap, nx, "in\n");
	o2_write("noxdev_mount_create", mfd, "new", O_CREAT | O_WRONLY, nx, "m\n");
	o2_write("noxdev_out_dotdot", mfd, "../f", ap, nx, "no\n");
	o2_write("noxdev_out_abs_link", mfd, "abs", ap, nx, "no\n");
	o2_write("noxdev_out_abs_link_beneath", mfd, "abs", ap, nx | RESOLVE_BENEATH, "no\n");
	/* From DIR by absolute names (on the root's mount or not, as natively). */
	o2_write("noxdev_abs_link", dfd, "abs", ap, nx, "abs\n");
	snprintf(path, sizeof(path), "%s/f", dir);
	o2_write("noxdev_abs_path", AT_FDCWD, path, ap, nx, "abspath\n");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	o2_write("noxdev_magic_link", AT_FDCWD, path, O_RDONLY | O_DIRECTORY, nx, NULL);
	/* A mount point is busy (EBUSY), in the overlay too. */
	report("rename_mount_point", rename("mnt", "mnt2"));
	report("rmdir_mount_point", rmdir("mnt"));
	report("rename_over_mount_point", rename("nd", "mnt"));
	close(mfd);
	close(dfd);
	return 0;
}

/* Through /proc/CHILD/cwd and /proc/CHILD/root of another traced process. */
static void other_process(const char *dir)
{
	int to_parent[2], to_child[2];
	char path[4200], c;
	pid_t pid;
	int fd;

	if (pipe(to_parent) < 0 || pipe(to_child) < 0)
		exit(2);
	pid = fork();
	if (pid == 0) {
		if (chdir(dir) < 0)
			_exit(2);
		(void)!write(to_parent[1], "r", 1);
		(void)!read(to_child[0], &c, 1);
		_exit(0);
	}
	if (read(to_parent[0], &c, 1) != 1)
		exit(2);
	snprintf(path, sizeof(path), "/proc/%d/cwd/f", (int)pid);
	fd = open(path, O_WRONLY | O_APPEND);
	report("proc_pid_cwd_open", fd >= 0 ? 0 : -1);
	if (fd >= 0) {
		report("proc_pid_cwd_write", write(fd, "via-cwd\n", 8));
		close(fd);
	}
	snprintf(path, sizeof(path), "/proc/%d/root%s/g", (int)pid, dir);
	fd = open(path, O_WRONLY | O_APPEND);
	report("proc_pid_root_open", fd >= 0 ? 0 : -1);
	if (fd >= 0) {
		report("proc_pid_root_write", write(fd, "via-root\n", 9));
		close(fd);
	}
	(void)!write(to_child[1], "x", 1);
	waitpid(pid, NULL, 0);
}

/* openat through a descriptor whose symlink now points elsewhere. */
static void relink(const char *dir, const char *outdir)
{
	char link[4096], tmp[4200];
	int dfd, fd;

	snprintf(link, sizeof(link), "%s/../bypass-link", outdir);
	snprintf(tmp, sizeof(tmp), "%s.new", link);
	unlink(link);
	unlink(tmp);
	if (symlink(dir, link) < 0 || (dfd = open(link, O_RDONLY)) < 0)
		exit(2);
	if (symlink(outdir, tmp) < 0 || rename(tmp, link) < 0)
		exit(2);
	fd = openat(dfd, "h", O_WRONLY | O_APPEND);
	report("relink_dirfd_open", fd >= 0 ? 0 : -1);
	if (fd >= 0) {
		report("relink_dirfd_write", write(fd, "relink\n", 7));
		close(fd);
	}
	close(dfd);
	unlink(link);
}

int main(int argc, char **argv)
{
	char f[4096], g[4096], h[4096], x[4096];
	const char *dir;
	void *p;
	pid_t pid;
	int fd, status;

	if (argc == 3 && !strcmp(argv[1], "--mounts"))
		return mounts(argv[2]);
	if (argc != 2 && argc != 3)
		return 2;
	dir = argv[1];
	snprintf(f, sizeof(f), "%s/f", dir);
	snprintf(g, sizeof(g), "%s/g", dir);
	snprintf(h, sizeof(h), "%s/h", dir);
	snprintf(x, sizeof(x), "%s/x", dir);

	/* First, while the overlay is empty (pcow's quiet opens). */
	/* openat2 with RESOLVE_ flags: reading an untouched file works. */
	report("openat2_resolve_read", openat2_how(f, O_RDONLY, RESOLVE_NO_SYMLINKS));
	if (argc == 3)
		relink(dir, argv[2]);
	/* A number no kernel pcow knows: refused, whatever it would do. */
	report("unknown_syscall", syscall(1000, h, 0, 0, 0, 0, 0));
	/* A changing call pcow does not model (6.13's setxattrat): refused. */
	{
		struct { uint64_t value; uint32_t size, flags; } xa = { (uintptr_t)"v", 1, 0 };

		report("setxattrat", syscall(SYS_setxattrat, AT_FDCWD, h, 0, "user.pcow", &xa,
					     sizeof(xa)));
	}

	report("openat2_resolve_write", openat2_how(h, O_WRONLY | O_APPEND, RESOLVE_NO_SYMLINKS));
	/* RESOLVE_NO_XDEV through the overlay: as natively (bypass --mounts for more). */
	report("openat2_noxdev_write", openat2_how(h, O_WRONLY | O_APPEND, RESOLVE_NO_XDEV));
	report("openat2_plain_write", openat2_how(g, O_WRONLY | O_APPEND, 0));

	/* A writable shared mapping of a descriptor opened read-only. */
	fd = open(h, O_RDONLY);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	report("mmap_shared_write_rdonly_fd", p == MAP_FAILED ? -1 : 0);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	report("mmap_shared_read", p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED)
		report("mprotect_shared_write", mprotect(p, 4096, PROT_READ | PROT_WRITE));
	close(fd);

	/* Change the script in the overlay, then run it by descriptor. */
	fd = open(x, O_WRONLY | O_TRUNC);
	if (fd < 0 || write(fd, "#!/bin/sh\necho overlay\n", 23) != 23)
		return 2;
	close(fd);
	fd = open(x, O_PATH);
	pid = fork();
	if (pid == 0) {
		char name[] = "x";
		char *const args[] = { name, NULL };

		syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	report("execveat_empty_path", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	close(fd);

	other_process(dir);
	return 0;
}
