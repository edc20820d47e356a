/*
 * chown(2) of a regular file clears its setuid bit, and its setgid bit when
 * group execute is set (setgid without group execute stays), even as root
 * and even when the owner does not change; on a directory both bits stay.
 */
#include "corpus.h"

int main(void)
{
	rc("chmod(base/exec.sh, 06755)", chmod("base/exec.sh", 06755));
	rc("chown(base/exec.sh, 65534, 65534)", chown("base/exec.sh", 65534, 65534));
	show_stat("stat(base/exec.sh)", "base/exec.sh");
	rc("chmod(base/a.txt, 06644)", chmod("base/a.txt", 06644));
	rc("chown(base/a.txt, 65534, -1)", chown("base/a.txt", 65534, (gid_t)-1));
	show_stat("stat(base/a.txt)", "base/a.txt");
	rc("chmod(base/b.txt, 04755)", chmod("base/b.txt", 04755));
	rc("chown(base/b.txt, -1, -1)", chown("base/b.txt", (uid_t)-1, (gid_t)-1));
	show_stat("stat(base/b.txt) after chown -1 -1", "base/b.txt");
	rc("chown(base/b.txt, 0, 0)", chown("base/b.txt", 0, 0));
	show_stat("stat(base/b.txt) after chown 0 0", "base/b.txt");
	put_file("base/new", "#!/bin/sh\n", 0755);
	rc("chmod(base/new, 06711)", chmod("base/new", 06711));
	rc("lchown(base/new, -1, 65534)", lchown("base/new", (uid_t)-1, 65534));
	show_stat("stat(base/new)", "base/new");
	rc("chmod(base/dir, 06755)", chmod("base/dir", 06755));
	rc("chown(base/dir, 65534, 65534)", chown("base/dir", 65534, 65534));
	show_stat("stat(base/dir)", "base/dir");
	return 0;
}
