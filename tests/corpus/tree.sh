# tests/corpus/tree.sh — sourced: the real tree every corpus case starts from.
#
# tests/progs/fsops's tree (base/: files, directories, symbolic links, a
# loop, names with a newline and an invalid byte), and for the cases that
# drop to nobody (become_nobody in corpus.h):
#   pub/      1777, sticky: pub/rootfile is root's, pub/nobodyfile nobody's
#   open/     0777: open/f (0644, root's), open/nbdir/ (nobody's, 0755)
#   priv/     0700: priv/secret
#   rodir/    0555: rodir/f
#   base/noperm.txt 0000, base/wonly.txt 0222
#   scripts/run: a real script whose interpreter (scripts/interp) is not there
#   special/fifo, and as root special/null (character device 1,3)
#   user.* extended attributes on base/a.txt, base/w.txt, base/r2.txt,
#   base/dir and base/rdir (tests/progs/xattrdump -s), where the file
#   system has them, so that what a case copies up keeps them
# Owners other than root only when the tree is made as root.
. "$top_srcdir/tests/integration/fsops_tree.sh"

corpus_tree() {
	setup "$1"
	(
	cd "$1" || exit 1
	umask 022
	mkdir -m 1777 pub && mkdir -m 0777 open && mkdir -m 0700 priv &&
		mkdir open/nbdir && printf 'root\n' >pub/rootfile &&
		printf 'nobody\n' >pub/nobodyfile && printf 'open\n' >open/f &&
		printf 'secret\n' >priv/secret && mkdir rodir && printf 'ro dir\n' >rodir/f &&
		chmod 0555 rodir && printf 'none\n' >base/noperm.txt && chmod 0 base/noperm.txt &&
		printf 'wonly\n' >base/wonly.txt && chmod 0222 base/wonly.txt &&
		mkdir scripts && printf '#!scripts/interp x\necho real\n' >scripts/run &&
		chmod 0755 scripts/run && mkdir special && mkfifo -m 0644 special/fifo || exit 1
	x="$top_builddir/tests/progs/xattrdump"
	if "$x" -s base/a.txt user.corpus a 2>/dev/null; then
		"$x" -s base/w.txt user.corpus w && "$x" -s base/w.txt user.two 2 &&
			"$x" -s base/r2.txt user.corpus r2 &&
			"$x" -s base/dir user.corpus dir && "$x" -s base/rdir user.corpus rdir ||
			exit 1
	else
		echo "# no user.* extended attributes in $1: the tree has none"
	fi
	if [ "$(id -u)" = 0 ]; then
		chown 65534:65534 pub/nobodyfile open/nbdir &&
			mknod -m 0666 special/null c 1 3 || exit 1
	fi
	) || harness "corpus tree in $1 failed"
}
