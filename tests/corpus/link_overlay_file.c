/*
 * link(2) of a file created during the run: both names have a link count
 * of 2 and the content; a write through either is seen by the other; the
 * link can go into another directory and back; unlinking one leaves 1.
 */
#include "corpus.h"

int main(void)
{
	int fd;

	put_file("base/new", "first\n", 0640);
	rc("link(base/new, base/new-link)", link("base/new", "base/new-link"));
	show_stat("stat(base/new)", "base/new");
	show_stat("stat(base/new-link)", "base/new-link");
	fd = rcfd("open(base/new-link, O_APPEND)", open("base/new-link", O_WRONLY | O_APPEND));
	rc("write", write(fd, "second\n", 7));
	close(fd);
	show_file("cat base/new", "base/new");
	rc("link(base/new, base/sub/deep/new3)", link("base/new", "base/sub/deep/new3"));
	show_stat("stat(base/sub/deep/new3)", "base/sub/deep/new3");
	rc("unlink(base/new-link)", unlink("base/new-link"));
	show_stat("stat(base/new)", "base/new");
	put_file("base/sub/deep/new3", "rewritten\n", 0600);
	show_file("cat base/new", "base/new");
	show_stat("stat(base/new) after rewrite", "base/new");
	show_dir("ls base/sub/deep", "base/sub/deep");
	return 0;
}
