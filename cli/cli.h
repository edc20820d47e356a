/*
 * cli/cli.h — the subcommands and the helpers they share.
 *
 * Exit codes (doc/pcow.1, EXIT STATUS):
 *   pcow trace:  the program's status; 128+N when signal N killed it;
 *                127 program not found / not executable; 125 pcow's own error.
 *   others:      0 success; 1 "something to report" (replay divergences);
 *                2 bad input (missing, foreign or corrupt log; bad usage).
 */
#ifndef PCOW_CLI_CLI_H
#define PCOW_CLI_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define EXIT_PCOW_ERROR 125 /* pcow trace: pcow itself failed */
#define EXIT_NOT_FOUND 127  /* pcow trace: program not found */
#define EXIT_BAD_INPUT 2    /* other subcommands: bad usage or a bad log */

int cmd_trace(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_discard(int argc, char **argv);
int cmd_replay(int argc, char **argv);

struct cow_store;
/*
 * For status/diff/commit/discard: open the store named by the first operand
 * when it is a store directory or a *.db file (then *ret_used is 1), else
 * the default store (*ret_used 0).  Prints the error and returns non-zero
 * when the store is missing or unusable.
 */
int cli_open_cow_store(int argc, char **argv, struct cow_store **ret, int *ret_used);
/*
 * The arguments of a subcommand that takes only -h/--help and [STORE]:
 * parse them and open the store.  Returns false with *ret_store open, or
 * true when the command is over, with the exit status in *ret_status (0
 * after --help).
 */
bool cli_store_only_command(int argc, char **argv, const char *name, const char *usage,
			    struct cow_store **ret_store, int *ret_status);
/*
 * Make the operand an absolute virtual path without trailing slashes or
 * "." components; a malloc'd string (NULL when out of memory).
 */
char *cli_virt_path(const char *arg);
/* Print a path as git does: as is, or "quoted" with C escapes when odd. */
void cli_put_path(FILE *out, const char *path);

/* "pcow: <message>\n" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "pcow: warning: <message>\n" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The store directory to use when none is named: $PCOW_STORE, else ./.pcow.
 * Returns a pointer to static or environment storage.
 */
const char *cli_default_store(void);

/*
 * Turn what the user named (a store directory, or the path of a log.db; NULL
 * for the default store) into the path of the log database.  Returns 0, or
 * -ENAMETOOLONG when it does not fit in size bytes.
 */
int cli_log_path(const char *store_or_log, char *buf, size_t size);

/*
 * Open the log of a store or log path with db_open's flags, for
 * subcommand cmd.  On failure it says why (a missing log: "run 'pcow
 * trace' first") and returns NULL: the caller exits 2.
 */
struct db;
struct db *cli_open_log(const char *cmd, const char *store_or_log, unsigned flags);

/* A call as `pcow log` prints it after "[pid N] " (malloc'd; NULL on ENOMEM). */
struct db_call_row;
char *cli_call_text(const struct db_call_row *row);

/* Parse a decimal integer in [min, max]; false on junk or out of range. */
bool cli_parse_long(const char *s, long min, long max, long *ret);

/* The tracer hooks that run the copy-on-write emulation ec (cli/cowhook.c). */
struct emu_cow;
struct tracer_hooks;
void cli_cow_hooks(struct emu_cow *ec, struct tracer_hooks *hooks);

/* Nanoseconds since the epoch (CLOCK_REALTIME). */
long long cli_now_ns(void);

/* The whole file at path, NUL-terminated (malloc'd; NULL with errno). */
char *cli_slurp(const char *path, size_t *ret_len);

/* ---------------------------------------------- cli/replayvm.c */

struct replay_plan;
struct replay_outcome;

/* `pcow replay --kernel`: how to boot, and what it took. */
struct replay_vm {
	const char *kernel, *qemu, *initrd_extra;
	const char **qemu_args;
	int n_qemu_args;
	long memory_mb;		/* 0: from the bundle's size */
	long timeout_s;
	bool kvm;		/* out: QEMU ran with KVM, else TCG */
	bool console;		/* out: the guest's console tells more (cli_replay_console_tail) */
	double times[2];	/* out: seconds packing the initramfs, running QEMU */
};

/*
 * Boot vm->kernel in QEMU with the bundle (written from plan) and
 * pcow-replayer in an initramfs made in dir, and read the outcome.
 * Returns 0, or -errno with errmsg (512 bytes): no pcow-replayer, QEMU
 * failed, the kernel panicked, timed out, or garbled the results.
 */
int cli_replay_vm(struct replay_vm *vm, const struct replay_plan *plan, const char *bundle,
		  uint64_t bundle_size, const char *dir, struct replay_outcome *o, char *errmsg);

/* The last lines of dir/console.log, indented, on stderr. */
void cli_replay_console_tail(const char *dir, int lines);

/* The path of pcow-replayer: beside this pcow, else in $PATH; -ENOENT. */
int cli_replayer_path(char *buf, size_t size);

#endif /* PCOW_CLI_CLI_H */
