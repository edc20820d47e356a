/*
 * A changed real directory listed through descriptors that share one open
 * file description: dup, dup2, dup3, fcntl(F_DUPFD) and fork's copies list
 * the merged directory, not the kernel's upper one, and share its position
 * (fs/file.c: one struct file, one f_pos).  Reading to the end through one
 * leaves nothing for the other; lseek(0) on one rewinds the other, in
 * another process too; a listing begun through one ends through the other
 * with every name once, also after the first was closed, and when a
 * forked child ends it; dup2 over a
 * descriptor of another directory lists this one.  (os.scandir(fd) dups
 * its descriptor: shutil.rmtree of a changed directory relies on this.)
 */
#include "corpus.h"

/*
 * Append to names (n of them) the entries of getdents64 on fd, from where
 * it is, through a buffer of size bytes, calls times at most (0: to the
 * end), each "name/type"; the last result.
 */
static long collect(int fd, size_t size, int calls, char *names[128], size_t *n)
{
	char buf[4096];
	long r;

	while ((r = syscall(SYS_getdents64, fd, buf, size)) > 0) {
		for (long off = 0; off < r && *n < 128; off += *(unsigned short *)(buf + off + 16)) {
			unsigned char t = (unsigned char)buf[off + 18];

			if (asprintf(&names[(*n)++], "%s/%c", buf + off + 19,
				     t == DT_REG ? 'f' : t == DT_DIR ? 'd' : '?') < 0)
				die("asprintf");
		}
		if (calls && --calls == 0)
			break;
	}
	return r;
}

/* "LABEL: names..." sorted, or the error; frees them. */
static void print_names(const char *label, long r, char *names[128], size_t n)
{
	if (r < 0)
		printf("%s = -1 %s\n", label, errname(errno));
	else
		printf("%s:", label);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (r >= 0)
			printf(" %s", names[i]);
		free(names[i]);
	}
	if (r >= 0)
		putchar('\n');
}

/* Read fd from where it is to the end. */
static void ls_fd(const char *label, int fd)
{
	char *names[128];
	size_t n = 0;
	long r = collect(fd, 4096, 0, names, &n);

	print_names(label, r, names, n);
}

static void rewind_fd(const char *label, int fd)
{
	rc(label, lseek(fd, 0, SEEK_SET));
}

/* Fork; the child runs fn(fd) and exits; wait for it. */
static void in_child(void (*fn)(int fd), int fd)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		fn(fd);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		die("child");
}

static void child_lists(int fd)
{
	ls_fd("child: ls fd", fd);
}

static void child_rewinds(int fd)
{
	rewind_fd("child: lseek(fd, 0)", fd);
}

static int names_out = -1; /* where child_sends_rest writes */

/* The rest of fd's listing, one name a line, to names_out. */
static void child_sends_rest(int fd)
{
	char *mine[128];
	size_t n = 0;

	if (collect(fd, 4096, 0, mine, &n) < 0)
		_exit(1);
	for (size_t i = 0; i < n; i++)
		dprintf(names_out, "%s\n", mine[i]);
}

/*
 * A child reads fd to the end and sends the names back through a pipe;
 * how many the parent got into names (room: max).
 */
static size_t rest_in_child(int fd, char **names, size_t max)
{
	char line[512];
	size_t got = 0;
	int p[2];
	FILE *in;

	if (pipe(p) < 0)
		die("pipe");
	names_out = p[1];
	in_child(child_sends_rest, fd); /* a few names: the pipe holds them */
	close(p[1]);
	in = fdopen(p[0], "r");
	while (in && got < max && fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (!(names[got++] = strdup(line)))
			die("strdup");
	}
	if (!in || fclose(in))
		die("pipe");
	return got;
}

int main(void)
{
	char *names[128];
	size_t n = 0, first;
	long r;
	int fd, d, other;

	rc("unlink(base/dir/y)", unlink("base/dir/y"));
	put_file("base/dir/n1", "n1\n", 0644);
	show_dir("ls base/dir", "base/dir");

	fd = rcfd("open(base/dir)", open("base/dir", O_RDONLY | O_DIRECTORY));
	d = rcfd("dup(fd)", dup(fd));
	if (fd < 0 || d < 0)
		return 1;
	ls_fd("ls dup", d);
	ls_fd("ls fd after the dup's read", fd);
	rewind_fd("lseek(dup, 0)", d);
	ls_fd("ls fd after the dup's lseek", fd);

	rewind_fd("lseek(fd, 0)", fd);
	rc("dup2(fd, 40)", dup2(fd, 40));
	ls_fd("ls dup2", 40);
	rewind_fd("lseek(fd, 0)", fd);
	rc("dup3(fd, 41, O_CLOEXEC)", dup3(fd, 41, O_CLOEXEC));
	ls_fd("ls dup3", 41);
	rewind_fd("lseek(fd, 0)", fd);
	r = rcfd("fcntl(fd, F_DUPFD, 50)", fcntl(fd, F_DUPFD, 50));
	ls_fd("ls F_DUPFD", (int)r);
	close((int)r);

	/* dup2 over a descriptor holding another directory's listing */
	other = rcfd("open(base/rdir)", open("base/rdir", O_RDONLY | O_DIRECTORY));
	ls_fd("ls base/rdir", other);
	rewind_fd("lseek(fd, 0)", fd);
	rc("dup2(fd, other)", dup2(fd, other) < 0 ? -1 : 0);
	ls_fd("ls other", other);
	close(other);
	close(40);
	close(41);

	/* fork: the child's descriptor is the parent's open file */
	rewind_fd("lseek(fd, 0)", fd);
	in_child(child_lists, fd);
	ls_fd("ls fd after the child's read", fd);
	in_child(child_rewinds, fd);
	ls_fd("ls fd after the child's lseek", fd);

	/*
	 * Begun through fd with a small buffer, ended through the dup: each
	 * name once (which come first is the file system's order).
	 */
	rewind_fd("lseek(fd, 0)", fd);
	r = collect(fd, 64, 1, names, &n);
	printf("getdents64(fd, 64 bytes): %zu entries\n", n);
	first = n;
	rc("close(fd)", close(fd));
	r = collect(d, 4096, 0, names, &n);
	printf("the rest through the dup: %zu entries\n", n - first);
	print_names("together", r, names, n);
	rewind_fd("lseek(dup, 0)", d);
	ls_fd("ls dup", d);

	/* Begun in the parent, ended in a forked child: each name once. */
	rewind_fd("lseek(dup, 0)", d);
	n = 0;
	r = collect(d, 64, 1, names, &n);
	printf("getdents64(dup, 64 bytes): %zu entries\n", n);
	first = n;
	n += rest_in_child(d, names + n, 128 - n);
	printf("the rest in a child: %zu entries\n", n - first);
	print_names("together", r, names, n);
	close(d);
	return 0;
}
