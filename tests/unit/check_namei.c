/*
 * check_namei — emu_walk against the kernel.  A scratch tree with files,
 * directories, relative, absolute, dangling and looping symlinks and a
 * chain of 41 links is walked by emu_walk (over lstat/readlink of the real
 * tree) and opened by the kernel (open(O_PATH [|O_NOFOLLOW] [|O_DIRECTORY])
 * then /proc/self/fd): errno and the object reached must be the same.
 * Permission rules are checked on made-up inodes (the suite may run as
 * root, where the kernel lets everything through).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/namei.h"

static char root[256]; /* short, so paths built on it fit PATH_MAX */

static int real_lookup(void *ctx, const char *virt_path, struct emu_inode *ret)
{
	struct stat st;

	(void)ctx;
	if (lstat(virt_path, &st) < 0)
		return -errno;
	ret->type = S_ISREG(st.st_mode)	   ? EMU_FT_REG
		    : S_ISDIR(st.st_mode)  ? EMU_FT_DIR
		    : S_ISLNK(st.st_mode)  ? EMU_FT_LNK
		    : S_ISFIFO(st.st_mode) ? EMU_FT_FIFO
					   : EMU_FT_CHR;
	ret->mode = st.st_mode & 07777;
	ret->uid = st.st_uid;
	ret->gid = st.st_gid;
	return 0;
}

static long real_readlink(void *ctx, const char *virt_path, char *buf, size_t size)
{
	ssize_t n;

	(void)ctx;
	n = readlink(virt_path, buf, size);
	return n < 0 ? -errno : n;
}

static const struct emu_fsops real_ops = { real_lookup, real_readlink, NULL };

static void mk(const char *kind, const char *name, const char *target)
{
	char path[PATH_MAX + 512];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	if (!strcmp(kind, "dir"))
		ck_assert_int_eq(mkdir(path, 0755), 0);
	else if (!strcmp(kind, "file"))
		ck_assert_int_eq(close(open(path, O_CREAT | O_WRONLY, 0644)), 0);
	else
		ck_assert_int_eq(symlink(target, path), 0);
}

static void setup(void)
{
	char buf[PATH_MAX], name[32], target[32];

	char real[PATH_MAX];

	strcpy(buf, "/tmp/pcow-namei.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(buf));
	ck_assert_ptr_nonnull(realpath(buf, real));
	ck_assert_uint_lt(strlen(real), sizeof(root));
	memcpy(root, real, strlen(real) + 1);
	mk("dir", "d", NULL);
	mk("file", "d/f", NULL);
	mk("dir", "d/sub", NULL);
	mk("link", "l_f", "d/f");
	mk("link", "l_d", "d");
	snprintf(buf, sizeof(buf), "%s/d", root);
	mk("link", "l_abs", buf);
	mk("link", "dangling", "nowhere");
	mk("link", "loop1", "loop2");
	mk("link", "loop2", "loop1");
	mk("link", "self", "self");
	mk("link", "d/sub/up", "../..");
	mk("link", "l_dots", "d/sub/../f");
	mk("link", "l_slash", "d/");
	/* c0 -> c1 -> ... -> c40 -> d/f: 41 links from c0, 40 from c1 */
	for (int i = 0; i <= 40; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		if (i < 40)
			snprintf(target, sizeof(target), "c%d", i + 1);
		else
			snprintf(target, sizeof(target), "d/f");
		mk("link", name, target);
	}
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* What the kernel reaches for guest_path from root: 0 and the path, or -errno. */
static int kernel_walk(const char *guest_path, unsigned flags, char *buf, size_t size)
{
	int dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), fd, err = 0;
	char proc[64];
	ssize_t n;

	ck_assert_int_ge(dfd, 0);
	fd = openat(dfd, guest_path,
		    O_PATH | O_CLOEXEC | ((flags & EMU_WALK_FOLLOW) ? 0 : O_NOFOLLOW) |
			    ((flags & EMU_WALK_DIRECTORY) ? O_DIRECTORY : 0));
	if (fd < 0) {
		err = -errno;
	} else {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		n = readlink(proc, buf, size - 1);
		ck_assert_int_gt(n, 0);
		buf[n] = '\0';
		close(fd);
	}
	close(dfd);
	return err;
}

static const struct emu_cred root_cred = { 0, 0, NULL, 0, true, true };

static void compare(const char *guest_path, unsigned flags)
{
	struct emu_walk_result res;
	char kpath[PATH_MAX];
	int kerr, eerr;

	kerr = kernel_walk(guest_path, flags, kpath, sizeof(kpath));
	eerr = emu_walk(&real_ops, &root_cred, root, guest_path, flags, &res);
	ck_assert_msg(kerr == eerr, "'%s' flags %u: kernel %d (%s), emu_walk %d (%s)", guest_path,
		      flags, kerr, strerror(-kerr), eerr, strerror(-eerr));
	if (kerr == 0)
		ck_assert_msg(!strcmp(kpath, res.virt_path), "'%s' flags %u: kernel %s, emu_walk %s",
			      guest_path, flags, kpath, res.virt_path);
}

static const char *const cases[] = {
	"d", "d/", "d/f", "d/f/", "d/f/x", "d/nope", "d/nope/x", "nope/", "l_f", "l_f/",
	"l_d", "l_d/", "l_d/f", "l_d/../d/f", "l_abs/sub", "l_abs/sub/", "dangling", "dangling/",
	"loop1", "loop1/x", "self", "self/", "c0", "c1", "c40", "c1/x", ".", "./", "..", "/",
	"//", "d/./sub/..", "d/sub/../../d", "d//f", "d/sub/up", "d/sub/up/d/f", "d/sub/up/",
	"l_dots", "l_slash", "l_slash/f", "", "d/.", "d/f/.", "d/f/..", "l_f/..", "/tmp/../tmp",
};

START_TEST(test_against_kernel)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		compare(cases[i], 0);
		compare(cases[i], EMU_WALK_FOLLOW);
		compare(cases[i], EMU_WALK_FOLLOW | EMU_WALK_DIRECTORY);
	}
}
END_TEST

