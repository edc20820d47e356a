/*
 * db/db.h — the store's SQLite database (STORE/log.db): schema, the batched
 * log writer, and the readers used by `pcow log`, `pcow stats` and replay.
 *
 * db/ is the only code that speaks SQL and the only code that includes
 * <sqlite3.h>.  It knows nothing of ptrace or of the syscall table: records
 * arrive as plain structs, and the text of the decoded arguments is made by
 * a formatting callback supplied by the layer above (the tracer hands in the
 * emu/ decoder), called on the writer thread.
 *
 * All functions return 0 or a negative errno; functions that can fail for a
 * reason a user must read also fill an error message buffer.
 */
#ifndef PCOW_DB_DB_H
#define PCOW_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The schema version kept in PRAGMA user_version. */
#define DB_SCHEMA_VERSION 3
/* PRAGMA application_id: "pcow" (0x70636f77), so foreign databases are known. */
#define DB_APPLICATION_ID 0x70636f77

#define DB_ERRMSG_SIZE 512

struct db; /* one open log.db */

enum db_open_flags {
	DB_OPEN_READONLY = 0,
	DB_OPEN_CREATE = 1 << 0, /* create the file and the schema when missing */
	DB_OPEN_WRITE = 1 << 1,	 /* open an existing database for writing */
};

/*
 * Open (and with DB_OPEN_CREATE create) a log database.  Fails with a
 * message in errmsg (DB_ERRMSG_SIZE bytes) and:
 *   -ENOENT   no such file (without DB_OPEN_CREATE)
 *   -EPROTO   not a pcow database (foreign application_id, or tables missing)
 *   -ERANGE   a pcow database of another schema version
 *   -EBADMSG  not a database at all, or corrupt
 *   -EIO/...  other I/O errors
 * On success *ret_db is owned by the caller (db_close).
 */
int db_open(const char *log_path, unsigned flags, struct db **ret_db, char *errmsg);
void db_close(struct db *db); /* accepts NULL */

/* ------------------------------------------------------------------ runs */

struct db_run_info {
	const char *const *argv; /* the traced command, NULL-terminated */
	const char *cwd;
	const char *pcow_version;
	const char *kernel_release; /* uname -r */
	const char *options;	    /* the pcow options, as text */
	int64_t t_start;	    /* ns since the epoch */
	int64_t uid, gid;	    /* the credentials the program started with */
	const char *groups;	    /* its supplementary groups, "1 2 3" */
	int umask;		    /* its umask */
	bool replay;		    /* the run records what replay needs (see touch) */
};

/* Insert a run row; *ret_run_id is its id.  Called before the writer starts. */
int db_run_begin(struct db *db, const struct db_run_info *info, int64_t *ret_run_id);

/*
 * Close a run: end time, exit status as the shell reports it (0-255,
 * 128+N for a signal), and the numbers of calls and processes recorded.
 */
int db_run_end(struct db *db, int64_t run_id, int64_t t_end, int exit_status,
	       int64_t n_calls, int64_t n_processes);

/*
 * Record the names of one ABI's system calls (names[nr] for nr in
 * [0, count); NULL entries are holes) in table sysname, replacing older
 * names for the same numbers.  The view `syscall` and the readers take
 * the names from there, so call it once per run, for every ABI, before
 * db_writer_start.  db/ has no syscall table of its own.
 */
int db_set_syscall_names(struct db *db, int abi, const char *const *names, size_t count);

/* ---------------------------------------------------------- the writer */

enum db_action {
	DB_ACTION_PASS = 0,
	DB_ACTION_REWRITE = 1,
	DB_ACTION_EMULATE = 2,
	DB_ACTION_DENY = 3,
};

enum db_call_status {
	DB_CALL_COMPLETE = 0,	/* entered and exited: ret is the result */
	DB_CALL_NORETURN = 1,	/* never returned (exit_group, successful exec by
				   another thread, the tracee was killed) */
};

/*
 * One system call, as the tracer hands it to the writer.  The bytes of the
 * blobs (decoded strings and buffer previews) follow separately; they are
 * copied into the writer's queue, so the caller keeps ownership.
 */
