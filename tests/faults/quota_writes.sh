#!/bin/sh
# --quota limits what the program writes into upper/ through its own
# descriptors, not only copy-ups (emu/cowquota.c): a write past the quota
# is cut short at it and the next gets ENOSPC, as on a full disk; a
# truncate that would grow past it gets ENOSPC; shrinking a file gives
# its bytes back.  Under --log=none too, where the seccomp filter must
# stop the writes for it.  Before this, both dd runs below succeeded and
# upper/ grew to 4.2 MB under a 1M quota.
. "${top_srcdir:-.}/tests/integration/lib.sh"

for lg in all none; do
	D="$T/d-$lg"
	mkdir -p "$D"
	printf 'small\n' >"$D/small"
	"$PCOW" trace -q --log=$lg --cow "$D" --store s-$lg --quota 1M -- sh -c "
		dd if=/dev/zero of='$D/new' bs=64k count=32 2>&1; echo status \$?
		echo size \$(wc -c <'$D/new')
		dd if=/dev/zero of='$D/small' bs=64k count=32 conv=notrunc oflag=append 2>&1
		echo status \$?
		truncate -s 0 '$D/new'; echo truncated \$?
		dd if=/dev/zero of='$D/small' bs=64k count=8 conv=notrunc oflag=append 2>&1
		echo status \$?
		truncate -s 2M '$D/new' 2>&1; echo grown \$?" >out 2>&1
	expect_eq "[$lg] pcow exits 0" 0 $?
	expect_match "[$lg] a new file written past the quota: ENOSPC" \
		"dd: error writing .*new.*: No space left on device" "$(cat out)"
	expect_eq "[$lg] the file holds exactly the quota" "status 1
size 1048576" "$(grep '^status\|^size' out | head -2)"
	expect_match "[$lg] appending to a copied-up file at the quota: ENOSPC" \
		"dd: .*small.*No space left on device" "$(cat out)"
	expect_eq "[$lg] after the truncate to 0 the append fits" "truncated 0
status 0" "$(sed -n '/^truncated/,/^status/p' out | grep '^truncated\|^status')"
	expect_match "[$lg] a truncate growing past the quota: ENOSPC" \
		"truncate: .*No space left on device" "$(cat out)"
	expect_eq "[$lg] it fails" "grown 1" "$(grep '^grown' out)"
	used=$(du -sb s-$lg/upper | cut -f1)
	[ "$used" -le 1150000 ] && pass "[$lg] upper/ holds $used bytes (quota 1M)" ||
		fail "[$lg] upper/ holds $used bytes, past the 1M quota"
	expect_eq "[$lg] the real file is unchanged" "small" "$(cat "$D/small")"

	# Every other call that grows a file, each run to the quota and freed
	# again (tests/progs/faults.c, grow).  Before truncate(2) by path was
	# counted, the first line read "= 0, size 2097152".
	G="$T/g-$lg"
	mkdir -p "$G"
	head -c 2097152 /dev/zero >"$G/big"
	"$PCOW" trace -q --log=$lg --cow "$G" --store sg-$lg --quota 1M -- \
		"$PROGS/faults" grow "$G" >out 2>&1
	expect_eq "[$lg] faults grow exits 0" 0 $?
	expect_eq "[$lg] truncate, fallocate, pwritev, copy_file_range, sendfile and splice stop at the quota" \
"truncate(t, 2M) = -1 ENOSPC, size 0
truncate(t, 1M) = 0, size 1048576
pwrite at the quota = -1 ENOSPC
truncate(t, 0) = 0, size 0
fallocate(2M) = -1 ENOSPC, size 0
fallocate(512K) = 0, size 524288
pwritev(600K at 512K) = -1 ENOSPC, size 524288
pwritev(400K at 512K) = 409600, size 933888
ftruncate(0) = 0, size 0
copy_file_range moved 1048576, then -1 ENOSPC, size 1048576
sendfile moved 1048576, then -1 ENOSPC, size 1048576
splice moved 1047576, then -1 ENOSPC, size 1048576" "$(cat out)"
	expect_eq "[$lg] nothing reached the real directory" "big" "$(ls "$G")"
	used=$(du -sb sg-$lg/upper | cut -f1)
	[ "$used" -le 1150000 ] && pass "[$lg] upper/ holds $used bytes after grow" ||
		fail "[$lg] upper/ holds $used bytes after grow, past the 1M quota"
done
finish
