/*
 * cli/cowhook.c — joins the tracer to the copy-on-write emulation: the
 * tracer_hooks that hand each call to emu/cowsys.c, and the emu_guest
 * that lets emu reach the program through the tracer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "cli/cli.h"
#include "db/db.h"
#include "emu/cowsys.h"
#include "tracer/record.h"
#include "tracer/tracer.h"

static int g_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return tracer_mem_read(ctx, addr, buf, len);
}

static int g_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	return tracer_mem_write(ctx, addr, buf, len);
}

static int g_set_arg(void *ctx, int i, uint64_t val)
{
	return tracer_set_arg(ctx, i, val);
}

static int g_set_arg_data(void *ctx, int i, const void *data, size_t len)
{
	return tracer_set_arg_data(ctx, i, data, len);
}

static int g_place_data(void *ctx, const void *data, size_t len, uint64_t *ret_addr)
{
	return tracer_place_data(ctx, data, len, ret_addr);
}

static void g_attach(void *ctx, const struct db_calldata *cd)
{
	tracer_call_attach(ctx, cd);
}

static void g_rewritten(void *ctx, int i, const char *path)
{
	tracer_call_rewritten(ctx, i, path);
}

static int g_close_fd(void *ctx, int fd)
{
	tracer_call_denied(ctx);
	return tracer_close_after(ctx, fd);
}

#define GUEST(t)                                                                          \
	{ g_read, g_write, g_set_arg, g_set_arg_data, g_place_data, g_attach, g_rewritten, \
	  g_close_fd, t }

/* The call as emu sees it, from the tracer's record of its entry. */
static void make_call(struct pcow_tracee *t, struct emu_cow_call *c)
{
	const struct pcow_call *call = &t->call;

	memset(c, 0, sizeof(*c));
	c->abi = call->abi;
	c->nr = call->nr;
	c->sc = call->sc;
	c->args = call->args;
	c->tid = t->tid;
	c->tgid = t->proc->tgid;
	c->fs = t->fs;
	c->files = t->files;
	for (int i = 0; call->sc && i < call->sc->nargs && i < 6; i++) {
		int kind = call->sc->args[i].kind;

		/* EK_STR: symlink's target, which emu needs as written. */
		if ((kind != EK_PATH && kind != EK_STR) || !call->args[i])
			continue;
		switch (call->blob_status[i]) {
		case EMU_BLOB_OK:
			c->path[i] = call->arena + call->blob_off[i];
			c->abs[i] = record_resolved(call, i);
			break;
		case EMU_BLOB_TRUNCATED:
			c->path_err[i] = -ENAMETOOLONG;
			break;
		default:
			c->path_err[i] = -EFAULT;
			break;
		}
	}
}

/*
 * The calls that run under the tracer's serial lock: those that may
 * change the file system through a path, and chdir, whose path pcow's
 * later walks start from.  When pcow lets one through as written, the
 * kernel walks its path again; with the lock, no other call of the
 * program can swap a symlink or a directory on that path meanwhile.
 */
static bool serial_call(const struct pcow_call *call)
{
	const struct emu_syscall *sc = call->sc;

	if (call->abi != EMU_ABI_X86_64 || !sc || !(sc->flags & EMU_F_FILE))
		return false;
	return call->nr == __NR_chdir || emu_cow_may_change_fs(sc, call->args);
}

static int hook_enter(void *opaque, struct pcow_tracee *t, int64_t *ret_result)
{
	struct emu_cow_call c;
	struct emu_guest g = GUEST(t);
	bool serial = serial_call(&t->call);
	int action;

	if (!t->hook_data) {
		struct emu_cow_pending *pend = calloc(1, sizeof(*pend));

		if (!pend) {
			*ret_result = -ENOMEM; /* never let a call by unchecked */
			return DB_ACTION_DENY;
		}
		pend->sock_fd = -1;
		t->hook_data = pend;
	}
	if (serial && !tracer_serial_take(t))
		return TRACER_WAIT;
	make_call(t, &c);
	action = emu_cow_enter(opaque, &c, &g, t->hook_data, ret_result);
	if (serial && (action == DB_ACTION_EMULATE || action == DB_ACTION_DENY))
		tracer_serial_drop(t); /* the kernel will not run it */
	return action;
}

static void hook_exit(void *opaque, struct pcow_tracee *t, int64_t result)
{
	struct emu_cow_call c;
	struct emu_guest g = GUEST(t);

	if (!t->hook_data)
		return;
	make_call(t, &c);
	emu_cow_exit(opaque, &c, &g, t->hook_data, result);
}

void cli_cow_hooks(struct emu_cow *ec, struct tracer_hooks *hooks)
{
	hooks->enter = hook_enter;
	hooks->exit = hook_exit;
	hooks->opaque = ec;
}
