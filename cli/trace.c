/*
 * cli/trace.c — `pcow trace [OPTION...] [--] PROGRAM [ARG...]`.
 *
 * Finds the program as a shell would (127 and a shell's message when it
 * cannot), opens or creates the store and its log, starts a run, traces
 * the program to the end with the log writer attached, closes the run and
 * exits with the program's status.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/cli.h"
#include "db/db.h"
#include "emu/fstate.h"
#include "cow/cow.h"
#include "emu/cowsys.h"
#include "emu/replayrec.h"
#include "emu/select.h"
#include "emu/syscalls.h"
#include "tracer/record.h"
#include "tracer/spawn.h"
#include "tracer/stack.h"
#include "tracer/tracer.h"

static const char trace_usage[] =
	"Usage: pcow trace [OPTION...] [--] PROGRAM [ARG...]\n"
	"\n"
	"Run PROGRAM under ptrace and record every system call of every thread and\n"
	"process it starts in the store's log (STORE/log.db).  PROGRAM is looked up\n"
	"in $PATH as a shell would.  Tracing the same store again appends a new run.\n"
	"\n"
	"PROGRAM gets a copy-on-write view of the file system: what it creates,\n"
	"changes or deletes inside the scope lands in STORE/upper and the store's\n"
	"index, and the real files stay as they are.  A later run on the same store\n"
	"sees the earlier runs' changes.  'pcow status', 'pcow diff', 'pcow commit'\n"
	"and 'pcow discard' show, apply or drop them.\n"
	"\n"
	"Options:\n"
	"      --store DIR      the store directory (default: $PCOW_STORE, else ./.pcow)\n"
	"      --cow DIR        the copy-on-write scope (repeatable; default: /, except\n"
	"                       /proc, /sys, /dev and the store itself)\n"
	"      --rw DIR         let changes below DIR reach the real files (repeatable)\n"
	"      --quota SIZE     STORE/upper may grow by at most SIZE bytes (suffixes\n"
	"                       K, M, G); past it the program gets ENOSPC\n"
	"      --no-cow         record only; let the program change files for real\n"
	"      --stack[=CLASS]  record the user stack of each call (like strace -k), or\n"
	"                       only of CLASS: all (default), file, process, network,\n"
	"                       or a comma list of classes and syscall names;\n"
	"                       'pcow log --stack' prints them\n"
	"      --stack-depth N  keep at most N frames per stack (default 32)\n"
	"      --log=WHAT       which calls to record: all (default), none, or a comma\n"
	"                       list of classes (file, desc, process, net, signal, ipc,\n"
	"                       memory: strace's %file ...) and syscall names\n"
	"      --seccomp=WHEN   auto (default): with a narrower --log, let a seccomp-bpf\n"
	"                       filter stop only the calls that need it, when the kernel\n"
	"                       can (Linux 4.8+); on: insist; off: stop at every call\n"
	"  -q, --quiet          no summary line at the end\n"
	"  -h, --help           show this help\n"
	"\n"
	"Environment:\n"
	"  PCOW_STORE           the default store directory\n"
	"  PCOW_FORCE_FALLBACK  1: read registers with PTRACE_GETREGSET and memory\n"
	"                       through /proc/PID/mem; peek: memory with PTRACE_PEEKDATA;\n"
	"                       stack: no read-only region for rewritten paths\n"
	"\n"
	"Exit status: the program's; 128+N when signal N killed it; 127 when it\n"
	"cannot be found or executed; 125 when pcow itself fails.\n";

enum seccomp_when { SECCOMP_AUTO, SECCOMP_ON, SECCOMP_OFF };

struct trace_opts {
	const char *store;
	const char *log_spec;	/* --log */
	enum seccomp_when seccomp;
	char options_text[512]; /* what the run row records */
	bool no_cow;
	bool quiet;
	const char *cow_dirs[32];	/* --cow, made absolute (owned: opts_free) */
	size_t n_cow;
	const char *rw_dirs[32];	/* --rw */
	size_t n_rw;
	uint64_t quota;
	bool stack;			/* --stack given */
	struct tracer_stack_opts stack_opts;
	char **stack_names;		/* owned: tracer_stack_names_free */
};

