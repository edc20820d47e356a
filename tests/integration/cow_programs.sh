#!/bin/sh
# Real programs under copy-on-write: each runs natively in tree "nat" and
# under pcow in a fresh copy of the same tree; the real tree must not change, pcow
# status must list what the program did (line for line, against what the
# native run made), pcow replay must find no divergence, and after pcow
# commit the real tree must equal the native one (contents, types, modes,
# link targets).  git's .git holds times (commit ids, index, logs): it is
# compared apart (check_git).
. "${top_srcdir:-.}/tests/integration/lib.sh"

# A listing of a tree: path, type, mode, size, link target, content hash.
snapshot() {
	(cd "$1" && find . -name .git -prune -o -printf '%p %y %m %s %l\n' | LC_ALL=C sort &&
		find . -name .git -prune -o -type f -print0 | LC_ALL=C sort -z |
			xargs -0r sha256sum)
}

# adds PATH...: the status lines of what native made at each PATH (and
# below it), as "A W/PATH" (run in $T/nat)
adds() {
	find "$@" | LC_ALL=C sort | sed 's|^|A W/|'
}

# run NAME SETUP_FUNC COMMAND EXPECT_FUNC: compare native and pcow for
# COMMAND (sh -c).  Both run in the same directory, $T/w, so paths the
# programs record match.  EXPECT_FUNC, run in $T/nat after the native run,
# prints the lines pcow status must print (any order), $T/w written W;
# $norm, when set, is a filter (a function) both go through after commit.
run() {
	name=$1 setup=$2 cmd=$3 expect=$4
	rm -rf "$T/w" "$T/nat" "$T/st"
	mkdir "$T/w" && (cd "$T/w" && $setup) || harness "$name: setup failed"
	(cd "$T/w" && sh -c "$cmd") >"$T/nat.out" 2>&1
	nstatus=$?
	mv "$T/w" "$T/nat"
	mkdir "$T/w" && (cd "$T/w" && $setup) || harness "$name: setup failed"
	before=$(snapshot "$T/w")
	(cd "$T/w" && "$PCOW" trace -q --store "$T/st" --cow "$T/w" -- sh -c "$cmd") \
		>"$T/pcow.out" 2>&1
	expect_eq "$name: exit status as native" "$nstatus" $?
	if diff -u "$T/nat.out" "$T/pcow.out" >"$T/out.diff"; then pass "$name: same output as native"
	else fail "$name: output differs:"; head -20 "$T/out.diff"; fi
	expect_eq "$name: the real tree is unchanged" "$before" "$(snapshot "$T/w")"
	"$PCOW" status "$T/st" >"$T/status.raw" 2>&1 ||
		fail "$name: pcow status exits $?"
	(cd "$T/nat" && $expect) >"$T/status.exp" || harness "$name: $expect failed"
	# Replayed against this kernel, the recording must hold no divergence.
	"$PCOW" replay "$T/st" >"$T/replay.out" 2>&1
	rc=$?
	expect_eq "$name: pcow replay exits 0 (no divergence)" 0 $rc
	[ $rc -ne 0 ] && sed -n '1,24s/^/    replay: /p' "$T/replay.out"
	"$PCOW" commit "$T/st" >"$T/commit.out" 2>&1
	expect_eq "$name: pcow commit exits 0" 0 $?
	if [ "$(snapshot "$T/nat")" = "$(snapshot "$T/w")" ]; then
		pass "$name: committed tree equals the native one"
	else
		fail "$name: committed tree differs from the native one:"
		snapshot "$T/nat" >"$T/s1"; snapshot "$T/w" >"$T/s2"
		diff "$T/s1" "$T/s2" | head -20
	fi
	# After commit: $norm may need what the committed tree holds.
	${norm:-cat} <"$T/status.exp" | LC_ALL=C sort >"$T/s1"
	sed "s|$T/w|W|g" "$T/status.raw" | ${norm:-cat} | LC_ALL=C sort >"$T/s2"
	if cmp -s "$T/s1" "$T/s2"; then
		pass "$name: pcow status lists what the program did ($(wc -l <"$T/s2") lines)"
	else
		fail "$name: pcow status (+) is not what the program did (-):"
		diff -u "$T/s1" "$T/s2" | sed -n '4,30s/^/    /p'
	fi
}