struct db_call {
	int64_t t_enter;	/* ns since the epoch */
	int64_t t_exit;		/* ns since the epoch; = t_enter for NORETURN */
	int64_t ret;		/* raw result: >= 0, or -errno */
	uint64_t args[6];	/* raw argument registers */
	int32_t pid;		/* thread group id (the process) */
	int32_t tid;		/* thread id */
	int32_t nr;		/* number in its ABI's numbering */
	uint8_t abi;		/* 0 x86_64, 1 i386, 2 x32 (emu_abi) */
	uint8_t nargs;		/* how many of args[] are meaningful */
	uint8_t action;		/* enum db_action */
	uint8_t status;		/* enum db_call_status */
	uint8_t blob_status[6]; /* emu_blob_status of each argument's blob */
	uint8_t path_mask;	/* bit i: blob i is a path to index in table path:
				   the string as passed, after a NUL (when
				   known, else empty) the absolute path it
				   resolves to, and after another NUL (when
				   the call was rewritten) the path the kernel
				   was given instead */
	uint32_t blob_len[6];	/* bytes of each blob */
	uint32_t stack_id;	/* a stack queued by db_writer_stack, 0 none */
	/* Filled by db_writer_call_data from its db_calldata; 0 otherwise. */
	uint8_t cd_present, cd_smask, cd_has_hash;
	uint64_t cd_hash;
	uint32_t cd_strs_len, cd_data_len;
};

/*
 * What replay needs of one call (a row of table calldata, doc/schema.md):
 * the strings it was passed and the bytes it wrote, or what it returned.
 */
struct db_calldata {
	uint8_t smask;		/* bit i: argument i is a string, in strs */
	bool has_hash;		/* hash is set: the bytes the call read */
	uint64_t hash;
	const void *strs;	/* the strings of smask, each with its NUL, in order */
	uint32_t strs_len;
	const void *data;	/* per syscall (emu/replayrec.h); NULL when none */
	uint32_t data_len;
};

/* A path's state when a run first touched it (table touch). */
struct db_touch {
	const char *path;	/* absolute */
	uint32_t type;		/* S_IFMT bits; 0: it did not exist */
	uint32_t mode;		/* permission bits */
	int64_t uid, gid, size, mtime_ns, dev, ino, nlink;
	bool has_hash;
	uint64_t hash;		/* regular file: its content hash */
	const char *target;	/* symbolic link: its target, else NULL */
	bool listed;		/* known only as a name in a listed directory */
	const void *content;	/* the content, when it came from the overlay */
	uint32_t content_len;
	/*
	 * Where the object was read from: NULL its own real path; "" the
	 * overlay (content, target); else the real path it came from (under
	 * a directory the overlay renamed).
	 */
	const char *source;
};

/*
 * Called on the writer thread to make the `args` text of one call.
 * Returns like snprintf.  blobs[i] points at blob i's bytes (len in call).
 */
typedef size_t (*db_format_fn)(char *buf, size_t size, const struct db_call *call,
			       const void *const blobs[6], void *opaque);

struct db_writer;

/*
 * Start the writer for run_id: a bounded queue drained by a thread of its
 * own that inserts with prepared statements in large transactions
 * (committed every few thousand records or few milliseconds), so the
 * tracer never waits for a commit; it blocks only when the queue is full.
 * The writer takes over the db connection until db_writer_finish.
 */
int db_writer_start(struct db *db, int64_t run_id, db_format_fn format, void *opaque,
		    struct db_writer **ret_writer);

/* Queue one call.  blobs[i] may be NULL when call->blob_len[i] is 0. */
void db_writer_call(struct db_writer *w, const struct db_call *call,
		    const void *const blobs[6]);

/* The same with its replay data (cd may be NULL); cd's bytes are copied. */
void db_writer_call_data(struct db_writer *w, const struct db_call *call,
			 const void *const blobs[6], const struct db_calldata *cd);

/* Queue a first-touch record of the writer's run; its bytes are copied. */
void db_writer_touch(struct db_writer *w, const struct db_touch *t);

enum db_proc_event {
	DB_PROC_START = 0, /* a new task (process or thread) appeared */
	DB_PROC_EXEC = 1,  /* it executed a program */
	DB_PROC_EXIT = 2,  /* it exited or was killed */
};

struct db_proc {
	uint8_t event;		/* enum db_proc_event */
	int32_t pid;		/* the task's id (tid) */
	int32_t tgid;		/* its thread group */
	int32_t ppid;		/* its parent (START) */
	int32_t exit_status;	/* EXIT: the wait status as the shell reports it */
	int64_t t;		/* ns since the epoch */
	const char *filename;	/* EXEC: the program executed */
	const char *argv;	/* EXEC: the arguments packed "a\0b\0" */
	uint32_t argv_len;	/* EXEC: bytes of argv */
	/* EXEC: the program's ELF facts; elf_class 0 when not known. */
	uint8_t elf_class;	/* 32 or 64 */
	bool elf_static;	/* no program interpreter */
	uint16_t elf_machine;	/* e_machine */
	const char *elf_interp; /* the interpreter, NULL when none */
	const char *build_id;	/* hex, NULL when none */
};

/* Queue a process event. */
void db_writer_proc(struct db_writer *w, const struct db_proc *proc);

/*
 * Flush everything queued, stop the thread and give the connection back.
 * Returns 0, or the first error the writer met (then errmsg says what:
 * "disk full", "database is locked"...).  Frees w.
 */
