/*
 * cli/status.c — `pcow status`: what the traced programs changed, one line
 * per path as `git status --short` prints it; and the helpers the overlay
 * subcommands (status, diff, commit, discard) share: finding the store,
 * naming paths, printing them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cow/cow.h"

static const char usage_text[] =
	"Usage: pcow status [STORE|LOG.db]\n"
	"\n"
	"List the paths the traced programs changed in the copy-on-write overlay,\n"
	"one line each, the way 'git status --short' does, in path order:\n"
	"\n"
	"  A PATH         added: nothing real is at PATH\n"
	"  M PATH         modified: the content differs from the real file's\n"
	"  D PATH         deleted\n"
	"  R OLD -> NEW   renamed (a directory renamed as a whole, or a file)\n"
	"  T PATH         type changed, or only mode, owner or modification time\n"
	"\n"
	"Paths are absolute.  A path holding a control character, a quote or a\n"
	"backslash is printed in double quotes with C escapes (\\n, \\t, \\\", \\\\,\n"
	"\\ooo), as git prints it.  Nothing is printed when nothing changed.\n"
	"The comparison is with the real files as they are now; FIFOs are compared\n"
	"by their metadata and never opened.\n"
	"\n"
	"STORE is a store directory, LOG.db its log; the default is $PCOW_STORE,\n"
	"else ./.pcow.\n"
	"\n"
	"Options:\n"
	"  -h, --help     show this help and exit\n"
	"\n"
	"Exit status: 0 on success; 2 on bad usage or a missing or unusable store.\n";

static bool is_store_operand(const char *arg)
{
	char buf[PATH_MAX];
	struct stat st;
	size_t len = strlen(arg);

	if (len > 3 && !strcmp(arg + len - 3, ".db"))
		return true;
	if (stat(arg, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	return snprintf(buf, sizeof(buf), "%s/log.db", arg) < (int)sizeof(buf) &&
	       access(buf, F_OK) == 0;
}

int cli_open_cow_store(int argc, char **argv, struct cow_store **ret, int *ret_used)
{
	struct cow_options opt = { .no_create = true };
	char log_path[PATH_MAX], errmsg[COW_ERRMSG_SIZE];
	const char *named = NULL;
	char *slash;
	int err;

	*ret_used = 0;
	if (argc > 0 && is_store_operand(argv[0])) {
		named = argv[0];
		*ret_used = 1;
	}
	if (cli_log_path(named, log_path, sizeof(log_path)) < 0) {
		cli_error("%s: file name too long", named ? named : cli_default_store());
		return EXIT_BAD_INPUT;
	}
	if (access(log_path, F_OK) < 0) {
		cli_error("%s: no such store (run 'pcow trace' first)", log_path);
		return EXIT_BAD_INPUT;
	}
	slash = strrchr(log_path, '/');
	if (strcmp(slash ? slash + 1 : log_path, "log.db")) {
		/* The overlay is the store's upper/ beside its log.db: another name is no store. */
		cli_error("%s: not a store's log (name the store directory or its log.db)",
			  log_path);
		return EXIT_BAD_INPUT;
	}
	if (slash)
		*slash = '\0';
	else
		strcpy(log_path, ".");
	err = cow_store_open(log_path, &opt, ret, errmsg);
	if (err) {
		cli_error("%s", errmsg[0] ? errmsg : strerror(-err));
		return EXIT_BAD_INPUT;
	}
	return 0;
}

char *cli_virt_path(const char *arg)
{
	char cwd[PATH_MAX], *path, *out;
	size_t o = 0;

	if (arg[0] == '/') {
		path = strdup(arg);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		if (asprintf(&path, "%s/%s", cwd, arg) < 0)
			path = NULL;
	}
	if (!path)
		return NULL;
	out = malloc(strlen(path) + 2);
	if (!out) {
		free(path);
		return NULL;
	}
	/* Drop empty and "." components; ".." removes the previous one, as a
	   path walk without symbolic links would. */
	for (char *c = strtok(path, "/"); c; c = strtok(NULL, "/")) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			while (o > 0 && out[--o] != '/')
				;
			continue;
		}
		out[o++] = '/';
		strcpy(out + o, c);
		o += strlen(c);
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	free(path);
	return out;
}

void cli_put_path(FILE *out, const char *path)
{
	const unsigned char *s = (const unsigned char *)path;
	bool odd = false;

	for (size_t i = 0; s[i]; i++)
		if (s[i] < 0x20 || s[i] == 0x7f || s[i] == '"' || s[i] == '\\')
			odd = true;
	if (!odd) {
		fputs(path, out);
		return;
	}
	fputc('"', out);
	for (size_t i = 0; s[i]; i++) {
		switch (s[i]) {
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		default:
			if (s[i] < 0x20 || s[i] == 0x7f)
				fprintf(out, "\\%03o", s[i]);
			else
				fputc(s[i], out);
		}
	}
	fputc('"', out);
}

static int print_change(const struct cow_change *c, void *opaque)
{
	FILE *out = opaque;

	fprintf(out, "%c ", c->code);
	if (c->from_path) {
		cli_put_path(out, c->from_path);
		fputs(" -> ", out);
	}
	cli_put_path(out, c->virt_path);
	fputc('\n', out);
	return 0;
}

bool cli_store_only_command(int argc, char **argv, const char *name, const char *usage,
			    struct cow_store **ret_store, int *ret_status)
{
	static const struct option help_only[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, used, err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+h", help_only, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage, stdout);
			*ret_status = 0;
			return true;
		}
		fprintf(stderr, "Try 'pcow %s --help'.\n", name);
		*ret_status = EXIT_BAD_INPUT;
		return true;
	}
	*ret_status = EXIT_BAD_INPUT;
	if (argc - optind > 1) {
		cli_error("%s: too many operands; see 'pcow %s --help'", name, name);
		return true;
	}
	err = cli_open_cow_store(argc - optind, argv + optind, ret_store, &used);
	if (err) {
		*ret_status = err;
		return true;
	}
	if (argc - optind > used) {
		cli_error("%s: not a store", argv[optind]);
		cow_store_close(*ret_store);
		return true;
	}
	return false;
}

int cmd_status(int argc, char **argv)
{
	struct cow_store *store;
	int err;

	if (cli_store_only_command(argc, argv, "status", usage_text, &store, &err))
		return err;
	err = cow_status(store, print_change, stdout);
	cow_store_close(store);
	if (err) {
		cli_error("status: %s", strerror(-err));
		return EXIT_BAD_INPUT;
	}
	return fflush(stdout) == 0 ? 0 : EXIT_BAD_INPUT;
}
