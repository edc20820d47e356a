/*
 * tracer/loop.c — the event loop: one waitpid(-1, __WALL) for every task.
 *
 * Each wait status is one of (ptrace(2), "Stopped states"):
 *   - a syscall stop (SIGTRAP|0x80): entry or exit.  PTRACE_GET_SYSCALL_INFO
 *     says which; without it, the per-thread TRACEE_IN_SYSCALL toggle does;
 *   - PTRACE_EVENT_SECCOMP: a syscall entry selected by the seccomp filter
 *     (the exit is then asked for with PTRACE_SYSCALL);
 *   - PTRACE_EVENT_FORK/VFORK/CLONE: a new task, whose own first stop may
 *     have been seen already (then it was added from /proc/PID/status and
 *     held at that stop until now: hold_unannounced);
 *   - PTRACE_EVENT_EXEC: a successful exec; when a non-leader thread
 *     executed, it has taken over the leader's tid (GETEVENTMSG: its old tid)
 *     and the leader's entry goes away unreported;
 *   - PTRACE_EVENT_STOP: a new task's first stop, a PTRACE_INTERRUPT, or a
 *     group-stop (stop signal), where PTRACE_LISTEN keeps the tracee stopped
 *     but lets SIGCONT wake it, as job control expects;
 *   - any other stop: signal-delivery-stop, the signal is reinjected;
 *   - exited or killed: the task is gone, a call it was inside is recorded
 *     as never returned.
 *
 * The loop ends when waitpid says ECHILD: every traced task is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>
#include <limits.h>
#include <linux/sched.h>

#include "emu/fstate.h"

#include "tracer/arch.h"
#include "tracer/elf.h"
#include "tracer/record.h"
#include "tracer/spawn.h"
#include "tracer/stack.h"
#include "tracer/tracer.h"

extern char **environ;

/* What waitpid gave. */
struct wait_status {
	pid_t pid;
	int status;
};

struct loop {
	const struct tracer_config *cfg;
	struct tracer_result *res;
	struct tracee_table tab;
	pid_t main_pid;
	bool main_reaped;
	bool use_info;	   /* PTRACE_GET_SYSCALL_INFO */
	bool interactive;  /* pcow owns the terminal: mirror the program's job stops */
	int fatal;	   /* a pcow error that ends the loop */
	struct tracer_stacks *stacks; /* --stack, else NULL */
	pid_t *held;	   /* TRACEE_HELD tasks (hold_unannounced) */
	size_t n_held, cap_held;
	int child_first;   /* PCOW_TEST_CHILD_FIRST: 1, or 2 for "orphan" (run_child_first) */
	struct wait_status *batch; /* run_loop's; next_batch is the next to handle */
	size_t n_batch, cap_batch, next_batch;
};

/* The pid signals to pcow are forwarded to (read by the signal handler). */
static volatile pid_t forward_pid;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int shell_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* ------------------------------------------------------------- signals */

/* Is pid traced by pcow?  Async-signal-safe: raw read of /proc/PID/status. */
static bool traced_by_us(pid_t pid)
{
	char name[32], buf[1024], *p, *end;
	long tracer = 0;
	int fd, i = 0;
	ssize_t n;

	/* "/proc/" + decimal pid + "/status", without stdio */
	char digits[16];
	int nd = 0;

	for (unsigned v = (unsigned)pid; v || !nd; v /= 10)
		digits[nd++] = (char)('0' + v % 10);
	memcpy(name, "/proc/", 6);
	i = 6;
	while (nd)
		name[i++] = digits[--nd];
	memcpy(name + i, "/status", 8);
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, "TracerPid:");
	if (!p)
		return false;
	for (p += 10; *p == ' ' || *p == '\t'; p++)
		;
	for (end = p; *end >= '0' && *end <= '9'; end++)
		tracer = tracer * 10 + (*end - '0');
	return tracer == getpid();
}

/*
 * A signal sent to pcow with kill(2) is passed on to the program.  Not
 * forwarded, so that none arrives twice: signals the kernel generated
 * (si_code > 0: the terminal's ^C and ^Z reach the program directly, as
 * it shares pcow's process group), and signals a traced process sent (to
 * its own process group, which includes pcow).
 */
static void forward_signal(int sig, siginfo_t *si, void *uctx)
{
	int saved = errno;
	pid_t pid = forward_pid;

	(void)uctx;
	if (pid > 0 && si->si_code <= 0 && !(si->si_pid > 0 && traced_by_us(si->si_pid)))
		kill(pid, sig);
	errno = saved;
}

static const int forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT,
};

static void install_forwarding(pid_t pid, struct sigaction *saved)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forward_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	forward_pid = pid;
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaction(forwarded_signals[i], &sa, &saved[i]);
}

static void restore_signals(const struct sigaction *saved)
{
	forward_pid = 0;
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaction(forwarded_signals[i], &saved[i], NULL);
}

/* -------------------------------------------------------------- resume */

/*
 * Restart a stopped tracee.  Under a seccomp filter the next entry that
 * matters stops by itself, so a tracee outside a call runs with PTRACE_CONT;
 * inside one (after its seccomp stop) PTRACE_SYSCALL asks for its exit.
 */
static void resume(const struct loop *l, struct pcow_tracee *t, int sig)
{
	int req = l->cfg->filter && !t->call.active && !t->injecting && !t->closing
			  ? PTRACE_CONT
			  : PTRACE_SYSCALL;

	/* ESRCH: killed meanwhile; its death comes through waitpid. */
	ptrace(req, t->tid, NULL, (void *)(long)sig);
}

/* ------------------------------------------------------ the serial lock */

