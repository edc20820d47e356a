/*
 * open("/proc/self/fd/N", O_WRONLY) of a descriptor opened read-only on a
 * real file: the kernel reopens the file itself and allows it when the
 * file's mode allows writing (root here); what is written is then read by
 * name; on a 0444 file as nobody it is EACCES.
 */
#include "corpus.h"

int main(void)
{
	char path[64];
	int fd = rcfd("open(base/w.txt, O_RDONLY)", open("base/w.txt", O_RDONLY));
	int w, ro;

	if (fd < 0)
		return 1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	w = rcfd("open(/proc/self/fd/N, O_WRONLY)", open(path, O_WRONLY));
	rc("write(w)", write(w, "ABC", 3));
	close(w);
	show_file("cat base/w.txt", "base/w.txt");
	show_stat("stat(base/w.txt)", "base/w.txt");
	w = rcfd("open(/proc/self/fd/N, O_WRONLY|O_TRUNC)", open(path, O_WRONLY | O_TRUNC));
	close(w);
	show_file("cat base/w.txt again", "base/w.txt");
	ro = rcfd("open(base/ro.txt, O_RDONLY)", open("base/ro.txt", O_RDONLY));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ro);
	become_nobody();
	rcfd("open(/proc/self/fd/ro, O_WRONLY) as nobody", open(path, O_WRONLY));
	show_file("cat base/ro.txt", "base/ro.txt");
	return 0;
}
