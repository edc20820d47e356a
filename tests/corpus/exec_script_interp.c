/*
 * A script whose interpreter is itself a script, both created in the
 * overlay: the kernel runs the chain (outer's #! names inner.sh by its
 * absolute path, or by a path relative to the cwd; inner's names /bin/sh)
 * and inner gets outer's name and the arguments; an interpreter argument
 * comes first as one word; when inner.sh loses its x bit it is EACCES.
 */
#include "corpus.h"

int main(void)
{
	const char *const argv[] = { "base/outer", "a1", "a2", NULL };
	const char *const argv2[] = { "base/withargs", "z", NULL };
	const char *const argv3[] = { "base/outer_abs", "b1", NULL };
	char root[4096], text[4200];

	if (!getcwd(root, sizeof(root)))
		die("getcwd");
	put_file("base/inner.sh", "#!/bin/sh\necho \"inner: ${0##*/} [$*]\"\n", 0755);
	snprintf(text, sizeof(text), "#!%s/base/inner.sh\n", root);
	put_file("base/outer_abs", text, 0755);
	run("run base/outer_abs b1", "base/outer_abs", argv3);
	put_file("base/outer", "#!base/inner.sh\nnot shell at all\n", 0755);
	run("run base/outer a1 a2", "base/outer", argv);
	put_file("base/withargs", "#!base/inner.sh -x y\n", 0755);
	run("run base/withargs z", "base/withargs", argv2);
	rc("chmod(base/inner.sh, 0644)", chmod("base/inner.sh", 0644));
	rc("execve(base/outer) with inner 0644", xexecve("base/outer", argv));
	rc("execve(base/outer_abs) with inner 0644", xexecve("base/outer_abs", argv3));
	rc("rename(base/inner.sh, base/gone.sh)", rename("base/inner.sh", "base/gone.sh"));
	rc("execve(base/outer) with inner gone", xexecve("base/outer", argv));
	/* outer_abs holds the root's path, which differs from tree to tree */
	rc("unlink(base/outer_abs)", unlink("base/outer_abs"));
	return 0;
}
