/*
 * cow/store.c — opening and closing a store (STORE/upper, STORE/work,
 * the index in STORE/log.db), quota accounting, and path helpers.
 *
 * Quota: the store counts the apparent size (st_size) of the regular files
 * in upper/, the number a user can predict; a sparse copy counts fully.
 * Every operation that grows upper/ reserves first and gives back what it
 * did not use, so a refused operation leaves nothing behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cow/cow_internal.h"
#include "db/db.h"

static void msg(char *errmsg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void msg(char *errmsg, const char *fmt, ...)
{
	va_list ap;

	if (!errmsg)
		return;
	va_start(ap, fmt);
	vsnprintf(errmsg, COW_ERRMSG_SIZE, fmt, ap);
	va_end(ap);
}

void cow_parent(const char *virt_path, char *buf, size_t size)
{
	const char *slash = strrchr(virt_path, '/');
	size_t n = slash && slash != virt_path ? (size_t)(slash - virt_path) : 1;

	if (n >= size)
		n = size - 1;
	memcpy(buf, virt_path, n);
	buf[n] = '\0';
}

bool cow_path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

int64_t cow_mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

int cow_upper_path(const struct cow_store *store, const char *virt_path, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s", store->upper_dir, virt_path[1] ? virt_path : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* ------------------------------------------------------------- quota */

int cow_quota_reserve(struct cow_store *store, uint64_t bytes)
{
	if (store->quota && (bytes > store->quota || store->used > store->quota - bytes))
		return -ENOSPC;
	store->used += bytes;
	return 0;
}

void cow_quota_release(struct cow_store *store, uint64_t bytes)
{
	store->used = bytes > store->used ? 0 : store->used - bytes;
}

uint64_t cow_quota_used(const struct cow_store *store)
{
	return store->used;
}

uint64_t cow_quota_limit(const struct cow_store *store)
{
	return store->quota;
}

void cow_quota_charge(struct cow_store *store, uint64_t bytes)
{
	store->used += bytes;
}

/* Sum the sizes of the regular files in upper/ (those the index names). */
static void count_used(struct cow_store *store)
{
	struct stat st;

	store->used = 0;
	for (size_t i = 0; i < store->n_buckets; i++)
		for (struct cow_entry *e = store->buckets[i]; e; e = e->next)
			if (e->kind == COW_KIND_FILE &&
			    fstatat(store->upper_fd, cow_rel(store, e->virt_path), &st,
				    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
				store->used += (uint64_t)st.st_size;
}

/* ------------------------------------------------------------- scope */

/* Normalise an absolute directory name into a rule ("//a/./b/" -> "/a/b"). */
static int add_rule(struct cow_scope_rule **rules, size_t *n, const char *dir)
{
	char buf[PATH_MAX], *real;
	struct cow_scope_rule *r;
	size_t len;

	/* A directory that exists is named by its real path, as the guest resolves it. */
	real = realpath(dir, buf);
	if (!real) {
		if (dir[0] != '/' || strlen(dir) >= sizeof(buf))
			return -EINVAL;
		strcpy(buf, dir);
	}
	len = strlen(buf);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	r = realloc(*rules, (*n + 1) * sizeof(**rules));
	if (!r)
		return -ENOMEM;
	*rules = r;
	r[*n].dir = strdup(buf);
	if (!r[*n].dir)
		return -ENOMEM;
	r[*n].len = len;
	(*n)++;
	return 0;
}

static bool under_any(const struct cow_scope_rule *rules, size_t n, const char *virt_path)
{
	for (size_t i = 0; i < n; i++)
		if (cow_path_under(virt_path, rules[i].dir))
			return true;
	return false;
}

enum cow_scope cow_scope_of(const struct cow_store *store, const char *virt_path)
{
	if (under_any(store->skip_rules, store->n_skip, virt_path))
		return COW_SCOPE_PASS;
	if (under_any(store->rw_rules, store->n_rw, virt_path))
		return COW_SCOPE_RW;
	if (under_any(store->cow_rules, store->n_cow, virt_path))
		return COW_SCOPE_COW;
	return COW_SCOPE_PASS;
}

bool cow_in_scope(const struct cow_store *store, const char *virt_path)
{
	return cow_scope_of(store, virt_path) == COW_SCOPE_COW;
}

static int make_rules(struct cow_store *store, const struct cow_options *opt)
{
	static const char *const skip[] = { "/proc", "/sys", "/dev" };
	int err = 0;

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]) && !err; i++)
		err = add_rule(&store->skip_rules, &store->n_skip, skip[i]);
	if (!err)
		err = add_rule(&store->skip_rules, &store->n_skip, store->store_dir);
	for (size_t i = 0; opt && i < opt->n_cow_dirs && !err; i++)
		err = add_rule(&store->cow_rules, &store->n_cow, opt->cow_dirs[i]);
	if (!err && !store->n_cow)
		err = add_rule(&store->cow_rules, &store->n_cow, "/");
	for (size_t i = 0; opt && i < opt->n_rw_dirs && !err; i++)
		err = add_rule(&store->rw_rules, &store->n_rw, opt->rw_dirs[i]);
	return err;
}

static void free_rules(struct cow_scope_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rules[i].dir);
	free(rules);
}

/* ------------------------------------------------------ open / close */

