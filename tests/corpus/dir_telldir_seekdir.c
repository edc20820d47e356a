/*
 * telldir/seekdir: after reading three entries the position is recorded
 * and the rest read; seekdir back to it gives the same names in the same
 * order (a real directory unchanged, one changed in the overlay, one made
 * during the run); seekdir to the start gives every name, to the end none.
 */
#include "corpus.h"

static void check(const char *path)
{
	static char after[128][256];
	size_t n = 0, same = 0, again = 0, all = 0;
	long start, pos, end;
	struct dirent *d;
	DIR *dir = opendir(path);

	if (!dir)
		die(path);
	start = telldir(dir);
	for (int i = 0; i < 3; i++)
		if (!readdir(dir))
			die("readdir");
	pos = telldir(dir);
	while ((d = readdir(dir)) && n < 128)
		snprintf(after[n++], sizeof(after[0]), "%s", d->d_name);
	end = telldir(dir);
	seekdir(dir, pos);
	for (; (d = readdir(dir)); again++)
		same += again < n && strcmp(d->d_name, after[again]) == 0;
	seekdir(dir, start);
	while (readdir(dir))
		all++;
	seekdir(dir, end);
	printf("%s: %zu names after the position, %zu after seekdir, %zu the same; %zu from the start, %s at the end\n",
	       path, n, again, same, all, readdir(dir) ? "a name" : "none");
	closedir(dir);
}

int main(void)
{
	check("base");
	put_file("base/dir/n1", "1\n", 0644);
	rc("unlink(base/dir/y)", unlink("base/dir/y"));
	check("base/dir");
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	put_file("base/nd/a", "a\n", 0644);
	put_file("base/nd/b", "b\n", 0644);
	check("base/nd");
	return 0;
}
