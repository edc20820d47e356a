/*
 * rmdir(2) refuses paths whose last component is "." (EINVAL) or ".."
 * (ENOTEMPTY, even when the directory it names could be removed), and the
 * root itself ("/" is EBUSY, "/." EINVAL, "/.." ENOTEMPTY); none of these
 * remove anything.  The working directory (the tree's root) is ENOTEMPTY.
 */
#include "corpus.h"

int main(void)
{
	char cwd[4096];

	rc("rmdir(.)", rmdir("."));
	rc("rmdir(base/empty/.)", rmdir("base/empty/."));
	rc("rmdir(base/empty/..)", rmdir("base/empty/.."));
	rc("rmdir(base/empty/sub/..)", rmdir("base/empty/sub/.."));
	rc("mkdir(base/new)", mkdir("base/new", 0755));
	rc("mkdir(base/new/in)", mkdir("base/new/in", 0755));
	rc("rmdir(base/new/in/..)", rmdir("base/new/in/.."));
	rc("rmdir(base/new/.)", rmdir("base/new/."));
	rc("rmdir(base/new/in/.)", rmdir("base/new/in/."));
	rc("rmdir(/)", rmdir("/"));
	rc("rmdir(/.)", rmdir("/."));
	rc("rmdir(/..)", rmdir("/.."));
	rc("rmdir(//)", rmdir("//"));
	if (!getcwd(cwd, sizeof(cwd)))
		die("getcwd");
	rc("rmdir(cwd)", rmdir(cwd));
	show_stat("stat(base/empty)", "base/empty");
	show_stat("stat(base/new/in)", "base/new/in");
	show_dir("ls base/new", "base/new");
	return 0;
}
