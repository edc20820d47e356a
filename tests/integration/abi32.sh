#!/bin/sh
# int 0x80 system calls from a 64-bit program are recorded under the i386
# numbering (getpid is 20, write is 4), never decoded as x86_64 calls.
. "${top_srcdir:-.}/tests/integration/lib.sh"

for mode in $fallback_modes; do
	rm -rf s
	PCOW_FORCE_FALLBACK=$mode "$PCOW" trace -q --store s -- "$PROGS/int80" >out
	expect_eq "[$mode] exit status" 0 $?
	expect_eq "[$mode] output" "int80
i386 getpid ok, i386 write 6" "$(cat out)"
	rows=$(sql s/log.db "SELECT abi, nr, name FROM syscall WHERE abi = 1 ORDER BY seq")
	expect_eq "[$mode] i386 rows" "1|20|getpid
1|4|write" "$rows"
	n=$(sql s/log.db "SELECT count(*) FROM syscall WHERE abi = 0 AND name IN ('writev', 'stat')")
	expect_eq "[$mode] no x86_64 writev/stat invented" 0 "$n"
	line=$("$PCOW" log s | grep 'i386.*write')
	expect_match "[$mode] pcow log shows the i386 write" '\[i386\] write\(1, "int80\\n", 6\) = 6' "$line"
done

# A 32-bit program (static i386 ELF, assembled here: no multilib needed).
if command -v as >/dev/null && command -v ld >/dev/null; then
	cat >t32.s <<'ASM'
	.section .data
msg:	.ascii "hello from i386\n"
	.section .text
	.globl _start
_start:
	movl $20, %eax		# getpid
	int $0x80
	movl $4, %eax		# write(1, msg, 16)
	movl $1, %ebx
	movl $msg, %ecx
	movl $16, %edx
	int $0x80
	movl $252, %eax		# exit_group(5)
	movl $5, %ebx
	int $0x80
ASM
	if as --32 -o t32.o t32.s 2>/dev/null && ld -m elf_i386 -o t32 t32.o 2>/dev/null; then
		for mode in $fallback_modes; do
			rm -rf s
			PCOW_FORCE_FALLBACK=$mode "$PCOW" trace -q --store s -- ./t32 >out
			expect_eq "[$mode] 32-bit program: exit status" 5 $?
			expect_eq "[$mode] 32-bit program: output" "hello from i386" "$(cat out)"
			got=$("$PCOW" log s | sed 's/^\[pid *[0-9]*\] //' | tail -3)
			expect_eq "[$mode] 32-bit program: decoded as i386" '[i386] getpid() = '"$(sql s/log.db "SELECT min(pid) FROM process")"'
[i386] write(1, "hello from i386\n", 16) = 16
[i386] exit_group(5) = ?' "$got"
		done
		# One path, two programs: the ELF facts of each exec are the
		# program's (pcow keeps them by file identity, not by name).
		rm -rf s && cp /bin/true prog && cp t32 prog32
		"$PCOW" trace -q --store s -- sh -c './prog; cp prog32 prog; ./prog; cp /bin/true prog; ./prog' >/dev/null
		expect_eq "the same path rewritten between execs: each exec's ELF class" "64
32
64" "$(sql s/log.db "SELECT elf_class FROM exec WHERE filename LIKE '%/prog' ORDER BY seq")"
	else
		echo "# no i386 support in binutils: 32-bit program not tested"
	fi
fi
finish