/*
 * The copy-on-write hooks take the lock for every call that may change
 * the file system and that the kernel runs on the program's own paths
 * (outside the scope).  The kernel walks those paths again after pcow's
 * walk, so no other call that could change what they name (a rename of
 * a symlink over one of their components, say) may run meanwhile.  A
 * tracee that cannot take it stays at its entry stop, parked, and its
 * entry is made again from the start when the lock is free, so pcow's
 * check happens after the holder's change.  A holder asleep in the
 * kernel (the open of a FIFO with no reader yet) is past its path walk
 * and does not keep the lock: the parked are looked at again every 10 ms
 * (SIGALRM) while any wait.  One loop per pcow, hence a static.
 */
static struct {
	struct pcow_tracee *holder;
	struct pcow_tracee *parked, *parked_tail; /* first come, first served */
	bool ticking;
} serial;

static void on_alarm(int sig)
{
	(void)sig; /* only to interrupt waitpid */
}

static void serial_tick(bool on)
{
	struct itimerval it = { { 0, on ? 10000 : 0 }, { 0, on ? 10000 : 0 } };

	if (serial.ticking != on && setitimer(ITIMER_REAL, &it, NULL) == 0)
		serial.ticking = on;
}

/* The state letter of /proc/TID/stat ('S': asleep in the kernel). */
static char task_state(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static bool serial_free_for(const struct pcow_tracee *t)
{
	return !serial.holder || serial.holder == t || task_state(serial.holder->tid) == 'S';
}

bool tracer_serial_take(struct pcow_tracee *t)
{
	if (!serial_free_for(t))
		return false;
	serial.holder = t;
	return true;
}

void tracer_serial_drop(struct pcow_tracee *t)
{
	if (serial.holder == t)
		serial.holder = NULL;
}

static bool park(struct pcow_tracee *t, const struct arch_syscall *sc)
{
	t->park_sc = malloc(sizeof(*sc));
	if (!t->park_sc)
		return false;
	*t->park_sc = *sc;
	t->park_next = NULL;
	if (serial.parked_tail)
		serial.parked_tail->park_next = t;
	else
		serial.parked = t;
	serial.parked_tail = t;
	serial_tick(true);
	return true;
}

/* t is going away: out of the queue, and the lock let go. */
static void serial_forget(struct pcow_tracee *t)
{
	struct pcow_tracee **pp = &serial.parked, *prev = NULL;

	for (; *pp; prev = *pp, pp = &(*pp)->park_next) {
		if (*pp != t)
			continue;
		*pp = t->park_next;
		if (serial.parked_tail == t)
			serial.parked_tail = prev;
		free(t->park_sc);
		t->park_sc = NULL;
		break;
	}
	tracer_serial_drop(t);
}

static bool on_entry(struct loop *l, struct pcow_tracee *t, const struct arch_syscall *sc);

/* Let the parked make their entries again, in order, while the lock allows. */
static void unpark(struct loop *l)
{
	while (serial.parked && serial_free_for(serial.parked)) {
		struct pcow_tracee *t = serial.parked;
		struct arch_syscall sc = *t->park_sc;

		serial.holder = NULL; /* free, or its holder asleep past its walk */
		serial.parked = t->park_next;
		if (!serial.parked)
			serial.parked_tail = NULL;
		free(t->park_sc);
		t->park_sc = NULL;
		if (on_entry(l, t, &sc))
			break; /* parked again: not expected with the lock free */
		resume(l, t, 0);
	}
	serial_tick(serial.parked != NULL);
}

/* ------------------------------------------------------------- tasks */

static void proc_event(struct loop *l, struct pcow_tracee *t, int event, int32_t ppid,
		       int status)
{
	struct tracer_elf_facts facts;
	struct db_proc p;

	if (!l->cfg->writer)
		return;
	memset(&p, 0, sizeof(p));
	p.event = (uint8_t)event;
	p.pid = t->tid;
	p.tgid = t->proc->tgid;
	p.ppid = ppid;
	p.exit_status = status;
	p.t = now_ns();
	if (event == DB_PROC_EXEC) {
		const struct pcow_call *call = &t->call;
		int fi = record_arg_of_kind(call, EK_PATH);
		int ai = record_arg_of_kind(call, EK_STRV);

		p.filename = fi >= 0 && call->blob_len[fi] ? call->arena + call->blob_off[fi] : "";
		if (fi >= 0 && record_resolved(call, fi))
			p.filename = record_resolved(call, fi);
		if (ai >= 0) {
			p.argv = call->arena + call->blob_off[ai];
			p.argv_len = call->blob_len[ai];
		}
		record_exec_facts(t, &p, &facts);
	}
	db_writer_proc(l->cfg->writer, &p);
}

static struct pcow_tracee *add_task(struct loop *l, pid_t tid, pid_t tgid,
				    struct pcow_process *proc, pid_t ppid)
{
	struct pcow_tracee *t = tracee_add(&l->tab, tid, tgid, proc);

	if (!t) {
		fprintf(stderr, "pcow: out of memory tracking task %d\n", tid);
		l->fatal = -ENOMEM;
		return NULL;
	}
	t->flags |= TRACEE_RECORDING;
	l->res->n_threads++;
	if (!proc)
		l->res->n_processes++;
	proc_event(l, t, DB_PROC_START, ppid, 0);
	return t;
}

/* Tgid and PPid of a task pcow has not been told about yet. */
static void read_status_ids(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char name[64], line[256];
	FILE *f;

	*tgid = tid;
	*ppid = 0;
	snprintf(name, sizeof(name), "/proc/%d/status", tid);
	f = fopen(name, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Tgid:", 5))
			*tgid = atoi(line + 5);
		else if (!strncmp(line, "PPid:", 5))
			*ppid = atoi(line + 5);
	}
	fclose(f);
}

/*
 * A stop from a task not in the table: a new child that beat its parent's
 * event.  *ret_from is the process expected to report it: the thread's
 * own, else the parent's (under CLONE_PARENT, the parent's parent).
 */
static struct pcow_tracee *add_unannounced(struct loop *l, pid_t tid, pid_t *ret_from)
{
	struct pcow_tracee *leader;
	pid_t tgid, ppid;

	read_status_ids(tid, &tgid, &ppid);
	leader = tgid != tid ? tracee_find(&l->tab, tgid) : NULL;
	*ret_from = leader ? tgid : ppid;
	return add_task(l, tid, tgid, leader ? leader->proc : NULL, *ret_from);
}

static void on_stop(struct loop *l, struct pcow_tracee *t, int status);
static int initial_fstate(struct pcow_tracee *t, const char *cwd);

/*
 * A new task's first stop can reach pcow before its parent's fork event:
 * the parent was preempted between waking the child and reporting it.
 * Resumed then, the child would run with no cwd and no descriptor table
 * (a relative name would fail, an open would go unseen), and the event's
 * copy of the parent's table would later overwrite what the child had
 * opened meanwhile.  So, as PRoot does, it stays at that stop until the
 * event comes (on_new_child).  When no traced process can report it, or
 * the one that should ends first (killed between its fork and the
 * event), it goes on with the cwd and descriptors the kernel shows.
 */
static void hold_unannounced(struct loop *l, struct pcow_tracee *t, pid_t from, int status)
{
	if (!tracee_find(&l->tab, from) || t->tid == from) {
		on_stop(l, t, status);
		return;
	}
	if (l->n_held == l->cap_held) {
		size_t cap = l->cap_held ? 2 * l->cap_held : 8;
		pid_t *h = realloc(l->held, cap * sizeof(*h));

		if (!h) {
			on_stop(l, t, status); /* no room: the old way */
			return;
		}
		l->held = h;
		l->cap_held = cap;
	}
	l->held[l->n_held++] = t->tid;
	t->flags |= TRACEE_HELD;
	t->held_status = status;
	t->held_for = from;
}

static void unhold(struct loop *l, struct pcow_tracee *t)
{
	for (size_t i = 0; i < l->n_held; i++)
		if (l->held[i] == t->tid) {
			l->held[i] = l->held[--l->n_held];
			break;
		}
	t->flags &= ~(unsigned)TRACEE_HELD;
}

/* Let a held task go on: its first stop is handled now. */
static void release_held(struct loop *l, struct pcow_tracee *t)
{
	char name[64], cwd[PATH_MAX];
	ssize_t n;

	unhold(l, t);
	if (!t->fs) {
		/* No event: what the kernel says. */
		snprintf(name, sizeof(name), "/proc/%d/cwd", t->tid);
		n = readlink(name, cwd, sizeof(cwd) - 1);
		cwd[n > 0 ? n : 0] = '\0';
		if (initial_fstate(t, cwd[0] == '/' ? cwd : "/") < 0)
			l->fatal = -ENOMEM;
	}
	on_stop(l, t, t->held_status);
}

/* A task ended: release the held tasks no traced process is left to report. */
static void release_orphans(struct loop *l)
{
	for (size_t i = 0; i < l->n_held;) {
		struct pcow_tracee *t = tracee_find(&l->tab, l->held[i]);

		if (!t)
			l->held[i] = l->held[--l->n_held];
		else if (!tracee_find(&l->tab, t->held_for))
			release_held(l, t); /* moves the last one to i */
		else
			i++;
	}
}

/* The flags of the clone or clone3 parent is in, if pcow saw them: true. */
static bool seen_clone_flags(const struct pcow_tracee *parent, uint64_t *ret_flags)
{
	if (!parent->call.active || parent->call.abi != EMU_ABI_X86_64 ||
	    (parent->call.nr != __NR_clone && parent->call.nr != __NR_clone3))
		return false;
	*ret_flags = parent->call.clone_flags;
	return true;
}

/*
 * The cwd and descriptor table a new task starts with: shared with the
 * parent under CLONE_FS / CLONE_FILES (threads), copied otherwise (fork).
 */
static void inherit_fstate(struct loop *l, struct pcow_tracee *c, struct pcow_tracee *parent,
			   int event)
{
	uint64_t flags = 0;

	if (!parent->fs || !parent->files)
		return;
	if (event == PTRACE_EVENT_CLONE && !seen_clone_flags(parent, &flags) &&
	    c->proc == parent->proc)
		flags = CLONE_FS | CLONE_FILES; /* a thread, flags unseen */
	if (flags & CLONE_FS) {
		c->fs = parent->fs;
		c->fs->refs++;
	} else {
		c->fs = emu_fs_copy(parent->fs);
	}
	if (flags & CLONE_FILES) {
		c->files = parent->files;
		c->files->refs++;
	} else {
		c->files = emu_files_copy(parent->files);
	}
	if (!c->fs || !c->files)
		l->fatal = -ENOMEM;
}

/*
 * Whether the child of this fork event shares its parent's memory: vfork,
 * or a clone with CLONE_VM that pcow saw the flags of (one that did not
 * stop, under a seccomp filter, is taken for a fork).
 */
static bool shares_memory(const struct pcow_tracee *parent, int event)
{
	uint64_t flags;

	/* clone(CLONE_VM | SIGCHLD) is a PTRACE_EVENT_FORK. */
	return event == PTRACE_EVENT_VFORK ||
	       (seen_clone_flags(parent, &flags) && (flags & CLONE_VM));
}

static void on_new_child(struct loop *l, struct pcow_tracee *parent, int event)
{
	struct pcow_tracee *c;
	unsigned long msg = 0;
	uint64_t flags;
	bool thread;
	pid_t child;

	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, NULL, &msg) < 0)
		return;
	child = (pid_t)msg;
	c = tracee_find(&l->tab, child);
	if (c) {
		/* Its first stop came first: it only lacks what it inherits. */
		if (!c->fs)
			inherit_fstate(l, c, parent, event);
		if (c->proc != parent->proc && shares_memory(parent, event))
			tracee_mm_share(c->proc, parent->proc);
		if (c->flags & TRACEE_HELD)
			release_held(l, c);
		return;
	}
	if (event != PTRACE_EVENT_CLONE) {
		thread = false;
	} else if (seen_clone_flags(parent, &flags)) {
		thread = flags & CLONE_THREAD;
	} else {
		/* The clone did not stop (seccomp filter, i386 clone): ask /proc. */
		pid_t tgid, ppid;

		read_status_ids(child, &tgid, &ppid);
		thread = tgid == parent->proc->tgid;
	}
	c = add_task(l, child, thread ? parent->proc->tgid : child, thread ? parent->proc : NULL,
		     parent->proc->tgid);
	if (c)
		inherit_fstate(l, c, parent, event);
	if (c && !thread && shares_memory(parent, event))
		tracee_mm_share(c->proc, parent->proc);
}

