/*
 * rename(2) of a directory created during the run, holding new files, a
 * new subdirectory and a file moved in from the real tree: everything is
 * under the new name with its content, nothing under the old; it can be
 * renamed over an empty real directory, and made again at the old name.
 */
#include "corpus.h"

int main(void)
{
	rc("mkdir(base/nd)", mkdir("base/nd", 0750));
	put_file("base/nd/f", "f in nd\n", 0644);
	rc("mkdir(base/nd/in)", mkdir("base/nd/in", 0755));
	put_file("base/nd/in/g", "g\n", 0600);
	rc("rename(base/c.txt, base/nd/c.txt)", rename("base/c.txt", "base/nd/c.txt"));
	rc("rename(base/nd, base/nd2)", rename("base/nd", "base/nd2"));
	show_stat("stat(base/nd)", "base/nd");
	show_stat("stat(base/nd2)", "base/nd2");
	show_dir("ls base/nd2", "base/nd2");
	show_file("cat base/nd2/f", "base/nd2/f");
	show_file("cat base/nd2/in/g", "base/nd2/in/g");
	show_file("cat base/nd2/c.txt", "base/nd2/c.txt");
	rc("rename(base/nd2, base/rempty)", rename("base/nd2", "base/rempty"));
	show_dir("ls base/rempty", "base/rempty");
	show_stat("stat(base/rempty/in/g)", "base/rempty/in/g");
	rc("mkdir(base/nd)", mkdir("base/nd", 0755));
	show_dir("ls base/nd made again", "base/nd");
	rc("rename(base/rempty, base/nd)", rename("base/rempty", "base/nd"));
	show_dir("ls base/nd", "base/nd");
	show_stat("stat(base/rempty)", "base/rempty");
	return 0;
}
