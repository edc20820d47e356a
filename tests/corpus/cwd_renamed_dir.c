/*
 * The cwd is a real directory that is then renamed (in the overlay): the
 * process stays in it, so relative names still reach its files and new
 * files land in it, getcwd and /proc/self/cwd show the new name, ".."
 * is still its parent, and the old name is gone.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	remember_root();
	rc("chdir(base/rdir)", chdir("base/rdir"));
	rc("rename(../rdir, ../moved)", rename("../rdir", "../moved"));
	show_cwd("getcwd");
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	show_file("cat p", "p");
	show_file("cat s/t", "s/t");
	fd = rcfd("open(new, O_CREAT)", open("new", O_WRONLY | O_CREAT, 0644));
	if (fd >= 0)
		close(fd);
	show_dir("ls .", ".");
	show_stat("stat(../rdir)", "../rdir");
	show_dir("ls ../moved", "../moved");
	show_file("cat ../a.txt", "../a.txt");
	rc("chdir(s)", chdir("s"));
	show_cwd("getcwd");
	return 0;
}
