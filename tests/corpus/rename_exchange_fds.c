/*
 * renameat2(RENAME_EXCHANGE) of a real directory and one made in the
 * overlay while descriptors and the cwd are in them: each follows its
 * directory to the other name (getcwd, /proc/self/fd/N, openat).
 */
#include "corpus.h"

static int exchange(const char *a, const char *b)
{
	return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

static void show_fd(const char *label, int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	show_proc_link(label, path);
}

int main(void)
{
	int real, made, fd;

	remember_root();
	rc("mkdir(base/made)", mkdir("base/made", 0755));
	put_file("base/made/m", "made\n", 0644);
	real = rcfd("open(base/rdir)", open("base/rdir", O_RDONLY | O_DIRECTORY));
	made = rcfd("open(base/made)", open("base/made", O_RDONLY | O_DIRECTORY));
	rc("chdir(base/rdir/s)", chdir("base/rdir/s"));
	rc("exchange(../../rdir, ../../made)", exchange("../../rdir", "../../made"));
	show_cwd("getcwd");
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	show_fd("fd of real", real);
	show_fd("fd of made", made);
	fd = rcfd("openat(real, p)", openat(real, "p", O_RDONLY));
	show_read("read(p)", fd);
	fd = rcfd("openat(made, m)", openat(made, "m", O_RDONLY));
	show_read("read(m)", fd);
	fd = rcfd("openat(real, n, O_CREAT)", openat(real, "n", O_WRONLY | O_CREAT, 0600));
	show_dir("ls ../../made", "../../made");
	show_dir("ls ../../rdir", "../../rdir");
	show_file("cat t", "t");
	return 0;
}