exp_sed() { echo "M W/src/a.txt"; }
exp_cp() { adds copy; }
exp_mv() { echo "R W/src -> W/moved"; }
exp_rm() { echo "D W/src/lib"; }
exp_rmtree() { echo "D W/src"; }
exp_tar() { echo "D W/old"; adds out/linux; }
exp_script() { adds new.sh; }
exp_make() { adds src/*.o src/prog; }
exp_git() { adds src/.git; }
exp_venv() { adds venv; }

# check_git: after "git init, add, commit", the committed .git works and
# holds native's objects byte for byte: blobs and trees are named by their
# content, so only the commit (its time) differs.
check_git() {
	for d in nat w; do
		(cd "$T/$d/src" && git log --format=%s && git status --short &&
			git ls-files && git fsck --strict 2>&1 && echo fsck ok) >"$T/git.$d" 2>&1
	done
	if cmp -s "$T/git.nat" "$T/git.w"; then
		pass "git: log, status, ls-files and fsck of the committed tree as native"
	else
		fail "git: the committed repository (+) is not native's (-):"
		diff -u "$T/git.nat" "$T/git.w" | sed -n '4,20s/^/    /p'
	fi
	objs=$(cd "$T/nat/src" && git ls-tree -r -t --format='%(objectname)' HEAD &&
		git rev-parse 'HEAD^{tree}')
	bad=
	for o in $objs; do
		f=.git/objects/$(echo "$o" | cut -c1-2)/$(echo "$o" | cut -c3-)
		cmp -s "$T/nat/src/$f" "$T/w/src/$f" || bad="$bad $o"
	done
	expect_eq "git: every blob and tree object committed is native's ($(echo $objs | wc -w))" "" "$bad"
	for f in HEAD config description info/exclude COMMIT_EDITMSG; do
		cmp -s "$T/nat/src/.git/$f" "$T/w/src/.git/$f" || bad="$bad $f"
	done
	expect_eq "git: HEAD, config, description, info/exclude, COMMIT_EDITMSG as native" "" "$bad"
}

setup_src() {
	mkdir -p src/lib src/doc && printf 'a\nb\nc\n' >src/a.txt &&
		printf 'int x;\n' >src/lib/x.c && ln -s ../a.txt src/doc/link &&
		chmod 600 src/lib/x.c && printf '#!/bin/sh\necho hi\n' >src/run.sh && chmod 755 src/run.sh
}
setup_project() {
	setup_src && for i in 1 2 3 4 5 6; do
		printf 'int f%d(void) { return %d; }\n' $i $i >src/f$i.c
	done && printf 'int main(void) { return 0; }\n' >src/main.c &&
		printf 'OBJS = $(patsubst %%.c,%%.o,$(wildcard *.c))\nprog: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n' >src/Makefile
}
setup_tar() {
	tar cf "$T/src.tar" -C /usr/include linux/netfilter 2>/dev/null && mkdir out && mkdir old &&
		tar xf "$T/src.tar" -C old
}

run "sed -i" setup_src 'sed -i s/b/B/ src/a.txt && cat src/a.txt' exp_sed
run "cp -a" setup_src 'cp -a src copy && ls -l copy | cut -c1-10,40- | sort' exp_cp
run "mv of a directory" setup_src 'mv src moved && ls -R moved && cat moved/doc/link' exp_mv
run "rm -rf" setup_src 'rm -rf src/lib && ls src && test ! -e src/lib' exp_rm
run "tar xf then rm -rf" setup_tar "tar xf $T/src.tar -C out && rm -rf old && find out | wc -l" exp_tar
run "script created in the overlay" setup_src 'printf "#!/bin/sh\necho new script\n" >new.sh && chmod +x new.sh && ./new.sh && ./src/run.sh' exp_script
if command -v make >/dev/null && command -v cc >/dev/null; then
	run "make -j2" setup_project 'cd src && make -s -j2 && ./prog && echo built' exp_make
else
	echo "SKIP make: make or cc is not installed"
fi
if command -v git >/dev/null; then
	# Commit ids hold times: the commit object's name (each run's own) is
	# set aside in status, and so are objects/XX directories (which one
	# holds the commit, and whether a blob shares it, differs).
	norm_git() {
		n=$(git -C "$T/nat/src" rev-parse HEAD) w=$(git -C "$T/w/src" rev-parse HEAD)
		sed -e '/\/objects\/[0-9a-f][0-9a-f]$/d' \
			-e "s|/objects/$(echo "$n" | cut -c1-2)/$(echo "$n" | cut -c3-)\$|/objects/COMMIT|" \
			-e "s|/objects/$(echo "$w" | cut -c1-2)/$(echo "$w" | cut -c3-)\$|/objects/COMMIT|"
	}
	norm=norm_git
	run "git init, add, commit" setup_src 'cd src && git init -q . && git add -A &&
		git -c user.email=t@e -c user.name=t commit -qm first && git log --format=%s &&
		git ls-files && git status --short && git config core.symlinks' exp_git
	norm=
	check_git
else
	echo "SKIP git: not installed"
fi
if command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null; then
	run "python3 -m venv" setup_src 'python3 -m venv --without-pip venv && ./venv/bin/python -c "import sys; print(sys.prefix != sys.base_prefix)"' exp_venv
else
	echo "SKIP python3 -m venv: python3 with venv is not installed"
fi
if command -v python3 >/dev/null; then
	# shutil.rmtree lists each directory by os.scandir(fd), which dups fd:
	# the dup must list the merged directory, with the real names too.
	run "python3 shutil.rmtree of a changed directory" setup_src 'rm src/a.txt &&
		echo new >src/new.txt && echo new >src/lib/new.c && python3 -c "import shutil; shutil.rmtree(\"src\")" && test ! -e src && echo removed' exp_rmtree
else
	echo "SKIP python3 shutil.rmtree: python3 is not installed"
fi
finish
