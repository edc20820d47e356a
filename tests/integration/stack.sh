#!/bin/sh
# pcow trace --stack: the stack of an open made by main -> stack_a -> stack_b
# reads stack_b, stack_a, main in the program's module, whether the program
# is built -O1 without PIE, -O2 -fomit-frame-pointer, PIE, or stripped (then
# module + offset, at the same addresses); frames in a dlopen()ed library
# resolve; threads and fork/exec get correct stacks; stacks are
# deduplicated; the ELF facts of executed programs are recorded, and a
# 32-bit program is announced.
. "${top_srcdir:-.}/tests/integration/lib.sh"

echo data >target

# frames STORE: "symbol|module" of the frames of the open of 'target', innermost first
frames() {
	sql "$1/log.db" "SELECT coalesce(f.symbol, ''), coalesce(m.path, '')
		FROM syscall AS s JOIN path AS p ON p.seq = s.seq
		JOIN frame AS f ON f.stack_id = s.stack_id
		LEFT JOIN module AS m ON m.id = f.module_id
		WHERE (p.path = 'target' OR p.path GLOB '*/target') AND s.name = 'openat' ORDER BY s.seq, f.level"
}

# own_frames STORE MODULE: the symbols of the frames in MODULE, on one line
own_frames() {
	frames "$1" | awk -F'|' -v m="$2" '$2 == m { printf "%s%s", sep, $1; sep = " " } END { print "" }'
}

# ------------------------------------------------- one program, three builds
for prog in stackprog stackprog_O2 stackprog_pie; do
	exe=$(readlink -f "$PROGS/$prog")
	for mode in $fallback_modes; do
		rm -rf s
		PCOW_FORCE_FALLBACK=$mode "$PCOW" trace -q --store s --stack=file -- "$exe" target >out
		expect_eq "[$prog $mode] exit status" 0 $?
		expect_eq "[$prog $mode] b, a, main in $prog" "stack_b stack_a main" \
			"$(own_frames s "$exe" | cut -d' ' -f1-3)"
		first=$(frames s | head -1)
		expect_match "[$prog $mode] innermost frame in libc" '\|.*/libc[.-]' "$first"
	done
	out=$("$PCOW" log s --stack --syscall openat)
	expect_match "[$prog] pcow log --stack prints strace -k frames" \
		"^ > $exe\\(stack_a\\+0x[0-9a-f]+\\) \\[0x[0-9a-f]+\\]\$" "$out"
done

# ----------------------------------------------------------- stripped copy
cp "$PROGS/stackprog_pie" stripped || harness "cp"
if strip stripped 2>/dev/null || objcopy --strip-all stripped 2>/dev/null; then
	exe=$(readlink -f stripped)
	rm -rf s p
	"$PCOW" trace -q --store s --stack=openat -- "$exe" target >out
	expect_eq "[stripped] exit status" 0 $?
	"$PCOW" trace -q --store p --stack=openat -- "$PROGS/stackprog_pie" target >out
	n=$(frames s | awk -F'|' -v m="$exe" '$2 == m' | head -3 | grep -c '^|')
	expect_eq "[stripped] three frames in the module, without names" 3 "$n"
	q="SELECT group_concat(printf('%x', f.addr), ' ') FROM
		(SELECT f.addr FROM syscall AS s JOIN path AS p ON p.seq = s.seq
		 JOIN frame AS f ON f.stack_id = s.stack_id JOIN module AS m ON m.id = f.module_id
		 WHERE (p.path = 'target' OR p.path GLOB '*/target') AND m.path LIKE '%MOD' ORDER BY f.level LIMIT 3) AS f"
	a=$(sql s/log.db "$(echo "$q" | sed 's/MOD/stripped/')")
	b=$(sql p/log.db "$(echo "$q" | sed 's/MOD/stackprog_pie/')")
	expect_eq "[stripped] same module offsets as the unstripped build" "$b" "$a"
	out=$("$PCOW" log s --stack --syscall openat)
	expect_match "[stripped] pcow log prints module() [offset]" \
		"^ > $exe\\(\\) \\[0x[0-9a-f]+\\]\$" "$out"
