/*
 * A path through /proc/self/fd/N of a directory descriptor: names below
 * it resolve in that directory, including files created and deleted in
 * the overlay after the open; creating a file through it lands in the
 * directory.
 */
#include "corpus.h"

int main(void)
{
	char path[128];
	int d = rcfd("open(base/dir)", open("base/dir", O_RDONLY | O_DIRECTORY));

	if (d < 0)
		return 1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d/x", d);
	show_file("cat /proc/self/fd/d/x", path);
	put_file("base/dir/new", "new\n", 0644);
	rc("unlink(base/dir/y)", unlink("base/dir/y"));
	snprintf(path, sizeof(path), "/proc/self/fd/%d/new", d);
	show_file("cat /proc/self/fd/d/new", path);
	snprintf(path, sizeof(path), "/proc/self/fd/%d/y", d);
	show_file("cat /proc/self/fd/d/y", path);
	snprintf(path, sizeof(path), "/proc/self/fd/%d/made", d);
	put_file(path, "made\n", 0644);
	show_file("cat base/dir/made", "base/dir/made");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", d);
	show_dir("ls /proc/self/fd/d", path);
	return 0;
}
