/*
 * A directory renamed by one process while another has its cwd and a
 * descriptor there: the other process stays in it and sees the new name.
 */
#include "corpus.h"

int main(void)
{
	int go[2], done[2], st;
	char c;
	pid_t pid;

	remember_root();
	if (pipe(go) < 0 || pipe(done) < 0)
		die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int fd;

		rc("child chdir(base/rdir)", chdir("base/rdir"));
		fd = rcfd("child open(s)", open("s", O_RDONLY | O_DIRECTORY));
		fflush(stdout);
		if (write(done[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			die("pipe");
		show_cwd("child getcwd");
		show_file("child cat p", "p");
		show_proc_link("child /proc/self/cwd", "/proc/self/cwd");
		fd = rcfd("child openat(s, t)", openat(fd, "t", O_RDONLY));
		show_read("child read(t)", fd);
		rcfd("child open(new, O_CREAT)", open("new", O_WRONLY | O_CREAT, 0644));
		exit(0);
	}
	if (read(done[0], &c, 1) != 1)
		die("pipe");
	rc("rename(base/rdir, base/gone)", rename("base/rdir", "base/gone"));
	fflush(stdout);
	if (write(go[1], "g", 1) != 1 || waitpid(pid, &st, 0) < 0)
		die("pipe, waitpid");
	printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	show_dir("ls base/gone", "base/gone");
	return 0;
}
