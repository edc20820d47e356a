/*
 * execve(2) of a real script runs the real file until the script is
 * changed in the overlay: after it is rewritten, execve runs the new
 * content; after it is renamed the old name is ENOENT and the new one
 * runs; a real script replaced by a symbolic link runs the link's target.
 */
#include "corpus.h"

int main(void)
{
	const char *const argv[] = { "exec.sh", NULL };
	int fd;

	run("run base/exec.sh", "base/exec.sh", argv);
	fd = rcfd("open(base/exec.sh, O_WRONLY|O_TRUNC)", open("base/exec.sh", O_WRONLY | O_TRUNC));
	rc("write", write(fd, "#!/bin/sh\necho changed\n", 24));
	close(fd);
	run("run base/exec.sh rewritten", "base/exec.sh", argv);
	rc("rename(base/exec.sh, base/dir/moved.sh)", rename("base/exec.sh", "base/dir/moved.sh"));
	rc("execve(base/exec.sh) renamed", xexecve("base/exec.sh", argv));
	run("run base/dir/moved.sh", "base/dir/moved.sh", argv);
	put_file("base/other.sh", "#!/bin/sh\necho other\n", 0755);
	rc("symlink(other.sh, base/exec.sh)", symlink("other.sh", "base/exec.sh"));
	run("run base/exec.sh a link", "base/exec.sh", argv);
	return 0;
}