/* A --cow or --rw directory: it must exist; kept absolute, symlinks resolved. */
static int add_scope_dir(const char *opt, const char *arg, const char **dirs, size_t *n)
{
	char *abs;

	if (*n >= 32) {
		cli_error("trace: at most 32 %s directories", opt);
		return -EINVAL;
	}
	abs = realpath(arg, NULL);
	if (!abs) {
		cli_error("trace: %s %s: %s", opt, arg, strerror(errno));
		return -errno;
	}
	/*
	 * The kernel's own trees always pass (cow_scope_of): a --cow there
	 * would let every write through while the user believes it is kept.
	 */
	if (!strcmp(opt, "--cow")) {
		static const char *const kernel_trees[] = { "/proc", "/sys", "/dev" };

		for (size_t i = 0; i < sizeof(kernel_trees) / sizeof(kernel_trees[0]); i++) {
			size_t k = strlen(kernel_trees[i]);

			if (!strncmp(abs, kernel_trees[i], k) && (!abs[k] || abs[k] == '/')) {
				cli_error("trace: --cow %s: %s is below %s, which pcow never makes"
					  " copy-on-write (its writes would reach the real files)",
					  arg, abs, kernel_trees[i]);
				free(abs);
				return -EINVAL;
			}
		}
	}
	dirs[(*n)++] = abs;
	return 0;
}

static void opts_free(struct trace_opts *o)
{
	tracer_stack_names_free(o->stack_names);
	for (size_t i = 0; i < o->n_cow; i++)
		free((char *)o->cow_dirs[i]);
	for (size_t i = 0; i < o->n_rw; i++)
		free((char *)o->rw_dirs[i]);
}

/* "100", "64K", "10M", "2G" (powers of 1024). */
static bool parse_size(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return false;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return false;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return false;
	*ret = (uint64_t)v << shift;
	return *ret != 0;
}

