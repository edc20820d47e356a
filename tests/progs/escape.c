/*
 * escape — tries, from inside pcow, to change a real file or reach the
 * file system behind the overlay's back.  Usage: escape FILE DIR, where
 * FILE is a real file and DIR a real directory in the scope.  Prints one
 * line per attempt, "name result" (result: the return value, or the errno
 * name), for the test to compare.
 */
#include <errno.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static void report(const char *name, long ret)
{
	if (ret >= 0)
		printf("%s %ld\n", name, ret);
	else
		printf("%s %s\n", name, strerrorname_np(errno));
}

int main(int argc, char **argv)
{
	char buf[4096];
	struct {
		unsigned handle_bytes;
		int handle_type;
		unsigned char f_handle[128];
	} fh = { 128, 0, { 0 } };
	int mount_id, fd;
	long r;

	if (argc != 3 && argc != 4)
		return 2;
	/* O_PATH, then changes through AT_EMPTY_PATH. */
	fd = open(argv[1], O_PATH);
	report("opath", fd >= 0 ? 0 : -1);
	report("fchownat_empty", fchownat(fd, "", -1, getgid(), AT_EMPTY_PATH));
	report("linkat_empty", linkat(fd, "", AT_FDCWD, "linked", AT_EMPTY_PATH));
	/* Reopening it for writing through /proc. */
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	r = open(buf, O_WRONLY | O_APPEND);
	report("reopen_proc_fd", r >= 0 ? 0 : -1);
	if (r >= 0) {
		report("write_proc_fd", write((int)r, "escaped\n", 8));
		close((int)r);
	}
	close(fd);
	/* A hard link to a real file, by descriptor, inside the scope, then written. */
	fd = open(argv[1], O_RDONLY);
	snprintf(buf, sizeof(buf), "%s/flinked", argv[2]);
	report("linkat_empty_in_scope", linkat(fd, "", AT_FDCWD, buf, AT_EMPTY_PATH));
	close(fd);
	fd = open(buf, O_WRONLY | O_APPEND);
	report("write_flinked", fd >= 0 ? write(fd, "escaped\n", 8) : -1);
	if (fd >= 0)
		close(fd);
	/* A descriptor of the directory, opened before anything changed. */
	fd = open(argv[2], O_RDONLY | O_DIRECTORY);
	r = openat(fd, "through_dirfd", O_WRONLY | O_CREAT, 0644);
	report("create_via_dirfd", r >= 0 ? 0 : -1);
	if (r >= 0)
		close((int)r);
	close(fd);
	/* Calls the overlay refuses. */
	report("io_uring_setup", syscall(SYS_io_uring_setup, 1, buf));
	report("name_to_handle_at",
	       syscall(SYS_name_to_handle_at, AT_FDCWD, argv[1], &fh, &mount_id, 0));
	report("open_by_handle_at", syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY));
	report("mount", mount("none", argv[2], "tmpfs", 0, NULL));
	report("umount2", umount2(argv[2], 0));
	report("chroot", chroot(argv[2]));
	report("pivot_root", syscall(SYS_pivot_root, argv[2], argv[2]));
	/* i386 open (5) through int 0x80, the path below 4 GiB. */
	{
		char *low = mmap((void *)0x10000000, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

		if (low != MAP_FAILED) {
			snprintf(low, 4096, "%s", argv[1]);
			r = int80(5, (long)low, O_WRONLY | O_TRUNC, 0);
			if (r < 0) {
				errno = (int)-r;
				r = -1;
			}
			report("int80_open", r >= 0 ? 0 : -1);
			/* i386 io_uring_setup (425): a ring would run unseen */
			memset(low + 2048, 0, 1024); /* struct io_uring_params, zeroed */
			r = int80(425, 1, (long)(low + 2048), 0);
			if (r >= 0)
				close((int)r);
			if (r < 0) {
				errno = (int)-r;
				r = -1;
			}
			report("int80_io_uring_setup", r >= 0 ? 0 : -1);
		}
	}
	/* chattr +d through a descriptor opened read-only of argv[3], real and untouched. */
	fd = open(argc > 3 ? argv[3] : argv[1], O_RDONLY);
	{
		int flags = 0;

		if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) {
			printf("fs_ioc_setflags unsupported\n"); /* tmpfs: nothing to test */
		} else {
			int nd = flags | FS_NODUMP_FL;

			report("fs_ioc_setflags", ioctl(fd, FS_IOC_SETFLAGS, &nd));
			flags = 0;
			ioctl(fd, FS_IOC_GETFLAGS, &flags);
			printf("nodump_after %d\n", !!(flags & FS_NODUMP_FL));
		}
		close(fd);
	}
	/* A socket node bound in the scope, also through the i386 gate. */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		char *low = mmap((void *)0x10100000, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bound.sock", argv[2]);
		report("bind_in_scope", bind(s, (struct sockaddr *)&sa, sizeof(sa)));
		close(s);
		s = socket(AF_UNIX, SOCK_STREAM, 0);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bound32.sock", argv[2]);
		if (low != MAP_FAILED) {
			unsigned *args = (unsigned *)low;

			memcpy(low + 64, &sa, sizeof(sa));
			args[0] = (unsigned)s;
			args[1] = (unsigned)(uintptr_t)(low + 64);
			args[2] = sizeof(sa);
			r = int80(102, 2, (long)low, 0); /* socketcall(SYS_BIND, args) */
			if (r < 0) {
				errno = (int)-r;
				r = -1;
			}
			report("int80_socketcall_bind", r);
			r = int80(361, s, (long)(low + 64), sizeof(sa)); /* bind */
			if (r < 0) {
				errno = (int)-r;
				r = -1;
			}
			report("int80_bind", r);
			/* Receiving descriptors, which pcow checks in x86_64 only. */
			memset(low + 256, 0, 64); /* a 32-bit msghdr, empty */
			r = int80(372, s, (long)(low + 256), 0); /* recvmsg */
			if (r < 0) {
				errno = (int)-r;
				r = -1;
			}
			report("int80_recvmsg", r);
			args[0] = (unsigned)s;
			args[1] = (unsigned)(uintptr_t)(low + 256);
			args[2] = 0;
			r = int80(102, 17, (long)low, 0); /* socketcall(SYS_RECVMSG, args) */
			if (r < 0) {
				errno = (int)-r;
				r = -1;
			}
			report("int80_socketcall_recvmsg", r);
		}
		close(s);
	}
	/* /proc/self/mem opened for writing: it writes even read-only pages. */
	report("proc_self_mem_write", open("/proc/self/mem", O_RDWR) >= 0 ? 0 : -1);
	/*
	 * A descriptor of a real directory opened before the directory is
	 * renamed in the overlay, then a real file below it written through it;
	 * and renameat2(RENAME_WHITEOUT), which pcow refuses.
	 */
	{
		char moved[4096];

		snprintf(buf, sizeof(buf), "%s/../m", argv[2]);
		snprintf(moved, sizeof(moved), "%s/../m2", argv[2]);
		fd = open(buf, O_RDONLY | O_DIRECTORY);
		report("rename_under_dirfd", rename(buf, moved));
		r = fd >= 0 ? openat(fd, "e", O_WRONLY | O_APPEND) : -1;
		report("write_via_stale_dirfd", r >= 0 ? write((int)r, "escaped\n", 8) : -1);
		if (r >= 0)
			close((int)r);
		if (fd >= 0)
			close(fd);
		snprintf(moved, sizeof(moved), "%s/whiteout-target", argv[2]);
		report("renameat2_whiteout", syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD,
						     moved, 4 /* RENAME_WHITEOUT */));
	}
	return 0;
}
