/*
 * chdir("..") climbs one level at a time from a deep real directory back
 * to the root, getcwd shows each step; relative paths with ".." in the
 * middle resolve as the kernel does ("base/sub/../a.txt"), and through a
 * file ("base/a.txt/..") are ENOTDIR.
 */
#include "corpus.h"

static char root[4096];

/* getcwd, printed relative to the root the case started in. */
static void show_cwd(const char *label)
{
	char buf[4096];
	size_t n = strlen(root);

	if (!getcwd(buf, sizeof(buf)))
		printf("%s = -1 %s\n", label, errname(errno));
	else if (strncmp(buf, root, n) == 0 && (buf[n] == '/' || buf[n] == '\0'))
		printf("%s: ROOT%s\n", label, buf + n);
	else
		printf("%s: outside the root\n", label);
}

int main(void)
{
	if (!getcwd(root, sizeof(root)))
		die("getcwd");
	show_file("cat base/sub/../a.txt", "base/sub/../a.txt");
	show_file("cat base/sub/deep/../../dir/x", "base/sub/deep/../../dir/x");
	show_stat("stat(base/a.txt/..)", "base/a.txt/..");
	show_stat("stat(base/missing/..)", "base/missing/..");
	rc("mkdir(base/sub/deep/n)", mkdir("base/sub/deep/n", 0755));
	rc("chdir(base/sub/deep/n)", chdir("base/sub/deep/n"));
	show_cwd("getcwd");
	rc("chdir(..)", chdir(".."));
	show_cwd("getcwd");
	show_file("cat f", "f");
	rc("chdir(..)", chdir(".."));
	show_cwd("getcwd");
	rc("chdir(../.)", chdir("../."));
	show_cwd("getcwd");
	rc("chdir(..)", chdir(".."));
	show_cwd("getcwd");
	show_dir("ls base/sub/deep", "base/sub/deep");
	return 0;
}
