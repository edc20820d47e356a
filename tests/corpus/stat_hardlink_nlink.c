/*
 * Hard links and st_nlink: linking a real file gives both names nlink 2
 * and the same content; writing through one name shows through the other;
 * unlinking one brings it back to 1; a descriptor of a file whose last
 * name is removed shows nlink 0; a new file linked twice shows 3.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("link(base/l.txt, base/l2)", link("base/l.txt", "base/l2"));
	show_stat("stat(base/l.txt)", "base/l.txt");
	show_stat("stat(base/l2)", "base/l2");
	put_file("base/l2", "via l2\n", 0644);
	show_file("cat base/l.txt", "base/l.txt");
	rc("unlink(base/l.txt)", unlink("base/l.txt"));
	show_stat("stat(base/l2)", "base/l2");
	put_file("base/n", "n\n", 0640);
	rc("link(base/n, base/n2)", link("base/n", "base/n2"));
	rc("link(base/n, base/dir/n3)", link("base/n", "base/dir/n3"));
	show_stat("stat(base/dir/n3)", "base/dir/n3");
	fd = rcfd("open(base/n)", open("base/n", O_RDONLY));
	rc("unlink(base/n)", unlink("base/n"));
	rc("unlink(base/n2)", unlink("base/n2"));
	show_fstat("fstat(n) two names gone", fd);
	rc("unlink(base/dir/n3)", unlink("base/dir/n3"));
	show_fstat("fstat(n) all names gone", fd);
	close(fd);
	rc("link(base/dir, base/dir2)", link("base/dir", "base/dir2"));
	rc("link(base/link, base/link2)", link("base/link", "base/link2"));
	show_lstat("lstat(base/link2)", "base/link2");
	show_lstat("lstat(base/link)", "base/link");
	return 0;
}