/* Record the call a dying or vanishing task was inside. */
static void finish_unreturned(struct loop *l, struct pcow_tracee *t)
{
	if (t->call.active && t->call.record) {
		record_call(l->cfg->writer, t, 0, 0, DB_CALL_NORETURN);
		l->res->n_calls++;
	}
	tracee_call_reset(&t->call);
}

static void on_death(struct loop *l, pid_t tid, int status)
{
	struct pcow_tracee *t = tracee_find(&l->tab, tid);

	if (tid == l->main_pid) {
		l->res->exit_status = shell_status(status);
		l->main_reaped = true;
		forward_pid = 0;
	}
	if (!t)
		return;
	finish_unreturned(l, t);
	proc_event(l, t, DB_PROC_EXIT, 0, shell_status(status));
	serial_forget(t);
	if (t->flags & TRACEE_HELD)
		unhold(l, t);
	tracee_remove(&l->tab, t);
	unpark(l);
	if (l->n_held)
		release_orphans(l);
}

/* ------------------------------------------------------------ syscalls */

int tracer_set_arg(struct pcow_tracee *t, int i, uint64_t val)
{
	int err;

	if (i < 0 || i >= 6 || !t->call.active)
		return -EINVAL;
	err = arch_set_arg(t->tid, t->call.abi, i, val);
	if (!err)
		t->call.restore_mask |= (uint8_t)(1u << i);
	return err;
}

