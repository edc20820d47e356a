/*
 * xattrdump PATH...        — every extended attribute below each PATH
 * xattrdump -s PATH NAME VALUE — lsetxattr(PATH, NAME, VALUE), to make one
 *
 * For the integration tests' snapshots of a tree (getfattr is not always
 * installed, python3 neither).  The dump walks each PATH (not following
 * symbolic links, not crossing into other file systems) and prints one line
 * per attribute:
 *
 *     PATH NAME=HEXVALUE
 *
 * with PATH as the walk made it, control characters, backslashes, spaces and
 * bytes past 126 written \ooo so that a line is one attribute; the names
 * of one path are sorted, the paths in no particular order (sort the
 * output).  A file system without extended attributes (ENOTSUP) lists
 * nothing.  Exit 0; 1, with the failing step, on any other error.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

static int failed;

static void print_path(const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p <= ' ' || *p > 126 || *p == '\\')
			printf("\\%03o", *p);
		else
			putchar(*p);
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump_one(const char *path)
{
	static char list[65536], value[65536];
	char *names[1024];
	size_t n = 0;
	ssize_t len = llistxattr(path, list, sizeof(list));

	if (len < 0) {
		if (errno != ENOTSUP) {
			fprintf(stderr, "xattrdump: llistxattr %s: %s\n", path, strerror(errno));
			failed = 1;
		}
		return;
	}
	for (char *p = list; p < list + len && n < 1024; p += strlen(p) + 1)
		names[n++] = p;
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (size_t i = 0; i < n; i++) {
		ssize_t vlen = lgetxattr(path, names[i], value, sizeof(value));

		if (vlen < 0) {
			fprintf(stderr, "xattrdump: lgetxattr %s %s: %s\n", path, names[i],
				strerror(errno));
			failed = 1;
			continue;
		}
		print_path(path);
		printf(" %s=", names[i]);
		for (ssize_t j = 0; j < vlen; j++)
			printf("%02x", (unsigned char)value[j]);
		putchar('\n');
	}
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_NS || type == FTW_DNR) {
		fprintf(stderr, "xattrdump: cannot %s %s\n", type == FTW_NS ? "stat" : "read",
			path);
		failed = 1;
	}
	if (type != FTW_NS)
		dump_one(path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "-s") == 0) {
		if (lsetxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) < 0) {
			fprintf(stderr, "xattrdump: lsetxattr %s %s: %s\n", argv[2], argv[3],
				strerror(errno));
			return 1;
		}
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		fputs("usage: xattrdump PATH... | xattrdump -s PATH NAME VALUE\n", stderr);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (nftw(argv[i], visit, 32, FTW_PHYS | FTW_MOUNT) < 0) {
			fprintf(stderr, "xattrdump: %s: %s\n", argv[i], strerror(errno));
			failed = 1;
		}
	return failed;
}
