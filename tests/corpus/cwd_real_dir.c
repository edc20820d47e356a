/*
 * chdir(2) into a real directory: relative names then reach its files,
 * a file created by a relative name lands in it (seen from the root too),
 * getcwd shows it; relative mkdir, rename and unlink work there, and
 * "." lists the changes.
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
	rc("chdir(base/dir)", chdir("base/dir"));
	show_cwd("getcwd");
	show_file("cat x", "x");
	put_file("new", "made here\n", 0644);
	rc("mkdir(sub)", mkdir("sub", 0755));
	rc("rename(y, sub/y)", rename("y", "sub/y"));
	rc("unlink(z)", unlink("z"));
	show_dir("ls .", ".");
	show_stat("stat(.)", ".");
	show_file("cat ../a.txt", "../a.txt");
	rc("chdir(../..)", chdir("../.."));
	show_cwd("getcwd");
	show_file("cat base/dir/new", "base/dir/new");
	show_file("cat base/dir/sub/y", "base/dir/sub/y");
	return 0;
}