/*
 * Rewritten arguments go to the scratch region pcow maps read-only into
 * each 64-bit address space, written through /proc/PID/mem, so the
 * program's other threads cannot change them between pcow's check and the
 * kernel's read.  Each call with rewritten arguments holds a slot of its
 * own until its exit (two calls in flight never share one: a slot by tid
 * modulo the count once let one thread's path replace another's); when
 * all are held the call fails with EAGAIN.  Without a region (i386,
 * or the mmap failed), the arguments go below the stack pointer, past
 * the red zone.  The
 * stack may end just below the stack pointer: pcow's writes do not grow
 * it, which is why the region exists at all.
 */
#define RED_ZONE 128
#define SCRATCH_MAX 65536		     /* bytes per call */
#define SCRATCH_SLOTS TRACER_SCRATCH_SLOTS
#define SCRATCH_SIZE (SCRATCH_SLOTS * SCRATCH_MAX)

/* A free slot for t's call (taken), or -1. */
static int scratch_take(struct pcow_tracee *t)
{
	if (t->call.scratch_slot >= 0)
		return t->call.scratch_slot;
	for (int i = 0; i < SCRATCH_SLOTS; i++) {
		if (!t->proc->scratch_owner[i]) {
			t->proc->scratch_owner[i] = t->tid;
			t->call.scratch_slot = (int8_t)i;
			return i;
		}
	}
	return -1;
}

int tracer_place_data(struct pcow_tracee *t, const void *data, size_t len, uint64_t *ret_addr)
{
	struct pcow_call *call = &t->call;
	uint64_t addr;
	int err;

	if (len > SCRATCH_MAX || call->scratch_used + len > SCRATCH_MAX)
		return -ENAMETOOLONG;
	if (t->proc->scratch && call->abi == EMU_ABI_X86_64) {
		int slot = scratch_take(t);

		if (slot < 0)
			return -EAGAIN;
		addr = t->proc->scratch + (uint64_t)slot * SCRATCH_MAX + call->scratch_used;
		call->scratch_used += (uint32_t)((len + 15) & ~(size_t)15);
		err = tracer_mem_write_force(t, addr, data, len);
	} else {
		/*
		 * Below the stack pointer, which only this thread writes while it
		 * is stopped in the call, as long as no other task shares the
		 * memory: with one that does, it could rewrite the checked path
		 * before the kernel reads it.  Then the call fails (closed).
		 */
		if (t->proc->refs > 1 || t->proc->mm->procs->mm_next)
			return -ENOMEM;
		call->scratch_used += (uint32_t)((len + 15) & ~(size_t)15);
		addr = (call->sp - RED_ZONE - call->scratch_used) & ~(uint64_t)15;
		if (call->abi == EMU_ABI_I386 && addr > 0xffffffffu)
			return -EFAULT;
		err = tracer_mem_write(t, addr, data, len);
	}
	if (err)
		return err;
	*ret_addr = addr;
	return 0;
}

