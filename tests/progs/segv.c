/*
 * segv — dies of SIGSEGV (a shell reports 139), after a write to stdout.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>

int main(void)
{
	struct rlimit no_core = { 0, 0 };
	volatile int *p = NULL;

	setrlimit(RLIMIT_CORE, &no_core);
	printf("about to crash\n");
	fflush(stdout);
	*p = 1;
	return 0;
}
