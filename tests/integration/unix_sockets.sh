#!/bin/sh
# An AF_UNIX socket bound in the scope lands in the overlay: the real
# directory is unchanged, the program connects to it, pcow status lists
# it and pcow commit makes the socket node.  Also with a store whose
# upper path is too long for sun_path (108 bytes).
. "${top_srcdir:-.}/tests/integration/lib.sh"

mkdir w
"$PCOW" trace -q --store s -- "$PROGS/unixsock" w/x.sock >out
expect_eq "bind, connect, accept under pcow" "0 ok" "$? $(cat out)"
expect_eq "the real directory is unchanged" "" "$(ls -A w)"
expect_eq "status lists the socket" "A $T/w/x.sock" "$("$PCOW" status s)"
"$PCOW" trace -q --store s -- "$PROGS/unixsock" w/x.sock 2>err
expect_eq "a second run finds the name taken" "1 bind: Address already in use" "$? $(cat err)"
"$PCOW" commit s >/dev/null
expect_eq "commit makes the socket node" "yes" "$(test -S w/x.sock && echo yes)"

long=$T/$(printf '%0100d' 0)
mkdir -p "$long" w2
"$PCOW" trace -q --store "$long/s" -- "$PROGS/unixsock" w2/y.sock >out 2>err
expect_eq "store path past sun_path: bind and connect work" "0 ok" "$? $(cat out)"
expect_eq "... the real directory is unchanged" "" "$(ls -A w2)"
expect_eq "... status lists the socket" "A $T/w2/y.sock" "$("$PCOW" status "$long/s")"
finish
