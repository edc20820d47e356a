/*
 * check_fstate — working directory and descriptor tables: lexical
 * normalisation, resolution against AT_FDCWD and dirfds, the tracking
 * rules of open, dup, fcntl, close, close_range, chdir, fchdir, execve, and
 * the directory state dup and fork share.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "emu/fstate.h"
#include "emu/select.h"

static const char *norm(const char *in)
{
	static char buf[256];

	strcpy(buf, in);
	emu_path_normalize(buf);
	return buf;
}

START_TEST(test_normalize)
{
	ck_assert_str_eq(norm("/"), "/");
	ck_assert_str_eq(norm("//"), "/");
	ck_assert_str_eq(norm("/a/./b/../c/"), "/a/c");
	ck_assert_str_eq(norm("/.."), "/");
	ck_assert_str_eq(norm("/../../x"), "/x");
	ck_assert_str_eq(norm("/a//b///c"), "/a/b/c");
	ck_assert_str_eq(norm("/a/b/.."), "/a");
	ck_assert_str_eq(norm("/a/b/../.."), "/");
	ck_assert_str_eq(norm("/.hidden/..x/..."), "/.hidden/..x/...");
	ck_assert_str_eq(norm("/a\nb/c"), "/a\nb/c");
}
END_TEST

static void track(struct emu_fs *fs, struct emu_files *files, long nr, uint64_t a0, uint64_t a1,
		  uint64_t a2, int64_t ret, const char *resolved0, const char *resolved1)
{
	const char *resolved[6] = { resolved0, resolved1 };
	uint64_t args[6] = { a0, a1, a2 };

	ck_assert_int_eq(emu_fstate_track(&fs, &files, EMU_ABI_X86_64,
					  emu_syscall_get(EMU_ABI_X86_64, nr), args, ret, resolved),
			 0);
}

START_TEST(test_resolve_and_track)
{
	struct emu_fs *fs = emu_fs_new("/home/u");
	struct emu_files *files = emu_files_new();
	struct emu_files *child;
	char buf[4096];

	ck_assert_int_eq(emu_resolve(buf, sizeof(buf), fs, files, AT_FDCWD, "x/../y"), 9);
	ck_assert_str_eq(buf, "/home/u/y");
	emu_resolve(buf, sizeof(buf), fs, files, AT_FDCWD, "../../..");
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(emu_resolve(buf, sizeof(buf), fs, files, 5, "a"), -EBADF);
	ck_assert_int_eq(emu_resolve(buf, 8, fs, files, AT_FDCWD, "longer-name"), -ENAMETOOLONG);

	/* openat(AT_FDCWD, "/etc", O_DIRECTORY|O_CLOEXEC) = 3 */
	track(fs, files, SYS_openat, (uint64_t)AT_FDCWD, 0, O_DIRECTORY | O_CLOEXEC, 3, NULL, "/etc");
	ck_assert_str_eq(emu_files_path(files, 3), "/etc");
	ck_assert_int_eq(emu_resolve(buf, sizeof(buf), fs, files, 3, "passwd"), 11);
	ck_assert_str_eq(buf, "/etc/passwd");
	/* AT_EMPTY_PATH: "" names the descriptor itself */
	emu_resolve(buf, sizeof(buf), fs, files, 3, "");
	ck_assert_str_eq(buf, "/etc");
	/* a failed open changes nothing */
	track(fs, files, SYS_openat, (uint64_t)AT_FDCWD, 0, 0, -ENOENT, NULL, "/nope");
	ck_assert_ptr_null(emu_files_path(files, (int)-ENOENT));

	/* dup, dup2, dup3, fcntl(F_DUPFD_CLOEXEC) */
	track(fs, files, SYS_dup, 3, 0, 0, 4, NULL, NULL);
	ck_assert_str_eq(emu_files_path(files, 4), "/etc");
	track(fs, files, SYS_dup2, 3, 10, 0, 10, NULL, NULL);
	ck_assert_str_eq(emu_files_path(files, 10), "/etc");
	track(fs, files, SYS_dup3, 3, 11, O_CLOEXEC, 11, NULL, NULL);
	track(fs, files, SYS_fcntl, 3, F_DUPFD_CLOEXEC, 20, 20, NULL, NULL);
	ck_assert_str_eq(emu_files_path(files, 20), "/etc");
	/* fcntl(F_SETFD, 0) clears close-on-exec of 3 */
	track(fs, files, SYS_fcntl, 3, F_SETFD, 0, 0, NULL, NULL);

	/* fork copies; the copy is independent */
	child = emu_files_copy(files);
	track(fs, child, SYS_close, 4, 0, 0, 0, NULL, NULL);
	ck_assert_ptr_null(emu_files_path(child, 4));
	ck_assert_str_eq(emu_files_path(files, 4), "/etc");
	emu_files_put(child);

	/* close: EBADF leaves the table; another error still closes */
	track(fs, files, SYS_close, 4, 0, 0, -EBADF, NULL, NULL);
	ck_assert_str_eq(emu_files_path(files, 4), "/etc");
	track(fs, files, SYS_close, 4, 0, 0, -EIO, NULL, NULL);
	ck_assert_ptr_null(emu_files_path(files, 4));

	/* close_range(10, ~0U, CLOSE_RANGE_CLOEXEC) marks, then exec closes them */
	track(fs, files, SYS_close_range, 10, ~0U, CLOSE_RANGE_CLOEXEC, 0, NULL, NULL);
	ck_assert_str_eq(emu_files_path(files, 10), "/etc");
	track(fs, files, SYS_execve, 0, 0, 0, 0, "/bin/true", NULL);
	ck_assert_ptr_null(emu_files_path(files, 10));
	ck_assert_ptr_null(emu_files_path(files, 11)); /* dup3 O_CLOEXEC */
	ck_assert_ptr_null(emu_files_path(files, 20)); /* F_DUPFD_CLOEXEC */
	ck_assert_str_eq(emu_files_path(files, 3), "/etc"); /* F_SETFD cleared it */

	/* chdir, fchdir, failed chdir */
	track(fs, files, SYS_chdir, 0, 0, 0, 0, "/usr/include", NULL);
	ck_assert_str_eq(fs->cwd, "/usr/include");
	track(fs, files, SYS_chdir, 0, 0, 0, -ENOENT, "/nope", NULL);
	ck_assert_str_eq(fs->cwd, "/usr/include");
	track(fs, files, SYS_fchdir, 3, 0, 0, 0, NULL, NULL);
	ck_assert_str_eq(fs->cwd, "/etc");

	/* close_range(0, ~0U, 0) closes everything */
	track(fs, files, SYS_close_range, 0, ~0U, 0, 0, NULL, NULL);
	ck_assert_ptr_null(emu_files_path(files, 3));

	/* a descriptor that is not a path: socket */
	track(fs, files, SYS_socket, 1, 1, 0, 5, NULL, NULL);
	ck_assert_ptr_null(emu_files_path(files, 5));
	ck_assert_int_eq(emu_resolve(buf, sizeof(buf), fs, files, 5, "x"), -EBADF);

	emu_files_put(files);
	emu_fs_put(fs);
}
END_TEST