int tracer_set_arg_data(struct pcow_tracee *t, int i, const void *data, size_t len)
{
	uint64_t addr;
	int err = tracer_place_data(t, data, len, &addr);

	return err ? err : tracer_set_arg(t, i, addr);
}

/*
 * Make the scratch region: turn the call the tracee is entering into
 * mmap(NULL, SCRATCH_SIZE, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS), and
 * let on_syscall_stop finish it at its exit (the original call is then
 * made again).  False when it cannot be done (the stack is used).
 */
static bool start_inject(struct pcow_tracee *t)
{
	const uint64_t args[6] = {
		0, SCRATCH_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		(uint64_t)-1, 0,
	};

	t->inject_save = malloc(sizeof(*t->inject_save));
	if (!t->inject_save || arch_inject(t->tid, __NR_mmap, args, t->inject_save) < 0) {
		free(t->inject_save);
		t->inject_save = NULL;
		t->proc->scratch_failed = true;
		return false;
	}
	t->injecting = true;
	t->flags |= TRACEE_IN_SYSCALL;
	return true;
}

/*
 * The program may not unmap, remap or re-protect the scratch region, nor
 * map over it: that would let it write the strings pcow checked (EPERM,
 * as for sealed memory).
 */
static bool touches_scratch(const struct pcow_tracee *t, const struct arch_syscall *sc)
{
	uint64_t a = sc->args[0], len;

	if (sc->abi != EMU_ABI_X86_64)
		return false;
	switch (sc->nr) {
	case __NR_munmap:
	case __NR_mprotect:
	case __NR_pkey_mprotect:
	case __NR_mremap:
	case __NR_madvise:
		len = sc->args[1];
		break;
	case __NR_mmap:
		if (!(sc->args[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
			return false;
		len = sc->args[1];
		break;
	default:
		return false;
	}
	/* Its own region, and those of the processes sharing its memory. */
	return tracee_mm_hit(t->proc, a, len, SCRATCH_SIZE);
}

static void finish_inject(struct pcow_tracee *t)
{
	int64_t ret = -ENOSYS;

	if (arch_inject_finish(t->tid, t->inject_save, &ret) < 0 || (ret < 0 && ret > -4096)) {
		t->proc->scratch_failed = true;
	} else {
		t->proc->scratch = (uint64_t)ret;
	}
	free(t->inject_save);
	t->inject_save = NULL;
	t->injecting = false;
	t->flags &= ~TRACEE_IN_SYSCALL;
}

/* True when the call was parked (not to be resumed). */
static bool on_entry(struct loop *l, struct pcow_tracee *t, const struct arch_syscall *sc)
{
	struct pcow_call *call = &t->call;
	int64_t result = 0;

	tracee_scratch_release(t); /* a call that never reached its exit stop */
	tracee_call_reset(call);
	call->active = true;
	call->abi = sc->abi;
	call->nr = sc->nr;
	call->sc = emu_syscall_get(sc->abi, sc->nr);
	memcpy(call->args, sc->args, sizeof(call->args));
	call->sp = sc->sp;
	call->restore_mask = 0;
	call->scratch_used = 0;
	call->action = DB_ACTION_PASS;
	call->t_enter = now_ns();
	t->flags |= TRACEE_IN_SYSCALL;

	if (!(t->flags & TRACEE_RECORDING)) {
		/* pcow's own start-up calls in the child end at its execve. */
		if (sc->abi != EMU_ABI_X86_64 || sc->nr != __NR_execve)
			return false;
		t->flags |= TRACEE_RECORDING;
	}
	/* The first call of an address space the hooks may rewrite: map the region. */
	if (l->cfg->hooks && !l->cfg->no_scratch && !t->proc->scratch && !t->proc->scratch_failed &&
	    sc->abi == EMU_ABI_X86_64 && sc->nr != __NR_execve && sc->nr != __NR_execveat &&
	    start_inject(t)) {
		call->active = false;
		return false;
	}
	call->record = l->cfg->writer &&
		       (!l->cfg->log_sel || emu_select_has(l->cfg->log_sel, sc->abi, sc->nr));
	/*
	 * execve's path and argv go to the exec record even when not logged;
	 * paths are read for the cwd and descriptor tables (chdir, open).
	 */
	if (call->record || l->cfg->hooks ||
	    (call->sc && (call->sc->flags & (EMU_F_EXEC | EMU_F_FILE))))
		record_fetch_entry(t);
	if (l->stacks && call->record)
		call->stack_id = tracer_stack_capture(l->stacks, t);
	if (touches_scratch(t, sc)) {
		call->action = DB_ACTION_DENY;
		call->result = -EPERM;
		arch_skip_syscall(t->tid);
		return false;
	}

	/* clone(2): remember whether it makes a thread (checked at the event). */
	if (sc->abi == EMU_ABI_X86_64 && sc->nr == __NR_clone)
		call->clone_flags = sc->args[0];
	else if (sc->abi == EMU_ABI_X86_64 && sc->nr == __NR_clone3)
		tracer_mem_read(t, sc->args[0], &call->clone_flags, sizeof(call->clone_flags));

	if (l->cfg->hooks && l->cfg->hooks->enter) {
		int action = l->cfg->hooks->enter(l->cfg->hooks->opaque, t, &result);

		if (action == TRACER_WAIT) {
			if (park(t, sc)) {
				call->active = false;
				return true;
			}
			action = DB_ACTION_DENY; /* never unchecked */
			result = -ENOMEM;
		}
		call->action = (uint8_t)action;
		if (action == DB_ACTION_EMULATE || action == DB_ACTION_DENY) {
			arch_skip_syscall(t->tid);
			call->result = result;
		}
	}
	return false;
}

static void on_exit_stop(struct loop *l, struct pcow_tracee *t, int64_t ret)
{
	struct pcow_call *call = &t->call;

	t->flags &= ~TRACEE_IN_SYSCALL;
	if (!call->active)
		return;
	if (call->action == DB_ACTION_EMULATE || call->action == DB_ACTION_DENY) {
		ret = call->result;
		arch_set_return(t->tid, ret);
	}
	for (int i = 0; call->restore_mask && i < 6; i++)
		if (call->restore_mask & (1u << i))
			arch_set_arg(t->tid, call->abi, i, call->args[i]);
	if (l->stacks)
		tracer_stack_exit(l->stacks, t, ret);
	if (t->fs) {
		const char *resolved[6] = { NULL };

		for (int i = 0; call->path_mask && i < 6; i++)
			resolved[i] = record_resolved(call, i);
		if (emu_fstate_track(&t->fs, &t->files, call->abi, call->sc, call->args, ret,
				     resolved) < 0)
			l->fatal = -ENOMEM;
	}
	if (l->cfg->hooks && l->cfg->hooks->exit)
		l->cfg->hooks->exit(l->cfg->hooks->opaque, t, ret);
	if (call->record) {
		record_fetch_exit(t, ret);
		record_call(l->cfg->writer, t, ret, now_ns(), DB_CALL_COMPLETE);
		l->res->n_calls++;
	}
	tracee_scratch_release(t);
	tracee_call_reset(call);
	if (serial.holder == t) {
		serial.holder = NULL;
		unpark(l);
	}
}

void tracer_call_denied(struct pcow_tracee *t)
{
	if (t->call.active)
		t->call.action = DB_ACTION_DENY;
}

int tracer_close_after(struct pcow_tracee *t, int fd)
{
	if (!t->call.active || t->call.abi != EMU_ABI_X86_64)
		return -EINVAL;
	if (t->n_close == t->cap_close) {
		unsigned cap = t->cap_close ? t->cap_close * 2 : 8;
		int *fds = realloc(t->close_fds, cap * sizeof(*fds));

		if (!fds)
			return -ENOMEM;
		t->close_fds = fds;
		t->cap_close = cap;
	}
	t->close_fds[t->n_close++] = fd;
	return 0;
}

/*
 * The next descriptor of t->close_fds closed by a close(2) the tracee
 * makes from its syscall instruction; false when none is left or it
 * cannot be done (then the saved registers, if any, are put back).
 */
static bool close_next(struct pcow_tracee *t)
{
	uint64_t args[6] = { 0 };

	if (!t->n_close)
		return false;
	args[0] = (uint64_t)t->close_fds[--t->n_close];
	if (!t->close_save && !(t->close_save = malloc(sizeof(*t->close_save)))) {
		t->n_close = 0;
		return false;
	}
	if (arch_inject_at_exit(t->tid, __NR_close, args, t->closing ? NULL : t->close_save) < 0) {
		t->n_close = 0;
		return false;
	}
	t->closing = 1;
	return true;
}

/* A stop of the closes injected after a call (closing set). */
static void closing_stop(struct loop *l, struct pcow_tracee *t)
{
	if (t->closing == 1) {
		t->closing = 2; /* its entry: let it run */
		resume(l, t, 0);
		return;
	}
	if (!close_next(t)) {
		arch_restore(t->tid, t->close_save); /* the program's call returns */
		free(t->close_save);
		t->close_save = NULL;
		t->closing = 0;
	}
	resume(l, t, 0);
}

static void on_syscall_stop(struct loop *l, struct pcow_tracee *t)
{
	struct arch_syscall sc;
	bool entering = !(t->flags & TRACEE_IN_SYSCALL);
	int err;

	if (t->closing) {
		closing_stop(l, t);
		return;
	}
	if (t->injecting) {
		finish_inject(t); /* the exit of the injected mmap */
		resume(l, t, 0);
		return;
	}
	err = arch_get_syscall(t->tid, l->use_info, entering, &sc);
	if (err) {
		resume(l, t, 0);
		return;
	}
	if (sc.op == ARCH_OP_ENTRY)
		entering = true;
	else if (sc.op == ARCH_OP_EXIT)
		entering = false;
	if (entering) {
		if (on_entry(l, t, &sc))
			return; /* parked: resumed by unpark */
	} else {
		on_exit_stop(l, t, sc.ret);
		if (t->n_close && close_next(t)) {
			resume(l, t, 0); /* to the injected close's entry */
			return;
		}
	}
	resume(l, t, 0);
}

static void on_seccomp_stop(struct loop *l, struct pcow_tracee *t)
{
	struct arch_syscall sc;

	if (t->closing) {
		resume(l, t, 0); /* an injected close, under the filter too */
		return;
	}

	if (arch_get_syscall(t->tid, l->use_info, true, &sc) == 0 && on_entry(l, t, &sc))
		return; /* parked: resumed by unpark */
	resume(l, t, 0); /* PTRACE_SYSCALL: the exit will stop */
}

/* ---------------------------------------------------------- job control */

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void on_group_stop(struct loop *l, struct pcow_tracee *t, int sig)
{
	if (!(t->flags & TRACEE_STARTED) || !is_stop_signal(sig)) {
		/* First stop of a new task, or PTRACE_INTERRUPT: just go on. */
		t->flags |= TRACEE_STARTED;
		resume(l, t, 0);
		return;
	}
	ptrace(PTRACE_LISTEN, t->tid, NULL, NULL);
	/* The user's shell sees its job stop: pcow stops with the program. */
	if (l->interactive && t->tid == l->main_pid)
		raise(SIGSTOP);
}

/* ---------------------------------------------------------------- loop */

static int on_status(struct loop *l, pid_t pid, int status);

/*
 * PCOW_TEST_CHILD_FIRST, for tests/faults/tracee.sh: before handling a
 * fork event, take the new child's stops until it is held or gone, the
 * order a loaded machine can give (see hold_unannounced).  The child's
 * own children are not waited for meanwhile.  With "orphan", the parent
 * is then killed as if before its event: false, the event is not to be
 * handled.
 */
static bool run_child_first(struct loop *l, struct pcow_tracee *parent)
{
	unsigned long msg = 0;
	pid_t child;
	int status;

	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, NULL, &msg) < 0)
		return true;
	child = (pid_t)msg;
	for (size_t i = l->next_batch; i < l->n_batch; i++)
		if (l->batch[i].pid == child) {
			/* Already taken from the kernel: not to be handled twice. */
			l->batch[i].pid = 0;
			on_status(l, child, l->batch[i].status);
		}
	for (;;) {
		struct pcow_tracee *c = tracee_find(&l->tab, child);

		if (c && (c->flags & TRACEE_HELD) && l->child_first == 2) {
			kill(parent->tid, SIGKILL);
			return false;
		}
		if ((c && (c->flags & TRACEE_HELD)) || l->fatal ||
		    waitpid(child, &status, __WALL) != child)
			return true; /* held, or gone */
		on_status(l, child, status);
	}
}

static void on_stop(struct loop *l, struct pcow_tracee *t, int status)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;

	if (sig == (SIGTRAP | 0x80)) {
		t->flags |= TRACEE_STARTED;
		on_syscall_stop(l, t);
		return;
	}
	switch (event) {
	case 0:
		/* Signal-delivery-stop: deliver it as if nobody watched. */
		t->flags |= TRACEE_STARTED;
		resume(l, t, sig);
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (l->child_first && !run_child_first(l, t))
			break; /* "orphan": killed, its death comes next */
		on_new_child(l, t, event);
		resume(l, t, 0);
		break;
	case PTRACE_EVENT_EXEC: {
		unsigned long former = 0;

		ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &former);
		if (former && (pid_t)former != t->tid) {
			/* A non-leader thread executed and took the leader's tid. */
			struct pcow_tracee *execer = tracee_find(&l->tab, (pid_t)former);
			pid_t leader_tid = t->tid;

			if (execer) {
				/* The old leader's pending call never returns;
				 * the executing thread's tid ends here. */
				finish_unreturned(l, t);
				serial_forget(t);
				tracee_remove(&l->tab, t);
				unpark(l);
				proc_event(l, execer, DB_PROC_EXIT, 0, 0);
				tracee_rekey(&l->tab, execer, leader_tid);
				t = execer;
			}
		}
		if (t->proc->mem_fd >= 0) {
			close(t->proc->mem_fd); /* it reads the old address space */
			t->proc->mem_fd = -1;
		}
		t->proc->execed = true;
		t->proc->elf_class = 0; /* until record_exec_facts reads it */
		if (tracee_mm_fresh(t->proc) < 0)
			l->fatal = -ENOMEM;
		t->proc->scratch = 0;	/* gone with the old address space */
		memset(t->proc->scratch_owner, 0, sizeof(t->proc->scratch_owner));
		t->proc->scratch_failed = false;
		if (l->stacks)
			tracer_stack_exec(t->proc);
		if (t->call.active)
			proc_event(l, t, DB_PROC_EXEC, 0, 0);
		resume(l, t, 0);
		break;
	}
	case PTRACE_EVENT_SECCOMP:
		on_seccomp_stop(l, t);
		break;
	case PTRACE_EVENT_STOP:
		on_group_stop(l, t, sig);
		break;
	default:
		resume(l, t, 0);
		break;
	}
}

