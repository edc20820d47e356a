/*
 * rmdir(2) of directories created during the run: an empty one goes, one
 * holding a new file or a new directory is ENOTEMPTY until they are gone;
 * a real empty directory (base/empty) is removed and can be made again.
 */
#include "corpus.h"

int main(void)
{
	rc("mkdir(base/n1)", mkdir("base/n1", 0755));
	rc("rmdir(base/n1)", rmdir("base/n1"));
	show_stat("stat(base/n1)", "base/n1");
	rc("mkdir(base/n2)", mkdir("base/n2", 0755));
	put_file("base/n2/f", "f\n", 0644);
	rc("rmdir(base/n2) with a file", rmdir("base/n2"));
	rc("unlink(base/n2/f)", unlink("base/n2/f"));
	rc("rmdir(base/n2)", rmdir("base/n2"));
	rc("mkdir(base/n3)", mkdir("base/n3", 0755));
	rc("mkdir(base/n3/in)", mkdir("base/n3/in", 0755));
	rc("rmdir(base/n3) with a directory", rmdir("base/n3"));
	rc("rmdir(base/n3/in)", rmdir("base/n3/in"));
	show_stat("stat(base/n3)", "base/n3");
	rc("rmdir(base/n3)", rmdir("base/n3"));
	rc("mkdir(base/empty/in)", mkdir("base/empty/in", 0755));
	rc("rmdir(base/empty) with a directory", rmdir("base/empty"));
	rc("rmdir(base/empty/in)", rmdir("base/empty/in"));
	rc("rmdir(base/empty)", rmdir("base/empty"));
	show_stat("stat(base/empty)", "base/empty");
	rc("mkdir(base/empty, 0711)", mkdir("base/empty", 0711));
	show_stat("stat(base/empty) made again", "base/empty");
	show_dir("ls base", "base");
	return 0;
}
