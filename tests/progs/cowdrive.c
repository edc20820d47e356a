/*
 * tests/progs/cowdrive.c — builds an overlay the way the emulation layer
 * will, without a tracee, for tests/integration/cow_cli.sh:
 *
 *	cowdrive STORE OP ARGS [OP ARGS...]
 *
 *	write VIRT TEXT    copy VIRT up (or create it) and replace its content
 *	append VIRT TEXT   copy VIRT up and append TEXT
 *	mkdir VIRT         rm VIRT          rmdir VIRT       mv FROM TO
 *	chmod VIRT OCTAL   symlink TARGET VIRT               fifo VIRT
 *	xattr VIRT NAME VALUE   copy VIRT up and set (VALUE "-": remove) NAME
 *	touch VIRT SECONDS      copy VIRT up and set its times to SECONDS
 *
 * TEXT takes \n escapes.  Exits 0, or 1 naming the operation that failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cow/cow.h"

static int put_text(struct cow_store *store, const char *virt, const char *text, bool append)
{
	char upper[COW_REAL_MAX];
	struct cow_lookup *lk = malloc(sizeof(*lk));
	int fd, err;

	if (!lk)
		return -ENOMEM;
	err = cow_lookup(store, virt, lk);
	if (!err && (lk->where == COW_ABSENT || lk->where == COW_WHITEOUT))
		err = cow_create(store, virt, S_IFREG | 0644, NULL, (uid_t)-1, (gid_t)-1);
	free(lk);
	if (!err)
		err = cow_copy_up(store, virt, upper);
	if (err)
		return err;
	fd = open(upper, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	if (fd < 0)
		return -errno;
	for (const char *p = text; *p; p++) {
		char c = *p;

		if (c == '\\' && p[1] == 'n') {
			c = '\n';
			p++;
		}
		if (write(fd, &c, 1) != 1) {
			err = -errno;
			break;
		}
	}
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	char errmsg[COW_ERRMSG_SIZE];
	struct cow_store *store;
	int err = 0, i = 2;

	if (argc < 2) {
		fputs("usage: cowdrive STORE OP ARGS...\n", stderr);
		return 2;
	}
	if (cow_store_open(argv[1], NULL, &store, errmsg)) {
		fprintf(stderr, "cowdrive: %s\n", errmsg);
		return 1;
	}
	while (i < argc && !err) {
		const char *op = argv[i], *a = i + 1 < argc ? argv[i + 1] : "";
		const char *b = i + 2 < argc ? argv[i + 2] : "";

		if (!strcmp(op, "write") || !strcmp(op, "append")) {
			err = put_text(store, a, b, op[0] == 'a');
			i += 3;
		} else if (!strcmp(op, "mkdir")) {
			err = cow_create(store, a, S_IFDIR | 0755, NULL, (uid_t)-1, (gid_t)-1);
			i += 2;
		} else if (!strcmp(op, "fifo")) {
			err = cow_create(store, a, S_IFIFO | 0644, NULL, (uid_t)-1, (gid_t)-1);
			i += 2;
		} else if (!strcmp(op, "rm") || !strcmp(op, "rmdir")) {
			err = cow_delete(store, a, op[2] == 'd');
			i += 2;
		} else if (!strcmp(op, "mv")) {
			err = cow_rename(store, a, b);
			i += 3;
		} else if (!strcmp(op, "chmod")) {
			err = cow_chmod(store, a, (mode_t)strtoul(b, NULL, 8));
			i += 3;
		} else if (!strcmp(op, "xattr")) {
			char upper[COW_REAL_MAX];
			const char *v = i + 3 < argc ? argv[i + 3] : "";

			err = cow_copy_up(store, a, upper);
			if (!err && (strcmp(v, "-") ? lsetxattr(upper, b, v, strlen(v), 0)
						    : lremovexattr(upper, b)) < 0)
				err = -errno;
			i += 4;
		} else if (!strcmp(op, "touch")) {
			struct timespec ts[2] = { { strtol(b, NULL, 10), 0 }, { strtol(b, NULL, 10), 0 } };

			err = cow_utimens(store, a, ts);
			i += 3;
		} else if (!strcmp(op, "symlink")) {
			err = cow_create(store, b, S_IFLNK, a, (uid_t)-1, (gid_t)-1);
			i += 3;
		} else {
			fprintf(stderr, "cowdrive: unknown operation %s\n", op);
			err = -EINVAL;
			break;
		}
		if (err)
			fprintf(stderr, "cowdrive: %s %s: %s\n", op, a, strerror(-err));
	}
	cow_store_close(store);
	return err ? 1 : 0;
}
