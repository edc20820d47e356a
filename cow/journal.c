/*
 * cow/journal.c — the index changes of a trace, journaled until the log
 * writer has committed them.
 *
 * While pcow traces, the index writes go to the log writer's queue
 * (db_set_log_writer) and reach SQLite with its next transaction, up to
 * 50 ms later.  An operation cannot wait for that, and a pcow killed in
 * between must not lose them: upper/ already holds the objects they
 * describe.  So each change is first appended, packed (db_overlay_pack),
 * to work/journal.PID.GEN with one write(2).  A record is
 *
 *	uint32_t len; uint32_t check; unsigned char packed[len];
 *
 * where check is the low 32 bits of cow_hash_buf(packed, len); a record
 * cut short or damaged ends the journal.  A generation is closed after
 * JOURNAL_ROTATE bytes and removed once the writer has committed past its
 * last change (db_overlay_durable); all of them go when the trace ends
 * with the log complete.
 *
 * The changes of a group (cow_index_begin .. end: one rename or deletion)
 * are held back and written with one write(2) at its end, so a journal
 * holds whole operations only, as the index table does.
 *
 * After a crash cow_recover replays the journals of dead processes, in
 * order, into the table.  Every change is a whole row put or a path
 * deleted, so replaying changes that were already committed is harmless:
 * the table ends as the last change left each path.  Then the journal says
 * what the index said when pcow died, and the intents and orphans are
 * settled against that (recover.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cow/cow_internal.h"

#define JOURNAL_ROTATE (1u << 20) /* bytes before a new generation */
#define JOURNAL_HDR 8		  /* len, check */

struct cow_journal_old {
	unsigned gen;
	uint64_t mark; /* db_overlay_mark after its last change */
};

static void journal_name(unsigned gen, char *buf, size_t size)
{
	snprintf(buf, size, "journal.%ld.%u", (long)getpid(), gen);
}

static uint32_t check_of(const void *packed, uint32_t len)
{
	return (uint32_t)cow_hash_buf(packed, len);
}

/* Remove the closed generations whose changes are all committed. */
static void prune(struct cow_store *store)
{
	char name[64];
	size_t k = 0;

	while (k < store->n_journal_old &&
	       db_overlay_durable(store->db, store->journal_old[k].mark)) {
		journal_name(store->journal_old[k].gen, name, sizeof(name));
		unlinkat(store->work_fd, name, 0);
		k++;
	}
	if (k) {
		memmove(store->journal_old, store->journal_old + k,
			(store->n_journal_old - k) * sizeof(*store->journal_old));
		store->n_journal_old -= k;
	}
}

/* Close the current generation; it goes once the writer is past mark. */
static void rotate(struct cow_store *store)
{
	struct cow_journal_old *more;

	if (store->n_journal_old == store->cap_journal_old) {
		size_t cap = store->cap_journal_old ? store->cap_journal_old * 2 : 8;

		more = realloc(store->journal_old, cap * sizeof(*more));
		if (!more)
			return; /* keep appending to this one */
		store->journal_old = more;
		store->cap_journal_old = cap;
	}
	store->journal_old[store->n_journal_old++] =
		(struct cow_journal_old){ store->journal_gen, db_overlay_mark(store->db) };
	close(store->journal_fd);
	store->journal_fd = -1;
	store->journal_gen++;
	store->journal_bytes = 0;
}

