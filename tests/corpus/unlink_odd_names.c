/*
 * unlink(2) of real files whose names hold a newline and an invalid UTF-8
 * byte: each goes, is gone from the listing and from stat; a file made
 * again under such a name reads back what was written and can be unlinked
 * in turn.
 */
#include "corpus.h"

int main(void)
{
	show_file("cat base/nl\\nname", "base/nl\nname");
	rc("unlink(base/nl\\nname)", unlink("base/nl\nname"));
	show_stat("stat(base/nl\\nname)", "base/nl\nname");
	rc("unlink(base/bad\\377)", unlink("base/bad\377"));
	show_stat("stat(base/bad\\377)", "base/bad\377");
	rc("unlink(base/bad\\377) again", unlink("base/bad\377"));
	rc("unlink(base/bad)", unlink("base/bad"));
	rc("unlink(base/nl)", unlink("base/nl"));
	show_dir("ls base", "base");
	put_file("base/bad\377", "made again\n", 0600);
	show_file("cat base/bad\\377", "base/bad\377");
	show_stat("stat(base/bad\\377)", "base/bad\377");
	put_file("base/two\nlines\n", "two\n", 0644);
	show_dir("ls base with new names", "base");
	rc("unlink(base/two\\nlines\\n)", unlink("base/two\nlines\n"));
	show_stat("stat(base/two\\nlines\\n)", "base/two\nlines\n");
	return 0;
}