else
	echo "# no strip or objcopy: stripped build not checked"
fi

# ----------------------------------------------------------------- dlopen
rm -rf s
lib=$(readlink -f "$PROGS/libstackdl.so")
exe=$(readlink -f "$PROGS/stackdl")
"$PCOW" trace -q --store s --stack=openat -- "$exe" "$lib" target >out
expect_eq "[dlopen] exit status" 0 $?
expect_eq "[dlopen] frames in the library" "stackdl_inner stackdl_open" "$(own_frames s "$lib")"
expect_match "[dlopen] then main in the program" "^main" "$(own_frames s "$exe")"
# Only the opens logged: under a seccomp filter the mmap of the library
# must still be seen (or found by re-reading the maps).
for sc in on off; do
	rm -rf s
	"$PCOW" trace -q --store s --log=openat --seccomp=$sc --stack -- "$exe" "$lib" target >out 2>err
	st=$?
	if [ $sc = on ] && grep -q 'cannot stop system calls' err; then
		echo "# no seccomp filter on this kernel"
		continue
	fi
	expect_eq "[dlopen --log=openat --seccomp=$sc] exit status" 0 $st
	expect_eq "[dlopen --log=openat --seccomp=$sc] frames in the library" \
		"stackdl_inner stackdl_open" "$(own_frames s "$lib")"
done

