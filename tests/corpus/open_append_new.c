/*
 * O_APPEND on a file created in the overlay, and through a symbolic link
 * to a real file: writes from an O_APPEND descriptor and from a plain one
 * interleave exactly as in the kernel (the plain one overwrites at its own
 * offset, the appending one always goes to the end).
 */
#include "corpus.h"

int main(void)
{
	int a, p;

	a = rcfd("open(base/new, O_CREAT|O_WRONLY|O_APPEND)",
		 open("base/new", O_CREAT | O_WRONLY | O_APPEND, 0644));
	p = rcfd("open(base/new, O_WRONLY)", open("base/new", O_WRONLY));
	if (a < 0 || p < 0)
		return 1;
	rc("write(a, AAAA)", write(a, "AAAA", 4));
	rc("write(p, pp)", write(p, "pp", 2));
	rc("write(a, BB)", write(a, "BB", 2));
	rc("write(p, qqqqqq)", write(p, "qqqqqq", 6));
	rc("write(a, C)", write(a, "C", 1));
	close(a);
	close(p);
	show_file("cat base/new", "base/new");
	a = rcfd("open(base/link, O_WRONLY|O_APPEND)", open("base/link", O_WRONLY | O_APPEND));
	rc("write(a, more)", write(a, "more\n", 5));
	close(a);
	show_file("cat base/a.txt", "base/a.txt");
	show_lstat("lstat(base/link)", "base/link");
	rc("fcntl(F_GETFL) & O_APPEND",
	   (a = open("base/a.txt", O_RDONLY | O_APPEND)) < 0 ? -1 : !!(fcntl(a, F_GETFL) & O_APPEND));
	close(a);
	return 0;
}
