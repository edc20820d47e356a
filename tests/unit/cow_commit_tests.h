/*
 * tests/unit/cow_commit_tests.h — the status/diff/commit/discard part of
 * check_cow.c (included there; shares its fixture and helpers).
 *
 * The central check: after a commit, the real tree equals the merged view
 * the overlay showed before it (snapshot() prints either, line by line:
 * path, type, mode, and content or link target).
 */
#include <stdint.h>

/* One line per object below virt (relative names), sorted; merged or real. */
static void snapshot(const char *virt, const char *rel, bool merged, FILE *out)
{
	char **names = NULL, path[COW_REAL_MAX], obj[COW_REAL_MAX], buf[256];
	size_t n = 0;
	struct stat st;

	if (merged) {
		struct cow_dir *d;

		ck_assert_int_eq(cow_dir_open(store, virt, &d), 0);
		names = calloc(cow_dir_count(d), sizeof(*names));
		for (size_t i = 2; i < cow_dir_count(d); i++)
			names[n++] = strdup(cow_dir_get(d, i)->name);
		cow_dir_close(d);
	} else {
		DIR *d = opendir(virt);
		struct dirent *de;

		ck_assert_ptr_nonnull(d);
		names = calloc(4096, sizeof(*names));
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				names[n++] = strdup(de->d_name);
		closedir(d);
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
				char *t = names[j];

				names[j] = names[j - 1];
				names[j - 1] = t;
			}
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", virt, names[i]);
		if (merged) {
			ck_assert_int_eq(cow_lookup(store, path, &lk), 0);
			ck_assert_msg(lk.where == COW_LOWER || lk.where == COW_UPPER, "%s", path);
			snprintf(obj, sizeof(obj), "%s", lk.real_path);
		} else {
			snprintf(obj, sizeof(obj), "%s", path);
		}
		ck_assert_int_eq(lstat(obj, &st), 0);
		fprintf(out, "%s/%s %o", rel, names[i], (unsigned)st.st_mode);
		if (S_ISREG(st.st_mode)) {
			fprintf(out, " [%s]", read_file(obj));
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t k = readlink(obj, buf, sizeof(buf) - 1);

			buf[k < 0 ? 0 : k] = '\0';
			fprintf(out, " -> %s", buf);
		}
		fputc('\n', out);
		if (S_ISDIR(st.st_mode)) {
			char sub[PATH_MAX];

			snprintf(sub, sizeof(sub), "%s/%s", rel, names[i]);
			snapshot(path, sub, merged, out);
		}
		free(names[i]);
	}
	free(names);
}

static char *snap(const char *virt, bool merged)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	snapshot(virt, "", merged, f);
	fclose(f);
	return buf;
}

static int add_line(const struct cow_change *c, void *opaque)
{
	FILE *f = opaque;
	size_t skip = strlen(real);

	if (c->from_path)
		fprintf(f, "%c %s -> %s\n", c->code, c->from_path + skip, c->virt_path + skip);
	else
		fprintf(f, "%c %s\n", c->code, c->virt_path + skip);
	return 0;
}

static char *status_text(void)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	ck_assert_int_eq(cow_status(store, add_line, f), 0);
	fclose(f);
	return buf;
}

