/*
 * execveat(2) with AT_EMPTY_PATH runs the file behind a descriptor: an
 * ELF copy written in the overlay and a script created in the overlay
 * (opened without O_CLOEXEC), and by a name relative to a directory
 * descriptor; a script through an O_CLOEXEC descriptor (of itself or of its
 * directory) is ENOENT, as its /dev/fd path is gone in the new program; an
 * O_PATH descriptor of a 0644 file is EACCES.
 */
#include "corpus.h"

struct at_args {
	int dfd;
	const char *name;
	int flags;
};

static void execveat_child(const void *arg)
{
	const struct at_args *e = arg;
	const char *const argv[] = { "prog", "at", NULL };

	syscall(SYS_execveat, e->dfd, e->name, argv, corpus_env, e->flags);
	printf("execveat = -1 %s\n", errname(errno));
}

/* Fork, execveat(fd, name, flags) in the child, print output and status. */
static void run_at(const char *label, int dfd, const char *name, int flags)
{
	struct at_args e = { dfd, name, flags };

	run_child(label, execveat_child, &e);
}

int main(void)
{
	char buf[65536];
	ssize_t n;
	int in = open("/bin/echo", O_RDONLY | O_CLOEXEC);
	int out = open("base/myecho", O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	int fd, dfd;

	if (in < 0 || out < 0)
		die("copy");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("write");
	close(in);
	close(out);
	fd = rcfd("open(base/myecho, O_RDONLY)", open("base/myecho", O_RDONLY | O_CLOEXEC));
	run_at("execveat(myecho fd, \"\", AT_EMPTY_PATH)", fd, "", AT_EMPTY_PATH);
	close(fd);
	put_file("base/s.sh", "#!/bin/sh\necho script \"$@\"\n", 0755);
	fd = rcfd("open(base/s.sh, O_RDONLY)", open("base/s.sh", O_RDONLY));
	run_at("execveat(s.sh fd, \"\", AT_EMPTY_PATH)", fd, "", AT_EMPTY_PATH);
	close(fd);
	fd = rcfd("open(base/s.sh, O_CLOEXEC)", open("base/s.sh", O_RDONLY | O_CLOEXEC));
	run_at("execveat(s.sh cloexec fd, \"\", AT_EMPTY_PATH)", fd, "", AT_EMPTY_PATH);
	close(fd);
	dfd = rcfd("open(base, O_DIRECTORY)", open("base", O_RDONLY | O_DIRECTORY));
	run_at("execveat(base fd, s.sh, 0)", dfd, "s.sh", 0);
	close(dfd);
	dfd = rcfd("open(base, O_DIRECTORY|O_CLOEXEC)",
		   open("base", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	run_at("execveat(base cloexec fd, s.sh, 0)", dfd, "s.sh", 0);
	fd = rcfd("open(base/a.txt, O_PATH)", open("base/a.txt", O_PATH | O_CLOEXEC));
	run_at("execveat(a.txt fd, \"\", AT_EMPTY_PATH)", fd, "", AT_EMPTY_PATH);
	return 0;
}
