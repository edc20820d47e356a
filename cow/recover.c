/*
 * cow/recover.c — clearing what a pcow killed with the store open left
 * behind, at the next opening.
 *
 * A copy-up or a creation builds its object in work/ ("tmp.PID.N"),
 * renames it into upper/, then writes the index entry (cow/copyup.c,
 * cow/ops.c).  SIGKILL between two of those steps leaves a temporary in
 * work/, or an object in upper/ that the index does not name (an orphan):
 * status and commit never see it, the quota does not count it, and it
 * breaks the invariant of cow_internal.h that upper/ and the index agree.
 *
 * Each process that opens a store marks it ("STORE/live.PID", removed by
 * cow_store_close).  An opening that finds the marker or the temporaries
 * of a process that no longer exists knows a pcow died with the store
 * open.  Temporaries of dead processes are removed at once.  Orphans are
 * looked for only when no other live process has the store open (one
 * could be between its rename and its index write), and an orphan is
 * removed only when it holds nothing the program wrote: a copy equal to
 * its real object (same type and content, an empty directory), or an
 * empty new file or directory, or a FIFO.  Anything else (a killed rename
 * of the program's own data moves an object and then its entries) is left
 * in place: found, never destroyed.  The dead markers go once the sweep
 * is done.  A dead process whose PID was reused looks alive: its leftovers
 * wait until the PID is free again.
 *
 * A rename or deletion in the overlay changes upper/ in several steps and
 * the index in one group at the end (cow/ops.c): one transaction, or one
 * journal write while tracing (cow/journal.c).  Its intent
 * ("intent.PID.N" in work/: the operation and its paths) is written before
 * the first step, and what it takes out of upper/ is kept in
 * "trash.PID.N" until the index change is written through (committed,
 * or journaled).  A dead process's journals are replayed first
 * (cow/journal.c), so the index is what that process had written
 * through when it died; then its intent is settled, before the orphans
 * are looked for: when the index
 * says the change was committed, the trash goes; when it says it was not
 * (the source still exists in the merged view), the steps are undone —
 * a moved object goes back, a copy made for the rename goes, the trash
 * returns home — so that upper/ is what the index says.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cow/cow_internal.h"

bool cow_pid_gone(long pid)
{
	return pid != (long)getpid() && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* Parse "PREFIX.PID" or "PREFIX.PID.N" (with_seq); false when name is neither. */
static bool parse_name(const char *name, const char *prefix, bool with_seq, long *ret_pid)
{
	size_t n = strlen(prefix);
	unsigned seq;
	int end = 0;

	if (strncmp(name, prefix, n) || name[n] != '.')
		return false;
	if (with_seq ? sscanf(name + n + 1, "%ld.%u%n", ret_pid, &seq, &end) != 2
		     : sscanf(name + n + 1, "%ld%n", ret_pid, &end) != 1)
		return false;
	return !name[n + 1 + end] && *ret_pid > 0;
}

/* Whether the unindexed upper object of virt_path holds nothing of the program's. */
static bool orphan_removable(struct cow_store *store, const char *virt_path, const struct stat *st)
{
	char lower[COW_REAL_MAX], t1[PATH_MAX], t2[PATH_MAX], krel[PATH_MAX];
	const char *rel = strcpy(krel, cow_rel(store, virt_path)), *klower;
	uint64_t h1, h2;
	struct stat ls;
	ssize_t n1, n2;

	if (S_ISFIFO(st->st_mode))
		return true;
	if (S_ISDIR(st->st_mode))
		return cow_dir_empty_at(store->upper_fd, rel, false);
	if (!cow_lower_path(store, virt_path, lower, sizeof(lower)))
		return S_ISREG(st->st_mode) && st->st_size == 0;
	klower = cow_kpath(store, lower);
	if (lstat(klower, &ls) < 0)
		return S_ISREG(st->st_mode) && st->st_size == 0; /* a new empty file */
	if ((ls.st_mode & S_IFMT) != (st->st_mode & S_IFMT))
		return false;
	if (S_ISREG(st->st_mode))
		return ls.st_size == st->st_size && !cow_hash_file(store->upper_fd, rel, &h1) &&
		       !cow_hash_file(AT_FDCWD, klower, &h2) && h1 == h2;
	if (S_ISLNK(st->st_mode)) {
		n1 = readlinkat(store->upper_fd, rel, t1, sizeof(t1));
		n2 = readlink(klower, t2, sizeof(t2));
		return n1 >= 0 && n1 == n2 && !memcmp(t1, t2, (size_t)n1);
	}
	return false;
}