static int append(struct cow_store *store, const unsigned char *buf, size_t len)
{
	char name[64];
	ssize_t n;

	if (store->journal_fd < 0) {
		journal_name(store->journal_gen, name, sizeof(name));
		store->journal_fd = openat(store->work_fd, name,
					   O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
		if (store->journal_fd < 0)
			return -errno;
	}
	n = write(store->journal_fd, buf, len);
	if (n == (ssize_t)len) {
		store->journal_bytes += len;
		return 0;
	}
	/* Nothing half-written may stay in front of the next record. */
	if (ftruncate(store->journal_fd, (off_t)store->journal_bytes) < 0) {
		close(store->journal_fd);
		store->journal_fd = -1;
		store->journal_gen++; /* the torn one ends where it ends */
		store->journal_bytes = 0;
	}
	return n < 0 ? -errno : -ENOSPC;
}

/* A new generation when this one is big; the committed old ones go. */
static void tidy(struct cow_store *store)
{
	if (store->journal_bytes >= JOURNAL_ROTATE)
		rotate(store);
	if (store->n_journal_old)
		prune(store);
}

/* Inside a group: keep the records until the group ends. */
static int hold_back(struct cow_store *store, const unsigned char *buf, size_t len)
{
	unsigned char *more;
	size_t cap;

	if (store->group_len + len > store->group_cap) {
		cap = store->group_cap ? store->group_cap : 4096;
		while (cap < store->group_len + len)
			cap *= 2;
		more = realloc(store->group_buf, cap);
		if (!more)
			return -ENOMEM;
		store->group_buf = more;
		store->group_cap = cap;
	}
	memcpy(store->group_buf + store->group_len, buf, len);
	store->group_len += len;
	return 0;
}

int cow_index_begin(struct cow_store *store)
{
	int err = db_overlay_begin(store->db);

	if (!err)
		store->group_depth++;
	return err;
}

int cow_index_end(struct cow_store *store, bool commit)
{
	int err = 0, end_err;

	if (store->group_depth > 0 && --store->group_depth == 0 && store->journaling) {
		/* The group's records in one write: after a crash all or none. */
		if (commit && store->group_len)
			err = append(store, store->group_buf, store->group_len);
		store->group_len = 0;
		if (store->group_cap > (1u << 20)) {
			free(store->group_buf);
			store->group_buf = NULL;
			store->group_cap = 0;
		}
	}
	end_err = db_overlay_end(store->db, commit && !err);
	if (!store->group_depth && store->journaling)
		tidy(store);
	return err ? err : end_err;
}

int cow_journal_changes(struct cow_store *store, size_t n, const enum db_overlay_op *ops,
			const struct db_overlay_row *rows, int64_t *ret_id)
{
	unsigned char stack_buf[2048], *buf = stack_buf;
	size_t total = 0, off = 0, at[2];
	uint32_t len;
	int err = 0;

	if (n > 2)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		total += JOURNAL_HDR + db_overlay_packed_size(&rows[i]);
	if (total > sizeof(stack_buf)) {
		buf = malloc(total);
		if (!buf)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		at[i] = off + JOURNAL_HDR;
		len = (uint32_t)db_overlay_pack(ops[i], &rows[i], buf + at[i]);
		memcpy(buf + off, &len, 4);
		if (store->journaling) {
			uint32_t check = check_of(buf + at[i], len);

			memcpy(buf + off + 4, &check, 4);
		}
		off = at[i] + len;
	}
	if (store->journaling && store->group_depth > 0)
		err = hold_back(store, buf, off);
	else if (store->journaling)
		err = append(store, buf, off);
	for (size_t i = 0; i < n && !err; i++) {
		memcpy(&len, buf + at[i] - JOURNAL_HDR, 4);
		err = db_overlay_apply(store->db, buf + at[i], len,
				       ops[i] == DB_OVERLAY_PUT ? ret_id : NULL);
	}
	if (buf != stack_buf)
		free(buf);
	if (store->journaling && !store->group_depth)
		tidy(store);
	return err;
}

int cow_journal_change(struct cow_store *store, enum db_overlay_op op,
		       const struct db_overlay_row *row, int64_t *ret_id)
{
	return cow_journal_changes(store, 1, &op, row, ret_id);
}

void cow_journal_start(struct cow_store *store)
{
	store->journaling = true;
	store->journal_fd = -1;
	store->journal_bytes = 0;
}

void cow_journal_stop(struct cow_store *store, bool committed)
{
	char name[64];

	if (!store->journaling)
		return;
	if (store->journal_fd >= 0)
		close(store->journal_fd);
	store->journal_fd = -1;
	if (committed) {
		for (size_t k = 0; k < store->n_journal_old; k++) {
			journal_name(store->journal_old[k].gen, name, sizeof(name));
			unlinkat(store->work_fd, name, 0);
		}
		journal_name(store->journal_gen, name, sizeof(name));
		unlinkat(store->work_fd, name, 0);
	} else {
		/* The next opening replays them: it must see this process died. */
		store->keep_mark = true;
	}
	free(store->journal_old);
	store->journal_old = NULL;
	free(store->group_buf);
	store->group_buf = NULL;
	store->group_len = store->group_cap = 0;
	store->n_journal_old = store->cap_journal_old = 0;
	store->journal_gen++;
	store->journaling = false;
}

/* ---------------------------------------------------------- replay */

struct jfile {
	long pid;
	unsigned gen;
	char name[NAME_MAX + 1];
};

static int cmp_jfile(const void *a, const void *b)
{
	const struct jfile *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->gen > y->gen) - (x->gen < y->gen);
}

