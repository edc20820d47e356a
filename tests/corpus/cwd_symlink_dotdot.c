/*
 * ".." after a symbolic link to a directory is resolved physically by the
 * kernel: "base/dl/.." is the link target's parent, not base/; chdir
 * through the link lands in the target (getcwd shows the target's path)
 * and chdir("..") then goes to the target's parent; with a link and a
 * directory created in the overlay the same.
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
	rc("symlink(sub/deep, base/dl)", symlink("sub/deep", "base/dl"));
	show_file("cat base/dl/../deep/f", "base/dl/../deep/f");
	show_file("cat base/dl/../a.txt", "base/dl/../a.txt");
	rc("chdir(base/dl)", chdir("base/dl"));
	show_cwd("getcwd");
	rc("chdir(..)", chdir(".."));
	show_cwd("getcwd");
	rc("chdir(../..)", chdir("../.."));
	rc("mkdir(base/n1)", mkdir("base/n1", 0755));
	rc("mkdir(base/n1/n2)", mkdir("base/n1/n2", 0755));
	put_file("base/n1/here", "n1\n", 0644);
	rc("symlink(../n1/n2, base/dir/l2)", symlink("../n1/n2", "base/dir/l2"));
	show_file("cat base/dir/l2/../here", "base/dir/l2/../here");
	show_file("cat base/dir/l2/../x", "base/dir/l2/../x");
	rc("chdir(base/dir/l2/..)", chdir("base/dir/l2/.."));
	show_cwd("getcwd");
	return 0;
}
