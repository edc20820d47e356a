/*
 * O_CREAT needs the parent: a missing parent is ENOENT, also one removed
 * in the overlay (a real directory emptied and rmdir'ed) or renamed away;
 * a parent that is a file is ENOTDIR; a parent made in the overlay works;
 * a dangling link as the parent is ENOENT.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rcfd("open(base/nodir/f, O_CREAT)", open("base/nodir/f", O_WRONLY | O_CREAT, 0644));
	rcfd("open(base/no/such/f, O_CREAT)", open("base/no/such/f", O_WRONLY | O_CREAT, 0644));
	rc("unlink(base/full/k)", unlink("base/full/k"));
	rc("rmdir(base/full)", rmdir("base/full"));
	rcfd("open(base/full/k, O_CREAT)", open("base/full/k", O_WRONLY | O_CREAT, 0644));
	rc("rename(base/mdir, base/mdir2)", rename("base/mdir", "base/mdir2"));
	rcfd("open(base/mdir/f, O_CREAT)", open("base/mdir/f", O_WRONLY | O_CREAT, 0644));
	fd = rcfd("open(base/mdir2/f, O_CREAT)", open("base/mdir2/f", O_WRONLY | O_CREAT, 0644));
	close(fd);
	rcfd("open(base/a.txt/f, O_CREAT)", open("base/a.txt/f", O_WRONLY | O_CREAT, 0644));
	rcfd("open(base/link/f, O_CREAT)", open("base/link/f", O_WRONLY | O_CREAT, 0644));
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	fd = rcfd("open(base/nd/f, O_CREAT)", open("base/nd/f", O_WRONLY | O_CREAT, 0644));
	close(fd);
	rc("symlink(gone, base/dang)", symlink("gone", "base/dang"));
	rcfd("open(base/dang/f, O_CREAT)", open("base/dang/f", O_WRONLY | O_CREAT, 0644));
	show_dir("ls base/mdir2", "base/mdir2");
	show_dir("ls base/nd", "base/nd");
	show_lstat("lstat(base/full)", "base/full");
	return 0;
}
