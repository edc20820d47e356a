/*
 * Precision of the time setters: utimensat(2) keeps nanoseconds, utimes(2)
 * and futimesat(2) take microseconds (stat shows them times 1000), utime(2)
 * whole seconds (nanoseconds 0), all on real files.
 */
#include "corpus.h"
#include <sys/time.h>
#include <utime.h>

int main(void)
{
	struct timespec ts[2] = { { 1500000000, 123456789 }, { 1500000001, 999999999 } };
	struct timeval tv[2] = { { 1600000000, 123456 }, { 1600000001, 999999 } };
	struct utimbuf ub = { 1700000000, 1700000001 };

	rc("utimensat(base/a.txt)", utimensat(AT_FDCWD, "base/a.txt", ts, 0));
	show_times("times(base/a.txt)", "base/a.txt", 0);
	rc("utimes(base/a.txt)", utimes("base/a.txt", tv));
	show_times("times(base/a.txt)", "base/a.txt", 0);
	rc("utime(base/a.txt)", utime("base/a.txt", &ub));
	show_times("times(base/a.txt)", "base/a.txt", 0);
	tv[1].tv_usec = 1;
	rc("futimesat(AT_FDCWD, base/c.txt)",
	   syscall(SYS_futimesat, AT_FDCWD, "base/c.txt", tv));
	show_times("times(base/c.txt)", "base/c.txt", 0);
	return 0;
}
