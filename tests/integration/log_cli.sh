#!/bin/sh
# pcow log prints like strace -f; filters select exactly; pcow stats counts.
# The demo runs under copy-on-write: its calls are marked (rewritten) or
# (emulated).
. "${top_srcdir:-.}/tests/integration/lib.sh"

mkdir work
"$PCOW" trace -q --store s -- "$PROGS/demo" "$T/work/d" >out
expect_eq "demo exits 0" 0 $?
log=$("$PCOW" log s)
expect_eq "pcow log exits 0" 0 $?
expect_match "open with O_CREAT and mode" \
	"^\[pid +[0-9]+\] openat\(AT_FDCWD, \"$T/work/d/hello.txt\", O_WRONLY\|O_CREAT\|O_TRUNC, 0644\) = 3 \(rewritten: \"$T/s/upper$T/work/d/hello.txt\"\)$" "$log"
# The log keeps where the kernel was pointed: the upper copy in the store.
got=$(sql s/log.db "SELECT p.path || ' ' || p.rewritten FROM path AS p JOIN syscall AS c
	ON c.seq = p.seq WHERE c.name = 'openat' AND c.action = 'rewrite' AND c.args LIKE '%O_WRONLY%'")
expect_eq "path.rewritten: the upper copy" "$T/work/d/hello.txt $T/s/upper$T/work/d/hello.txt" "$got"
n=$(sql s/log.db "SELECT count(*) FROM path AS p JOIN call AS c ON c.seq = p.seq
	WHERE (c.action = 1) != (p.rewritten IS NOT NULL)")
expect_eq "path.rewritten is set exactly for rewritten calls" 0 "$n"
expect_match "write with its bytes" \
	'write\(3, "hello, pcow\\n", 12\) = 12$' "$log"
expect_match "failed open with errno" \
	"openat\(AT_FDCWD, \"$T/work/d/hello.txt\", O_RDONLY\) = -1 ENOENT \(No such file or directory\) \(emulated\)$" "$log"

n=$("$PCOW" log s --failed | grep -c 'hello.txt')
expect_eq "--failed: the failed open" 1 "$n"
n=$("$PCOW" log s --failed | grep -vc ' = -1 ')
expect_eq "--failed: nothing that succeeded" 0 "$n"
out=$("$PCOW" log s --syscall rename,mkdir | sed 's/^\[pid *[0-9]*\] //')
expect_eq "--syscall rename,mkdir (copy-on-write: emulated)" "mkdir(\"$T/work/d\", 0755) = 0 (emulated)
rename(\"$T/work/d/hello.txt\", \"$T/work/d/renamed.txt\") = 0 (emulated)" "$out"
n=$("$PCOW" log s --path '*/renamed.txt' | wc -l)
expect_eq "--path glob: rename, stat, open, unlink" 4 "$n"
"$PCOW" log s --syscall no_such_call >/dev/null 2>err
expect_eq "--syscall unknown: exit 2" 2 $?
pid=$(sql s/log.db "SELECT min(pid) FROM syscall")
n=$("$PCOW" log s --pid "$pid" | wc -l)
m=$(sql s/log.db "SELECT count(*) FROM syscall WHERE run_id = (SELECT max(id) FROM run)")
expect_eq "--pid: every call of the one process" "$m" "$n"

# The same decoding as strace for the file calls, struct stat included.
if command -v strace >/dev/null; then
	rm -rf work/d
	strace -f -qq -e trace=%file -o strace.out "$PROGS/demo" "$T/work/d" >out2
	names=$(sed -n 's/^[0-9]* *\([a-z0-9_]*\)(.*/\1/p' strace.out | sort -u | grep -v '^execve$' | paste -sd, -)
	sed -n 's/^[0-9]* *//p' strace.out | grep -v '^execve(' >want
	# strace has no copy-on-write markers: drop them.
	"$PCOW" log s --syscall "$names" | sed 's/^\[pid *[0-9]*\] //; s/ (rewritten[^()]*)$//; s/ (emulated)$//' >got
	if diff -u want got >diff.out; then pass "file calls decoded as strace does"
	else fail "file calls differ from strace:"; cat diff.out; fi
	grep -q 'st_mode=S_IFREG|0644, st_size=12, ...}' got &&
		pass "stat of the file written shows its size" || fail "no stat with st_size=12"
fi

stats=$("$PCOW" stats s)
expect_eq "pcow stats exits 0" 0 $?
expect_match "stats header" "% time +seconds +usecs/call +calls +errors +syscall" "$stats"
n=$("$PCOW" log s --syscall openat | wc -l)
e=$("$PCOW" log s --syscall openat --failed | wc -l)
expect_match "stats: openat $n calls, $e error" "^ *[0-9.]+ +[0-9.]+ +[0-9]+ +$n +$e +openat$" "$stats"
expect_match "stats total" "100\.00 +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9]+ +total$" "$stats"

"$PCOW" trace -q --store s -- true
n=$(sql s/log.db "SELECT count(*) FROM run")
expect_eq "a second trace appends a run" 2 "$n"
"$PCOW" log s --run 1 | grep -q hello.txt && pass "--run 1 selects the first run" || fail "--run 1"
"$PCOW" log s | grep -q hello.txt && fail "default is the latest run" || pass "default is the latest run"

# Under a real directory the overlay renamed, a read is pointed at the real file.
mkdir -p real/d && echo data >real/d/f
"$PCOW" trace -q --store s2 -- sh -c 'mv real/d real/e && cat real/e/f' >out
expect_eq "cat through the renamed directory" data "$(cat out)"
expect_match "pcow log names the real file" \
	"openat\(AT_FDCWD, \"real/e/f\", O_RDONLY\) = 3 \(rewritten: \"$T/real/d/f\"\)$" \
	"$("$PCOW" log s2 --syscall openat)"
finish