/* One wait status: a death, or a stop to handle. */
static int on_status(struct loop *l, pid_t pid, int status)
{
	struct pcow_tracee *t;

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		on_death(l, pid, status);
		return 0;
	}
	if (!WIFSTOPPED(status))
		return 0;
	t = tracee_find(&l->tab, pid);
	if (!t) {
		pid_t from;

		t = add_unannounced(l, pid, &from);
		if (!t)
			return l->fatal ? l->fatal : -ENOMEM;
		hold_unannounced(l, t, from, status);
		return l->fatal;
	}
	on_stop(l, t, status);
	return l->fatal;
}

/*
 * Wait, then take every other status already there before handling any
 * (nothing is resumed meanwhile, so each task is in the batch once), and
 * handle them in order.  One status at a time starved tasks: waitpid(-1)
 * returns the first waitable task in the kernel's list, and two threads
 * looping on system calls, resumed and stopped again at once, were always
 * first, while a thread in execve waited behind them for ever (tracee.sh
 * execstorm hung in 9 runs of 30).
 */
static int run_loop(struct loop *l)
{
	int err = 0;

	while (!err) {
		int status;
		pid_t pid = waitpid(-1, &status, __WALL);

		if (pid < 0) {
			if (errno == EINTR) {
				unpark(l); /* SIGALRM: is a holder asleep? */
				continue;
			}
			if (errno != ECHILD) {
				err = -errno;
				fprintf(stderr, "pcow: waitpid: %s\n", strerror(errno));
			}
			break;
		}
		l->n_batch = l->next_batch = 0;
		do {
			if (l->n_batch == l->cap_batch) {
				size_t c = l->cap_batch ? l->cap_batch * 2 : 64;
				void *nb = realloc(l->batch, c * sizeof(*l->batch));

				if (!nb) {
					err = on_status(l, pid, status); /* no room: this one alone */
					break;
				}
				l->batch = nb;
				l->cap_batch = c;
			}
			l->batch[l->n_batch].pid = pid;
			l->batch[l->n_batch].status = status;
			l->n_batch++;
		} while (l->tab.count > 1 && /* one task: nothing else can wait */
			 (pid = waitpid(-1, &status, __WALL | WNOHANG)) > 0);
		while (l->next_batch < l->n_batch && !err) {
			struct wait_status *w = &l->batch[l->next_batch++];

			if (w->pid) /* 0: taken by run_child_first */
				err = on_status(l, w->pid, w->status);
		}
	}
	free(l->batch);
	return err;
}