bool cow_dir_empty_at(int dirfd, const char *name, bool if_unreadable)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	bool empty = true;
	DIR *dir;

	if (fd < 0)
		return if_unreadable;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return if_unreadable;
	}
	while (empty && (de = readdir(dir)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(dir);
	return empty;
}

/*
 * upper/ (mode 0711) and the store itself must let anyone through: the
 * program's processes reach their upper files by path with their own
 * credentials, and a process that dropped root (apt's _apt, man-db's
 * man) was refused at a 0700 store.  Neither can be listed; what is
 * below upper/ has the modes of what it copies.  work/ stays 0700.
 */
static void let_through(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, 0) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 0111) != 0111)
		fchmodat(dirfd, name, (st.st_mode & 07777) | 0111, 0);
}

static int open_subdir(int dirfd, const char *name, bool create, mode_t mode, int *ret_fd)
{
	if (create && mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return -errno;
	if (mode & 0111 & ~0100)
		let_through(dirfd, name);
	*ret_fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return *ret_fd < 0 ? -errno : 0;
}

int cow_store_open(const char *store_dir, const struct cow_options *opt, struct cow_store **ret,
		   char *errmsg)
{
	bool create = !(opt && opt->no_create);
	char buf[PATH_MAX], dberr[DB_ERRMSG_SIZE], *log_path = NULL;
	struct cow_store *store;
	int store_fd = -1, err;

	*ret = NULL;
	if (create && mkdir(store_dir, 0700) < 0 && errno != EEXIST) {
		err = -errno;
		msg(errmsg, "%s: cannot create the store: %s", store_dir, strerror(-err));
		return err;
	}
	if (!realpath(store_dir, buf)) {
		err = -errno;
		msg(errmsg, "%s: %s", store_dir, strerror(-err));
		return err;
	}
	store = calloc(1, sizeof(*store));
	if (!store)
		return -ENOMEM;
	store->upper_fd = store->work_fd = store->links_fd = store->journal_fd = -1;
	store->quota = opt ? opt->quota : 0;
	store->store_dir = strdup(buf);
	if (!store->store_dir || asprintf(&store->upper_dir, "%s/upper", buf) < 0 ||
	    asprintf(&store->links_dir, "%s/links", buf) < 0 ||
	    asprintf(&log_path, "%s/log.db", buf) < 0) {
		store->upper_dir = store->links_dir = NULL;
		log_path = NULL;
		err = -ENOMEM;
		goto out_free;
	}
	store_fd = open(buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (store_fd < 0) {
		err = -errno;
		msg(errmsg, "%s: %s", buf, strerror(-err));
		goto out_free;
	}
	/*
	 * The log first: a directory whose log.db is not pcow's (empty,
	 * corrupt, another program's, a later schema) is refused before
	 * anything is made in it.
	 */
	err = db_open(log_path, create ? DB_OPEN_CREATE : DB_OPEN_WRITE, &store->db, dberr);
	if (err) {
		msg(errmsg, "%s", dberr);
		goto out_free;
	}
	/* A store made by 'pcow trace --no-cow' has no upper/ yet: an empty overlay. */
	let_through(AT_FDCWD, buf);
	err = open_subdir(store_fd, "upper", true, 0711, &store->upper_fd);
	if (!err)
		err = open_subdir(store_fd, "work", true, 0700, &store->work_fd);
	if (err) {
		msg(errmsg, "%s: the store has no usable upper/ and work/: %s", buf,
		    strerror(-err));
		goto out_free;
	}
	/* Only paths past PATH_MAX need links/ (cow_kpath): never fatal. */
	if (open_subdir(store_fd, "links", true, 0711, &store->links_fd) < 0)
		store->links_fd = -1;
	err = make_rules(store, opt);
	if (err) {
		msg(errmsg, "bad --cow or --rw directory: %s", strerror(-err));
		goto out_free;
	}
	err = cow_index_load(store);
	if (err) {
		msg(errmsg, "%s: cannot read the overlay index: %s", log_path, strerror(-err));
		goto out_free;
	}
	err = cow_recover(store);
	if (err) {
		msg(errmsg, "%s: cannot replay the overlay journal: %s", log_path, strerror(-err));
		goto out_free;
	}
	count_used(store);
	/* An empty index over a non-empty upper/ is a discard that crashed
	   halfway (the index goes first): finish it, or a later copy-up would
	   meet the debris.  Not while another process has the store open:
	   its first changes may not be in the table yet (journal.c). */
	if (!store->n_entries && !store->others_live &&
	    !cow_dir_empty_at(store->upper_fd, ".", true)) {
		err = cow_discard(store);
		if (err) {
			msg(errmsg, "%s: cannot clear a stale upper/: %s", buf, strerror(-err));
			goto out_free;
		}
	}
	close(store_fd);
	free(log_path);
	*ret = store;
	return 0;

out_free:
	if (store_fd >= 0)
		close(store_fd);
	free(log_path);
	cow_store_close(store);
	return err;
}

void cow_store_close(struct cow_store *store)
{
	if (!store)
		return;
	cow_journal_stop(store, false);
	cow_recover_close(store);
	cow_index_free(store);
	db_close(store->db);
	if (store->upper_fd >= 0)
		close(store->upper_fd);
	if (store->work_fd >= 0)
		close(store->work_fd);
	if (store->links_fd >= 0)
		close(store->links_fd);
	free_rules(store->cow_rules, store->n_cow);
	free_rules(store->rw_rules, store->n_rw);
	free_rules(store->skip_rules, store->n_skip);
	free(store->store_dir);
	free(store->upper_dir);
	free(store->links_dir);
	free(store);
}

void cow_store_set_log_writer(struct cow_store *store, struct db_writer *w)
{
	db_set_log_writer(store->db, w);
	cow_journal_start(store);
}

void cow_store_log_finished(struct cow_store *store, bool committed)
{
	db_set_log_writer(store->db, NULL);
	cow_journal_stop(store, committed);
}