# ------------------------------------------------- threads, fork and exec
rm -rf s
exe=$(readlink -f "$PROGS/threads")
"$PCOW" trace -q --store s --stack=getppid -- "$exe" 8 500 >out
expect_eq "[threads] exit status" 0 $?
n=$(sql s/log.db "SELECT count(*) FROM syscall AS s WHERE s.name = 'getppid' AND EXISTS
	(SELECT 1 FROM frame AS f JOIN module AS m ON m.id = f.module_id
	 WHERE f.stack_id = s.stack_id AND f.symbol = 'worker' AND m.path = '$exe')")
expect_eq "[threads] every getppid of 8 threads has worker() on its stack" 4000 "$n"
n=$(sql s/log.db "SELECT count(DISTINCT tid) FROM syscall WHERE name = 'getppid' AND stack_id IS NOT NULL")
expect_eq "[threads] stacks from 8 threads" 8 "$n"
n=$(sql s/log.db "SELECT count(DISTINCT stack_id) <= 4 FROM syscall WHERE name = 'getppid'")
expect_eq "[threads] 4000 stacks deduplicated to a few rows" 1 "$n"

rm -rf s
exe=$(readlink -f "$PROGS/stackprog_pie")
"$PCOW" trace -q --store s --stack -- "$PROGS/spawn" 3 "$exe" target >out
expect_eq "[fork/exec] exit status" 0 $?
n=$(sql s/log.db "SELECT count(DISTINCT s.pid) FROM syscall AS s JOIN path AS p ON p.seq = s.seq
	WHERE (p.path = 'target' OR p.path GLOB '*/target') AND s.name = 'openat' AND
	(SELECT group_concat(symbol, ' ') FROM (SELECT f.symbol FROM frame AS f
	 JOIN module AS m ON m.id = f.module_id
	 WHERE f.stack_id = s.stack_id AND m.path = '$exe' ORDER BY f.level))
	LIKE 'stack_b stack_a main%'")
expect_eq "[fork/exec] three children, each open with b, a, main" 3 "$n"
n=$(sql s/log.db "SELECT count(*) FROM syscall WHERE stack_id IS NULL AND name NOT IN ('exit', 'exit_group')")
expect_eq "[fork/exec] --stack: every call has a stack" 0 "$n"

ECHO=/bin/echo; [ -x "$ECHO" ] || ECHO=/usr/bin/echo
rm -rf s
"$PCOW" trace -q --store s --stack -- "$PROGS/execthread" "$ECHO" "from a thread" >out
expect_eq "[exec from a thread] exit status" 0 $?
expect_eq "[exec from a thread] output" "from a thread" "$(cat out)"
n=$(sql s/log.db "SELECT count(*) FROM syscall AS s JOIN frame AS f ON f.stack_id = s.stack_id
	JOIN module AS m ON m.id = f.module_id
	WHERE s.name = 'write' AND f.level = 0 AND m.path LIKE '%libc%'")
expect_eq "[exec from a thread] echo's write has a stack in libc" 1 "$n"

# ------------------------------------------------------ options, defaults
rm -rf s
"$PCOW" trace -q --store s --stack=file --stack-depth 2 -- "$PROGS/stackprog" target >out
n=$(sql s/log.db "SELECT max(depth) FROM stack")
expect_eq "--stack-depth 2" 2 "$n"
n=$(sql s/log.db "SELECT count(*) FROM syscall WHERE stack_id IS NOT NULL AND name IN ('getppid', 'write', 'brk', 'mmap')")
expect_eq "--stack=file: no stacks for other calls" 0 "$n"
"$PCOW" trace -q --store s --stack=nosuchcall -- "$PROGS/stackprog" target >out 2>err
expect_eq "--stack=nosuchcall fails" 125 $?
expect_match "--stack=nosuchcall says why" "unknown class or system call 'nosuchcall'" "$(cat err)"
rm -rf s
"$PCOW" trace -q --store s -- "$PROGS/stackprog" target >out
n=$("$PCOW" log s --stack | grep -c '^ > ')
expect_eq "no --stack: no frames" 0 "$n"

# ------------------------------------------------------------- ELF facts
exe=$(readlink -f "$PROGS/stackprog")
row=$(sql s/log.db "SELECT elf_class, machine, static, interp IS NOT NULL FROM exec")
expect_eq "ELF facts of a dynamic x86_64 program" "64|62|0|1" "$row"
if command -v readelf >/dev/null; then
	want=$(readelf -n "$exe" | sed -n 's/.*Build ID: *//p' | head -1)
	got=$(sql s/log.db "SELECT build_id FROM exec")
	expect_eq "build-id as readelf shows it" "$want" "$got"
fi
# fork, getpid in both processes, exit: the child is 32-bit without an exec.
printf '.globl _start\n_start: movl $2, %%eax\n int $0x80\n movl $20, %%eax\n int $0x80\n movl $1, %%eax\n xorl %%ebx, %%ebx\n int $0x80\n' >x32.s
if as --32 -o x32.o x32.s 2>/dev/null && ld -m elf_i386 -o x32 x32.o 2>/dev/null; then
	rm -rf s
	"$PCOW" trace -q --store s --stack -- ./x32 >out 2>err
	expect_eq "[32-bit] exit status" 0 $?
	expect_match "[32-bit] announced" \
		"^pcow: (.*/)?x32 is a 32-bit program; its calls are recorded under the i386 numbering\$" \
		"$(cat err)"
	row=$(sql s/log.db "SELECT elf_class, machine, static FROM exec")
	expect_eq "[32-bit] ELF facts" "32|3|1" "$row"
	n=$(sql s/log.db "SELECT count(*) FROM syscall WHERE abi = 1 AND name = 'getpid'")
	expect_eq "[32-bit] getpid of both processes under the i386 numbering" 2 "$n"
	n=$(sql s/log.db "SELECT count(*) FROM syscall WHERE abi = 1 AND stack_id IS NOT NULL")
	expect_eq "[32-bit] no stacks for a 32-bit process" 0 "$n"
else
	echo "# no 32-bit assembler/linker: 32-bit message not checked"
fi
finish
