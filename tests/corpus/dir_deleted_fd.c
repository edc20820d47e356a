/*
 * A real directory emptied and removed while a descriptor and the cwd are
 * in it: both still name it, its listing is empty (not the real files),
 * it has no links, nothing can be created in it, ".." is its old parent,
 * and /proc shows it " (deleted)".
 */
#include "corpus.h"

int main(void)
{
	int dfd;

	remember_root();
	dfd = rcfd("open(base/udir, O_DIRECTORY)", open("base/udir", O_RDONLY | O_DIRECTORY));
	if (dfd < 0)
		return 1;
	rc("chdir(base/udir)", chdir("base/udir"));
	rc("unlink(a)", unlink("a"));
	rc("unlinkat(udir, b)", unlinkat(dfd, "b", 0));
	rc("rmdir(../udir)", rmdir("../udir"));
	show_dir_at("ls udir/.", dfd, ".");
	show_dir("ls .", ".");
	show_fstat("fstat(udir)", dfd);
	show_stat("stat(.)", ".");
	rcfd("openat(udir, c, O_CREAT)", openat(dfd, "c", O_WRONLY | O_CREAT, 0644));
	rc("mkdir(d)", mkdir("d", 0755));
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	show_dir_at("ls udir/..", dfd, "..");
	show_cwd("getcwd");
	rc("chdir(..)", chdir(".."));
	show_cwd("getcwd");
	rc("mkdir(udir)", mkdir("udir", 0700));
	show_stat("stat(udir)", "udir");
	show_fstat("fstat(old udir)", dfd);
	return 0;
}
