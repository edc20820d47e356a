/*
 * chdir(2) into directories created in the overlay: a new directory, and
 * one below it; relative creates and opens work there, getcwd shows the
 * path, ".." leads back, and after chdir out the files are there by their
 * full names.
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
	rc("mkdir(base/newdir)", mkdir("base/newdir", 0755));
	rc("chdir(base/newdir)", chdir("base/newdir"));
	show_cwd("getcwd");
	put_file("f", "in new dir\n", 0644);
	rc("mkdir(deeper)", mkdir("deeper", 0700));
	rc("chdir(deeper)", chdir("deeper"));
	show_cwd("getcwd");
	put_file("g", "deeper\n", 0600);
	show_file("cat ../f", "../f");
	show_dir("ls ..", "..");
	show_stat("stat(.)", ".");
	rc("chdir(../../dir)", chdir("../../dir"));
	show_cwd("getcwd");
	show_file("cat x", "x");
	rc("chdir(../..)", chdir("../.."));
	show_file("cat base/newdir/deeper/g", "base/newdir/deeper/g");
	return 0;
}
