/*
 * cow/sys.c — the table of host calls cow makes (see struct cow_sys in
 * cow/cow.h): the default entries call libc; tests swap entries to inject
 * faults, as SQLite's test VFS does.
 */
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cow/cow.h"

static int sys_openat(int dirfd, const char *name, int flags, mode_t mode)
{
	return openat(dirfd, name, flags, mode);
}

static ssize_t sys_copy_file_range(int fd_in, off_t *off_in, int fd_out, off_t *off_out,
				   size_t len, unsigned flags)
{
	return copy_file_range(fd_in, off_in, fd_out, off_out, len, flags);
}

static int sys_ficlone(int dst_fd, int src_fd)
{
	return ioctl(dst_fd, FICLONE, src_fd);
}

/* The libc entries: what cow_sys starts as and cow_sys_reset puts back. */
#define COW_SYS_DEFAULT { \
	.openat = sys_openat, \
	.read = read, \
	.write = write, \
	.fsync = fsync, \
	.renameat = renameat, \
	.copy_file_range = sys_copy_file_range, \
	.ficlone = sys_ficlone, \
	.mkdirat = mkdirat, \
	.unlinkat = unlinkat, \
	.symlinkat = symlinkat, \
	.mknodat = mknodat, \
	.linkat = linkat, \
	.ftruncate = ftruncate, \
	.fsetxattr = fsetxattr, \
}

static const struct cow_sys cow_sys_default = COW_SYS_DEFAULT;

struct cow_sys cow_sys = COW_SYS_DEFAULT;

void cow_sys_reset(void)
{
	cow_sys = cow_sys_default;
}
