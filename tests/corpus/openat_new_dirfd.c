/*
 * openat relative to a directory made in the overlay: files created
 * through the descriptor appear under the path, a subdirectory made with
 * mkdirat is usable through it; after the directory is renamed, the
 * descriptor still reaches it and what is created lands under the new name.
 */
#include "corpus.h"

int main(void)
{
	int dfd, fd;

	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	dfd = rcfd("open(base/nd, O_DIRECTORY)", open("base/nd", O_RDONLY | O_DIRECTORY));
	if (dfd < 0)
		return 1;
	fd = rcfd("openat(nd, f, O_CREAT)", openat(dfd, "f", O_WRONLY | O_CREAT, 0644));
	rc("write", write(fd, "f\n", 2));
	close(fd);
	show_file("cat base/nd/f", "base/nd/f");
	rc("mkdirat(nd, s)", mkdirat(dfd, "s", 0700));
	fd = rcfd("openat(nd, s/g, O_CREAT)", openat(dfd, "s/g", O_WRONLY | O_CREAT, 0644));
	close(fd);
	show_stat("stat(base/nd/s/g)", "base/nd/s/g");
	rc("rename(base/nd, base/nd2)", rename("base/nd", "base/nd2"));
	fd = rcfd("openat(nd, f)", openat(dfd, "f", O_RDONLY));
	show_read("read(f)", fd);
	close(fd);
	fd = rcfd("openat(nd, h, O_CREAT)", openat(dfd, "h", O_WRONLY | O_CREAT, 0644));
	rc("write", write(fd, "h\n", 2));
	close(fd);
	show_dir("ls base/nd2", "base/nd2");
	show_file("cat base/nd2/h", "base/nd2/h");
	show_lstat("lstat(base/nd)", "base/nd");
	close(dfd);
	return 0;
}
