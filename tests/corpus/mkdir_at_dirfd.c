/*
 * mkdirat(2) relative to a directory descriptor: of a real directory, of a
 * directory created in the overlay, and AT_FDCWD; a descriptor of a file is
 * ENOTDIR, a closed one EBADF; after the directory of the descriptor was
 * removed, mkdirat in it is ENOENT.
 */
#include "corpus.h"

int main(void)
{
	int real, fresh, file, gone;

	real = rcfd("open(base/dir)", open("base/dir", O_RDONLY | O_DIRECTORY));
	rc("mkdirat(base/dir, d1)", mkdirat(real, "d1", 0750));
	show_stat("stat(base/dir/d1)", "base/dir/d1");
	rc("mkdirat(base/dir, d1) again", mkdirat(real, "d1", 0750));
	rc("mkdirat(base/dir, x)", mkdirat(real, "x", 0755));
	rc("mkdir(base/fresh)", mkdir("base/fresh", 0755));
	fresh = rcfd("open(base/fresh)", open("base/fresh", O_RDONLY | O_DIRECTORY));
	rc("mkdirat(base/fresh, d2)", mkdirat(fresh, "d2", 0755));
	rc("mkdirat(base/fresh, ../d3)", mkdirat(fresh, "../d3", 0755));
	rc("mkdirat(AT_FDCWD, base/d4)", mkdirat(AT_FDCWD, "base/d4", 0755));
	file = rcfd("open(base/a.txt)", open("base/a.txt", O_RDONLY));
	rc("mkdirat(base/a.txt, d5)", mkdirat(file, "d5", 0755));
	close(file);
	rc("mkdirat(closed, d6)", mkdirat(file, "d6", 0755));
	gone = rcfd("open(base/empty)", open("base/empty", O_RDONLY | O_DIRECTORY));
	rc("rmdir(base/empty)", rmdir("base/empty"));
	rc("mkdirat(removed base/empty, d7)", mkdirat(gone, "d7", 0755));
	show_dir("ls base/dir", "base/dir");
	show_dir("ls base/fresh", "base/fresh");
	show_stat("stat(base/d3)", "base/d3");
	show_stat("stat(base/d4)", "base/d4");
	close(real);
	close(fresh);
	close(gone);
	return 0;
}
