/*
 * sigint — handles SIGINT: prints that it did and exits 3.  Sends itself
 * SIGINT when given "self"; otherwise waits for one (at most 10 s) after
 * printing "ready".
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_int(int sig)
{
	got = sig;
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, NULL);
	if (argc > 1 && !strcmp(argv[1], "self")) {
		kill(getpid(), SIGINT);
	} else {
		printf("ready\n");
		fflush(stdout);
		for (int i = 0; i < 1000 && !got; i++)
			usleep(10000);
	}
	if (!got)
		return 1;
	printf("caught SIGINT\n");
	return 3;
}
