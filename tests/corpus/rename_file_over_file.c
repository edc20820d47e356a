/*
 * rename(2) of a file over another file replaces it: the target name reads
 * the source's content and has its mode, the source name is gone, the old
 * target content is gone for new opens; a descriptor opened on the old
 * target before still reads the old content.  Real and overlay files.
 */
#include "corpus.h"

int main(void)
{
	int fd = rcfd("open(base/r2.txt)", open("base/r2.txt", O_RDONLY));

	rc("rename(base/r1.txt, base/r2.txt)", rename("base/r1.txt", "base/r2.txt"));
	show_file("cat base/r2.txt", "base/r2.txt");
	show_stat("stat(base/r1.txt)", "base/r1.txt");
	show_read("read(old r2 descriptor)", fd);
	close(fd);
	rc("rename(base/exec.sh, base/r3.txt)", rename("base/exec.sh", "base/r3.txt"));
	show_stat("stat(base/r3.txt)", "base/r3.txt");
	put_file("base/new", "brand new\n", 0600);
	rc("rename(base/new, base/r3.txt)", rename("base/new", "base/r3.txt"));
	show_stat("stat(base/r3.txt) again", "base/r3.txt");
	show_file("cat base/r3.txt", "base/r3.txt");
	rc("rename(base/r3.txt, base/link)", rename("base/r3.txt", "base/link"));
	show_lstat("lstat(base/link)", "base/link");
	show_file("cat base/a.txt", "base/a.txt");
	show_dir("ls base", "base");
	return 0;
}