/* "<real>/<top>/<rel>" in a ring of buffers: P() may appear twice in one call. */
static const char *top_path(const char *top, const char *rel)
{
	static char bufs[4][PATH_MAX + 64];
	static int i;
	char *b = bufs[i++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s/%s", real, top, rel);
	return b;
}

/* Build every kind of change below R(top) (top made here). */
static void build_overlay(const char *top)
{
	char u[COW_REAL_MAX];
#define P(rel) top_path(top, rel)

	ck_assert_int_eq(mkdir(R(top), 0755), 0);
	write_file(P("keep"), "keep\n");
	write_file(P("mod"), "one\ntwo\nthree\n");
	write_file(P("del"), "del\n");
	write_file(P("chmod"), "chmod\n");
	write_file(P("old-name"), "moved file\n");
	ck_assert_int_eq(mkdir(P("d"), 0755), 0);
	ck_assert_int_eq(mkdir(P("d/sub"), 0755), 0);
	write_file(P("d/x"), "x\n");
	write_file(P("d/sub/deep"), "deep\n");
	ck_assert_int_eq(mkdir(P("repl"), 0755), 0);
	write_file(P("repl/gone"), "gone\n");
	ck_assert_int_eq(mkdir(P("rmd"), 0755), 0);
	write_file(P("rmd/f"), "f\n");

	ck_assert_int_eq(cow_copy_up(store, P("mod"), u), 0);
	write_file(u, "one\n2\nthree\nfour\n");
	ck_assert_int_eq(cow_delete(store, P("del"), false), 0);
	ck_assert_int_eq(cow_chmod(store, P("chmod"), 0600), 0);
	ck_assert_int_eq(cow_rename(store, P("old-name"), P("new-name")), 0);
	ck_assert_int_eq(cow_rename(store, P("d"), P("d2")), 0);
	ck_assert_int_eq(cow_copy_up(store, P("d2/x"), u), 0);
	write_file(u, "x changed\n");
	ck_assert_int_eq(cow_create(store, P("ln"), S_IFLNK, "keep", -1, -1), 0);
	ck_assert_int_eq(cow_create(store, P("newdir"), S_IFDIR | 0750, NULL, -1, -1), 0);
	ck_assert_int_eq(cow_create(store, P("newdir/newfile"), S_IFREG | 0644, NULL, -1, -1), 0);
	ck_assert_int_eq(cow_upper_path(store, P("newdir/newfile"), u, sizeof(u)), 0);
	write_file(u, "new\n");
	ck_assert_int_eq(cow_create(store, P("fifo"), S_IFIFO | 0644, NULL, -1, -1), 0);
	ck_assert_int_eq(cow_delete(store, P("repl/gone"), false), 0);
	ck_assert_int_eq(cow_delete(store, P("repl"), true), 0);
	ck_assert_int_eq(cow_create(store, P("repl"), S_IFDIR | 0755, NULL, -1, -1), 0);
	ck_assert_int_eq(cow_create(store, P("repl/fresh"), S_IFREG | 0644, NULL, -1, -1), 0);
	ck_assert_int_eq(cow_delete(store, P("rmd/f"), false), 0);
	ck_assert_int_eq(cow_delete(store, P("rmd"), true), 0);
#undef P
}

static int commit_all(bool force, int *refused)
{
	struct cow_commit_options opt = { .force = force, .out = getenv("COW_VERBOSE") ? stderr : NULL };

	return cow_commit(store, &opt, refused);
}

START_TEST(test_commit_every_kind)
{
	char *before, *after, *st;
	int refused;

	build_overlay("t");
	st = status_text();
	ck_assert_str_eq(st, "T /t/chmod\n"
			     "R /t/d -> /t/d2\n"
			     "M /t/d2/x\n"
			     "D /t/del\n"
			     "A /t/fifo\n"
			     "A /t/ln\n"
			     "M /t/mod\n"
			     "R /t/old-name -> /t/new-name\n"
			     "A /t/newdir\n"
			     "A /t/newdir/newfile\n"
			     "D /t/repl/gone\n"
			     "A /t/repl/fresh\n"
			     "D /t/rmd\n");
	free(st);
	before = snap(R("t"), true);
	alarm(20); /* a FIFO must not hang the commit */
	ck_assert_int_eq(commit_all(false, &refused), 0);
	alarm(0);
	ck_assert_int_eq(refused, 0);
	after = snap(R("t"), false);
	ck_assert_str_eq(after, before);
	free(after);
	/* The overlay is empty and the merged view is the real tree. */
	st = status_text();
	ck_assert_str_eq(st, "");
	free(st);
	after = snap(R("t"), true);
	ck_assert_str_eq(after, before);
	free(after);
	free(before);
}
END_TEST

START_TEST(test_commit_refuses_changed)
{
	char u[COW_REAL_MAX];
	int refused;
	char *st;

	write_file(R("f"), "orig\n");
	write_file(R("g"), "g\n");
	ck_assert_int_eq(cow_copy_up(store, R("f"), u), 0);
	write_file(u, "overlay\n");
	ck_assert_int_eq(cow_copy_up(store, R("g"), u), 0);
	write_file(u, "g2\n");
	write_file(R("f"), "someone else\n"); /* same size as "overlay\n"? no matter */
	ck_assert_int_eq(commit_all(false, &refused), 0);
	ck_assert_int_eq(refused, 1);
	ck_assert_str_eq(read_file(R("f")), "someone else\n");
	ck_assert_str_eq(read_file(R("g")), "g2\n");
	st = status_text();
	ck_assert_str_eq(st, "M /f\n");
	free(st);
	ck_assert_int_eq(commit_all(true, &refused), 0);
	ck_assert_int_eq(refused, 0);
	ck_assert_str_eq(read_file(R("f")), "overlay\n");
}
END_TEST

/* Interrupt a commit with SIGKILL at its n-th rename, then run it again. */
static int kill_at;

static int killing_renameat(int a, const char *b, int c, const char *d)
{
	if (kill_at-- == 0)
		raise(SIGKILL);
	return renameat(a, b, c, d);
}

static int killing_fsync(int fd)
{
	if (kill_at-- == 0)
		raise(SIGKILL);
	return fsync(fd);
}

/*
 * For each kill point n below n_points: build an overlay under a fresh
 * top directory, commit in a child killed at its n-th rename or fsync,
 * then commit again: the real tree must equal the merged view of before.
 */
static void check_rerun_after_kills(void (*build)(const char *top), int n_points)
{
	char top[32], *before, *after;
	int refused, status;
	pid_t pid;

	for (int n = 0; n < n_points; n++) {
		snprintf(top, sizeof(top), "k%d", n);
		build(top);
		before = snap(R(top), true);
		cow_store_close(store);
		store = NULL;
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			open_store(0);
			kill_at = n;
			cow_sys.renameat = killing_renameat;
			cow_sys.fsync = killing_fsync;
			commit_all(false, &refused);
			_exit(0);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		open_store(0);
		ck_assert_int_eq(commit_all(false, &refused), 0);
		ck_assert_int_eq(refused, 0);
		after = snap(R(top), false);
		ck_assert_msg(!strcmp(after, before), "killed at %d:\n%s\nvs\n%s", n, after, before);
		free(after);
		free(before);
	}
}

START_TEST(test_commit_rerun_after_kill)
{
	check_rerun_after_kills(build_overlay, 20);
}
END_TEST

START_TEST(test_fifo_never_opened)
{
	int refused;
	char *st;

	ck_assert_int_eq(mkfifo(R("realfifo"), 0644), 0);
	ck_assert_int_eq(cow_chmod(store, R("realfifo"), 0600), 0);
	ck_assert_int_eq(cow_create(store, R("newfifo"), S_IFIFO | 0640, NULL, -1, -1), 0);
	alarm(20);
	st = status_text();
	ck_assert_str_eq(st, "A /newfifo\nT /realfifo\n");
	free(st);
	{
		char *buf = NULL;
		size_t size = 0;
		FILE *f = open_memstream(&buf, &size);

		ck_assert_int_eq(cow_diff(store, NULL, 0, f), 0);
		fclose(f);
		ck_assert_ptr_nonnull(strstr(buf, "new fifo"));
		free(buf);
	}
	ck_assert_int_eq(commit_all(false, &refused), 0);
	alarm(0);
	{
		struct stat s;

		ck_assert_int_eq(lstat(R("newfifo"), &s), 0);
		ck_assert(S_ISFIFO(s.st_mode));
		ck_assert_uint_eq(s.st_mode & 07777, 0640);
		ck_assert_int_eq(lstat(R("realfifo"), &s), 0);
		ck_assert_uint_eq(s.st_mode & 07777, 0600);
	}
}
END_TEST

START_TEST(test_diff_text)
{
	char u[COW_REAL_MAX], *buf = NULL, want[1024];
	size_t size = 0;
	FILE *f;

	write_file(R("t.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
	ck_assert_int_eq(cow_copy_up(store, R("t.txt"), u), 0);
	write_file(u, "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nk\n");
	f = open_memstream(&buf, &size);
	ck_assert_int_eq(cow_diff(store, NULL, 0, f), 0);
	fclose(f);
	snprintf(want, sizeof(want),
		 "--- a%s\n+++ b%s\n@@ -2,9 +2,10 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n i\n j\n+k\n",
		 R("t.txt"), R("t.txt"));
	ck_assert_str_eq(buf, want);
	free(buf);
}
END_TEST

START_TEST(test_discard)
{
	char u[COW_REAL_MAX], *st;

	write_file(R("f"), "f\n");
	ck_assert_int_eq(cow_copy_up(store, R("f"), u), 0);
	write_file(u, "changed\n");
	ck_assert_int_eq(cow_create(store, R("n"), S_IFREG | 0644, NULL, -1, -1), 0);
	ck_assert_int_eq(cow_discard(store), 0);
	st = status_text();
	ck_assert_str_eq(st, "");
	free(st);
	ck_assert_int_eq(where(R("f")), COW_LOWER);
	ck_assert_int_eq(where(R("n")), COW_ABSENT);
	ck_assert_uint_eq(cow_quota_used(store), 0);
	open_store(0);
	ck_assert_int_eq(where(R("f")), COW_LOWER);
	ck_assert_str_eq(read_file(R("f")), "f\n");
	snprintf(u, sizeof(u), "%s/upper", store_dir);
	ck_assert_int_eq(count_dir(u), 0);
}
END_TEST

START_TEST(test_commit_swap_and_nested_renames)
{
	char *before, *after;
	int refused;

	ck_assert_int_eq(mkdir(R("a"), 0755), 0);
	ck_assert_int_eq(mkdir(R("a/sub"), 0755), 0);
	ck_assert_int_eq(mkdir(R("b"), 0755), 0);
	write_file(R("a/fa"), "in a\n");
	write_file(R("a/sub/deep"), "deep in a\n");
	write_file(R("b/fb"), "in b\n");
	/* Swap a and b, then move a piece of the old a out of it. */
	ck_assert_int_eq(cow_rename(store, R("a"), R("tmp")), 0);
	ck_assert_int_eq(cow_rename(store, R("b"), R("a")), 0);
	ck_assert_int_eq(cow_rename(store, R("tmp"), R("b")), 0);
	ck_assert_int_eq(cow_rename(store, R("b/sub"), R("c")), 0);
	ck_assert_int_eq(where(R("c/deep")), COW_LOWER);
	ck_assert_str_eq(lk.real_path, R("a/sub/deep"));
	before = snap(real, true);
	ck_assert_int_eq(commit_all(false, &refused), 0);
	ck_assert_int_eq(refused, 0);
	after = snap(real, false);
	ck_assert_str_eq(after, before);
	ck_assert_str_eq(read_file(R("b/fa")), "in a\n");
	ck_assert_str_eq(read_file(R("a/fb")), "in b\n");
	ck_assert_str_eq(read_file(R("c/deep")), "deep in a\n");
	free(after);
	free(before);
}
END_TEST

START_TEST(test_commit_some_paths)
{
	struct cow_commit_options opt = { 0 };
	const char *paths[1];
	char u[COW_REAL_MAX], *st;
	int refused;

	ck_assert_int_eq(mkdir(R("a"), 0755), 0);
	write_file(R("a/f"), "f\n");
	write_file(R("g"), "g\n");
	ck_assert_int_eq(cow_rename(store, R("a"), R("b")), 0);
	ck_assert_int_eq(cow_copy_up(store, R("b/f"), u), 0);
	write_file(u, "f2\n");
	ck_assert_int_eq(cow_copy_up(store, R("g"), u), 0);
	write_file(u, "g2\n");
	paths[0] = R("b/f");
	opt.paths = paths;
	opt.n_paths = 1;
	ck_assert_int_eq(cow_commit(store, &opt, &refused), 0);
	/* The renamed directory above the path was committed with it. */
	ck_assert_str_eq(read_file(R("b/f")), "f2\n");
	ck_assert_int_eq(access(R("a"), F_OK), -1);
	ck_assert_str_eq(read_file(R("g")), "g\n");
	st = status_text();
	ck_assert_str_eq(st, "M /g\n");
	free(st);
	ck_assert_int_eq(where(R("b/f")), COW_LOWER);
	ck_assert_int_eq(commit_all(false, &refused), 0);
	ck_assert_str_eq(read_file(R("g")), "g2\n");
}
END_TEST

static int eio_fsync(int fd)
{
	errno = EIO;
	return -1;
}

START_TEST(test_commit_fsync_fails)
{
	char u[COW_REAL_MAX], parent[PATH_MAX + 16];
	int refused;

	write_file(R("f"), "old\n");
	ck_assert_int_eq(cow_copy_up(store, R("f"), u), 0);
	write_file(u, "new\n");
	cow_sys.fsync = eio_fsync;
	ck_assert_int_eq(commit_all(false, &refused), -EIO);
	cow_sys_reset();
	/* The real file is intact and no temporary is left beside it. */
	ck_assert_str_eq(read_file(R("f")), "old\n");
	snprintf(parent, sizeof(parent), "%s", real);
	ck_assert_int_eq(count_dir(parent), 1);
	ck_assert_int_eq(commit_all(false, &refused), 0);
	ck_assert_str_eq(read_file(R("f")), "new\n");
}
END_TEST

static int eio_renameat(int a, const char *b, int c, const char *d)
{
	errno = EIO;
	return -1;
}

START_TEST(test_discard_interrupted)
{
	char u[COW_REAL_MAX];

	ck_assert_int_eq(mkdir(R("d"), 0755), 0);
	write_file(R("d/f"), "f\n");
	ck_assert_int_eq(cow_copy_up(store, R("d/f"), u), 0);
	write_file(u, "changed\n");
	/* The index is cleared, then moving upper/ away fails. */
	cow_sys.renameat = eio_renameat;
	ck_assert_int_eq(cow_discard(store), -EIO);
	cow_sys_reset();
	/* Debris in upper/ is never seen, and the next open clears it. */
	ck_assert_int_eq(where(R("d/f")), COW_LOWER);
	open_store(0);
	snprintf(u, sizeof(u), "%s/upper", store_dir);
	ck_assert_int_eq(count_dir(u), 0);
	ck_assert_int_eq(cow_copy_up(store, R("d/f"), u), 0);
	ck_assert_str_eq(read_file(u), "f\n");
}
END_TEST

static void add_commit_tests(TCase *tc)
{
	tcase_add_test(tc, test_discard_interrupted);
	tcase_add_test(tc, test_commit_swap_and_nested_renames);
	tcase_add_test(tc, test_commit_some_paths);
	tcase_add_test(tc, test_commit_fsync_fails);
	tcase_add_test(tc, test_commit_every_kind);
	tcase_add_test(tc, test_commit_refuses_changed);
	tcase_add_test(tc, test_commit_rerun_after_kill);
	tcase_add_test(tc, test_fifo_never_opened);
	tcase_add_test(tc, test_diff_text);
	tcase_add_test(tc, test_discard);
}