/* Remove the removable orphans below the upper directory virt (len bytes; "/": upper/). */
static void sweep(struct cow_store *store, char *virt, size_t len)
{
	int fd = openat(store->upper_fd, cow_rel(store, virt), O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
							  O_CLOEXEC);
	const struct cow_entry *e;
	struct dirent *de;
	struct stat st;
	DIR *dir;
	size_t n;

	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n = strlen(de->d_name);
		if (len + 1 + n >= COW_REAL_MAX)
			continue;
		/* virt is "/" or "/a/b": append "x" or "/x". */
		snprintf(virt + len, COW_REAL_MAX - len, "%s%s", len == 1 ? "" : "/", de->d_name);
		if (fstatat(store->upper_fd, cow_rel(store, virt), &st, AT_SYMLINK_NOFOLLOW) < 0)
			goto next;
		e = cow_index_get(store, virt);
		if (e && e->kind != COW_KIND_WHITEOUT) {
			if (S_ISDIR(st.st_mode))
				sweep(store, virt, strlen(virt));
		} else if (orphan_removable(store, virt, &st)) {
			unlinkat(store->upper_fd, cow_rel(store, virt), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
		}
next:
		virt[len] = '\0';
	}
	closedir(dir);
}

/* ------------------------------------------------------ the journal */

static void intent_name(const char *prefix, unsigned seq, char *buf, size_t size)
{
	snprintf(buf, size, "%s.%ld.%u", prefix, (long)getpid(), seq);
}

int cow_intent_begin(struct cow_store *store, const char *op, const char *a, const char *b)
{
	/* "op\0a\0" or "op\0a\0b\0" */
	struct iovec iov[3] = { { (void *)op, strlen(op) + 1 }, { (void *)a, strlen(a) + 1 },
				{ (void *)b, b ? strlen(b) + 1 : 0 } };
	size_t len = iov[0].iov_len + iov[1].iov_len + iov[2].iov_len;
	char name[64];
	ssize_t n;
	int fd;

	store->intent_seq = ++store->tmp_seq;
	store->trash_used = false;
	intent_name("intent", store->intent_seq, name, sizeof(name));
	fd = openat(store->work_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		store->intent_seq = 0;
		return -errno;
	}
	n = writev(fd, iov, 3);
	close(fd);
	if (n == (ssize_t)len)
		return 0;
	unlinkat(store->work_fd, name, 0);
	store->intent_seq = 0;
	return n < 0 ? -errno : -ENOSPC;
}

int cow_intent_trash(struct cow_store *store, const char *rel, bool is_dir)
{
	char name[64];

	intent_name("trash", store->intent_seq, name, sizeof(name));
	if (cow_sys.renameat(store->upper_fd, rel, store->work_fd, name) < 0)
		return errno == ENOENT ? 0 : -errno;
	store->trash_used = true;
	store->trash_dir = is_dir;
	return 0;
}

void cow_intent_end(struct cow_store *store, const char *home_virt, bool done)
{
	char name[64];

	if (!store->intent_seq)
		return;
	intent_name("trash", store->intent_seq, name, sizeof(name));
	if (store->trash_used && done)
		cow_sys.unlinkat(store->work_fd, name, store->trash_dir ? AT_REMOVEDIR : 0);
	else if (store->trash_used && home_virt)
		/* Failed: back where it was, if that is still free. */
		renameat2(store->work_fd, name, store->upper_fd, cow_rel(store, home_virt),
			  RENAME_NOREPLACE);
	intent_name("intent", store->intent_seq, name, sizeof(name));
	cow_sys.unlinkat(store->work_fd, name, 0);
	store->intent_seq = 0;
	store->trash_used = false;
}

static bool in_upper(struct cow_store *store, const char *virt, struct stat *st)
{
	struct stat dummy;

	return fstatat(store->upper_fd, cow_rel(store, virt), st ? st : &dummy,
		       AT_SYMLINK_NOFOLLOW) == 0;
}

/* The index gives virt_path an object in upper/. */
static bool indexed_in_upper(const struct cow_store *store, const char *virt)
{
	const struct cow_entry *e = cow_index_get(store, virt);

	return e && e->kind != COW_KIND_WHITEOUT;
}

static bool merged_exists(struct cow_store *store, const char *virt)
{
	struct cow_lookup *lk = malloc(sizeof(*lk));
	bool yes = lk && cow_lookup(store, virt, lk) == 0 &&
		   (lk->where == COW_UPPER || lk->where == COW_LOWER);

	free(lk);
	return yes;
}

