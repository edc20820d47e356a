/*
 * chdir(2) into directories created in the overlay: a new directory, and
 * one below it; relative creates and opens work there, getcwd shows the
 * path, ".." leads back, and after chdir out the files are there by their
 * full names.
 */
#include "corpus.h"

int main(void)
{
	remember_root();
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