static int parse_options(int argc, char **argv, struct trace_opts *o)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "no-cow", no_argument, NULL, 'n' },
		{ "cow", required_argument, NULL, 'C' },
		{ "rw", required_argument, NULL, 'W' },
		{ "quota", required_argument, NULL, 'Q' },
		{ "stack", optional_argument, NULL, 'k' },
		{ "stack-depth", required_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "log", required_argument, NULL, 'l' },
		{ "seccomp", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	char bad[128];
	long v;

	memset(o, 0, sizeof(*o));
	o->store = cli_default_store();
	o->log_spec = "all";
	o->stack_opts.depth = TRACER_STACK_DEPTH_DEFAULT;
	optind = 1;
	/* '+': options end at PROGRAM, whose own options are its business. */
	while ((c = getopt_long(argc, argv, "+qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->store = optarg;
			break;
		case 'n':
			o->no_cow = true;
			break;
		case 'C':
		case 'W':
			if (add_scope_dir(c == 'C' ? "--cow" : "--rw", optarg,
					  c == 'C' ? o->cow_dirs : o->rw_dirs,
					  c == 'C' ? &o->n_cow : &o->n_rw) < 0)
				return -EINVAL;
			break;
		case 'Q':
			if (!parse_size(optarg, &o->quota)) {
				cli_error("trace: --quota '%s': not a size (a number, optionally "
					  "followed by K, M or G)", optarg);
				return -EINVAL;
			}
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'l':
			o->log_spec = optarg;
			break;
		case 'S':
			if (!strcmp(optarg, "auto")) {
				o->seccomp = SECCOMP_AUTO;
			} else if (!strcmp(optarg, "on")) {
				o->seccomp = SECCOMP_ON;
			} else if (!strcmp(optarg, "off")) {
				o->seccomp = SECCOMP_OFF;
			} else {
				cli_error("trace: --seccomp takes auto, on or off, not '%s'", optarg);
				return -EINVAL;
			}
			break;
		case 'k':
			tracer_stack_names_free(o->stack_names);
			if (tracer_stack_parse(optarg, &o->stack_opts, &o->stack_names, bad,
					       sizeof(bad)) < 0) {
				cli_error("trace: --stack: unknown class or system call '%s'", bad);
				return -EINVAL;
			}
			o->stack = true;
			break;
		case 'K':
			if (!cli_parse_long(optarg, 1, TRACER_STACK_DEPTH_MAX, &v)) {
				cli_error("trace: --stack-depth '%s': not a number from 1 to %d",
					  optarg, TRACER_STACK_DEPTH_MAX);
				return -EINVAL;
			}
			o->stack_opts.depth = (int)v;
			break;
		case 'h':
			fputs(trace_usage, stdout);
			exit(0);
		default:
			fputs("Try 'pcow trace --help'.\n", stderr);
			return -EINVAL;
		}
	}
	if (optind >= argc) {
		cli_error("trace: no program given; see 'pcow trace --help'");
		return -EINVAL;
	}
	snprintf(o->options_text, sizeof(o->options_text), "--log=%s --seccomp=%s%s", o->log_spec,
		 o->seccomp == SECCOMP_ON ? "on" : o->seccomp == SECCOMP_OFF ? "off" : "auto",
		 o->no_cow ? " --no-cow" : "");
	for (size_t i = 0; i < o->n_cow + o->n_rw; i++) {
		size_t len = strlen(o->options_text);

		snprintf(o->options_text + len, sizeof(o->options_text) - len, " %s %s",
			 i < o->n_cow ? "--cow" : "--rw",
			 i < o->n_cow ? o->cow_dirs[i] : o->rw_dirs[i - o->n_cow]);
	}
	return optind;
}

/* mkdir -p for the store directory (itself 0711: see cow/store.c let_through). */
static int make_store(const char *dir)
{
	char buf[PATH_MAX];
	struct stat st;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0711) < 0 && errno != EEXIST)
		return -errno;
	if (stat(buf, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int register_names(struct db *db)
{
	for (int abi = 0; abi < EMU_ABI_COUNT; abi++) {
		size_t limit = emu_syscall_limit(abi), count;
		const struct emu_syscall *rows = emu_syscall_rows(abi, &count);
		const char **names = calloc(limit ? limit : 1, sizeof(*names));
		int err;

		if (!names)
			return -ENOMEM;
		for (size_t i = 0; i < count; i++)
			if (rows[i].nr >= 0 && (size_t)rows[i].nr < limit)
				names[rows[i].nr] = rows[i].name;
		err = db_set_syscall_names(db, abi, names, limit);
		free(names);
		if (err)
			return err;
	}
	return 0;
}

/* spawn_find_program's question, asked of the overlay of an existing store. */
static int overlay_check(const char *path, void *opaque)
{
	struct cow_store *store = opaque;
	struct cow_lookup lk;
	char abs[PATH_MAX];

	if (path[0] != '/') {
		if (!getcwd(abs, sizeof(abs)) ||
		    snprintf(abs + strlen(abs), sizeof(abs) - strlen(abs), "/%s", path) >=
			    (int)(sizeof(abs) - strlen(abs)))
			return -ENAMETOOLONG;
		path = abs;
	}
	if (!cow_in_scope(store, path) || cow_lookup(store, path, &lk) < 0)
		return spawn_check_real(path, NULL);
	switch (lk.where) {
	case COW_UPPER:
	case COW_LOWER:
		return spawn_check_real(lk.real_path, NULL);
	default:
		return -ENOENT;
	}
}

/*
 * A program the store's earlier runs installed (apt-get install hello,
 * then pcow trace -- hello) is not in the real file system: look for it
 * in the overlay, as the program's own exec would find it.  Returns the
 * error of the real lookup when the store does not exist yet.
 */
static int find_in_overlay(const struct trace_opts *o, const char *name, char *buf, size_t size,
			   int real_err)
{
	struct cow_options copt = {
		.cow_dirs = o->cow_dirs, .n_cow_dirs = o->n_cow,
		.rw_dirs = o->rw_dirs, .n_rw_dirs = o->n_rw,
		.no_create = true,
	};
	char cerr[COW_ERRMSG_SIZE];
	struct cow_store *store;
	int err;

	if (cow_store_open(o->store, &copt, &store, cerr) < 0)
		return real_err;
	err = spawn_find_program_with(name, buf, size, overlay_check, store);
	cow_store_close(store);
	return err;
}

/*
 * The program's processes reach their changed files in STORE/upper with
 * their own credentials: one that drops root (apt's downloads as _apt,
 * man-db as man) needs every directory above the store searchable by
 * others.  Say so at the start when one is not (a store in /root).
 */
static void warn_unreachable(const char *store_dir)
{
	char path[PATH_MAX], *slash;
	struct stat st;

	if (geteuid() != 0 || snprintf(path, sizeof(path), "%s", store_dir) >= (int)sizeof(path))
		return;
	while ((slash = strrchr(path, '/')) && slash != path) {
		*slash = '\0';
		if (stat(path, &st) == 0 && !(st.st_mode & S_IXOTH)) {
			cli_warn("%s is not searchable by other users (mode %04o): a program that"
				 " drops root cannot reach the files it changed in %s/upper",
				 path, (unsigned)(st.st_mode & 07777), store_dir);
			return;
		}
	}
}

/*
 * The selection to record and, when a filter is to be used, the filter: it
 * stops the selected calls plus what the tracer itself must see: execve
 * (recording starts there, exec records come from it) and, when anything
 * is logged, the calls that keep the cwd and descriptor tables right.
 */
static int make_selection(const struct trace_opts *o, struct emu_select *sel,
			  struct seccomp_prog *filter, bool *ret_use_filter)
{
	struct emu_select stop;
	char msg[256];
	int err;

	*ret_use_filter = false;
	err = emu_select_parse(o->log_spec, sel, msg, sizeof(msg));
	if (err) {
		cli_error("trace: --log: %s", msg);
		return err;
	}
	if (o->seccomp == SECCOMP_OFF || (o->seccomp == SECCOMP_AUTO && sel->all))
		return 0;
	if (!seccomp_usable()) {
		if (o->seccomp == SECCOMP_ON) {
			cli_error("trace: --seccomp=on: this kernel cannot stop system calls "
				  "with a seccomp-bpf filter (Linux 4.8 or later is needed)");
			return -ENOSYS;
		}
		return 0;
	}
	stop = *sel;
	/* Paths are logged resolved: the cwd and fd tables must stay right. */
	if (!sel->none || !o->no_cow)
		emu_fstate_select(&stop);
	if (!o->no_cow) {
		/* What emu/cowsys.c must see, logged or not. */
		static const long cow_calls[] = {
			__NR_getdents, __NR_getdents64, __NR_lseek, __NR_fstat, __NR_getcwd, __NR_fchdir,
			__NR_fchmod, __NR_fchown, __NR_fsetxattr, __NR_fremovexattr,
			__NR_fgetxattr, __NR_flistxattr, /* of a file copied up since its open */
			__NR_umask, __NR_setuid, __NR_setgid, __NR_setreuid, __NR_setregid,
			__NR_setresuid, __NR_setresgid, __NR_setfsuid, __NR_setfsgid,
			__NR_setgroups, __NR_capset, __NR_io_uring_setup,
			__NR_open_by_handle_at, __NR_fsopen, __NR_fsmount,
			__NR_ioctl, /* chattr through a descriptor of a real file */
			__NR_kill, __NR_tkill, __NR_tgkill, __NR_pidfd_open, /* of pcow */
			__NR_bind, __NR_connect, __NR_sendto, __NR_sendmsg, /* AF_UNIX names */
			__NR_recvmsg, __NR_recvmmsg, /* descriptors received (SCM_RIGHTS) */
			/* the scratch region (tracer/loop.c touches_scratch) */
			__NR_mmap, __NR_munmap, __NR_mprotect, __NR_mremap, __NR_pkey_mprotect,
			__NR_madvise,
		};

		/* --quota: what grows an upper file through a descriptor (emu/cowquota.c). */
		static const long quota_calls[] = {
			__NR_write, __NR_pwrite64, __NR_writev, __NR_pwritev, __NR_pwritev2,
			__NR_ftruncate, __NR_fallocate, __NR_copy_file_range, __NR_splice,
			__NR_sendfile,
		};

		emu_select_add_flags(&stop, EMU_F_FILE);
		for (size_t i = 0; i < sizeof(cow_calls) / sizeof(cow_calls[0]); i++)
			emu_select_add(&stop, EMU_ABI_X86_64, cow_calls[i]);
		for (size_t i = 0; o->quota && i < sizeof(quota_calls) / sizeof(quota_calls[0]); i++)
			emu_select_add(&stop, EMU_ABI_X86_64, quota_calls[i]);
	}
	emu_select_add(&stop, EMU_ABI_X86_64, __NR_execve);
	emu_select_add(&stop, EMU_ABI_X86_64, __NR_execveat);
	/*
	 * clone's flags say what the child shares with its parent: the
	 * descriptor table and cwd (CLONE_FILES, CLONE_FS), the memory and
	 * so the scratch regions (CLONE_VM); one not seen is taken for a
	 * thread or a fork.
	 */
	emu_select_add(&stop, EMU_ABI_X86_64, __NR_clone);
	emu_select_add(&stop, EMU_ABI_X86_64, __NR_clone3);
	/* --stack: the tracer follows executable mappings (tracer/stack.c). */
	if (o->stack) {
		emu_select_add(&stop, EMU_ABI_X86_64, __NR_mmap);
		emu_select_add(&stop, EMU_ABI_X86_64, __NR_munmap);
		emu_select_add(&stop, EMU_ABI_X86_64, __NR_mremap);
		emu_select_add(&stop, EMU_ABI_X86_64, __NR_mprotect);
#ifdef __NR_pkey_mprotect
		emu_select_add(&stop, EMU_ABI_X86_64, __NR_pkey_mprotect);
#endif
	}
	err = seccomp_build(&stop, filter);
	if (err) {
		cli_error("trace: cannot build the seccomp filter: %s", strerror(-err));
		return err;
	}
	*ret_use_filter = true;
	return 0;
}

static const char *force_fallback(enum tracer_mem_mode *mode, bool *force_regs,
				  bool *no_scratch)
{
	const char *v = getenv("PCOW_FORCE_FALLBACK");

	*mode = TRACER_MEM_VM;
	*force_regs = false;
	*no_scratch = false;
	if (!v || !*v || !strcmp(v, "0"))
		return NULL;
	if (!strcmp(v, "stack")) {
		*no_scratch = true;
		return v;
	}
	*force_regs = true;
	*mode = !strcmp(v, "peek") ? TRACER_MEM_PEEK : TRACER_MEM_PROC;
	return v;
}

/* The credentials and umask the program starts with, for replay. */
static void run_creds(struct db_run_info *info, char *groups, size_t size)
{
	gid_t list[64];
	int n = getgroups(64, list);
	size_t o = 0;
	mode_t mask = umask(0);

	umask(mask);
	info->uid = geteuid();
	info->gid = getegid();
	info->umask = (int)mask;
	groups[0] = '\0';
	for (int i = 0; i < n && o + 16 < size; i++)
		o += (size_t)snprintf(groups + o, size - o, "%s%u", i ? " " : "", (unsigned)list[i]);
	info->groups = groups;
}

/* Whether --log keeps every call replay re-runs (the default keeps all). */
static bool replay_selected(const struct emu_select *sel)
{
	if (sel->all)
		return true;
	for (long nr = 0; nr < 512; nr++)
		if (emu_replay_kind(EMU_ABI_X86_64, nr) != EMU_RK_NONE &&
		    !emu_select_has(sel, EMU_ABI_X86_64, nr))
			return false;
	return true;
}

int cmd_trace(int argc, char **argv)
{
	char log_path[PATH_MAX], prog[PATH_MAX], cwd[PATH_MAX], errmsg[DB_ERRMSG_SIZE];
	char groups[1024];
	struct tracer_result res;
	struct tracer_config cfg;
	struct db_run_info info;
	struct db_writer *w = NULL;
	struct trace_opts o;
	struct utsname uts;
	struct seccomp_prog filter = { NULL, 0 };
	struct emu_select sel;
	bool use_filter;
	struct db *db = NULL;
	struct cow_store *store = NULL;
	struct emu_cow *ec = NULL;
	struct tracer_hooks hooks;
	int64_t run_id;
	int first, err, status;

	first = parse_options(argc, argv, &o);
	if (first < 0) {
		opts_free(&o);
		return EXIT_PCOW_ERROR;
	}
	if (make_selection(&o, &sel, &filter, &use_filter) < 0) {
		opts_free(&o);
		return EXIT_PCOW_ERROR;
	}

	err = spawn_find_program(argv[first], prog, sizeof(prog));
	if ((err == -ENOENT || err == -EACCES) && !o.no_cow)
		err = find_in_overlay(&o, argv[first], prog, sizeof(prog), err);
	if (err == -ENOENT) {
		cli_error("%s: command not found", argv[first]);
		return EXIT_NOT_FOUND;
	}
	if (err) {
		cli_error("%s: %s", argv[first], strerror(-err));
		return EXIT_NOT_FOUND;
	}

	err = make_store(o.store);
	if (err) {
		cli_error("cannot create the store %s: %s", o.store, strerror(-err));
		return EXIT_PCOW_ERROR;
	}
	if (cli_log_path(o.store, log_path, sizeof(log_path)) < 0) {
		cli_error("%s: path too long", o.store);
		return EXIT_PCOW_ERROR;
	}
	err = db_open(log_path, DB_OPEN_CREATE | DB_OPEN_WRITE, &db, errmsg);
	if (err) {
		cli_error("%s", errmsg);
		return EXIT_PCOW_ERROR;
	}
	err = register_names(db);
	if (err) {
		cli_error("%s: cannot write the syscall names: %s", log_path, strerror(-err));
		goto out_error;
	}
	if (!o.no_cow) {
		struct cow_options copt = {
			.cow_dirs = o.cow_dirs, .n_cow_dirs = o.n_cow,
			.rw_dirs = o.rw_dirs, .n_rw_dirs = o.n_rw,
			.quota = o.quota,
		};
		char cerr[COW_ERRMSG_SIZE];

		err = cow_store_open(o.store, &copt, &store, cerr);
		if (err) {
			cli_error("%s", cerr);
			goto out_error;
		}
		ec = emu_cow_new(store);
		if (!ec) {
			cli_error("out of memory");
			goto out_error;
		}
		cli_cow_hooks(ec, &hooks);
		if (!o.quiet)
			warn_unreachable(cow_store_dir(store));
	}

	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "?");
	if (uname(&uts) < 0)
		snprintf(uts.release, sizeof(uts.release), "?");
	memset(&info, 0, sizeof(info));
	info.argv = (const char *const *)(argv + first);
	info.cwd = cwd;
	info.pcow_version = PACKAGE_VERSION;
	info.kernel_release = uts.release;
	info.options = o.options_text;
	info.t_start = cli_now_ns();
	run_creds(&info, groups, sizeof(groups));
	info.replay = ec && replay_selected(&sel);
	err = db_run_begin(db, &info, &run_id);
	if (err) {
		cli_error("%s: cannot start a run: %s", log_path, strerror(-err));
		goto out_error;
	}
	err = db_writer_start(db, run_id, record_format, NULL, &w);
	if (err) {
		cli_error("%s: cannot start the log writer: %s", log_path, strerror(-err));
		goto out_error;
	}

	if (store)
		cow_store_set_log_writer(store, w);
	if (ec && info.replay)
		emu_cow_set_replay_writer(ec, w);
	memset(&cfg, 0, sizeof(cfg));
	cfg.path = prog;
	cfg.argv = argv + first;
	cfg.writer = w;
	cfg.hooks = ec ? &hooks : NULL;
	cfg.stack = o.stack ? &o.stack_opts : NULL;
	cfg.log_sel = sel.all ? NULL : &sel;
	cfg.filter = use_filter ? &filter : NULL;
	force_fallback(&cfg.mem_mode, &cfg.force_regs, &cfg.no_scratch);
	err = tracer_run(&cfg, &res);
	seccomp_prog_free(&filter);

	if (ec)
		emu_cow_set_replay_writer(ec, NULL);
	status = db_writer_finish(w, errmsg);
	w = NULL;
	if (store)
		cow_store_log_finished(store, status == 0);
	if (status)
		cli_error("%s: the log is incomplete: %s", log_path, errmsg);
	if (db_run_end(db, run_id, cli_now_ns(), err ? -1 : res.exit_status, res.n_calls,
		       res.n_processes) < 0 && !status)
		cli_error("%s: cannot close the run", log_path);
	db_close(db);
	emu_cow_free(ec);
	cow_store_close(store);
	opts_free(&o);
	if (err)
		return EXIT_PCOW_ERROR;
	if (res.exec_errno) {
		cli_error("%s: %s", argv[first], strerror(res.exec_errno));
		return EXIT_NOT_FOUND;
	}
	if (!o.quiet)
		fprintf(stderr, "pcow: %lld calls, %lld processes, %lld threads; log %s (run %lld)\n",
			(long long)res.n_calls, (long long)res.n_processes,
			(long long)res.n_threads, log_path, (long long)run_id);
	if (status)
		return EXIT_PCOW_ERROR;
	return res.exit_status;

out_error:
	if (w) {
		status = db_writer_finish(w, errmsg);
		if (store)
			cow_store_log_finished(store, status == 0);
	}
	db_close(db);
	emu_cow_free(ec);
	cow_store_close(store);
	seccomp_prog_free(&filter);
	opts_free(&o);
	return EXIT_PCOW_ERROR;
}