/* Remove an object made for an operation that did not happen. */
static void remove_made(struct cow_store *store, const char *virt)
{
	struct stat st;

	if (in_upper(store, virt, &st))
		unlinkat(store->upper_fd, cow_rel(store, virt), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
}

/*
 * Settle the intent "intent.PID.N" of a dead process: op and paths from
 * the file, its trash "trash.PID.N" (work_fd-relative) maybe present.
 */
static void settle_intent(struct cow_store *store, const char *op, const char *a, const char *b,
			  const char *trash)
{
	struct stat st;
	bool trash_here = fstatat(store->work_fd, trash, &st, AT_SYMLINK_NOFOLLOW) == 0;
	const char *home = b ? b : a;

	if (!merged_exists(store, a)) {
		/* Committed: the object is gone from its old name. */
		if (trash_here)
			unlinkat(store->work_fd, trash, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
		return;
	}
	if (!strcmp(op, "rename") && b) {
		if (indexed_in_upper(store, a)) {
			/* An upper object moved to b's place goes back. */
			if (!in_upper(store, a, NULL) && in_upper(store, b, NULL))
				renameat(store->upper_fd, cow_rel(store, b), store->upper_fd,
					 cow_rel(store, a));
		} else if (in_upper(store, b, NULL) && (!indexed_in_upper(store, b) || trash_here)) {
			/* The copy made of a real object under the new name. */
			remove_made(store, b);
		}
	}
	if (trash_here && !in_upper(store, home, NULL))
		renameat(store->work_fd, trash, store->upper_fd, cow_rel(store, home));
}

/* Every intent of a dead process in work/: settled, then removed. */
static void settle_intents(struct cow_store *store)
{
	char trash[NAME_MAX + 1], path[PATH_MAX], *buf = malloc(2 * COW_PATH_MAX + 16);
	int fd = openat(store->work_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), in;
	struct dirent *de;
	long pid;
	ssize_t n;
	DIR *dir;

	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir && fd >= 0)
		close(fd);
	while (buf && dir && (de = readdir(dir))) {
		const char *op, *a, *b = NULL;

		if (!parse_name(de->d_name, "intent", true, &pid) || !cow_pid_gone(pid))
			continue;
		/* "intent.PID.N" -> "trash.PID.N" */
		snprintf(trash, sizeof(trash), "trash%s", de->d_name + strlen("intent"));
		in = openat(store->work_fd, de->d_name, O_RDONLY | O_CLOEXEC);
		n = in >= 0 ? read(in, buf, 2 * COW_PATH_MAX + 15) : -1;
		if (in >= 0)
			close(in);
		/* "op\0a\0" or "op\0a\0b\0"; cut short, it was being written
		   and nothing was changed yet. */
		if (n > 0 && buf[n - 1] == '\0') {
			op = buf;
			a = op + strlen(op) + 1;
			if (a < buf + n && a + strlen(a) + 1 < buf + n)
				b = a + strlen(a) + 1;
			if (a < buf + n && (!strcmp(op, "delete") || b))
				settle_intent(store, op, a, b, trash);
		}
		/* What could not go back (its place was taken) goes. */
		if (snprintf(path, sizeof(path), "%s/work/%s", store->store_dir, trash) <
		    (int)sizeof(path))
			cow_remove_tree(store, path);
		unlinkat(store->work_fd, de->d_name, 0);
	}
	if (dir)
		closedir(dir);
	free(buf);
}

/* Scan dir_path for "live.PID" marks: *ret_dead when one is a dead process's. */
static void scan_marks(const char *dir_path, bool unlink_dead, bool *ret_dead, bool *ret_others)
{
	DIR *dir = opendir(dir_path);
	char path[PATH_MAX];
	struct dirent *de;
	long pid;

	while (dir && (de = readdir(dir))) {
		if (!parse_name(de->d_name, "live", false, &pid) || pid == (long)getpid())
			continue;
		if (!cow_pid_gone(pid)) {
			*ret_others = true;
			continue;
		}
		*ret_dead = true;
		if (unlink_dead && snprintf(path, sizeof(path), "%s/%s", dir_path, de->d_name) <
					   (int)sizeof(path))
			unlink(path);
	}
	if (dir)
		closedir(dir);
}

int cow_recover(struct cow_store *store)
{
	char path[PATH_MAX], virt[COW_REAL_MAX] = "/";
	bool crashed = false, others = false, journals;
	struct dirent *de;
	DIR *dir;
	long pid;
	int fd, err;

	if (snprintf(path, sizeof(path), "%s/live.%ld", store->store_dir, (long)getpid()) <
	    (int)sizeof(path)) {
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd);
			store->marked = true;
		}
	}
	scan_marks(store->store_dir, false, &crashed, &others);
	fd = openat(store->work_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir && fd >= 0)
		close(fd);
	while (dir && (de = readdir(dir))) {
		if (!parse_name(de->d_name, "tmp", true, &pid) || !cow_pid_gone(pid))
			continue;
		crashed = true;
		if (snprintf(path, sizeof(path), "%s/work/%s", store->store_dir, de->d_name) <
		    (int)sizeof(path))
			cow_remove_tree(store, path);
	}
	if (dir)
		closedir(dir);
	store->others_live = others;
	if (others)
		return 0;
	/* The index as it was when they died, first: the rest is judged by it. */
	err = cow_journal_replay(store, &journals);
	if (err)
		return err;
	if (crashed || journals) {
		settle_intents(store);
		sweep(store, virt, 1);
		scan_marks(store->store_dir, true, &crashed, &others);
	}
	return 0;
}

void cow_recover_close(struct cow_store *store)
{
	char path[PATH_MAX];

	if (!store->marked || store->keep_mark)
		return;
	if (snprintf(path, sizeof(path), "%s/live.%ld", store->store_dir, (long)getpid()) <
	    (int)sizeof(path))
		unlink(path);
	store->marked = false;
}
