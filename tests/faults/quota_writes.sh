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
done
finish