int db_writer_finish(struct db_writer *w, char *errmsg);

/*
 * A writer error seen so far (0 when none); the tracer polls it cheaply to
 * warn the user once.
 */
int db_writer_error(const struct db_writer *w);

/* --------------------------------------------------------- the readers */

/*
 * The readers below fill errmsg (DB_ERRMSG_SIZE bytes, may be NULL) when
 * they fail, and return -EBADMSG when the file turns out to be corrupt,
 * -ENOENT when the run asked for does not exist (or the log has no run).
 * A callback returning non-zero stops the iteration; the reader then
 * returns that value.  Row pointers are valid only during the callback.
 */

struct db_run_row {
	int64_t id;
	const char *argv;	    /* shell-quoted words (see doc/schema.md) */
	const char *cwd;	    /* "" when unknown, like the texts below */
	const char *pcow_version;
	const char *kernel_release;
	const char *options;
	int64_t t_start;	    /* ns since the epoch */
	int64_t t_end;		    /* 0 when the run never ended (pcow was killed) */
	bool ended;		    /* db_run_end was called */
	int exit_status;	    /* valid when ended */
	int64_t n_calls;	    /* -1 when not ended */
	int64_t n_processes;	    /* -1 when not ended */
};

typedef int (*db_run_fn)(const struct db_run_row *run, void *opaque);

/* Every run, oldest first. */
int db_runs(struct db *db, db_run_fn fn, void *opaque, char *errmsg);

/* The id of the latest run; -ENOENT when the log holds none. */
int db_run_latest(struct db *db, int64_t *ret_run_id, char *errmsg);

/* One call as the readers return it. */
struct db_call_row {
	int64_t seq;		/* global order */
	int64_t run_id;
	int32_t pid;		/* thread group id */
	int32_t tid;		/* thread id */
	int32_t nr;
	uint8_t abi;		/* 0 x86_64, 1 i386, 2 x32 */
	uint8_t nargs;		/* arguments stored: args[0..nargs-1] */
	uint8_t action;		/* enum db_action */
	bool returned;		/* false: the call never returned; ret is 0 */
	const char *name;	/* the recorded name, NULL when sysname has none */
	const char *args_text;	/* the decoded arguments; "" when none stored */
	uint64_t args[6];	/* raw registers; 0 past nargs */
	int64_t ret;		/* raw result: >= 0 or -errno */
	int64_t t_enter;	/* ns since the epoch */
	int64_t t_exit;		/* ns since the epoch; = t_enter when !returned */
	int64_t stack_id;	/* stack.id of its stack (pcow trace --stack), 0 none */
	const char *rewritten[6]; /* a rewritten call: the path argument i was
				     pointed at (path.rewritten), else NULL */
};

/* Which calls db_calls returns.  Zero-initialise, then set what you need. */
struct db_call_filter {
	int64_t run_id;		       /* 0: the latest run */
	int32_t pid;		       /* 0: all; else calls whose pid or tid is it */
	const char *const *names;      /* syscall names (any ABI); NULL: all */
	size_t n_names;
	bool failed_only;	       /* only results in [-4095, -1] */
	const char *path_glob;	       /* NULL: all; else some path argument GLOBs it */
	int64_t seq;		       /* 0: all; else only the call with this seq */
};

typedef int (*db_call_fn)(const struct db_call_row *call, void *opaque);

/* The calls of one run that pass filter, in seq order. */
int db_calls(struct db *db, const struct db_call_filter *filter, db_call_fn fn, void *opaque,
	     char *errmsg);

/* Per-syscall totals of one run (strace -c). */
struct db_stat_row {
	uint8_t abi;
	int32_t nr;
	const char *name;	/* NULL when sysname has none */
	int64_t calls;
	int64_t errors;		/* results in [-4095, -1] */
	int64_t total_ns;	/* sum of t_exit - t_enter (0 for calls that never returned) */
	int64_t mean_ns;	/* total_ns / calls */
};

typedef int (*db_stat_fn)(const struct db_stat_row *row, void *opaque);

/*
 * One row per (abi, nr) of run run_id (0: the latest), by total time
 * descending, then by ABI and number.
 */
int db_stats(struct db *db, int64_t run_id, db_stat_fn fn, void *opaque, char *errmsg);

/* ============================================================ stacks
 *
 * `pcow trace --stack` (db/stack.c).  The tracer numbers the modules and
 * stacks of a run itself (1, 2, ...), queues each once, before the first
 * call that uses it, and names a call's stack by that number in
 * db_call.stack_id; the writer turns the numbers into row ids of the
 * tables module, stack and frame.  Modules are shared across runs (same
 * path and build-id, same row); stacks belong to a run.
 */

