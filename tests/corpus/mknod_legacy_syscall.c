/*
 * The legacy mknod(2) system call (SYS_mknod, not mknodat), as old
 * programs and static binaries make it: a FIFO with the mode less the
 * umask, EEXIST for that name again and for a real file, ENOENT below a
 * missing directory, ENOTDIR below a file; a regular file by mode 0 type.
 */
#include "corpus.h"

int main(void)
{
	umask(022);
	rc("SYS_mknod(base/fifo, S_IFIFO|0666)",
	   syscall(SYS_mknod, "base/fifo", S_IFIFO | 0666, 0));
	show_stat("stat(base/fifo)", "base/fifo");
	rc("SYS_mknod(base/fifo) again", syscall(SYS_mknod, "base/fifo", S_IFIFO | 0600, 0));
	rc("SYS_mknod(base/a.txt, S_IFIFO)", syscall(SYS_mknod, "base/a.txt", S_IFIFO | 0600, 0));
	rc("SYS_mknod(base/missing/fifo)",
	   syscall(SYS_mknod, "base/missing/fifo", S_IFIFO | 0600, 0));
	rc("SYS_mknod(base/a.txt/fifo)", syscall(SYS_mknod, "base/a.txt/fifo", S_IFIFO | 0600, 0));
	rc("SYS_mknod(base/dir/plain, 0640)", syscall(SYS_mknod, "base/dir/plain", 0640, 0));
	show_stat("stat(base/dir/plain)", "base/dir/plain");
	show_dir("ls base/dir", "base/dir");
	return 0;
}
