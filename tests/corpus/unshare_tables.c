/*
 * unshare(CLONE_FILES), close_range(CLOSE_RANGE_UNSHARE) and
 * unshare(CLONE_FS) give a thread a descriptor table, resp. a working
 * directory, of its own (kernel/fork.c ksys_unshare, fs/file.c
 * __close_range): what another thread does to the shared one afterwards
 * does not reach it.  A directory descriptor replaced in the other thread
 * still creates in its own directory; a relative path still starts from
 * the old working directory after the other thread's chdir.
 */
#include <linux/close_range.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>

#include "corpus.h"

static sem_t go_main, go_thread;
static int dfd, dfd2;

static void wait_for(sem_t *s)
{
	while (sem_wait(s) < 0)
		if (errno != EINTR)
			die("sem_wait");
}

/* The other thread: it acts on the tables when main says so. */
static void *other(void *arg)
{
	int fd;

	(void)arg;
	wait_for(&go_thread);
	/* main has its own table now: replace dfd in the shared one. */
	fd = open("base/rdir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, dfd) < 0)
		die("dup2 in the thread");
	close(fd);
	rc("thread: close_range(dfd2, CLOSE_RANGE_UNSHARE)",
	   syscall(SYS_close_range, dfd2, dfd2, CLOSE_RANGE_UNSHARE));
	sem_post(&go_main);
	wait_for(&go_thread);
	/* Its own table: dfd2 closed there only. */
	rc("thread: fcntl(dfd2, F_GETFD) after its close_range", fcntl(dfd2, F_GETFD));
	rc("thread: unshare(CLONE_FS)", unshare(CLONE_FS));
	sem_post(&go_main);
	wait_for(&go_thread);
	/* main changed its working directory: this thread's is the old one. */
	rc("thread: write base/dir/from_thread",
	   open("base/dir/from_thread", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) >= 0);
	sem_post(&go_main);
	return NULL;
}

int main(void)
{
	pthread_t t;
	int fd;

	if (sem_init(&go_main, 0, 0) || sem_init(&go_thread, 0, 0))
		die("sem_init");
	dfd = open("base/dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dfd2 = open("base/dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || dfd2 < 0)
		die("open base/dir");
	if (pthread_create(&t, NULL, other, NULL))
		die("pthread_create");

	rc("unshare(CLONE_FILES)", unshare(CLONE_FILES));
	sem_post(&go_thread);
	wait_for(&go_main);
	/* dfd is still base/dir here, whatever the thread put there. */
	fd = openat(dfd, "via_dfd", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	rc("openat(dfd, via_dfd, O_CREAT)", fd >= 0);
	if (fd >= 0)
		close(fd);
	show_stat("base/dir/via_dfd", "base/dir/via_dfd");
	show_stat("base/rdir/via_dfd", "base/rdir/via_dfd");
	/* dfd2 is open here: the thread closed only its own copy. */
	fd = openat(dfd2, "via_dfd2", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	rc("openat(dfd2, via_dfd2, O_CREAT)", fd >= 0);
	if (fd >= 0)
		close(fd);
	show_stat("base/dir/via_dfd2", "base/dir/via_dfd2");
	sem_post(&go_thread);
	wait_for(&go_main);

	rc("chdir(base/dir)", chdir("base/dir"));
	sem_post(&go_thread);
	wait_for(&go_main);
	show_stat("from_thread (main's cwd base/dir)", "from_thread");
	show_stat("base/dir/from_thread from the root", "../../base/dir/from_thread");
	if (pthread_join(t, NULL))
		die("pthread_join");
	return 0;
}
