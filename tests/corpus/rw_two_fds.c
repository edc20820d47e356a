/*
 * Two descriptors of the same file see each other's writes at once: a
 * file created in the overlay, and a real file opened twice for writing
 * (copied up by the first open); each has its own offset; a descriptor
 * opened read-only after the copy-up sees the writes as well.
 */
#include "corpus.h"

int main(void)
{
	int a, b, r;

	a = rcfd("open(base/new, O_CREAT|O_RDWR)", open("base/new", O_RDWR | O_CREAT, 0644));
	b = rcfd("open(base/new, O_RDWR)", open("base/new", O_RDWR));
	rc("write(a, hello)", write(a, "hello\n", 6));
	show_read("read(b)", b);
	rc("write(b, world)", write(b, "world\n", 6));
	show_read("read(a)", a);
	show_fstat("fstat(a)", a);
	close(a);
	close(b);
	a = rcfd("open(base/u.txt, O_RDWR)", open("base/u.txt", O_RDWR));
	b = rcfd("open(base/u.txt, O_WRONLY)", open("base/u.txt", O_WRONLY));
	r = rcfd("open(base/u.txt, O_RDONLY)", open("base/u.txt", O_RDONLY));
	rc("write(b, UUUU)", write(b, "UUUU", 4));
	show_read("read(a)", a);
	rc("write(a, tail)", write(a, "tail", 4));
	show_read("read(r)", r);
	show_fstat("fstat(r)", r);
	close(a);
	close(b);
	close(r);
	show_file("cat base/u.txt", "base/u.txt");
	return 0;
}
