/*
 * tests/unit/check_elf.c — the ELF reader (tracer/elf.c) on real files: the
 * test's own executable (facts, segments, symbols with offsets, build-id),
 * a hand-made 32-bit ELF header, and files that are not ELF.
 *
 * Symbols are checked end to end as the stack code uses them: an address
 * of a function of this program is turned into a file offset through
 * /proc/self/maps, into an ELF virtual address through the segments, and
 * must come back as the function's name with the right offset.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer/elf.h"

int main(void);

/* The function looked up by name: big enough to have offsets inside. */
__attribute__((noinline)) int elf_probe_function(int x);

__attribute__((noinline)) int elf_probe_function(int x)
{
	volatile int y = x;

	for (int i = 0; i < 8; i++)
		y = y * 3 + i;
	return y;
}

/* The file offset of addr in this process, from /proc/self/maps. */
static int file_offset_of(uintptr_t addr, uint64_t *ret_off, char *file_path, size_t size)
{
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "re");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, offset;
		int path_at = 0;

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &start, &end, &offset, &path_at) <
			    3 ||
		    addr < start || addr >= end)
			continue;
		*ret_off = addr - start + offset;
		snprintf(file_path, size, "%s", line + path_at);
		file_path[strcspn(file_path, "\n")] = '\0';
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

START_TEST(test_facts_of_self)
{
	struct tracer_elf_facts facts;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(tracer_elf_facts_fd(fd, &facts), 0);
	close(fd);
	ck_assert_int_eq(facts.elf_class, 64);
	ck_assert_int_eq(facts.machine, 62); /* EM_X86_64 */
	/* A dynamically linked test program has an interpreter. */
	ck_assert(!facts.is_static);
	ck_assert_msg(strstr(facts.interp, "ld-linux") != NULL, "interp '%s'", facts.interp);
}
END_TEST

START_TEST(test_symbols_of_self)
{
	char file_path[4096];
	struct tracer_elf *e;
	const char *name;
	uint64_t off, vaddr, sym_off = 99;
	uintptr_t addr = (uintptr_t)&elf_probe_function + 5;
	struct tracer_elf_facts facts;
	int fd;

	ck_assert_int_eq(file_offset_of(addr, &off, file_path, sizeof(file_path)), 0);
	ck_assert_int_eq(tracer_elf_load(file_path, &e), 0);
	ck_assert(tracer_elf_vaddr(e, off, &vaddr));
	name = tracer_elf_symbol(e, vaddr, &sym_off);
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, "elf_probe_function");
	ck_assert_uint_eq(sym_off, 5);
	/* Its first byte too, and main resolves as main. */
	name = tracer_elf_symbol(e, vaddr - 5, &sym_off);
	ck_assert_str_eq(name, "elf_probe_function");
	ck_assert_uint_eq(sym_off, 0);
	ck_assert(file_offset_of((uintptr_t)&main, &off, file_path, sizeof(file_path)) == 0);
	ck_assert(tracer_elf_vaddr(e, off, &vaddr));
	ck_assert_str_eq(tracer_elf_symbol(e, vaddr, &sym_off), "main");
	/* Nothing below the first function. */
	ck_assert_ptr_null(tracer_elf_symbol(e, 0, &sym_off));
	/* A file offset outside every segment. */
	ck_assert(!tracer_elf_vaddr(e, UINT64_MAX / 2, &vaddr));

	/* The build-id: the same through both readers, hex. */
	fd = open(file_path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(tracer_elf_facts_fd(fd, &facts), 0);
	close(fd);
	ck_assert_str_eq(tracer_elf_build_id(e), facts.build_id);
	ck_assert_uint_eq(strspn(facts.build_id, "0123456789abcdef"), strlen(facts.build_id));
	tracer_elf_free(e);
	tracer_elf_free(NULL);
}
END_TEST

static char tmp_path[64];

static void make_tmp(const void *bytes, size_t len)
{
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/check_elf.XXXXXX");
	fd = mkstemp(tmp_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, len), (ssize_t)len);
	close(fd);
}

START_TEST(test_elf32_header)
{
	/* Elf32_Ehdr of a static i386 executable without program headers. */
	unsigned char h[52] = { 0x7f, 'E', 'L', 'F', 1 /* ELFCLASS32 */, 1 /* LSB */, 1 };
	struct tracer_elf_facts facts;
	int fd;

	h[16] = 2;	/* e_type ET_EXEC */
	h[18] = 3;	/* e_machine EM_386 */
	h[20] = 1;	/* e_version */
	h[40] = 52;	/* e_ehsize */
	h[42] = 32;	/* e_phentsize */
	h[46] = 40;	/* e_shentsize */
	make_tmp(h, sizeof(h));
	fd = open(tmp_path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(tracer_elf_facts_fd(fd, &facts), 0);
	close(fd);
	unlink(tmp_path);
	ck_assert_int_eq(facts.elf_class, 32);
	ck_assert_int_eq(facts.machine, 3);
	ck_assert(facts.is_static);
	ck_assert_str_eq(facts.interp, "");
	ck_assert_str_eq(facts.build_id, "");
}
END_TEST

START_TEST(test_not_elf)
{
	static const char text[] = "#!/bin/sh\necho not an ELF file\n";
	struct tracer_elf_facts facts;
	struct tracer_elf *e = (void *)1;
	int fd;

	make_tmp(text, sizeof(text) - 1);
	fd = open(tmp_path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(tracer_elf_facts_fd(fd, &facts), -ENOEXEC);
	ck_assert_int_eq(facts.elf_class, 0);
	close(fd);
	ck_assert_int_eq(tracer_elf_load(tmp_path, &e), -ENOEXEC);
	ck_assert_ptr_null(e);
	unlink(tmp_path);
	make_tmp("", 0);
	ck_assert_int_eq(tracer_elf_load(tmp_path, &e), -ENOEXEC);
	unlink(tmp_path);
	ck_assert_int_eq(tracer_elf_load("/nonexistent/file", &e), -ENOENT);
}
END_TEST

static Suite *elf_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("reader");

	tcase_add_test(tc, test_facts_of_self);
	tcase_add_test(tc, test_symbols_of_self);
	tcase_add_test(tc, test_elf32_header);
	tcase_add_test(tc, test_not_elf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(elf_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
