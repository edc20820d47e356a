/*
 * The x bits as changed in the overlay decide execve(2): a real 0755 script
 * runs, after chmod 0644 it is EACCES, after chmod 0700 it runs again;
 * as nobody that 0700 script of root's is EACCES (and chmod EPERM), a 0755
 * script created in the overlay runs, and one in a directory made 0744 is
 * EACCES.
 */
#include "corpus.h"

int main(void)
{
	const char *const argv[] = { "exec.sh", NULL };

	run("run base/exec.sh", "base/exec.sh", argv);
	rc("chmod(base/exec.sh, 0644)", chmod("base/exec.sh", 0644));
	rc("execve(base/exec.sh) 0644", xexecve("base/exec.sh", argv));
	rc("chmod(base/exec.sh, 0700)", chmod("base/exec.sh", 0700));
	run("run base/exec.sh 0700", "base/exec.sh", argv);
	put_file("open/x.sh", "#!/bin/sh\necho x\n", 0755);
	rc("mkdir(open/nox, 0744)", mkdir("open/nox", 0744));
	put_file("open/nox/in.sh", "#!/bin/sh\necho in\n", 0755);
	rc("chmod(open/nox, 0744)", chmod("open/nox", 0744));
	become_nobody();
	rc("execve(base/exec.sh) 0700 as nobody", xexecve("base/exec.sh", argv));
	rc("chmod(base/exec.sh, 0701) as nobody", chmod("base/exec.sh", 0701));
	run("run open/x.sh as nobody", "open/x.sh", argv);
	rc("execve(open/nox/in.sh) as nobody", xexecve("open/nox/in.sh", argv));
	return 0;
}