struct db_module {
	uint32_t id;		/* the tracer's number, > 0 */
	const char *path;	/* the mapped file ("[vdso]" for the vDSO) */
	const char *build_id;	/* hex, NULL when unknown */
};

struct db_frame {
	uint64_t addr;		/* module-relative (ELF virtual address); absolute
				   when module is 0 */
	uint64_t offset;	/* addr - the symbol's start, when symbol is set */
	uint32_t module;	/* a db_module id, 0 when the address is in no file */
	const char *symbol;	/* the function, NULL when unknown */
};

/* Queue a module; its strings are copied. */
void db_writer_module(struct db_writer *w, const struct db_module *m);

/* Queue stack id (> 0): n frames, innermost first; copied. */
void db_writer_stack(struct db_writer *w, uint32_t id, const struct db_frame *frames, uint32_t n);

/* One frame as the reader returns it. */
struct db_frame_row {
	int level;		/* 0 innermost */
	const char *module;	/* NULL when the address is in no file */
	const char *build_id;	/* NULL when unknown */
	const char *symbol;	/* NULL when unknown */
	uint64_t offset;	/* from the symbol's start */
	uint64_t addr;		/* module-relative, or absolute without a module */
};

typedef int (*db_frame_fn)(const struct db_frame_row *frame, void *opaque);

struct db_stack_reader;

/* A reader of stacks on db (finish it before db_close). */
int db_stack_reader_open(struct db *db, struct db_stack_reader **ret_reader, char *errmsg);
void db_stack_reader_close(struct db_stack_reader *r); /* accepts NULL */

/* The frames of stack stack_id, innermost first (see the readers' contract above). */
int db_stack_frames(struct db_stack_reader *r, int64_t stack_id, db_frame_fn fn, void *opaque,
		    char *errmsg);

/* ============================================================ replay
 *
 * db/replaydb.c: what `pcow replay` reads and the divergences it stores.
 * The readers need a version 2 log (-EPROTO and a message otherwise).
 */

struct db_replay_run {
	int64_t id;
	char *argv, *cwd, *kernel_release, *groups; /* malloc'd; "" when unknown */
	int64_t uid, gid;
	int umask;
	bool replay;		/* recorded with what replay needs */
	bool ended;		/* the trace finished (t_end set) */
	int64_t seq_first, seq_last, t_start, t_end;
	int64_t n_calls;	/* calls of the run in the log: 0 until db_replay_calls counts them */
};

/*
 * Another connection to db's log, read-only, for a thread of its own
 * (a connection is used by one thread at a time); close with db_close.
 */
int db_open_reader(struct db *db, struct db **ret_db, char *errmsg);

/* Run run_id (0: the latest); free with db_replay_run_free. */
int db_replay_run(struct db *db, int64_t run_id, struct db_replay_run *out, char *errmsg);
void db_replay_run_free(struct db_replay_run *r);

typedef int (*db_touch_fn)(const struct db_touch *t, void *opaque);

/* The run's first-touch records, in the order they were made. */
int db_touches(struct db *db, int64_t run_id, db_touch_fn fn, void *opaque, char *errmsg);

/* A call with its replay data, valid during the callback. */
struct db_replay_call {
	int64_t seq;
	int32_t pid, tid, nr;
	uint64_t args[6];
	int64_t ret;
	bool has_data;		/* a calldata row exists */
	uint8_t smask;
	bool has_hash;
	uint64_t hash;
	const void *strs, *data;
	uint32_t strs_len, data_len;
};

typedef int (*db_replay_call_fn)(const struct db_replay_call *c, void *opaque);

/*
 * The run's x86_64 calls that returned and have replay data, or whose
 * number is one of state_nrs, in seq order; on success, run->n_calls is
 * the number of the run's calls in the log (every one, replayed or not).
 */
int db_replay_calls(struct db *db, struct db_replay_run *run, const int *state_nrs,
		    size_t n_state, db_replay_call_fn fn, void *opaque, char *errmsg);
/* The bytes of data (written bytes, mostly) the run's calls carry, read from the rows' headers. */
int db_replay_data_bytes(struct db *db, const struct db_replay_run *run, uint64_t *ret,
			 char *errmsg);

typedef int (*db_task_fn)(int32_t pid, int32_t tgid, int32_t ppid, void *opaque);

/* The run's tasks (table process), in the order they appeared. */
int db_replay_tasks(struct db *db, int64_t run_id, db_task_fn fn, void *opaque, char *errmsg);

struct db_divergence {
	int64_t seq;
	int32_t pid;
	const char *field, *recorded, *replayed;
};

/* Store one replay's divergences (table divergence) under a new replay_id. */
int db_divergences_store(struct db *db, int64_t run_id, const char *kernel,
			 const struct db_divergence *d, size_t n, int64_t *ret_replay_id,
			 char *errmsg);

#endif /* PCOW_DB_DB_H */
