/*
 * readlink(2) of /proc/self/cwd follows chdir: the root, a real
 * directory, a directory created in the overlay, one reached by fchdir,
 * a directory below one renamed in the overlay before the chdir; the
 * paths print relative to the start root.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	remember_root();
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	rc("chdir(base/sub/deep)", chdir("base/sub/deep"));
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	rc("mkdir(new)", mkdir("new", 0755));
	rc("chdir(new)", chdir("new"));
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	rc("chdir(../../../..)", chdir("../../../.."));
	fd = rcfd("open(base/cdir)", open("base/cdir", O_RDONLY | O_DIRECTORY));
	rc("fchdir(base/cdir)", fchdir(fd));
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	rc("rename(../rdir, ../moved)", rename("../rdir", "../moved"));
	rc("chdir(../moved/s)", chdir("../moved/s"));
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	show_file("cat t", "t");
	return 0;
}