START_TEST(test_name_lengths)
{
	char name[300], path[PATH_MAX + 10];

	/* a 255-byte name is fine (ENOENT), 256 is ENAMETOOLONG */
	memset(name, 'n', 255);
	name[255] = '\0';
	compare(name, EMU_WALK_FOLLOW);
	memset(name, 'n', 256);
	name[256] = '\0';
	compare(name, EMU_WALK_FOLLOW);
	/* a path of PATH_MAX bytes (with its NUL: 4097) is ENAMETOOLONG, 4095 is walked */
	memset(path, 0, sizeof(path));
	for (size_t i = 0; i + 2 <= 4095; i += 2)
		memcpy(path + i, "./", 2);
	path[4094] = '.';
	ck_assert_uint_eq(strlen(path), 4095);
	compare(path, EMU_WALK_FOLLOW);
	path[4095] = '/';
	compare(path, EMU_WALK_FOLLOW);
}
END_TEST

START_TEST(test_parent_exists)
{
	struct emu_walk_result res;
	char want[PATH_MAX];

	ck_assert_int_eq(emu_walk(&real_ops, &root_cred, root, "d/new", 0, &res), -ENOENT);
	ck_assert(res.parent_exists);
	snprintf(want, sizeof(want), "%s/d/new", root);
	ck_assert_str_eq(res.virt_path, want);
	ck_assert_int_eq(emu_walk(&real_ops, &root_cred, root, "l_d/new", 0, &res), -ENOENT);
	ck_assert(res.parent_exists);
	ck_assert_str_eq(res.virt_path, want);
	ck_assert_int_eq(emu_walk(&real_ops, &root_cred, root, "nope/new", 0, &res), -ENOENT);
	ck_assert(!res.parent_exists);
	/* a dangling link: the missing object is its target */
	ck_assert_int_eq(emu_walk(&real_ops, &root_cred, root, "dangling", EMU_WALK_FOLLOW, &res),
			 -ENOENT);
	ck_assert(res.parent_exists);
	snprintf(want, sizeof(want), "%s/nowhere", root);
	ck_assert_str_eq(res.virt_path, want);
}
END_TEST

START_TEST(test_permission)
{
	const gid_t groups[] = { 50 };
	const struct emu_cred user = { 1000, 100, groups, 1, false, false };
	const struct emu_cred admin = { 0, 0, NULL, 0, true, true };
	struct emu_inode f = { EMU_FT_REG, 0640, 1000, 100 };
	struct emu_inode d = { EMU_FT_DIR, 0700, 0, 0 };

	ck_assert_int_eq(emu_permission(&user, &f, 4), 0);
	ck_assert_int_eq(emu_permission(&user, &f, 2), 0);
	ck_assert_int_eq(emu_permission(&user, &f, 1), -EACCES);
	/* the owner's bits decide even when "other" would allow */
	f.mode = 0047;
	ck_assert_int_eq(emu_permission(&user, &f, 4), -EACCES);
	/* group, via a supplementary group */
	f = (struct emu_inode){ EMU_FT_REG, 0070, 0, 50 };
	ck_assert_int_eq(emu_permission(&user, &f, 4 | 2 | 1), 0);
	/* other */
	f = (struct emu_inode){ EMU_FT_REG, 0004, 0, 0 };
	ck_assert_int_eq(emu_permission(&user, &f, 4), 0);
	ck_assert_int_eq(emu_permission(&user, &f, 2), -EACCES);
	/* directories: no search for others; root searches anyway */
	ck_assert_int_eq(emu_permission(&user, &d, 1), -EACCES);
	ck_assert_int_eq(emu_permission(&admin, &d, 1 | 2 | 4), 0);
	/* root cannot execute a file without any x bit, can read/write it */
	f = (struct emu_inode){ EMU_FT_REG, 0600, 1000, 1000 };
	ck_assert_int_eq(emu_permission(&admin, &f, 1), -EACCES);
	ck_assert_int_eq(emu_permission(&admin, &f, 4 | 2), 0);
	f.mode = 0700;
	ck_assert_int_eq(emu_permission(&admin, &f, 1), 0);
}
END_TEST

