/*
 * link(2) of a real file: both names show a link count of 2 and the same
 * mode and size; a write through one name is read through the other (also
 * through a descriptor opened on the other name after the write), and a
 * chmod through one shows on both.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("link(base/w.txt, base/w-link)", link("base/w.txt", "base/w-link"));
	show_stat("stat(base/w.txt)", "base/w.txt");
	show_stat("stat(base/w-link)", "base/w-link");
	fd = rcfd("open(base/w-link, O_WRONLY)", open("base/w-link", O_WRONLY));
	rc("pwrite(0123 -> ABCD)", pwrite(fd, "ABCD", 4, 0));
	close(fd);
	show_file("cat base/w.txt", "base/w.txt");
	fd = rcfd("open(base/w.txt, O_APPEND)", open("base/w.txt", O_WRONLY | O_APPEND));
	rc("write", write(fd, "tail\n", 5));
	close(fd);
	show_file("cat base/w-link", "base/w-link");
	rc("chmod(base/w-link, 0600)", chmod("base/w-link", 0600));
	show_stat("stat(base/w.txt)", "base/w.txt");
	rc("link(base/w-link, base/dir/w3)", link("base/w-link", "base/dir/w3"));
	show_stat("stat(base/dir/w3)", "base/dir/w3");
	rc("truncate(base/dir/w3, 3)", truncate("base/dir/w3", 3));
	show_file("cat base/w.txt", "base/w.txt");
	show_stat("stat(base/w-link)", "base/w-link");
	return 0;
}
