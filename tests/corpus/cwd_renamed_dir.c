/*
 * The cwd is a real directory that is then renamed (in the overlay): the
 * process stays in it, so relative names still reach its files and new
 * files land in it, getcwd and /proc/self/cwd show the new name, ".."
 * is still its parent, and the old name is gone.
 */
#include "corpus.h"

static char root[4096];

/* getcwd, printed relative to the root the case started in. */
static void show_cwd(const char *label)
{
	char buf[4096];
	size_t n = strlen(root);

	if (!getcwd(buf, sizeof(buf)))
		printf("%s = -1 %s\n", label, errname(errno));
	else if (strncmp(buf, root, n) == 0 && (buf[n] == '/' || buf[n] == '\0'))
		printf("%s: ROOT%s\n", label, buf + n);
	else
		printf("%s: outside the root\n", label);
}

int main(void)
{
	char buf[4096];
	ssize_t n;
	int fd;

	if (!getcwd(root, sizeof(root)))
		die("getcwd");
	rc("chdir(base/rdir)", chdir("base/rdir"));
	rc("rename(../rdir, ../moved)", rename("../rdir", "../moved"));
	show_cwd("getcwd");
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	if (n < 0)
		die("readlink");
	buf[n] = '\0';
	if (strncmp(buf, root, strlen(root)) == 0)
		printf("/proc/self/cwd: ROOT%s\n", buf + strlen(root));
	else
		printf("/proc/self/cwd: outside the root\n");
	show_file("cat p", "p");
	show_file("cat s/t", "s/t");
	fd = rcfd("open(new, O_CREAT)", open("new", O_WRONLY | O_CREAT, 0644));
	if (fd >= 0)
		close(fd);
	show_dir("ls .", ".");
	show_stat("stat(../rdir)", "../rdir");
	show_dir("ls ../moved", "../moved");
	show_file("cat ../a.txt", "../a.txt");
	rc("chdir(s)", chdir("s"));
	show_cwd("getcwd");
	return 0;
}