START_TEST(test_select)
{
	struct emu_select sel;

	memset(&sel, 0, sizeof(sel));
	emu_fstate_select(&sel);
	ck_assert(emu_select_has(&sel, EMU_ABI_X86_64, SYS_close));
	ck_assert(emu_select_has(&sel, EMU_ABI_X86_64, SYS_dup2));
	ck_assert(emu_select_has(&sel, EMU_ABI_X86_64, SYS_fchdir));
	ck_assert(emu_select_has(&sel, EMU_ABI_X86_64, SYS_socket)); /* returns an fd */
	ck_assert(emu_select_has(&sel, EMU_ABI_I386, 6));	     /* i386 close */
	ck_assert(!emu_select_has(&sel, EMU_ABI_X86_64, SYS_getppid));
	ck_assert(!emu_select_has(&sel, EMU_ABI_X86_64, SYS_read));
}
END_TEST

/* A rename in the overlay moves every table's names at or below it; a deletion marks them. */
START_TEST(test_renamed_and_unlinked)
{
	struct emu_fs *fs = emu_fs_new("/t/a/sub"), *other = emu_fs_new("/t/ab");
	struct emu_files *files = emu_files_new(), *child;

	ck_assert_int_eq(emu_files_set(files, 3, "/t/a", false), 0);
	ck_assert_int_eq(emu_files_set_vpath(files, 3, "/t/a", false), 0);
	ck_assert_int_eq(emu_files_set(files, 4, "/t/b/x", false), 0);
	ck_assert_int_eq(emu_files_set_vpath(files, 4, "/t/b/x", false), 0);
	child = emu_files_copy(files); /* another process: reached too */

	ck_assert_int_eq(emu_fstate_renamed("/t/a", "/t/c", false), 0);
	ck_assert_str_eq(fs->cwd, "/t/c/sub");
	ck_assert(fs->moved);
	ck_assert_str_eq(other->cwd, "/t/ab"); /* a name that only starts alike */
	ck_assert(!other->moved);
	ck_assert_str_eq(emu_files_get(files, 3)->vpath, "/t/c");
	ck_assert_str_eq(emu_files_path(files, 3), "/t/c");
	ck_assert(emu_files_get(files, 3)->moved);
	ck_assert_str_eq(emu_files_get(child, 3)->vpath, "/t/c");
	ck_assert_str_eq(emu_files_get(files, 4)->vpath, "/t/b/x");

	/* RENAME_EXCHANGE: each side goes to the other's name */
	ck_assert_int_eq(emu_fstate_renamed("/t/c", "/t/b", true), 0);
	ck_assert_str_eq(fs->cwd, "/t/b/sub");
	ck_assert_str_eq(emu_files_get(files, 3)->vpath, "/t/b");
	ck_assert_str_eq(emu_files_get(files, 4)->vpath, "/t/c/x");

	/* deleted: exactly that name; a deleted entry no longer follows renames */
	emu_fstate_unlinked("/t/c");
	ck_assert(!emu_files_get(files, 4)->deleted);
	emu_fstate_unlinked("/t/c/x");
	ck_assert(emu_files_get(files, 4)->deleted);
	ck_assert(emu_files_get(child, 4)->deleted);
	emu_fstate_renamed("/t/c", "/t/d", false);
	ck_assert_str_eq(emu_files_get(files, 4)->vpath, "/t/c/x");
	emu_fstate_unlinked("/t/b/sub");
	ck_assert(fs->deleted);
	/* dup and fork keep the mark; fchdir to it takes it; chdir clears it */
	track(fs, files, SYS_dup2, 4, 9, 0, 9, NULL, NULL);
	ck_assert(emu_files_get(files, 9)->deleted);
	emu_fs_put(other);
	other = emu_fs_copy(fs);
	ck_assert(other->deleted);
	track(other, files, SYS_chdir, 0, 0, 0, 0, "/t", NULL);
	ck_assert(!other->deleted);
	track(other, files, SYS_fchdir, 9, 0, 0, 0, NULL, NULL);
	ck_assert(other->deleted);

	emu_files_put(child);
	emu_files_put(files);
	emu_fs_put(other);
	emu_fs_put(fs);
	/* Freed tables left the list: a rename now touches nothing. */
	ck_assert_int_eq(emu_fstate_renamed("/t", "/u", false), 0);
}
END_TEST

