/*
 * execve(2) of a shell script created in the overlay (#!/bin/sh, mode
 * 0755): the child runs it, the script gets the name it was run by as $0
 * and its arguments, reads a file that exists only in the overlay, and its
 * output and exit status come back; a script created 0644 is EACCES until
 * chmod 0755.
 */
#include "corpus.h"

int main(void)
{
	const char *const argv[] = { "base/run.sh", "one", "two", NULL };
	const char *const argv2[] = { "base/plain.sh", NULL };

	put_file("base/data", "overlay data\n", 0644);
	put_file("base/run.sh", "#!/bin/sh\necho \"$0 args: $*\"\ncat base/data\nexit 3\n", 0755);
	run("run base/run.sh one two", "base/run.sh", argv);
	put_file("base/plain.sh", "#!/bin/sh\necho plain\n", 0644);
	rc("execve(base/plain.sh) mode 0644", xexecve("base/plain.sh", argv2));
	rc("chmod(base/plain.sh, 0755)", chmod("base/plain.sh", 0755));
	run("run base/plain.sh", "base/plain.sh", argv2);
	return 0;
}
