/*
 * tests/fuzz/replay_corpus.c — run a fuzz target's function over the
 * inputs kept in tests/fuzz/corpus/NAME/ (the seeds, and every input a
 * fuzzing run found to crash), so `make check` replays them all under the
 * sanitizers without libFuzzer.  NAME is this program's name without its
 * "regress_" prefix; the corpus is found through $top_srcdir.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			unsigned char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!nb) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

/*
 * make check turns LeakSanitizer off for the traced programs; a leak on
 * bad input is a finding here, so the corpus runs with it on again.
 */
static void leaks_on(char **argv)
{
#if defined(__SANITIZE_ADDRESS__)
	const char *opt = getenv("ASAN_OPTIONS");

	if (opt && strstr(opt, "detect_leaks=0") && !getenv("PCOW_CORPUS_LEAKS")) {
		setenv("PCOW_CORPUS_LEAKS", "1", 1);
		setenv("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0", 1);
		execv("/proc/self/exe", argv);
	}
#else
	(void)argv;
#endif
}

int main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir"), *name = strrchr(argv[0], '/');
	char dir[4096], path[8192];
	struct dirent *e;
	int n = 0, failed = 0;
	DIR *d;

	(void)argc;
	leaks_on(argv);
	name = name ? name + 1 : argv[0];
	if (!strncmp(name, "lt-", 3))
		name += 3;
	if (!strncmp(name, "regress_", 8))
		name += 8;
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top ? top : ".", name);
	d = opendir(dir);
	if (!d) {
		perror(dir);
		return 99;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (run_file(path) < 0)
			failed++;
		else
			n++;
	}
	closedir(d);
	printf("%s: %d inputs of %s replayed, %d unreadable\n", name, n, dir, failed);
	return failed || !n ? 1 : 0;
}