static int dirs_freed;

static void count_free(struct emu_dir *dir)
{
	dirs_freed++;
	free(dir);
}

static struct emu_dir *new_dir(void)
{
	struct emu_dir *dir = calloc(1, sizeof(*dir));

	ck_assert_ptr_nonnull(dir);
	return dir;
}

/*
 * dup*, fcntl(F_DUPFD) and fork share one open file description's dir; it
 * is freed when the last descriptor holding it closes, in whichever table.
 */
START_TEST(test_dir_shared)
{
	struct emu_fs *fs = emu_fs_new("/t");
	struct emu_files *files = emu_files_new(), *child;
	struct emu_dir *dir = new_dir(), *other = new_dir();

	emu_files_set_dir_free(count_free);
	dirs_freed = 0;
	track(fs, files, SYS_openat, (uint64_t)AT_FDCWD, 0, O_DIRECTORY, 3, NULL, "/t/d");
	track(fs, files, SYS_openat, (uint64_t)AT_FDCWD, 0, O_DIRECTORY, 4, NULL, "/t/e");
	ck_assert_int_eq(emu_files_set_dir(files, 3, dir), 0);
	ck_assert_int_eq(emu_files_set_dir(files, 4, other), 0);
	ck_assert_int_eq(dir->refs, 1);
	/* not open: the dir is released at once */
	ck_assert_int_eq(emu_files_set_dir(files, 9, new_dir()), -EBADF);
	ck_assert_int_eq(dirs_freed, 1);

	track(fs, files, SYS_dup, 3, 0, 0, 5, NULL, NULL);
	track(fs, files, SYS_dup3, 3, 6, O_CLOEXEC, 6, NULL, NULL);
	track(fs, files, SYS_fcntl, 3, F_DUPFD, 7, 7, NULL, NULL);
	ck_assert_ptr_eq(emu_files_get(files, 5)->dir, dir);
	ck_assert_ptr_eq(emu_files_get(files, 6)->dir, dir);
	ck_assert_ptr_eq(emu_files_get(files, 7)->dir, dir);
	ck_assert_int_eq(dir->refs, 4);
	/* dup2 onto itself changes nothing; onto another's holder releases it */
	track(fs, files, SYS_dup2, 3, 3, 0, 3, NULL, NULL);
	ck_assert_int_eq(dir->refs, 4);
	track(fs, files, SYS_dup2, 3, 4, 0, 4, NULL, NULL);
	ck_assert_int_eq(dirs_freed, 2);
	ck_assert_int_eq(dir->refs, 5);
	/* dup2 between two holders of the same one */
	track(fs, files, SYS_dup2, 5, 4, 0, 4, NULL, NULL);
	ck_assert_int_eq(dir->refs, 5);

	/* fork: every descriptor of the child holds it too */
	child = emu_files_copy(files);
	ck_assert_int_eq(dir->refs, 10);
	ck_assert_ptr_eq(emu_files_get(child, 3)->dir, dir);
	/* exec drops the close-on-exec one, close and close_range the others */
	track(fs, child, SYS_execve, 0, 0, 0, 0, "/bin/true", NULL);
	ck_assert_int_eq(dir->refs, 9);
	track(fs, files, SYS_close, 3, 0, 0, 0, NULL, NULL);
	track(fs, files, SYS_close_range, 4, 6, 0, 0, NULL, NULL);
	ck_assert_int_eq(dir->refs, 5);
	emu_files_put(child); /* the child exits */
	ck_assert_int_eq(dir->refs, 1);
	ck_assert_int_eq(dirs_freed, 2);
	track(fs, files, SYS_close, 7, 0, 0, 0, NULL, NULL);
	ck_assert_int_eq(dirs_freed, 3);

	/* a table freed with a holder frees it */
	track(fs, files, SYS_openat, (uint64_t)AT_FDCWD, 0, O_DIRECTORY, 3, NULL, "/t/d");
	ck_assert_int_eq(emu_files_set_dir(files, 3, new_dir()), 0);
	track(fs, files, SYS_dup, 3, 0, 0, 4, NULL, NULL);
	emu_files_put(files);
	ck_assert_int_eq(dirs_freed, 4);
	emu_files_set_dir_free(NULL);
	emu_fs_put(fs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fstate");
	TCase *tc = tcase_create("fstate");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_normalize);
	tcase_add_test(tc, test_resolve_and_track);
	tcase_add_test(tc, test_renamed_and_unlinked);
	tcase_add_test(tc, test_dir_shared);
	tcase_add_test(tc, test_select);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