/*
 * A task's cwd, and the descriptors it holds as /proc shows them.  The
 * program starts in pcow's working directory with the descriptors it
 * inherits from pcow (close-on-exec ones are pcow's own pipes and go at
 * the exec); a held task no event came for gets its own (release_held).
 */
static int initial_fstate(struct pcow_tracee *t, const char *cwd)
{
	char name[64], link[PATH_MAX], info[512];
	struct dirent *de;
	DIR *dir;

	t->fs = emu_fs_new(cwd);
	t->files = emu_files_new();
	if (!t->fs || !t->files)
		return -ENOMEM;
	snprintf(name, sizeof(name), "/proc/%d/fd", t->tid);
	dir = opendir(name);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		bool cloexec = false;
		ssize_t n;
		long fd;
		int ifd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = strtol(de->d_name, NULL, 10);
		snprintf(name, sizeof(name), "/proc/%d/fd/%ld", t->tid, fd);
		n = readlink(name, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		/* fdinfo "flags:\t02000002": octal, O_CLOEXEC is 02000000 */
		snprintf(name, sizeof(name), "/proc/%d/fdinfo/%ld", t->tid, fd);
		ifd = open(name, O_RDONLY | O_CLOEXEC);
		if (ifd >= 0) {
			ssize_t m = read(ifd, info, sizeof(info) - 1);
			char *f;

			info[m > 0 ? m : 0] = '\0';
			f = strstr(info, "flags:");
			if (f)
				cloexec = strtoul(f + 6, NULL, 8) & O_CLOEXEC;
			close(ifd);
		}
		if (emu_files_set(t->files, (int)fd, link[0] == '/' ? link : NULL, cloexec) < 0) {
			closedir(dir);
			return -ENOMEM;
		}
	}
	closedir(dir);
	return 0;
}

