# tests/integration/fsops_tree.sh — sourced: the tree tests/progs/fsops works on.

# setup DIR: the real tree fsops starts from.  Which scenario uses which
# file is written in tests/progs/fsops.c.
setup() {
	rm -rf "$1" && mkdir -p "$1" && (
	cd "$1" || exit 1
	umask 022
	mkdir -p base/dir base/sub/deep base/empty base/full base/rdir/s base/rfrom \
		base/rfull base/rempty base/mdir base/udir base/cdir
	printf 'alpha\n' >base/a.txt
	printf 'bravo\n' >base/b.txt
	printf 'app\n' >base/app.txt
	printf 'charlie\n' >base/c.txt
	printf 'delta\n' >base/d.txt
	printf 'ro\n' >base/ro.txt && chmod 0444 base/ro.txt
	printf '#!/bin/sh\necho hi\n' >base/exec.sh && chmod 0755 base/exec.sh
	seq 1 20000 >base/big.txt
	printf 'x\n' >base/dir/x && printf 'y\n' >base/dir/y && printf 'z\n' >base/dir/z
	printf 'deep\n' >base/sub/deep/f
	printf 'nl\n' >"base/$(printf 'nl\nname')"
	printf 'bad\n' >"base/$(printf 'bad\377')"
	ln -s a.txt base/link
	ln -s c.txt base/slink
	ln -s loop2 base/loop1 && ln -s loop1 base/loop2
	printf 'k\n' >base/full/k
	printf '0123456789\n' >base/w.txt
	printf 'w2 content\n' >base/w2.txt
	printf 'r1\n' >base/r1.txt && printf 'r2\n' >base/r2.txt && printf 'r3\n' >base/r3.txt
	printf 'p\n' >base/rdir/p && printf 'q\n' >base/rdir/q && printf 't\n' >base/rdir/s/t
	printf 'f\n' >base/rfrom/f && printf 'g\n' >base/rfull/g
	ln -s r2.txt base/rlink
	printf 'l\n' >base/l.txt && printf 'ls\n' >base/ls.txt
	printf 'm\n' >base/m.txt && printf 'm2\n' >base/m2.txt && ln -s m.txt base/mlink
	printf 'u\n' >base/u.txt && printf 'u2\n' >base/u2.txt && printf 'u3\n' >base/u3.txt
	ln -s u3.txt base/ulink
	printf 'a\n' >base/udir/a && printf 'b\n' >base/udir/b
	printf 'cf\n' >base/cdir/f
	) || harness "setup of $1 failed"
}

