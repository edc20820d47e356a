#!/bin/sh
# pcow replay --kernel: the copy-on-write corpus (tests/progs/fsops all),
# recorded here, replayed in another kernel build booted in QEMU — Debian's
# linux-image-amd64, a different release from the host's.  The replay
# completes and reports no divergence, naming the guest's release; a result
# changed in the log is reported at that call; a kernel that panics at boot,
# and an image that is not a kernel, give exit 2 and say so.
#
# PCOW_TEST_KERNEL=IMAGE picks the kernel (default: the newest
# /boot/vmlinuz-*).  Skipped, saying so, only without QEMU or a kernel image.
. "${top_srcdir:-.}/tests/integration/lib.sh"

FSOPS="$PROGS/fsops"
[ -x "$FSOPS" ] || harness "$FSOPS is not built"
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86): no kernel to replay in"
KERNEL=${PCOW_TEST_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}
[ -n "$KERNEL" ] && [ -r "$KERNEL" ] ||
	skip "no readable kernel image in /boot (apt-get install linux-image-amd64, as root)"
release=${KERNEL##*/vmlinuz-}

. "${top_srcdir:-.}/tests/integration/fsops_tree.sh"

setup "$T/r"
(cd "$T/r" && "$PCOW" trace -q --store "$T/s" --cow "$T/r" -- "$FSOPS" all) >trace.out 2>&1 ||
	harness "trace failed: $(tail -5 trace.out)"

# The guest's release differs from the host's: a real cross-kernel replay.
[ "$release" != "$(uname -r)" ] && pass "the guest kernel ($release) is not the host's ($(uname -r))" ||
	fail "the guest kernel is the host's own release ($release)"

start=$(date +%s)
"$PCOW" replay "$T/s" --kernel "$KERNEL" --timeout 600 --json >q.out 2>q.err
st=$?
echo "    (the boot and replay took $(($(date +%s) - start)) s)"
sed -n '1,3s/^/    stderr: /p' q.err
expect_eq "replay in $release: exit 0, no divergence" 0 $st
[ $st -ne 0 ] && sed -n '1,40s/^/    /p' q.out q.err
expect_match "the report names the guest's release" "\"kernel\":\"$release\"" "$(tail -n 1 q.out)"
expect_match "every replayable call ran" '"replayed":[1-9][0-9]{2,}' "$(tail -n 1 q.out)"
expect_eq "the divergences are stored with the guest's release" 0 \
	"$(sql "$T/s/log.db" "SELECT count(*) FROM divergence")"
# Where KVM cannot boot a kernel (nested virtualization), pcow fell back to
# TCG after a stall; the checks below go straight to TCG.
if grep -q 'no sign of life under KVM' q.err; then
	echo "    (KVM stalled here: the other boots use TCG)"
	PCOW_QEMU_ACCEL=tcg
	export PCOW_QEMU_ACCEL
fi

# One recorded result changed: the guest reports that call, and only it.
s=$(sql "$T/s/log.db" "SELECT min(seq) FROM syscall WHERE name = 'mkdir' AND ret = 0")
[ -n "$s" ] || harness "no successful mkdir in the corpus"
cp "$T/s/log.db" m.db && sql m.db "UPDATE call SET ret = -17 WHERE seq = $s" >/dev/null ||
	harness "SQL failed"
"$PCOW" replay m.db --kernel "$KERNEL" --timeout 600 --json >m.out 2>m.err
expect_eq "a changed result: exit 1" 1 $?
expect_eq "a changed result: one divergence" 1 "$(grep -c '"seq"' m.out)"
expect_match "a changed result: at seq $s, its result" \
	"^\{\"seq\":$s,.*\"field\":\"result\",\"recorded\":\"-1 EEXIST.*\",\"replayed\":\"0\"" \
	"$(cat m.out)"
"$PCOW" replay m.db --kernel "$KERNEL" --timeout 600 --ignore mkdir >i.out 2>i.err
expect_eq "--ignore mkdir: exit 0" 0 $?
expect_match "--ignore mkdir: the summary names the guest and counts the ignored one" \
	"^replayed [0-9]+ calls \([0-9]+ skipped\) on Linux $release: 0 divergences \(and 1 in calls --ignore skips\)$" \
	"$(cat i.out)"
expect_match "the header names the guest's release and QEMU" \
	"on Linux $release \(QEMU, (KVM|TCG)\)" "$(cat i.err)"

# A kernel that panics at boot: an /init that cannot be executed.
mkdir -p extra && printf 'not a program\n' >extra/init && chmod 755 extra/init
start=$(date +%s)
"$PCOW" replay "$T/s" --kernel "$KERNEL" --initrd-extra extra --timeout 120 >p.out 2>p.err
st=$?
took=$(($(date +%s) - start))
expect_eq "a panic at boot: exit 2" 2 $st
expect_match "a panic at boot: says the kernel panicked" \
	'the guest kernel panicked: Kernel panic - not syncing' "$(cat p.err)"
expect_match "a panic at boot: shows the console's last lines" '^  \| .*Failed to execute /init' \
	"$(cat p.err)"
[ "$took" -lt 120 ] && pass "a panic at boot: reported in $took s, within the timeout" ||
	fail "a panic at boot: took $took s"
[ -s p.out ] && fail "a panic at boot: nothing on stdout" || pass "a panic at boot: nothing on stdout"

# A truncated image.
head -c 1000000 "$KERNEL" >trunc
"$PCOW" replay "$T/s" --kernel trunc --timeout 120 >p.out 2>p.err
expect_eq "a truncated image: exit 2" 2 $?
expect_match "a truncated image: says so" 'not a bootable|did not boot|panicked|QEMU failed' \
	"$(cat p.err)"

# A guest that never finishes: the timeout.
"$PCOW" replay "$T/s" --kernel "$KERNEL" --timeout 1 >p.out 2>p.err
expect_eq "a timeout: exit 2" 2 $?
expect_match "a timeout: says so" 'did not finish within 1 s' "$(cat p.err)"
"$PCOW" replay "$T/s" --kernel "$T/nonesuch" >p.out 2>p.err
expect_eq "a missing image: exit 2" 2 $?
expect_match "a missing image: named" 'nonesuch: No such file' "$(cat p.err)"
finish
