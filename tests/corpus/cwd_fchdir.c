/*
 * fchdir(2) to descriptors of a real directory, of a directory created in
 * the overlay and of an O_PATH directory: relative names then resolve
 * there and getcwd shows it; fchdir to a file descriptor is ENOTDIR, to a
 * closed descriptor EBADF, and the cwd stays.
 */
#include "corpus.h"

int main(void)
{
	int rfd, sub, nd, pd, ffd;

	remember_root();
	rfd = rcfd("open(.)", open(".", O_RDONLY | O_DIRECTORY));
	sub = rcfd("open(base/sub)", open("base/sub", O_RDONLY | O_DIRECTORY));
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	nd = rcfd("open(base/nd)", open("base/nd", O_RDONLY | O_DIRECTORY));
	pd = rcfd("open(base/rdir, O_PATH)", open("base/rdir", O_PATH | O_DIRECTORY));
	ffd = rcfd("open(base/a.txt)", open("base/a.txt", O_RDONLY));
	rc("fchdir(base/sub)", fchdir(sub));
	show_cwd("getcwd");
	show_file("cat deep/f", "deep/f");
	rc("fchdir(base/nd)", fchdir(nd));
	show_cwd("getcwd");
	put_file("made", "made\n", 0644);
	rc("fchdir(base/rdir O_PATH)", fchdir(pd));
	show_cwd("getcwd");
	show_file("cat p", "p");
	rc("fchdir(file)", fchdir(ffd));
	close(ffd);
	rc("fchdir(closed)", fchdir(ffd));
	show_cwd("getcwd still");
	rc("fchdir(root)", fchdir(rfd));
	show_file("cat base/nd/made", "base/nd/made");
	return 0;
}
