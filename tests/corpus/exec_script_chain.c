/*
 * Interpreters that are scripts themselves, made in the overlay: the
 * kernel follows five scripts to /bin/echo, and a sixth is ELOOP; each
 * level's name and argument come before the last; a nested interpreter
 * without x is EACCES.  A real script whose interpreter exists only in
 * the overlay runs it.
 */
#include "corpus.h"

int main(void)
{
	const char *const args[] = { "zero", "arg", NULL };

	put_file("base/c1", "#!base/c2 one\n", 0755);
	put_file("base/c2", "#!base/c3\n", 0755);
	put_file("base/c3", "#!base/c4 three\n", 0755);
	put_file("base/c4", "#!base/c5\n", 0755);
	put_file("base/c5", "#!/bin/echo five\n", 0755);
	run("c1 (five scripts)", "base/c1", args);
	put_file("base/c0", "#!base/c1 zero\n", 0755);
	run("c0 (six scripts)", "base/c0", args);
	rc("chmod(base/c3, 0644)", chmod("base/c3", 0644));
	run("c1 with c3 0644", "base/c1", args);
	put_file("scripts/interp", "#!/bin/echo\n", 0755);
	run("real scripts/run", "scripts/run", args);
	return 0;
}
