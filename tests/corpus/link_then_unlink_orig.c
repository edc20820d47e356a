/*
 * A real file linked to a new name and then unlinked under its original
 * name lives on under the new one: same content and mode, link count back
 * to 1, writable; the original name is gone and can be made again as an
 * unrelated file.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	rc("link(base/ls.txt, base/dir/ls-new)", link("base/ls.txt", "base/dir/ls-new"));
	rc("unlink(base/ls.txt)", unlink("base/ls.txt"));
	show_stat("stat(base/ls.txt)", "base/ls.txt");
	show_stat("stat(base/dir/ls-new)", "base/dir/ls-new");
	show_file("cat base/dir/ls-new", "base/dir/ls-new");
	fd = rcfd("open(base/dir/ls-new, O_APPEND)", open("base/dir/ls-new", O_WRONLY | O_APPEND));
	rc("write", write(fd, "appended\n", 9));
	close(fd);
	show_file("cat base/dir/ls-new", "base/dir/ls-new");
	put_file("base/ls.txt", "unrelated\n", 0644);
	show_file("cat base/ls.txt", "base/ls.txt");
	show_file("cat base/dir/ls-new again", "base/dir/ls-new");
	show_stat("stat(base/ls.txt)", "base/ls.txt");
	show_stat("stat(base/dir/ls-new) again", "base/dir/ls-new");
	rc("link(base/ro.txt, base/ro2)", link("base/ro.txt", "base/ro2"));
	rc("unlink(base/ro.txt)", unlink("base/ro.txt"));
	show_stat("stat(base/ro2)", "base/ro2");
	show_file("cat base/ro2", "base/ro2");
	return 0;
}