/* A walk through a directory the caller may not search stops with EACCES. */
static int fake_lookup(void *ctx, const char *virt_path, struct emu_inode *ret)
{
	(void)ctx;
	if (!strcmp(virt_path, "/") || !strcmp(virt_path, "/open"))
		*ret = (struct emu_inode){ EMU_FT_DIR, 0755, 0, 0 };
	else if (!strcmp(virt_path, "/closed"))
		*ret = (struct emu_inode){ EMU_FT_DIR, 0700, 0, 0 };
	else if (!strcmp(virt_path, "/closed/f") || !strcmp(virt_path, "/open/f"))
		*ret = (struct emu_inode){ EMU_FT_REG, 0644, 0, 0 };
	else
		return -ENOENT;
	return 0;
}

START_TEST(test_search_permission)
{
	const struct emu_fsops ops = { fake_lookup, real_readlink, NULL };
	const struct emu_cred user = { 1000, 1000, NULL, 0, false, false };
	struct emu_walk_result res;

	ck_assert_int_eq(emu_walk(&ops, &user, "/", "/open/f", 0, &res), 0);
	ck_assert_int_eq(emu_walk(&ops, &user, "/", "/closed/f", 0, &res), -EACCES);
	ck_assert_int_eq(emu_walk(&ops, &user, "/", "/closed/nope", 0, &res), -EACCES);
	ck_assert_int_eq(emu_walk(&ops, &user, "/closed", ".", 0, &res), -EACCES);
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/", "/closed/f", 0, &res), 0);
}
END_TEST

/*
 * RESOLVE_NO_XDEV over a made-up tree: a mount on /m (holding g and abs,
 * a link to /a/f); /a (f, and abs, the same link) on the root's mount.
 */
static int mnt_lookup(void *ctx, const char *vp, struct emu_inode *ret)
{
	(void)ctx;
	if (!strcmp(vp, "/") || !strcmp(vp, "/m") || !strcmp(vp, "/a"))
		*ret = (struct emu_inode){ EMU_FT_DIR, 0755, 0, 0 };
	else if (!strcmp(vp, "/m/g") || !strcmp(vp, "/a/f"))
		*ret = (struct emu_inode){ EMU_FT_REG, 0644, 0, 0 };
	else if (!strcmp(vp, "/m/abs") || !strcmp(vp, "/a/abs"))
		*ret = (struct emu_inode){ EMU_FT_LNK, 0777, 0, 0 };
	else
		return -ENOENT;
	return 0;
}

static long mnt_readlink(void *ctx, const char *vp, char *buf, size_t size)
{
	(void)ctx;
	(void)vp;
	snprintf(buf, size, "/a/f");
	return 4;
}

static long mnt_mount_of(void *ctx, const char *vp)
{
	(void)ctx;
	return !strncmp(vp, "/m", 2) && (vp[2] == '/' || !vp[2]) ? 1 : 0;
}

START_TEST(test_no_xdev)
{
	const struct emu_fsops ops = { mnt_lookup, mnt_readlink, NULL, mnt_mount_of };
	const struct emu_fsops no_mounts = { mnt_lookup, mnt_readlink, NULL, NULL };
	const unsigned nx = EMU_WALK_NO_XDEV | EMU_WALK_FOLLOW;
	struct emu_walk_result res;

	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/a", "f", nx, &res), 0);
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/m", "g", nx, &res), 0);
	/* traverse_mounts, follow_dotdot */
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/", "m/g", nx, &res), -EXDEV);
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/", "m", nx, &res), -EXDEV);
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/m", "../a/f", nx, &res), -EXDEV);
	/* An absolute name starts on the root's mount, wherever the dirfd is. */
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/m", "/a/f", nx, &res), 0);
	/* nd_jump_root: from another mount; or before the walk took its root. */
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/m", "abs", nx, &res), -EXDEV);
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/a", "abs", nx, &res), -EXDEV);
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/a", "../a/abs", nx, &res), 0);
	ck_assert_str_eq(res.virt_path, "/a/f");
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/", "/a/abs", nx, &res), 0);
	/* Without the flag mounts do not matter; without mount_of it cannot be walked. */
	ck_assert_int_eq(emu_walk(&ops, &root_cred, "/m", "abs", EMU_WALK_FOLLOW, &res), 0);
	ck_assert_int_eq(emu_walk(&no_mounts, &root_cred, "/a", "f", nx, &res), -ENOSYS);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("namei");
	TCase *tc = tcase_create("walk");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_against_kernel);
	tcase_add_test(tc, test_name_lengths);
	tcase_add_test(tc, test_parent_exists);
	tcase_add_test(tc, test_permission);
	tcase_add_test(tc, test_search_permission);
	tcase_add_test(tc, test_no_xdev);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
