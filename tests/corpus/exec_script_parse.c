/*
 * The #! line of a script made in the overlay, parsed as the kernel does
 * (fs/binfmt_script.c): blanks around the interpreter, one optional
 * argument with its inner blanks kept, no newline at all, a line longer
 * than 256 bytes; what is not an interpreter (ENOEXEC), a missing one
 * (ENOENT), a directory or a file without x (EACCES); an empty argv, and
 * 5000 arguments.
 */
#include "corpus.h"

static void script(const char *name, const char *text)
{
	put_file(name, text, 0755);
}

int main(void)
{
	const char *const args[] = { "zero", "one", "two", NULL };
	const char *const none[] = { NULL };
	const char **many;
	char lng[400];

	script("base/s_blanks", "#!  /bin/echo   \necho no\n");
	run("s_blanks", "base/s_blanks", args);
	script("base/s_tabarg", "#!/bin/echo\t-n\t \nx\n");
	run("s_tabarg", "base/s_tabarg", args);
	script("base/s_words", "#!/bin/echo a b  c\n");
	run("s_words", "base/s_words", args);
	script("base/s_noeol", "#!/bin/echo");
	run("s_noeol", "base/s_noeol", args);
	memset(lng, 0, sizeof(lng));
	strcpy(lng, "#!/bin/echo ");
	memset(lng + strlen(lng), 'y', 300);
	script("base/s_long_arg", lng);
	run("s_long_arg", "base/s_long_arg", args);
	memset(lng, 0, sizeof(lng));
	strcpy(lng, "#!/bin/");
	memset(lng + strlen(lng), 'e', 300);
	script("base/s_long_name", lng);
	run("s_long_name", "base/s_long_name", args);
	script("base/s_empty", "#!\necho no\n");
	run("s_empty", "base/s_empty", args);
	script("base/s_blank", "#! \t \n");
	run("s_blank", "base/s_blank", args);
	script("base/s_missing", "#!/nonexistent/interp\n");
	run("s_missing", "base/s_missing", args);
	script("base/s_dir", "#!/bin\n");
	run("s_dir", "base/s_dir", args);
	script("base/s_noexec", "#!base/a.txt\n");
	run("s_noexec", "base/s_noexec", args);
	run("s_words, argc 0", "base/s_words", none);
	/* Past the arguments pcow rebuilds (4096), the script still runs. */
	many = calloc(5002, sizeof(*many));
	if (!many)
		die("calloc");
	many[0] = "base/s_count";
	for (int i = 1; i <= 5000; i++)
		many[i] = "x";
	script("base/s_count", "#!/bin/sh\necho $#\n");
	run("s_count, 5000 arguments", "base/s_count", many);
	free(many);
	return 0;
}
