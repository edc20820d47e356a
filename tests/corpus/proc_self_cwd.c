/*
 * readlink(2) of /proc/self/cwd follows chdir: the root, a real
 * directory, a directory created in the overlay, one reached by fchdir,
 * a directory below one renamed in the overlay before the chdir; the
 * paths print relative to the start root.
 */
#include "corpus.h"

static char root[4096];

/* readlink of a /proc path, printed relative to the start root. */
static void show_proc_link(const char *label, const char *path)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	size_t r = strlen(root);

	if (n < 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	buf[n] = '\0';
	if (strncmp(buf, root, r) == 0 && (buf[r] == '/' || buf[r] == '\0'))
		printf("%s: ROOT%s\n", label, buf + r);
	else
		printf("%s: outside the root\n", label);
}

int main(void)
{
	int fd;

	if (!getcwd(root, sizeof(root)))
		die("getcwd");
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	rc("chdir(base/sub/deep)", chdir("base/sub/deep"));
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	rc("mkdir(new)", mkdir("new", 0755));
	rc("chdir(new)", chdir("new"));
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	rc("chdir(../../../..)", chdir("../../../.."));
	fd = rcfd("open(base/cdir)", open("base/cdir", O_RDONLY | O_DIRECTORY));
	rc("fchdir(base/cdir)", fchdir(fd));
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	rc("rename(../rdir, ../moved)", rename("../rdir", "../moved"));
	rc("chdir(../moved/s)", chdir("../moved/s"));
	show_proc_link("/proc/self/cwd", "/proc/self/cwd");
	show_file("cat t", "t");
	return 0;
}
