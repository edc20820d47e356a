/*
 * A directory stream read to its end and then changed (a file created,
 * one deleted, one renamed) while still open: readdir goes on returning
 * nothing, and after rewinddir it lists the directory as it is now.
 */
#include "corpus.h"

static void list(const char *label, DIR *dir)
{
	char *names[64];
	size_t n = 0;
	struct dirent *d;

	while ((d = readdir(dir)) && n < 64)
		names[n++] = strdup(d->d_name);
	qsort(names, n, sizeof(names[0]), cmp_names);
	printf("%s:", label);
	for (size_t i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	putchar('\n');
}

int main(void)
{
	DIR *dir = opendir("base/udir");

	if (!dir)
		die("opendir");
	list("first read", dir);
	put_file("base/udir/new", "new\n", 0644);
	rc("unlink(base/udir/a)", unlink("base/udir/a"));
	rc("rename(base/udir/b, base/udir/b2)", rename("base/udir/b", "base/udir/b2"));
	list("read on at the end", dir);
	rewinddir(dir);
	list("after rewinddir", dir);
	rc("rmdir(base/udir/..)", rmdir("base/udir/.."));
	rc("mkdir(base/udir/sub)", mkdir("base/udir/sub", 0755));
	rewinddir(dir);
	list("after rewinddir again", dir);
	closedir(dir);
	return 0;
}
