/*
 * execve(2) errors, each leaving the process running: a real file without
 * any x bit is EACCES, a directory EACCES, a missing name ENOENT, a 0755
 * file of the overlay with no #! and no ELF header ENOEXEC, an empty 0755
 * file ENOEXEC, a script whose interpreter is missing ENOENT.
 */
#include "corpus.h"

static const char *const env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };

static void try_exec(const char *path)
{
	const char *const argv[] = { path, NULL };
	char label[128];

	snprintf(label, sizeof(label), "execve(%s)", path);
	rc(label, execve(path, (char *const *)argv, (char *const *)env));
}

int main(void)
{
	try_exec("base/a.txt");
	try_exec("base/dir");
	try_exec("base/missing");
	try_exec("base/a.txt/x");
	put_file("base/junk", "just some text\n", 0755);
	try_exec("base/junk");
	put_file("base/empty.sh", "", 0755);
	try_exec("base/empty.sh");
	put_file("base/noint.sh", "#!/nonexistent/interpreter\n", 0755);
	try_exec("base/noint.sh");
	rc("chmod(base/a.txt, 0755)", chmod("base/a.txt", 0755));
	try_exec("base/a.txt");
	try_exec("base/loop1");
	printf("still running\n");
	return 0;
}