/* Read all of work/name (malloc'd into *ret); -errno. */
static int slurp(const struct cow_store *store, const char *name, unsigned char **ret,
		 size_t *ret_len)
{
	int fd = openat(store->work_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = 0, cap = 0;
	unsigned char *buf = NULL, *more;
	ssize_t n;

	if (fd < 0)
		return -errno;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			more = realloc(buf, cap);
			if (!more) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = more;
		}
		n = read(fd, buf + len, cap - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return -EIO;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* Apply the whole records of one journal; *ret_n counts them. */
static int replay_file(struct cow_store *store, const char *name, size_t *ret_n)
{
	unsigned char *buf = NULL;
	size_t len = 0, off = 0;
	uint32_t rlen, check;
	int err = slurp(store, name, &buf, &len);

	if (err)
		return err == -ENOENT ? 0 : err;
	while (!err && len - off >= JOURNAL_HDR) {
		memcpy(&rlen, buf + off, 4);
		memcpy(&check, buf + off + 4, 4);
		if (rlen > len - off - JOURNAL_HDR ||
		    check_of(buf + off + JOURNAL_HDR, rlen) != check)
			break; /* cut short by the crash */
		err = db_overlay_apply(store->db, buf + off + JOURNAL_HDR, rlen, NULL);
		if (err == -EBADMSG) {
			err = 0; /* not a change we can read: the journal ends here */
			break;
		}
		off += JOURNAL_HDR + rlen;
		(*ret_n)++;
	}
	free(buf);
	return err;
}

int cow_journal_replay(struct cow_store *store, bool *ret_found)
{
	int fd = openat(store->work_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct jfile *files = NULL, *more;
	size_t n = 0, cap = 0, applied = 0;
	struct dirent *de;
	unsigned gen;
	int end, err = 0;
	long pid;
	DIR *dir;

	*ret_found = false;
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((de = readdir(dir))) {
		end = 0;
		/* This process has journaled nothing yet: a journal with its
		   PID is a dead process's whose PID was reused. */
		if (sscanf(de->d_name, "journal.%ld.%u%n", &pid, &gen, &end) != 2 ||
		    de->d_name[end] || pid <= 0 || (pid != (long)getpid() && !cow_pid_gone(pid)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			more = realloc(files, cap * sizeof(*files));
			if (!more) {
				err = -ENOMEM;
				break;
			}
			files = more;
		}
		files[n].pid = pid;
		files[n].gen = gen;
		snprintf(files[n].name, sizeof(files[n].name), "%s", de->d_name);
		n++;
	}
	closedir(dir);
	if (err || !n) {
		free(files);
		return err;
	}
	*ret_found = true;
	qsort(files, n, sizeof(*files), cmp_jfile);
	err = db_overlay_begin(store->db);
	for (size_t i = 0; i < n && !err; i++)
		err = replay_file(store, files[i].name, &applied);
	if (!err)
		err = db_overlay_end(store->db, true);
	else
		db_overlay_end(store->db, false);
	/* Kept when they could not be applied: the next opening tries again. */
	for (size_t i = 0; i < n && !err; i++)
		unlinkat(store->work_fd, files[i].name, 0);
	free(files);
	if (!err && applied) {
		cow_index_free(store);
		err = cow_index_load(store);
	}
	return err;
}
