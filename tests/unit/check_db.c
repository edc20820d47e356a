/*
 * tests/unit/check_db.c — the db/ module: schema and open checks, the
 * batched writer (volume, order, paths, process events, records larger
 * than its ring, sticky errors, SIGKILL in the middle of a run), and the
 * readers' filters and totals.
 *
 * Every call a test writes comes from gen_call(i), a pure function of i,
 * so expected results are computed by brute force over i and compared
 * exactly.  A call's identity in the database is its time: t_enter is
 * T0 + i * 1000 ns, where T0 is the run's t_start.  The checks that look
 * inside the file use SQLite directly (only tests of db/ may).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/db_internal.h"
#include "db/overlay.h"

#define T0 1700000000000000000LL
#define NR_GETPPID 110
#define NR_OPENAT 257
#define NR_READ 0
#define NR_OPEN_I386 5
#define NR_UNKNOWN 999

/*
 * Each test case gets a root directory made and removed by an unchecked
 * fixture, in the parent process, so it goes away even when a forked test
 * fails (Check then skips the checked teardown); each test gets a
 * directory of its own inside it.
 */
static char rootdir[PATH_MAX];
static char tmpdir[PATH_MAX + 32];
static char logpath[PATH_MAX + 64];

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	return remove(path);
}

static void make_root(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(rootdir, sizeof(rootdir), "%s/check_db.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(rootdir)) {
		perror(rootdir);
		exit(99);
	}
}