/* In the child, before execve. */
static int install_filter(void *opaque)
{
	int err = seccomp_install(opaque);

	if (err)
		errno = -err;
	return err;
}

int tracer_run(const struct tracer_config *cfg, struct tracer_result *res)
{
	struct sigaction saved[sizeof(forwarded_signals) / sizeof(forwarded_signals[0])];
	struct spawn_request req = {
		.path = cfg->path,
		.argv = cfg->argv,
		.envp = environ,
		.before_exec = cfg->filter ? install_filter : NULL,
		.opaque = (void *)cfg->filter,
	};
	struct sigaction alarm_sa, saved_alarm;
	struct spawn_result child;
	struct pcow_tracee *t;
	char cwd[PATH_MAX];
	struct loop l;
	int err;

	memset(res, 0, sizeof(*res));
	memset(&l, 0, sizeof(l));
	l.cfg = cfg;
	l.res = res;
	tracee_table_init(&l.tab);
	tracer_mem_set_mode(cfg->mem_mode);

	err = spawn_traced(&req, &child);
	if (err)
		return err;
	/*
	 * Now that the child is seized, no process of our user — the traced
	 * program first — may ptrace pcow, open its /proc/PID/mem or read it
	 * with process_vm_readv.  Not before the seize: a child forked from
	 * a non-dumpable pcow stays non-dumpable until its exec, and a pcow
	 * that is not root could not seize it.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		err = -errno;
		kill(child.pid, SIGKILL);
		return err;
	}
	l.main_pid = child.pid;
	l.use_info = !cfg->force_regs && arch_probe_syscall_info(child.pid);
	res->used_syscall_info = l.use_info;
	l.interactive = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
	if (getenv("PCOW_TEST_CHILD_FIRST") && *getenv("PCOW_TEST_CHILD_FIRST"))
		l.child_first = strcmp(getenv("PCOW_TEST_CHILD_FIRST"), "orphan") ? 1 : 2;
	if (cfg->stack && cfg->writer && !(l.stacks = tracer_stacks_new(cfg->stack, cfg->writer))) {
		kill(child.pid, SIGKILL);
		return -ENOMEM;
	}

	t = add_task(&l, child.pid, child.pid, NULL, getpid());
	if (!t) {
		kill(child.pid, SIGKILL);
		return -ENOMEM;
	}
	t->flags = (t->flags & ~TRACEE_RECORDING) | TRACEE_MAIN | TRACEE_STARTED;
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	if (initial_fstate(t, cwd) < 0) {
		kill(child.pid, SIGKILL);
		return -ENOMEM;
	}
	install_forwarding(child.pid, saved);
	memset(&serial, 0, sizeof(serial));
	memset(&alarm_sa, 0, sizeof(alarm_sa));
	alarm_sa.sa_handler = on_alarm; /* no SA_RESTART: waitpid returns */
	sigemptyset(&alarm_sa.sa_mask);
	sigaction(SIGALRM, &alarm_sa, &saved_alarm);
	resume(&l, t, 0);

	err = run_loop(&l);
	serial_tick(false);
	sigaction(SIGALRM, &saved_alarm, NULL);
	restore_signals(saved);
	res->exec_errno = spawn_exec_errno(child.err_fd);
	tracee_table_destroy(&l.tab);
	tracer_stacks_free(l.stacks);
	free(l.held);
	if (err) {
		/* PTRACE_O_EXITKILL would do it at exit; be explicit. */
		kill(child.pid, SIGKILL);
		return err;
	}
	if (!l.main_reaped)
		res->exit_status = 255;
	return 0;
}
