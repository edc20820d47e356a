/*
 * chdir(2) errors leave the cwd where it was: a file is ENOTDIR, a missing
 * name ENOENT (also one deleted in the overlay), a symlink loop ELOOP, an
 * empty path ENOENT; as nobody a 0700 directory of root's is EACCES, a
 * real directory made 0700 by chmod too.
 */
#include "corpus.h"

int main(void)
{
	remember_root();
	rc("chdir(base/a.txt)", chdir("base/a.txt"));
	rc("chdir(base/missing)", chdir("base/missing"));
	rc("rmdir(base/empty)", rmdir("base/empty"));
	rc("chdir(base/empty)", chdir("base/empty"));
	rc("chdir(base/loop1)", chdir("base/loop1"));
	rc("chdir(\"\")", chdir(""));
	rc("chdir(base/link/x)", chdir("base/link/x"));
	rc("chmod(base/mdir, 0700)", chmod("base/mdir", 0700));
	show_cwd("getcwd");
	become_nobody();
	rc("chdir(priv) as nobody", chdir("priv"));
	rc("chdir(base/mdir) as nobody", chdir("base/mdir"));
	rc("chdir(open/nbdir) as nobody", chdir("open/nbdir"));
	show_cwd("getcwd");
	return 0;
}