static void remove_root(void)
{
	nftw(rootdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/test.XXXXXX", rootdir);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(logpath, sizeof(logpath), "%s/log.db", tmpdir);
}

static void teardown(void)
{
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------- generated calls */

struct gen {
	struct db_call call;
	const void *blobs[6];
	char path[64];
	char rw[160];	/* a rewritten path's blob */
	unsigned char buf[32];
};

/* Rewritten openat calls: "as passed\0absolute\0rewritten" (db.h). */
static bool gen_is_rewritten(int i, const struct db_call *c)
{
	return c->nr == NR_OPENAT && c->action == DB_ACTION_REWRITE && i % 4 < 2;
}

/*
 * Call number i: five kinds in turn (getppid; openat of a path under /etc
 * or /usr/lib; read with a 32-byte buffer blob; i386 open of /ETC/...;
 * an unknown syscall with six arguments), four processes each with one
 * extra thread, failures and calls that never return sprinkled in.
 */
static void gen_call(int i, struct gen *g)
{
	struct db_call *c = &g->call;
	size_t len;

	memset(g, 0, sizeof(*g));
	c->pid = 1000 + i % 4;
	c->tid = i % 8 == 7 ? c->pid + 100 : c->pid;
	c->t_enter = T0 + (int64_t)i * 1000;
	c->t_exit = c->t_enter + (i % 7) * 100;
	c->ret = i % 100;
	if (i % 10 == 3)
		c->ret = -2;
	else if (i % 13 == 1)
		c->ret = -13;
	else if (i % 1000 == 999)
		c->ret = -4096; /* not an error: the boundary */
	else if (i % 1000 == 998)
		c->ret = -4095;
	c->action = (uint8_t)(i % 3 == 0 ? DB_ACTION_PASS : DB_ACTION_REWRITE);

	switch (i % 5) {
	case 0:
		c->nr = NR_GETPPID;
		break;
	case 1:
		c->nr = NR_OPENAT;
		c->nargs = 4;
		c->args[0] = (uint64_t)-100;
		c->args[1] = 0x7ffd0000 + (uint64_t)i;
		c->args[2] = 0x80000;
		c->args[3] = 0644;
		snprintf(g->path, sizeof(g->path), i % 2 ? "/usr/lib/f%d" : "/etc/f%d", i);
		len = strlen(g->path);
		/* Some with their NUL, some without: both are the same path. */
		c->blob_len[1] = (uint32_t)(i % 3 == 0 ? len + 1 : len);
		c->blob_status[1] = 1;
		c->path_mask = 1u << 1;
		g->blobs[1] = g->path;
		if (gen_is_rewritten(i, c)) {
			/* Half with the absolute form unknown (empty). */
			int n = snprintf(g->rw, sizeof(g->rw), "%s%c%s%c/s/upper%s", g->path, 0,
					 i % 4 ? g->path : "", 0, g->path);

			c->blob_len[1] = (uint32_t)n;
			g->blobs[1] = g->rw;
		}
		break;
	case 2:
		c->nr = NR_READ;
		c->nargs = 3;
		c->args[0] = 3;
		c->args[1] = 0x5000;
		c->args[2] = 32;
		for (size_t k = 0; k < sizeof(g->buf); k++)
			g->buf[k] = (unsigned char)(i + k);
		c->blob_len[1] = sizeof(g->buf);
		c->blob_status[1] = 1;
		g->blobs[1] = g->buf;
		break;
	case 3:
		c->abi = 1;
		c->nr = NR_OPEN_I386;
		c->nargs = 2;
		c->args[0] = 0x8000 + (uint64_t)i;
		c->args[1] = 0;
		snprintf(g->path, sizeof(g->path), "/ETC/upper%d", i);
		c->blob_len[0] = (uint32_t)strlen(g->path);
		c->blob_status[0] = 1;
		c->path_mask = 1;
		g->blobs[0] = g->path;
		break;
	default:
		c->nr = NR_UNKNOWN;
		c->nargs = 6;
		for (int k = 0; k < 6; k++)
			c->args[k] = (uint64_t)(i + k);
		break;
	}
	if (i % 97 == 0) {
		c->status = DB_CALL_NORETURN;
		c->t_exit = c->t_enter;
	}
}

static bool gen_returned(const struct db_call *c)
{
	return c->status != DB_CALL_NORETURN;
}

static bool gen_failed(const struct db_call *c)
{
	return gen_returned(c) && c->ret >= -4095 && c->ret <= -1;
}

static uint32_t fnv1a(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The test's args formatter: numbers, "paths", and buf#LEN:HASH. */
static size_t test_format(char *buf, size_t size, const struct db_call *call,
			  const void *const blobs[6], void *opaque)
{
	size_t n = 0;
	int k;

	if (size)
		buf[0] = '\0';
	for (int i = 0; i < call->nargs && i < 6; i++) {
		const char *sep = i ? ", " : "";

		if (call->blob_len[i] && (call->path_mask & (1u << i)))
			k = snprintf(buf + (n < size ? n : size), n < size ? size - n : 0,
				     "%s\"%.*s\"", sep,
				     (int)strnlen(blobs[i], call->blob_len[i]),
				     (const char *)blobs[i]);
		else if (call->blob_len[i])
			k = snprintf(buf + (n < size ? n : size), n < size ? size - n : 0,
				     "%sbuf#%u:%08x", sep, call->blob_len[i],
				     fnv1a(blobs[i], call->blob_len[i]));
		else
			k = snprintf(buf + (n < size ? n : size), n < size ? size - n : 0,
				     "%s%lld", sep, (long long)call->args[i]);
		n += (size_t)k;
	}
	if (opaque)
		++*(long *)opaque;
	return n;
}

static void expected_text(int i, char *buf, size_t size)
{
	struct gen g;

	gen_call(i, &g);
	test_format(buf, size, &g.call, g.blobs, NULL);
}

/* ------------------------------------------------------------- helpers */

static const char *const names_x86_64[] = {
	[NR_READ] = "read", [2] = "open", [NR_GETPPID] = "getppid", [NR_OPENAT] = "openat",
};
static const char *const names_i386[] = { [NR_OPEN_I386] = "open" };

static struct db *open_or_fail(unsigned flags)
{
	char msg[DB_ERRMSG_SIZE];
	struct db *db = NULL;
	int err = db_open(logpath, flags, &db, msg);

	ck_assert_msg(err == 0, "db_open: %d %s", err, msg);
	return db;
}

/* A run of calls first .. first+n-1 with t_start T0; returns its id. */
static int64_t write_run(struct db *db, int first, int n, long *n_formatted)
{
	static const char *const argv[] = { "prog", "a b", "it's", "x\ny", "", NULL };
	const struct db_run_info info = {
		.argv = argv,
		.cwd = "/home/u",
		.pcow_version = "0.1.0",
		.kernel_release = "6.1.0-test",
		.options = "--cow /",
		.t_start = T0,
	};
	char msg[DB_ERRMSG_SIZE];
	struct db_writer *w;
	int64_t run_id;
	struct gen g;
	struct db_proc p;

	ck_assert_int_eq(db_set_syscall_names(db, 0, names_x86_64,
					      sizeof(names_x86_64) / sizeof(names_x86_64[0])),
			 0);
	ck_assert_int_eq(db_set_syscall_names(db, 1, names_i386,
					      sizeof(names_i386) / sizeof(names_i386[0])),
			 0);
	ck_assert_int_eq(db_run_begin(db, &info, &run_id), 0);
	ck_assert_int_eq(db_writer_start(db, run_id, test_format, n_formatted, &w), 0);
	for (int pid = 1000; pid < 1004; pid++) {
		memset(&p, 0, sizeof(p));
		p.event = DB_PROC_START;
		p.pid = pid;
		p.tgid = pid;
		p.ppid = pid == 1000 ? 999 : 1000;
		p.t = T0;
		db_writer_proc(w, &p);
		p.pid = pid + 100;
		p.ppid = 999;
		db_writer_proc(w, &p);
	}
	for (int i = first; i < first + n; i++) {
		gen_call(i, &g);
		db_writer_call(w, &g.call, g.blobs);
		if (i == first + n / 2) {
			static const char exec_argv[] = "true\0--x y\0";

			memset(&p, 0, sizeof(p));
			p.event = DB_PROC_EXEC;
			p.pid = 1000;
			p.tgid = 1000;
			p.t = g.call.t_enter;
			p.filename = "/bin/true";
			p.argv = exec_argv;
			p.argv_len = sizeof(exec_argv) - 1;
			db_writer_proc(w, &p);
		}
	}
	for (int pid = 1000; pid < 1004; pid++) {
		memset(&p, 0, sizeof(p));
		p.event = DB_PROC_EXIT;
		p.pid = pid;
		p.tgid = pid;
		p.exit_status = pid - 1000;
		p.t = T0 + (int64_t)(first + n) * 1000;
		db_writer_proc(w, &p);
	}
	/* An exit whose start was never reported. */
	memset(&p, 0, sizeof(p));
	p.event = DB_PROC_EXIT;
	p.pid = 4242;
	p.tgid = 4242;
	p.exit_status = 137;
	p.t = T0 + 1;
	db_writer_proc(w, &p);

	ck_assert_int_eq(db_writer_error(w), 0);
	ck_assert_msg(db_writer_finish(w, msg) == 0, "finish: %s", msg);
	ck_assert_int_eq(db_run_end(db, run_id, T0 + 5000000000LL, 3, n, 9), 0);
	return run_id;
}

static sqlite3 *raw_open(void)
{
	sqlite3 *c = NULL;

	ck_assert_int_eq(sqlite3_open_v2(logpath, &c, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	return c;
}

static int64_t q_int(sqlite3 *c, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	ck_assert_msg(sqlite3_prepare_v2(c, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(c));
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: %s", sql, sqlite3_errmsg(c));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row as text, copied into buf ("" for NULL). */
static const char *q_text(sqlite3 *c, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st;
	const unsigned char *s;

	ck_assert_msg(sqlite3_prepare_v2(c, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(c));
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: %s", sql, sqlite3_errmsg(c));
	s = sqlite3_column_text(st, 0);
	snprintf(buf, size, "%s", s ? (const char *)s : "");
	sqlite3_finalize(st);
	return buf;
}

static void raw_exec(sqlite3 *c, const char *sql)
{
	ck_assert_msg(sqlite3_exec(c, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(c));
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* ============================================================ writer */

#define N_BIG 100000

START_TEST(test_writer_100k)
{
	char text[512], want[512], sql[256];
	long n_formatted = 0;
	int64_t run_id, n_paths = 0, n_etc_like = 0, n_rewritten = 0, first_seq;
	sqlite3_stmt *st;
	struct db *db;
	sqlite3 *c;
	struct gen g;
	int i, rc;

	db = open_or_fail(DB_OPEN_CREATE);
	run_id = write_run(db, 0, N_BIG, &n_formatted);
	ck_assert_int_eq(run_id, 1);
	db_close(db);
	ck_assert_int_eq(n_formatted, N_BIG);

	for (i = 0; i < N_BIG; i++) {
		gen_call(i, &g);
		n_rewritten += gen_is_rewritten(i, &g.call);
		n_paths += g.call.path_mask != 0;
		n_etc_like += g.call.path_mask != 0 && !strncasecmp(g.path, "/etc/", 5);
	}

	c = raw_open();
	ck_assert_int_eq(q_int(c, "PRAGMA application_id"), DB_APPLICATION_ID);
	ck_assert_int_eq(q_int(c, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	q_text(c, "PRAGMA journal_mode", text, sizeof(text));
	ck_assert_str_eq(text, "wal");
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM call"), N_BIG);
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM syscall"), N_BIG);
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM path"), n_paths);

	/* Order kept, seq contiguous, every column as written. */
	first_seq = q_int(c, "SELECT min(seq) FROM call");
	ck_assert_int_eq(q_int(c, "SELECT seq_first FROM run"), first_seq);
	ck_assert_int_eq(q_int(c, "SELECT seq_last FROM run"), first_seq + N_BIG - 1);
	ck_assert_int_eq(sqlite3_prepare_v2(c,
					    "SELECT seq, pid, tid, abi, nr, arg0, arg5, args, ret,"
					    " t_enter, t_exit, action, name, arg3 IS NULL"
					    " FROM syscall ORDER BY seq",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (i = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; i++) {
		const unsigned char *args = sqlite3_column_text(st, 7);
		const unsigned char *name = sqlite3_column_text(st, 12);

		gen_call(i, &g);
		ck_assert_int_eq(sqlite3_column_int64(st, 0), first_seq + i);
		ck_assert_int_eq(sqlite3_column_int(st, 1), g.call.pid);
		ck_assert_int_eq(sqlite3_column_int(st, 2), g.call.tid);
		ck_assert_int_eq(sqlite3_column_int(st, 3), g.call.abi);
		ck_assert_int_eq(sqlite3_column_int(st, 4), g.call.nr);
		if (g.call.nargs)
			ck_assert_int_eq(sqlite3_column_int64(st, 5), (int64_t)g.call.args[0]);
		else
			ck_assert_int_eq(sqlite3_column_type(st, 5), SQLITE_NULL);
		ck_assert_int_eq(sqlite3_column_type(st, 6) == SQLITE_NULL, g.call.nargs < 6);
		ck_assert_int_eq(sqlite3_column_int(st, 13), g.call.nargs < 4);
		expected_text(i, want, sizeof(want));
		ck_assert_str_eq((const char *)args, want);
		if (gen_returned(&g.call)) {
			ck_assert_int_eq(sqlite3_column_int64(st, 8), g.call.ret);
			ck_assert_int_eq(sqlite3_column_int64(st, 10), g.call.t_exit);
		} else {
			ck_assert_int_eq(sqlite3_column_type(st, 8), SQLITE_NULL);
			ck_assert_int_eq(sqlite3_column_type(st, 10), SQLITE_NULL);
		}
		ck_assert_int_eq(sqlite3_column_int64(st, 9), g.call.t_enter);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 11),
				 g.call.action == DB_ACTION_PASS ? "pass" : "rewrite");
		switch (i % 5) {
		case 0:
			ck_assert_str_eq((const char *)name, "getppid");
			break;
		case 1:
			ck_assert_str_eq((const char *)name, "openat");
			break;
		case 3:
			ck_assert_str_eq((const char *)name, "open");
			break;
		case 4:
			ck_assert_str_eq((const char *)name, "syscall_0x3e7");
			break;
		}
	}
	ck_assert_int_eq(rc, SQLITE_DONE);
	ck_assert_int_eq(i, N_BIG);
	sqlite3_finalize(st);

	/* Empty args text is stored as NULL, tid as NULL when it is the pid. */
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM call WHERE args IS NULL"), N_BIG / 5);
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM call WHERE tid IS NULL"),
			 N_BIG - N_BIG / 8);

	/* Paths: without their NUL, pointing at their call and argument. */
	q_text(c, "SELECT path FROM path WHERE seq = (SELECT min(seq) + 1 FROM call)", text,
	       sizeof(text));
	ck_assert_str_eq(text, "/usr/lib/f1");
	q_text(c, "SELECT path FROM path WHERE seq = (SELECT min(seq) + 6 FROM call)", text,
	       sizeof(text));
	ck_assert_str_eq(text, "/etc/f6");
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM path WHERE length(path) != "
				  "length(CAST(path AS BLOB))"),
			 0);
	/* Rewritten paths: the path after the second NUL, the path itself kept. */
	ck_assert_int_gt(n_rewritten, 1000);
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM path WHERE rewritten IS NOT NULL"),
			 n_rewritten);
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM path WHERE rewritten = '/s/upper' || path"),
			 n_rewritten);
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM path AS p JOIN call AS c USING (seq)"
				  " WHERE (c.abi = 0 AND p.arg != 1)"
				  " OR (c.abi = 1 AND p.arg != 0)"),
			 0);

	/* The LIKE query is answered from the index. */
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM path WHERE path LIKE '/etc/%'"),
			 n_etc_like);
	ck_assert_int_eq(sqlite3_prepare_v2(c,
					    "EXPLAIN QUERY PLAN SELECT s.name, s.args FROM syscall"
					    " AS s JOIN path AS p ON p.seq = s.seq"
					    " WHERE p.path LIKE '/etc/%'",
					    -1, &st, NULL),
			 SQLITE_OK);
	text[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(text, (const char *)sqlite3_column_text(st, 3),
			sizeof(text) - strlen(text) - 2);
		strcat(text, ";");
	}
	sqlite3_finalize(st);
	ck_assert_msg(strstr(text, "SEARCH p USING COVERING INDEX path_by_path"
				   " (path>? AND path<?)"),
		      "plan: %s", text);
	ck_assert_msg(!strstr(text, "SCAN c") && !strstr(text, "SCAN p"), "plan: %s", text);

	/* The run, its argv quoted for a shell. */
	q_text(c, "SELECT argv FROM run", text, sizeof(text));
	ck_assert_str_eq(text, "prog 'a b' 'it'\\''s' $'x\\ny' ''");
	ck_assert_int_eq(q_int(c, "SELECT t_end FROM run"), T0 + 5000000000LL);
	ck_assert_int_eq(q_int(c, "SELECT exit_status FROM run"), 3);
	ck_assert_int_eq(q_int(c, "SELECT n_calls FROM run"), N_BIG);
	q_text(c, "SELECT kernel_release || ' ' || pcow_version || ' ' || options || ' ' || cwd"
		  " FROM run",
	       text, sizeof(text));
	ck_assert_str_eq(text, "6.1.0-test 0.1.0 --cow / /home/u");

	/* Processes and execs. */
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM process"), 9);
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM process WHERE t_end IS NOT NULL"), 5);
	ck_assert_int_eq(q_int(c, "SELECT exit_status FROM process WHERE pid = 1002"), 2);
	ck_assert_int_eq(q_int(c, "SELECT tgid FROM process WHERE pid = 1101"), 1001);
	ck_assert_int_eq(q_int(c, "SELECT ppid FROM process WHERE pid = 1003"), 1000);
	ck_assert_int_eq(q_int(c, "SELECT exit_status FROM process WHERE pid = 4242"
				  " AND t_start IS NULL"),
			 137);
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM exec"), 1);
	q_text(c, "SELECT filename || '|' || argv FROM exec", text, sizeof(text));
	ck_assert_str_eq(text, "/bin/true|true '--x y'");
	snprintf(sql, sizeof(sql), "SELECT seq - %lld FROM exec", (long long)first_seq);
	ck_assert_int_eq(q_int(c, sql), N_BIG / 2);

	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM sysname"), 5);
	sqlite3_close(c);
}
END_TEST

START_TEST(test_writer_record_larger_than_ring)
{
	const size_t big_len = 9u << 20, path_len = 6u << 20;
	unsigned char *big = malloc(big_len);
	char *path = malloc(path_len + 1);
	const struct db_run_info info = { .argv = NULL, .t_start = T0 };
	char text[128], want[128], msg[DB_ERRMSG_SIZE];
	struct db_writer *w;
	struct db_call call;
	const void *blobs[6] = { NULL };
	int64_t run_id, n_paths;
	struct db *db;
	struct gen g;
	sqlite3 *c;

	ck_assert_ptr_nonnull(big);
	ck_assert_ptr_nonnull(path);
	for (size_t i = 0; i < big_len; i++)
		big[i] = (unsigned char)(i * 7 + (i >> 13));
	memset(path, 'p', path_len);
	memcpy(path, "/big/", 5);
	path[path_len] = '\0';

	db = open_or_fail(DB_OPEN_CREATE);
	ck_assert_int_eq(db_run_begin(db, &info, &run_id), 0);
	ck_assert_int_eq(db_writer_start(db, run_id, test_format, NULL, &w), 0);
	for (int i = 0; i < 1000; i++) {
		gen_call(i, &g);
		db_writer_call(w, &g.call, g.blobs);
	}
	/* A write(2) of 9 MiB, then an open of a 6 MiB path. */
	memset(&call, 0, sizeof(call));
	call.pid = call.tid = 7;
	call.nr = 1;
	call.nargs = 3;
	call.args[2] = big_len;
	call.blob_len[1] = (uint32_t)big_len;
	call.blob_status[1] = 1;
	call.t_enter = call.t_exit = T0 + 1000 * 1000;
	blobs[1] = big;
	db_writer_call(w, &call, blobs);
	memset(&call, 0, sizeof(call));
	call.pid = call.tid = 7;
	call.nr = 2;
	call.nargs = 1;
	call.blob_len[0] = (uint32_t)path_len + 1;
	call.blob_status[0] = 1;
	call.path_mask = 1;
	call.t_enter = call.t_exit = T0 + 1001 * 1000;
	blobs[1] = NULL;
	blobs[0] = path;
	db_writer_call(w, &call, blobs);
	for (int i = 1002; i < 3000; i++) {
		gen_call(i, &g);
		db_writer_call(w, &g.call, g.blobs);
	}
	ck_assert_msg(db_writer_finish(w, msg) == 0, "finish: %s", msg);
	db_close(db);

	c = raw_open();
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM call"), 3000);
	/* Every record in order: the times are 0, 1000, 2000, ... */
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM call AS a JOIN call AS b"
				  " ON b.seq = a.seq + 1 WHERE b.t != a.t + 1000"),
			 0);
	snprintf(want, sizeof(want), "0, buf#%zu:%08x, %zu", big_len, fnv1a(big, big_len),
		 big_len);
	q_text(c, "SELECT args FROM call WHERE t = 1000000", text, sizeof(text));
	ck_assert_str_eq(text, want);
	ck_assert_int_eq(q_int(c, "SELECT length(path) FROM path WHERE path LIKE '/big/%'"),
			 (int64_t)path_len);
	ck_assert_int_eq(q_int(c, "SELECT length(args) FROM call WHERE t = 1001000"),
			 (int64_t)path_len + 2);
	n_paths = 1; /* the big one */
	for (int i = 0; i < 3000; i++) {
		gen_call(i, &g);
		n_paths += g.call.path_mask && i != 1000 && i != 1001;
	}
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM path"), n_paths);
	sqlite3_close(c);
	free(big);
	free(path);
}
END_TEST

/* The writer meets a full disk: the error sticks, nothing blocks. */
START_TEST(test_writer_sticky_error)
{
	const struct db_run_info info = { .argv = NULL, .t_start = T0 };
	char msg[DB_ERRMSG_SIZE];
	struct db_writer *w;
	int64_t run_id, pages, n;
	struct db *db;
	struct gen g;
	sqlite3 *c;
	char sql[64];
	int err, i;

	db = open_or_fail(DB_OPEN_CREATE);
	ck_assert_int_eq(db_run_begin(db, &info, &run_id), 0);
	/* SQLITE_FULL after a few batches. */
	pages = 0;
	{
		sqlite3_stmt *st;

		ck_assert_int_eq(sqlite3_prepare_v2(db->conn, "PRAGMA page_count", -1, &st, NULL),
				 SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		pages = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", (long long)pages + 400);
	ck_assert_int_eq(sqlite3_exec(db->conn, sql, NULL, NULL, NULL), SQLITE_OK);

	ck_assert_int_eq(db_writer_start(db, run_id, test_format, NULL, &w), 0);
	for (i = 0; i < 300000 && !db_writer_error(w); i++) {
		gen_call(i, &g);
		db_writer_call(w, &g.call, g.blobs);
	}
	/* More records after the error are dropped without blocking. */
	for (int k = 0; k < 100000; k++) {
		gen_call(k, &g);
		db_writer_call(w, &g.call, g.blobs);
	}
	err = db_writer_finish(w, msg);
	ck_assert_int_eq(err, -ENOSPC);
	ck_assert_msg(strstr(msg, "disk full") && strstr(msg, logpath), "message: %s", msg);
	db_close(db);

	/* What was committed before is still there, in order. */
	c = raw_open();
	n = q_int(c, "SELECT count(*) FROM call");
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, i);
	ck_assert_int_eq(q_int(c, "SELECT max(t) FROM call"), (n - 1) * 1000);
	sqlite3_close(c);
}
END_TEST

static void killed_child(int fd)
{
	const struct db_run_info info = { .argv = NULL, .t_start = T0 };
	struct db_writer *w;
	int64_t run_id;
	struct db *db;
	struct gen g;

	if (db_open(logpath, DB_OPEN_CREATE, &db, NULL) || db_run_begin(db, &info, &run_id) ||
	    db_writer_start(db, run_id, test_format, NULL, &w))
		_exit(1);
	for (int i = 0; i < 50000; i++) {
		gen_call(i, &g);
		db_writer_call(w, &g.call, g.blobs);
		if (i == 25000 && write(fd, "x", 1) != 1)
			_exit(1);
		if (i > 25000 && i % 500 == 0)
			usleep(1000);
	}
	for (;;)
		pause();
}

struct prefix_check {
	int64_t n;
	bool ok;
};

static int check_prefix(const struct db_call_row *row, void *opaque)
{
	struct prefix_check *pc = opaque;

	if (row->t_enter != T0 + pc->n * 1000)
		pc->ok = false;
	pc->n++;
	return 0;
}

/* How many calls another connection sees, polling up to 2 s for want. */
static int64_t wait_visible(int64_t want)
{
	int64_t n = -1;

	for (int tries = 0; tries < 400 && n != want; tries++) {
		sqlite3 *c = raw_open();

		n = q_int(c, "SELECT count(*) FROM call");
		sqlite3_close(c);
		if (n != want)
			usleep(5000);
	}
	return n;
}

/* A trickle of records is committed by the batch deadline, without finish. */
START_TEST(test_writer_commits_by_deadline)
{
	const struct db_run_info info = { .argv = NULL, .t_start = T0 };
	struct db_writer *w;
	int64_t run_id;
	struct db *db;
	struct gen g;

	db = open_or_fail(DB_OPEN_CREATE);
	ck_assert_int_eq(db_run_begin(db, &info, &run_id), 0);
	ck_assert_int_eq(db_writer_start(db, run_id, test_format, NULL, &w), 0);
	/* The writer is idle: one record must wake it. */
	usleep(100000);
	gen_call(0, &g);
	db_writer_call(w, &g.call, g.blobs);
	ck_assert_int_eq(wait_visible(1), 1);
	/* Then a few, one by one, while it dozes with a transaction open. */
	for (int i = 1; i <= 10; i++) {
		gen_call(i, &g);
		db_writer_call(w, &g.call, g.blobs);
		usleep(3000);
	}
	ck_assert_int_eq(wait_visible(11), 11);
	ck_assert_int_eq(db_writer_finish(w, NULL), 0);
	db_close(db);
}
END_TEST

/* Put (kind 1) or delete path through db's overlay writes. */
static void overlay_change(struct db *db, enum db_overlay_op op, const char *path)
{
	unsigned char buf[512];
	struct db_overlay_row row;
	size_t len;

	memset(&row, 0, sizeof(row));
	row.virt_path = path;
	row.kind = 1;
	row.origin = op == DB_OVERLAY_PUT ? "/real/origin" : NULL;
	ck_assert_uint_le(db_overlay_packed_size(&row), sizeof(buf));
	len = db_overlay_pack(op, &row, buf);
	ck_assert_uint_eq(len, op == DB_OVERLAY_PUT ? db_overlay_packed_size(&row)
						    : len);
	ck_assert_int_eq(db_overlay_apply(db, buf, len, NULL), 0);
}

static int collect_row(const struct db_overlay_row *row, void *opaque)
{
	char *out = opaque;

	strcat(out, row->virt_path);
	strcat(out, row->origin ? "=" : "-");
	strcat(out, " ");
	return 0;
}

/*
 * pcow trace hands the overlay index writes of the store's connection to
 * the log writer (db_set_log_writer): they are queued, run in order in the
 * writer's own transactions, and no connection waits on another's lock
 * (there is no busy timeout at all here; before, each such write made the
 * writer commit and waited for it).
 */
START_TEST(test_overlay_changes_through_writer)
{
	const struct db_run_info info = { .argv = NULL, .t_start = T0 };
	struct db_writer *w;
	struct db *db, *db2;
	char path[64], rows[4096] = "";
	int64_t run_id;
	uint64_t mark;
	struct gen g;
	int tries;

	db = open_or_fail(DB_OPEN_CREATE);
	db2 = open_or_fail(DB_OPEN_WRITE);
	sqlite3_busy_timeout(db2->conn, 0);
	ck_assert_int_eq(db_run_begin(db, &info, &run_id), 0);
	ck_assert_int_eq(db_writer_start(db, run_id, test_format, NULL, &w), 0);
	db_set_log_writer(db2, w);
	ck_assert_int_eq(db_overlay_set_state(db2, 1, 1), -EBUSY);
	ck_assert_int_eq(db_overlay_clear(db2), -EBUSY);
	for (int i = 0; i < 20000; i++) {
		gen_call(i, &g);
		db_writer_call(w, &g.call, g.blobs);
		if (i % 2000 != 250)
			continue;
		snprintf(path, sizeof(path), "/f%d", i);
		overlay_change(db2, DB_OVERLAY_PUT, path);
		overlay_change(db2, DB_OVERLAY_PUT, "/tmp/x");
		overlay_change(db2, DB_OVERLAY_DELETE, "/tmp/x");
	}
	overlay_change(db2, DB_OVERLAY_DELETE, "/f4250");
	mark = db_overlay_mark(db2);
	ck_assert_uint_gt(mark, 0);
	for (tries = 0; tries < 2000 && !db_overlay_durable(db2, mark); tries++)
		usleep(5000);
	ck_assert_msg(db_overlay_durable(db2, mark), "the writer never committed the changes");
	db_set_log_writer(db2, NULL);
	ck_assert(db_overlay_durable(db2, mark)); /* no writer: everything is */
	ck_assert_int_eq(db_writer_finish(w, NULL), 0);
	ck_assert_int_eq(db_overlay_load(db2, collect_row, rows), 0);
	ck_assert_str_eq(rows, "/f10250= /f12250= /f14250= /f16250= /f18250= /f2250= /f250= "
			       "/f6250= /f8250= ");
	db_close(db2);
	db_close(db);
}
END_TEST

/*
 * The changes of one cow operation (db_overlay_begin .. end) are never
 * committed apart: the writer passes its 50 ms deadline without
 * committing while a group is open.
 */
START_TEST(test_overlay_group_not_split)
{
	const struct db_run_info info = { .argv = NULL, .t_start = T0 };
	struct db_writer *w;
	struct db *db, *db2;
	int64_t run_id;
	uint64_t mark;
	int tries;

	db = open_or_fail(DB_OPEN_CREATE);
	db2 = open_or_fail(DB_OPEN_WRITE);
	ck_assert_int_eq(db_run_begin(db, &info, &run_id), 0);
	ck_assert_int_eq(db_writer_start(db, run_id, test_format, NULL, &w), 0);
	db_set_log_writer(db2, w);
	ck_assert_int_eq(db_overlay_begin(db2), 0);
	ck_assert_int_eq(db_overlay_begin(db2), 0); /* nested: one group */
	overlay_change(db2, DB_OVERLAY_PUT, "/a");
	ck_assert_int_eq(db_overlay_end(db2, true), 0);
	mark = db_overlay_mark(db2);
	usleep(200000); /* four deadlines */
	ck_assert(!db_overlay_durable(db2, mark));
	overlay_change(db2, DB_OVERLAY_PUT, "/b");
	ck_assert_int_eq(db_overlay_end(db2, true), 0);
	mark = db_overlay_mark(db2);
	for (tries = 0; tries < 2000 && !db_overlay_durable(db2, mark); tries++)
		usleep(5000);
	ck_assert(db_overlay_durable(db2, mark));
	db_set_log_writer(db2, NULL);
	ck_assert_int_eq(db_writer_finish(w, NULL), 0);
	db_close(db2);
	db_close(db);
}
END_TEST

/* A packed change comes back as it went in; damaged bytes are refused. */
START_TEST(test_overlay_pack_roundtrip)
{
	struct db_overlay_row row, back;
	unsigned char buf[256];
	enum db_overlay_op op;
	size_t len;

	memset(&row, 0, sizeof(row));
	row.id = 42;
	row.virt_path = "/usr/include/stdio.h";
	row.kind = 7;
	row.origin = "/old";
	row.has_orig = true;
	row.orig_dev = -1;
	row.orig_ino = 123456789012345LL;
	row.orig_size = 77;
	row.orig_mtime_ns = 1700000000123456789LL;
	row.orig_hash = 0xfedcba9876543210ULL;
	row.orig_mode = 040755;
	row.orig_uid = 65534;
	row.orig_gid = 7;
	row.state = 2;
	len = db_overlay_pack(DB_OVERLAY_PUT, &row, buf);
	ck_assert_uint_eq(len, db_overlay_packed_size(&row));
	ck_assert_int_eq(db_overlay_unpack(buf, len, &op, &back), 0);
	ck_assert_int_eq(op, DB_OVERLAY_PUT);
	ck_assert_str_eq(back.virt_path, row.virt_path);
	ck_assert_str_eq(back.origin, row.origin);
	ck_assert(back.id == row.id && back.kind == row.kind && back.has_orig &&
		  back.orig_dev == row.orig_dev && back.orig_ino == row.orig_ino &&
		  back.orig_size == row.orig_size && back.orig_mtime_ns == row.orig_mtime_ns &&
		  back.orig_hash == row.orig_hash && back.orig_mode == row.orig_mode &&
		  back.orig_uid == row.orig_uid && back.orig_gid == row.orig_gid &&
		  back.state == row.state);
	ck_assert_int_eq(db_overlay_unpack(buf, len - 1, &op, &back), -EBADMSG);
	ck_assert_int_eq(db_overlay_unpack(buf, 8, &op, &back), -EBADMSG);
	buf[len - 1] = 'x'; /* the origin's NUL */
	ck_assert_int_eq(db_overlay_unpack(buf, len, &op, &back), -EBADMSG);
	row.origin = NULL;
	len = db_overlay_pack(DB_OVERLAY_DELETE, &row, buf);
	ck_assert_int_eq(db_overlay_unpack(buf, len, &op, &back), 0);
	ck_assert_int_eq(op, DB_OVERLAY_DELETE);
	ck_assert_str_eq(back.virt_path, row.virt_path);
	ck_assert_ptr_null(back.origin);
}
END_TEST

START_TEST(test_writer_sigkill_keeps_prefix)
{
	struct prefix_check pc = { 0, true };
	struct db_call_filter filter;
	char msg[DB_ERRMSG_SIZE], text[64];
	int fds[2], status;
	int64_t n = 0;
	struct db *db;
	pid_t child;
	char ch;
	sqlite3 *c;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(fds[0]);
		killed_child(fds[1]);
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &ch, 1), 1);
	close(fds[0]);

	/* Kill it as soon as a batch is committed, while it still writes. */
	for (int tries = 0; tries < 4000 && n == 0; tries++) {
		sqlite3_stmt *st;

		c = NULL;
		if (sqlite3_open_v2(logpath, &c, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(c, "SELECT count(*) FROM call", -1, &st, NULL) ==
			    SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				n = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
		sqlite3_close(c);
		if (n == 0)
			usleep(5000);
	}
	ck_assert_int_gt(n, 0);
	kill(child, SIGKILL);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	ck_assert_msg(db_open(logpath, DB_OPEN_READONLY, &db, msg) == 0, "reopen: %s", msg);
	memset(&filter, 0, sizeof(filter));
	ck_assert_int_eq(db_calls(db, &filter, check_prefix, &pc, msg), 0);
	db_close(db);
	ck_assert_int_ge(pc.n, n);
	ck_assert_int_le(pc.n, 50000);
	ck_assert_msg(pc.ok, "the calls are not a prefix of what was written");

	c = raw_open();
	q_text(c, "PRAGMA integrity_check", text, sizeof(text));
	ck_assert_str_eq(text, "ok");
	sqlite3_close(c);
}
END_TEST

static int count_calls(const struct db_call_row *row, void *opaque)
{
	++*(long *)opaque;
	return 0;
}

START_TEST(test_writer_busy_and_empty_run)
{
	const struct db_run_info info = { .argv = NULL, .t_start = T0 };
	struct db_writer *w, *w2;
	struct db_call_filter filter;
	int64_t run_id, run2;
	struct db *db;
	long n = 0;

	db = open_or_fail(DB_OPEN_CREATE);
	ck_assert_int_eq(db_run_begin(db, &info, &run_id), 0);
	ck_assert_int_eq(db_writer_start(db, run_id, NULL, NULL, &w), 0);
	ck_assert_int_eq(db_writer_start(db, run_id, NULL, NULL, &w2), -EBUSY);
	ck_assert_int_eq(db_run_begin(db, &info, &run2), -EBUSY);
	ck_assert_int_eq(db_writer_finish(w, NULL), 0);
	ck_assert_int_eq(db_run_end(db, run_id, T0 + 1, 0, 0, 0), 0);
	ck_assert_int_eq(db_run_end(db, 99, T0 + 1, 0, 0, 0), -ENOENT);
	ck_assert_int_eq(db_writer_start(db, 99, NULL, NULL, &w), -ENOENT);
	memset(&filter, 0, sizeof(filter));
	ck_assert_int_eq(db_calls(db, &filter, count_calls, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	db_close(db);

	/* A read-only database gets no writer. */
	ck_assert_int_eq(db_open(logpath, DB_OPEN_READONLY, &db, NULL), 0);
	ck_assert_int_eq(db_writer_start(db, run_id, NULL, NULL, &w), -EROFS);
	db_close(db);
}
END_TEST

/* ------------------------------------------------------------ stacks */

struct frames_seen {
	int n;
	struct db_frame_row rows[8];
	char text[8][128]; /* module|symbol|build_id copies */
};

static int collect_frame(const struct db_frame_row *f, void *opaque)
{
	struct frames_seen *fs = opaque;

	if (fs->n < 8) {
		fs->rows[fs->n] = *f;
		snprintf(fs->text[fs->n], sizeof(fs->text[0]), "%s|%s|%s",
			 f->module ? f->module : "-", f->symbol ? f->symbol : "-",
			 f->build_id ? f->build_id : "-");
	}
	fs->n++;
	return 0;
}

static int collect_stack_ids(const struct db_call_row *row, void *opaque)
{
	int64_t *ids = opaque;

	ids[ids[0] + 1] = row->stack_id;
	ids[0]++;
	return 0;
}

/* Two runs: modules and stacks queued before the calls that use them. */
static void write_stack_run(struct db *db, int64_t *ret_run_id)
{
	const struct db_run_info info = { .argv = NULL, .t_start = T0 };
	const struct db_module libc = { 1, "/lib/libc.so.6", "abcd" };
	const struct db_module prog = { 2, "/bin/prog", NULL };
	const struct db_frame f1[] = {
		{ 0x10f9cb, 0x1b, 1, "open64" },
		{ 0x1189, 4, 2, "stack_b" },
		{ 0x1200, 0, 2, NULL },
		{ 0x7fff0000, 0, 0, NULL },
	};
	const struct db_frame f2[] = { { 0x1300, 0, 2, "main" } };
	const void *blobs[6] = { NULL };
	struct db_writer *w;
	struct db_call c;

	ck_assert_int_eq(db_run_begin(db, &info, ret_run_id), 0);
	ck_assert_int_eq(db_writer_start(db, *ret_run_id, NULL, NULL, &w), 0);
	db_writer_module(w, &libc);
	db_writer_module(w, &prog);
	db_writer_stack(w, 1, f1, 4);
	db_writer_stack(w, 2, f2, 1);
	for (int i = 0; i < 4; i++) {
		memset(&c, 0, sizeof(c));
		c.t_enter = c.t_exit = T0 + i;
		c.pid = c.tid = 100;
		c.nr = NR_GETPPID;
		c.stack_id = i == 3 ? 2 : i == 2 ? 0 : 1;
		db_writer_call(w, &c, blobs);
	}
	ck_assert_int_eq(db_writer_finish(w, NULL), 0);
	ck_assert_int_eq(db_run_end(db, *ret_run_id, T0 + 10, 0, 4, 1), 0);
}

START_TEST(test_writer_stacks)
{
	struct db_call_filter filter;
	struct db_stack_reader *r;
	struct frames_seen fs;
	int64_t ids[8] = { 0 }, run1, run2;
	struct db *db;

	db = open_or_fail(DB_OPEN_CREATE);
	write_stack_run(db, &run1);
	write_stack_run(db, &run2);

	memset(&filter, 0, sizeof(filter));
	filter.run_id = run2;
	ck_assert_int_eq(db_calls(db, &filter, collect_stack_ids, ids, NULL), 0);
	ck_assert_int_eq(ids[0], 4);
	ck_assert_int_gt(ids[1], 0);
	ck_assert_int_eq(ids[2], ids[1]); /* the same stack, one row */
	ck_assert_int_eq(ids[3], 0);	  /* no stack */
	ck_assert_int_gt(ids[4], 0);
	ck_assert_int_ne(ids[4], ids[1]);

	ck_assert_int_eq(db_stack_reader_open(db, &r, NULL), 0);
	memset(&fs, 0, sizeof(fs));
	ck_assert_int_eq(db_stack_frames(r, ids[1], collect_frame, &fs, NULL), 0);
	ck_assert_int_eq(fs.n, 4);
	ck_assert_str_eq(fs.text[0], "/lib/libc.so.6|open64|abcd");
	ck_assert_uint_eq(fs.rows[0].offset, 0x1b);
	ck_assert_uint_eq(fs.rows[0].addr, 0x10f9cb);
	ck_assert_str_eq(fs.text[1], "/bin/prog|stack_b|-");
	ck_assert_str_eq(fs.text[2], "/bin/prog|-|-");
	ck_assert_uint_eq(fs.rows[2].addr, 0x1200);
	ck_assert_str_eq(fs.text[3], "-|-|-");
	ck_assert_uint_eq(fs.rows[3].addr, 0x7fff0000);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(fs.rows[i].level, i);
	memset(&fs, 0, sizeof(fs));
	ck_assert_int_eq(db_stack_frames(r, ids[4], collect_frame, &fs, NULL), 0);
	ck_assert_int_eq(fs.n, 1);
	ck_assert_str_eq(fs.text[0], "/bin/prog|main|-");
	memset(&fs, 0, sizeof(fs));
	ck_assert_int_eq(db_stack_frames(r, 12345, collect_frame, &fs, NULL), 0);
	ck_assert_int_eq(fs.n, 0);
	db_stack_reader_close(r);
	db_stack_reader_close(NULL);

	/* Modules are shared by the runs; stacks belong to each. */
	ck_assert_int_eq(q_int(db->conn, "SELECT count(*) FROM module"), 2);
	ck_assert_int_eq(q_int(db->conn, "SELECT count(*) FROM stack"), 4);
	ck_assert_int_eq(q_int(db->conn, "SELECT count(*) FROM frame"), 10);
	ck_assert_int_eq(q_int(db->conn, "SELECT count(*) FROM syscall WHERE stack_id IS NULL"), 2);
	db_close(db);
}
END_TEST

/* =========================================================== readers */

#define N_RUN1 3000
#define N_RUN2 500

struct collect {
	int first; /* the run's first i */
	int n;
	int idx[N_RUN1 + N_RUN2];
	int64_t last_seq;
	bool ordered;
	bool fields_ok;
	char why[256];
};

/* row->rewritten[] as gen_call made it: the path after the second NUL. */
static bool rewritten_ok(int i, const struct gen *g, const struct db_call_row *row)
{
	char want[96];

	for (int k = 0; k < 6; k++)
		if (row->rewritten[k] && !(k == 1 && gen_is_rewritten(i, &g->call)))
			return false;
	if (!gen_is_rewritten(i, &g->call))
		return true;
	snprintf(want, sizeof(want), "/s/upper%s", g->path);
	return row->rewritten[1] && !strcmp(row->rewritten[1], want);
}

static int collect_call(const struct db_call_row *row, void *opaque)
{
	struct collect *col = opaque;
	char want[512];
	int i = (int)((row->t_enter - T0) / 1000);
	struct gen g;
	const char *name = NULL;

	if (row->seq <= col->last_seq)
		col->ordered = false;
	col->last_seq = row->seq;
	if (col->n < (int)(sizeof(col->idx) / sizeof(col->idx[0])))
		col->idx[col->n++] = i;

	gen_call(i, &g);
	expected_text(i, want, sizeof(want));
	switch (i % 5) {
	case 0:
		name = "getppid";
		break;
	case 1:
		name = "openat";
		break;
	case 2:
		name = "read";
		break;
	case 3:
		name = "open";
		break;
	}
	if (row->pid != g.call.pid || row->tid != g.call.tid || row->abi != g.call.abi ||
	    row->nr != g.call.nr || row->nargs != g.call.nargs ||
	    memcmp(row->args, g.call.args, sizeof(row->args)) ||
	    strcmp(row->args_text, want) || row->returned != gen_returned(&g.call) ||
	    (row->returned && row->ret != g.call.ret) || (!row->returned && row->ret != 0) ||
	    row->t_exit != g.call.t_exit || row->action != g.call.action ||
	    (name ? !row->name || strcmp(row->name, name) : row->name != NULL) ||
	    !rewritten_ok(i, &g, row)) {
		if (col->fields_ok)
			snprintf(col->why, sizeof(col->why),
				 "call %d: pid %d tid %d nr %d text '%s'", i, row->pid, row->tid,
				 row->nr, row->args_text);
		col->fields_ok = false;
	}
	return 0;
}

typedef bool (*match_fn)(const struct db_call *c, int i, const void *arg);

static void expect_calls(struct db *db, const struct db_call_filter *filter, int first, int n,
			 match_fn match, const void *arg)
{
	static struct collect col;
	char msg[DB_ERRMSG_SIZE];
	int k = 0;
	struct gen g;

	memset(&col, 0, sizeof(col));
	col.ordered = col.fields_ok = true;
	ck_assert_msg(db_calls(db, filter, collect_call, &col, msg) == 0, "db_calls: %s", msg);
	ck_assert_msg(col.ordered, "calls out of seq order");
	ck_assert_msg(col.fields_ok, "%s", col.why);
	for (int i = first; i < first + n; i++) {
		gen_call(i, &g);
		if (!match(&g.call, i, arg))
			continue;
		ck_assert_msg(k < col.n, "call %d missing", i);
		ck_assert_int_eq(col.idx[k], i);
		k++;
	}
	ck_assert_int_eq(col.n, k);
	ck_assert_int_gt(k, 0);
}

static bool match_all(const struct db_call *c, int i, const void *arg)
{
	return true;
}

static bool match_pid(const struct db_call *c, int i, const void *arg)
{
	int pid = *(const int *)arg;

	return c->pid == pid || c->tid == pid;
}

static bool match_failed(const struct db_call *c, int i, const void *arg)
{
	return gen_failed(c);
}

static bool match_openat_getppid(const struct db_call *c, int i, const void *arg)
{
	return c->abi == 0 && (c->nr == NR_OPENAT || c->nr == NR_GETPPID);
}

static bool match_open_any_abi(const struct db_call *c, int i, const void *arg)
{
	return c->nr == NR_OPEN_I386 && c->abi == 1;
}

static bool match_unknown(const struct db_call *c, int i, const void *arg)
{
	return c->nr == NR_UNKNOWN;
}

static bool match_etc_glob(const struct db_call *c, int i, const void *arg)
{
	return c->nr == NR_OPENAT && i % 2 == 0;
}

static bool match_upper_glob(const struct db_call *c, int i, const void *arg)
{
	return c->abi == 1;
}

static bool match_combined(const struct db_call *c, int i, const void *arg)
{
	return (c->pid == 1001 || c->tid == 1001) && gen_failed(c) && c->abi == 1;
}

static bool match_thread_paths(const struct db_call *c, int i, const void *arg)
{
	return c->tid == 1103 && c->path_mask && strchr("13579", '0' + i % 10) && i % 2 &&
	       c->abi == 0;
}

static int count_run(const struct db_run_row *run, void *opaque)
{
	int *n = opaque;

	++*n;
	if (*n == 1 && (run->id != 1 || !run->ended || run->exit_status != 3 ||
			run->n_calls != N_RUN1 ||
			strcmp(run->argv, "prog 'a b' 'it'\\''s' $'x\\ny' ''") ||
			strcmp(run->kernel_release, "6.1.0-test") || run->t_start != T0))
		return -EINVAL;
	return 0;
}

static int stop_at_third(const struct db_call_row *row, void *opaque)
{
	int *n = opaque;

	return ++*n == 3 ? -EINTR : 0;
}

START_TEST(test_readers)
{
	static const char *const two[] = { "openat", "getppid" };
	static const char *const open_name[] = { "open" };
	static const char *const unknown[] = { "syscall_0x3e7" };
	static const char *const bogus[] = { "no_such_call" };
	char msg[DB_ERRMSG_SIZE];
	struct db_call_filter f;
	int64_t latest;
	struct db *db;
	int pid, n_runs = 0;
	struct collect col;

	db = open_or_fail(DB_OPEN_CREATE);
	ck_assert_int_eq(write_run(db, 0, N_RUN1, NULL), 1);
	db_close(db);
	/* A second run appended to the same store. */
	db = open_or_fail(DB_OPEN_WRITE);
	ck_assert_int_eq(write_run(db, N_RUN1, N_RUN2, NULL), 2);
	db_close(db);

	db = open_or_fail(DB_OPEN_READONLY);
	ck_assert_int_eq(db_run_latest(db, &latest, NULL), 0);
	ck_assert_int_eq(latest, 2);
	ck_assert_int_eq(db_runs(db, count_run, &n_runs, msg), 0);
	ck_assert_int_eq(n_runs, 2);

	memset(&f, 0, sizeof(f));
	/* The latest run by default, then run 1. */
	expect_calls(db, &f, N_RUN1, N_RUN2, match_all, NULL);
	f.run_id = 1;
	expect_calls(db, &f, 0, N_RUN1, match_all, NULL);
	f.run_id = 2;
	expect_calls(db, &f, N_RUN1, N_RUN2, match_all, NULL);
	f.run_id = 3;
	memset(&col, 0, sizeof(col));
	ck_assert_int_eq(db_calls(db, &f, collect_call, &col, msg), -ENOENT);
	ck_assert_msg(strstr(msg, "no run 3: the log holds runs 1 to 2"), "%s", msg);
	ck_assert_int_eq(col.n, 0);
	f.run_id = 1;

	/* pid matches the process (all its threads) or one thread. */
	pid = 1002;
	f.pid = pid;
	expect_calls(db, &f, 0, N_RUN1, match_pid, &pid);
	pid = 1103;
	f.pid = pid;
	expect_calls(db, &f, 0, N_RUN1, match_pid, &pid);
	f.pid = 0;

	f.failed_only = true;
	expect_calls(db, &f, 0, N_RUN1, match_failed, NULL);
	f.failed_only = false;

	f.names = two;
	f.n_names = 2;
	expect_calls(db, &f, 0, N_RUN1, match_openat_getppid, NULL);
	f.names = open_name;
	f.n_names = 1;
	expect_calls(db, &f, 0, N_RUN1, match_open_any_abi, NULL);
	f.names = unknown;
	expect_calls(db, &f, 0, N_RUN1, match_unknown, NULL);
	f.names = bogus;
	memset(&col, 0, sizeof(col));
	ck_assert_int_eq(db_calls(db, &f, collect_call, &col, msg), 0);
	ck_assert_int_eq(col.n, 0);
	f.names = NULL;
	f.n_names = 0;

	/* GLOB is case-sensitive: /etc/ but not /ETC/. */
	f.path_glob = "/etc/*";
	expect_calls(db, &f, 0, N_RUN1, match_etc_glob, NULL);
	f.path_glob = "*upper*";
	expect_calls(db, &f, 0, N_RUN1, match_upper_glob, NULL);
	f.path_glob = "/ETC/upper[0-9]*";
	expect_calls(db, &f, 0, N_RUN1, match_upper_glob, NULL);
	f.path_glob = "/usr/lib/f*";
	pid = 1103;
	f.pid = pid;
	expect_calls(db, &f, 0, N_RUN1, match_thread_paths, NULL);
	f.path_glob = NULL;

	f.pid = 1001;
	f.failed_only = true;
	f.names = open_name;
	f.n_names = 1;
	expect_calls(db, &f, 0, N_RUN1, match_combined, NULL);

	/* Without process rows (a tracer that reported no tasks) pid still works. */
	db_close(db);
	{
		sqlite3 *c = raw_open();

		raw_exec(c, "DELETE FROM process WHERE pid IN (1002, 1103)");
		sqlite3_close(c);
	}
	db = open_or_fail(DB_OPEN_READONLY);
	memset(&f, 0, sizeof(f));
	f.run_id = 1;
	pid = 1002;
	f.pid = pid;
	expect_calls(db, &f, 0, N_RUN1, match_pid, &pid);
	pid = 1103;
	f.pid = pid;
	expect_calls(db, &f, 0, N_RUN1, match_pid, &pid);

	/* A callback's non-zero result stops the iteration and is returned. */
	memset(&f, 0, sizeof(f));
	n_runs = 0;
	ck_assert_int_eq(db_calls(db, &f, stop_at_third, &n_runs, msg), -EINTR);
	ck_assert_int_eq(n_runs, 3);
	db_close(db);
}
END_TEST

struct stat_expect {
	int64_t calls[2][1000], errors[2][1000], total[2][1000];
	int n_rows;
	int64_t last_total;
	bool ok;
	char why[128];
};

static int check_stat(const struct db_stat_row *row, void *opaque)
{
	struct stat_expect *e = opaque;
	const char *want_name = row->abi == 1 ? "open" : row->nr == NR_UNKNOWN ? NULL
						: names_x86_64[row->nr];

	if (e->n_rows++ && row->total_ns > e->last_total)
		e->ok = false;
	e->last_total = row->total_ns;
	if (row->abi > 1 || row->nr < 0 || row->nr >= 1000 ||
	    row->calls != e->calls[row->abi][row->nr] ||
	    row->errors != e->errors[row->abi][row->nr] ||
	    row->total_ns != e->total[row->abi][row->nr] ||
	    row->mean_ns != row->total_ns / row->calls ||
	    (want_name ? !row->name || strcmp(row->name, want_name) : row->name != NULL)) {
		snprintf(e->why, sizeof(e->why), "abi %d nr %d: %lld calls %lld errors %lld ns",
			 row->abi, row->nr, (long long)row->calls, (long long)row->errors,
			 (long long)row->total_ns);
		e->ok = false;
	}
	return 0;
}

START_TEST(test_stats)
{
	static struct stat_expect e;
	char msg[DB_ERRMSG_SIZE];
	struct db *db;
	struct gen g;

	db = open_or_fail(DB_OPEN_CREATE);
	write_run(db, 0, N_RUN1, NULL);
	write_run(db, N_RUN1, N_RUN2, NULL);

	for (int run = 1; run <= 2; run++) {
		int first = run == 1 ? 0 : N_RUN1, n = run == 1 ? N_RUN1 : N_RUN2;

		memset(&e, 0, sizeof(e));
		e.ok = true;
		for (int i = first; i < first + n; i++) {
			gen_call(i, &g);
			e.calls[g.call.abi][g.call.nr]++;
			e.errors[g.call.abi][g.call.nr] += gen_failed(&g.call);
			if (gen_returned(&g.call))
				e.total[g.call.abi][g.call.nr] += g.call.t_exit - g.call.t_enter;
		}
		ck_assert_int_eq(db_stats(db, run == 1 ? 1 : 0, check_stat, &e, msg), 0);
		ck_assert_msg(e.ok, "%s", e.why[0] ? e.why : "not sorted by time");
		ck_assert_int_eq(e.n_rows, 5);
	}
	ck_assert_int_eq(db_stats(db, 7, check_stat, &e, msg), -ENOENT);
	db_close(db);
}
END_TEST

/* ========================================================== bad files */

static void expect_open_fails(int want, const char *want_text)
{
	char msg[DB_ERRMSG_SIZE];
	struct db *db = (struct db *)&db;
	int err;

	err = db_open(logpath, DB_OPEN_READONLY, &db, msg);
	ck_assert_msg(err == want, "db_open: %d (want %d): %s", err, want, msg);
	ck_assert_ptr_null(db);
	ck_assert_msg(strstr(msg, logpath) && strstr(msg, want_text), "message: '%s'", msg);
}

START_TEST(test_open_missing_and_odd)
{
	char msg[DB_ERRMSG_SIZE];
	struct db *db;

	expect_open_fails(-ENOENT, "No such file");
	ck_assert_int_eq(db_open(logpath, DB_OPEN_WRITE, &db, msg), -ENOENT);
	write_file(logpath, "", 0);
	expect_open_fails(-EPROTO, "not a pcow log (an empty file)");
	unlink(logpath);
	ck_assert_int_eq(mkdir(logpath, 0755), 0);
	expect_open_fails(-EISDIR, "is a directory");
	rmdir(logpath);
	/* An empty file becomes a log when created. */
	write_file(logpath, "", 0);
	db = open_or_fail(DB_OPEN_CREATE);
	db_close(db);
	db = open_or_fail(DB_OPEN_READONLY);
	db_close(db);
	db = open_or_fail(DB_OPEN_CREATE);
	db_close(db);
}
END_TEST

START_TEST(test_open_text_and_random)
{
	char text[8192];
	unsigned int seed = 12345;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = "hello, world\n"[i % 13];
	write_file(logpath, text, sizeof(text));
	expect_open_fails(-EBADMSG, "file is not a database or is corrupt");
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)rand_r(&seed);
	write_file(logpath, text, sizeof(text));
	expect_open_fails(-EBADMSG, "file is not a database or is corrupt");
	/* Even with DB_OPEN_CREATE nothing is written over it. */
	{
		char msg[DB_ERRMSG_SIZE];
		struct db *db;
		struct stat st;

		ck_assert_int_eq(db_open(logpath, DB_OPEN_CREATE, &db, msg), -EBADMSG);
		ck_assert_int_eq(stat(logpath, &st), 0);
		ck_assert_int_eq(st.st_size, sizeof(text));
	}
}
END_TEST

START_TEST(test_open_foreign_sqlite)
{
	char msg[DB_ERRMSG_SIZE];
	struct db *db;
	sqlite3 *c;

	c = NULL;
	ck_assert_int_eq(sqlite3_open(logpath, &c), SQLITE_OK);
	raw_exec(c, "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('hi')");
	sqlite3_close(c);
	expect_open_fails(-EPROTO, "not a pcow log (application_id 0x0)");
	ck_assert_int_eq(db_open(logpath, DB_OPEN_CREATE, &db, msg), -EPROTO);

	ck_assert_int_eq(sqlite3_open(logpath, &c), SQLITE_OK);
	raw_exec(c, "PRAGMA application_id = 305419896");
	sqlite3_close(c);
	expect_open_fails(-EPROTO, "not a pcow log (application_id 0x12345678)");

	/* An empty SQLite database is not a log either (unless created). */
	unlink(logpath);
	ck_assert_int_eq(sqlite3_open(logpath, &c), SQLITE_OK);
	raw_exec(c, "PRAGMA user_version = 0; CREATE TABLE t(x); DROP TABLE t;");
	sqlite3_close(c);
	expect_open_fails(-EPROTO, "not a pcow log");
}
END_TEST

START_TEST(test_open_other_version)
{
	char sql[128];
	struct db *db;
	sqlite3 *c;

	db = open_or_fail(DB_OPEN_CREATE);
	db_close(db);
	c = raw_open();
	raw_exec(c, "PRAGMA user_version = 7");
	sqlite3_close(c);
	expect_open_fails(-ERANGE, "schema version 7, this pcow reads version 3");
	{
		char msg[DB_ERRMSG_SIZE];

		ck_assert_int_eq(db_open(logpath, DB_OPEN_CREATE, &db, msg), -ERANGE);
	}

	/* Our application_id and version, but a table missing. */
	c = raw_open();
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d; DROP TABLE exec",
		 DB_SCHEMA_VERSION);
	raw_exec(c, sql);
	sqlite3_close(c);
	expect_open_fails(-EPROTO, "not a pcow log (table exec missing)");
}
END_TEST

/* A version 1 file: read as it is, migrated to 2 when opened for writing. */
START_TEST(test_open_version_1_migrates)
{
	char msg[DB_ERRMSG_SIZE];
	struct db_replay_run rr;
	struct db *db;
	sqlite3 *c;
	int64_t run_id = 0;

	db = open_or_fail(DB_OPEN_CREATE);
	db_close(db);
	c = raw_open();
	raw_exec(c, "DROP TABLE touch; DROP TABLE calldata; DROP TABLE divergence;"
		    " ALTER TABLE run DROP COLUMN uid; ALTER TABLE run DROP COLUMN gid;"
		    " ALTER TABLE run DROP COLUMN groups; ALTER TABLE run DROP COLUMN umask;"
		    " ALTER TABLE run DROP COLUMN replay; ALTER TABLE path DROP COLUMN rewritten;"
		    " INSERT INTO run(argv, t_start) VALUES ('old', 1);"
		    " PRAGMA user_version = 1");
	sqlite3_close(c);

	/* Read-only: the old tables read, the replay readers say why not. */
	ck_assert_int_eq(db_open(logpath, DB_OPEN_READONLY, &db, msg), 0);
	ck_assert_int_eq(db_run_latest(db, &run_id, msg), 0);
	ck_assert_int_eq(run_id, 1);
	ck_assert_int_eq(db_replay_run(db, 0, &rr, msg), -EPROTO);
	ck_assert_msg(strstr(msg, "older pcow"), "%s", msg);
	db_close(db);

	/* Writable: migrated in place, the run kept, the new tables there. */
	ck_assert_int_eq(db_open(logpath, DB_OPEN_WRITE, &db, msg), 0);
	ck_assert_int_eq(db_replay_run(db, 0, &rr, msg), 0);
	ck_assert_str_eq(rr.argv, "old");
	ck_assert(!rr.replay);
	db_replay_run_free(&rr);
	db_close(db);
	c = raw_open();
	{
		sqlite3_stmt *st;

		ck_assert_int_eq(sqlite3_prepare_v2(c, "PRAGMA user_version", -1, &st, NULL),
				 SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(st, 0), DB_SCHEMA_VERSION);
		sqlite3_finalize(st);
	}
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM path WHERE rewritten IS NULL"), 0);
	sqlite3_close(c);
}
END_TEST

static int count_rewritten(const struct db_call_row *row, void *opaque)
{
	int *n = opaque;

	for (int i = 0; i < 6; i++)
		n[row->rewritten[i] ? 1 : 0]++;
	return 0;
}

/*
 * A version 2 file (no path.rewritten): its calls read as they are, the
 * column added when it is opened for writing, the old rows without it.
 */
START_TEST(test_open_version_2_migrates)
{
	char msg[DB_ERRMSG_SIZE];
	struct db_call_filter f;
	struct db *db;
	sqlite3 *c;
	int n[2] = { 0, 0 };

	db = open_or_fail(DB_OPEN_CREATE);
	ck_assert_int_eq(write_run(db, 0, 100, NULL), 1);
	db_close(db);
	c = raw_open();
	raw_exec(c, "ALTER TABLE path DROP COLUMN rewritten; PRAGMA user_version = 2");
	sqlite3_close(c);

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(db_open(logpath, DB_OPEN_READONLY, &db, msg), 0);
	ck_assert_int_eq(db_calls(db, &f, count_rewritten, n, msg), 0);
	ck_assert_int_eq(n[0], 600);
	ck_assert_int_eq(n[1], 0);
	db_close(db);

	ck_assert_int_eq(db_open(logpath, DB_OPEN_WRITE, &db, msg), 0);
	ck_assert_int_eq(write_run(db, 100, 100, NULL), 2);
	db_close(db);
	c = raw_open();
	ck_assert_int_eq(q_int(c, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	ck_assert_int_eq(q_int(c, "SELECT count(*) FROM path AS p JOIN call AS c USING (seq)"
				  " WHERE c.run_id = 1 AND p.rewritten IS NOT NULL"),
			 0);
	ck_assert_int_gt(q_int(c, "SELECT count(*) FROM path AS p JOIN call AS c USING (seq)"
				  " WHERE c.run_id = 2 AND p.rewritten IS NOT NULL"),
			 0);
	sqlite3_close(c);
}
END_TEST

static void copy_prefix(const char *from, const char *to, off_t len)
{
	char *buf = malloc((size_t)len);
	int fd = open(from, O_RDONLY | O_CLOEXEC);

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, (size_t)len), len);
	close(fd);
	write_file(to, buf, (size_t)len);
	free(buf);
}

START_TEST(test_open_truncated)
{
	char full[PATH_MAX + 64], msg[DB_ERRMSG_SIZE];
	struct db_call_filter f;
	struct stat st;
	struct db *db;
	long n = 0;

	db = open_or_fail(DB_OPEN_CREATE);
	write_run(db, 0, 20000, NULL);
	db_close(db); /* checkpoints: everything is in log.db now */
	snprintf(full, sizeof(full), "%s/full.db", tmpdir);
	ck_assert_int_eq(rename(logpath, full), 0);
	ck_assert_int_eq(stat(full, &st), 0);
	ck_assert_int_gt(st.st_size, 100000);

	/* Half of it: the last pages of every table are gone. */
	copy_prefix(full, logpath, st.st_size / 2);
	expect_open_fails(-EBADMSG, "file is not a database or is corrupt");
	/*
	 * The same, with the header's page count marked stale (version-valid-for
	 * != change counter), so SQLite sizes the file by itself and reads the
	 * schema happily: only reading the tables' last pages finds the damage.
	 */
	{
		unsigned char hdr[100];
		int fd = open(logpath, O_RDWR | O_CLOEXEC);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(pread(fd, hdr, sizeof(hdr), 0), sizeof(hdr));
		hdr[95] = (unsigned char)(hdr[27] + 1);
		ck_assert_int_eq(pwrite(fd, hdr + 92, 4, 92), 4);
		close(fd);
	}
	expect_open_fails(-EBADMSG, "file is not a database or is corrupt");
	/* Cut inside the header. */
	copy_prefix(full, logpath, 60);
	expect_open_fails(-EBADMSG, "file is not a database or is corrupt");
	/* Only the first page. */
	copy_prefix(full, logpath, 4096);
	expect_open_fails(-EBADMSG, "file is not a database or is corrupt");

	/* Missing a few pages at the end only: open or reading must say so. */
	copy_prefix(full, logpath, st.st_size - 3 * 4096);
	if (db_open(logpath, DB_OPEN_READONLY, &db, msg) == 0) {
		memset(&f, 0, sizeof(f));
		ck_assert_int_eq(db_calls(db, &f, count_calls, &n, msg), -EBADMSG);
		db_close(db);
	}
	ck_assert_msg(strstr(msg, "file is not a database or is corrupt"), "%s", msg);
}
END_TEST

static Suite *db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc;

	tc = tcase_create("writer");
	tcase_add_unchecked_fixture(tc, make_root, remove_root);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_writer_100k);
	tcase_add_test(tc, test_writer_record_larger_than_ring);
	tcase_add_test(tc, test_writer_sticky_error);
	tcase_add_test(tc, test_writer_commits_by_deadline);
	tcase_add_test(tc, test_writer_sigkill_keeps_prefix);
	tcase_add_test(tc, test_overlay_changes_through_writer);
	tcase_add_test(tc, test_overlay_group_not_split);
	tcase_add_test(tc, test_overlay_pack_roundtrip);
	tcase_add_test(tc, test_writer_busy_and_empty_run);
	tcase_add_test(tc, test_writer_stacks);
	suite_add_tcase(s, tc);

	tc = tcase_create("readers");
	tcase_add_unchecked_fixture(tc, make_root, remove_root);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_readers);
	tcase_add_test(tc, test_stats);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_unchecked_fixture(tc, make_root, remove_root);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_open_missing_and_odd);
	tcase_add_test(tc, test_open_text_and_random);
	tcase_add_test(tc, test_open_foreign_sqlite);
	tcase_add_test(tc, test_open_other_version);
	tcase_add_test(tc, test_open_version_1_migrates);
	tcase_add_test(tc, test_open_version_2_migrates);
	tcase_add_test(tc, test_open_truncated);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(db_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
