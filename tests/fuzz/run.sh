#!/bin/sh
# tests/fuzz/run.sh — `make fuzz`: build each libFuzzer target with clang
# (ASan + UBSan + coverage) and fuzz it for FUZZ_SECONDS (default 600),
# the targets one after the other.
#
#   bundle   replay_bundle_parse: a replay bundle (pcow-replayer's input)
#   stream   replay_stream_parse: pcow-replayer's result frames
#   logdb    every reader of log.db (log, stats, stacks, the replay plan)
#
# New inputs go to FUZZ_DIR (default tests/fuzz/work in the build tree);
# a crash is saved as FUZZ_DIR/crash-NAME-*: copy it into
# tests/fuzz/corpus/NAME/ and `make check` replays it from then on.
# Usage: run.sh TOP_SRCDIR TOP_BUILDDIR [NAME...]
set -eu
src=$1 build=$2
shift 2
targets=${*:-bundle stream logdb}
cc=${FUZZ_CC:-clang}
secs=${FUZZ_SECONDS:-600}
out=${FUZZ_DIR:-$build/tests/fuzz/work}
command -v "$cc" >/dev/null 2>&1 || { echo "fuzz: $cc not found (apt-get install clang)" >&2; exit 2; }
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-std=gnu11 -pthread -include $build/config.h -I$src"
mkdir -p "$out"

sources() { # the product sources a target needs
	case $1 in
	bundle) echo "$src/replay/bundle.c $src/replay/plan.c" ;;
	stream) echo "$src/replay/stream.c $src/replay/bundle.c $src/replay/plan.c" ;;
	logdb)
		for f in "$src"/cli/*.c "$src"/db/*.c "$src"/replay/*.c "$src"/emu/*.c \
			"$src"/cow/*.c "$src"/tracer/*.c; do
			case $f in */cli/main.c | */replay/replayer.c) ;; *) echo "$f" ;; esac
		done ;;
	esac
}

for t in $targets; do
	bin="$out/fuzz_$t"
	echo "== building $bin"
	# shellcheck disable=SC2046,SC2086
	$cc $flags -o "$bin" "$src/tests/fuzz/fuzz_$t.c" $(sources "$t") \
		$(pkg-config --cflags --libs sqlite3 libunwind-ptrace libelf)
	mkdir -p "$out/corpus-$t"
	echo "== fuzzing $t for $secs s"
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 \
		-artifact_prefix="$out/crash-$t-" "$out/corpus-$t" "$src/tests/fuzz/corpus/$t" \
		>"$out/fuzz_$t.log" 2>&1 || true
	tail -n 3 "$out/fuzz_$t.log"
	if ls "$out"/crash-"$t"-* >/dev/null 2>&1; then
		echo "fuzz: $t: crashes found:" "$out"/crash-"$t"-*
		found=1
	fi
done
[ -z "${found:-}" ] || exit 1
echo "fuzz: no crash"
