/*
 * check_seccomp — the generated seccomp-bpf filter, run by a small classic
 * BPF interpreter over every syscall number of every ABI: it must stop
 * exactly the selected x86_64 calls, every call of another ABI, x32 calls
 * and numbers past the table, and nothing else.  Also its size stays
 * logarithmic (no linear chain of comparisons).
 */
#include <check.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "emu/select.h"
#include "tracer/seccomp.h"

/* Run prog on (arch, nr); returns the filter's verdict, or 0xdead on a bad program. */
static uint32_t run_bpf(const struct seccomp_prog *prog, uint32_t arch, uint32_t nr,
			size_t *ret_steps)
{
	struct seccomp_data d;
	uint32_t acc = 0;
	size_t pc = 0, steps = 0;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = (int)nr;
	while (pc < prog->len) {
		const struct sock_filter *f = &prog->insns[pc];

		steps++;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k + 4 > sizeof(d))
				return 0xdead;
			memcpy(&acc, (const char *)&d + f->k, 4);
			pc++;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += 1 + (acc == f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += 1 + (acc >= f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JA:
			pc += 1 + f->k;
			break;
		case BPF_RET | BPF_K:
			if (ret_steps)
				*ret_steps = steps;
			return f->k;
		default:
			return 0xdead;
		}
	}
	return 0xdead; /* fell off the end */
}

static void check_filter(const char *spec)
{
	struct seccomp_prog prog;
	struct emu_select sel;
	char msg[256];
	size_t limit = emu_syscall_limit(EMU_ABI_X86_64), max_steps = 0;

	ck_assert_int_eq(emu_select_parse(spec, &sel, msg, sizeof(msg)), 0);
	ck_assert_int_eq(seccomp_build(&sel, &prog), 0);
	for (uint32_t nr = 0; nr < limit + 50; nr++) {
		size_t steps = 0;
		uint32_t want = nr >= limit || emu_select_has(&sel, EMU_ABI_X86_64, nr)
					? SECCOMP_RET_TRACE
					: SECCOMP_RET_ALLOW;
		uint32_t got = run_bpf(&prog, AUDIT_ARCH_X86_64, nr, &steps);

		ck_assert_msg(got == want, "%s: nr %u: got %#x, want %#x", spec, nr, got, want);
		if (steps > max_steps)
			max_steps = steps;
		/* int 0x80 calls stop whatever their number. */
		ck_assert_uint_eq(run_bpf(&prog, AUDIT_ARCH_I386, nr, NULL), SECCOMP_RET_TRACE);
	}
	/* x32 numbers and -1 stop. */
	ck_assert_uint_eq(run_bpf(&prog, AUDIT_ARCH_X86_64, 0x40000000u | SYS_read, NULL),
			  SECCOMP_RET_TRACE);
	ck_assert_uint_eq(run_bpf(&prog, AUDIT_ARCH_X86_64, 0xffffffffu, NULL), SECCOMP_RET_TRACE);
	/* Logarithmic: 5 prologue steps plus 2 per tree level, ~10 levels at most. */
	ck_assert_msg(max_steps <= 5 + 2 * 10 + 1, "%s: %zu steps for one call", spec, max_steps);
	seccomp_prog_free(&prog);
}

START_TEST(test_file_class)
{
	check_filter("file");
}
END_TEST

START_TEST(test_names)
{
	check_filter("openat,read,write,close,getppid");
}
END_TEST

START_TEST(test_none_and_mixed)
{
	check_filter("none");
	check_filter("process,net,signal");
	check_filter("desc,memory,ipc,execve");
}
END_TEST

START_TEST(test_every_other_call)
{
	struct seccomp_prog prog;
	struct emu_select sel;

	/* The worst case for intervals: alternate every number. */
	memset(&sel, 0, sizeof(sel));
	for (long nr = 0; nr < EMU_SELECT_NR_MAX; nr += 2)
		emu_select_add(&sel, EMU_ABI_X86_64, nr);
	ck_assert_int_eq(seccomp_build(&sel, &prog), 0);
	for (uint32_t nr = 0; nr < 400; nr++)
		ck_assert_uint_eq(run_bpf(&prog, AUDIT_ARCH_X86_64, nr, NULL),
				  nr % 2 == 0 ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW);
	seccomp_prog_free(&prog);
}
END_TEST

START_TEST(test_select_parse)
{
	struct emu_select sel;
	char msg[256];

	ck_assert_int_eq(emu_select_parse("all", &sel, msg, sizeof(msg)), 0);
	ck_assert(sel.all);
	ck_assert_int_eq(emu_select_parse("none", &sel, msg, sizeof(msg)), 0);
	ck_assert(sel.none && !sel.all);
	ck_assert_int_eq(emu_select_parse("%file", &sel, msg, sizeof(msg)), 0);
	ck_assert(emu_select_has(&sel, EMU_ABI_X86_64, SYS_openat));
	ck_assert(emu_select_has(&sel, EMU_ABI_I386, 5)); /* i386 open */
	ck_assert(!emu_select_has(&sel, EMU_ABI_X86_64, SYS_read));
	ck_assert(!emu_select_has(&sel, EMU_ABI_X86_64, SYS_getppid));
	ck_assert_int_eq(emu_select_parse("open,getppid", &sel, msg, sizeof(msg)), 0);
	ck_assert(emu_select_has(&sel, EMU_ABI_X86_64, SYS_open));
	ck_assert(emu_select_has(&sel, EMU_ABI_X86_64, SYS_getppid));
	ck_assert(!emu_select_has(&sel, EMU_ABI_X86_64, SYS_openat));
	ck_assert(!emu_select_has(&sel, EMU_ABI_X86_64, EMU_SELECT_NR_MAX));
	ck_assert(!emu_select_has(&sel, EMU_ABI_X86_64, -1));
	ck_assert_int_eq(emu_select_parse("file,bogus_call", &sel, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "bogus_call"));
	ck_assert_int_eq(emu_select_parse("", &sel, msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(emu_select_parse("file,,net", &sel, msg, sizeof(msg)), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("filter");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_select_parse);
	tcase_add_test(tc, test_file_class);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_none_and_mixed);
	tcase_add_test(tc, test_every_other_call);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
